"""A customer's editable details: every field, saved together, errors under
their field. Built the first time the Details tab is opened (ui.customers.customer_page),
so a start or a customer switch never pays for a form nobody looks at."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QComboBox, QFormLayout, QFrame, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea,
    QSpinBox, QVBoxLayout, QWidget,
)

from journal.writes import customers
from journal.errors import ValidationError
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
        f = self.fields
        for key in ("name", "company", "email", "phone", "interests", "account_manager", "account_manager_phone"):
            f[key].setText(getattr(customer, key))
        f["address"].setPlainText(customer.address)
        self.contacts_editor.set_contacts(customer.contacts)
        f["channel"].setCurrentIndex(max(f["channel"].findData(customer.channel), 0))
        f["stage"].setCurrentIndex(max(f["stage"].findData(customer.stage), 0))
        f["tags"].setText(", ".join(customer.tags))
        f["cadence_days"].setValue(customer.cadence_days or 0)
        since = f["customer_since"]
        recorded = customer.customer_since
        since.setDate(QDate(recorded.year, recorded.month, recorded.day) if recorded else NO_DATE)

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
        result = {}
        for key, value in self.values().items():
            old = getattr(current, key)
            if key in ("tags", "contacts"):
                if tuple(value) != tuple(old):
                    result[key] = value
            elif (value or None) != (old or None):
                result[key] = value
        return result

    def show_error(self, error: ValidationError) -> None:
        widget = self.errors.show(error)
        if widget:
            widget.setFocus()

    def _save(self):
        self.errors.clear()
        self.save_requested.emit(self.changes())
