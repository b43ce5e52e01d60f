"""The attention list kept between changes, in the database. compute() makes
every item in temporary tables of the connection it runs on (the Lately
panel's kept thread: journal.reads.attention_items), in one read transaction;
update() makes again only the items of the customers a change can affect, and
leaves the tables as a full compute() would (tests/journal/test_attention.py
checks it after random writes). The panel reads the items a page at a time
(rows()), so at 50,000 customers the 61,000 items never become Python objects
but for the few dozen on screen.

What one customer's change can affect: that customer's own items; the items of
everyone connected to them (a referrer's item names whom they referred, and a
connection made or taken back changes both sides); the health figures; and the
introductions, which weigh everyone who shares a topic against each other: the
state keeps each topic's circle (its few most valuable people), found without
reading everyone (lately.people_and_circles), so only the topics the changed
customers were or are on are looked at again, and a circle is read again from
the database only when one of its people changed.

A state is never changed once made: update() returns a new one. The tables
are the newest state's: read rows only on the connection, and after the state,
they were made for."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from journal.reads import attention_items
from journal.rules import lately
from journal.rules.lately import AttentionItem, Health, Person
from journal.storage import team_changes
from journal.storage.models import Connection, database, raw_rows


@dataclass(frozen=True)
class AttentionState:
    today: date
    introductions: list[AttentionItem]
    people: dict[int, Person]  # those read of who could be introduced (every circle's members among them)
    interests: dict[str, frozenset[str]]  # each way interests are written among them -> its topics
    circles: dict[str, list[int]]  # topic -> its few most valuable people (lately.people_and_circles)
    health: Health
    # How many items there are of each reason (the panel's filter shows them).
    counts: dict[str, int] = field(default_factory=dict)
    full: bool = True  # computed from scratch, not updated
    mark: int = 0  # the tables' (attention_items.mark): updated only while they are still these
    changed: frozenset[int] = frozenset()  # the customers whose items were made again by update()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def compute(today: date | None = None) -> AttentionState:
    """Everything, from one consistent view of the journal."""
    from journal.storage.db import snapshot

    today = today or date.today()
    attention_items.prepare()
    with _no_cyclic_gc(), snapshot():
        lately.build_items(today)
        found = lately.people_and_circles()
        people, interests, circles = found.people, found.interests, found.circles
        introductions = lately.introductions(people, circles, lately.read_circle(today, circles))
        attention_items.put_introductions(lately.introduction_rows(introductions), fresh=True)
        counts = attention_items.counts()
        health = Health(*attention_items.health())
        mark = attention_items.mark()
        team_changes.scratch_write(database)  # (temporary tables only: no colleague's change)
    return AttentionState(today, introductions, people, interests, circles, health, counts, mark=mark)


class ListGone(Exception):
    """The tables a page was to be read from are not the state's any more: the
    connection was made again (a team server lost), or another list was made
    in them. Not a database fault: the list is to be made again."""


def rows(offset: int, limit: int, reason: str | None = None, state: AttentionState | None = None
         ) -> list[AttentionItem]:
    """Items `offset` to `offset + limit`, most pressing first (lately.sort_key),
    of one reason or all: on the connection the newest state was made on. Given
    that `state`, its tables are checked to be still there (ListGone if not)."""
    if state is not None and not attention_items.made_by(state.mark):
        raise ListGone("the list is being made again")
    if offset:
        attention_items.index_items()  # scrolling on: the order by index from now on
    return [lately.item_of_row(row) for row in attention_items.page(offset, limit, reason)]


def index() -> None:
    """The tables' indexes (the order, each customer's items), which a whole
    computation leaves for later: the panel asks for them once the list is
    on screen, so that the first change after it is as quick as the others."""
    with database.atomic():
        attention_items.index_items()
        team_changes.scratch_write(database)


def items(state: AttentionState) -> list[AttentionItem]:
    """Every item of `state`, most pressing first."""
    return rows(0, state.total)


def all_items(today: date | None = None) -> list[AttentionItem]:
    """Every item, most pressing first, made in this thread's connection."""
    return items(compute(today))


_gc_lock = threading.Lock()
_gc_holders, _gc_was_on = 0, True


@contextmanager
def _no_cyclic_gc():
    """Without Python's cyclic collector while the people are made: tens of
    thousands of small objects that hold no cycles. Reference counting still
    frees everything; the collector runs again once the last one is done."""
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
    is read and made again. A new day, or tables that are not the state's (a
    connection made again after it was lost, or another build meanwhile),
    starts again from scratch."""
    from journal.storage.db import snapshot

    today = today or date.today()
    if today != state.today or not attention_items.made_by(state.mark):
        return compute(today)
    with snapshot():
        attention_items.index_items()  # each customer's items found, and the rows shown read again, by index
        ids = affected_by(customer_ids)
        counts_before, health_before = attention_items.counts(ids), attention_items.health(ids)
        lately.build_items(today, ids)
        counts_after, health_after = attention_items.counts(ids), attention_items.health(ids)
        rows = attention_items.people(ids)
        fresh = lately.persons(rows)
        people = _people_after(state.people, fresh, ids)
        interests = state.interests
        if any(row[2] not in interests for row in rows):
            interests = {**interests, **{row[2]: frozenset(lately.interest_topics(row[2])) for row in rows}}
        people, circles = _circles_after(state, people, ids, interests)
        in_circles = {cid for circle in circles.values() for cid in circle}
        in_circles_before = {cid for circle in state.circles.values() for cid in circle}
        introductions = state.introductions
        if not (circles == state.circles and not ids & in_circles and not ids & in_circles_before):
            introductions = lately.introductions(people, circles, lately.read_circle(today, circles))
        if introductions != state.introductions or ids & {i.other_customer_id for i in introductions}:
            attention_items.put_introductions(lately.introduction_rows(introductions))
        team_changes.scratch_write(database)

    counts = dict(state.counts)
    for reason, n in counts_before.items():
        counts[reason] -= n
    for reason, n in counts_after.items():
        counts[reason] = counts.get(reason, 0) + n
    counts["introduction"] = len(introductions)
    health = state.health
    health = Health(*(now - before + after for now, before, after in
                      zip((health.customers, health.within_cadence, health.silent_since_first_sale),
                          health_before, health_after)))
    return AttentionState(today, introductions, people, interests, circles, health,
                          {reason: n for reason, n in counts.items() if n}, full=False, mark=state.mark,
                          changed=frozenset(ids))


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


def _circles_after(state: AttentionState, people: dict[int, Person], ids: set[int], interests):
    """The people read and the circles after `ids` changed: only the topics
    they were or are on can change. A circle none of them was in takes those
    of them who now rank above its last member (everyone else outside it
    ranks below and did not change); a circle one of them was in is read
    again from the database (lately.circle_again). Who was never read was in
    no circle: the topics they leave do not change."""
    # The circles they are in, too, whatever was read of them since: a circle read
    # again for someone else reads everyone's tags as they are now, so a person
    # whose change is still to come can be in state.people with their new topics.
    touched = {topic for topic, circle in state.circles.items() if ids.intersection(circle)}
    for cid in ids:
        touched |= _topics(state.people, cid) | _topics(people, cid)
    circles = dict(state.circles)
    for topic in sorted(touched):
        circle = circles.get(topic, [])
        if ids & set(circle):
            again = lately.circle_again(topic, interests)
            if any(people.get(cid) != person for cid, person in again.items()):
                people = {**people, **again}
            circle = list(again)
        else:
            rank = lately.circle_rank(people)
            for cid in sorted((cid for cid in ids if topic in _topics(people, cid)), key=rank):
                if len(circle) < lately.INTRODUCTION_CIRCLE or rank(cid) < rank(circle[-1]):
                    circle = sorted(circle + [cid], key=rank)[:lately.INTRODUCTION_CIRCLE]
        if circle:
            circles[topic] = circle
        else:
            circles.pop(topic, None)
    return people, circles
