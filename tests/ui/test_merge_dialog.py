"""Customer › Merge with… and Customer › Possible duplicates…, driven with keys."""

import gc
import threading
from datetime import date, datetime, timedelta

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers, interactions, purchases
from journal.errors import Cancelled
from journal.rules import duplicates
from journal.storage.models import Customer, NotDuplicate
from ui.customers.merge_dialog import DuplicatesDialog, MergeDialog

from .test_main_window import drive_dialog, press, timeline_titles, visible_names


def two_smiths():
    customers.create_customer(name="John Smith", company="Acme", email="john@acme.example")
    jon = customers.create_customer(name="Jon Smith", company="Acme", email="JOHN@acme.example",
                                    phone="+44 20 7946 0018", address="12 High St")
    purchases.add_purchase(jon.id, date.today() - timedelta(days=3), "Oak table", 1200_00)
    interactions.log_interaction(jon.id, "meeting", "in", "Met Jon at the fair",
                                 occurred_at=datetime.now() - timedelta(days=2))
    customers.create_customer(name="Ann Lee", company="Acme")
    customers.create_customer(name="Anne Lee", company="Acme")
    customers.create_customer(name="Ada Lovelace")


def table_rows(dialog):
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _id(name):
    return customers.find_by_name(name).id


def test_merge_with_chosen_by_keys_then_undo_and_redo(qtbot, make_window):
    window = make_window(populate=two_smiths)
    window.customer_list.select(_id("John Smith"))
    assert window.actions.merge_with in window.menuBar().actions()[2].menu().actions()

    def fill(dialog):
        assert isinstance(dialog, MergeDialog)
        gc.collect()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        picker = QApplication.focusWidget()
        assert picker is dialog.picker
        assert not dialog.merge_button.isEnabled()
        qtbot.keyClicks(picker, "Lee")
        qtbot.keyClick(picker.completer().popup(), Qt.Key.Key_Escape)
        qtbot.keyClick(picker, Qt.Key.Key_Return)  # two match: nothing is chosen, nothing merged
        assert dialog.isVisible() and "2 customers match “Lee”" in dialog.error.text()
        assert not dialog.merge_button.isEnabled()
        assert QApplication.focusWidget() is picker
        picker.selectAll()
        qtbot.keyClicks(picker, "jon")
        popup = picker.completer().popup()
        assert popup.isVisible()
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert picker.text() == "Jon Smith — Acme"
        assert QApplication.focusWidget() is dialog.merge_button  # the next Enter merges
        rows = table_rows(dialog)
        assert ["Phone", "—", "+44 20 7946 0018", "+44 20 7946 0018  (filled in from Jon Smith)"] in rows
        assert ["Name", "John Smith", "Jon Smith", "John Smith  (Jon Smith's kept in a note)"] in rows
        assert ["E-mail", "john@acme.example", "JOHN@acme.example", "john@acme.example"] in rows
        assert "1 interaction, 1 purchase" in dialog.moving.text()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    driver = drive_dialog(qtbot, fill)
    window.actions.merge_with.trigger()
    driver.check()
    assert visible_names(window) == ["Ada Lovelace", "Ann Lee", "Anne Lee", "John Smith"]
    assert window.page.header.name.text() == "John Smith"
    titles = timeline_titles(window)
    assert "Merged Jon Smith into this customer" in titles and "Met Jon at the fair" in titles
    assert window.page.header.purchases.value.text().startswith("1 purchase")
    assert "Merged Jon Smith into John Smith" in window.statusBar().currentMessage()

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Jon Smith" in visible_names(window)
    assert window.page.header.name.text() == "John Smith"
    assert "Met Jon at the fair" not in timeline_titles(window)
    assert Customer.get_by_id(_id("John Smith")).phone == ""
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "Jon Smith" not in visible_names(window)
    assert "Met Jon at the fair" in timeline_titles(window)


def test_keep_the_other_one_instead(qtbot, make_window):
    window = make_window(populate=two_smiths)
    window.customer_list.select(_id("John Smith"))

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClicks(QApplication.focusWidget(), "Jon Smith")
        popup = dialog.picker.completer().popup()
        assert popup.isVisible()
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is dialog.merge_button
        assert dialog.table.horizontalHeaderItem(1).text() == "John Smith (kept)"
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)  # back from the completer's popup
        dialog.swap_button.setFocus()  # as by Tab (mnemonics do not fire under the offscreen platform)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        assert dialog.table.horizontalHeaderItem(1).text() == "Jon Smith (kept)"
        assert dialog.picker.text() == "John Smith — Acme"
        assert QApplication.focusWidget() is dialog.merge_button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    driver = drive_dialog(qtbot, fill)
    window.actions.merge_with.trigger()
    driver.check()
    assert "John Smith" not in visible_names(window)
    assert window.page.header.name.text() == "Jon Smith"


def test_possible_duplicates_merge_and_not_duplicates_by_keys(qtbot, make_window):
    window = make_window(populate=two_smiths)

    def confirm(dialog):
        assert isinstance(dialog, MergeDialog)
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        assert dialog.picker.text() == "Jon Smith — Acme"
        assert QApplication.focusWidget() is dialog.merge_button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    def fill(dialog):
        assert isinstance(dialog, DuplicatesDialog)
        gc.collect()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        listing = QApplication.focusWidget()
        assert listing is dialog.list
        rows = [[listing.topLevelItem(r).text(c) for c in range(3)] for r in range(listing.topLevelItemCount())]
        assert rows == [["John Smith — Acme", "Jon Smith — Acme", "same e-mail, similar name"],
                        ["Ann Lee — Acme", "Anne Lee — Acme", "similar name"]]
        qtbot.keyClick(listing, Qt.Key.Key_Down)
        dialog.different_button.setFocus()  # as by Tab
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        assert QApplication.focusWidget() is listing  # back on the list for the next pair
        assert listing.topLevelItemCount() == 1
        assert "Ctrl+Z" in window.statusBar().currentMessage()
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo, from the list
        assert listing.topLevelItemCount() == 2
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert listing.topLevelItemCount() == 1
        listing.setFocus()
        assert listing.currentItem().text(0) == "John Smith — Acme"
        confirmed = drive_dialog(qtbot, confirm)
        qtbot.keyClick(listing, Qt.Key.Key_Return)  # Enter on a pair: the merge confirmation
        confirmed.check()
        assert dialog.isVisible()
        assert listing.topLevelItemCount() == 0
        assert "No possible duplicates" in dialog.status.text()
        qtbot.keyClick(listing, Qt.Key.Key_Escape)

    driver = drive_dialog(qtbot, fill)
    window.actions.possible_duplicates.trigger()
    driver.check()
    assert visible_names(window) == ["Ada Lovelace", "Ann Lee", "Anne Lee", "John Smith"]
    assert window.page.header.name.text() == "John Smith"


def test_enter_in_the_picker_only_shows_what_would_happen(qtbot, make_window):
    window = make_window(populate=two_smiths)
    window.customer_list.select(_id("John Smith"))

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        picker = QApplication.focusWidget()
        qtbot.keyClicks(picker, "jon smith")  # one customer matches
        qtbot.keyClick(picker.completer().popup(), Qt.Key.Key_Escape)
        qtbot.keyClick(picker, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.plan is not None
        assert QApplication.focusWidget() is dialog.merge_button
        assert Customer.get_by_id(_id("Jon Smith")).deleted_at is None  # not merged by that Enter
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    driver = drive_dialog(qtbot, fill)
    assert not window.merge_with()
    driver.check()
    assert "Jon Smith" in visible_names(window)
    assert window.undo_stack.count() == 0


def test_cards_waiting_for_the_other_customer_follow_the_merge(qtbot, make_window):
    from journal.writes import drafts

    window = make_window(populate=two_smiths)
    john, jon = _id("John Smith"), _id("Jon Smith")
    window.customer_list.select(jon)
    window.card_for_current()  # Jon is put on the thank-you card list by hand
    assert window.cards_window.hand_picked == [jon]
    window.customer_list.select(john)

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClicks(QApplication.focusWidget(), "jon")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the completer's list is not needed
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    driver = drive_dialog(qtbot, fill)
    window.merge_with()
    driver.check()
    assert getattr(window, "cards_window", None) is None  # closed, its draft saved first
    assert drafts.load_draft(drafts.THANK_YOU_CARDS)["hand_picked"] == [john]
    assert window.open_cards().hand_picked == [john]
    window.undo_stack.undo()
    assert drafts.load_draft(drafts.THANK_YOU_CARDS)["hand_picked"] == [jon]
    assert window.open_cards().hand_picked == [jon]


def test_a_journal_that_cannot_be_written_changes_nothing_and_says_why(qtbot, make_window):
    from journal.storage.models import database

    from ..journal.test_merge import dump

    window = make_window(populate=two_smiths)
    window.customer_list.select(_id("John Smith"))
    seen = {}

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClicks(QApplication.focusWidget(), "jon")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        before = dump()
        database.execute_sql("PRAGMA query_only = 1")  # SQLite refuses every write, as for a read-only file
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["message"], seen["open"], seen["same"] = dialog.error.text(), dialog.isVisible(), dump() == before
        database.execute_sql("PRAGMA query_only = 0")  # writable again
        qtbot.keyClick(dialog.merge_button, Qt.Key.Key_Return)

    driver = drive_dialog(qtbot, fill)
    assert window.merge_with()
    driver.check()
    assert seen == {"message": seen["message"], "open": True, "same": True}
    assert seen["message"].startswith("The journal cannot be written")
    assert window.undo_stack.count() == 1 and "Jon Smith" not in visible_names(window)


def when_midway(qtbot, dialog, midway):
    """Once the dialog is up and the held finder has reached its report (hold_the_finder)."""
    gc.collect()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    qtbot.waitUntil(midway.is_set, timeout=20_000)

def hold_the_finder(monkeypatch, at: int):
    """The real duplicates.find_duplicates, held at its `at`-th progress report
    until the test sets `resume`: (heard, outcome, midway, resume), where heard
    holds each report (done, total) and outcome how the work ended (the error's
    type, or where it finished)."""
    heard, outcome = [], []
    midway, resume = threading.Event(), threading.Event()
    real = duplicates.find_duplicates

    def finding(*, include_dismissed=False, progress=None):
        def reporting(done, total):
            heard.append((done, total))
            if len(heard) == at:  # the worker is midway: it waits there until the test lets it go on
                midway.set()
                assert resume.wait(30), "the test never let the work go on"
            return progress(done, total)
        try:
            found = real(include_dismissed=include_dismissed, progress=reporting)
        except BaseException as error:
            outcome.append(type(error))
            raise
        outcome.append(threading.current_thread() is threading.main_thread() and "on the GUI thread" or "finished")
        return found

    monkeypatch.setattr(duplicates, "find_duplicates", finding)
    return heard, outcome, midway, resume


@pytest.mark.real_threads
def test_stop_looking_for_duplicates_midway_stops_the_worker_and_shows_nothing(qtbot, make_window, monkeypatch):
    def many():
        two_smiths()
        customers.create_customers([{"name": f"Person {n}", "company": f"Firm {n % 5}"} for n in range(600)])

    window = make_window(populate=many)
    before = (sorted(Customer.select(Customer.id, Customer.name).tuples()), NotDuplicate.select().count())
    heard, outcome, midway, resume = hold_the_finder(monkeypatch, at=3)

    def fill(dialog):
        when_midway(qtbot, dialog, midway)
        qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=5000)  # a bar that moves, not just a line
        assert dialog.progress.isVisible() and dialog.stop_button.isVisible()
        assert dialog.progress.maximum() == heard[0][1]
        listing = QApplication.focusWidget()
        assert listing is dialog.list and listing.topLevelItemCount() == 0
        qtbot.keyClick(listing, Qt.Key.Key_Backtab)
        assert QApplication.focusWidget() is dialog.stop_button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        assert "Stopped looking" in dialog.status.text() and not dialog.progress.isVisible()
        resume.set()
        qtbot.waitUntil(lambda: bool(outcome), timeout=20_000)
        assert outcome == [Cancelled]  # the worker itself stopped, at its very next report
        assert len(heard) == 3 and heard[-1][0] < heard[-1][1] // 2  # the report it waited at raised
        assert listing.topLevelItemCount() == 0 and not dialog.merge_button.isEnabled()
        assert dialog.stop_button.text() == "&Look again"
        assert QApplication.focusWidget() is dialog.stop_button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # look again, to the end this time
        qtbot.waitUntil(lambda: listing.topLevelItemCount() > 0, timeout=30_000)
        assert outcome == [Cancelled, "finished"]
        assert not dialog.progress_row.isVisible()
        assert [listing.topLevelItem(0).text(c) for c in range(3)] == [
            "John Smith — Acme", "Jon Smith — Acme", "same e-mail, similar name"]
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    driver = drive_dialog(qtbot, fill)
    window.actions.possible_duplicates.trigger()
    driver.check()
    assert (sorted(Customer.select(Customer.id, Customer.name).tuples()), NotDuplicate.select().count()) == before


@pytest.mark.real_threads
def test_closing_the_duplicates_list_midway_stops_its_worker(qtbot, make_window, monkeypatch):
    window = make_window(populate=two_smiths)
    heard, outcome, midway, resume = hold_the_finder(monkeypatch, at=2)

    def close(dialog):
        when_midway(qtbot, dialog, midway)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        assert not dialog.isVisible()

    driver = drive_dialog(qtbot, close)
    window.actions.possible_duplicates.trigger()
    driver.check()
    resume.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=20_000)
    assert outcome == [Cancelled] and len(heard) == 2


@pytest.mark.real_threads
def test_merge_and_not_duplicates_wait_for_a_pair_while_the_first_looking_runs(qtbot, make_window, monkeypatch):
    """On first opening, while it is still looking and nothing is listed, there is
    no pair to merge or dismiss: both buttons are off, and Tab passes them by."""
    window = make_window(populate=two_smiths)
    _, _, midway, resume = hold_the_finder(monkeypatch, at=1)

    def fill(dialog):
        when_midway(qtbot, dialog, midway)
        listing = QApplication.focusWidget()
        assert listing is dialog.list and listing.topLevelItemCount() == 0
        assert not dialog.merge_button.isEnabled() and not dialog.different_button.isEnabled()
        qtbot.keyClick(listing, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() not in (dialog.merge_button, dialog.different_button)
        resume.set()
        qtbot.waitUntil(lambda: listing.topLevelItemCount() == 2, timeout=20_000)
        assert dialog.current_pair() is not None
        assert dialog.merge_button.isEnabled() and dialog.different_button.isEnabled()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    driver = drive_dialog(qtbot, fill)
    try:
        window.actions.possible_duplicates.trigger()
    finally:
        resume.set()  # a failure above must not leave the worker waiting
    driver.check()
