"""Choosing a customer by typing any part of their name or company, and
choosing an interaction kind from a list grouped by class."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit

from journal.errors import ValidationError
from journal.kinds import CLASS_LABELS, CLASSES, KINDS

from .icons import kind_icon


def customer_label(name: str, company: str) -> str:
    return f"{name} — {company}" if company else name


class CustomerPicker(QLineEdit):
    """A line edit whose completer matches any part of "Name — Company"."""

    def __init__(self, choices: list[tuple[int, str, str]], parent=None):
        super().__init__(parent)
        self.setPlaceholderText("Type part of a name or company…")
        self._by_label = {customer_label(name, company): cid for cid, name, company in choices}
        self._choices = choices
        completer = QCompleter(QStringListModel(sorted(self._by_label, key=str.casefold), self), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)

    def set_customer(self, customer_id: int) -> None:
        for label, cid in self._by_label.items():
            if cid == customer_id:
                self.setText(label)
                return

    def customer_id(self) -> int:
        """The chosen customer; a ValidationError naming 'customer' when the text
        matches none or several."""
        text = self.text().strip()
        if not text:
            raise ValidationError("customer", "choose a customer")
        if text in self._by_label:
            return self._by_label[text]
        words = text.casefold().split()
        matches = [cid for cid, name, company in self._choices
                   if all(w in f"{name} {company}".casefold() for w in words)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError("customer", f"no customer matches “{text}”")
        raise ValidationError("customer", f"{len(matches)} customers match “{text}”: pick one from the list")


class KindPicker(QComboBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        for klass in CLASSES:
            if self.count():
                self.insertSeparator(self.count())
            for kind in KINDS.values():
                if kind.klass == klass:
                    self.addItem(kind_icon(kind.key), kind.label, kind.key)
                    self.setItemData(self.count() - 1, CLASS_LABELS[klass], Qt.ItemDataRole.ToolTipRole)
        self.setMaxVisibleItems(len(KINDS) + len(CLASSES))

    def kind(self) -> str:
        return self.currentData()

    def set_kind(self, key: str) -> None:
        index = self.findData(key)
        if index >= 0:
            self.setCurrentIndex(index)
