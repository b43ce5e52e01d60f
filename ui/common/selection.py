"""The current customer: one holder that the customer list, the customer's
page and the Lately panel follow. Whoever chooses a customer (a click in the
list, a save, a search result, the panel) sets it here; nobody else keeps a
current customer of their own."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class CurrentCustomer(QObject):
    changed = Signal(object)  # the customer's id, or None when nobody is chosen

    def __init__(self, parent=None):
        super().__init__(parent)
        self._id: int | None = None

    @property
    def id(self) -> int | None:
        return self._id

    def set(self, customer_id: int | None) -> None:
        """Choose a customer (None: nobody); followers hear of it only when it changes."""
        if customer_id == self._id:
            return
        self._id = customer_id
        self.changed.emit(customer_id)
