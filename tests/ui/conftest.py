import pytest
from PySide6.QtWidgets import QMessageBox

from journal import db
from ui import tasks
from ui.main_window import MainWindow


def pytest_configure(config):
    config.addinivalue_line("markers", "real_threads: background work runs on real worker threads (Cancel tests)")


@pytest.fixture(autouse=True)
def synchronous_tasks(request):
    """Background work runs inline in tests, so every test is deterministic;
    tests marked real_threads run it on real worker threads instead."""
    real = request.node.get_closest_marker("real_threads") is not None
    tasks.set_synchronous(not real)
    yield
    if real:
        tasks.wait_for_background(10_000)
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
        # The work after the first paint (the Lately panel's first refresh) runs
        # from a zero timer; activation can come first when the machine is busy.
        qtbot.waitUntil(lambda: window._started, timeout=5000)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    db.close()
