"""Run by test_restart.py as a real process of its own: opens the journal the
way Lately does (lock, recovery, main window), then either chooses a customer
and changes the layout with the keyboard, or reports what it opened with; then
quits the way a person does (Ctrl+Q), which saves the window's state.

    python restart_driver.py choose JOURNAL NAME
    python restart_driver.py report JOURNAL
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(step: str, journal: str, name: str = "") -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.window import app as lately_app
    from ui.window.main_window import MainWindow

    application = QApplication(sys.argv)
    window = MainWindow(lately_app.open_with_recovery(Path(journal)), daily_backup=False)

    def focus_widget():
        return QApplication.focusWidget() or window

    def resize_then_quit(tries):
        window.resize(760, 520)
        if window.width() == 760 or not tries:
            QTest.keyClick(focus_widget(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        else:
            QTimer.singleShot(10, lambda: resize_then_quit(tries - 1))

    def act():
        window.activateWindow()
        if step == "choose":
            QTest.keyClick(focus_widget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(focus_widget(), name)
            QTest.keyClick(focus_widget(), Qt.Key.Key_Return)  # to the list, on the customer found
            QTest.keyClick(focus_widget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # into Lately,
            QTest.keyClick(focus_widget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # and hidden from there
            window.splitter.setSizes([300, 700])  # as if the divider were dragged
            # As if the corner were dragged, once the layout has let go of the hidden dock's width.
            resize_then_quit(tries=200)
            return
        print(json.dumps({
            "customer": window.page.header.name.text() if window.current_customer() else None,
            "selected_rows": len(window.customer_list.table.selectionModel().selectedRows()),
            "lately_visible": window.lately.isVisible(),
            "splitter": window.splitter.sizes(),
            "size": [window.width(), window.height()],
            "hash_seed": os.environ.get("PYTHONHASHSEED"),
        }), flush=True)
        QTest.keyClick(focus_widget(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    window.first_painted.connect(lambda: QTimer.singleShot(0, act))
    window.show()
    return application.exec()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
