"""The team journal's server lost in the middle of showing a colleague's
change (MainWindow._colleagues_changed): the person sees one clear message
(the window's own lost-connection box, with Retry), no traceback and no
second box, and once the server is back the window shows the journal again
and hears colleagues again. Real faults on the test server: every backend of
the journal's database terminated (pg_terminate_backend) and, for a server
that is away, new connections refused (tests/ui/test_team_window.ServerAway)."""

import os

import pytest
from PySide6.QtCore import Qt, QTimer

from tests.journal.test_team_changes import colleague
from tests.team_server import colleague_login, needs_server, own_server  # noqa: F401 - fixtures
from ui.files import recovery

from .test_main_window import timeline_titles
from .test_team_live import team_window
from .test_team_window import ServerAway

pytestmark = [pytest.mark.real_threads, needs_server]


def lose_the_server_during_the_refresh(window, server, *, away: bool, at: str = "list"):
    """The fault, at the moment the window starts reading what a colleague
    changed: the list (its first read), or the page of the customer shown (the
    list read by then)."""
    owner, name = (window.customer_list, "refresh_elsewhere") if at == "list" else (window.page, "show_customer")
    original = getattr(owner, name)

    def refresh(*args, **kwargs):
        setattr(owner, name, original)  # once
        server.cut(away=away)
        return original(*args, **kwargs)

    setattr(owner, name, refresh)


class Boxes:
    """Every lost-connection box the window shows, answered as a person would
    once the server is back: Retry (the default button), by Enter."""

    def __init__(self, qtbot, window, server):
        self.qtbot, self.window, self.server = qtbot, window, server
        self.seen, self.behind, self.answered = [], [], 0
        self.done = False
        self._look()

    def _look(self):
        box = getattr(self.window, "lost_connection_box", None)
        if box is not None and box.isVisible() and (not self.seen or self.seen[-1][0] is not box):
            self.seen.append((box, box.text()))
            # What the person sees behind the message: the journal as it was shown, not an empty list.
            self.behind.append((self.window.customer_list.model.rowCount(), timeline_titles(self.window)[:3]))
            if os.environ.get("LATELY_SHOT"):
                self.window.grab().save(f"{os.environ['LATELY_SHOT']}-{len(self.seen)}.png")
            self.server.back()
            self.qtbot.keyClick(box, Qt.Key.Key_Return)
            self.answered += 1
        if not self.done:
            QTimer.singleShot(20, self._look)


@pytest.mark.parametrize("at", ["list", "page"])
def test_the_server_away_during_a_colleague_refresh_is_said_once_and_the_window_recovers(
        make_window, qtbot, pg_server, tmp_path, colleague_login, at):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=30)
    ben = colleague_login.at(location)
    watch = recovery.watch_database_errors(window)
    server = ServerAway(pg_server, location)
    chosen = window.current_customer()
    listed = window.customer_list.model.rowCount()
    shown = timeline_titles(window)[:3]
    boxes = Boxes(qtbot, window, server)
    lose_the_server_during_the_refresh(window, server, away=True, at=at)

    colleague(ben, "note", chosen, "Ben's note just before the server went")
    qtbot.waitUntil(lambda: boxes.answered == 1, timeout=30_000)
    [(_, text)] = boxes.seen
    assert "lost its connection to the team journal" in text and "Traceback" not in text
    assert boxes.behind == [(listed, shown)]  # behind the message, the journal as it was shown
    # Back: the window reads the journal again, with the note that came before the loss, and hears colleagues.
    qtbot.waitUntil(lambda: "Ben's note just before the server went" in timeline_titles(window), timeout=30_000)
    qtbot.waitUntil(lambda: window.colleagues.listener.listening.is_set(), timeout=30_000)
    colleague(ben, "note", chosen, "Ben's note after it came back")
    qtbot.waitUntil(lambda: "Ben's note after it came back" in timeline_titles(window), timeout=30_000)
    assert window.customer_list.model.rowCount() == listed and window.isEnabled()
    assert len(boxes.seen) == 1  # one message, never a second box
    boxes.done = True
    watch.uninstall()


def test_the_windows_connection_ended_during_a_colleague_refresh_bothers_nobody(
        make_window, qtbot, pg_server, tmp_path, colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=30)
    ben = colleague_login.at(location)
    watch = recovery.watch_database_errors(window)
    server = ServerAway(pg_server, location)
    chosen = window.current_customer()
    boxes = Boxes(qtbot, window, server)
    lose_the_server_during_the_refresh(window, server, away=False)  # the server stays up

    colleague(ben, "note", chosen, "Ben's note as the connection ended")
    qtbot.waitUntil(lambda: "Ben's note as the connection ended" in timeline_titles(window), timeout=30_000)
    qtbot.waitUntil(lambda: window.colleagues.listener.listening.is_set(), timeout=30_000)
    colleague(ben, "note", chosen, "And the next one")
    qtbot.waitUntil(lambda: "And the next one" in timeline_titles(window), timeout=30_000)
    assert boxes.seen == []
    boxes.done = True
    watch.uninstall()


def test_the_server_stopped_during_a_colleague_refresh_is_said_once_and_the_window_recovers(
        make_window, qtbot, own_server, tmp_path):
    from journal.io import move
    from journal.io import demo
    from journal.storage import db
    from tests.journal.test_move import TODAY
    from tests.team_server import fresh_database

    from .test_team_window import type_and_connect
    from .focus_helpers import in_modal

    source = tmp_path / "source.sqlite3"
    db.connect(source)
    demo.populate(30, today=TODAY)
    db.close()
    location = fresh_database(own_server, "stopped")
    move.move_journal(str(source), location)
    window = make_window(tmp_path / "mine.sqlite3")
    in_modal(qtbot, window.actions.connect_team.trigger, type_and_connect(qtbot, location))
    qtbot.waitUntil(lambda: window.colleagues.listener is not None and window.colleagues.listener.listening.is_set(),
                    timeout=30_000)
    qtbot.waitUntil(lambda: not window.lately.loading, timeout=30_000)
    watch = recovery.watch_database_errors(window)
    chosen = window.current_customer()
    listed = window.customer_list.model.rowCount()
    shown = timeline_titles(window)[:3]

    class Stopped:
        def cut(self, *, away):
            own_server.stop()

        def back(self):
            own_server.start()

    boxes = Boxes(qtbot, window, Stopped())
    lose_the_server_during_the_refresh(window, Stopped(), away=True)
    colleague(location, "note", chosen, "A note just before the server stopped")
    qtbot.waitUntil(lambda: boxes.answered == 1, timeout=60_000)
    [(_, text)] = boxes.seen
    assert "lost its connection to the team journal" in text and "(it does not answer)" in text
    assert boxes.behind == [(listed, shown)]
    qtbot.waitUntil(lambda: "A note just before the server stopped" in timeline_titles(window), timeout=30_000)
    qtbot.waitUntil(lambda: window.colleagues.listener.listening.is_set(), timeout=30_000)
    colleague(location, "note", chosen, "A note after it started again")
    qtbot.waitUntil(lambda: "A note after it started again" in timeline_titles(window), timeout=30_000)
    assert window.customer_list.model.rowCount() == listed and window.isEnabled()
    assert len(boxes.seen) == 1
    boxes.done = True
    watch.uninstall()


def test_closing_the_message_while_the_server_is_away_the_window_comes_back_by_itself(
        make_window, qtbot, pg_server, tmp_path, colleague_login):  # noqa: F811
    """Close rather than Retry, the server still away: the window keeps what it
    showed, and once the server is back it reads the journal again on its own
    (the listener connects again and says anything may have changed)."""
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=30)
    ben = colleague_login.at(location)
    watch = recovery.watch_database_errors(window)
    server = ServerAway(pg_server, location)
    chosen = window.current_customer()
    listed = window.customer_list.model.rowCount()
    closed = []

    def close_it():
        box = getattr(window, "lost_connection_box", None)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, close_it)
            return
        closed.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Escape)  # Close

    QTimer.singleShot(0, close_it)
    lose_the_server_during_the_refresh(window, server, away=True)
    colleague(ben, "note", chosen, "Ben's note before the outage")
    qtbot.waitUntil(lambda: bool(closed) and window.lost_connection_box is None, timeout=30_000)
    assert window.customer_list.model.rowCount() == listed  # what it showed stays while the server is away
    qtbot.waitUntil(lambda: not window.colleagues.listener.listening.is_set(), timeout=30_000)
    server.back()
    qtbot.waitUntil(lambda: "Ben's note before the outage" in timeline_titles(window), timeout=30_000)
    assert len(closed) == 1 and window.lost_connection_box is None
    assert window.customer_list.model.rowCount() == listed
    watch.uninstall()
