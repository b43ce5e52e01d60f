"""Merging two customers who are the same person: choose the other one, see
both side by side with what will be kept, then merge (Ctrl+Z undoes it); and
the list of possible duplicates, each pair to merge or to mark as different
people."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QProgressBar, QPushButton, QSizePolicy,
    QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
)

from peewee import DatabaseError

from journal.writes import customers, merge
from journal.rules import duplicates, words
from journal.errors import Cancelled, JournalError, NotFound, ValidationError

from ui.common.commands import JournalCommand
from ui.common.errors import describe_save_error
from ui.common.empty_hint import EmptyHint
from ui.common.forms import ErrorLabel, enter_outside_buttons, hbox
from ui.common.pickers import CustomerPicker, customer_label
from ui.common.tasks import run_in_background

PAIR_ROLE = Qt.ItemDataRole.UserRole + 1

_HOW = {merge.FILLED: "filled in from {other}", merge.COMBINED: "both combined",
        merge.EARLIER: "the earlier date, from {other}", merge.NOTED: "{other}'s kept in a note"}


class MergeCustomers(JournalCommand):
    """Undo puts both customers back exactly as they were; redo merges them again."""

    def __init__(self, events, keep_id: int, other_id: int, before=None):
        """`before()` runs ahead of the merge, its undo and its redo: the main
        window closes the thank-you cards window there, which saves its draft
        (the merge rewrites the customer ids in it) and reads it afresh when
        opened again."""
        plan = merge.plan_merge(keep_id, other_id)
        super().__init__(events, f"Merge {plan.other_name} into {plan.keep_name}")
        self.customer_id = keep_id
        self.other_id = other_id
        self.result = None
        self._before = before or (lambda: None)

    def apply(self):
        self._before()  # its own writes (the cards' draft saved) are not part of the merge
        super().apply()

    def do(self):
        self.result = merge.merge_customers(self.customer_id, self.other_id)

    def redo_again(self):
        self._before()
        super().redo_again()

    def undo_change(self):
        self._before()
        super().undo_change()

    def _notify(self):
        self.events.changed.emit(None)  # one customer leaves the list or comes back: the whole list changes


class NotDuplicates(JournalCommand):
    def __init__(self, events, pair: duplicates.DuplicatePair):
        super().__init__(events, f"Mark {pair.first_name} and {pair.second_name} as different people")
        self.pair = pair

    def do(self):
        duplicates.mark_not_duplicates(self.pair.first_id, self.pair.second_id)


def _label(customer_id: int) -> str:
    """'Name — Company', as the picker shows a customer."""
    try:
        found = customers.get_customer(customer_id)
    except NotFound:
        return ""
    return customer_label(found.name, found.company)


class MergeDialog(QDialog):
    """Customer › Merge with…: `on_merge(keep_id, other_id)` performs the merge
    (and may raise ValidationError or JournalError, shown here)."""

    def __init__(self, keep_id: int, parent=None, *, other_id: int | None = None, on_merge=None):
        super().__init__(parent)
        self.setWindowTitle("Merge customers")
        self.resize(760, 520)
        self.keep_id, self.other_id = keep_id, None
        self.plan: merge.MergePlan | None = None
        self.on_merge = on_merge or merge.merge_customers

        self.intro = QLabel(wordWrap=True)
        self.picker = CustomerPicker(exclude=keep_id)
        self.picker.setPlaceholderText("Type part of the other customer's name or company, then Enter…")
        self.picker.returnPressed.connect(self.choose)
        self.picker.installEventFilter(self)
        self.picker.completer().activated.connect(lambda *_: self.choose())
        picker_label = QLabel("The &other customer (the same person):")
        picker_label.setBuddy(self.picker)
        self.error = ErrorLabel()
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setHorizontalHeaderLabels(["", "This customer (kept)", "The other customer", "After the merge"])
        self.moving = QLabel(wordWrap=True)
        self.swap_button = QPushButton("&Keep the other one instead")
        self.swap_button.clicked.connect(self.swap)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(picker_label)
        layout.addWidget(self.picker)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.moving)
        layout.addWidget(hbox(self.swap_button))
        layout.addWidget(self.buttons)
        self._show_plan()
        if other_id is not None:
            self.picker.set_customer(other_id)
            self.choose()
        else:
            self.picker.setFocus()

    def eventFilter(self, watched, event):
        # Enter in the picker chooses the customer and shows what would happen; the
        # key goes no further, so it can never also press Merge, which now has focus.
        # (From the completer's list, Enter reaches the picker as returnPressed.)
        if (watched is self.picker and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.choose()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        if not enter_outside_buttons(event):  # only Enter on the Merge button itself merges
            super().keyPressEvent(event)

    def choose(self) -> None:
        try:
            other = self.picker.customer_id()
        except ValidationError as error:
            self.other_id, self.plan = None, None
            self.error.show_message(str(error))
            self._show_plan()
            self.picker.setFocus()
            return
        try:
            self._plan(self.keep_id, other)
        except (ValidationError, JournalError):
            self.picker.setFocus()

    def _plan(self, keep: int, other: int) -> None:
        self.error.clear_message()
        try:
            plan = merge.plan_merge(keep, other)
        except (ValidationError, JournalError) as error:
            self.other_id, self.plan = None, None
            self.error.show_message(str(error))
            self._show_plan()
            raise
        self.keep_id, self.other_id, self.plan = keep, other, plan
        self._show_plan()
        self.merge_button.setFocus()

    def swap(self) -> None:
        """Keep the other one instead: the picker then names the customer first on screen."""
        if self.other_id is None:
            return
        keep, other = self.other_id, self.keep_id
        try:
            self._plan(keep, other)
        except (ValidationError, JournalError):
            return
        self.picker.setText(_label(other))

    def _show_plan(self) -> None:
        plan = self.plan
        keep_label = _label(self.keep_id) or "this customer"
        self.merge_button.setEnabled(plan is not None)
        self.swap_button.setEnabled(plan is not None)
        if plan is None:
            self.intro.setText(f"Merge another customer who is the same person into <b>{keep_label}</b>. "
                               "Choose them below to see what will be kept.")
            self.table.setRowCount(0)
            self.moving.clear()
            return
        self.intro.setText(
            f"<b>{plan.other_name}</b> will be merged into <b>{plan.keep_name}</b>: everything about them moves "
            f"to {plan.keep_name}, empty details are filled in, their other details are kept in a note, and "
            f"{plan.other_name} goes to the trash. <b>Ctrl+Z</b> undoes it.")
        self.table.setHorizontalHeaderLabels(["", f"{plan.keep_name} (kept)", plan.other_name, "After the merge"])
        self.table.setRowCount(len(plan.fields))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, choice in enumerate(plan.fields):
            how = _HOW.get(choice.how, "").format(other=plan.other_name)
            after = merge.display(choice.result, choice.field) + (f"  ({how})" if how else "")
            for column, text in enumerate((choice.label, merge.display(choice.kept, choice.field),
                                           merge.display(choice.other, choice.field), after)):
                item = QTableWidgetItem(text)
                if column == 3 and choice.how in (merge.FILLED, merge.COMBINED, merge.EARLIER):
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.moving.setText(f"Moves to {plan.keep_name}: {plan.moving_text}. A note on their timeline records "
                            "the merge.")
        if self.isVisible():
            self._fit_the_comparison()

    def showEvent(self, event):
        super().showEvent(event)
        self._fit_the_comparison()

    def _fit_the_comparison(self) -> None:
        """Taller, up to most of the screen, so every field compared shows without
        scrolling (seen on a 1920 × 1080 screen: a third of them behind a scroll bar)."""
        table = self.table
        if table.rowCount() == 0:
            return
        self.layout().activate()
        needed = table.verticalHeader().length() + table.horizontalHeader().height() + 2 * table.frameWidth()
        short = needed - table.height()
        screen = self.screen().availableGeometry() if self.screen() else None
        if short > 0 and screen is not None:
            self.resize(self.width(), max(self.height(), min(self.height() + short, int(screen.height() * 0.85))))

    def accept(self):
        if self.plan is None or self.other_id is None:
            self.picker.setFocus()
            return
        try:
            self.on_merge(self.keep_id, self.other_id)
        except (ValidationError, JournalError) as error:
            self.error.show_message(str(error))
            return
        except (OSError, DatabaseError) as error:  # disk full, read-only journal: say so, change nothing
            self.error.show_message(describe_save_error(error))
            return
        super().accept()


class DuplicatesDialog(QDialog):
    """Customer › Possible duplicates…: `on_merge(keep_id, other_id)` opens the
    merge confirmation and returns True when merged; `on_not_duplicates(pair)`
    records the decision. Both are undoable from the main window. The looking
    (seconds at 50,000 customers) shows how far it is and can be stopped; closing
    the dialog stops it too."""

    def __init__(self, parent=None, *, on_merge=None, on_not_duplicates=None):
        super().__init__(parent)
        self.setWindowTitle("Possible duplicates")
        self.resize(820, 520)
        self.on_merge = on_merge
        self.on_not_duplicates = on_not_duplicates or (lambda pair: duplicates.mark_not_duplicates(
            pair.first_id, pair.second_id))
        self.pairs: list[duplicates.DuplicatePair] = []
        self.status = QLabel("Looking for customers who may be the same person…", wordWrap=True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("How far the looking is")
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setToolTip("Stop looking for duplicates")
        self.stop_button.clicked.connect(self.stop_or_look_again)
        # Its own width, beside the bar or (stopped) alone: never stretched across the dialog.
        self.stop_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._search = None  # (token, handle) of the looking under way
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Customer", "May be the same as", "Because of"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.list.itemActivated.connect(lambda *_: self.merge_current())
        self.empty_hint = EmptyHint(self.list)  # words once the looking has found nobody
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.merge_button = QPushButton("&Merge…")
        self.merge_button.clicked.connect(self.merge_current)
        self.different_button = QPushButton("&Not duplicates")
        self.different_button.setToolTip("They are different people: do not suggest them again")
        self.different_button.clicked.connect(self.not_duplicates)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        for button in (self.merge_button, self.different_button, self.stop_button):
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        self.progress_row = hbox((self.progress, 1), self.stop_button, stretch_end=False)
        self.progress_row.layout().setAlignment(self.stop_button, Qt.AlignmentFlag.AlignLeft)  # alone: at the left
        layout.addWidget(self.progress_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(hbox(self.merge_button, self.different_button))
        layout.addWidget(self.buttons)
        self.list.setFocus()
        self._update_buttons()  # nothing to merge or dismiss until a pair is listed and chosen
        self.refresh()

    def keyPressEvent(self, event):
        # Enter on a pair opens the merge confirmation (itemActivated); it never closes the list.
        if not enter_outside_buttons(event):
            super().keyPressEvent(event)

    def refresh(self) -> None:
        """Look again (after a merge, an undo, a decision), off the GUI thread.
        A looking still under way is stopped: its answer would be out of date."""
        self._stop_search()
        token = object()  # answers of a looking stopped or replaced since are dropped

        def current():
            return self._search is not None and self._search[0] is token

        def done(pairs):
            if current():
                self._search = None
                self._show(pairs)

        def failed(error):
            if not current():
                return
            self._search = None
            if isinstance(error, Cancelled):
                self._stopped()
            else:
                self.progress_row.hide()
                self.status.setText(f"Could not look for duplicates: {error}")

        def progressed(done, total):
            if current():
                self.progress.setMaximum(max(total, 1))
                self.progress.setValue(min(done, total))

        self._search = (token, None)
        self.stop_button.setText("&Stop")
        self.stop_button.setToolTip("Stop looking for duplicates")
        self.progress.setValue(0)
        self.progress.show()
        self.progress_row.show()
        if not self.pairs:
            self.status.setText("Looking for customers who may be the same person…")
        handle = run_in_background(lambda progress: duplicates.find_duplicates(progress=progress),
                                   done, failed, progressed, owner=self)
        if current():  # not already answered (as it is when tasks run inline)
            self._search = (token, handle)

    def stop_or_look_again(self) -> None:
        if self._search is not None:
            self._stop_search()
            self._stopped()
        else:
            self.refresh()

    def _stop_search(self) -> None:
        """The worker stops at its next progress report (within half a percent)."""
        if self._search is not None:
            _token, handle = self._search
            self._search = None
            if handle is not None:
                handle.cancel()

    def _stopped(self) -> None:
        self.progress.hide()
        self.stop_button.setText("&Look again")
        self.stop_button.setToolTip("Look for duplicates again")
        self.pairs = []
        self.list.clear()
        self._update_buttons()
        self.status.setText("Stopped looking for duplicates; nothing was changed.")

    def done(self, result: int) -> None:
        self._stop_search()  # closing the list stops the looking
        super().done(result)

    def _show(self, pairs) -> None:
        self.progress_row.hide()
        row = max(self.list.indexOfTopLevelItem(self.list.currentItem()), 0)
        self.pairs = pairs
        self.list.clear()
        for pair in pairs:
            item = QTreeWidgetItem([customer_label(pair.first_name, pair.first_company),
                                    customer_label(pair.second_name, pair.second_company), pair.reason_text])
            item.setData(0, PAIR_ROLE, pair)
            self.list.addTopLevelItem(item)
        if pairs:
            self.list.setCurrentItem(self.list.topLevelItem(min(row, len(pairs) - 1)))
            self.status.setText(f"{words.plural(len(pairs), 'pair')} of customers may be the same person. <b>Merge</b> them, or "
                                "say they are <b>not duplicates</b> and they will not be suggested again.")
        self.empty_hint.set_text("" if pairs else "No possible duplicates.")
        if not pairs:
            self.status.setText("No possible duplicates: no two customers share an e-mail address or a phone "
                                "number, or have nearly the same name in the same company.")
        self._update_buttons()

    def current_pair(self) -> duplicates.DuplicatePair | None:
        item = self.list.currentItem()
        return item.data(0, PAIR_ROLE) if item else None

    def _update_buttons(self) -> None:
        has = self.current_pair() is not None
        self.merge_button.setEnabled(has)
        self.different_button.setEnabled(has)

    def merge_current(self) -> None:
        pair = self.current_pair()
        if pair is not None and self.on_merge is not None and self.on_merge(pair.first_id, pair.second_id):
            self.refresh()
        self.list.setFocus()

    def not_duplicates(self) -> None:
        pair = self.current_pair()
        if pair is None:
            return
        try:
            self.on_not_duplicates(pair)
        except JournalError as error:
            self.status.setText(str(error))
            return
        except (OSError, DatabaseError) as error:
            self.status.setText(describe_save_error(error))
            return
        self.refresh()
        self.list.setFocus()
