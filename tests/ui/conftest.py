import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QMessageBox

from journal.storage import db
from journal.rules import words
from ui.common import tasks
from ui.window.main_window import MainWindow


def pytest_configure(config):
    config.addinivalue_line("markers", "real_threads: background work runs on real worker threads (Cancel tests)")


@pytest.fixture(autouse=True)
def plain_locale():
    """Dates, numbers and money read the same on every machine: Qt's C locale,
    whatever the system's (tests of other locales pass theirs explicitly)."""
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(QLocale.c())
    words.use()  # the core's plain forms again


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
        # The Lately panel and the rest start after the first paint: wait for it, not for luck.
        with qtbot.waitSignal(window.first_painted, timeout=5000):
            window.show()
        qtbot.waitUntil(lambda: not window.lately.loading, timeout=5000)  # its first refresh has reported
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
