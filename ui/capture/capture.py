"""Quick capture: write down what happened with a customer in seconds, from
anywhere. Also edits an existing interaction. What is typed is saved as a
draft as it is typed, so a crash or a kill loses nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QMessageBox, QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout,
)

from peewee import DatabaseError

from journal.writes import drafts
from journal.errors import ValidationError
from journal.writes.interactions import InteractionData
from journal.rules.kinds import IN, OUT

from ui.common import format as fmt
from ui.common.errors import describe_save_error
from ui.common.forms import (
    DateEdit, DateTimeEdit, ErrorLabel, FormErrors, buddy_label, buttons_left_to_right, chain_tabs, form_tab_stops,
    hbox, labelled,
)
from ui.common.pickers import CustomerPicker, KindPicker

DRAFT_KEY = drafts.QUICK_CAPTURE
# Kinds that usually start with the customer reaching out.
INBOUND_KINDS = ("support", "urgent")


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CaptureDialog(QDialog):
    """values() gives the service arguments once accepted. `editing` fills the
    dialog from an interaction and turns off drafts (the original is safe)."""

    def __init__(self, parent=None, *, customer_id=None, kind="meeting", summary="",
                 editing: InteractionData | None = None, on_save=None):
        super().__init__(parent)
        self.editing = editing
        self.on_save = on_save
        self.saved = False
        self.setWindowTitle("Edit interaction" if editing else "Log what happened")
        self.setMinimumWidth(520)

        self.customer = CustomerPicker()
        self.kind = KindPicker()
        self.kind.set_kind(kind)
        self.out_button = QRadioButton("I reached out")
        self.in_button = QRadioButton("They reached out")
        self.direction = QButtonGroup(self)
        self.direction.addButton(self.out_button)
        self.direction.addButton(self.in_button)
        (self.in_button if kind in INBOUND_KINDS else self.out_button).setChecked(True)
        direction_box = hbox(self.out_button, self.in_button)

        self.when = DateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(fmt.date_time_format())
        self.summary = QLineEdit(summary)
        self.summary.setPlaceholderText("What happened, in a line")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Details worth remembering: what they said, what they care about…")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(110)

        self.follow_up = QCheckBox("&Follow up on")
        self.follow_up_date = DateEdit(QDate.currentDate().addDays(7))
        self.follow_up_date.setCalendarPopup(True)
        self.follow_up_date.setDisplayFormat(fmt.date_format())
        self.follow_up_date.setEnabled(False)
        self.follow_up_date.setMinimumWidth(self.follow_up_date.fontMetrics().horizontalAdvance("28 Sep 2026") + 40)
        self.follow_up.toggled.connect(self.follow_up_date.setEnabled)
        quick = []
        for label, days in (("+1 week", 7), ("+1 month", 30), ("+3 months", 91)):
            button = QPushButton(label)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _=False, d=days: self.follow_up_in(d))
            quick.append(button)
        follow_box = hbox(self.follow_up, self.follow_up_date, *quick)

        self.general_error = ErrorLabel()
        self.errors = FormErrors(self.general_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for text, widget, fields in (
            ("&Customer", self.customer, ("customer",)),
            ("&Kind", self.kind, ("kind",)),
            ("&Direction", direction_box, ("direction",)),
            ("&When", self.when, ("when",)),
            ("&Summary", self.summary, ("summary",)),
            ("&Notes", self.notes, ("notes",)),
            ("", follow_box, ("follow_up_on",)),
        ):
            error = ErrorLabel()
            self.errors.register(error, widget, *fields)
            label = buddy_label(text, widget) if text else QLabel()
            if widget is direction_box:  # Alt+D goes to the chosen direction, where arrows change it
                label.setBuddy(self.direction.checkedButton())
                self.direction.buttonToggled.connect(lambda button, on, label=label: on and label.setBuddy(button))
            form.addRow(label, labelled(widget, error))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        # The rows, top to bottom, then the buttons (the radio group counts once: arrows move inside it).
        chain_tabs(*form_tab_stops(form), *buttons_left_to_right(buttons))
        # Enter saves from any line; in the notes Enter is a new line and Ctrl+Enter saves.
        for keys in ("Ctrl+Return", "Ctrl+Enter", QKeySequence.StandardKey.Save):
            QShortcut(QKeySequence(keys), self, activated=self.accept)

        if editing:
            self._fill(editing)
            self.customer.setEnabled(False)
        elif customer_id:
            self.customer.set_customer(customer_id)
        # What happened happened by today: a slip of Up in the day or the month (or a mistyped
        # year) must not log a contact in the future, which would count as the latest one. An
        # entry already later than today (an import, a planned visit) keeps its date when edited.
        latest = QDateTime(QDate.currentDate(), QTime(23, 59))
        self.when.setMaximumDateTime(max(latest, self.when.dateTime()) if editing else latest)
        self.kind.currentIndexChanged.connect(self._kind_changed)

        self._draft_timer = QTimer(self, singleShot=True, interval=400)
        self._draft_timer.timeout.connect(self.save_draft)
        if not editing:
            for signal in (self.customer.textChanged, self.summary.textChanged, self.notes.textChanged,
                           self.kind.currentIndexChanged, self.when.dateTimeChanged, self.follow_up.toggled,
                           self.follow_up_date.dateChanged, self.direction.buttonToggled):
                signal.connect(lambda *_: self._draft_timer.start())
        (self.summary if (customer_id or editing) else self.customer).setFocus()
        self._given_summary = self.summary.text()  # (a suggested one, as from the Lately panel, is not typed text)
        self._opened = self.values() if editing else None  # an edit's own notes are not typed text either

    # -- filling and reading ---------------------------------------------------------------
    def _fill(self, row: InteractionData):
        self.customer.set_customer(row.customer_id)
        self.kind.set_kind(row.kind)
        (self.out_button if row.direction == OUT else self.in_button).setChecked(True)
        self.when.setDateTime(QDateTime(to_qdate(row.occurred_at.date()),
                                        QTime(row.occurred_at.hour, row.occurred_at.minute)))
        self.summary.setText(row.summary)
        self.notes.setPlainText(row.notes)
        if row.follow_up_on:
            self.follow_up.setChecked(True)
            self.follow_up_date.setDate(to_qdate(row.follow_up_on))

    def follow_up_in(self, days: int) -> None:
        base = from_qdate(self.when.date())
        self.follow_up.setChecked(True)
        self.follow_up_date.setDate(to_qdate(base + timedelta(days=days)))

    def _kind_changed(self):
        if self.kind.kind() in INBOUND_KINDS:
            self.in_button.setChecked(True)

    def occurred_at(self) -> datetime:
        qdt = self.when.dateTime()
        d, t = qdt.date(), qdt.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def values(self) -> dict:
        return dict(
            kind=self.kind.kind(),
            direction=OUT if self.out_button.isChecked() else IN,
            summary=self.summary.text(),
            notes=self.notes.toPlainText(),
            occurred_at=self.occurred_at(),
            follow_up_on=from_qdate(self.follow_up_date.date()) if self.follow_up.isChecked() else None,
        )

    def has_typed_text(self) -> bool:
        """Notes, or a summary other than the one the dialog opened with (a draft's, brought back, counts);
        when editing, any change to what the entry held (its notes as they were are not a new word)."""
        if self.editing:
            return self.values() != self._opened
        summary = self.summary.text().strip()
        return bool(self.notes.toPlainText().strip()) or (bool(summary) and summary != self._given_summary.strip())

    # -- drafts ------------------------------------------------------------------------------
    def save_draft(self):
        if self.editing or self.saved:
            return
        values = self.values()
        values["customer_text"] = self.customer.text()
        values["follow_up"] = self.follow_up.isChecked()
        try:
            drafts.save_draft(DRAFT_KEY, values)
        except Exception as exc:  # noqa: BLE001 - a draft that cannot be saved must not stop typing
            self.general_error.show_message(f"Could not keep a draft of this note: {exc}")

    def restore_draft(self, values: dict) -> None:
        self.customer.setText(values.get("customer_text", ""))
        self.kind.set_kind(values.get("kind", "meeting"))
        (self.in_button if values.get("direction") == IN else self.out_button).setChecked(True)
        when = values.get("occurred_at")
        if when:
            moment = datetime.fromisoformat(when)
            self.when.setDateTime(QDateTime(to_qdate(moment.date()), QTime(moment.hour, moment.minute)))
        self.summary.setText(values.get("summary", ""))
        self.notes.setPlainText(values.get("notes", ""))
        if values.get("follow_up") and values.get("follow_up_on"):
            self.follow_up.setChecked(True)
            self.follow_up_date.setDate(to_qdate(date.fromisoformat(values["follow_up_on"])))

    # -- closing -------------------------------------------------------------------------------
    def accept(self):
        """Save through on_save(customer_id, values); a ValidationError keeps the
        dialog open with the message beside the field."""
        self.errors.clear()
        try:
            customer_id = self.editing.customer_id if self.editing else self.customer.customer_id()
            if self.on_save:
                self.on_save(customer_id, self.values())
        except ValidationError as error:
            widget = self.errors.show(error)
            if widget:
                widget.setFocus()
            return
        except (OSError, DatabaseError) as error:  # a full disk or a read-only folder: keep everything typed
            self.general_error.show_message(describe_save_error(error))
            return
        self.saved = True
        self._draft_timer.stop()
        if not self.editing:
            drafts.discard_draft(DRAFT_KEY)
        super().accept()

    def reject(self):
        if self.has_typed_text() and not self.saved:
            title, text = (("Discard your changes?", "You have changed this entry and not saved it. Discard your "
                            "changes?") if self.editing else
                           ("Discard this note?", "You have written notes that are not saved. Discard them?"))
            answer = QMessageBox.question(
                self, title, text,
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        self._draft_timer.stop()
        if not self.editing:
            drafts.discard_draft(DRAFT_KEY)
        super().reject()
