"""One holder of the current customer: the list, the customer's page and the
Lately panel follow it, and a save loads the customer's page once."""

from playhouse.test_utils import count_queries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal import customers
from ui.capture import CaptureDialog
from ui.lately_panel import ITEM_ROLE

from .test_main_window import dialogs_checked, drive_dialog, people, press, timeline_titles  # noqa: F401

# The queries of one quick-capture save of a meeting with Ada, as counted on
# 2026-11-23 before the current customer had one holder: 32, of which the
# customer's page loaded a second time took 10 (the customer, company, tags,
# contact points, header facts, settings, a timeline page and its count).
# One page load less: at most 22. More means a save grew a query.
QUERIES_BEFORE = 32
ONE_PAGE_LOAD = 10
MOST_QUERIES_OF_A_SAVE = QUERIES_BEFORE - ONE_PAGE_LOAD


def focused():
    return QApplication.focusWidget()


def test_a_quick_capture_save_loads_the_page_once_and_counts_its_queries(qtbot, make_window, monkeypatch):
    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    loads = []
    show = window.page.show_customer
    monkeypatch.setattr(window.page, "show_customer", lambda cid, *a, **k: (loads.append(cid), show(cid, *a, **k)))
    counted = {}

    def fill(dialog):
        assert isinstance(dialog, CaptureDialog)
        qtbot.waitUntil(dialog.isActiveWindow)
        assert focused() is dialog.summary  # Ada is already chosen: the caret waits in the summary
        qtbot.keyClicks(focused(), "Coffee at the harbour")
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        qtbot.keyClicks(focused(), "Wants a quote for shelves")
        with count_queries() as counter:
            qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # saves from the notes
        counted["save"] = counter

    drive_dialog(qtbot, fill)
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert timeline_titles(window)[0] == "Coffee at the harbour"
    queries = [record.msg[0] for record in counted["save"].get_queries()]
    print(f"{len(queries)} queries in a quick-capture save:", *queries, sep="\n  ")
    assert loads == [ada]  # the page loaded once
    assert len(queries) <= MOST_QUERIES_OF_A_SAVE, "\n".join(queries)


def panel_customer(window):
    """Whose item the panel shows selected."""
    selected = window.lately.list.selectionModel().selectedIndexes()
    assert len(selected) <= 1
    return selected[0].data(ITEM_ROLE).customer_id if selected else None


def test_the_list_the_page_and_the_panel_follow_one_current_customer(qtbot, make_window):
    window = make_window(populate=people)
    needing = {item.customer_id for item in window.lately.visible_items()}
    names = {c.id: c.name for c in customers.list_customers()}
    table = window.customer_list.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)  # the first row
    seen = []
    for _ in range(len(names)):
        cid = window.current.id
        seen.append(cid)
        assert window.customer_list.current_id() == cid and window.current_customer() == cid
        assert window.page.header.name.text() == names[cid]
        assert panel_customer(window) == (cid if cid in needing else None)
        assert focused() is table  # following never takes the focus
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert set(seen) == set(names) and needing and needing != set(names)  # some need something, some not

    # Enter on an item in the panel: that customer is the current one everywhere.
    other = next(i for i in range(window.lately.model.rowCount())
                 if window.lately.model.index(i, 0).data(ITEM_ROLE).customer_id != window.current.id)
    window.lately.list.setFocus()
    window.lately.list.setCurrentIndex(window.lately.model.index(other, 0))
    chosen = panel_customer(window)
    qtbot.keyClick(window.lately.list, Qt.Key.Key_Return)
    assert window.current.id == chosen == window.customer_list.current_id() == panel_customer(window)
    assert window.page.header.name.text() == names[chosen]


def test_another_journal_starts_from_its_own_customer(qtbot, make_window, tmp_path):
    window = make_window(populate=people)
    assert window.current.id is not None
    other = tmp_path / "other.sqlite3"
    window.files.switch_journal(other)  # a new, empty journal
    assert window.current.id is None and window.page_stack.currentWidget() is window.no_selection
    assert not window.actions.edit_details.isEnabled()
    window.files.switch_journal(tmp_path / "journal.sqlite3")
    assert window.current.id == window.customer_list.current_id() is not None
    assert window.page.header.name.text() == customers.get_customer(window.current.id).name


def test_following_never_scrolls_the_panel_away_from_its_most_pressing_items(qtbot, make_window):
    from datetime import date, timedelta

    from journal import purchases

    def many():
        for n in range(40):
            who = customers.create_customer(name=f"Customer {n:02d}")
            purchases.add_purchase(who.id, date.today() - timedelta(days=3 + n), "Oak table", 10_000)

    window = make_window(populate=many)
    proxy, scroll = window.lately.model, window.lately.list.verticalScrollBar()
    assert scroll.maximum() > 0  # more items than the panel shows
    last = proxy.index(proxy.rowCount() - 1, 0).data(ITEM_ROLE).customer_id
    window.open_customer(last)
    assert window.current.id == last and panel_customer(window) == last
    assert scroll.value() == 0
