"""The attention list kept between changes. compute() reads every input in one
read transaction and runs the rules for everyone; update() reads again only the
customers a change can affect and runs their rules, and gives the same list a
full compute() would (tests/journal/test_attention.py checks it after random
writes).

What one customer's change can affect: that customer's own items; the items of
everyone connected to them (a referrer's item names whom they referred, and a
connection made or taken back changes both sides); and the introductions, which
weigh every customer against the others, recomputed from the inputs in memory
without reading the journal again.

A state is never changed once made: update() returns a new one, so the panel
can keep showing one state while the next is computed off the GUI thread."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date

from journal.rules import lately
from journal.rules.lately import AttentionItem, Health, Inputs, sort_key
from journal.storage.models import Connection, raw_rows


@dataclass(frozen=True)
class AttentionState:
    today: date
    inputs: Inputs
    by_customer: dict[int, list[AttentionItem]]  # every customer's items but introductions
    introductions: list[AttentionItem]
    members: dict[str, set[int]]  # topic -> who could be introduced on it
    circles: dict[str, list[int]]  # topic -> its few most valuable members (lately.topic_circles)
    items: list[AttentionItem]  # everything, most pressing first (lately.sort_key)
    health: Health
    # What changed from the state this one was updated from (all of it after compute()).
    removed: list[AttentionItem] = field(default_factory=list)
    added: list[AttentionItem] = field(default_factory=list)
    full: bool = True  # computed from scratch, not updated


def compute(today: date | None = None) -> AttentionState:
    """Everything, from one consistent view of the journal."""
    from journal.storage.db import snapshot

    today = today or date.today()
    with snapshot():
        inputs = lately.gather(today)
    by_customer = {}
    for cid in inputs.customers:
        found = lately.customer_items(inputs, cid, today)
        if found:
            by_customer[cid] = found
    members = lately.topic_members(inputs)
    circles = lately.topic_circles(inputs, members)
    introductions = lately.introductions(inputs, circles)
    items = [i for found in by_customer.values() for i in found] + introductions
    items.sort(key=sort_key)
    return AttentionState(today, inputs, by_customer, introductions, members, circles, items,
                          lately.health(inputs, today), removed=[], added=list(items))


def affected_by(customer_ids) -> set[int]:
    """These customers and everyone ever connected to them (a connection taken
    back or restored changes both sides too)."""
    ids = set(customer_ids)
    if not ids:
        return ids
    query = (Connection.select(Connection.source_id, Connection.target_id)
             .where(Connection.source_id.in_(sorted(ids)) | Connection.target_id.in_(sorted(ids))))
    for a, b in raw_rows(query):
        ids.add(a)
        ids.add(b)
    return ids


def update(state: AttentionState, customer_ids, today: date | None = None) -> AttentionState:
    """`state` after a change to `customer_ids`: only what that change can affect
    is read and evaluated again. A new day starts again from scratch."""
    from journal.storage.db import snapshot

    today = today or date.today()
    if today != state.today:
        return compute(today)
    with snapshot():
        ids = affected_by(customer_ids)
        part = lately.gather(today, ids)
    inputs = _merged(state.inputs, part, ids)

    by_customer = dict(state.by_customer)
    removed = [i for cid in ids for i in state.by_customer.get(cid, ())]
    added = []
    for cid in ids:
        found = lately.customer_items(inputs, cid, today)
        if found:
            by_customer[cid] = found
            added += found
        else:
            by_customer.pop(cid, None)
    members, circles = _circles_after(state, inputs, ids)
    introductions = lately.introductions(inputs, circles)
    if introductions != state.introductions:
        removed += state.introductions
        added += introductions

    items = list(state.items)
    for item in removed:
        del items[_position(items, item)]
    for item in added:
        items.insert(bisect_left(items, sort_key(item), key=sort_key), item)
    health = _health_after(state.health, state.inputs, inputs, ids, today)
    return AttentionState(today, inputs, by_customer, introductions, members, circles, items, health, removed, added,
                          full=False)


def _circles_after(state: AttentionState, inputs: Inputs, ids: set[int]):
    """The topics' members and circles after `ids` changed: only the topics they
    were or are on are ranked again."""
    members, touched = dict(state.members), set()
    for cid in ids:
        before, after = lately.topics_of(state.inputs, cid), lately.topics_of(inputs, cid)
        touched |= before | after
        for topic in before - after:
            members[topic] = members[topic] - {cid}
        for topic in after - before:
            members[topic] = members.get(topic, set()) | {cid}
    for topic in touched:
        if not members.get(topic):
            members.pop(topic, None)
    circles = dict(state.circles)
    again = set()
    rank = lately.circle_rank(inputs)
    for topic in touched:
        circle = circles.get(topic, [])
        if ids & set(circle) or not members.get(topic):
            again.add(topic)  # someone in the circle changed: rank the topic again
            continue
        # Everyone outside the circle ranks below its last member and did not change,
        # but for the changed customers, who join the circle if they now rank above it.
        for cid in sorted(ids & members[topic], key=rank):
            if len(circle) < lately.INTRODUCTION_CIRCLE or rank(cid) < rank(circle[-1]):
                circle = sorted(circle + [cid], key=rank)[:lately.INTRODUCTION_CIRCLE]
        circles[topic] = circle
    for topic in again:
        circles.pop(topic, None)
    circles.update(lately.topic_circles(inputs, members, again))
    return members, circles


def _position(items: list[AttentionItem], item: AttentionItem) -> int:
    at = bisect_left(items, sort_key(item), key=sort_key)
    while items[at] != item:  # equal keys: the same customer and reason, told apart by the rest
        at += 1
    return at


def _merged(old: Inputs, part: Inputs, ids: set[int]) -> Inputs:
    """`old` with the part about `ids` replaced by `part`."""
    def swap(mapping: dict, fresh: dict) -> dict:
        result = dict(mapping)
        for cid in ids:
            if cid in fresh:
                result[cid] = fresh[cid]
            else:
                result.pop(cid, None)
        return result

    # Every live connection of an affected customer has both ends affected (see affected_by).
    return Inputs(
        customers=swap(old.customers, part.customers),
        unthanked_purchases=swap(old.unthanked_purchases, part.unthanked_purchases),
        follow_ups=swap(old.follow_ups, part.follow_ups),
        unthanked_referrals=swap(old.unthanked_referrals, part.unthanked_referrals),
        connected=swap(old.connected, part.connected),
        tags=swap(old.tags, part.tags),
        snoozed=swap(old.snoozed, part.snoozed),
    )


def _health_after(health: Health, old: Inputs, new: Inputs, ids: set[int], today: date) -> Health:
    def counts(inputs):
        return lately.health(replace(inputs, customers={c: inputs.customers[c] for c in ids if c in inputs.customers}),
                             today)

    before, after = counts(old), counts(new)
    return Health(health.customers - before.customers + after.customers,
                  health.within_cadence - before.within_cadence + after.within_cadence,
                  health.silent_since_first_sale - before.silent_since_first_sale + after.silent_since_first_sale)
