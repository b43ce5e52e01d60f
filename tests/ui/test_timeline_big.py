"""A customer with thousands of entries, as on a 50,000-customer journal whose
busiest customer has 5,000: the feed keeps up with the keys. Found trying the
big journal in a real window: opening a search hit 5,000 entries down froze
the window 0.7 s (fifty page reads, each entry measured), and each End down
the feed measured every entry read so far again."""

import threading
from datetime import datetime, timedelta

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.storage.models import database
from journal.writes import customers, interactions
from ui.timeline import timeline_view
from ui.timeline.timeline_view import ENTRY_ROLE, TimelineDelegate

from .test_main_window import drive_dialog, press

ENTRIES = 300


def busy_customer():
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical Engines")
    start = datetime(2020, 1, 1, 9)
    interactions.log_interaction(ada.id, "meeting", "in", "Lunch at the harbour",
                                 notes="She wants a walnut bookshelf", occurred_at=start)
    for n in range(ENTRIES):
        interactions.log_interaction(ada.id, "call", "out", f"Call {n}", occurred_at=start + timedelta(days=n + 1))
    customers.create_customer(name="Bob Builder")


class FeedReads:
    """Reads of a timeline's feed on the GUI thread's connection while watched."""

    def __enter__(self):
        self.seen = []
        database.connection().set_trace_callback(lambda sql: self.seen.append(sql) if "UNION ALL" in sql else None)
        return self

    def __exit__(self, *exc):
        database.connection().set_trace_callback(None)


def test_a_search_hit_deep_in_a_busy_feed_opens_in_a_few_reads(qtbot, make_window, monkeypatch):
    monkeypatch.setattr(timeline_view, "PAGE_SIZE", 10)  # 300 entries: thirty pages
    window = make_window(populate=busy_customer)
    window.open_customer(customers.find_by_name("Bob Builder").id)

    def use(dialog):
        qtbot.keyClicks(dialog.box, "walnut")
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # before the typing pause: searched, then opened

    drive_dialog(qtbot, use)
    with FeedReads() as reads:
        press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    timeline = window.page.timeline
    assert window.page.header.name.text() == "Ada Lovelace"
    assert timeline.list.currentIndex().data(ENTRY_ROLE).title == "Lunch at the harbour"  # the oldest, shown
    # A page at a time it was thirty reads; twice as many each time, a handful.
    assert 0 < len(reads.seen) <= 7


def test_each_entry_is_measured_once(qtbot, make_window, monkeypatch):
    """Down the whole feed with End, then a note logged: the list lays out every
    entry each time, and each one's height is measured only the first time."""
    window = make_window(populate=busy_customer)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    timeline = window.page.timeline
    timeline.list.setFocus()
    while timeline.model.canFetchMore():
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
        QApplication.processEvents()  # the view asks for the next page once at the end
    assert timeline.model.total == ENTRIES + 1
    measured = []
    real = TimelineDelegate.blocks

    def counting(self, entry, font, width):
        measured.append(entry.title)
        return real(self, entry, font, width)

    monkeypatch.setattr(TimelineDelegate, "blocks", counting)
    interactions.log_interaction(ada, "gift", "out", "Flowers")
    window.events.changed.emit(ada)  # as after a quick capture: the feed read again
    timeline.list.doItemsLayout()  # every row's height asked for, nothing painted
    assert timeline.model.rowCount() > ENTRIES
    assert measured == ["Flowers"]  # the new entry alone


def test_another_customer_lets_the_heights_measured_go(qtbot, make_window):
    """Kept for every customer opened, the heights (and the entries they were
    measured for) grew with each one, and with them the collector's walks."""
    window = make_window(populate=busy_customer)
    timeline = window.page.timeline
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    timeline.list.doItemsLayout()
    assert len(timeline.delegate._heights) >= 100  # the first page measured
    window.open_customer(customers.find_by_name("Bob Builder").id)
    timeline.list.doItemsLayout()
    assert len(timeline.delegate._heights) == 0  # Bob has no entries: nothing of Ada's stays


@pytest.mark.real_threads
def test_a_search_hit_deep_in_a_busy_feed_is_measured_off_the_gui_thread(qtbot, make_window, monkeypatch):
    """Each entry down to a hit 5,000 entries deep was measured (its text wrapped)
    on the GUI thread: about 0.3 s frozen idle, over a second under load. Now the
    entries down to it are read and measured in the background; the GUI thread
    measures only what it paints, and the hit is chosen, with the keys, once read."""
    monkeypatch.setattr(timeline_view, "PAGE_SIZE", 10)
    measured_here = []
    real = TimelineDelegate.blocks

    def counting(self, entry, font, width):
        if threading.current_thread() is threading.main_thread():
            measured_here.append(entry.title)
        return real(self, entry, font, width)

    monkeypatch.setattr(TimelineDelegate, "blocks", counting)
    window = make_window(populate=busy_customer)
    window.open_customer(customers.find_by_name("Bob Builder").id)

    def use(dialog):
        qtbot.keyClicks(dialog.box, "walnut")
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)

    drive_dialog(qtbot, use)
    measured_here.clear()
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    timeline = window.page.timeline
    assert window.page.header.name.text() == "Ada Lovelace"
    qtbot.waitUntil(lambda: isinstance(timeline.list.currentIndex().data(ENTRY_ROLE), timeline_view.TimelineEntry)
                    and timeline.list.currentIndex().data(ENTRY_ROLE).title == "Lunch at the harbour", timeout=5000)
    assert timeline.model.total == ENTRIES + 1 and timeline.model.rowCount() > ENTRIES
    window.activateWindow()  # (offscreen, the closed dialog hands the window no activation back)
    qtbot.waitUntil(window.isActiveWindow)
    assert QApplication.focusWidget() is timeline.list
    timeline.list.viewport().repaint()
    # The rows painted (a screenful or two, the first page's among them), not the 301 laid out.
    assert 0 < len(measured_here) < 60 and "Lunch at the harbour" in measured_here
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # the keys go on from the hit
    assert timeline.list.currentIndex().data(ENTRY_ROLE).title == "Call 0"


def test_a_note_added_while_a_deep_hit_is_read_loses_no_entry_and_repeats_none(qtbot, make_window, monkeypatch):
    """A search hit deep in the feed is read off the GUI thread; a note logged
    meanwhile reads the feed again, which moves every offset by one. What was
    read before is then read again, not added after (before: one entry lost
    and another shown twice). Found by review. The read runs at once and is
    delivered when the test says: a real thread cannot be timed to land after
    the note."""
    from journal.reads import timeline
    from ui.common import tasks

    def busy_bee():
        bee = customers.create_customer(name="Busy Bee", stage="customer").id
        for n in range(400):
            interactions.log_interaction(bee, "check_in", "out", f"Note {n:03d}",
                                         occurred_at=datetime.now() - timedelta(hours=n))

    window = make_window(populate=busy_bee)
    cid = customers.find_by_name("Busy Bee").id
    target = timeline.entries(cid, offset=0, limit=400)[350]
    waiting, real = [], tasks.run_in_background

    def run(fn, on_done=None, on_error=None, **kw):
        if "reveal_entry" in getattr(on_done, "__qualname__", ""):
            result = fn()
            waiting.append(lambda: on_done(result))
            return None
        return real(fn, on_done, on_error, **kw)

    monkeypatch.setattr(tasks, "run_in_background", run)
    window.reveal(cid, target.id)  # what choosing the search hit does
    interactions.log_interaction(cid, "check_in", "out", "Brand new", occurred_at=datetime.now() + timedelta(minutes=1))
    window.page.show_customer(cid)  # the page reads the feed again
    waiting.pop()()  # the entries read before the note arrive: read again
    waiting.pop()()
    view = window.page.timeline
    assert view.list.currentIndex().data(ENTRY_ROLE).id == target.id
    model = view.model
    while model.canFetchMore():
        model.fetchMore()
    assert [(r.source, r.id) for r in model._rows if hasattr(r, "source")] == \
        [(e.source, e.id) for e in timeline.entries(cid, offset=0, limit=1000)]
