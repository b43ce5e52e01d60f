"""A colleague's change to a team journal shows in the window as it is made,
without a restart: a note on the customer shown, a new customer in the list,
the Lately panel read again; and what the person is doing stays — the
customer chosen, the list's scroll, a details form half-edited. The colleague
is a real second process (tests/colleague.py) on the session's real
PostgreSQL server."""

import gc

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.storage import team_changes
from tests.journal.test_team_changes import colleague
from tests.team_server import colleague_login, needs_server  # noqa: F401 - a fixture

from .focus_helpers import in_modal
from .test_main_window import timeline_titles, visible_names
from .test_team_window import demo_on_server, type_and_connect

pytestmark = [pytest.mark.real_threads, needs_server]


def team_window(make_window, qtbot, pg_server, tmp_path, customers=60):
    location = demo_on_server(pg_server, tmp_path, "live", customers=customers)
    window = make_window(tmp_path / "mine.sqlite3")
    in_modal(qtbot, window.actions.connect_team.trigger, type_and_connect(qtbot, location))
    assert window.files.session.is_server
    qtbot.waitUntil(lambda: window.colleagues.listener is not None and window.colleagues.listener.listening.is_set(),
                    timeout=30_000)
    qtbot.waitUntil(lambda: not window.lately.loading, timeout=30_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window, location


def start_editing_the_name(window, qtbot, typed: str):
    """Ctrl+E, then `typed` at the end of the name: the details form being edited, by keys."""
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    field = window.page.details.fields["name"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=5000)
    gc.collect()
    qtbot.keyClick(field, Qt.Key.Key_End)
    qtbot.keyClicks(field, typed)
    return field


def said(window) -> str:
    return window.statusBar().currentMessage()


def timeline_meta(window, title: str) -> str:
    """The line under an entry's title, as painted and as a screen reader hears it."""
    model = window.page.timeline.model
    for row in range(model.rowCount()):
        if model.index(row).data() == title:
            return model.index(row).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    raise AssertionError(f"no entry {title!r}")


def test_a_colleagues_note_and_new_customer_show_and_the_users_place_stays(make_window, qtbot, pg_server, tmp_path,
                                                                          colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path)
    ben = colleague_login.at(location)
    table = window.customer_list.table
    model = window.customer_list.model
    chosen = model.id_at(3)
    window.open_customer(chosen)
    assert window.current_customer() == chosen
    before = list(timeline_titles(window))
    bar = table.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()

    colleague(ben, "note", chosen, "Ben called about the walnut table")
    qtbot.waitUntil(lambda: "Ben called about the walnut table" in timeline_titles(window), timeout=15_000)
    assert timeline_titles(window) == ["Ben called about the walnut table", *before]
    assert window.current_customer() == chosen
    assert bar.value() == scrolled
    who = colleague_login.role
    assert said(window) == f"Updated with {who}'s changes to {model.customer_at(model.row_of(chosen)).name}."
    assert f"{who} reached out" in timeline_meta(window, "Ben called about the walnut table")
    assert all("reached out" not in timeline_meta(window, t) or "you reached out" in timeline_meta(window, t)
               or "they reached out" in timeline_meta(window, t) for t in before)  # the demo's own: yours

    colleague(ben, "customer", "Zed Newcomer")
    qtbot.waitUntil(lambda: "Zed Newcomer" in visible_names(window), timeout=15_000)
    assert window.current_customer() == chosen  # a colleague's new customer does not take the page
    assert bar.value() == scrolled


def test_details_being_typed_stay_when_a_colleague_writes_about_that_customer(make_window, qtbot, pg_server, tmp_path):
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=12)
    chosen = window.current_customer()
    typed = start_editing_the_name(window, qtbot, " Jr").text()

    colleague(location, "note", chosen, "Colleague's note while you type")
    qtbot.waitUntil(lambda: "Colleague's note while you type" in timeline_titles(window), timeout=15_000)
    assert window.page.details.fields["name"].text() == typed
    assert window.current_customer() == chosen


def test_the_window_stops_listening_when_it_goes_back_to_a_file(make_window, qtbot, pg_server, tmp_path):
    window, _ = team_window(make_window, qtbot, pg_server, tmp_path, customers=5)
    listener = window.colleagues.listener
    window.files.switch_journal(tmp_path / "mine.sqlite3")
    assert window.colleagues.listener is None
    qtbot.waitUntil(lambda: not listener.running, timeout=5000)  # its thread ends on its own


def test_the_status_bar_says_who_and_about_whom():
    from ui.files.team_changes import status_words

    assert status_words(("ben",), "Ada Lovelace") == "Updated with ben's changes to Ada Lovelace."
    assert status_words(("ben", "cy", "dee")) == "Updated with changes by ben, cy and dee."
    assert status_words(()) == "Updated with changes made elsewhere."
    assert status_words(("ada",), "Bea", me="ada") == "Updated with your changes made elsewhere to Bea."
    assert status_words(("ben", "ada"), me="ada") == "Updated with changes by ben and you."


def test_a_customer_added_above_the_view_does_not_move_the_rows_under_the_mouse(
        make_window, qtbot, pg_server, tmp_path, colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=80)
    table, model = window.customer_list.table, window.customer_list.model
    bar = table.verticalScrollBar()
    assert bar.maximum() > 10  # the list scrolls
    bar.setValue(bar.maximum() // 2)
    top = model.customer_at(table.rowAt(0)).name
    count = model.rowCount()
    colleague(colleague_login.at(location), "customer", "Aaa First")  # sorts above everyone
    qtbot.waitUntil(lambda: model.rowCount() == count + 1, timeout=15_000)
    assert model.customer_at(table.rowAt(0)).name == top


def test_what_arrives_together_is_shown_once(qtbot):
    from ui.files.team_changes import ColleagueChanges

    Change = team_changes.Change
    changes = ColleagueChanges()
    listening = changes.listener = object()  # as if listening
    shown = []
    changes.changed.connect(lambda change, users: shown.append((change, users)))
    for change in (Change("ben", frozenset({1}), frozenset({"interaction"})),
                   Change("cy", frozenset({2, 3}), frozenset({"customer"})),
                   Change("ben", frozenset({3}), frozenset({"interaction"}))):
        changes._heard.emit((listening, change))
    changes._heard.emit((object(), Change("dee", frozenset({9}))))  # a listener stopped before
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert shown == [(Change("ben", frozenset({1, 2, 3}), frozenset({"interaction", "customer"})), ("ben", "cy"))]
    changes._heard.emit((listening, Change("ben", frozenset({4}))))
    changes._heard.emit((listening, team_changes.EVERYTHING))
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    assert shown[1] == (Change("ben", None, None), ("ben",))


def test_a_colleague_moving_a_graph_node_reloads_only_the_graph(make_window, qtbot, pg_server, tmp_path,
                                                                colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=12)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "graph_window", None) is not None, timeout=5000)
    graph_reloads, list_reloads = [], []
    window.graph_window.reload = lambda *a, **k: graph_reloads.append(1)
    window.customer_list.refresh_elsewhere = lambda: list_reloads.append(1)
    shown = window.current_customer()
    with psycopg.connect(colleague_login.at(location), autocommit=True) as ben:
        ben.execute("INSERT INTO graph_position (customer_id, x, y) VALUES (%s, 1.5, 2.5) "
                    "ON CONFLICT (customer_id) DO UPDATE SET x = 1.5, y = 2.5", [shown])
    qtbot.waitUntil(lambda: bool(graph_reloads), timeout=15_000)
    assert not list_reloads  # a node moved: nothing in the list, page or panel changed
    colleague(colleague_login.at(location), "note", shown, "A note, not a graph change")
    qtbot.waitUntil(lambda: bool(list_reloads), timeout=15_000)
    assert len(graph_reloads) == 1


def test_a_stream_of_colleagues_writes_is_shown_every_two_seconds_and_once_more_when_it_stops(
        make_window, qtbot, pg_server, tmp_path, colleague_login):  # noqa: F811
    """An import on another desk: notes one statement after another, for as
    long as it takes. The window is read again at most every BUSY_MS while they
    come (not every 0.4 s: 25 ms of the GUI thread each at 5,000 customers), and
    once more when they stop, with the last of them."""
    import subprocess
    import sys
    import time

    from ui.files.team_changes import ColleagueChanges

    from tests.journal.test_team_changes import ROOT

    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=20)
    chosen = window.current_customer()
    refreshed = []  # monotonic seconds at the end of each refresh the window made (this slot runs after its own)
    window.colleagues.changed.connect(lambda *_: refreshed.append(time.monotonic()))
    importing = subprocess.Popen([sys.executable, "-m", "tests.colleague", colleague_login.at(location), "stream",
                                  str(chosen)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: len(refreshed) >= 4, timeout=60_000)  # the stream still coming
    finally:
        last, _ = importing.communicate("stop\n", timeout=60)
    assert importing.returncode == 0
    last = int(last)
    during = list(refreshed)
    qtbot.waitUntil(lambda: f"Imported note {last}" in timeline_titles(window), timeout=15_000)
    assert timeline_titles(window)[0] == f"Imported note {last}"  # the last of them shown, once it stopped
    gaps = [b - a for a, b in zip(during[1:], during[2:])]  # after the first: a stream was coming
    assert gaps and min(gaps) >= 1.99, gaps  # a floor (less whole milliseconds), never a speed: slowness widens them
    assert ColleagueChanges.BUSY_MS == 2000
