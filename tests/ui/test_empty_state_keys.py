"""The first start by keyboard, as found by trying the app in a real window:
Tab to "Explore the demo journal" and Enter did nothing (a push button outside a
dialog takes only Space), while "Add your first customer" still looked like the
button Enter would press."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from .test_main_window import drive_dialog


def buttons(window):
    found = {b.text(): b for b in window.empty_state.findChildren(QPushButton)}
    return found["Add your first customer"], found["Explore the demo journal"]


def test_enter_on_explore_the_demo_journal_opens_it(qtbot, make_window):
    window = make_window()
    add, demo = buttons(window)
    add.setFocus(Qt.FocusReason.TabFocusReason)  # where a first start opens
    qtbot.waitUntil(lambda: QApplication.focusWidget() is add)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is demo
    assert not add.isDefault()  # Enter will not press the other one: it does not look as if it would
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.is_demo, timeout=10000)
    assert window.central.currentWidget() is not window.empty_state


def test_enter_on_add_your_first_customer_still_opens_the_dialog(qtbot, make_window):
    window = make_window()
    add, _ = buttons(window)
    add.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is add)
    opened = []

    def look(dialog):
        opened.append(dialog.windowTitle())
        dialog.reject()

    drive_dialog(qtbot, look)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert opened == ["New customer"]
