"""Run by test_terminate.py as a real process of its own: starts Lately on a
journal as `main.py --db` does, waits for the window, then is sent SIGTERM (as a
logout or a shutdown sends it) — while idle, or just after typing a note in quick
capture, before its draft timer has fired.

    python terminate_driver.py idle JOURNAL [SIGNAL]
    python terminate_driver.py typing JOURNAL
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(step: str, journal: str, sent: str = "SIGTERM") -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.window import app as lately_app
    from ui.window.main_window import MainWindow

    QApplication(sys.argv)

    def shown_window():
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)

    def when_started():  # a condition looked at again, not a wait on luck
        window = shown_window()
        if window is None or not window._started:
            QTimer.singleShot(20, when_started)
            return
        if step == "typing":
            QTimer.singleShot(0, type_then_terminate)
            window.actions.quick_capture.trigger()  # Ctrl+L: the dialog's own event loop runs from here
        else:
            os.kill(os.getpid(), getattr(signal, sent))

    def type_then_terminate():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isAncestorOf(QApplication.focusWidget()):
            if dialog is not None:
                dialog.activateWindow()
            QTimer.singleShot(20, type_then_terminate)
            return
        QTest.keyClicks(QApplication.focusWidget(), "Called about the oak table")
        os.kill(os.getpid(), signal.SIGTERM)  # at once: the draft timer (400 ms) has not run

    QTimer.singleShot(0, when_started)
    return lately_app.run(journal)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
