"""One object the whole window listens to: the journal changed (for which
customer, or None for many), or an action failed with a message."""

from PySide6.QtCore import QObject, Signal


class JournalEvents(QObject):
    changed = Signal(object)  # customer id, or None when many may have changed
    error = Signal(str)
    status = Signal(str)  # a short confirmation for the status bar
