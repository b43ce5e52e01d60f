"""The customer page's buttons by keyboard: Tab to one, Enter presses it (only
Space did; found by a new-user tryout in a real window)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from journal.writes import customers

from .focus_helpers import in_modal


def people():
    customers.create_customer(name="Ada Lovelace")


def test_enter_on_a_focused_page_button_presses_it(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    page = window.page
    for button in (page.log_button, page.purchase_button, page.connect_button):
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        button.setFocus()  # where Tab from the header's fields lands
        qtbot.waitUntil(button.hasFocus, timeout=2000)
        opened = []
        in_modal(qtbot, lambda: qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return),
                 lambda dialog: opened.append(type(dialog).__name__))
        assert opened and opened[0] != QDialog.__name__, button.text()
