"""The customer's other e-mails, phones and addresses on the Details form,
typed as a person types them; saved, undone, and shown again."""

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from journal.writes import customers


def grace():
    customers.create_customer(name="Grace Hopper", email="grace@navy.example",
                              contacts=[("phone", "mobile", "+1 555 0101")])


def focus():
    return QApplication.focusWidget()


def test_add_edit_and_remove_contacts_with_the_keyboard(qtbot, make_window):
    window = make_window(populate=grace)
    window.actions.edit_details.trigger()
    details = window.page.details
    editor = details.contacts_editor
    qtbot.waitUntil(lambda: len(editor.rows) == 1)
    first = editor.rows[0]
    assert first.entry() == ("phone", "mobile", "+1 555 0101")

    # Tab from the postal address reaches the existing contact's kind, then its label, value, Remove, Add.
    details.fields["address"].setFocus()
    qtbot.waitUntil(lambda: focus() is details.fields["address"])
    order = []
    for _ in range(5):
        qtbot.keyClick(focus(), Qt.Key.Key_Tab)
        order.append(focus())
    assert order[0] is first.kind and order[2] is first.value and order[4] is editor.add_button
    assert order[1] is first.label or order[1] is first.label.lineEdit()

    gc.collect()
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)  # a person presses the focused button
    qtbot.waitUntil(lambda: len(editor.rows) == 2)
    row = editor.rows[1]
    assert focus() is row.kind
    qtbot.keyClick(focus(), Qt.Key.Key_Down)  # E-mail -> Phone
    qtbot.keyClick(focus(), Qt.Key.Key_Down)  # Phone -> Address
    assert row.kind.currentData() == "address"
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focus(), "summer house")
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert isinstance(focus(), QPlainTextEdit) and focus() is row.value
    qtbot.keyClicks(focus(), "12 Elm St")
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.keyClicks(focus(), "Springfield, IL 62701")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    saved = customers.find_by_name("Grace Hopper")
    assert saved.contacts == (("phone", "mobile", "+1 555 0101"),
                              ("address", "summer house", "12 Elm St\nSpringfield, IL 62701"))
    assert saved.email == "grace@navy.example"  # the primary ones are untouched

    window.undo_stack.undo()
    assert customers.find_by_name("Grace Hopper").contacts == (("phone", "mobile", "+1 555 0101"),)
    window.undo_stack.redo()
    assert len(customers.find_by_name("Grace Hopper").contacts) == 2

    # Remove the phone: focus moves on to the next row, and saving keeps only the address.
    window.page.details.show_customer(customers.find_by_name("Grace Hopper"))
    first = editor.rows[0]
    first.remove.setFocus()
    qtbot.keyClick(first.remove, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(editor.rows) == 1)
    assert focus() is editor.rows[0].kind
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    assert customers.find_by_name("Grace Hopper").contacts == (
        ("address", "summer house", "12 Elm St\nSpringfield, IL 62701"),)


def test_a_bad_email_among_the_contacts_is_shown_under_them(qtbot, make_window):
    window = make_window(populate=grace)
    window.actions.edit_details.trigger()
    details = window.page.details
    editor = details.contacts_editor
    editor.add_button.setFocus()
    qtbot.keyClick(editor.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(editor.rows) == 2)
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focus(), "work")
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focus(), "grace@navy")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    assert details.errors.messages() == ["Contacts: entry 2: 'grace@navy' is not an email address"]
    assert customers.find_by_name("Grace Hopper").contacts == (("phone", "mobile", "+1 555 0101"),)
