"""One customer: a header that answers at a glance, the timeline, and the
editable details."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QScrollArea, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from journal import customers, timeline
from journal.errors import ValidationError
from journal.kinds import CHANNELS, STAGES

from . import format as fmt
from .dialogs import date_edit
from .forms import ErrorLabel, FormErrors, labelled
from .capture import from_qdate
from .theme import STAGE_COLORS, muted, title_font
from .timeline_view import TimelineView

NO_DATE = QDate(1900, 1, 1)


class Fact(QFrame):
    """A small card: a caption above a value."""

    def __init__(self, caption: str):
        super().__init__()
        self.setObjectName("fact")
        self.caption = QLabel(caption.upper(), wordWrap=True)
        font = self.caption.font()
        font.setPointSizeF(font.pointSizeF() * 0.8)
        font.setBold(True)
        self.caption.setFont(font)
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, text: str, hint: str = "") -> None:
        self.value.setText(text)
        self.setToolTip(hint)


class Header(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = QLabel()
        self.name.setFont(title_font(self.font(), 1.6))
        self.name.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.subtitle = QLabel(wordWrap=True)
        self.stage = QLabel()
        self.stage.setObjectName("stageChip")
        self.since = Fact("Customer since")
        self.purchases = Fact("Purchases")
        self.last_value = Fact("Last value given")
        self.reciprocity = Fact("Last 12 months")
        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addWidget(self.stage, 0, Qt.AlignVCenter)
        top.addStretch(1)
        facts = QGridLayout()
        facts.setSpacing(8)
        for n, fact in enumerate((self.since, self.purchases, self.last_value, self.reciprocity)):
            facts.addWidget(fact, 0, n)
            facts.setColumnStretch(n, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        layout.addLayout(facts)
        self._style()

    def _style(self):
        mid = self.palette().color(self.backgroundRole()).darker(108).name()
        self.setStyleSheet(f"#fact {{ background: {self.palette().base().color().name()}; border: 1px solid {mid};"
                           f" border-radius: 8px; }}")
        self.subtitle.setStyleSheet(f"color: {muted(self.palette()).name()};")

    def show_customer(self, customer: customers.CustomerData, facts: timeline.TimelineHeader, today: date):
        self.name.setText(customer.name)
        color = STAGE_COLORS.get(customer.stage, "#7b8494")
        stage = STAGES.get(customer.stage, customer.stage) + (" · archived" if customer.archived else "")
        self.stage.setText(f" {stage} ")
        self.stage.setStyleSheet(f"#stageChip {{ color: white; background: {color}; border-radius: 9px;"
                                 f" padding: 2px 8px; font-weight: bold; }}")
        bits = [customer.company] if customer.company else []
        bits.append(f"prefers {CHANNELS.get(facts.channel, facts.channel).lower()}")
        bits.append(f"stay in touch every {facts.cadence_days} days" +
                    ("" if facts.cadence_is_own else " (default)"))
        if customer.tags:
            bits.append("tags: " + ", ".join(customer.tags))
        self.subtitle.setText("  ·  ".join(bits))
        if facts.customer_since:
            from journal.lately import tenure_words

            days = (today - facts.customer_since).days
            self.since.set(fmt.day(facts.customer_since), f"{tenure_words(max(days, 1))} with you")
        else:
            self.since.set("Not yet a customer")
        count = facts.purchase_count
        self.purchases.set(f"{count} purchase{'' if count == 1 else 's'} · {fmt.money(facts.lifetime_cents)} in all"
                           if count else "None yet", "Number of purchases and lifetime value")
        self.last_value.set(facts.last_value_text(today),
                            "The last time you gave them something: a card, an article, an introduction…")
        self.reciprocity.set(facts.reciprocity_text().capitalize(),
                             "Who reaches out: a healthy relationship goes both ways")


class DetailsForm(QWidget):
    """Every field of the customer, saved together; errors show under their field."""

    save_requested = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.general_error = ErrorLabel()
        self.errors = FormErrors(self.general_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)

        def row(label, key, widget, *aliases):
            self.fields[key] = widget
            error = ErrorLabel()
            self.errors.register(error, widget, key, *aliases)
            form.addRow(label, labelled(widget, error))

        row("&Name", "name", QLineEdit())
        row("C&ompany", "company", QLineEdit())
        row("&Email", "email", QLineEdit())
        row("&Phone", "phone", QLineEdit())
        address = QPlainTextEdit()
        address.setFixedHeight(70)
        address.setTabChangesFocus(True)
        row("Postal &address", "address", address)
        channel = QComboBox()
        for key, label in CHANNELS.items():
            channel.addItem(label, key)
        row("Preferred c&hannel", "channel", channel, "preferred channel")
        stage = QComboBox()
        for key, label in STAGES.items():
            stage.addItem(label, key)
        row("&Stage", "stage", stage)
        row("&Interests", "interests", QLineEdit(placeholderText="Topics worth forwarding, separated by commas"))
        row("&Tags", "tags", QLineEdit(placeholderText="e.g. vip, trade"), "tag")
        row("Account &manager", "account_manager", QLineEdit())
        row("Manager's p&hone", "account_manager_phone", QLineEdit())
        cadence = QSpinBox()
        cadence.setRange(0, 3650)
        cadence.setSpecialValueText("Default")
        cadence.setSuffix(" days")
        row("Stay in touch e&very", "cadence_days", cadence, "cadence days")
        since = date_edit()
        since.setMinimumDate(NO_DATE)  # shown as the special text: "not recorded"
        since.setSpecialValueText("From the first purchase")
        row("Customer si&nce", "customer_since", since, "customer since")
        self.save_button = QPushButton("Save changes")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(lambda: self.show_customer(self.customer))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addLayout(form)
        inner_layout.addWidget(self.general_error)
        inner_layout.addLayout(buttons)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QFrame.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.customer: customers.CustomerData | None = None

    def show_customer(self, customer: customers.CustomerData) -> None:
        self.customer = customer
        self.errors.clear()
        f = self.fields
        for key in ("name", "company", "email", "phone", "interests", "account_manager", "account_manager_phone"):
            f[key].setText(getattr(customer, key))
        f["address"].setPlainText(customer.address)
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
        )

    def changes(self) -> dict:
        """Only the fields that differ from the customer as shown."""
        current = self.customer
        result = {}
        for key, value in self.values().items():
            old = getattr(current, key)
            if key == "tags":
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


class CustomerPage(QWidget):
    """Emits what the user asks for; the window performs it through undoable commands."""

    log_requested = Signal()
    purchase_requested = Signal()
    connection_requested = Signal()
    archive_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.customer_id: int | None = None
        self.header = Header()
        self.timeline = TimelineView()
        self.details = DetailsForm()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.details, "Details")
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.log_button = QPushButton("Log interaction…")
        self.log_button.setToolTip("Write down what happened (Ctrl+L)")
        self.purchase_button = QPushButton("Log purchase…")
        self.connect_button = QPushButton("Connect…")
        self.connect_button.setToolTip("Record who referred whom, an introduction you made, or colleagues")
        self.archive_button = QPushButton("Archive")
        for button, signal in ((self.log_button, self.log_requested), (self.purchase_button, self.purchase_requested),
                               (self.connect_button, self.connection_requested),
                               (self.archive_button, self.archive_requested)):
            button.clicked.connect(signal)
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)

    def show_customer(self, customer_id: int, today: date | None = None) -> None:
        today = today or date.today()
        customer = customers.get_customer(customer_id)
        facts = timeline.header(customer_id, today)
        changed = customer_id != self.customer_id
        self.customer_id = customer_id
        self.header.show_customer(customer, facts, today)
        self.archive_button.setText("Unarchive" if customer.archived else "Archive")
        if changed or not self.details.changes():
            self.details.show_customer(customer)
        else:
            self.details.customer = customer
        if changed:
            self.timeline.show_customer(customer_id)
        else:
            self.timeline.reload()
