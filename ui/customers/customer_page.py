"""One customer: a header that answers at a glance, the timeline, and the
editable details."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

from journal.writes import customers
from journal.reads import timeline
from journal.rules.kinds import CHANNELS, STAGES
from journal.rules import words

from ui.common import format as fmt
from ui.common.theme import STAGE_CHIP_COLORS, STAGE_CHIP_TEXT, notifier, muted, title_font
from ui.timeline.timeline_view import TimelineView

if TYPE_CHECKING:
    from ui.customers.details_form import DetailsForm


FOUR_IN_A_ROW = 640  # the header's width from which the four fact cards share one row


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
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        # When a neighbour's text wraps to more lines, this card grows with it: the
        # caption and its value stay together at the top rather than drifting apart.
        layout.addStretch(1)

    def set(self, text: str, hint: str = "") -> None:
        self.value.setText(text)
        self.setToolTip(hint)


class Header(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = QLabel()
        self.name.setFont(title_font(self.font(), 1.6))
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel(wordWrap=True)
        self.stage = QLabel()
        self.stage.setObjectName("stageChip")
        self.since = Fact("Customer since")
        self.purchases = Fact("Purchases")
        self.last_value = Fact("Last value given")
        self.reciprocity = Fact("Last 12 months")
        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addWidget(self.stage, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        facts = QGridLayout()
        facts.setSpacing(8)
        self.facts = facts
        self._columns = 0
        self._arrange(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        layout.addLayout(facts)
        self._style()
        notifier().changed.connect(self._style)  # View › Appearance

    def _arrange(self, columns: int) -> None:
        """The four cards in a row, or two rows of two where a row of four would
        squeeze each value into three or four short lines."""
        if columns == self._columns:
            return
        self._columns = columns
        for n, fact in enumerate((self.since, self.purchases, self.last_value, self.reciprocity)):
            self.facts.removeWidget(fact)
            self.facts.addWidget(fact, n // columns, n % columns)
        for n in range(4):
            self.facts.setColumnStretch(n, 1 if n < columns else 0)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._arrange(4 if event.size().width() >= FOUR_IN_A_ROW else 2)

    def _style(self, *_):
        palette = QApplication.palette()  # (this widget's own may not have caught up with a change yet)
        mid = palette.color(self.backgroundRole()).darker(108).name()
        self.setStyleSheet(f"#fact {{ background: {palette.base().color().name()}; border: 1px solid {mid};"
                           f" border-radius: 8px; }}")
        self.subtitle.setStyleSheet(f"color: {muted(palette).name()};")

    def show_customer(self, customer: customers.CustomerData, facts: timeline.TimelineHeader, today: date):
        self.name.setText(customer.name)
        color = STAGE_CHIP_COLORS.get(customer.stage, STAGE_CHIP_COLORS["former"])
        stage = STAGES.get(customer.stage, customer.stage) + (" · archived" if customer.archived else "")
        self.stage.setText(f" {stage} ")
        self.stage.setStyleSheet(f"#stageChip {{ color: {STAGE_CHIP_TEXT}; background: {color}; border-radius: 9px;"
                                 f" padding: 2px 8px; font-weight: bold; }}")
        bits = [customer.company] if customer.company else []
        bits.append(f"prefers {CHANNELS.get(facts.channel, facts.channel).lower()}")
        bits.append(f"stay in touch {facts.cadence_text()}")
        if customer.tags:
            bits.append("tags: " + ", ".join(customer.tags))
        self.subtitle.setText("  ·  ".join(bits))
        if facts.customer_since:
            from journal.rules.lately import tenure_words

            days = (today - facts.customer_since).days
            self.since.set(fmt.day(facts.customer_since), f"{tenure_words(max(days, 1))} with you")
        else:
            self.since.set("Not yet a customer")
        count = facts.purchase_count
        self.purchases.set(f"{words.plural(count, 'purchase')} · {fmt.money(facts.lifetime_cents)} in all"
                           if count else "None yet", "Number of purchases and lifetime value")
        self.last_value.set(facts.last_value_text(today),
                            "The last time you gave them something: a card, an article, an introduction…")
        self.reciprocity.set(facts.reciprocity_text().capitalize(),
                             "Who reaches out: a healthy relationship goes both ways")


class CustomerPage(QWidget):
    """Emits what the user asks for; the window performs it through undoable commands."""

    log_requested = Signal()
    purchase_requested = Signal()
    connection_requested = Signal()
    archive_requested = Signal()
    details_save_requested = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.customer_id: int | None = None
        self._customer: customers.CustomerData | None = None
        self._details: DetailsForm | None = None
        self.header = Header()
        self.timeline = TimelineView()
        self.details_tab = QWidget()  # the form moves in when the tab is first opened
        QVBoxLayout(self.details_tab).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.details_tab, "Details")
        self.tabs.currentChanged.connect(self._tab_changed)
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
            button.setAutoDefault(True)  # Enter presses the focused button, as Space does (outside a dialog Qt needs this)
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
        self._customer = customer
        self.header.show_customer(customer, facts, today)
        self.archive_button.setText("Unarchive" if customer.archived else "Archive")
        if self._details is not None:
            if changed or not self._details.changes():
                self._details.show_customer(customer)
            else:  # edits in progress are kept while the same customer is refreshed
                self._details.refresh(customer)
        if changed:
            self.timeline.show_customer(customer_id)
        else:
            self.timeline.reload()

    def forget(self) -> None:
        """Another journal is open: the next customer shown loads in full, even
        one with the same id as the customer shown before."""
        self.customer_id = None
        self._customer = None

    @property
    def details(self) -> DetailsForm:
        """The details form, built on first use."""
        return self._details or self._build_details()

    def _build_details(self) -> DetailsForm:
        from ui.customers.details_form import DetailsForm

        self._details = DetailsForm()
        self._details.save_requested.connect(self.details_save_requested)
        self.details_tab.layout().addWidget(self._details)
        self._details.show()  # at once, not on the next turn of the event loop
        if self._customer is not None:
            self._details.show_customer(self._customer)
        return self._details

    def show_details(self) -> DetailsForm:
        self.tabs.setCurrentWidget(self.details_tab)
        return self.details

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.details_tab and self._details is None:
            self._build_details()
