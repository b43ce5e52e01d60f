"""Every path that finds the journal open in another Lately process says so, by
name, with a real child process holding the lock (PySide6 6.11's getLockInfo()
returns three values; unpacking four once ended the app)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from journal.storage import db
from ui.window import app as app_module
from ui.window.single_instance import JournalLock

from .test_nothing_lost import hold_lock_in_child

WAIT = "QTimer.singleShot(30000, app.quit)\napp.exec(); lock.release()"


def holding(path):
    child = hold_lock_in_child(path, WAIT)
    assert child.stdout.readline().strip() == "True"
    return child


def stop(child):
    child.kill()
    child.wait()


def test_owner_names_the_process_holding_the_lock(tmp_path):
    path = tmp_path / "journal.sqlite3"
    child = holding(path)
    try:
        lock = JournalLock(path)
        assert not lock.acquire()
        assert lock.owner() == f"process {child.pid} on this computer"
    finally:
        stop(child)


def test_a_second_launch_while_the_first_is_starting_says_who_has_it(tmp_path, no_modal_boxes):
    path = tmp_path / "journal.sqlite3"
    child = holding(path)  # it holds the lock but never listens: a window still starting (or hung)
    try:
        assert app_module.open_with_recovery(path) is None
        assert no_modal_boxes == [("warning", "Lately",
                                   f"{path} is already open in Lately (process {child.pid} on this computer).")]
    finally:
        stop(child)


def test_file_open_of_a_journal_open_elsewhere(qtbot, make_window, tmp_path, monkeypatch, no_modal_boxes):
    from .test_main_window import people, visible_names

    window = make_window(populate=people)
    other = tmp_path / "other.sqlite3"
    child = holding(other)
    try:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # File › Open journal…
        qtbot.waitUntil(lambda: len(no_modal_boxes) == 1, timeout=3000)
        assert no_modal_boxes[0][2] == f"{other} is already open in Lately (process {child.pid} on this computer)."
        assert window.journal_path == tmp_path / "journal.sqlite3"  # still on the journal it had
        assert "Ada Lovelace" in visible_names(window)
    finally:
        stop(child)


def test_explore_the_demo_while_the_demo_is_open_elsewhere(qtbot, make_window, no_modal_boxes):
    window = make_window()  # a first run: the empty journal offers the demo
    demo = db.demo_path()
    child = holding(demo)
    try:
        button = next(b for b in window.empty_state.findChildren(QPushButton)
                      if b.text() == "Explore the demo journal")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(no_modal_boxes) == 1, timeout=3000)
        assert no_modal_boxes[0][2] == f"{demo} is already open in Lately (process {child.pid} on this computer)."
        assert not window.is_demo and window.journal_path.name == "journal.sqlite3"
        assert window.central.currentWidget() is window.empty_state
    finally:
        stop(child)
