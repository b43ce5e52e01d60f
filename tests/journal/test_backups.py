import sqlite3
import stat
from datetime import datetime, timedelta

import pytest

from journal.storage import backups, db
from journal.writes import customers
from journal.errors import JournalError

from .helpers import customer

# About the file itself: backups here copy the SQLite file (a team journal's backup is a snapshot of the server).
pytestmark = pytest.mark.sqlite_only


def names(path):
    con = sqlite3.connect(path)
    try:
        return sorted(n for (n,) in con.execute("SELECT name FROM customer"))
    finally:
        con.close()


def test_backup_is_a_private_consistent_copy(journal):
    customer("Ada")
    made = backups.make_backup(journal, "manual")
    assert made.path.parent == journal.parent / "backups"
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert names(made.path) == ["Ada"]  # includes what is still only in the WAL
    assert backups.is_sound(made.path)
    assert backups.list_backups(journal) == [made]
    assert "manual" in made.label


def test_daily_backup_at_most_once_a_day_and_pruned(journal):
    customer("Ada")
    day = datetime(2026, 3, 1, 9)
    for n in range(5):
        assert backups.backup_if_due(journal, keep=3, now=day + timedelta(days=n)) is not None
    assert backups.backup_if_due(journal, keep=3, now=day + timedelta(days=4, hours=5)) is None
    kept = backups.list_backups(journal)
    assert [b.taken_at.day for b in kept] == [5, 4, 3]


def test_restore_backs_up_the_current_file_first(journal):
    customer("Ada")
    first = backups.make_backup(journal, now=datetime(2026, 3, 1, 9))
    customer("Bob")
    db.close()
    kept = backups.restore(first, journal, now=datetime(2026, 3, 2, 9))
    assert names(journal) == ["Ada"]
    assert names(kept) == ["Ada", "Bob"] and "before-restore" in kept.name
    db.connect(journal)
    assert [c.name for c in customers.list_customers()] == ["Ada"]


def test_damaged_journal_is_moved_aside_never_deleted(journal):
    customer("Ada")
    good = backups.make_backup(journal, now=datetime(2026, 3, 1, 9))
    db.close()
    journal.write_bytes(b"garbage" * 1000)
    assert backups.newest_sound_backup(journal) == good
    kept = backups.restore(good, journal, now=datetime(2026, 3, 2, 9))
    assert kept.read_bytes() == b"garbage" * 1000 and "damaged" in kept.name
    assert names(journal) == ["Ada"]
    db.connect(journal)


def test_a_damaged_backup_is_not_restored(journal):
    customer("Ada")
    bad = backups.make_backup(journal, now=datetime(2026, 3, 1, 9))
    bad.path.write_bytes(b"x" * 100)
    db.close()
    with pytest.raises(JournalError, match="itself damaged"):
        backups.restore(bad, journal)
    assert names(journal) == ["Ada"]
    db.connect(journal)


def test_cancelled_backup_leaves_nothing(journal):
    for n in range(50):
        customer(f"Person {n}", interests="x" * 2000)
    with pytest.raises(JournalError, match="cancelled"):
        backups.make_backup(journal, progress=lambda done, total: False)
    assert list((journal.parent / "backups").iterdir()) == []


def test_backup_while_another_connection_writes(journal):
    customer("Ada")
    writer = sqlite3.connect(journal)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE customer SET name = 'Uncommitted'")
    made = backups.make_backup(journal)
    writer.rollback()
    writer.close()
    assert names(made.path) == ["Ada"]


def test_unwritable_backup_folder_gives_a_clear_error(journal, tmp_path):
    customer("Ada")
    folder = journal.parent / "backups"
    folder.write_text("a file where the folder should be")
    with pytest.raises(JournalError, match="Could not back up the journal"):
        backups.make_backup(journal)


def test_a_damaged_journals_copy_is_kept_as_such_and_never_evicts_a_sound_backup(journal):
    from journal.errors import JournalDamaged

    from ..damage import damage_the_page_holding

    for n in range(300):
        customer(f"Person {n}", interests=("MARKED " if n == 150 else "") + "x" * 300)
    day = datetime(2026, 3, 1, 9)
    for n in range(14):
        backups.backup_if_due(journal, keep=14, now=day + timedelta(days=n))
    sound = backups.list_backups(journal)
    db.close()
    damage_the_page_holding(journal, b"MARKED")
    with pytest.raises(JournalDamaged, match="is damaged .* kept as journal-20260315-090000-daily-damaged"):
        backups.backup_if_due(journal, keep=14, now=day + timedelta(days=14))
    found = backups.list_backups(journal)
    assert [b for b in found if not b.damaged] == sound  # all 14 sound backups are still there
    assert [b.path.name for b in found if b.damaged] == ["journal-20260315-090000-daily-damaged.sqlite3"]
    assert all(backups.is_sound(b.path) for b in sound)
    assert backups.newest_sound_backup(journal) == sound[0]
    # a later daily backup of the still damaged journal keeps at most `keep` damaged copies, no sound one lost
    for n in range(15, 18):
        with pytest.raises(JournalDamaged):
            backups.backup_if_due(journal, keep=2, now=day + timedelta(days=n))
    backups.prune(journal, keep=14)
    assert [b for b in backups.list_backups(journal) if not b.damaged] == sound
    db.connect(journal, check_integrity=False)


WRITER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
con.execute("CREATE TABLE IF NOT EXISTS draft_load (n INTEGER, body TEXT)")
n = 0
while True:
    n += 1
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO draft_load VALUES (?, ?)", (n, "typing " * 200))
    con.execute("COMMIT")
    print(n, flush=True)
"""


def test_a_backup_never_restarts_while_another_process_writes(journal, monkeypatch):
    import subprocess
    import sys

    for n in range(400):
        customer(f"Person {n}", interests="x" * 2000)
    monkeypatch.setattr(backups, "STEP_PAGES", 8)  # many steps, each a chance to restart
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(journal)], stdout=subprocess.PIPE, text=True)
    seen = []

    def progress(done, total):
        seen.append(done)
        if len(seen) <= 20:
            child.stdout.readline()  # another process committed a write since the last step
        return True

    try:
        made = backups.make_backup(journal, progress=progress)
    finally:
        child.kill()
        child.wait()
    assert len(seen) > 20 and seen == sorted(seen)  # every step went forward: no restart from page 1
    assert backups.is_sound(made.path) and len(names(made.path)) == 400
