"""Backups, restore, damaged journals and one writer, driven from the app."""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from journal.storage import backups, db
from journal.writes import customers
from journal.storage.models import Customer
from journal.session import Journal
from ui.window import app as app_module
from ui.files import recovery
from ui.window.main_window import MainWindow
from ui.window.single_instance import JournalLock, ask_running_instance_to_show

from .test_main_window import people

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_a_second_launch_brings_the_first_window_forward(qtbot, tmp_path):
    path = tmp_path / "journal.sqlite3"
    first = JournalLock(path)
    assert first.acquire()
    first.listen()
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=3000):
            assert app_module.open_with_recovery(path) is app_module.SHOWN_ELSEWHERE
        assert not JournalLock(path).acquire()
    finally:
        first.release()
    second = JournalLock(path)
    assert second.acquire()
    second.release()


def hold_lock_in_child(path, then: str) -> subprocess.Popen:
    """Another process takes the journal's lock, prints whether it got it, then runs `then`."""
    return subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, sys.argv[2])\n"
        "from PySide6.QtCore import QCoreApplication, QTimer\n"
        "from ui.window.single_instance import JournalLock\n"
        "app = QCoreApplication([]); lock = JournalLock(sys.argv[1]); print(lock.acquire(), flush=True)\n"
        + then), str(path), str(Path(__file__).resolve().parents[2])], stdout=subprocess.PIPE, text=True)


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path):
    path = tmp_path / "journal.sqlite3"
    child = hold_lock_in_child(path, "time.sleep(60)")
    assert child.stdout.readline().strip() == "True"
    assert not JournalLock(path).acquire()
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not ask_running_instance_to_show(path, patience=0)
    lock = JournalLock(path)
    assert lock.acquire()
    lock.release()


def test_a_second_launch_waits_for_a_window_that_is_still_starting(tmp_path):
    path = tmp_path / "journal.sqlite3"
    child = hold_lock_in_child(path, (
        "lock.raise_requested.connect(lambda: (print('raised', flush=True), app.quit()))\n"
        "QTimer.singleShot(600, lock.listen)  # as a window listens once painted\n"
        "QTimer.singleShot(20000, app.quit)\n"
        "app.exec(); lock.release()"))
    try:
        assert child.stdout.readline().strip() == "True"
        assert not JournalLock(path).acquire()
        assert ask_running_instance_to_show(path)
        assert child.stdout.readline().strip() == "raised"
    finally:
        child.kill()
        child.wait()


def test_damaged_journal_offers_the_newest_good_backup(monkeypatch, tmp_path):
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    customers.create_customer(name="Ada")
    good = backups.make_backup(path)
    db.close()
    path.write_bytes(b"\0garbage" * 500)
    asked = []

    def choose(parent, journal_path, problem):
        asked.append(problem)
        return recovery.RESTORE, backups.newest_sound_backup(journal_path)

    monkeypatch.setattr(recovery, "choose_recovery", choose)
    session = app_module.open_with_recovery(path)
    try:
        assert "not a Lately journal or is damaged" in asked[0]
        assert [c.name for c in Customer.select()] == ["Ada"]
        aside = [p for p in path.parent.iterdir() if "damaged" in p.name]
        assert len(aside) == 1 and aside[0].read_bytes() == b"\0garbage" * 500
        assert good.path.exists()
    finally:
        session.release()
        db.close()


def test_giving_up_on_a_damaged_journal_leaves_it_untouched(monkeypatch, tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"garbage" * 500)
    monkeypatch.setattr(recovery, "choose_recovery", lambda *a: (recovery.QUIT, None))
    assert app_module.open_with_recovery(path) is None
    assert path.read_bytes() == b"garbage" * 500
    assert JournalLock(path).acquire()  # and the lock was given back


def test_back_up_now_then_restore_it(qtbot, make_window, monkeypatch):
    window = make_window(populate=people)
    window.actions.backup_now.trigger()
    made = backups.list_backups(window.journal_path)
    assert len(made) == 1 and "Backed up to" in window.statusBar().currentMessage()
    customers.create_customer(name="Added after the backup")
    monkeypatch.setattr(recovery.RestoreDialog, "exec", lambda self: True)
    window.files.choose_backup()  # the confirmation is answered by the test's message box stand-in
    names = [r.name for r in customers.list_customers()]
    assert "Added after the backup" not in names and "Ada Lovelace" in names
    kept = [b for b in backups.list_backups(window.journal_path) if b.reason == "before-restore"]
    assert len(kept) == 1
    assert window.customer_list.model.rowCount() == 3


def test_an_older_journal_is_backed_up_before_it_is_upgraded(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", path)
    Journal(path).open()
    try:
        [made] = backups.list_backups(path)
        assert made.reason == "before-upgrade-from-v1" and backups.is_sound(made.path)
    finally:
        db.close()


def test_daily_backup_runs_once_a_day_after_start(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    customers.create_customer(name="Ada")
    window = MainWindow(path)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(backups.list_backups(path)) == 1, timeout=5000)
    window.files.daily_backup()
    assert len(backups.list_backups(path)) == 1
    window.close()
    db.close()


@pytest.fixture(autouse=True)
def confirm_restores(monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
