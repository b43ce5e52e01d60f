"""Undo over a change made since by another window: refused with a message
naming what changed, the journal as the other window left it, and the undo
stack where it was (the edit still done, Ctrl+Z still offered)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from peewee import SqliteDatabase

from journal.writes import customers
from journal.storage.db import PRAGMAS

from .focus_helpers import press
from .test_main_window import dialogs_checked, people  # noqa: F401


def focused():
    return QApplication.focusWidget()


def test_ctrl_z_over_a_change_made_elsewhere_is_refused_and_says_what_changed(qtbot, make_window, no_modal_boxes,
                                                                               tmp_path):
    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    press(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # Customer › Edit details
    details = window.page.details
    qtbot.keyClick(focused(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # E&mail
    assert focused() is details.fields["email"]
    qtbot.keyClicks(focused(), "ada@example.org")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # saved, Ctrl+Z to undo
    assert customers.get_customer(ada).email == "ada@example.org"
    stack = window.undo_stack
    done_at = stack.index()

    # Another window — a second connection to the same file — changes Ada's e-mail.
    other = SqliteDatabase(str(tmp_path / "journal.sqlite3"), pragmas=PRAGMAS)
    with other.atomic():
        other.execute_sql("UPDATE customer SET email = 'ada@elsewhere.example' WHERE id = ?", [ada])
    other.close()

    window.customer_list.table.setFocus()  # back in the list, as after a click there
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    [(kind, _, text)] = [box for box in no_modal_boxes if box[0] == "warning"]
    assert text.startswith("Could not undo “Edit customer details”: Ada Lovelace's e-mail was changed since: "
                           "it is now “ada@elsewhere.example”"), text
    assert "nothing was changed" in text and "Traceback" not in text
    assert customers.get_customer(ada).email == "ada@elsewhere.example"  # their change stands
    assert stack.index() == done_at and stack.canUndo()  # not marked undone
    assert stack.undoText() == "Edit customer details"

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # asked again: refused again
    assert len([box for box in no_modal_boxes if box[0] == "warning"]) == 2
    assert customers.get_customer(ada).email == "ada@elsewhere.example" and stack.index() == done_at


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_through_the_core(qtbot, make_window, no_modal_boxes):
    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    press(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(focused(), "ada@example.org")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    window.customer_list.table.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert customers.get_customer(ada).email == ""
    assert window.statusBar().currentMessage().startswith("Undone")  # the save's "Ctrl+Z to undo" is gone
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert customers.get_customer(ada).email == "ada@example.org"
    assert window.statusBar().currentMessage().startswith("Redone")
    assert not [box for box in no_modal_boxes if box[0] == "warning"]
