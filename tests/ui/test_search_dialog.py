"""Ctrl+K: search everything, see the matches, Enter opens the customer at the note."""

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from journal.writes import customers, interactions
from ui.search.search_dialog import HIT_ROLE, HitModel, pieces

from .test_main_window import drive_dialog, press


def journal_with_history():
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical Engines", interests="poetry")
    customers.create_customer(name="Bob Builder", interests="timber")
    start = datetime(2024, 1, 1, 9)
    for n in range(250):  # the note we look for is deep in the feed, past the first page
        interactions.log_interaction(ada.id, "call", "out", f"Call {n}", occurred_at=start + timedelta(days=n))
    interactions.log_interaction(ada.id, "meeting", "in", "Lunch at the harbour",
                                 notes="She wants a walnut bookshelf for the library", occurred_at=start)


def test_search_finds_a_note_and_opens_the_customer_there(qtbot, make_window):
    window = make_window(populate=journal_with_history)
    window.open_customer(customers.find_by_name("Bob Builder").id)
    seen = {}

    def use(dialog):
        qtbot.keyClicks(dialog.box, "walnut libr")
        dialog.run_search()  # what the typing pause triggers
        hits = [dialog.model.index(r).data(HIT_ROLE) for r in range(dialog.model.rowCount())]
        seen["hits"] = [(h.customer_name, h.is_customer) for h in hits]
        seen["snippet"] = pieces(hits[0].snippet)
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)

    drive_dialog(qtbot, use)
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert seen["hits"] == [("Ada Lovelace", False)]
    assert ("walnut", True) in seen["snippet"] and ("library", True) in seen["snippet"]
    assert window.page.header.name.text() == "Ada Lovelace"
    current = window.page.timeline.list.currentIndex().data(Qt.ItemDataRole.DisplayRole)
    assert current == "Lunch at the harbour"


def test_customers_come_first_and_nothing_found_is_said(qtbot, make_window):
    window = make_window(populate=journal_with_history)
    seen = {}

    def use(dialog):
        dialog.box.setText("timb")
        dialog.run_search()
        seen["first"] = dialog.model.index(0).data(HIT_ROLE).customer_name
        dialog.box.setText('"; DROP TABLE customer; --')
        dialog.run_search()
        seen["message"] = dialog.message.text()
        dialog.reject()

    drive_dialog(qtbot, use)
    window.search_everything()
    assert seen["first"] == "Bob Builder"
    assert seen["message"] == "Nothing matches “\"; DROP TABLE customer; --”."
    assert len(customers.list_customers()) == 2


def test_hit_model_passes_the_model_tester(qtmodeltester, make_window):
    make_window(populate=journal_with_history)
    from journal.reads import search

    model = HitModel()
    model.set_rows(search.search("call"))
    qtmodeltester.check(model)


def test_snippet_pieces():
    from journal.reads.search import MARK_END, MARK_START

    assert pieces(f"a {MARK_START}b{MARK_END} c") == [("a ", False), ("b", True), (" c", False)]


def test_page_down_in_the_box_pages_through_the_results(qtbot, make_window):
    """Tried on the big journal: a common word fills the list, and Page Down
    in the box (where the keys are while typing) did nothing."""
    window = make_window(populate=journal_with_history)
    seen = {}

    def use(dialog):
        qtbot.keyClicks(dialog.box, "call")
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 20)  # after the typing pause
        seen["first"] = dialog.list.currentIndex().row()
        qtbot.keyClick(dialog.box, Qt.Key.Key_PageDown)
        seen["paged"] = dialog.list.currentIndex().row()
        qtbot.keyClick(dialog.box, Qt.Key.Key_PageUp)
        seen["back"] = dialog.list.currentIndex().row()
        seen["focus"] = dialog.focusWidget() is dialog.box
        dialog.reject()

    drive_dialog(qtbot, use)
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert seen["first"] == 0 and seen["paged"] > 3 and seen["back"] == 0 and seen["focus"]
