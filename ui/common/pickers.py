"""Choosing a customer by typing any part of their name or company, and
choosing an interaction kind from a list grouped by class."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit

from journal.writes import customers
from journal.reads import search
from journal.errors import NotFound, ValidationError
from journal.rules.kinds import CLASS_LABELS, CLASSES, KINDS

from ui.common.icons import kind_icon


def customer_label(name: str, company: str) -> str:
    """'Name — Company', or the name alone."""
    return search.CustomerChoice(0, name, company, False).label


CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2  # the text a chosen row puts in the field (without "(archived)")


class CustomerPicker(QLineEdit):
    """A line edit that offers, as you type any part of a name or company, the
    customers that match, asked from the journal at each keystroke (an indexed
    query: no list of every customer is built). Down opens the list, Enter picks."""

    LIMIT = 30
    picked = Signal(int)  # a customer chosen from the list

    def __init__(self, parent=None, *, exclude: int | None = None):
        super().__init__(parent)
        self.setPlaceholderText("Type part of a name or company…")
        self._exclude = exclude
        self._picked: search.CustomerChoice | None = None
        # Both owned by the picker: an unowned model is collected by Python and the list never shows.
        self.matches = QStandardItemModel(self)
        completer = QCompleter(self.matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        completer.setCompletionRole(LABEL_ROLE)
        completer.activated[QModelIndex].connect(self._activated)
        self.setCompleter(completer)
        completer.activated[str].connect(self._chosen)
        self._choosing: search.CustomerChoice | None = None
        self.textEdited.connect(self._typed)

    # -- completing --------------------------------------------------------------------------------
    def _fill(self, text: str) -> list[search.CustomerChoice]:
        found = search.complete_customers(text, self.LIMIT, exclude=self._exclude)
        self.matches.clear()
        for choice in found:
            item = QStandardItem(choice.label + ("  (archived)" if choice.archived else ""))
            item.setData(choice, CHOICE_ROLE)
            item.setData(choice.label, LABEL_ROLE)
            item.setEditable(False)
            self.matches.appendRow(item)
        return found

    def _typed(self, text: str) -> None:
        self._picked = None
        if self._fill(text):
            self.completer().setCompletionPrefix(text)
            self.completer().complete()
        else:
            self.completer().popup().hide()

    def show_matches(self) -> bool:
        """Open the list of customers matching the text (after an ambiguous Enter, or Down)."""
        if not self._fill(self.text()):
            return False
        self.completer().setCompletionPrefix(self.text())
        self.completer().complete()
        return True

    def keyPressEvent(self, event):
        popup = self.completer().popup()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and popup.isVisible()
                and popup.currentIndex().isValid()):
            event.ignore()  # Enter on a row of the list picks it (`picked`), it does not also save or search
            return
        if event.key() == Qt.Key.Key_Down and not self.completer().popup().isVisible() and self.text().strip():
            if self.show_matches():
                return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        self._choosing = index.data(CHOICE_ROLE)

    def _chosen(self, _text: str) -> None:
        choice, self._choosing = self._choosing, None
        if choice is not None:
            self._picked = choice
            # After the completer has finished with the field (it sets the row's text
            # again once its signals return), so a listener may clear it for the next name.
            QTimer.singleShot(0, self, lambda: self.picked.emit(choice.id))

    # -- the chosen customer --------------------------------------------------------------------------
    def set_customer(self, customer_id: int) -> None:
        try:
            found = customers.get_customer(customer_id)
        except NotFound:
            return
        self._picked = search.CustomerChoice(customer_id, found.name, found.company, found.archived)
        self.setText(self._picked.label)

    def customer_id(self) -> int:
        """The chosen customer; a ValidationError naming 'customer' when the text
        matches none or several (the list of those opens to choose from)."""
        text = self.text().strip()
        if not text:
            raise ValidationError("customer", "choose a customer")
        if self._picked is not None and text == self._picked.label:
            return self._picked.id
        found = search.complete_customers(text, self.LIMIT, exclude=self._exclude)
        folded = text.casefold()
        for same in (lambda c: c.label.casefold() == folded, lambda c: c.name.casefold() == folded):
            exact = [c for c in found if same(c)]
            if len(exact) == 1:
                return exact[0].id
        if len(found) == 1:
            return found[0].id
        if not found:
            raise ValidationError("customer", f"no customer matches “{text}”")
        QTimer.singleShot(0, self, self.show_matches)  # once the message is shown and focus is back here
        count = f"{len(found)} or more" if len(found) == self.LIMIT else str(len(found))
        raise ValidationError("customer", f"{count} customers match “{text}”: choose one from the list")


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
