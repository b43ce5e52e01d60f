"""Print preview of the thank-you cards. Seen in a real window: pressing Print
preview… closed the whole app (a segmentation fault), because the printer the
preview paints on was a temporary that Python freed under the dialog."""

import gc

from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QMessageBox

from .test_cards_view import shop


def test_print_preview_shows_the_cards_and_closes(qtbot, make_window, monkeypatch):
    window = make_window(populate=shop)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)  # Bob has no address
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    seen = {}

    def look():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QPrintPreviewDialog):  # not open yet: the key is still being pressed
            seen["tries"] = seen.get("tries", 0) + 1
            if seen["tries"] < 200:
                QTimer.singleShot(10, look)
            return
        seen.pop("tries", None)
        try:
            seen["dialog"] = type(dialog).__name__
            gc.collect()  # whatever Python held only for a moment is gone now, as on a desktop a while later
            preview = dialog.findChild(QPrintPreviewWidget)
            preview.updatePreview()  # paints again on the dialog's printer
            QApplication.processEvents()
            seen["pages"] = preview.pageCount()
            screen = dialog.screen().availableGeometry()
            seen["size"] = dialog.height() >= 0.8 * min(860, screen.height()) and dialog.width() <= screen.width()
        finally:
            dialog.reject()

    QTimer.singleShot(0, look)
    button = view.buttons["preview"]
    button.setFocus()  # as by Tab
    assert QApplication.focusWidget() is button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert seen == {"dialog": QPrintPreviewDialog.__name__, "pages": 2, "size": True}  # Ada's card and Bob's, roomy
    assert view.isVisible()  # the cards window is still there after the preview
