"""File › Back up now: progress and Cancel, in a real background thread."""

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from journal.storage import backups
from ui.common import tasks

from .test_main_window import people


def test_cancel_a_backup_in_progress_leaves_nothing(qtbot, make_window, monkeypatch):
    window = make_window(populate=people)
    tasks.set_synchronous(False)  # a real worker thread
    clicked = threading.Event()
    real = backups.make_backup

    def slow_until_cancel(path, reason="", now=None, progress=None):
        def gate(done, total):
            clicked.wait(10)  # the copy is under way until the person has clicked Cancel
            return progress(done, total)
        return real(path, reason, now, progress=gate)

    monkeypatch.setattr(backups, "make_backup", slow_until_cancel)
    window.actions.backup_now.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)), timeout=5000)
    dialog = next(d for d in window.findChildren(QProgressDialog) if d.isVisible())
    assert dialog.labelText() == "Backing up the journal…"
    cancel = next(b for b in dialog.findChildren(type(window.page.details.save_button)) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=10000)
    assert tasks.wait_for_background(5000)
    assert list((window.journal_path.parent / "backups").iterdir()) == []  # no partial copy left
    QApplication.processEvents()
