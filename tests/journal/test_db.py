import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from journal.writes import customers
from journal.storage import db, migrations, open_items
from journal.reads import search
from journal.errors import JournalDamaged, JournalTooNew
from journal.storage.models import Snooze, Tag

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_default_path_follows_lately_home(lately_home):
    assert db.default_path() == lately_home / "journal.sqlite3"
    assert db.demo_path().parent.parent == lately_home


def test_new_journal_is_private_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "j.sqlite3"
    database_ = db.connect(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert database_.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database_.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.current_version(database_) == migrations.LATEST
    finally:
        database_.close()


def test_garbage_file_is_reported_damaged_and_left_alone(tmp_path):
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(JournalDamaged, match="not a Lately journal or is damaged"):
        db.connect(path)
    assert path.read_bytes() == before


def test_other_sqlite_file_is_not_a_journal(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(JournalDamaged, match="not a Lately journal"):
        db.connect(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("recipes",)]


def test_journal_from_newer_version_is_refused(tmp_path):
    path = tmp_path / "j.sqlite3"
    db.connect(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, '2030-01-01')", (migrations.LATEST + 1,))
    con.commit()
    con.close()
    with pytest.raises(JournalTooNew, match="newer version of Lately"):
        db.connect(path)


def _schema(con) -> dict[str, list[tuple]]:
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%fts%' ORDER BY name")]
    result = {t: [(c[1], c[2], c[3]) for c in con.execute(f"PRAGMA table_info('{t}')")] for t in tables}
    result["indexes"] = sorted(r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'"))
    result["triggers"] = sorted(r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'"))
    return result


def test_version_1_journal_upgrades_with_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", path)
    database_ = db.connect(path)
    try:
        assert migrations.current_version(database_) == migrations.LATEST
        grace = customers.find_by_name("Grace Hopper")
        assert grace.company == "Navy Labs" and grace.tags == ("vip",)
        assert [h.customer_name for h in search.search("walnut")] == ["Grace Hopper"]
        indexes = {name for (name,) in database_.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {name for name, *_ in open_items.INDEXES} <= indexes  # step 15's
        # The new things work on the upgraded file.
        customers.set_tag_cadence("vip", 30)
        assert Tag.get(Tag.name == "vip").cadence_days == 30
        Snooze.create(customer=grace.id, reason="cadence", until="2030-01-01")
    finally:
        database_.close()

    fresh = tmp_path / "fresh.sqlite3"
    db.connect(fresh).close()
    assert _schema(sqlite3.connect(path)) == _schema(sqlite3.connect(fresh))


def test_failed_step_rolls_back_and_keeps_version(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", path)
    from journal.storage.migrations import m0002_cadence_snooze_drafts as step

    def broken(database_):
        database_.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(step, "up", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        db.connect(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 1
    assert not con.execute("SELECT 1 FROM sqlite_master WHERE name='half_done'").fetchall()


def test_backup_hook_runs_before_migrating(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", path)
    seen = []
    database_ = db.connect(path, before_migration=seen.append)
    database_.close()
    assert seen == [1]


def test_version_3_journal_upgrades_to_contact_points(tmp_path):
    """tests/fixtures/journal_v3.sqlite3 was written by Lately at schema 3 (before
    contact points): Grace Hopper with her primary e-mail, Alan Turing, a
    referral and Grace's place in the graph."""
    from journal.storage.models import ContactPoint, GraphPosition

    path = tmp_path / "v3.sqlite3"
    shutil.copy(FIXTURES / "journal_v3.sqlite3", path)
    seen = []
    database_ = db.connect(path, before_migration=seen.append)
    try:
        assert seen == [3] and migrations.current_version(database_) == migrations.LATEST
        grace = customers.find_by_name("Grace Hopper")
        assert grace.email == "grace@navy.example" and grace.contacts == ()
        assert GraphPosition.get(GraphPosition.customer == grace.id).x == 1.5
        customers.update_customer(grace.id, contacts=[("email", "home", "grace@home.example"),
                                                      ("address", "work", "1 Navy Way\nArlington")])
        assert customers.get_customer(grace.id).contacts == (("email", "home", "grace@home.example"),
                                                             ("address", "work", "1 Navy Way\nArlington"))
        assert ContactPoint.select().count() == 2
    finally:
        database_.close()
    fresh = tmp_path / "fresh.sqlite3"
    db.connect(fresh).close()
    assert _schema(sqlite3.connect(path)) == _schema(sqlite3.connect(fresh))
