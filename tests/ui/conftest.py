import pytest
from PySide6.QtWidgets import QMessageBox

from journal import db
from ui import tasks
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def synchronous_tasks():
    """Background work runs inline in tests, so every test is deterministic."""
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    """A message box would block the test; record what would have been asked instead."""
    asked = []

    def record(kind, answer):
        def box(parent, title, text, *args, **kwargs):
            asked.append((kind, title, text))
            return answer
        return box

    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", record("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", record("information", QMessageBox.StandardButton.Ok))
    return asked


@pytest.fixture
def make_window(qtbot, tmp_path):
    windows = []

    def make(path=None, populate=None):
        path = path or tmp_path / "journal.sqlite3"
        db.connect(path)
        if populate:
            populate()
        window = MainWindow(path, daily_backup=False)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        # The Lately rules and the draft offer start after the first paint: on a
        # loaded machine that came after the test had already looked at the panel.
        qtbot.waitUntil(lambda: window._started, timeout=5000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    db.close()
