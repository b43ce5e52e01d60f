"""The referral-connection graph as plain data: nodes, typed directed edges, and
who brought in the most business through referrals."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, fn

from journal.rules.kinds import REFERRED
from journal.storage.models import Connection, Customer, CustomerSummary, raw_rows


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
    from journal.storage.db import snapshot

    with snapshot():
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


# --- layout ------------------------------------------------------------------------

SPACING = 70.0  # scene units between neighbours


def _iterations(nodes: int, most: int = 500) -> int:
    """Fruchterman-Reingold steps for a graph this size: its time grows with
    nodes x steps, so past 8,000 customers fewer steps keep a fresh layout of
    30,000 within about two seconds (the grid's local forces settle early)."""
    return max(100, min(most, most * 8000 // max(nodes, 1)))


def saved_positions() -> dict[int, tuple[float, float]]:
    from journal.storage.models import GraphPosition

    return {cid: (x, y) for cid, x, y in raw_rows(GraphPosition.select(GraphPosition.customer_id, GraphPosition.x,
                                                                       GraphPosition.y))}


def save_positions(positions: dict[int, tuple[float, float]]):
    from journal.storage.models import GraphPosition, upsert_many

    from journal.writes import changes
    from journal.rules import validate
    from journal.errors import ValidationError

    if not isinstance(positions, dict):
        raise ValidationError("positions", f"must map customers to places, not {type(positions).__name__}")
    rows = []
    for cid, place in positions.items():
        if not isinstance(place, (tuple, list)) or len(place) != 2:
            raise ValidationError("positions", f"{validate.shown(place)} is not a place (x, y)")
        rows.append((validate.ident("customer", cid), validate.finite_number("x", place[0]),
                     validate.finite_number("y", place[1])))
    with changes.recording() as recorded:
        # A customer removed for good since the layout was made has no place to keep.
        known = set()
        for start in range(0, len(rows), 500):
            chunk = [cid for cid, _, _ in rows[start:start + 500]]
            known.update(c for (c,) in Customer.select(Customer.id).where(Customer.id.in_(chunk)).tuples())
        rows = [row for row in rows if row[0] in known]
        for start in range(0, len(rows), 500):
            changes.watch(GraphPosition, *[cid for cid, _, _ in rows[start:start + 500]])
            upsert_many(GraphPosition, ("customer",), ["customer", "x", "y"], rows[start:start + 500])
    return recorded.changeset


def _uncrowded(coords: list) -> list:
    """Push customers out of a crowded middle, keeping every direction and order
    from it: with tens of thousands, the force-directed layout leaves most of
    them on top of each other there (two thirds of 30,000 in a hundredth of the
    area). Each is moved out to at least the distance it would have if all were
    spread evenly over a disc, one to a square of side 1; never pulled in."""
    if len(coords) < 2:
        return coords
    cx = sum(x for x, _ in coords) / len(coords)
    cy = sum(y for _, y in coords) / len(coords)
    distance = [math.hypot(x - cx, y - cy) for x, y in coords]
    order = sorted(range(len(coords)), key=distance.__getitem__)
    result = list(coords)
    for rank, n in enumerate(order):
        even = math.sqrt((rank + 0.5) / math.pi)  # a disc of area rank + 1/2 holds those nearer the middle
        if distance[n] > 0 and even > distance[n]:
            x, y = coords[n]
            stretch = even / distance[n]
            result[n] = (cx + (x - cx) * stretch, cy + (y - cy) * stretch)
    return result


def layout(data: GraphData, known: dict[int, tuple[float, float]] | None = None, *, rearrange: bool = False,
           seed: int = 7) -> dict[int, tuple[float, float]]:
    """Positions for every node. Known positions are kept (the picture stays the
    same between openings, and where the owner dragged someone); a new customer
    goes beside the neighbours already placed, and only customers with none get a
    force-directed layout of their own, to the right of the rest. rearrange=True
    lays everything out afresh, starting from where it was."""
    import random

    import igraph

    known = {} if known is None else {cid: xy for cid, xy in known.items() if cid in data.nodes}
    ids = list(data.nodes)
    rng = random.Random(seed)
    if rearrange or not known:
        if not ids:
            return {}
        index = {cid: n for n, cid in enumerate(ids)}
        edges = [(index[e.source], index[e.target]) for e in data.edges if e.source in index and e.target in index]
        graph = igraph.Graph(n=len(ids), edges=edges)
        if known:  # start from the current picture (scaled back), new ones spread like igraph's own start
            spread = math.sqrt(len(ids))
            start = [[c / SPACING for c in known[cid]] if cid in known
                     else [rng.uniform(-spread, spread), rng.uniform(-spread, spread)] for cid in ids]
            coords = graph.layout_fruchterman_reingold(seed=start, niter=_iterations(len(ids)), grid="auto").coords
        else:  # igraph's own random start spreads the nodes, which its grid needs to be fast
            random_state = random.getstate()
            random.seed(seed)  # igraph draws from Python's random: the same journal, the same picture
            try:
                coords = graph.layout_fruchterman_reingold(niter=_iterations(len(ids)), grid="auto").coords
            finally:
                random.setstate(random_state)
        return {cid: (x * SPACING, y * SPACING) for cid, (x, y) in zip(ids, _uncrowded(coords))}

    positions = dict(known)
    if len(positions) == len(ids):
        return positions  # every place known (the usual opening): nothing to work out
    neighbours = {cid: [] for cid in ids}
    for e in data.edges:
        if e.source in neighbours and e.target in neighbours:
            neighbours[e.source].append(e.target)
            neighbours[e.target].append(e.source)
    waiting = [cid for cid in ids if cid not in positions]
    progress = True
    while waiting and progress:  # place beside placed neighbours, spreading outwards
        progress = False
        still = []
        for cid in waiting:
            placed = [positions[n] for n in neighbours[cid] if n in positions]
            if placed:
                x = sum(p[0] for p in placed) / len(placed) + rng.uniform(-0.6, 0.6) * SPACING
                y = sum(p[1] for p in placed) / len(placed) + rng.uniform(-0.6, 0.6) * SPACING
                positions[cid] = (x, y)
                progress = True
            else:
                still.append(cid)
        waiting = still
    if waiting:  # islands with no placed neighbour: lay them out together, beside the rest
        sub_index = {cid: n for n, cid in enumerate(waiting)}
        sub = igraph.Graph(n=len(waiting), edges=[(sub_index[a], sub_index[b]) for a, b in
                                                  ((e.source, e.target) for e in data.edges)
                                                  if a in sub_index and b in sub_index])
        coords = sub.layout_fruchterman_reingold(niter=_iterations(len(waiting), 300), grid="auto").coords
        right = max((p[0] for p in positions.values()), default=0.0) + 3 * SPACING
        left = min(x for x, _ in coords)
        for cid, (x, y) in zip(waiting, coords):
            positions[cid] = (right + (x - left) * SPACING, y * SPACING)
    return positions
