"""The trash: what was deleted, when; bring any of it back, or empty it for good."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton, QVBoxLayout,
)

from journal.writes import trash
from journal.errors import JournalError
from journal.rules import words

from ui.common import format as fmt
from ui.common.empty_hint import EmptyHint
from ui.common.forms import buttons_left_to_right, chain_tabs

WHAT = {"customer": "Customer", "interaction": "Note", "purchase": "Purchase", "connection": "Connection"}


class TrashDialog(QDialog):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.resize(560, 440)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.empty_hint = EmptyHint(self.list, "The trash is empty.")
        self.explain = QLabel("Deleted customers, notes, purchases and connections wait here until you empty "
                              "the trash. A deleted customer's notes come back with them.")
        self.explain.setWordWrap(True)
        self.message = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.restore_button = QPushButton("Restore")
        self.empty_button = QPushButton("Empty the trash…")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button.clicked.connect(self.empty)
        self.list.itemDoubleClicked.connect(lambda *_: self.restore_selected())
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        chain_tabs(self.list, *buttons_left_to_right(buttons))
        self.list.setFocus()
        self.fill()

    def fill(self):
        self.list.clear()
        for item in trash.trash_items():
            row = QListWidgetItem(f"{WHAT[item.what]}: {item.label}   ·   deleted {fmt.moment(item.deleted_at)}")
            row.setData(Qt.ItemDataRole.UserRole, item)
            self.list.addItem(row)
        empty = self.list.count() == 0
        self.restore_button.setEnabled(not empty)
        self.empty_button.setEnabled(not empty)

    def restore_selected(self):
        chosen = [row.data(Qt.ItemDataRole.UserRole) for row in self.list.selectedItems()]
        problems = []
        for item in chosen:
            try:
                trash.restore(item)
            except JournalError as error:
                problems.append(f"{item.label}: {error}")
        self.fill()
        self.message.setText("\n".join(problems) if problems else f"Restored {len(chosen)}.")
        self.changed.emit()

    def empty(self):
        count = self.list.count()
        answer = QMessageBox.question(
            self, "Empty the trash?", f"Remove the {words.plural(count, 'item')} in the trash for good? This cannot be undone "
            "(backups still have them).", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        removed = trash.empty_trash()
        self.fill()
        self.message.setText(f"Removed {removed} for good.")
        self.changed.emit()
