"""A team journal's window hears colleagues' changes as they are made
(journal/storage/team_changes.py: the server tells each write, LISTEN/NOTIFY)
and shows them within a second: the list, the customer shown, the Lately
panel and the cards waiting are read again. What the person is doing stays:
the customer chosen, the list's scroll, a details form being edited, an open
dialog. Changes arriving together are gathered into one refresh, and a
stream of them (an import on another desk) is shown every two seconds and
once more when it stops, rather than every 0.4 s."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal

from peewee import DatabaseError

from journal.storage import models, team, team_changes


class ColleagueChanges(QObject):
    """Listens to the open team journal (follow()) and emits `changed(change)`
    on the GUI thread: a team_changes.Change of what was heard together (its
    customers, or None when anyone may have changed; the tables, or None for
    any), and `users` who changed them, in the order first heard."""

    changed = Signal(object, object)  # the change, the users
    _heard = Signal(object)  # (listener, change), from the listener's thread

    GATHER_MS = 400  # changes heard within this are shown together
    # While changes keep coming (an import on another desk: thousands of statements over a minute),
    # the window is read again at most this often, and once more when they stop; a lone change is
    # still shown after GATHER_MS.
    BUSY_MS = 2000

    def __init__(self, parent=None):
        super().__init__(parent)
        self.listener: team_changes.Listener | None = None
        self._change: team_changes.Change | None = None
        self._users: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.GATHER_MS)
        self._timer.timeout.connect(self._say)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # never early: the pace while busy is a floor
        self._heard.connect(self._gather, Qt.ConnectionType.QueuedConnection)
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last_said: int | None = None  # ms on _clock
        self._heard_since = self._heard_before = 0  # reports gathered for the coming refresh, and the last one

    def follow(self, session) -> None:
        """Listen to `session`'s journal if it is a team journal (and stop
        listening to the one before). Call it before the window reads the
        journal: a colleague's write between that read and the listener's
        first LISTEN is then not missed (team_changes.write_mark)."""
        self.stop()
        if session.is_server:
            try:
                since = team_changes.write_mark(models.database.obj)
            except DatabaseError:  # the server away: the window's own reading says so
                since = None
            address, password = session.address, session.password
            listener = team_changes.Listener(lambda: team.listening_connection(address, password),
                                             lambda change: self._heard.emit((listener, change)), since)
            self.listener = listener.start()

    def stop(self) -> None:
        """Stop listening, at once: the listener's thread ends on its own within
        half a second (its connection is its own; the window does not wait)."""
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop(wait=0)
        self._timer.stop()
        self._change, self._users = None, []
        self._last_said, self._heard_since, self._heard_before = None, 0, 0

    def _gather(self, heard) -> None:
        listener, change = heard
        if listener is not self.listener:
            return  # heard by a listener stopped since (another journal is open now)
        self._change = change if self._change is None else self._change.merged(change)
        if change.user and change.user not in self._users:
            self._users.append(change.user)
        self._heard_since += 1
        if not self._timer.isActive():
            self._timer.start(self._wait_ms())

    def _wait_ms(self) -> int:
        """GATHER_MS for a change on its own; while a stream keeps coming (the
        last refresh gathered several reports: the listener already joins what
        comes within 50 ms), until BUSY_MS after the last refresh."""
        if self._last_said is None or self._heard_before <= 1:
            return self.GATHER_MS
        return max(self.GATHER_MS, self.BUSY_MS - (self._clock.elapsed() - self._last_said))

    def _say(self) -> None:
        change, users = self._change, tuple(self._users)
        self._change, self._users = None, []
        self._heard_before, self._heard_since = self._heard_since, 0
        try:
            if change is not None:
                self.changed.emit(change, users)
        finally:  # BUSY_MS is counted from the refresh done: the window has that long to itself
            self._last_said = self._clock.elapsed()


def status_words(users: tuple[str, ...], about: str | None = None, me: str | None = None) -> str:
    """The status bar's words after a colleague's change is shown; `about`: the
    one customer it was about, when it was one; `me`: the user's own login (a
    change of theirs made elsewhere, the command line say, is "your")."""
    to = f" to {about}" if about else ""
    if users == (me,):
        return f"Updated with your changes made elsewhere{to}."
    users = tuple("you" if user == me else user for user in users)
    if not users:
        return f"Updated with changes made elsewhere{to}."
    if len(users) == 1:
        return f"Updated with {users[0]}'s changes{to}."
    return f"Updated with changes by {', '.join(users[:-1])} and {users[-1]}{to}."


def deleted_words(name: str, users: tuple[str, ...]) -> str:
    """The status bar's words when a colleague moved the customer shown to the trash."""
    by = f" ({users[0]}'s change)" if len(users) == 1 else ""
    return f"{name} is in the trash now{by}: Edit › Trash brings them back."
