"""The referral-connection graph as plain data: nodes, typed directed edges, and
who brought in the most business through referrals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, fn

from .kinds import REFERRED
from .models import Connection, Customer, CustomerSummary, database, raw_rows


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    stage: str
    lifetime_cents: int
    referrals_made: int


@dataclass(frozen=True)
class Edge:
    id: int
    source: int
    target: int
    kind: str


@dataclass(frozen=True)
class GraphData:
    nodes: dict[int, Node]
    edges: list[Edge]


def graph_data(*, connected_only: bool = False, kinds: tuple[str, ...] | None = None) -> GraphData:
    edge_query = (
        Connection.select(Connection.id, Connection.source_id, Connection.target_id, Connection.kind)
        .where(Connection.deleted_at.is_null())
    )
    if kinds:
        edge_query = edge_query.where(Connection.kind.in_(kinds))
    node_query = (
        Customer.select(Customer.id, Customer.name, Customer.stage, fn.COALESCE(CustomerSummary.lifetime_cents, 0))
        .join(CustomerSummary, JOIN.LEFT_OUTER, on=(CustomerSummary.customer == Customer.id))
        .where(Customer.deleted_at.is_null(), Customer.archived == False)  # noqa: E712
    )
    with database.atomic():
        node_rows = raw_rows(node_query)
        edge_rows = raw_rows(edge_query)
    return build(node_rows, edge_rows, connected_only=connected_only)


def build(node_rows, edge_rows, *, connected_only=False) -> GraphData:
    """GraphData from (id, name, stage, lifetime) and (id, source, target, kind) rows."""
    alive = {row[0] for row in node_rows}
    edges = [Edge(*row) for row in edge_rows if row[1] in alive and row[2] in alive]
    referrals = defaultdict(int)
    touched = set()
    for e in edges:
        touched.update((e.source, e.target))
        if e.kind == REFERRED:
            referrals[e.source] += 1
    nodes = {
        cid: Node(cid, name, stage, cents, referrals[cid])
        for cid, name, stage, cents in node_rows
        if not connected_only or cid in touched
    }
    return GraphData(nodes, edges)


@dataclass(frozen=True)
class Referrer:
    customer_id: int
    name: str
    referrals_made: int
    direct_revenue_cents: int  # lifetime value of the customers they referred
    chain_revenue_cents: int  # ... and of everyone those referred, down the chain


def top_referrers(data: GraphData, limit: int = 20) -> list[Referrer]:
    children = defaultdict(list)
    for e in data.edges:
        if e.kind == REFERRED:
            children[e.source].append(e.target)

    def value(cid):
        node = data.nodes.get(cid)
        return node.lifetime_cents if node else 0

    result = []
    for source, direct in children.items():
        if source not in data.nodes:
            continue
        seen, stack = {source}, list(direct)
        chain = 0
        while stack:  # referral chains can loop (A sent B, B sent A); count each once
            cid = stack.pop()
            if cid in seen:
                continue
            seen.add(cid)
            chain += value(cid)
            stack.extend(children.get(cid, ()))
        result.append(Referrer(source, data.nodes[source].name, len(direct),
                               sum(value(c) for c in set(direct)), chain))
    result.sort(key=lambda r: (-r.chain_revenue_cents, -r.referrals_made, r.name))
    return result[:limit]
