"""A team journal's window hears colleagues' changes as they are made
(journal/storage/team_changes.py: the server tells each write, LISTEN/NOTIFY)
and shows them within a second: the list, the customer shown, the Lately
panel and the cards waiting are read again. What the person is doing stays:
the customer chosen, the list's scroll, a details form being edited, an open
dialog. Changes arriving together are gathered into one refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from journal.storage import team, team_changes


class ColleagueChanges(QObject):
    """Listens to the open team journal (follow()) and emits `changed(ids, users)`
    on the GUI thread: the customers changed (a frozenset), or None when anyone
    may have changed, and who changed them (their login names, in the order first heard)."""

    changed = Signal(object, object)
    _heard = Signal(object)  # (listener, change), from the listener's thread

    GATHER_MS = 400  # changes heard within this are shown together

    def __init__(self, parent=None):
        super().__init__(parent)
        self.listener: team_changes.Listener | None = None
        self._ids: set[int] | None = set()
        self._users: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.GATHER_MS)
        self._timer.timeout.connect(self._say)
        self._heard.connect(self._gather, Qt.ConnectionType.QueuedConnection)

    def follow(self, session) -> None:
        """Listen to `session`'s journal if it is a team journal (and stop
        listening to the one before)."""
        self.stop()
        if session.is_server:
            address, password = session.address, session.password
            listener = team_changes.Listener(lambda: team.listening_connection(address, password),
                                             lambda change: self._heard.emit((listener, change)))
            self.listener = listener.start()

    def stop(self) -> None:
        """Stop listening, at once: the listener's thread ends on its own within
        half a second (its connection is its own; the window does not wait)."""
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop(wait=0)
        self._timer.stop()
        self._ids, self._users = set(), []

    def _gather(self, heard) -> None:
        listener, change = heard
        if listener is not self.listener:
            return  # heard by a listener stopped since (another journal is open now)
        if change.ids is None or self._ids is None:
            self._ids = None
        else:
            self._ids |= change.ids
        if change.user and change.user not in self._users:
            self._users.append(change.user)
        if not self._timer.isActive():
            self._timer.start()

    def _say(self) -> None:
        ids, users = self._ids, tuple(self._users)
        self._ids, self._users = set(), []
        self.changed.emit(None if ids is None else frozenset(ids), users)


def status_words(users: tuple[str, ...]) -> str:
    """The status bar's words after a colleague's change is shown."""
    if not users:
        return "Updated with changes made elsewhere."
    if len(users) == 1:
        return f"Updated with {users[0]}'s changes."
    return f"Updated with changes by {', '.join(users[:-1])} and {users[-1]}."


def deleted_words(name: str, users: tuple[str, ...]) -> str:
    """The status bar's words when a colleague moved the customer shown to the trash."""
    by = f" ({users[0]}'s change)" if len(users) == 1 else ""
    return f"{name} is in the trash now{by}: Edit › Trash brings them back."
