"""Help › Keyboard shortcuts, as found by trying the app in a real window: F1
did nothing and the Help menu had only About, so a person working from the
keyboard had no way to learn the keys but to open every menu."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .test_main_window import drive_dialog, people, press


def test_f1_lists_every_key_of_the_menus_and_those_inside_the_views(qtbot, make_window):
    window = make_window(populate=people)
    seen = {}

    def look(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        seen["title"] = dialog.windowTitle()
        seen["rows"] = dialog.rows()
        seen["focus"] = QApplication.focusWidget() is dialog.tree
        tree = dialog.tree  # at its own size, which fits a 1366x768 screen: every line read whole
        seen["cut"] = [text for *_, text in dialog.rows()
                       if tree.fontMetrics().horizontalAdvance(text) > tree.columnWidth(1) - 8]
        seen["size"] = (dialog.width(), dialog.height())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # Esc closes it
        seen["closed"] = not dialog.isVisible()

    drive_dialog(qtbot, look)
    press(qtbot, window, Qt.Key.Key_F1)
    assert seen["title"] == "Keyboard shortcuts" and seen["focus"] and seen["closed"]
    assert seen["cut"] == [] and seen["size"][0] <= 1366 and seen["size"][1] <= 768 - 60
    rows = seen["rows"]
    for expected in [("Customer", "Ctrl+L", "Log interaction…"), ("Customer", "Ctrl+N", "New customer…"),
                     ("Edit", "Ctrl+K", "Search everything…"), ("Edit", "Ctrl+F", "Find customer"),
                     ("View", "Ctrl+1", "Go to the Lately list"), ("View", "Ctrl+G", "Referral graph…"),
                     ("File", "Ctrl+Shift+B", "Back up now"), ("Help", "F1", "Keyboard shortcuts")]:
        assert expected in rows, expected
    assert any(group == "Edit" and "Ctrl+Z" in keys.split(", ") and what == "Undo" for group, keys, what in rows)
    groups = [group for group, *_ in rows]
    assert "Timeline" in groups and groups.index("Timeline") > groups.index("Help")  # the menus first
    assert ("Timeline", "Delete", "Move the entry to the trash (Ctrl+Z brings it back)") in rows


def test_the_help_menu_offers_the_shortcuts_by_keyboard(qtbot, make_window):
    window = make_window(populate=people)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions()] == ["&Keyboard shortcuts", "&About Lately"]
