"""Saving a customer's details over a change made since: a colleague (or
another window) changed a field the person was editing, and the save is
refused, nothing written, with the newer value named; a field they changed
that the person did not touch is left as they made it. The other writer is a
real second process, through the same services."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from journal.errors import ChangedSince
from journal.writes import customers

from .helpers import customer

ROOT = Path(__file__).resolve().parents[2]


def elsewhere(journal, customer_id: int, **values) -> None:
    """Another process saves `values` on the customer, as a colleague's Lately does."""
    opened = "open_server" if not isinstance(journal, Path) else "connect"
    script = (f"import sys, json; from journal.storage import db; from journal.writes import customers; "
              f"d = db.{opened}(sys.argv[1]); customers.update_customer(int(sys.argv[2]), **json.loads(sys.argv[3])); "
              "d.close()")
    done = subprocess.run([sys.executable, "-c", script, str(journal), str(customer_id), json.dumps(values)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def ada(journal):
    return customer("Ada Lovelace", phone="555 0100", email="ada@example.org", tags=["vip"])


def test_a_field_changed_since_refuses_the_save_and_names_the_newer_value(ada, journal):
    elsewhere(journal, ada.id, phone="555 0177")
    with pytest.raises(ChangedSince, match="Ada Lovelace's phone was changed since you began: it is now “555 0177”"
                                           r"\. Nothing was saved\."):
        customers.update_customer(ada.id, {"phone": "555 0100", "email": "ada@example.org"},
                                  phone="555 0199", email="lovelace@example.org")
    now = customers.get_customer(ada.id)
    assert (now.phone, now.email) == ("555 0177", "ada@example.org")  # theirs stands; nothing of ours was written


def test_a_field_they_changed_that_the_person_did_not_touch_stays_theirs(ada, journal):
    elsewhere(journal, ada.id, phone="555 0177", tags=["vip", "trade"])
    customers.update_customer(ada.id, {"name": "Ada Lovelace"}, name="Ada King")
    now = customers.get_customer(ada.id)
    assert (now.name, now.phone, now.tags) == ("Ada King", "555 0177", ("trade", "vip"))


def test_changed_since_to_the_same_value_is_no_conflict(ada, journal):
    elsewhere(journal, ada.id, email="ada@lovelace.org")
    customers.update_customer(ada.id, {"email": "ada@example.org"}, email="ada@lovelace.org")
    assert customers.get_customer(ada.id).email == "ada@lovelace.org"


def test_several_fields_changed_since_are_all_named(ada, journal):
    elsewhere(journal, ada.id, tags=["trade"], email="ada@lovelace.org")
    with pytest.raises(ChangedSince, match="Ada Lovelace's e-mail and tags were changed since you began"):
        customers.update_customer(ada.id, {"email": "ada@example.org", "tags": ("vip",)},
                                  email="countess@example.org", tags=["vip", "friend"])
    assert customers.get_customer(ada.id).tags == ("trade",)


def test_without_what_it_began_with_a_save_writes_as_before(ada, journal):
    elsewhere(journal, ada.id, phone="555 0177")
    customers.update_customer(ada.id, phone="555 0199")  # an import, a script: no form began anywhere
    assert customers.get_customer(ada.id).phone == "555 0199"


def test_a_note_or_purchase_for_a_customer_moved_to_the_trash_since_names_them(ada, journal):
    from datetime import date

    from journal.errors import ValidationError
    from journal.writes import interactions, purchases

    customers.delete_customer(ada.id)  # a colleague's delete, while the note was being written
    for write in (lambda: interactions.log_interaction(ada.id, "call", "out", "Talked"),
                  lambda: purchases.add_purchase(ada.id, date(2026, 11, 2), "Walnut table", 120_000)):
        with pytest.raises(ValidationError, match="Ada Lovelace is in the trash now: Edit › Trash brings them back"):
            write()


def test_a_notes_field_changed_since_refuses_its_edit_and_another_field_stays_theirs(ada, journal):
    from journal.writes import interactions

    note = interactions.log_interaction(ada.id, "call", "out", "Walnut table call", notes="")
    script = ("import sys; from journal.storage import db; from journal.writes import interactions; "
              f"d = db.{'open_server' if not isinstance(journal, Path) else 'connect'}(sys.argv[1]); "
              "interactions.update_interaction(int(sys.argv[2]), summary='Ben: walnut', notes='They want oak'); "
              "d.close()")
    done = subprocess.run([sys.executable, "-c", script, str(journal), str(note.id)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with pytest.raises(ChangedSince, match="This note's summary was changed since you began: it is now “Ben: "
                                           "walnut”") as refused:
        interactions.update_interaction(note.id, {"summary": "Walnut table call"}, summary="Walnut legs")
    assert (refused.value.field, interactions.get_interaction(note.id).summary) == ("summary", "Ben: walnut")
    interactions.update_interaction(note.id, {"kind": "call"}, kind="meeting")
    now = interactions.get_interaction(note.id)
    assert (now.kind, now.summary, now.notes) == ("meeting", "Ben: walnut", "They want oak")


def test_an_undo_refused_names_the_note_as_the_person_left_it_and_says_their_words(ada, journal):
    from journal.writes import changes, interactions

    with changes.recording() as logged:
        note = interactions.log_interaction(ada.id, "call", "out", "Undo me please")
    script = ("import sys; from journal.storage import db; from journal.writes import interactions; "
              f"d = db.{'open_server' if not isinstance(journal, Path) else 'connect'}(sys.argv[1]); "
              "interactions.update_interaction(int(sys.argv[2]), summary='Ben fixed this note'); d.close()")
    done = subprocess.run([sys.executable, "-c", script, str(journal), str(note.id)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with pytest.raises(ChangedSince) as refused:
        changes.undo(logged.changeset)
    assert str(refused.value) == ("The summary of Ada Lovelace's note “Undo me please” was changed since: it is now "
                                  "“Ben fixed this note”. Undoing would overwrite that, so nothing was changed.")
