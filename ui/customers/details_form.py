"""A customer's editable details: every field, saved together, errors under
their field. Built the first time the Details tab is opened (ui.customers.customer_page),
so a start or a customer switch never pays for a form nobody looks at."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QComboBox, QFormLayout, QFrame, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea,
    QSpinBox, QVBoxLayout, QWidget,
)

from journal.writes import customers
from journal.errors import ChangedSince, ValidationError
from journal.rules.kinds import CHANNELS, STAGES

from ui.capture.capture import from_qdate
from ui.customers.contacts_editor import ContactsEditor
from ui.customers.dialogs import date_edit
from ui.common.forms import ErrorLabel, FormErrors, buddy_label, labelled

NO_DATE = QDate(1900, 1, 1)


class DetailsForm(QWidget):
    """Every field of the customer, saved together; errors show under their field."""

    save_requested = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.general_error = ErrorLabel()
        self.errors = FormErrors(self.general_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def row(label, key, widget, *aliases):
            self.fields[key] = widget
            error = ErrorLabel()
            self.errors.register(error, widget, key, *aliases)
            form.addRow(buddy_label(label, widget), labelled(widget, error))

        row("&Name", "name", QLineEdit())
        row("C&ompany", "company", QLineEdit())
        row("E&mail", "email", QLineEdit())
        row("&Phone", "phone", QLineEdit())
        address = QPlainTextEdit()
        address.setFixedHeight(70)
        address.setTabChangesFocus(True)
        row("Postal &address", "address", address)
        # Further e-mails, phones and addresses with their labels (a contact card's second address...)
        self.contacts_editor = ContactsEditor(tab_after=address)
        row("Other contact &details", "contacts", self.contacts_editor)
        channel = QComboBox()
        for key, label in CHANNELS.items():
            channel.addItem(label, key)
        row("Preferred channe&l", "channel", channel, "preferred channel")
        stage = QComboBox()
        for key, label in STAGES.items():
            stage.addItem(label, key)
        row("&Stage", "stage", stage)
        row("&Interests", "interests", QLineEdit(placeholderText="Topics worth forwarding, separated by commas"))
        row("&Tags", "tags", QLineEdit(placeholderText="e.g. vip, trade"), "tag")
        row("Account mana&ger", "account_manager", QLineEdit())
        row("Manage&r's phone", "account_manager_phone", QLineEdit())
        cadence = QSpinBox()
        cadence.setRange(0, 3650)
        cadence.setSpecialValueText("Default")
        cadence.setSuffix(" days")
        row("Stay in touch ever&y", "cadence_days", cadence, "cadence days")
        since = date_edit()
        since.setMinimumDate(NO_DATE)  # shown as the special text: "not recorded"
        since.setSpecialValueText("From the first purchase")
        row("C&ustomer since", "customer_since", since, "customer since")
        self.save_button = QPushButton("Save changes")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(lambda: self.show_customer(self.customer))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        # Enter in a one-line field saves, as in a dialog; Ctrl+Enter saves from anywhere in the form.
        for field in self.fields.values():
            if isinstance(field, QLineEdit):
                field.returnPressed.connect(self._save)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(form)
        inner_layout.addWidget(self.general_error)
        inner_layout.addLayout(buttons)
        # No setTabOrder here: the layouts give the fields their parent row by row, then Revert and
        # Save, which is the order on screen (chaining them before, while each was still a window of
        # its own, only logged "must be in the same window" fifteen times; the contacts editor chains
        # its own rows).
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll = scroll
        # An Alt-letter jumps to a field that may be scrolled out of sight: bring it in.
        QApplication.instance().focusChanged.connect(self._focus_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.customer: customers.CustomerData | None = None

    def _focus_changed(self, _old, new):
        if new is not None and self.isAncestorOf(new):
            self.scroll.ensureWidgetVisible(new)

    def show_customer(self, customer: customers.CustomerData) -> None:
        self.customer = customer
        self.errors.clear()
        self._fill(customer)

    def _fill(self, customer: customers.CustomerData, keep=()) -> None:
        """Show the customer's values, but for the fields in `keep` (being edited)."""
        f = self.fields
        for key in ("name", "company", "email", "phone", "interests", "account_manager", "account_manager_phone"):
            if key not in keep:
                f[key].setText(getattr(customer, key))
        if "address" not in keep:
            f["address"].setPlainText(customer.address)
        if "contacts" not in keep:
            self.contacts_editor.set_contacts(customer.contacts)
        for key in ("channel", "stage"):
            if key not in keep:
                f[key].setCurrentIndex(max(f[key].findData(getattr(customer, key)), 0))
        if "tags" not in keep:
            f["tags"].setText(", ".join(customer.tags))
        if "cadence_days" not in keep:
            f["cadence_days"].setValue(customer.cadence_days or 0)
        if "customer_since" not in keep:
            recorded = customer.customer_since
            f["customer_since"].setDate(QDate(recorded.year, recorded.month, recorded.day) if recorded else NO_DATE)

    def refresh(self, customer: customers.CustomerData, *, theirs_seen: bool = False) -> None:
        """The same customer read again while edits are in progress (a colleague's
        change, the person's own save): the fields the person has not changed show
        the newer values; the fields they changed keep their typing and the value
        they began from, so saving refuses a field someone changed under them
        rather than overwrite it (began_with). `theirs_seen`: the person has been
        told of the newer values, so a save again puts theirs in their place."""
        editing = self.changes()
        newer = customer
        if not theirs_seen:
            values = self.values()
            began = {key: getattr(self.customer, key) for key in editing
                     if _differs(key, values[key], getattr(customer, key))}  # saved as typed: no longer an edit
            customer = replace(customer, **began)
        self.customer = customer
        keep = [key for key in editing if _differs(key, self.values()[key], getattr(newer, key))]
        self._fill(newer, keep)

    def refused(self, refusal: ChangedSince, customer: customers.CustomerData) -> None:
        """The save was refused: someone changed a field being edited. Said under
        that field; the newer values show where the person made no change; their
        typing stays, and a save again puts it in place of the newer values, now seen."""
        self.refresh(customer, theirs_seen=True)
        fields = getattr(refusal, "fields", ()) or ("",)
        widget = self.errors.show_message(fields[0], f"{refusal} Your change is still here: save again to put "
                                          "it in place of theirs, or Revert to see theirs.")
        if widget is not None:
            widget.setFocus()

    def began_with(self, changes: dict) -> dict:
        """The changed fields' values as the person began with them (customers.update_customer's `expected`)."""
        return {key: getattr(self.customer, key) for key in changes}

    def values(self) -> dict:
        f = self.fields
        since = f["customer_since"]
        return dict(
            name=f["name"].text(), company=f["company"].text(), email=f["email"].text(), phone=f["phone"].text(),
            address=f["address"].toPlainText(), channel=f["channel"].currentData(), stage=f["stage"].currentData(),
            interests=f["interests"].text(), tags=[t.strip() for t in f["tags"].text().split(",") if t.strip()],
            account_manager=f["account_manager"].text(), account_manager_phone=f["account_manager_phone"].text(),
            cadence_days=f["cadence_days"].value() or None,
            customer_since=None if since.date() == NO_DATE else from_qdate(since.date()),
            contacts=self.contacts_editor.contacts(),
        )

    def changes(self) -> dict:
        """Only the fields that differ from the customer as shown."""
        current = self.customer
        return {key: value for key, value in self.values().items() if _differs(key, value, getattr(current, key))}

    def show_error(self, error: ValidationError) -> None:
        widget = self.errors.show(error)
        if widget:
            widget.setFocus()

    def _save(self):
        self.errors.clear()
        self.save_requested.emit(self.changes())


def _differs(key: str, value, old) -> bool:
    if key in ("tags", "contacts"):
        return tuple(value) != tuple(old)
    return (value or None) != (old or None)
