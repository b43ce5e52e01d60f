"""The Lately panel keeps the keyboard's place when the current item leaves the
list (logged, snoozed, a colleague's change): the next Down goes to the item
that took its place and Up to the one above, as they would have from the item,
and nobody else is highlighted or opened meanwhile, nor is the list scrolled.
In a shown window, by keys on the focused list, with real writes."""

from datetime import datetime

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import interactions
from ui.lately.lately_panel import ITEM_ROLE, AttentionModel, focus_ring
identity = lambda i: (i.customer_id, i.reason, i.ref_id, i.other_customer_id)

from .test_lately_keys import choose_from_the_menu, highlighted
from .test_lately_panel import many_in_need, reasons
from .test_main_window import drive_dialog, press


def focused_list(qtbot, panel):
    panel.list.setFocus(Qt.FocusReason.TabFocusReason)  # as Tab brings a person there
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.list)
    return panel.list


def key(qtbot, which, times=1):
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), which)


def shown_by_keys(qtbot, panel, label):
    """`label` chosen in the Show box as a person does (Tab there, Down to it),
    then Tab on into the list."""
    panel.reasons.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reasons)
    labels = [panel.reasons.itemText(i) for i in range(panel.reasons.count())]
    key(qtbot, Qt.Key.Key_Down, labels.index(label))
    key(qtbot, Qt.Key.Key_Tab)


def down_beyond_the_first_pages(qtbot, panel, pages=3):
    """End until `pages` more pages are read (each End reaches the last row read,
    which asks for the next page), then two rows up: a row far down the list."""
    for _ in range(pages):
        key(qtbot, Qt.Key.Key_End)
        qtbot.waitUntil(lambda: not panel.model.asked, timeout=5000)
    key(qtbot, Qt.Key.Key_Up, 2)
    row = panel.list.currentIndex().row()
    assert row >= pages * AttentionModel.PAGE - 3 and panel.model.rowCount() > row + 1
    return row


def around(panel, row):
    """The item above the row, the row's, and the one below."""
    return tuple(panel.model.index(r, 0).data(ITEM_ROLE) for r in (row - 1, row, row + 1))


def current_item(panel):
    index = panel.list.currentIndex()
    return index.data(ITEM_ROLE) if index.isValid() else None


def log_the_current_item_by_keys(qtbot, panel):
    """Shift+F10 on the current row, L for "Log what I did…", Enter in the
    dialog (prefilled from the item): a note through the journal's services."""
    opened = []

    def choose(menu):
        opened.append(menu.isVisible())

        def save(dialog):
            qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
            key(qtbot, Qt.Key.Key_Return)  # Enter saves

        drive_dialog(qtbot, save)
        qtbot.keyClick(menu, Qt.Key.Key_L)

    assert QApplication.focusWidget() is panel.list
    choose_from_the_menu(qtbot, choose)
    assert opened == [True]


def gone(panel, item):
    return all(identity(i) != identity(item) for i in panel.visible_items())


def a_place_kept_far_down(qtbot, panel):
    """The list focused, a row far down it current, and that item answered (a
    thank-you card logged) and gone after the refresh: the keyboard keeps its
    place. The row it was on."""
    focused_list(qtbot, panel)
    row = down_beyond_the_first_pages(qtbot, panel)
    _, item, _ = around(panel, row)
    interactions.log_interaction(item.customer_id, "thank_you_card", "out", "Thank-you card", occurred_at=datetime.now())
    panel.refresh_soon(item.customer_id)
    qtbot.waitUntil(lambda: gone(panel, item) and not panel.loading)
    return row


def logged_far_down(qtbot, make_window):
    """A window with many in need, its list focused, a row far down made current
    and its item logged by keys: (window, panel, the row, (the item above, the
    item, the item below))."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    focused_list(qtbot, panel)
    row = down_beyond_the_first_pages(qtbot, panel)
    items = around(panel, row)
    log_the_current_item_by_keys(qtbot, panel)
    qtbot.waitUntil(lambda: gone(panel, items[1]))
    return window, panel, row, items


def test_after_the_current_item_is_logged_down_goes_on_from_its_place(qtbot, make_window):
    """Far down the list (the fourth page), the current item logged by keys: no
    row is current and nobody but the customer shown is highlighted, the list
    does not move, a line in the ring's colour marks the place; Down then goes
    to the item that took its place, not to the top."""
    window, panel, row, (above, item, below) = logged_far_down(qtbot, make_window)
    bar = panel.list.verticalScrollBar()
    assert window.page.header.name.text() == item.customer_name  # the log opened the customer it was for
    window.activateWindow()  # (the window manager's part once the dialog closes)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.list)  # the keys are back where they were
    selected, current = highlighted(panel)
    assert current is None and set(selected) <= {item.customer_name}  # their other items: the customer shown
    scrolled = bar.value()
    assert panel.model.index(row, 0).data(ITEM_ROLE) == below
    rect = panel.list.visualRect(panel.model.index(row, 0))
    image = panel.list.viewport().grab().toImage()
    assert image.pixelColor(rect.center().x(), rect.top() + 1) == focus_ring(panel.list.palette())  # the place's line
    key(qtbot, Qt.Key.Key_Down)
    assert current_item(panel) == below and highlighted(panel) == ([below.customer_name], below.customer_name)
    assert bar.value() == scrolled  # the row below the place was in view already: no jump
    assert window.page.header.name.text() == item.customer_name  # moving by keys opens nobody
    key(qtbot, Qt.Key.Key_Up)
    assert current_item(panel) == above  # the one above the place: the logged item is gone


def test_a_colleagues_change_in_a_reason_leaves_up_to_the_item_above(qtbot, make_window):
    """"Purchase not thanked" chosen in the Show box, the person far down it; a
    colleague thanks that customer (a write through the journal's services,
    then the refresh the window starts for a colleague's change). Up goes to
    the item above the place, in the same reason's list."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    shown_by_keys(qtbot, panel, "Purchase not thanked (120)")
    assert panel.reasons.currentData() == "unthanked_purchase"
    assert QApplication.focusWidget() is panel.list
    row = down_beyond_the_first_pages(qtbot, panel, pages=2)
    above, item, below = around(panel, row)
    bar = panel.list.verticalScrollBar()
    scrolled = bar.value()
    interactions.log_interaction(item.customer_id, "thank_you_card", "out", "Thank-you card for the chair",
                                 occurred_at=datetime.now())
    panel.refresh_soon(item.customer_id)
    qtbot.waitUntil(lambda: gone(panel, item) and not panel.loading)
    selected, current = highlighted(panel)
    assert current is None and set(selected) <= {window.page.header.name.text()} and bar.value() == scrolled
    assert panel.reasons.currentData() == "unthanked_purchase" and {i.reason for i in panel.visible_items()} == {
        "unthanked_purchase"}
    key(qtbot, Qt.Key.Key_Up)
    assert current_item(panel) == above
    key(qtbot, Qt.Key.Key_Down)
    assert current_item(panel) == below


def test_an_item_logged_and_undone_is_the_current_row_again(qtbot, make_window):
    """Ctrl+Z brings the item back where it was: it is the current row again,
    and Down goes to the row below it, as before it left."""
    window, panel, row, (_, item, below) = logged_far_down(qtbot, make_window)
    bar = panel.list.verticalScrollBar()
    scrolled = bar.value()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Edit › Undo
    qtbot.waitUntil(lambda: not gone(panel, item) and not panel.loading)
    assert current_item(panel) == item and panel.list.currentIndex().row() == row and bar.value() == scrolled
    focused_list(qtbot, panel)
    key(qtbot, Qt.Key.Key_Down)
    assert current_item(panel) == below


def test_the_place_and_the_current_row_outlast_a_refresh_of_everything(qtbot, make_window):
    """A refresh of everything (a colleague's change the window cannot pin to
    customers) reads the list again whole: the current row stays current and
    the list stays where it was; once it has left, its place is kept."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    focused_list(qtbot, panel)
    row = down_beyond_the_first_pages(qtbot, panel)
    above, item, below = around(panel, row)
    bar = panel.list.verticalScrollBar()
    scrolled = bar.value()
    shown = panel._shown_generation
    panel.refresh_soon(None)
    qtbot.waitUntil(lambda: panel._shown_generation > shown and not panel.loading)
    assert panel._state.full and current_item(panel) == item and bar.value() == scrolled
    interactions.log_interaction(item.customer_id, "check_in", "out", "How is the chair?",
                                 occurred_at=datetime.now())
    interactions.log_interaction(item.customer_id, "thank_you_card", "out", "Thank-you card", occurred_at=datetime.now())
    shown = panel._shown_generation
    panel.refresh_soon(None)
    qtbot.waitUntil(lambda: panel._shown_generation > shown and not panel.loading)
    assert gone(panel, item) and current_item(panel) is None and bar.value() == scrolled
    key(qtbot, Qt.Key.Key_Down)
    assert current_item(panel) == below


def test_another_reason_is_another_list_the_place_goes(qtbot, make_window):
    """The place is in the list it was kept in: another reason chosen in the
    Show box starts at its top, and Tab back into the list rings its first row."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    a_place_kept_far_down(qtbot, panel)
    key(qtbot, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is panel.reasons
    key(qtbot, Qt.Key.Key_Down)  # Show › the first reason
    assert panel.reasons.currentData() == "never_contacted"
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.list
    assert panel.list.currentIndex().row() == 0
    assert panel.list.verticalScrollBar().value() == 0
    key(qtbot, Qt.Key.Key_Down)
    assert panel.list.currentIndex().row() == 1 and {i.reason for i in panel.visible_items()} == {"never_contacted"}


def test_page_down_from_the_place_goes_a_page_on_from_the_item_that_took_it(qtbot, make_window):
    window = make_window(populate=many_in_need)
    panel = window.lately
    row = a_place_kept_far_down(qtbot, panel)
    key(qtbot, Qt.Key.Key_PageDown)
    assert panel.list.currentIndex().row() > row  # a page on, beyond the item that took the place
    assert highlighted(panel) == ([current_item(panel).customer_name], current_item(panel).customer_name)


def test_when_the_reason_chosen_has_none_left_the_keys_start_at_the_top_of_everything(qtbot, make_window):
    """"Follow-up due (1)" chosen and its only item logged by keys: the Show box
    goes back to Everything, another list, shown from its top, its first row
    ringed when the focus is back; Down goes on from there."""
    from .test_lately_panel import journal_with_needs

    window = make_window(populate=journal_with_needs)
    panel = window.lately
    shown_by_keys(qtbot, panel, "Follow-up due (1)")
    assert QApplication.focusWidget() is panel.list and current_item(panel).reason == "follow_up_due"
    log_the_current_item_by_keys(qtbot, panel)
    qtbot.waitUntil(lambda: panel.reasons.currentData() is None and not panel.loading)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.list)
    assert panel.reasons.currentText() == "Everything (3)" and panel.list.place() is None
    assert panel.list.verticalScrollBar().value() == 0
    assert panel.list.currentIndex().row() == 0  # the focus back in the list rings its first row
    key(qtbot, Qt.Key.Key_Down)
    assert panel.list.currentIndex().row() == 1


@pytest.mark.real_threads
def test_the_place_is_kept_with_pages_and_refreshes_on_the_kept_thread(qtbot, make_window):
    """As in the app: the pages and the refresh after a change read on the kept
    thread, arriving when they come."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    qtbot.waitUntil(lambda: len(panel.visible_items()) == AttentionModel.PAGE and not panel.loading, timeout=5000)
    focused_list(qtbot, panel)
    row = down_beyond_the_first_pages(qtbot, panel)
    above, item, below = around(panel, row)
    scrolled = panel.list.verticalScrollBar().value()
    interactions.log_interaction(item.customer_id, "thank_you_card", "out", "Thank-you card", occurred_at=datetime.now())
    panel.refresh_soon(item.customer_id)
    qtbot.waitUntil(lambda: gone(panel, item) and not panel.loading, timeout=5000)
    assert current_item(panel) is None and panel.list.verticalScrollBar().value() == scrolled
    key(qtbot, Qt.Key.Key_Down)
    assert current_item(panel) == below


def test_end_from_the_place_goes_to_the_last_row(qtbot, make_window):
    """(Before: to the first. With no current row, Qt's list takes every key to
    the first row.) Found by review."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    row = a_place_kept_far_down(qtbot, panel)
    assert current_item(panel) is None and panel.list.place() is not None
    key(qtbot, Qt.Key.Key_End)
    assert panel.list.currentIndex().row() >= row
    key(qtbot, Qt.Key.Key_Home)
    assert panel.list.currentIndex().row() == 0


def test_another_journal_opened_starts_the_list_afresh(qtbot, make_window, tmp_path):
    """The keyboard's place is the journal's: in another one, an item with the
    same ids is someone else (before: made the current row, and Enter acted on
    them). Found by review."""
    from datetime import date, timedelta

    from journal.storage import db
    from journal.writes import customers, purchases

    other = tmp_path / "other.sqlite3"
    db.connect(other)
    for n in range(120):  # the same ids as many_in_need's first customers, other people
        c = customers.create_customer(name=f"Other {n:03}")
        purchases.add_purchase(c.id, date.today() - timedelta(days=30), "Lamp", 5_000)
    db.close()
    window = make_window(populate=many_in_need)
    panel = window.lately
    focused_list(qtbot, panel)
    key(qtbot, Qt.Key.Key_Down, 5)
    assert current_item(panel) is not None
    window.files.switch_journal(other)
    qtbot.waitUntil(lambda: window.journal_path == other and not panel.loading)
    qtbot.waitUntil(lambda: any(i.customer_name.startswith("Other") for i in panel.visible_items()))
    assert current_item(panel) is None and panel.list.place() is None


@pytest.mark.real_threads
def test_down_at_the_last_row_read_goes_on_once_the_next_page_comes(qtbot, make_window):
    """End reaches the last row read so far, and the next page is asked for on
    the kept thread; a Down pressed before it comes (a key held down, End then
    Down) moves on to the first row of that page when it comes. Before, it was
    lost: the row stayed where it was and Down had to be pressed again."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    qtbot.waitUntil(lambda: panel.model.rowCount() == AttentionModel.PAGE, timeout=5000)
    focused_list(qtbot, panel)
    key(qtbot, Qt.Key.Key_End)
    assert panel.list.currentIndex().row() == AttentionModel.PAGE - 1 and panel.model.asked  # the page on its way
    key(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: panel.list.currentIndex().row() == AttentionModel.PAGE, timeout=5000)
    assert panel.model.rowCount() == 2 * AttentionModel.PAGE and not panel.model.asked
    first = panel.model.index(AttentionModel.PAGE, 0).data(ITEM_ROLE)
    assert highlighted(panel) == ([first.customer_name], first.customer_name)  # as any Down highlights its row
    rect = panel.list.visualRect(panel.list.currentIndex())
    assert panel.list.viewport().rect().contains(rect)  # and shows it
    key(qtbot, Qt.Key.Key_Up)
    assert panel.list.currentIndex().row() == AttentionModel.PAGE - 1  # one Down, one row


@pytest.mark.real_threads
def test_the_row_the_keys_reach_keeps_its_highlight_when_the_next_page_comes(qtbot, make_window):
    """End (or Down) to the last row read brings the next page; the row the keys
    are on stays highlighted as any row they reach is. Before, the page's coming
    moved the highlight back to the customer shown on the page, leaving the
    row only its ring. Found in a real window."""
    window = make_window(populate=many_in_need)
    panel = window.lately
    qtbot.waitUntil(lambda: panel.model.rowCount() == AttentionModel.PAGE, timeout=5000)
    focused_list(qtbot, panel)
    key(qtbot, Qt.Key.Key_End)
    assert panel.model.asked  # the page read on the kept thread: it comes after the key
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 * AttentionModel.PAGE and not panel.model.asked,
                    timeout=5000)
    item = current_item(panel)
    assert panel.list.currentIndex().row() == AttentionModel.PAGE - 1
    assert item.customer_id != window.current_customer()
    assert highlighted(panel) == ([item.customer_name], item.customer_name)
    # Choosing another customer on the left still highlights theirs.
    window.customer_list.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.customer_list.table)
    key(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.current_customer() is not None and window.current_customer() != item.customer_id)
    shown = window.current_customer()
    selected = [i.data(ITEM_ROLE).customer_id for i in panel.list.selectionModel().selectedIndexes()]
    assert selected == [shown]


def test_a_down_with_nothing_more_to_read_is_not_kept_for_later(qtbot):
    """Every row read, the last one's item gone (its place kept after the last
    row): a Down there has no page to wait for. Before, it was kept all the
    same, and a row put in at the end much later (a colleague's change), with
    the keys long gone elsewhere, was made current and scrolled to. Found by
    review; a list of its own, its rows given by hand."""
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from journal.rules.lately import AttentionItem
    from ui.lately.lately_panel import AttentionList

    def item(n, p6):
        return AttentionItem(n, f"Cust{n:02}", "", "cadence", p6, None, "due", None, None, (10, 30, None, ""))

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    layout.addWidget(other := QLineEdit())
    layout.addWidget(found := AttentionList())
    model = AttentionModel()
    found.setModel(model)
    box.show()
    qtbot.waitExposed(box)
    items = [item(n, 600 - n) for n in range(5)]
    model.set_rows(items, 5)
    found.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is found)
    key(qtbot, Qt.Key.Key_End)
    model.replace_rows(items[:4], 4)  # the last item leaves: its place is kept, after the last row
    assert not found.currentIndex().isValid() and found.place() == 4 and not model.canFetchMore()
    key(qtbot, Qt.Key.Key_Down)  # nothing after it, nothing more to read
    other.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is other)
    model.replace_rows(items[:4] + [item(9, 100)], 5)  # later: a row put in at the end
    QApplication.processEvents()  # (a carried Down comes on the event loop's next turn: this one)
    assert not found.currentIndex().isValid()
