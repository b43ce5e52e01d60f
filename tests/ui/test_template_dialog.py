"""The card template dialog. Seen in a real window at 1366x768: the template
itself had seven lines of room and a scroll bar, under a long list of
placeholders that took most of the dialog."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.rules import cards

from .test_cards_view import shop


def test_the_template_gets_the_room_and_every_placeholder_can_be_read(qtbot, make_window):
    window = make_window(populate=shop)
    from ui.cards.cards_view import TemplateDialog

    dialog = TemplateDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    editor = dialog.editor
    assert editor.height() >= 0.6 * dialog.height()
    assert editor.width() > dialog.placeholders.width()
    lines = editor.viewport().height() // editor.fontMetrics().lineSpacing()
    assert lines >= 20, f"room for {lines} lines of the template"
    listed = dialog.placeholders.toPlainText()
    assert all(f"{{{{ {name} }}}}" in listed for name in cards.PLACEHOLDERS)
    assert QApplication.focusWidget() is editor  # typing goes into the template
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not dialog.placeholders  # Tab goes on to the buttons
