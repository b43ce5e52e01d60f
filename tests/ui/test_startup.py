"""Start-up: the window is painted first; the Lately rules, the integrity check,
the single-instance server and the draft offer come after it."""

import os
import subprocess
import sys
import time
from pathlib import Path

from journal.writes import customers, interactions
from journal.storage import db
from ui.window.main_window import MainWindow
from ui.window.single_instance import JournalLock, ask_running_instance_to_show

ROOT = Path(__file__).resolve().parents[2]


def test_work_that_can_wait_starts_after_the_first_paint(qtbot, tmp_path):
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    customers.create_customer(name="Ada Lovelace")
    lock = JournalLock(path)
    assert lock.acquire()
    window = MainWindow(path, lock=lock, daily_backup=False)
    qtbot.addWidget(window)
    try:
        qtbot.wait(50)  # not shown: nothing has been painted, so nothing has started
        assert window.lately.summary.text() == ""  # the Lately rules have not run
        assert "Working out who needs you" in window.lately.empty.text()
        assert not ask_running_instance_to_show(path, patience=0)
        with qtbot.waitSignal(window.first_painted, timeout=3000):
            window.show()
        qtbot.waitUntil(lambda: window.lately.summary.text() != "", timeout=3000)
        assert ask_running_instance_to_show(path, patience=0)  # the server listens now
    finally:
        window.close()
        db.close()


def test_a_window_that_is_never_painted_still_starts_the_rest(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMainWindow

    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    customers.create_customer(name="Ada Lovelace")
    monkeypatch.setattr(MainWindow, "START_ANYWAY_MS", 200)
    monkeypatch.setattr(MainWindow, "paintEvent", QMainWindow.paintEvent)  # as if it never reached a screen
    window = MainWindow(path, daily_backup=False)
    qtbot.addWidget(window)
    try:
        with qtbot.assertNotEmitted(window.first_painted):
            window.show()
            qtbot.wait(100)
            assert window.lately.summary.text() == ""
            qtbot.waitUntil(lambda: window.lately.summary.text() != "", timeout=3000)
    finally:
        window.close()
        db.close()


def test_measure_startup_reports_the_painted_window_and_closes_it(tmp_path):
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    ada = customers.create_customer(name="Ada Lovelace")
    customers.create_customer(name="Bob Builder")
    interactions.log_interaction(ada.id, "meeting", "out", "Coffee")
    db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.time()
    done = subprocess.run([sys.executable, "main.py", "--db", str(path), "--measure-startup"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report, moment = done.stdout.strip().splitlines()[-2:]
    assert report.startswith("listed 2 customers, ") and int(report.split()[3]) > 0
    assert started < float(moment) < time.time()
    lock = JournalLock(path)
    assert lock.acquire()  # closed properly: the lock was given back
    lock.release()


def test_the_details_form_is_built_when_its_tab_is_first_opened(qtbot, make_window):
    from PySide6.QtCore import Qt

    from .test_main_window import people

    window = make_window(populate=people)
    page = window.page
    assert page.customer_id is not None and page._details is None  # nobody has looked at it yet
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    form = page._details
    assert form is not None and form.isVisible()
    assert form.fields["name"].text() == customers.get_customer(page.customer_id).name
    window.customer_list.select(customers.list_customers()[-1].id)  # another customer: the form follows
    assert form.fields["name"].text() == customers.list_customers()[-1].name


def test_the_window_icon_comes_from_its_files_in_every_size(qtbot):
    from PySide6.QtCore import QSize

    from ui.common.icons import app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == {16, 32, 64, 128, 256}
    image = icon.pixmap(QSize(64, 64)).toImage()
    assert image.pixelColor(32, 4).name() == "#2e7d62"  # the green tile, drawn by resources/make_icons.py
