"""The attention list kept between changes. compute() reads every input in one
read transaction and runs the rules for everyone; update() reads again only the
customers a change can affect and runs their rules, and gives the same list a
full compute() would (tests/journal/test_attention.py checks it after random
writes).

What one customer's change can affect: that customer's own items; the items of
everyone connected to them (a referrer's item names whom they referred, and a
connection made or taken back changes both sides); the health figures; and the
introductions, which weigh everyone who shares a topic against each other: the
state keeps each topic's members and circle (its few most valuable members), so
only the topics the changed customers were or are on are ranked again, and only
the circles' members are read again.

The state holds no customer's facts but for who could be introduced (rank and
topics) and one byte each for the health figures: at 50,000 customers the facts
of everyone, as Python objects, were most of the panel's memory.

A state is never changed once made: update() returns a new one, so the panel
can keep showing one state while the next is computed off the GUI thread."""

from __future__ import annotations

import gc
import threading
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from journal.rules import lately
from journal.rules.lately import AttentionItem, Health, Person, sort_key
from journal.storage.models import Connection, raw_rows


@dataclass(frozen=True)
class AttentionState:
    today: date
    by_customer: dict[int, list[AttentionItem]]  # every customer's items but introductions
    introductions: list[AttentionItem]
    people: dict[int, Person]  # who could be introduced, with their rank and topics
    members: dict[str, set[int]]  # topic -> who could be introduced on it
    circles: dict[str, list[int]]  # topic -> its few most valuable members (lately.topic_index)
    items: list[AttentionItem]  # everything, most pressing first (lately.sort_key)
    health: Health
    # Each live customer's part in the health figures (lately.health_codes), by id:
    # one byte a customer, so a change can take out what they counted before.
    health_codes: bytearray = field(default_factory=bytearray)
    # How many items there are of each reason (the panel's filter shows them).
    counts: dict[str, int] = field(default_factory=dict)
    # What changed from the state this one was updated from (all of it after compute()).
    removed: list[AttentionItem] = field(default_factory=list)
    added: list[AttentionItem] = field(default_factory=list)
    full: bool = True  # computed from scratch, not updated


def compute(today: date | None = None) -> AttentionState:
    """Everything, from one consistent view of the journal."""
    from journal.storage.db import snapshot

    today = today or date.today()
    with _no_cyclic_gc(), snapshot():
        return _compute(today)


def _compute(today: date) -> AttentionState:
    found = lately.everyone(today)
    items = lately.in_order(found.by_customer, found.introductions)
    codes = bytearray(max(found.health_codes, default=0) + 1)
    for cid, code in found.health_codes.items():
        codes[cid] = code
    counts = {}
    for item in items:
        counts[item.reason] = counts.get(item.reason, 0) + 1
    return AttentionState(today, found.by_customer, found.introductions, found.people, found.members, found.circles,
                          items, lately.health_of(found.health_codes.values()), codes, counts, removed=[],
                          added=list(items))


_gc_lock = threading.Lock()
_gc_holders, _gc_was_on = 0, True


@contextmanager
def _no_cyclic_gc():
    """Without Python's cyclic collector while the list is made: it makes tens of
    thousands of small objects that hold no cycles, and at 50,000 customers the
    collector's passes over them took a third of the time. Reference counting
    still frees everything; the collector runs again once the last one is done."""
    global _gc_holders, _gc_was_on
    with _gc_lock:
        if not _gc_holders:
            _gc_was_on = gc.isenabled()
        _gc_holders += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if not _gc_holders and _gc_was_on:
                gc.enable()


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
        part = lately.read(today, ids)
        people = _people_after(state.people, part.people, ids)
        members, circles = _circles_after(state, people, ids)
        in_circles = {cid for circle in circles.values() for cid in circle}
        in_circles_before = {cid for circle in state.circles.values() for cid in circle}
        if circles == state.circles and not ids & in_circles and not ids & in_circles_before:
            introductions = state.introductions  # nothing an introduction reads has changed
        else:
            introductions = lately.introductions(people, circles, lately.read_circle(today, circles))

    by_customer = dict(state.by_customer)
    removed = [i for cid in ids for i in state.by_customer.get(cid, ())]
    added = []
    for cid in ids:
        found = part.by_customer.get(cid)
        if found:
            by_customer[cid] = found
            added += found
        else:
            by_customer.pop(cid, None)
    if introductions != state.introductions:
        removed += state.introductions
        added += introductions

    items = list(state.items)
    for item in removed:
        del items[_position(items, item)]
    for item in added:
        items.insert(bisect_left(items, sort_key(item), key=sort_key), item)
    health, codes = _health_after(state, part.health_codes, ids)
    counts = dict(state.counts)
    for item in removed:
        counts[item.reason] -= 1
    for item in added:
        counts[item.reason] = counts.get(item.reason, 0) + 1
    return AttentionState(today, by_customer, introductions, people, members, circles, items, health, codes,
                          {reason: n for reason, n in counts.items() if n}, removed, added, full=False)


def _people_after(people: dict[int, Person], fresh: dict[int, Person], ids: set[int]) -> dict[int, Person]:
    """`people` with the part about `ids` replaced by `fresh` (the same dict if nothing changed)."""
    if all(people.get(cid) == fresh.get(cid) for cid in ids):
        return people
    result = dict(people)
    for cid in ids:
        if cid in fresh:
            result[cid] = fresh[cid]
        else:
            result.pop(cid, None)
    return result


def _topics(people: dict[int, Person], cid: int) -> frozenset[str]:
    person = people.get(cid)
    return person.topics if person else frozenset()


def _circles_after(state: AttentionState, people: dict[int, Person], ids: set[int]):
    """The topics' members and circles after `ids` changed: only the topics they
    were or are on are ranked again."""
    members, touched = dict(state.members), set()
    for cid in ids:
        before, after = _topics(state.people, cid), _topics(people, cid)
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
    rank = lately.circle_rank(people)
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
    circles.update(lately.topic_circles(people, members, again))
    return members, circles


def _position(items: list[AttentionItem], item: AttentionItem) -> int:
    at = bisect_left(items, sort_key(item), key=sort_key)
    while items[at] != item:  # equal keys: the same customer and reason, told apart by the rest
        at += 1
    return at


def _health_after(state: AttentionState, fresh: dict[int, int], ids: set[int]) -> tuple[Health, bytearray]:
    """The health figures and codes with those of `ids` replaced by `fresh`."""
    codes = bytearray(state.health_codes)
    if ids and max(ids) >= len(codes):
        codes.extend(bytes(max(ids) + 1 - len(codes)))
    before = lately.health_of(codes[cid] for cid in ids if codes[cid])
    for cid in ids:
        codes[cid] = fresh.get(cid, 0)
    after = lately.health_of(fresh.values())
    health = state.health
    return Health(health.customers - before.customers + after.customers,
                  health.within_cadence - before.within_cadence + after.within_cadence,
                  health.silent_since_first_sale - before.silent_since_first_sale + after.silent_since_first_sale
                  ), codes
