"""Keys a new user presses in the first hour, as found by trying the app in a
real window: Ctrl+Z right after a save, Enter in the Details form."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers

from .test_main_window import dialogs_checked, drive_dialog, people, press, visible_names  # noqa: F401


def focused():
    return QApplication.focusWidget()


def type_and_enter(qtbot, text):
    """A dialog driver: type into the dialog's first field, then Enter."""
    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClicks(focused(), text)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    return fill


def test_ctrl_z_right_after_adding_a_customer_undoes_the_add(qtbot, make_window):
    window = make_window(populate=people)
    box = window.customer_list.filter_box
    box.setFocus()  # where the window opens, and where focus comes back after a dialog

    drive_dialog(qtbot, type_and_enter(qtbot, "Jane Tester"))
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert customers.find_by_name("Jane Tester") is not None
    # In a real window focus came back to the find box (it had it before the dialog); a click puts it there here.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert focused() is box and not box.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert customers.find_by_name("Jane Tester") is None  # the journal's Undo, not the find box's
    assert "Jane Tester" not in visible_names(window)


def test_ctrl_z_in_the_find_box_undoes_typing_first(qtbot, make_window):
    window = make_window(populate=people)
    box = window.customer_list.filter_box
    box.setFocus()
    qtbot.keyClicks(box, "timber")
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == ""  # what was typed is taken back; nothing in the journal changed
    assert len(visible_names(window)) == 3


def test_enter_in_a_details_field_saves_and_ctrl_enter_from_the_address(qtbot, make_window):
    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    press(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    details = window.page.details
    qtbot.keyClick(focused(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # E&mail
    assert focused() is details.fields["email"]
    qtbot.keyClicks(focused(), "ada@example.org")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert customers.get_customer(ada).email == "ada@example.org"

    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Postal &address
    assert focused() is details.fields["address"]
    qtbot.keyClicks(focused(), "12 High St")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # a new line in the address, not a save
    qtbot.keyClicks(focused(), "London")
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert customers.get_customer(ada).address == "12 High St\nLondon"


def test_adding_someone_already_in_the_journal_asks_first(qtbot, make_window, no_modal_boxes, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = make_window(populate=people)
    seen = {}

    def add_ada_again(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClicks(focused(), "Lovelace, Ada")
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
        seen["messages"] = dialog.errors.messages()
        seen["open"] = dialog.isVisible()
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)

    drive_dialog(qtbot, add_ada_again)
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [(kind, title, text)] = [box for box in no_modal_boxes if box[1] == "Already in the journal?"]
    assert "Ada Lovelace (the same name)" in text
    assert seen["open"] and seen["messages"][0].startswith("Name: already in the journal: Ada Lovelace")
    assert visible_names(window).count("Ada Lovelace") == 1 and "Lovelace, Ada" not in visible_names(window)

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    window.activateWindow()  # before the driver's timer, which must fire once the dialog is open
    qtbot.waitUntil(window.isActiveWindow)
    drive_dialog(qtbot, type_and_enter(qtbot, "Ada Lovelace"))
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert visible_names(window).count("Ada Lovelace") == 2  # two people of one name, as the owner said


def test_ctrl_z_after_adding_someone_the_search_hid_undoes_the_add_not_the_search(qtbot, make_window):
    window = make_window(populate=people)
    box = window.customer_list.filter_box
    box.setFocus()
    qtbot.keyClicks(box, "timber")  # the list shows Bob Builder only

    drive_dialog(qtbot, type_and_enter(qtbot, "Jane Tester"))
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "Jane Tester" in visible_names(window)  # the search was emptied to show her
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.keyClick(focused(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert customers.find_by_name("Jane Tester") is None and box.text() == ""
