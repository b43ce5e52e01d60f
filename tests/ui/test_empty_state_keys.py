"""The first start by keyboard, as found by trying the app in a real window:
Tab to "Explore the demo journal" and Enter did nothing (a push button outside a
dialog takes only Space), while "Add your first customer" still looked like the
button Enter would press; and once on the demo, no way back to your journal."""

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


def choose_from_the_file_menu(qtbot, window, letter):
    """Alt+F, then the item's underlined letter, as a person opens a menu item."""
    from PySide6.QtWidgets import QMenu

    from .test_main_window import press

    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    qtbot.keyClick(QApplication.activePopupWidget(), letter)


def test_after_exploring_the_demo_file_leave_the_demo_goes_back_to_your_journal(qtbot, make_window, tmp_path):
    """Found in a real window: after Explore the demo journal there was no way back
    but File › Open and a file dialog, in which the journal's folder is hidden
    (~/.local/share/Lately)."""
    window = make_window()
    own = window.journal_path
    add, demo = buttons(window)
    demo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is demo)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.is_demo, timeout=10000)
    assert window.actions.leave_demo.isVisible() and not window.actions.open_demo.isVisible()
    choose_from_the_file_menu(qtbot, window, Qt.Key.Key_V)  # Lea&ve the demo journal
    qtbot.waitUntil(lambda: not window.is_demo, timeout=10000)
    assert window.journal_path == own and window.central.currentWidget() is window.empty_state
    assert not window.actions.leave_demo.isVisible() and window.actions.open_demo.isVisible()


def test_started_on_the_demo_leave_it_for_your_own_journal(qtbot, lately_home):
    from journal.storage import db
    from ui.window.main_window import MainWindow

    window = MainWindow(db.demo_path(), demo=True, daily_backup=False)  # as `--demo` opens it
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.first_painted, timeout=5000):
        window.show()
    qtbot.waitUntil(lambda: window._started, timeout=5000)
    assert window.is_demo and window.actions.leave_demo.isVisible()
    choose_from_the_file_menu(qtbot, window, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: window.journal_path == db.default_path(), timeout=10000)
    assert not window.is_demo
    window.close()
