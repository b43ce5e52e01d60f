"""The Lately panel on a hand-made journal: what it shows, and acting on it."""

import threading

import pytest
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from journal.rules import attention
from journal.writes import customers, interactions, purchases
from journal.storage.models import Connection, Interaction
from ui.lately.lately_panel import AttentionModel, ITEM_ROLE

from .test_main_window import drive_dialog


def journal_with_needs():
    today = date.today()
    silent = customers.create_customer(name="Sally Silent")
    purchases.add_purchase(silent.id, today - timedelta(days=60), "Oak table", 90_000)
    promised = customers.create_customer(name="Peter Promise", stage="prospect")
    interactions.log_interaction(promised.id, "quote", "out", "Quote for shelves",
                                 occurred_at=datetime.now() - timedelta(days=9), follow_up_on=today - timedelta(days=2))
    a = customers.create_customer(name="Ann Sailor", interests="sailing", customer_since=today - timedelta(days=20))
    b = customers.create_customer(name="Ben Boats", interests="sailing", customer_since=today - timedelta(days=20))
    for c in (a, b):
        interactions.log_interaction(c.id, "feedback", "out", "How are we doing?", occurred_at=datetime.now())


def reasons(panel):
    return sorted((i.customer_name, i.reason) for i in panel.visible_items())


def click_link(qtbot, panel, row, action):
    view = panel.list
    index = panel.model.index(row, 0)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.font = view.font()
    rect = dict(panel.delegate.action_rects(option))[action]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_panel_shows_the_expected_items_and_health(make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    assert reasons(panel) == [
        ("Ann Sailor", "introduction"), ("Peter Promise", "follow_up_due"), ("Sally Silent", "never_contacted"),
        ("Sally Silent", "unthanked_purchase"),
    ]
    assert panel.visible_items()[0].reason == "never_contacted"  # ranked first
    assert "33%" in panel.summary.text() and "have not heard from you since their first sale" in panel.summary.text()
    labels = [panel.reasons.itemText(i) for i in range(panel.reasons.count())]
    assert labels[0] == "Everything (4)" and "Follow-up due (1)" in labels
    panel.reasons.setCurrentIndex(labels.index("Follow-up due (1)"))
    assert reasons(panel) == [("Peter Promise", "follow_up_due")]


def test_logging_from_an_item_removes_it(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    row = [i.reason for i in panel.visible_items()].index("never_contacted")

    def fill(dialog):
        assert dialog.customer.text() == "Sally Silent"
        assert dialog.kind.kind() == "check_in" and dialog.summary.text() == "Checked in"
        dialog.accept()

    drive_dialog(qtbot, fill)
    click_link(qtbot, panel, row, "log")
    qtbot.waitUntil(lambda: ("Sally Silent", "never_contacted") not in reasons(panel))
    assert ("Sally Silent", "unthanked_purchase") in reasons(panel)  # a check-in is not a thank-you
    assert window.page.header.name.text() == "Sally Silent"
    assert window.undo_stack.undoText() == "Log “Checked in”"  # what Edit › Undo will say


def test_follow_up_and_introduction_items_complete_what_they_ask(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    follow_up = next(i for i in panel.visible_items() if i.reason == "follow_up_due")
    drive_dialog(qtbot, lambda dialog: dialog.accept())
    window.act_on(follow_up)
    assert Interaction.get_by_id(follow_up.ref_id).follow_up_done
    intro = next(i for i in panel.visible_items() if i.reason == "introduction")
    drive_dialog(qtbot, lambda dialog: dialog.accept())
    window.act_on(intro)
    assert Connection.select().where(Connection.kind == "introduced").count() == 1
    qtbot.waitUntil(lambda: reasons(panel) == [("Sally Silent", "never_contacted"),
                                               ("Sally Silent", "unthanked_purchase")])
    window.undo_stack.undo()  # one step takes back the note and the connection
    assert Connection.select().where(Connection.deleted_at.is_null()).count() == 0
    qtbot.waitUntil(lambda: ("Ann Sailor", "introduction") in reasons(panel))


def test_snoozing_hides_the_item_until_the_date(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    item = next(i for i in panel.visible_items() if i.reason == "never_contacted")
    until = date.today() + timedelta(days=7)
    panel.snooze_requested.emit(item, until)
    qtbot.waitUntil(lambda: ("Sally Silent", "never_contacted") not in reasons(panel))
    # Who, and the day as the app writes days (no leading zero: '1 Dec 2026').
    assert window.undo_stack.undoText() == "Snooze “Never contacted since the first sale” for Sally Silent"
    assert window.statusBar().currentMessage() == (f"Snoozed Sally Silent until {until.day} "
                                                   f"{until:%b %Y} — Ctrl+Z to undo")
    from journal.rules import lately

    back = attention.all_items(date.today() + timedelta(days=7))
    assert ("Sally Silent", "never_contacted") in [(i.customer_name, i.reason) for i in back]
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: ("Sally Silent", "never_contacted") in reasons(panel))


def test_open_link_selects_the_customer(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    row = [i.customer_name for i in panel.visible_items()].index("Peter Promise")
    click_link(qtbot, panel, row, "open")
    assert window.page.header.name.text() == "Peter Promise"


def test_attention_model_passes_the_model_tester(qtmodeltester, make_window):
    window = make_window(populate=journal_with_needs)
    model = AttentionModel()
    model.set_rows(window.lately.visible_items())
    qtmodeltester.check(model)
    qtmodeltester.check(window.lately.model)
    assert model.index(0, 0).data(ITEM_ROLE).reason


def test_panel_computes_in_a_real_worker_thread(qtbot, make_window):
    from ui.common import tasks

    tasks.set_synchronous(False)
    try:
        window = make_window(populate=journal_with_needs)
        qtbot.waitUntil(lambda: len(window.lately.visible_items()) == 4, timeout=5000)
        assert not window.lately.loading
    finally:
        tasks.wait_for_background()
        tasks.set_synchronous(True)


def test_a_quick_capture_typed_with_keys_updates_the_panel_for_that_customer(qtbot, make_window):
    from journal.rules import attention

    from .test_main_window import press

    window = make_window(populate=journal_with_needs)
    panel = window.lately
    assert ("Sally Silent", "never_contacted") in reasons(panel)
    window.open_customer(next(i.customer_id for i in panel.visible_items() if i.customer_name == "Sally Silent"))
    shown = []
    panel.computed.connect(lambda generation, on_screen: shown.append(on_screen))

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        assert QApplication.focusWidget() is dialog.summary  # the customer is chosen: the caret waits here
        qtbot.keyClicks(QApplication.focusWidget(), "Coffee at the harbour")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter saves

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    drive_dialog(qtbot, fill)
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ("Sally Silent", "never_contacted") not in reasons(panel))  # a meeting is contact
    assert ("Sally Silent", "unthanked_purchase") in reasons(panel)  # but not a thank-you
    assert shown == [True] and not panel._state.full  # one refresh, for her alone
    assert panel.visible_items() == attention.items(attention.compute())
    assert "Everything (3)" == panel.reasons.itemText(0)


def test_refreshes_run_one_after_another_and_the_newest_stays_on_screen(qtbot, make_window, monkeypatch):
    """Real threads: the items live in the kept thread's connection, so refreshes
    run there one after another. A refresh reads the journal, then is held up;
    a change is made and a second refresh asked for: it waits for the first,
    which is shown when it comes, and then the second, with the change."""
    from ui.common import tasks

    from journal.rules import attention

    tasks.set_synchronous(False)
    try:
        window = make_window(populate=journal_with_needs)
        qtbot.waitUntil(lambda: len(window.lately.visible_items()) == 4, timeout=5000)
        panel = window.lately
        release, read = threading.Event(), threading.Event()
        original = attention.compute

        def slow_compute(today=None):
            state = original(today)  # read before the change below
            if not read.is_set():
                read.set()
                assert release.wait(10), "the test never let the slow refresh finish"
            return state

        monkeypatch.setattr(attention, "compute", slow_compute)
        arrived = []
        panel.computed.connect(lambda generation, on_screen: arrived.append((generation, on_screen)))
        panel.refresh()  # the slow one
        slow = panel._generation
        assert read.wait(10)
        newer = customers.create_customer(name="Nora Newer")
        purchases.add_purchase(newer.id, date.today() - timedelta(days=60), "Desk", 50_000)
        panel.refresh()  # after the change
        fast = panel._generation
        assert not arrived and panel.loading
        release.set()
        qtbot.waitUntil(lambda: any(i.customer_name == "Nora Newer" for i in panel.visible_items()), timeout=5000)
        assert arrived == [(slow, True), (fast, True)]
        assert not panel.loading
    finally:
        tasks.wait_for_background()
        tasks.set_synchronous(True)


def many_in_need():
    """120 customers who each bought a month ago, never thanked, never contacted,
    not yet welcomed: 360 items."""
    today = date.today()
    for n in range(120):
        c = customers.create_customer(name=f"Customer {n:03}")
        purchases.add_purchase(c.id, today - timedelta(days=30), "Chair", 10_000)


@pytest.mark.real_threads
def test_the_list_reads_the_next_page_when_the_keys_reach_its_end(qtbot, make_window):
    """The items live in the database: the panel holds a page (40), and the
    keys taking the current row to its end bring the next page, read on the
    kept thread, until all 360 are there; the counts say 360 from the start."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    qtbot.waitUntil(lambda: len(panel.visible_items()) == AttentionModel.PAGE, timeout=5000)
    assert panel.reasons.itemText(0) == "Everything (360)" and panel.model.total == 360
    panel.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.list)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    for _ in range(20):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
        qtbot.waitUntil(lambda: not panel.model.asked, timeout=5000)
        if len(panel.visible_items()) == 360:
            break
    items = panel.visible_items()
    assert len(set(items)) == 360 and items == sorted(items, key=lately_sort_key())
    assert panel.list.currentIndex().row() >= 300  # the keys went down with the rows


def lately_sort_key():
    from journal.rules.lately import sort_key

    return sort_key


@pytest.mark.real_threads
def test_a_refresh_asked_for_while_another_runs_starts_from_what_that_one_made(qtbot, make_window, monkeypatch):
    """The items are in the kept thread's tables, which each refresh changes:
    a second refresh asked for while the first still runs must build on what
    the first made, not on the state on screen when it was asked for (its
    counts were off by the first one's change)."""
    from journal.rules import attention

    panel, release = a_refresh_held_after_a_note_for_sally(qtbot, make_window, monkeypatch,
                                                           "check_in", "out", "How is the table?")
    peter = customers.find_by_name("Peter Promise")
    purchases.add_purchase(peter.id, date.today() - timedelta(days=10), "Shelves", 30_000)
    customers.update_customer(peter.id, stage="customer")
    panel.refresh_soon(peter.id)
    panel._start()
    release.set()
    qtbot.waitUntil(lambda: not panel.loading, timeout=5000)
    full = attention.compute()  # (in this thread's connection: the panel's tables are the kept thread's)
    assert panel._state.counts == full.counts and panel._state.health == full.health
    assert panel.visible_items() == attention.items(full)


def test_once_the_list_is_shown_its_indexes_are_made_for_the_changes_to_come(make_window):
    """A whole computation leaves the indexes for later, so the list shows
    sooner; the panel has them made right after it is on screen, so the first
    change after it is not the one that pays for them."""
    from journal.storage.models import database

    make_window(populate=journal_with_needs)  # (background work runs inline here, on this connection)
    made = {name for (name,) in database.execute_sql(
        "SELECT name FROM sqlite_temp_master WHERE type = 'index' AND tbl_name = 'lately_item'").fetchall()}
    assert made == {"lately_item_order", "lately_item_customer"}


@pytest.mark.real_threads
def test_a_reason_chosen_while_a_refresh_runs_stays_chosen(qtbot, make_window, monkeypatch):
    """A refresh started before the person chose "Follow-up due" comes back with
    the whole list: the choice stays, and its rows are shown (before, the list
    went back to Everything). Found by review."""
    from journal.rules import attention

    panel, release = a_refresh_held_after_a_note_for_sally(qtbot, make_window, monkeypatch, "note", "in", "A note")
    panel.reasons.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reasons)
    labels = [panel.reasons.itemText(i) for i in range(panel.reasons.count())]
    for _ in range(labels.index("Follow-up due (1)")):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert panel.reasons.currentData() == "follow_up_due"
    release.set()
    qtbot.waitUntil(lambda: not panel.loading and reasons(panel) == [("Peter Promise", "follow_up_due")],
                    timeout=5000)
    assert panel.reasons.currentData() == "follow_up_due"


@pytest.mark.real_threads
def test_a_page_read_just_before_a_refresh_stays_in_the_list(qtbot, make_window):
    """The person scrolled to the end (the next page asked for) just before a
    change started a refresh: the refresh reads as many rows as the list will
    hold, so the page that arrived first is not taken away again (before, the
    list went back to 40 rows and lost the current one). Found by review."""
    from ui.common import tasks

    window = make_window(populate=many_in_need)
    panel = window.lately
    qtbot.waitUntil(lambda: len(panel.visible_items()) == AttentionModel.PAGE and not panel.loading, timeout=5000)
    gate = threading.Event()
    tasks.run_in_background(lambda: gate.wait(10), kept=True)  # the kept thread busy for a moment
    panel.model.fetchMore()  # the view reached the end: the next page is asked for
    newcomer = customers.create_customer(name="Zz New")
    panel.refresh_soon(newcomer.id)
    panel._start()  # a change meanwhile
    gate.set()
    qtbot.waitUntil(lambda: not panel.loading and not panel.model.asked
                    and len(panel.visible_items()) == 2 * AttentionModel.PAGE, timeout=5000)


def test_scrolling_a_list_whose_tables_went_with_the_connection_makes_it_again(qtbot, make_window, monkeypatch):
    """The tables live in one connection; made again (a team server lost and
    back), it has none. Scrolling on then makes the list again, and what the
    page met is not a database fault, which the window would show (before:
    "relation lately_item does not exist" in a message box). Found by review."""
    from journal.storage.models import database
    from ui.files.recovery import is_database_error
    from ui.lately.lately_panel import LatelyPanel

    met = []
    page_failed = LatelyPanel._page_failed
    monkeypatch.setattr(LatelyPanel, "_page_failed", lambda panel, error: (met.append(error), page_failed(panel, error)))
    window = make_window(populate=many_in_need)
    panel = window.lately
    database.close()  # (background work runs inline in this test, on this connection)
    database.connect()
    panel.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.list)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    qtbot.waitUntil(lambda: not panel.loading and panel._state.full and panel._shown_generation > 1, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    qtbot.waitUntil(lambda: len(panel.visible_items()) > AttentionModel.PAGE, timeout=5000)
    assert met and not any(is_database_error(error) for error in met)


def a_refresh_held_after_a_note_for_sally(qtbot, make_window, monkeypatch, kind, direction, summary):
    """A window on journal_with_needs, a note logged for Sally Silent, and the
    panel's refresh for her held on the kept thread once its update has run:
    the panel and the event that lets it finish."""
    from journal.rules import attention

    window = make_window(populate=journal_with_needs)
    panel = window.lately
    qtbot.waitUntil(lambda: len(panel.visible_items()) == 4, timeout=5000)
    held, release = threading.Event(), threading.Event()
    original = attention.update

    def first_held(state, ids, today=None):
        result = original(state, ids, today)
        if not held.is_set():
            held.set()
            assert release.wait(10), "the test never let the held refresh finish"
        return result

    monkeypatch.setattr(attention, "update", first_held)
    sally = customers.find_by_name("Sally Silent")
    interactions.log_interaction(sally.id, kind, direction, summary, occurred_at=datetime.now())
    panel.refresh_soon(sally.id)
    panel._start()
    assert held.wait(10)
    return panel, release
