"""The attention list updated after a change equals the list computed from
scratch, after any sequence of writes; the inputs are read as of one moment."""

import sqlite3
import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from journal.rules import attention, lately
from journal.writes import connections, customers, interactions, purchases
from journal.errors import JournalError
from journal.rules.kinds import CONNECTION_KINDS, DIRECTIONS, KINDS, STAGES
from journal.storage.models import Connection, Interaction, Purchase

from .helpers import TODAY, buy, connect, customer, days_ago, log

NAMES = ["Ada Lovelace", "Ben Boats", "Cy Young", "Dee Dee", "Ann Sailor", "Ada Lovelace"]  # two Adas: ties
INTERESTS = ["sailing", "sailing, jazz", "jazz", "", "chess; sailing"]


def seed():
    people = []
    for n, name in enumerate(NAMES):
        c = customer(name, interests=INTERESTS[n % len(INTERESTS)], stage=sorted(STAGES)[n % len(STAGES)],
                     customer_since=TODAY - timedelta(days=100 * n + 10), tags=["VIP"] if n % 2 else [])
        people.append(c.id)
        buy(c, ago=5 + 40 * n)
        log(c, "call", ago=3 * n, follow_up_on=TODAY - timedelta(days=n))
    connect(customers.get_customer(people[0]), customers.get_customer(people[1]), ago=10)
    customers.set_tag_cadence("VIP", 30)
    return people


def some(model):
    return [i for (i,) in model.select(model.id).tuples()]


def write(data, people):
    """One write a person could make, and the customer the window would say it concerned."""
    who = data.draw(st.sampled_from(people), label="customer")
    other = data.draw(st.sampled_from(people), label="other")
    action = data.draw(st.sampled_from([
        "log", "buy", "connect", "delete_connection", "restore_connection", "rename", "stage", "interests", "tags",
        "cadence", "archive", "delete", "restore", "follow_up_done", "delete_interaction", "delete_purchase",
        "snooze", "unsnooze"]), label="action")
    if action == "log":
        interactions.log_interaction(
            who, data.draw(st.sampled_from(sorted(KINDS))), data.draw(st.sampled_from(sorted(DIRECTIONS))), "Note",
            occurred_at=days_ago(data.draw(st.integers(0, 400))),
            follow_up_on=data.draw(st.one_of(st.none(), st.dates(TODAY - timedelta(days=30), TODAY + timedelta(days=3)))))
    elif action == "buy":
        purchases.add_purchase(who, TODAY - timedelta(days=data.draw(st.integers(0, 800))), "Lamp", 1200)
    elif action == "connect":
        connections.add_connection(who, other, data.draw(st.sampled_from(sorted(CONNECTION_KINDS))),
                                   connected_on=TODAY - timedelta(days=data.draw(st.integers(0, 500))))
        return data.draw(st.sampled_from([who, other]), label="named")  # either side's page
    elif action in ("delete_connection", "restore_connection"):
        ident = data.draw(st.sampled_from(some(Connection) or [0]))
        row = Connection.get_or_none(Connection.id == ident)
        (connections.delete_connection if action == "delete_connection" else connections.restore_connection)(ident)
        return data.draw(st.sampled_from([row.source_id, row.target_id]), label="named")
    elif action == "rename":
        customers.update_customer(who, name=data.draw(st.sampled_from(NAMES + ["Zed", "ada lovelace"])))
    elif action == "stage":
        customers.update_customer(who, stage=data.draw(st.sampled_from(sorted(STAGES))))
    elif action == "interests":
        customers.update_customer(who, interests=data.draw(st.sampled_from(INTERESTS + ["knitting"])))
    elif action == "tags":
        customers.update_customer(who, tags=data.draw(st.sampled_from([[], ["VIP"], ["sailing"], ["jazz", "VIP"]])))
    elif action == "cadence":
        customers.update_customer(who, cadence_days=data.draw(st.sampled_from([None, 7, 30, 365])))
    elif action == "archive":
        customers.set_archived(who, data.draw(st.booleans()))
    elif action == "delete":
        customers.delete_customer(who)
    elif action == "restore":
        customers.restore_customer(who)
    elif action == "follow_up_done":
        ident = data.draw(st.sampled_from(some(Interaction)))
        interactions.set_follow_up_done(ident, data.draw(st.booleans()))
        return Interaction.get_by_id(ident).customer_id
    elif action == "delete_interaction":
        ident = data.draw(st.sampled_from(some(Interaction)))
        interactions.delete_interaction(ident)
        return Interaction.get_by_id(ident).customer_id
    elif action == "delete_purchase":
        ident = data.draw(st.sampled_from(some(Purchase)))
        purchases.delete_purchase(ident)
        return Purchase.get_by_id(ident).customer_id
    elif action == "snooze":
        key = data.draw(st.sampled_from(["cadence", "no_feedback", f"introduction:{other}", "unthanked_purchase"]))
        lately.snooze(who, key, date.today() + timedelta(days=7))
    elif action == "unsnooze":
        lately.unsnooze(who, data.draw(st.sampled_from(["cadence", "no_feedback", f"introduction:{other}"])))
    return who


def in_another_connection(fn):
    """fn() in a thread of its own, so on a connection of its own (Peewee's are per thread)."""
    from journal.storage.models import database

    result = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            result["error"] = exc
        finally:
            database.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def same(updated, full, updated_items, full_items):
    assert updated_items == full_items
    assert updated.introductions == full.introductions
    assert updated.health == full.health
    assert updated.circles == full.circles
    assert updated.counts == full.counts == dict(Counter(i.reason for i in full_items))


# How the circles are found (lately.people_and_circles): as shipped (every topic
# of these few people read whole); every topic's circle filled from the most
# valuable people down, one person read first, then four more, and so on, with
# circles of two (so that they fill before everyone is read) and of eight; and
# a mix of both, the topics of one or two people read whole.
WAYS_TO_FIND_CIRCLES = [(lately.SMALL_TOPIC, lately.FIRST_READ, lately.INTRODUCTION_CIRCLE), (0, 1, 2), (0, 1, 8),
                        (2, 2, 2)]


@pytest.mark.parametrize("small_topic, first_read, circle", WAYS_TO_FIND_CIRCLES)
@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_an_update_after_any_writes_equals_a_full_recompute(tmp_path_factory, monkeypatch, small_topic, first_read,
                                                            circle, data):
    from journal.storage import db

    monkeypatch.setattr(lately, "SMALL_TOPIC", small_topic)
    monkeypatch.setattr(lately, "FIRST_READ", first_read)
    monkeypatch.setattr(lately, "INTRODUCTION_CIRCLE", circle)
    database = db.connect(tmp_path_factory.mktemp("attention") / "journal.sqlite3")
    try:
        people = seed()
        state = attention.compute(TODAY)

        def check(state):
            updated_items = attention.items(state)
            full, full_items = full_in_another_connection()  # (this connection's tables are the updated state's)
            same(state, full, updated_items, full_items)
            # and the Python statement of the rules finds the same items, circles and introductions
            found = lately.read(TODAY)
            assert [i for i in updated_items if i.reason != "introduction"] == lately.in_order(found.by_customer)
            assert full.circles == lately.topic_index(found.people)[1]
            assert full.introductions == lately.everyone(TODAY).introductions

        # The panel refreshes for the customers written since its last refresh;
        # a write can come while a refresh waits, which then reads it without
        # being told (the next refresh is), so refreshes are drawn for some of
        # the customers written so far, and the list checked once all are told.
        pending = set()
        for _ in range(data.draw(st.integers(1, 12), label="writes")):
            try:
                pending.add(write(data, people))
            except JournalError:
                continue  # refused (a deleted customer, a connection that exists): nothing changed
            if data.draw(st.booleans(), label="a refresh now"):
                told = data.draw(st.sets(st.sampled_from(sorted(pending)), min_size=1), label="for")
                state = attention.update(state, told, TODAY)
                assert not state.full and told <= state.changed
                pending -= told
                if not pending:
                    check(state)
        state = attention.update(state, pending, TODAY)
        check(state)
    finally:
        database.close()


def test_a_change_reads_only_the_customers_it_can_affect(journal):
    a, b, c = customer("Ann Sailor"), customer("Ben Boats"), customer("Cy Young")
    connect(a, b, ago=3)  # Ann sent us Ben: Ann's item names Ben
    customer("Dee Dee")
    assert attention.affected_by({b.id}) == {a.id, b.id}
    assert attention.affected_by({c.id}) == {c.id}
    state = attention.compute(TODAY)
    [referral] = [i for i in attention.items(state) if i.reason == "referral_unthanked"]
    assert referral.evidence.startswith("Referred Ben Boats")
    customers.update_customer(b.id, name="Benjamin Boats")
    state = attention.update(state, {b.id}, TODAY)
    assert state.changed == {a.id, b.id}
    [referral] = [i for i in attention.items(state) if i.reason == "referral_unthanked"]
    assert referral.evidence.startswith("Referred Benjamin Boats")


def a_refresh_that_read_a_later_write():
    """Yan's tags change (VIP to golf) while a refresh for Ann runs: a golf
    circle read again for Ann reads Yan's tags as they are now. The panel
    refreshes for Yan only afterwards. (Found by review: the VIP circle kept
    Yan.) The state after both refreshes, and the customers."""
    ann = customer("Ann Sailor", interests="golf", stage="customer")
    buy(ann, ago=30, cents=900_00)
    bob = customer("Bob Boats", interests="golf", stage="customer")
    buy(bob, ago=30, cents=800_00)
    yan = customer("Yan Yellow", stage="customer", tags=["VIP"])
    buy(yan, ago=30, cents=500_00)
    zed = customer("Zed Zebra", stage="prospect", tags=["VIP"])
    state = attention.compute(TODAY)
    buy(ann, ago=1)  # a refresh for Ann is asked for...
    customers.update_customer(yan.id, tags=["golf"])  # ...and before it runs, Yan's tags change
    state = attention.update(state, {ann.id}, TODAY)
    state = attention.update(state, {ann.id, yan.id}, TODAY)  # the refresh for Yan, after
    return state, yan, zed


def full_in_another_connection():
    return in_another_connection(lambda: (lambda f: (f, attention.items(f)))(attention.compute(TODAY)))


def test_a_circle_a_changed_customer_was_in_is_read_again_whatever_was_read_of_them_since(journal):
    state, yan, zed = a_refresh_that_read_a_later_write()
    full, full_items = full_in_another_connection()
    assert state.circles["vip"] == [zed.id] == full.circles["vip"]
    same(state, full, attention.items(state), full_items)  # (before: an introduction of Yan on nothing shared)


def test_a_customer_deleted_after_such_a_refresh_leaves_every_circle(journal):
    """(Before: the VIP circle still named Yan after the delete, and the
    introductions failed with KeyError; the panel said "Could not work out
    who needs you: 2" at every refresh until the next day.)"""
    state, yan, _ = a_refresh_that_read_a_later_write()
    customers.delete_customer(yan.id)
    state = attention.update(state, {yan.id}, TODAY)
    assert all(yan.id not in circle for circle in state.circles.values())
    full, full_items = full_in_another_connection()
    same(state, full, attention.items(state), full_items)


def test_a_new_day_computes_everything_again(journal):
    customer("Ann Sailor")
    state = attention.compute(TODAY)
    assert attention.update(state, set(), TODAY + timedelta(days=1)).full


def test_the_inputs_are_read_as_of_one_moment(journal, backend, monkeypatch):
    """A writer in another connection commits between two of the queries that
    gather the inputs: none of its rows are seen (without the read transaction
    the new customer's purchase was read, the customer was not)."""
    ada = customer("Ada Lovelace", customer_since=TODAY - timedelta(days=30))
    log(ada, "check_in", ago=1)
    from journal.reads import attention_items

    reads = []
    original = attention_items._exec

    def between_queries(sql, params=()):
        rows = original(sql, params)
        reads.append(sql)
        # The customers' rules are read into their table (on SQLite made empty first): another program writes.
        if sql.startswith(("CREATE TEMP TABLE lately_rules AS", "INSERT INTO lately_rules")):
            def other_program():
                if backend == "postgresql":
                    return other_program_on_the_server()
                other = sqlite3.connect(journal, timeout=5)
                with other:
                    cur = other.execute("INSERT INTO customer (name, stage, channel, interests, account_manager, "
                                        "account_manager_phone, created_at, updated_at, archived, email, phone, address) VALUES "
                                        "('Late Larry', 'customer', 'email', '', '', '', '2026-01-01 10:00:00', "
                                        "'2026-01-01 10:00:00', 0, '', '', '')")
                    other.execute("INSERT INTO purchase (customer_id, purchased_on, product, amount_cents, created_at) "
                                  "VALUES (?, '2026-06-01', 'Desk', 5000, '2026-06-01 10:00:00')", (cur.lastrowid,))
                other.close()

            def other_program_on_the_server():
                import psycopg

                with psycopg.connect(journal) as other:  # commits as it closes
                    larry = other.execute(
                        "INSERT INTO customer (name, stage, channel, interests, account_manager, "
                        "account_manager_phone, created_at, updated_at, archived, email, phone, address) VALUES "
                        "('Late Larry', 'customer', 'email', '', '', '', '2026-01-01 10:00:00', "
                        "'2026-01-01 10:00:00', false, '', '', '') RETURNING id").fetchone()[0]
                    other.execute("INSERT INTO purchase (customer_id, purchased_on, product, amount_cents, created_at) "
                                  "VALUES (%s, '2026-06-01', 'Desk', 5000, '2026-06-01 10:00:00')", (larry,))

            thread = threading.Thread(target=other_program)
            thread.start()
            thread.join()
        return rows

    monkeypatch.setattr(attention_items, "_exec", between_queries)
    state = attention.compute(TODAY)
    assert any(sql.startswith(("CREATE TEMP TABLE lately_rules AS", "INSERT INTO lately_rules")) for sql in reads[:-3])
    assert state.health.customers == 1
    assert {i.customer_name for i in attention.items(state)} <= {"Ada Lovelace"}
    monkeypatch.setattr(attention_items, "_exec", original)
    later = attention.compute(TODAY)
    assert later.health.customers == 2
    assert "Late Larry" in {i.customer_name for i in attention.items(later) if i.reason == "unthanked_purchase"}



def test_an_update_of_tables_made_again_since_starts_from_scratch(journal):
    """The items live in the connection's temporary tables. Another build in the
    same connection since the state was made, or a connection made again (its
    tables gone), and update() computes everything, never patching tables that
    are not the state's."""
    from journal.storage.models import database

    ann = customer("Ann Sailor")
    buy(ann, ago=30)
    state = attention.compute(TODAY)
    attention.compute(TODAY + timedelta(days=1))  # another day's list, in the same tables
    again = attention.update(state, {ann.id}, TODAY)
    assert again.full and again.mark != state.mark
    assert attention.items(again) == attention.all_items(TODAY)
    database.close()  # a new connection, without the tables
    database.connect()
    assert attention.update(attention.compute(TODAY), set(), TODAY).full is False
    lost = attention.compute(TODAY)
    database.close()
    database.connect()
    assert attention.update(lost, {ann.id}, TODAY).full


def test_a_page_of_a_list_whose_tables_are_gone_says_so(journal):
    """A connection made again (a team server lost and back) has no tables: a
    page asked for with its state says the list is gone, a plain error the
    panel answers by making it again, not a database fault to show."""
    from journal.storage.models import database

    for n in range(3):
        buy(customer(f"Ann {n}"), ago=30)
    state = attention.compute(TODAY)
    assert len(attention.rows(0, 2, state=state)) == 2
    database.close()
    database.connect()
    with pytest.raises(attention.ListGone):
        attention.rows(2, 2, state=state)
    again = attention.update(state, set(), TODAY)
    assert again.full and len(attention.rows(2, 2, state=again)) == 2
