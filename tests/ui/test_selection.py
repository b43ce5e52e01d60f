"""One highlighted row in the customer list after any action. The table
repaints a row when the selection model says it changed: a change made with
its signals blocked leaves the old row painted as selected beside the new one.
The tracker below follows exactly what the table is told."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from journal.writes import customers
from ui.customers.customer_list import ID_ROLE

from .focus_helpers import focused


class PaintedSelection:
    """The customers the table has been told are selected (and so paints so)."""

    def __init__(self, table):
        self.table = table
        self.ids: set[int] = self._selected()
        table.selectionModel().selectionChanged.connect(self._changed)
        for signal in (table.model().layoutChanged, table.model().modelReset):
            signal.connect(lambda *_: setattr(self, "ids", self._selected()))  # the whole table repaints

    def _selected(self):
        return {i.data(ID_ROLE) for i in self.table.selectionModel().selectedRows()}

    def _changed(self, selected, deselected):
        self.ids -= {i.data(ID_ROLE) for i in deselected.indexes()}
        self.ids |= {i.data(ID_ROLE) for i in selected.indexes()}


def people():
    for name in ("Ada Lovelace", "Bob Builder", "Grace Hopper"):
        customers.create_customer(name=name)


def in_modal(qtbot, open_it, drive):
    outcome = {}

    def run():
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, QDialog)
            dialog.activateWindow()
            qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
            drive(dialog)
        except BaseException as exc:  # noqa: BLE001 - raised again below
            outcome["error"] = exc
            if dialog.isVisible():
                QDialog.reject(dialog)
        finally:
            outcome["ran"] = True

    QTimer.singleShot(0, run)
    open_it()
    assert outcome.get("ran")
    if "error" in outcome:
        raise outcome["error"]


def one_row(window, painted, name):
    cid = customers.find_by_name(name).id
    assert window.current_customer() == cid
    assert painted._selected() == {cid}
    assert painted.ids == {cid}, "another row is still painted as selected"


def test_one_row_is_highlighted_after_each_action(qtbot, make_window):
    window = make_window(populate=people)
    painted = PaintedSelection(window.customer_list.table)
    one_row(window, painted, "Ada Lovelace")

    def log_for_grace(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(QApplication.focusWidget(), "Grace Hopper")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClicks(QApplication.focusWidget(), "Called her back")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert not dialog.isVisible(), dialog.errors.messages()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    in_modal(qtbot, lambda: qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_L,
                                            Qt.KeyboardModifier.ControlModifier), log_for_grace)
    one_row(window, painted, "Grace Hopper")

    def add_zoe(dialog):
        assert focused() is dialog.name
        qtbot.keyClicks(QApplication.focusWidget(), "Zoe Zimmer")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    in_modal(qtbot, window.new_customer, add_zoe)
    one_row(window, painted, "Zoe Zimmer")

    window.open_customer(customers.find_by_name("Bob Builder").id)  # from the Lately panel or the graph
    one_row(window, painted, "Bob Builder")

    window.undo_stack.undo()  # Zoe is gone again; Bob stays the one shown
    one_row(window, painted, "Bob Builder")
