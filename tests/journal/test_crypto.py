"""Encryption at rest: a journal protected with a passphrase, its WAL and its
backups hold nothing readable; a wrong passphrase changes nothing; protection
can be changed and removed; a plain journal never loads SQLCipher."""

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from journal.storage import backups, crypto, db
from journal.writes import customers, interactions
from journal.reads import search
from journal.errors import JournalDamaged, JournalError
from journal.storage.models import database

# About the file itself: SQLCipher protects a file.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery"
NAMES = ["Quentin Zorblatt", "Ursula Wexford", "Xavier Quattlebaum"]
NOTE = "Discussed the Brigadoon merger over oysters"


@pytest.fixture(autouse=True)
def nothing_known():
    crypto.forget()
    yield
    crypto.forget()
    db.close()


def fill():
    for name in NAMES[:2]:
        person = customers.create_customer(name=name, interests="sailing")
    interactions.log_interaction(person.id, "meeting", "out", "Lunch", notes=NOTE,
                                 occurred_at=datetime(2026, 5, 1, 12))


def dump(path: Path, passphrase: str | None = None) -> dict:
    """Every row of every table, read straight from the file."""
    con = crypto.connect(path) if passphrase is None else crypto._keyed(path, passphrase)
    try:
        tables = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def readable_names(path: Path) -> list[str]:
    data = path.read_bytes()
    words = NAMES + ["Brigadoon", "oysters", "sailing"]
    return [w for w in words if w.encode("utf-8") in data or w.encode("utf-16-le") in data]


def protect(path: Path, passphrase: str = PASSPHRASE):
    db.close()
    return crypto.change_protection(path, None, passphrase)


def test_a_protected_journal_its_wal_and_backups_hold_no_customer_names(journal):
    fill()
    backups.make_backup(journal, "manual")
    assert readable_names(journal) or readable_names(journal.with_name(journal.name + "-wal"))  # plain before

    report = protect(journal)
    assert crypto.is_encrypted(journal) and len(report.backups) == 1 and not report.left_as_they_were
    db.connect(journal)
    customers.create_customer(name=NAMES[2], interests="sailing")  # written after protecting: into the WAL
    interactions.log_interaction(customers.list_customers()[0].id, "call", "out", "Brigadoon again",
                                 notes="oysters")
    backups.make_backup(journal, "after")
    wal = journal.with_name(journal.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    files = [p for p in journal.parent.rglob("*") if p.is_file()]
    assert len([p for p in files if p.parent.name == "backups"]) == 2
    for path in files:
        assert readable_names(path) == [], path.name
    for backup in backups.list_backups(journal):
        assert not backup.path.read_bytes().startswith(crypto.SQLITE_HEADER) and backups.is_sound(backup.path)
    assert sorted(c.name for c in customers.list_customers()) == NAMES
    db.close()
    for path in [p for p in journal.parent.rglob("*") if p.is_file()]:
        assert readable_names(path) == [], path.name


def test_a_wrong_passphrase_is_refused_and_the_file_is_byte_identical(journal):
    fill()
    protect(journal)
    db.connect(journal)
    customers.create_customer(name=NAMES[2])
    db.close()  # a journal that has been used in WAL mode, then closed
    crypto.forget()
    before = {p.name: p.read_bytes() for p in journal.parent.iterdir() if p.is_file()}

    with pytest.raises(crypto.PassphraseNeeded):
        db.connect(journal)
    with pytest.raises(crypto.WrongPassphrase, match="That passphrase does not open this journal"):
        crypto.unlock(journal, "Correct horse battery")
    assert crypto.needs_passphrase(journal)
    with pytest.raises(JournalError, match="protected with a passphrase"):
        backups.make_backup(journal)  # nor can anything else read it
    assert not backups.is_sound(journal)

    assert {p.name: p.read_bytes() for p in journal.parent.iterdir() if p.is_file()} == before
    assert backups.list_backups(journal) == []


def test_protect_close_open_with_the_passphrase_then_remove_the_protection(journal):
    fill()
    backups.make_backup(journal, "manual")
    plain = dump(journal)
    protect(journal)
    assert not journal.read_bytes().startswith(crypto.SQLITE_HEADER)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(journal).execute("SELECT count(*) FROM sqlite_master").fetchone()
    for extra in ("-wal", "-shm", ".rekeying"):  # nothing of the plain file is left beside it
        assert not journal.with_name(journal.name + extra).exists()
    assert oct(journal.stat().st_mode & 0o777) == "0o600"

    crypto.forget()  # as after quitting
    crypto.unlock(journal, PASSPHRASE)
    db.connect(journal)
    assert dump(journal) == plain
    assert [h.customer_id for h in search.search("Brigadoon")]  # the full-text index came along
    assert database.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"
    db.close()

    report = crypto.change_protection(journal, PASSPHRASE, None)
    assert journal.read_bytes().startswith(crypto.SQLITE_HEADER) and len(report.backups) == 1
    assert [b.path.read_bytes()[:16] for b in backups.list_backups(journal)] == [crypto.SQLITE_HEADER]
    assert dump(journal) == plain
    con = sqlite3.connect(journal)  # plain SQLite again, for any program
    assert sorted(n for (n,) in con.execute("SELECT name FROM customer")) == NAMES[:2]
    con.close()
    assert not crypto.needs_passphrase(journal)


def test_changing_the_passphrase_rekeys_the_journal_and_its_backups(journal):
    fill()
    protect(journal)
    db.connect(journal)
    backups.make_backup(journal, "manual")
    db.close()
    with pytest.raises(crypto.WrongPassphrase):
        crypto.change_protection(journal, "not the passphrase", "a new passphrase")
    report = crypto.change_protection(journal, PASSPHRASE, "a new passphrase")
    assert len(report.backups) == 1
    assert not crypto.opens(journal, PASSPHRASE) and crypto.opens(journal, "a new passphrase")
    [backup] = backups.list_backups(journal)
    assert not crypto.opens(backup.path, PASSPHRASE) and crypto.opens(backup.path, "a new passphrase")
    crypto.forget()
    crypto.unlock(journal, "a new passphrase")
    assert backups.is_sound(backup.path)
    con = crypto.connect(backup.path, readonly=True)
    assert sorted(n for (n,) in con.execute("SELECT name FROM customer")) == NAMES[:2]
    con.close()


def test_a_short_passphrase_is_refused_and_changes_nothing(journal):
    fill()
    db.close()
    before = journal.read_bytes()
    with pytest.raises(JournalError, match="at least 8 characters"):
        crypto.change_protection(journal, None, "short")
    assert journal.read_bytes() == before


def test_an_open_journal_is_not_rewritten_under_its_connection(journal):
    fill()
    with pytest.raises(JournalError, match="must be closed"):
        crypto.change_protection(journal, None, PASSPHRASE)
    assert not crypto.is_encrypted(journal)


def test_cancelling_leaves_the_plain_journal_as_it_was(journal):
    for i in range(3000):  # enough pages for the export to report progress
        customers.create_customer(name=f"Customer {i}", interests="x" * 200)
    db.close()
    for extra in ("", "-wal"):
        assert journal.with_name(journal.name + extra).exists() or extra
    before = dump(journal)
    seen = []

    def cancel(done, total):
        seen.append((done, total))
        return False

    with pytest.raises(JournalError, match="Cancelled"):
        crypto.change_protection(journal, None, PASSPHRASE, cancel)
    assert seen and not crypto.is_encrypted(journal) and dump(journal) == before
    assert not journal.with_name(journal.name + ".rekeying").exists()


def test_backups_of_a_protected_journal_are_encrypted_and_restore_with_the_passphrase(journal):
    fill()
    protect(journal)
    db.connect(journal)
    made = backups.make_backup(journal, "manual")
    customers.create_customer(name="Added after the backup")
    db.close()
    assert readable_names(made.path) == [] and backups.is_sound(made.path)
    assert backups.newest_sound_backup(journal) == made
    kept = backups.restore(made, journal)
    assert kept is not None and crypto.is_encrypted(kept) and backups.is_sound(kept)  # the before-restore copy too
    db.connect(journal)
    assert sorted(c.name for c in customers.list_customers()) == NAMES[:2]


def test_a_damaged_backup_is_left_as_it_was_and_said_so(journal):
    fill()
    good = backups.make_backup(journal, "manual", now=datetime(2026, 1, 1))
    bad = backups.make_backup(journal, "manual", now=datetime(2026, 1, 2))
    db.close()
    damaged = bytearray(bad.path.read_bytes())
    damaged[100:4096] = os.urandom(3996)  # the schema page: unreadable
    bad.path.write_bytes(damaged)
    report = crypto.change_protection(journal, None, PASSPHRASE)
    assert report.backups == [good.path] and report.left_as_they_were == [bad.path]
    assert bad.path.read_bytes() == damaged
    assert crypto.is_encrypted(good.path)


def test_background_threads_open_the_protected_journal_with_the_session_key(journal):
    fill()
    protect(journal)
    db.connect(journal)
    seen = []

    def work():
        with database.connection_context():
            seen.append(sorted(c.name for c in customers.list_customers()))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [NAMES[:2]]


def test_a_plain_journal_damaged_at_its_start_is_damage_not_a_passphrase(journal):
    fill()
    db.close()
    data = bytearray(journal.read_bytes())
    data[0:512] = os.urandom(512)
    journal.write_bytes(data)
    assert not crypto.is_encrypted(journal)
    with pytest.raises(JournalDamaged):
        db.connect(journal)
    empty = journal.with_name("empty.sqlite3")
    empty.write_bytes(b"")
    assert not crypto.is_encrypted(empty)


def test_a_plain_journal_never_loads_sqlcipher(tmp_path):
    path = tmp_path / "journal.sqlite3"
    code = ("import sys; from journal.storage import db, backups; from journal.writes import customers\n"
            f"db.connect({str(path)!r}); customers.create_customer(name='Ada')\n"
            f"backups.make_backup(db.Path({str(path)!r})); db.close()\n"
            "assert 'sqlcipher3' not in sys.modules and 'playhouse.sqlcipher_ext' not in sys.modules, 'loaded'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_journal_another_process_is_reading_is_left_alone(journal):
    """A real second process in a read transaction (a backup, say, or a viewer):
    the old WAL cannot be emptied, so nothing is replaced. (A second SQLite
    library in this same process would not see its locks: POSIX locks do not
    conflict within a process, which is why the window closes its connections
    and backups wait while the protection changes.)"""
    fill()
    db.close()
    code = ("import sqlite3, sys\n"
            f"con = sqlite3.connect({str(journal)!r})\n"
            "con.execute(\"UPDATE customer SET interests = 'rowing'\"); con.commit()\n"
            "con.execute('BEGIN'); con.execute('SELECT count(*) FROM customer').fetchone()\n"
            "print('reading', flush=True); sys.stdin.read()\n")
    reader = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "reading"
        with pytest.raises(JournalError, match="in use"):
            crypto.change_protection(journal, None, PASSPHRASE)
        assert not crypto.is_encrypted(journal) and not journal.with_name(journal.name + ".rekeying").exists()
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    con = sqlite3.connect(journal)
    assert sorted(i for (i,) in con.execute("SELECT interests FROM customer")) == ["rowing", "rowing"]
    con.close()


@pytest.mark.parametrize("protected", [False, True])
def test_the_open_journal_is_never_opened_and_closed_behind_sqlites_back(journal, monkeypatch, protected):
    """Closing any descriptor of a file drops the POSIX locks SQLite holds on it
    in this process; so once the journal is open, crypto never reads its header
    itself (for backups, for the menu's state, for checking a passphrase)."""
    fill()
    if protected:
        protect(journal)
        db.connect(journal)
    read = []
    real_open = open

    def watched(path, *args, **kwargs):
        read.append(Path(path).resolve())
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(crypto, "open", watched, raising=False)
    made = backups.make_backup(journal, "manual")
    assert crypto.is_encrypted(journal) is protected and backups.is_sound(journal)
    if protected:
        assert crypto.opens(journal, PASSPHRASE) and not crypto.opens(journal, "another passphrase")
    assert journal.resolve() not in read
    assert backups.is_sound(made.path) and crypto.is_encrypted(made.path) is protected


def test_a_protected_journal_damaged_at_its_start_is_damage_when_the_passphrase_opens_its_backups(journal):
    fill()
    backups.make_backup(journal, "manual")
    protect(journal)
    data = bytearray(journal.read_bytes())
    data[:4096] = os.urandom(4096)  # the first page: SQLCipher cannot tell this from a wrong key
    journal.write_bytes(data)
    crypto.forget()
    with pytest.raises(crypto.WrongPassphrase):
        crypto.unlock(journal, "not the passphrase")
    with pytest.raises(JournalDamaged, match="opens its backups, so the file is damaged"):
        crypto.unlock(journal, PASSPHRASE)
    assert not crypto.needs_passphrase(journal)  # the passphrase is known now: recovery can use the backups
    with pytest.raises(JournalDamaged):
        db.connect(journal)
    good = backups.newest_sound_backup(journal)
    assert good is not None and journal.read_bytes() == data
    backups.restore(good, journal)
    db.connect(journal)
    assert sorted(c.name for c in customers.list_customers()) == NAMES[:2]
