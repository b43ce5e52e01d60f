"""The customer's other e-mail addresses, phones and postal addresses on the
Details form: one row each (kind, label, value, Remove) and a button to add
one. Plain data in and out: a tuple of (kind, label, value)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from journal.writes.contacts import KINDS, LABELS


class ContactRow(QWidget):
    remove_requested = Signal(object)

    def __init__(self, kind="email", label="", value="", parent=None):
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of contact")
        for key, text in KINDS.items():
            self.kind.addItem(text, key)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.label = QComboBox()
        self.label.setEditable(True)  # a label of one's own ("Summer house") is typed in
        self.label.setAccessibleName("Label")
        self.label.addItems(["", *LABELS])
        self.label.setCurrentText(label)
        self.label.setMinimumContentsLength(6)
        self.label.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.value = QPlainTextEdit(value)
        self.value.setAccessibleName("E-mail, phone or address")
        self.value.setTabChangesFocus(True)
        self.value.setPlaceholderText("e.g. name@example.org, +44 20 7946 0958, or an address over several lines")
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName("Remove this contact")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.kind.currentIndexChanged.connect(self._fit)
        # Two lines, so that the value has the form's whole width even in a narrow window.
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.kind, 0, 0)
        layout.addWidget(self.label, 0, 1)
        layout.setColumnStretch(2, 1)
        layout.addWidget(self.remove, 0, 3)
        layout.addWidget(self.value, 1, 0, 1, 4)
        self._fit()

    def _fit(self):
        address = self.kind.currentData() == "address"
        self.value.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth if address
                                   else QPlainTextEdit.LineWrapMode.NoWrap)
        self.value.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if address
                                              else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.value.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        height = self.value.fontMetrics().lineSpacing() * (3 if address else 1)
        self.value.setFixedHeight(height + 2 * self.value.frameWidth() + 8)

    def entry(self) -> tuple[str, str, str]:
        value = self.value.toPlainText().strip()
        if self.kind.currentData() != "address":
            value = " ".join(value.split())  # an e-mail or phone is one line
        return (self.kind.currentData(), self.label.currentText().strip().lower(), value)

    def widgets(self) -> list[QWidget]:
        return [self.kind, self.label, self.value, self.remove]


class ContactsEditor(QWidget):
    """Rows of contacts; empty rows are left out of contacts()."""

    changed = Signal()

    def __init__(self, parent=None, tab_after: QWidget | None = None):
        super().__init__(parent)
        self.tab_after = tab_after  # the form's field before this one, where Tab comes from
        self.rows: list[ContactRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Add e-mail, phone or address")
        self.add_button.clicked.connect(self.add_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.add_button)
        # Focusable, so its label's Alt-letter (which focuses only a widget that takes
        # focus) reaches the proxy, without pressing the button as a button buddy would.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_contacts(self, contacts) -> None:
        for row in list(self.rows):
            self._drop(row)
        for kind, label, value in contacts:
            self._append(ContactRow(kind, label, value))
        self._chain()

    def contacts(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(entry for entry in (row.entry() for row in self.rows) if entry[2])

    def add_row(self) -> ContactRow:
        row = self._append(ContactRow())
        self._chain()
        row.kind.setFocus()
        self.changed.emit()
        return row

    def _append(self, row: ContactRow) -> ContactRow:
        row.setParent(self)
        row.remove_requested.connect(self._remove)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        row.show()  # now, so that it can take the focus at once
        return row

    def _remove(self, row: ContactRow) -> None:
        index = self.rows.index(row)
        self._drop(row)
        self._chain()
        following = self.rows[index] if index < len(self.rows) else None
        (following.kind if following else self.add_button).setFocus()
        self.changed.emit()

    def _drop(self, row: ContactRow) -> None:
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()

    def _chain(self) -> None:
        """Tab goes through the rows in order, then to the Add button (rows
        made later would otherwise come after the form's Save button)."""
        widgets = [w for row in self.rows for w in row.widgets()] + [self.add_button]
        if self.tab_after is not None:
            widgets.insert(0, self.tab_after)
        for before, after in zip(widgets, widgets[1:]):
            QWidget.setTabOrder(before, after)
