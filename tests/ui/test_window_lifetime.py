"""The windows and dialogs of a day's work are gone once closed. Each is a
child of the main window, and a closed one used to stay, hidden, as long as
the main window did, with everything it held: the graph window of a journal
of 30,000 customers (81 MB) at every opening, a quick-capture dialog at every
note logged."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from journal.writes import customers

from .focus_helpers import in_modal, press

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def people():
    ada = customers.create_customer(name="Ada Lovelace", interests="sailing")
    customers.create_customer(name="Ben Boats", interests="sailing")
    return ada


def escape(qtbot, dialog):
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)


def test_closed_windows_and_dialogs_are_deleted(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    before = len(window.findChildren(QDialog))
    for _ in range(2):
        for key, name in ((Qt.Key.Key_G, "graph_window"), (Qt.Key.Key_T, "cards_window")):  # windows of their own
            press(qtbot, window, key, CTRL)
            qtbot.waitUntil(lambda: getattr(window, name, None) is not None and getattr(window, name).isVisible(),
                            timeout=5000)
            escape(qtbot, getattr(window, name))
            qtbot.waitUntil(lambda: getattr(window, name, None) is None, timeout=5000)
        for key, modifiers in ((Qt.Key.Key_L, CTRL), (Qt.Key.Key_K, CTRL), (Qt.Key.Key_N, CTRL),
                               (Qt.Key.Key_P, CTRL | SHIFT), (Qt.Key.Key_K, CTRL | SHIFT),
                               (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)):  # dialogs
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow, timeout=3000)
            in_modal(qtbot, lambda: qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers),
                     lambda dialog: escape(qtbot, dialog))
    qtbot.waitUntil(lambda: len(window.findChildren(QDialog)) == before, timeout=5000)
