"""The journal session (journal/session.py) without any window: open a file,
check it, back it up before an upgrade, fill the demo, restore, close."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from journal.storage import backups, db, migrations
from journal.writes import customers
from journal.errors import JournalDamaged, JournalEmpty, JournalLocked, JournalTooNew
from journal.storage.models import Customer, database
from journal.session import Journal

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def closed_afterwards():
    yield
    db.close()


def test_a_new_journal_opens_and_closes(tmp_path):
    session = Journal(tmp_path / "journal.sqlite3")
    session.open()
    customers.create_customer(name="Ada Lovelace")
    assert Path(database.obj.database) == tmp_path / "journal.sqlite3" and session.name == "journal.sqlite3"
    session.close()
    assert database.obj.is_closed()
    session.open()
    assert [c.name for c in Customer.select()] == ["Ada Lovelace"]
    assert session.check() is None


def test_the_location_may_be_a_string_and_another_spelling_is_the_same_journal(tmp_path):
    session = Journal(str(tmp_path / "journal.sqlite3"))
    assert session.path == tmp_path / "journal.sqlite3"
    assert session.is_at(tmp_path / "sub" / ".." / "journal.sqlite3")
    assert not session.is_at(tmp_path / "other.sqlite3")


def test_an_older_journal_is_backed_up_then_upgraded(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", path)
    Journal(path).open()
    [made] = backups.list_backups(path)
    assert made.reason == "before-upgrade-from-v1" and backups.is_sound(made.path)
    assert database.execute_sql("SELECT max(version) FROM schema_version").fetchone()[0] == migrations.LATEST


def test_a_damaged_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"garbage" * 500)
    with pytest.raises(JournalDamaged):
        Journal(path).open()
    assert path.read_bytes() == b"garbage" * 500


def test_an_empty_file_is_refused_unless_a_new_journal_is_asked_for(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(JournalEmpty):
        Journal(path).open()
    assert path.stat().st_size == 0
    Journal(path).open(new_in_empty=True)
    assert Customer.select().count() == 0


def test_a_journal_from_a_newer_lately_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite3"
    Journal(path).open()
    db.close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, '2030-01-01')", (migrations.LATEST + 1,))
    con.commit()
    con.close()
    with pytest.raises(JournalTooNew):
        Journal(path).open()


def test_the_demo_is_filled_once(tmp_path):
    session = Journal(tmp_path / "demo" / "journal.sqlite3", demo=True)
    session.open()
    count = Customer.select().count()
    assert count > 10
    session.close()
    session.open()
    assert Customer.select().count() == count  # not a second demo business on top of the first


def test_restore_puts_the_backup_in_place_and_opens_it(tmp_path):
    path = tmp_path / "journal.sqlite3"
    session = Journal(path)
    session.open()
    customers.create_customer(name="Ada Lovelace")
    made = backups.make_backup(path, "manual")
    customers.create_customer(name="Added after the backup")
    kept = session.restore(made)
    assert [c.name for c in Customer.select()] == ["Ada Lovelace"]  # open again, restored
    assert kept is not None and kept.exists()


def test_set_aside_leaves_no_connection_to_the_file(tmp_path):
    path = tmp_path / "journal.sqlite3"
    session = Journal(path)
    session.open()
    session.set_aside()
    assert database.obj.database == ":memory:"
    session.open()
    assert Path(database.obj.database) == path


class RefusingLock:
    """A lock someone else holds (the real one, a QLockFile held by a second process, is tested in tests/ui)."""

    def __init__(self, why=None):
        self.why = why
        self.released = False

    def acquire(self):
        return False

    def cannot_write(self):
        return self.why

    def owner(self):
        return "process 4242 on this computer"

    def release(self):
        self.released = True


def test_a_journal_locked_by_another_lately_is_named_so(tmp_path):
    session = Journal(tmp_path / "journal.sqlite3", lock=RefusingLock())
    with pytest.raises(JournalLocked) as caught:
        session.acquire()
    assert caught.value.by_another and "is already open in Lately (process 4242 on this computer)" in str(caught.value)
    session.release()
    assert not session.lock.released  # never taken, so never given back
    folder = RefusingLock("Lately cannot write its lock file")
    with pytest.raises(JournalLocked, match="cannot write its lock file") as caught:
        Journal(tmp_path / "journal.sqlite3", lock=folder).acquire()
    assert not caught.value.by_another
