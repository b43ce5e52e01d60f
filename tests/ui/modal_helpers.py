"""Driving a modal window that another modal window opens, by keys."""

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .focus_helpers import focused


def when_open(qtbot, kind, act, attempts=250):
    """act(dialog) once a modal dialog of `kind` is up and has the keys: looked
    for every 20 ms (up to five seconds), never a guess at how long it takes. A
    failure inside closes the dialog, so the test fails rather than hangs."""
    def look():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                dialog.activateWindow()
                qtbot.waitUntil(lambda: focused() is not None and focused().window() is dialog, timeout=3000)
                act(dialog)
            except BaseException:
                dialog.reject()
                raise
        elif look.left:
            look.left -= 1
            QTimer.singleShot(20, look)
    look.left = attempts
    QTimer.singleShot(0, look)
