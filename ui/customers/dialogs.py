"""Small dialogs: a new customer, a purchase, a connection between customers.
Each saves through a callback that may raise ValidationError; the message
then shows beside its field and the dialog stays open with what was typed."""

from __future__ import annotations

from datetime import date

from peewee import DatabaseError
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QRadioButton, QVBoxLayout,
)

from journal.writes import purchases, settings
from journal.errors import ValidationError
from journal.rules.kinds import CONNECTION_KINDS, STAGES

from ui.common import format as fmt
from ui.capture.capture import from_qdate
from ui.common.errors import describe_save_error
from ui.common.forms import (
    DateEdit, ErrorLabel, FormErrors, buddy_label, buttons_left_to_right, chain_tabs, form_tab_stops, labelled,
)
from ui.common.pickers import CustomerPicker


class FormDialog(QDialog):
    """A form of rows whose errors show beside their fields; save() is the callback."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.general_error = ErrorLabel()
        self.errors = FormErrors(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.save = None
        self._tabs_ordered = False

    def add_row(self, label: str, widget, *fields: str):
        error = ErrorLabel()
        self.errors.register(error, widget, *fields)
        self.form.addRow(buddy_label(label, widget), labelled(widget, error))
        return widget

    def showEvent(self, event):
        # Rows are added after the button box is built: Tab goes through them
        # first, top to bottom, and the form opens in its first field.
        if not self._tabs_ordered:
            self._tabs_ordered = True
            inputs = form_tab_stops(self.form)
            chain_tabs(*inputs, *buttons_left_to_right(self.buttons))
            if inputs:
                inputs[0].setFocus()
        super().showEvent(event)

    def accept(self):
        self.errors.clear()
        try:
            self.save()
        except ValidationError as error:
            widget = self.errors.show(error)
            if widget:
                widget.setFocus()
            self.adjustSize()  # room for a message that wraps onto a second line
            return
        except (OSError, DatabaseError) as error:
            self.general_error.show_message(describe_save_error(error))
            return
        super().accept()


def date_edit(value: date | None = None) -> DateEdit:
    edit = DateEdit(QDate.currentDate() if value is None else QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(fmt.date_format())
    return edit


class NewCustomerDialog(FormDialog):
    def __init__(self, parent=None, on_save=None):
        super().__init__("New customer", parent)
        self.name = self.add_row("&Name", QLineEdit(), "name")
        self.company = self.add_row("C&ompany", QLineEdit(), "company")
        self.email = self.add_row("&Email", QLineEdit(), "email")
        self.phone = self.add_row("&Phone", QLineEdit(), "phone")
        self.stage = QComboBox()
        for key, label in STAGES.items():
            self.stage.addItem(label, key)
        self.stage.setCurrentIndex(1)
        self.add_row("&Stage", self.stage, "stage")
        self.save = lambda: on_save(self.values())

    def values(self) -> dict:
        return dict(name=self.name.text(), company=self.company.text(), email=self.email.text(),
                    phone=self.phone.text(), stage=self.stage.currentData())


def currency_choice() -> QComboBox:
    """Every currency Qt knows, typed to find ("eur", "Euro"); first, none."""
    box = QComboBox()
    box.addItem("None chosen (no sign)", "")
    for code, label in fmt.currencies():
        box.addItem(label, code)
    return box


class PurchaseDialog(FormDialog):
    currency_chosen = Signal()  # the journal's currency was set here: every amount on screen reads again

    def __init__(self, customer_name: str, parent=None, on_save=None):
        super().__init__(f"Purchase by {customer_name}", parent)
        self.product = self.add_row("&Product", QLineEdit(), "product")
        self.amount = self.add_row("&Amount", QLineEdit(placeholderText="e.g. 1,250.00"), "amount")
        self.when = self.add_row("&Date", date_edit(), "purchase_date")
        self.currency = None
        if not fmt.currency_known():
            # Neither the system nor the journal names a currency: amounts would read
            # as bare numbers everywhere. Asked here, where money is first typed.
            self.currency = currency_choice()
            self.add_row("&Currency", self.currency, "currency")
            hint = QLabel("Your system names no currency. Choose yours once and every amount shows it "
                          "(it is kept in Edit › Settings…); left empty, amounts show no sign.")
            hint.setWordWrap(True)
            self.form.addRow("", hint)

        def save():
            code = self.currency.currentData() if self.currency is not None else ""
            if code:  # kept first: the purchase's refresh then shows its amount with the sign
                settings.update_settings(currency=code)
                self.currency = None
                self.currency_chosen.emit()
            on_save(self.values())

        self.save = save

    def values(self) -> dict:
        return dict(purchased_on=from_qdate(self.when.date()), product=self.product.text(),
                    amount_cents=purchases.parse_amount(self.amount.text()))


class ConnectionDialog(FormDialog):
    """Connect the current customer with another: who referred whom, an
    introduction I made, or colleagues."""

    def __init__(self, customer_id: int, customer_name: str, parent=None, on_save=None):
        super().__init__(f"Connect {customer_name}", parent)
        self.customer_id = customer_id
        self.other = self.add_row("&With", CustomerPicker(exclude=customer_id), "customer", "connection")
        self.kind = QComboBox()
        for key, label in CONNECTION_KINDS.items():
            self.kind.addItem(label, key)
        self.add_row("&Kind", self.kind, "connection_kind")
        self.they_referred = QRadioButton(f"{customer_name} referred them to me")
        self.referred_them = QRadioButton(f"They referred {customer_name} to me")
        self.they_referred.setChecked(True)
        self.form.addRow("", self.they_referred)
        self.form.addRow("", self.referred_them)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.when = self.add_row("&Date", date_edit(), "connection_date")
        self.note = self.add_row("N&ote", QLineEdit(), "note")
        self.save = lambda: on_save(*self.values())

    def _kind_changed(self):
        referral = self.kind.currentData() == "referred"
        self.they_referred.setVisible(referral)
        self.referred_them.setVisible(referral)

    def values(self):
        other = self.other.customer_id()
        source, target = (self.customer_id, other)
        if self.kind.currentData() == "referred" and self.referred_them.isChecked():
            source, target = other, self.customer_id
        return source, target, self.kind.currentData(), dict(connected_on=from_qdate(self.when.date()),
                                                             note=self.note.text())
