"""The core describes every change (journal/writes/changes.py): each kind of write
undoes and redoes through its ChangeSet, back to exactly what the journal was;
and when another connection — a second database object on the same file, or a
second process — changed a row in between, undo and redo refuse with a
message naming what changed, and write nothing."""

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from journal.rules import cards, duplicates, lately
from journal.writes import changes, connections, customers, drafts, interactions, merge, purchases, settings, trash
from journal.reads import graph
from journal.storage.db import PRAGMAS, ServerDatabase
from journal.errors import ChangedSince, ValidationError
from journal.io import csv_import as ci
from journal.storage.models import Customer, Interaction, Purchase, database

from .helpers import buy, connect, customer, days_ago, log

ROOT = Path(__file__).resolve().parents[2]


def dump(with_versions=True) -> dict:
    """Every recorded table and the summaries, row by row."""
    from journal.storage.models import CustomerSummary

    result = {}
    for model in list(changes.RECORDED) + [CustomerSummary]:
        rows = []
        for row in model.select().dicts():
            if not with_versions:
                row.pop("version", None)
            rows.append(tuple(sorted(row.items(), key=lambda kv: kv[0])))
        result[model._meta.table_name] = sorted(rows, key=repr)
    return result


def live(state: dict) -> dict:
    """The state without rows in the trash (undoing a creation moves the row
    there: rows are never deleted under someone's feet), nor the summaries,
    tags, contacts and notes of customers in the trash (theirs, there with
    them: an import's undo leaves them so); and tag names, which stay once made (other rows may
    have come to use them) — tests/journal/test_changes.py checks tags by customer."""
    trashed = {dict(r)["id"] for r in state["customer"] if dict(r)["deleted_at"] is not None}
    result = {table: [r for r in rows if dict(r).get("deleted_at") is None] for table, rows in state.items()
              if table != "tag"}
    for table in ("customer_summary", "customer_tag", "contact_point", "interaction"):  # theirs, with them
        result[table] = [r for r in result[table] if dict(r)["customer"] not in trashed]
    result["tag"] = [r for r in state["tag"] if dict(r)["id"] == 1]  # "vip", the people's own
    return result


@pytest.fixture
def people(journal):
    ada = customer("Ada Lovelace", company="Analytical", phone="555 0100", tags=["vip"],
                   contacts=[("email", "work", "ada@work.example")])
    bob = customer("Bob Builder", email="bob@example.org", stage="prospect")
    buy(ada, ago=3, product="Oak table")
    connect(bob, ada, ago=2)
    log(ada, kind="check_in", ago=40, summary="Asked about the table")
    return ada, bob


def _other_ada(ada):
    return customer("Ada Lovelace", email="ada@home.example", company="Analytical")


def _plan():
    table = ci.read_table("name,email,tags,notes\nGrace Hopper,grace@navy.example,vip,Met at the fair\n"
                          "Ada Lovelace,ada@new.example,,From the list\n".encode())
    return ci.plan_customers(table, ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS))


def _sent_card(ada):
    [card] = [c for c in cards.build_cards("purchases") if c.customer_id == ada.id]
    cards.mark_sent([card])


# (name, the write given the people): every kind of write service in journal/.
WRITES = {
    "create customer": lambda ada, bob: customers.create_customer(
        name="Grace Hopper", company="Navy Labs", tags=["vip", "navy"], contacts=[("phone", "home", "555 0111")]),
    "edit customer": lambda ada, bob: customers.update_customer(
        ada.id, phone="555 0199", stage="former", tags=["oak"], company="Engines",
        contacts=[("email", "home", "ada@home.example")]),
    "archive": lambda ada, bob: customers.set_archived(ada.id, True),
    "delete customer": lambda ada, bob: customers.delete_customer(ada.id),
    "delete customers": lambda ada, bob: customers.delete_customers([ada.id, bob.id]),
    "tag cadence": lambda ada, bob: customers.set_tag_cadence("vip", 30),
    "log thank-you": lambda ada, bob: interactions.log_interaction(ada.id, "thank_you_card", "out", "Card",
                                                                   occurred_at=days_ago(0)),
    "edit note": lambda ada, bob: interactions.update_interaction(
        Interaction.get(Interaction.summary == "Asked about the table").id, notes="Loves oak", follow_up_on=date.today()),
    "delete note": lambda ada, bob: interactions.delete_interaction(
        Interaction.get(Interaction.summary == "Asked about the table").id),
    "add purchase": lambda ada, bob: purchases.add_purchase(bob.id, date.today(), "Chair", 120_00),
    "edit purchase": lambda ada, bob: purchases.update_purchase(Purchase.get().id, amount_cents=99_00),
    "delete purchase": lambda ada, bob: purchases.delete_purchase(Purchase.get().id),
    "delete purchases": lambda ada, bob: purchases.delete_purchases([Purchase.get().id]),
    "add connection": lambda ada, bob: connections.add_connection(ada.id, bob.id, "introduced"),
    "delete connection": lambda ada, bob: connections.delete_connection(connections.connections_of(ada.id)[0].id),
    "settings": lambda ada, bob: settings.update_settings(owner_name="Sam", default_cadence_days=60),
    "snooze": lambda ada, bob: lately.snooze(ada.id, "cadence", date.today() + timedelta(days=9)),
    "draft": lambda ada, bob: drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "half typed"}),
    "not duplicates": lambda ada, bob: duplicates.mark_not_duplicates(ada.id, bob.id),
    "graph positions": lambda ada, bob: graph.save_positions({ada.id: (1.0, 2.0), bob.id: (3.0, 4.0)}),
    "merge": lambda ada, bob: merge.merge_customers(ada.id, _other_ada(ada).id),
    "cards sent": lambda ada, bob: _sent_card(ada),
    "import": lambda ada, bob: ci.import_customers(_plan(), duplicates="merge"),
    "restore from trash": lambda ada, bob: trash.restore(trash.trash_items()[0]),
    "restore note": lambda ada, bob: interactions.restore_interaction(Interaction.get().id),
    "unsnooze": lambda ada, bob: lately.unsnooze(ada.id, "cadence"),
    "discard draft": lambda ada, bob: drafts.discard_draft(drafts.QUICK_CAPTURE),
    "import purchases": lambda ada, bob: ci.import_purchases(ci.plan_purchases(
        ci.read_table(b"customer,date,product,amount\nAda Lovelace,2026-06-01,Oak chair,120.00\n"),
        ci.guess_mapping(["customer", "date", "product", "amount"], ci.PURCHASE_FIELDS))),
}
# Writes that need something done first (not part of what is undone).
SETUP = {
    "restore from trash": lambda ada, bob: customers.delete_customer(bob.id),
    "restore note": lambda ada, bob: interactions.delete_interaction(Interaction.get().id),
    "unsnooze": lambda ada, bob: lately.snooze(ada.id, "cadence", date.today() + timedelta(days=9)),
    "discard draft": lambda ada, bob: drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "half typed"}),
    "merge": lambda ada, bob: None,
}


def _write(name, ada, bob) -> changes.ChangeSet:
    SETUP.get(name, lambda a, b: None)(ada, bob)
    if name == "merge":  # the other record exists before the merge: not part of it
        other = _other_ada(ada)
        with changes.recording() as recorded:
            merge.merge_customers(ada.id, other.id)
        return recorded.changeset
    with changes.recording() as recorded:
        WRITES[name](ada, bob)
    return recorded.changeset


@pytest.mark.parametrize("name", list(WRITES))
def test_each_write_undoes_and_redoes_through_what_it_changed(people, name):
    ada, bob = people
    SETUP.get(name, lambda a, b: None)(ada, bob)
    if name == "merge":
        other = _other_ada(ada)
        before = dump(with_versions=False)
        with changes.recording() as recorded:
            merge.merge_customers(ada.id, other.id)
    else:
        before = dump(with_versions=False)
        with changes.recording() as recorded:
            WRITES[name](ada, bob)
    done = recorded.changeset
    assert done, f"{name} changed nothing"
    after = dump(with_versions=False)
    assert all(c.table in {m._meta.table_name for m in changes.RECORDED} for c in done)
    versioned = [c for c in done if c.after is not None and "version" in c.after]
    assert all(isinstance(c.version, int) for c in versioned)

    undone = changes.undo(done)
    assert live(dump(with_versions=False)) == live(before)
    redone = changes.redo(undone)
    assert dump(with_versions=False) == after
    changes.undo(redone)  # and once more: versions moved on, the descriptions follow them
    assert live(dump(with_versions=False)) == live(before)


def test_services_that_returned_nothing_return_what_they_changed(people):
    ada, bob = people
    done = customers.delete_customer(bob.id)
    assert [(c.table, c.row_id, c.before["deleted_at"], c.after["deleted_at"] is not None) for c in done] == \
        [("customer", bob.id, None, True)]
    assert done.customer_ids == {bob.id}
    changes.undo(done)
    assert customers.get_customer(bob.id).name == "Bob Builder"


def test_an_edit_describes_rows_fields_and_versions(people):
    ada, _ = people
    version = Customer.get_by_id(ada.id).version
    with changes.recording() as recorded:
        customers.update_customer(ada.id, phone="555 0199")
    [change] = recorded.changeset.of("customer")
    assert change.row_id == ada.id and change.fields == ("phone",)
    assert (change.before["phone"], change.after["phone"]) == ("555 0100", "555 0199")
    assert change.version == version + 1 == Customer.get_by_id(ada.id).version


# --- a second connection in between ------------------------------------------------------

# What another window (another connection) does to a row meanwhile, by table.
OTHER_EDITS = {
    "customer": ("phone", "555 0142"), "interaction": ("notes", "edited elsewhere"),
    "purchase": ("product", "Walnut table"), "connection": ("note", "edited elsewhere"),
    "tag": ("cadence_days", 14), "snooze": ("until", "2099-01-01"), "setting": ("value", "Someone else"),
    "draft": ("payload", '{"summary": "typed elsewhere"}'), "graph_position": ("x", 42.0),
    "contact_point": ("value", "555 0000"), "customer_tag": None, "stage_change": ("new_stage", "prospect"),
    "not_duplicate": ("decided_at", "2020-01-01 00:00:00"),
}


class _OtherOnServer(ServerDatabase):
    """The tests' SQL below is written with SQLite's ? placeholders."""

    def execute_sql(self, sql, params=None):
        return super().execute_sql(sql.replace("?", "%s"), params)


@pytest.fixture
def other_connection(journal, backend):
    """A second, real connection to the same file (or server journal), as another window has."""
    other = _OtherOnServer(journal) if backend == "postgresql" else SqliteDatabase(str(journal), pragmas=PRAGMAS)
    other.connect()
    yield other
    other.close()


def _edit_elsewhere(other, change: changes.Change):
    column, value = OTHER_EDITS[change.table]
    key = [("customer_id", change.row_id[0]), ("tag_id", change.row_id[1])] if change.table == "customer_tag" else \
        [("key" if change.table in ("setting", "draft") else
          "customer_id" if change.table == "graph_position" else "id", change.row_id)]
    where = " AND ".join(f'"{k}" = ?' for k, _ in key)
    with other.atomic():
        done = other.execute_sql(f'UPDATE "{change.table}" SET "{column}" = ? WHERE {where}',
                                 [value] + [v for _, v in key]).rowcount
    assert done == 1


def _insert_elsewhere(other, change: changes.Change):
    model = changes._BY_TABLE[change.table]
    fields = [model._meta.fields[n] for n in change.before]
    with other.atomic():
        other.execute_sql(f'INSERT INTO "{change.table}" ({", ".join(f.column_name for f in fields)}) '
                          f'VALUES ({", ".join("?" for _ in fields)})',
                          [f.db_value(change.before[f.name]) for f in fields])


@pytest.mark.parametrize("name", list(WRITES))
def test_undo_refuses_when_another_connection_changed_a_row_since(people, other_connection, name):
    ada, bob = people
    done = _write(name, ada, bob)
    target = next((c for c in done if c.after is not None and OTHER_EDITS.get(c.table)), None)
    if target is not None:
        _edit_elsewhere(other_connection, target)
    else:  # it only deleted: the other window makes the row again
        _insert_elsewhere(other_connection, next(c for c in done if c.after is None))
    before = dump()
    with pytest.raises(ChangedSince) as refused:
        changes.undo(done)
    assert dump() == before, "a refused undo wrote something"
    assert "since" in str(refused.value) and "nothing was changed" in str(refused.value).lower()


def test_the_refusal_names_whose_what_changed_and_to_what(people, other_connection):
    ada, _ = people
    with changes.recording() as recorded:
        customers.update_customer(ada.id, phone="555 0199", email="ada@example.org")
    other_connection.execute_sql("UPDATE customer SET phone = '555 0142' WHERE id = ?", [ada.id])
    with pytest.raises(ChangedSince, match="Ada Lovelace's phone was changed since: it is now “555 0142”"):
        changes.undo(recorded.changeset)
    assert customers.get_customer(ada.id).phone == "555 0142"  # their change stands
    assert customers.get_customer(ada.id).email == "ada@example.org"  # and ours was not half undone


def test_redo_refuses_too_when_the_row_changed_after_the_undo(people, other_connection):
    ada, _ = people
    done = customers.delete_customer(ada.id)
    undone = changes.undo(done)
    other_connection.execute_sql("UPDATE customer SET interests = 'walnut' WHERE id = ?", [ada.id])
    with pytest.raises(ChangedSince, match="interests of|Ada Lovelace's interests"):
        changes.redo(undone)
    assert customers.get_customer(ada.id).interests == "walnut"


def test_a_row_removed_for_good_since_is_named(people):
    ada, bob = people
    done = customers.delete_customer(bob.id)
    trash.empty_trash()
    with pytest.raises(ChangedSince, match="Bob Builder was removed for good"):
        changes.undo(done)


def test_a_second_process_saving_through_the_services_makes_undo_refuse(people, journal):
    ada, _ = people
    with changes.recording() as recorded:
        customers.update_customer(ada.id, phone="555 0199")
    opened = "open_server" if not isinstance(journal, Path) else "connect"
    script = (f"import sys; from journal.storage import db; from journal.writes import customers; d = db.{opened}(sys.argv[1]); "
              "customers.update_customer(int(sys.argv[2]), phone='555 0177'); d.close()")
    done = subprocess.run([sys.executable, "-c", script, str(journal), str(ada.id)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    before = dump()
    with pytest.raises(ChangedSince, match="555 0177"):
        changes.undo(recorded.changeset)
    assert dump() == before


def test_an_undo_that_is_not_refused_checks_all_rows_before_writing_any(people, other_connection):
    """A merge touches many rows; the last one changed elsewhere refuses the whole undo."""
    ada, _ = people
    other = _other_ada(ada)
    log(other, summary="Their own note")
    result = merge.merge_customers(ada.id, other.id)
    moved = [c for c in result.changeset.of("interaction") if c.before and c.after][-1]
    other_connection.execute_sql("UPDATE interaction SET summary = 'Renamed' WHERE id = ?", [moved.row_id])
    before = dump()
    with pytest.raises(ChangedSince, match="summary of Ada Lovelace's note “Their own note” was changed since: "
                                           "it is now “Renamed”"):
        changes.undo(result.changeset)
    assert dump() == before


# --- versions ---------------------------------------------------------------------------

def test_every_write_path_bumps_the_version(people, other_connection):
    """Services, bulk updates, raw SQL on another connection, a merge, a thank-you's acknowledgement."""
    ada, bob = people

    def version():
        return Customer.get_by_id(ada.id).version

    seen = [version()]
    customers.update_customer(ada.id, phone="1")  # a service (row.save())
    seen.append(version())
    Customer.update(interests="oak").where(Customer.id == ada.id).execute()  # a bulk update
    seen.append(version())
    database.execute_sql(f"UPDATE customer SET address = 'x' WHERE id = {database.param}", [ada.id])  # raw SQL
    seen.append(version())
    other_connection.execute_sql("UPDATE customer SET address = 'y' WHERE id = ?", [ada.id])  # elsewhere
    seen.append(version())
    row = Customer.get_by_id(ada.id)
    other_connection.execute_sql("UPDATE customer SET address = 'z' WHERE id = ?", [ada.id])
    row.save()  # a save from a row read before the other write never takes the version back
    seen.append(version())
    merge.merge_customers(ada.id, _other_ada(ada).id)  # fills in Ada's e-mail
    seen.append(version())
    purchase = Purchase.get()
    interactions.log_interaction(ada.id, "thank_you_card", "out", "Card")  # acknowledges in bulk
    assert Purchase.get_by_id(purchase.id).version == purchase.version + 1
    assert seen == sorted(set(seen)), seen
    for model in (Interaction, Purchase):
        first = model.get()
        model.update(deleted_at=None).where(model.id == first.id).execute()
        assert model.get_by_id(first.id).version == first.version + 1


def test_a_made_up_change_set_is_refused(people):
    with pytest.raises(ValidationError):
        changes.undo("not changes")
    with pytest.raises(ValidationError):
        changes.undo(changes.ChangeSet((changes.Change("company", 1, None, {"name": "x"}, 1),)))


def test_steps_undone_in_turn_follow_each_other_but_never_over_a_change_made_elsewhere(people, other_connection):
    """Edit a note, then delete it: undoing the delete bumps the note's version;
    follow() tells the edit the note is as it left it, so its undo goes through.
    A change made elsewhere between the two steps is never followed over."""
    ada, _ = people
    note = Interaction.get(Interaction.summary == "Asked about the table").id
    with changes.recording() as edit:
        interactions.update_interaction(note, summary="Asked about the oak table")
    deleted = interactions.delete_interaction(note)
    undone = changes.undo(deleted)
    with pytest.raises(ChangedSince):  # without following: the version moved on
        changes.check(edit.changeset)
    followed = changes.follow(edit.changeset, undone)
    changes.undo(followed)
    assert interactions.get_interaction(note).summary == "Asked about the table"

    with changes.recording() as edit:
        interactions.update_interaction(note, summary="Asked again")
    other_connection.execute_sql("UPDATE interaction SET notes = 'from elsewhere' WHERE id = ?", [note])
    deleted = interactions.delete_interaction(note)
    undone = changes.undo(deleted)
    with pytest.raises(ChangedSince, match="notes of Ada Lovelace's note"):
        changes.undo(changes.follow(edit.changeset, undone))
    assert interactions.get_interaction(note).notes == "from elsewhere"


def test_emptying_the_trash_says_what_went_by_key_and_is_not_undone(people):
    ada, bob = people
    customers.delete_customer(bob.id)
    with changes.recording() as recorded:
        assert trash.empty_trash() == 1
    gone = {(c.table, c.row_id) for c in recorded.changeset if c.after is None}
    assert ("customer", bob.id) in gone and any(table == "connection" for table, _ in gone)  # with what was theirs
    assert all(set(c.before) <= {"id", "version", "customer", "source", "target", "tag"} for c in recorded.changeset)
    before = dump()
    with pytest.raises(ValidationError, match="gone for good"):
        changes.undo(recorded.changeset)
    assert dump() == before
