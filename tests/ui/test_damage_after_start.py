"""Damage met after start: the start checks only the header (the full check runs
in the background), so a damaged page can first be read by a view. Whatever
reads it, the error reaches the same recovery dialog as damage found at open,
and the process goes on."""

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from journal.storage import backups, db
from journal.writes import customers, interactions
from journal.storage.models import Customer
from journal.session import Journal
from ui.files import recovery
from ui.window.main_window import MainWindow

from ..damage import damage_the_page_holding

NEWEST = "ZED-NEWEST-NOTE"


def build(path):
    db.connect(path)
    early = customers.create_customer(name="Aaron Early")
    interactions.log_interaction(early.id, "meeting", "out", "Coffee")
    later = customers.create_customer(name="Zed Later")
    start = datetime(2026, 1, 1, 9)
    for n in range(400):
        note = NEWEST if n == 399 else f"note {n}"
        interactions.log_interaction(later.id, "call", "out", f"Call {n}", notes=f"{note} " + "words " * 200,
                                     occurred_at=start + timedelta(hours=n))
    good = backups.make_backup(path)
    db.close()  # checkpoints: every page is in the main file
    return good


def test_a_damaged_page_read_after_start_offers_recovery(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    good = build(path)
    damage_the_page_holding(path, NEWEST.encode())
    offered = []

    def choose(parent, journal_path, problem):
        offered.append((parent, problem))
        return recovery.RESTORE, backups.newest_sound_backup(journal_path)

    monkeypatch.setattr(recovery, "choose_recovery", choose)
    Journal(path).open()  # as the app starts: the header only, the full check comes later
    window = MainWindow(path, check_integrity=False, daily_backup=False)
    qtbot.addWidget(window)
    watch = recovery.watch_database_errors(window)
    try:
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        assert window.page.customer_id == Customer.get(Customer.name == "Aaron Early").id
        window.customer_list.table.setFocus()
        qtbot.keyClick(window.customer_list.table, Qt.Key.Key_Down)  # to Zed, whose newest calls are damaged
        qtbot.waitUntil(lambda: len(offered) == 1, timeout=5000)
        parent, problem = offered[0]
        assert parent is window
        assert "journal.sqlite3" in problem and "malformed" in problem
        assert window.isVisible()  # the process did not die
        qtbot.waitUntil(lambda: "Restored the backup" in window.statusBar().currentMessage(), timeout=5000)
        assert [c.name for c in Customer.select().order_by(Customer.name)] == ["Aaron Early", "Zed Later"]
        assert db.integrity_problem() is None
        aside = [p for p in path.parent.iterdir() if "damaged" in p.name and p.suffix == ".sqlite3"]
        assert len(aside) == 1  # the damaged file is kept, not overwritten
        assert good.path.exists()
    finally:
        watch.uninstall()
        window.close()
        db.close()


def test_a_damaged_page_read_by_a_background_task_offers_recovery(qtbot, tmp_path, monkeypatch):
    from journal.storage.models import Interaction
    from ui.common import tasks

    path = tmp_path / "journal.sqlite3"
    build(path)
    damage_the_page_holding(path, NEWEST.encode())
    offered, failed = [], []
    monkeypatch.setattr(recovery, "choose_recovery", lambda parent, p, problem: (offered.append(problem)
                                                                                 or (recovery.QUIT, None)))
    Journal(path).open()
    window = MainWindow(path, check_integrity=False, daily_backup=False)
    qtbot.addWidget(window)
    watch = recovery.watch_database_errors(window)
    try:
        window.show()
        tasks.run_in_background(lambda: [i.notes for i in Interaction.select()], on_error=failed.append)
        qtbot.waitUntil(lambda: len(offered) == 1, timeout=5000)
        assert "malformed" in offered[0] and len(failed) == 1  # the task's own clean-up still ran
        assert window.isVisible()
        assert path.exists()  # "Close" changes nothing
    finally:
        watch.uninstall()
        window.close()
        db.close()


def test_a_damaged_page_read_while_the_window_first_loads_offers_recovery(qtbot, tmp_path, monkeypatch, capsys):
    from ui.window import app as app_module

    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    first = customers.create_customer(name="Aaron Early")
    for n in range(60):  # the customer shown first: its timeline is read before the window appears
        interactions.log_interaction(first.id, "call", "out", f"Call {n}",
                                     notes=("FIRST-SHOWN " if n == 59 else "") + "words " * 200)
    backups.make_backup(path)
    db.close()
    damage_the_page_holding(path, b"FIRST-SHOWN")
    offered = []

    def choose(parent, journal_path, problem):
        offered.append(problem)
        return recovery.RESTORE, backups.newest_sound_backup(journal_path)

    monkeypatch.setattr(recovery, "choose_recovery", choose)
    try:
        assert app_module.run(str(path), measure_startup=True) == 0  # no traceback ended it
        assert len(offered) == 1 and "malformed" in offered[0]
        assert "listed 1 customers" in capsys.readouterr().out
        assert db.integrity_problem() is None  # the backup is in place
    finally:
        recovery.stop_watching()
        db.close()


def test_the_daily_backup_of_a_damaged_journal_offers_recovery_and_keeps_every_sound_backup(
        qtbot, tmp_path, monkeypatch):
    from datetime import date

    path = tmp_path / "journal.sqlite3"
    build(path).path.unlink()  # only the 14 daily ones below
    start = datetime.combine(date.today(), datetime.min.time()).replace(hour=9) - timedelta(days=14)
    for n in range(14):
        backups.backup_if_due(path, keep=14, now=start + timedelta(days=n))
    sound = [b for b in backups.list_backups(path) if not b.damaged]
    assert len(sound) == 14
    damage_the_page_holding(path, NEWEST.encode())
    offered = []
    monkeypatch.setattr(recovery, "choose_recovery", lambda parent, p, problem: (offered.append(problem)
                                                                                 or (recovery.QUIT, None)))
    Journal(path).open()
    window = MainWindow(path, check_integrity=False, daily_backup=False)  # as if the background check were slow
    qtbot.addWidget(window)
    try:
        window.show()
        window.files.daily_backup()  # what the window runs 1.5 s after start
        qtbot.waitUntil(lambda: len(offered) == 1, timeout=5000)
        assert "is damaged" in offered[0] and "-daily-damaged.sqlite3" in offered[0]
        found = backups.list_backups(path)
        assert [b for b in found if not b.damaged] == sound  # 14 sound backups, none pushed out
        assert len([b for b in found if b.damaged]) == 1
    finally:
        window.close()
        db.close()


def test_what_counts_as_damage(tmp_path):
    import sqlite3

    con = sqlite3.connect(tmp_path / "bytes.sqlite3", isolation_level=None)
    con.execute("CREATE TABLE t (name TEXT)")
    con.execute("INSERT INTO t VALUES (CAST(x'ff00fe' AS TEXT))")  # text that is not UTF-8, as a bad page can hold
    try:
        con.execute("SELECT name FROM t").fetchall()
    except sqlite3.Error as error:
        undecodable = error
    other = sqlite3.connect(tmp_path / "bytes.sqlite3", timeout=0, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    try:
        other.execute("SELECT * FROM t").fetchall()
    except sqlite3.Error as error:
        locked = error
    con.execute("ROLLBACK")
    assert "Could not decode to UTF-8" in str(undecodable) and recovery.is_damage(undecodable)
    assert "locked" in str(locked) and recovery.is_database_error(locked) and not recovery.is_damage(locked)
