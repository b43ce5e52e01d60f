"""The customer list reads a page at a time: the first paint reads only the
pages in view, scrolling reads the rest, selecting a customer far down the
list works before their page was read, and painting never queries."""

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers, interactions
from journal.storage.models import database
from ui.customers import customer_list
from ui.customers.customer_list import NAME, OVERDUE

PEOPLE = 90


def many():
    rows = [dict(name=f"Person {n:03d}", company=f"Firm {n % 7}", stage="customer", cadence_days=30)
            for n in range(PEOPLE)]
    customers.create_customers(rows)
    for n in range(0, PEOPLE, 3):  # some given value lately, some long ago
        person = customers.find_by_name(f"Person {n:03d}")
        interactions.log_interaction(person.id, "gift", "out", "Flowers",
                                     occurred_at=datetime.now() - timedelta(days=n))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(customer_list, "PAGE", 10)


class Statements:
    """The SQL run on the GUI thread's connection while it is watched."""

    def __init__(self):
        self.seen = []

    def __enter__(self):
        database.connection().set_trace_callback(self.seen.append)
        return self

    def __exit__(self, *exc):
        database.connection().set_trace_callback(None)


def test_first_paint_reads_only_the_pages_in_view(qtbot, make_window, small_pages):
    window = make_window(populate=many)
    model = window.customer_list.model
    assert model.rowCount() == PEOPLE  # the scroll bar knows the whole list
    assert 0 < len(model._pages) < PEOPLE // 10  # but only the pages around the view were read
    table = window.customer_list.table
    with Statements() as sql:
        table.viewport().repaint()  # painting asks data() for every visible cell
    assert sql.seen == []  # and data() never queries
    assert table.indexAt(table.viewport().rect().topLeft()).data() == "Person 000"


def test_scrolling_reads_pages_before_they_are_painted(qtbot, make_window, small_pages):
    window = make_window(populate=many)
    table = window.customer_list.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # to the last customer, unread
    assert window.customer_list.current_id() == customers.find_by_name(f"Person {PEOPLE - 1:03d}").id
    assert window.page.header.name.text() == f"Person {PEOPLE - 1:03d}"
    bottom = table.indexAt(table.viewport().rect().bottomLeft() + table.viewport().rect().topLeft())
    qtbot.waitUntil(lambda: table.model()._cached(table.rowAt(table.viewport().height() - 5)) is not None)
    with Statements() as sql:
        table.viewport().repaint()
    assert sql.seen == []
    assert bottom.isValid()
    row = table.rowAt(table.viewport().height() - 5)
    assert table.model().index(row, NAME).data().startswith("Person ")


def test_selecting_a_customer_whose_page_was_not_read(qtbot, make_window, small_pages):
    window = make_window(populate=many)
    far = customers.find_by_name("Person 077").id
    model = window.customer_list.model
    assert model.row_of_cached(far) is None
    assert window.customer_list.select(far)
    assert window.customer_list.current_id() == far
    assert window.page.header.name.text() == "Person 077"
    assert [i.row() for i in window.customer_list.table.selectionModel().selectedRows()] == [77]


def test_typing_in_the_find_box_filters_in_sql(qtbot, make_window, small_pages):
    window = make_window(populate=many)
    box = window.customer_list.filter_box
    box.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "firm 3 person 0")
    model = window.customer_list.model
    names = [model.customer_at(r).name for r in range(model.rowCount())]
    expected = [f"Person {n:03d}" for n in range(PEOPLE)
                if all(w in f"person {n:03d} firm {n % 7}" for w in ("firm", "3", "person", "0"))]
    assert names == expected and "Person 013" in names and "Person 012" not in names
    assert window.customer_list.current_id() == customers.find_by_name("Person 003").id


def test_sorting_by_days_overdue(qtbot, make_window, small_pages):
    window = make_window(populate=many)
    model = window.customer_list.model
    model.sort(OVERDUE, Qt.SortOrder.DescendingOrder)
    rows = [model.customer_at(r) for r in range(model.rowCount())]
    today = date.today()
    lateness = [-1 if r.days_overdue(today) is None else r.days_overdue(today) for r in rows]
    assert lateness == sorted(lateness, reverse=True) and lateness[0] > 0 and lateness[-1] == -1
    model.set_due_only(True)
    assert model.rowCount() == sum(1 for x in lateness if x >= 0)


def test_a_long_name_far_down_the_list_is_not_cut(qtbot, make_window, small_pages):
    def populate():
        many()
        customers.create_customer(name="Zebedee Maximilian Featherstonehaugh-Cholmondeley")

    window = make_window(populate=populate)
    model = window.customer_list.model
    assert model.row_of_cached(customers.find_by_name("Zebedee Maximilian Featherstonehaugh-Cholmondeley").id) is None
    qtbot.waitUntil(model.measured)  # measured off the GUI thread once the window is up
    table = window.customer_list.table
    needed = table.fontMetrics().horizontalAdvance("Zebedee Maximilian Featherstonehaugh-Cholmondeley")
    assert table.horizontalHeader().sectionSize(NAME) >= needed


def test_a_first_click_on_overdue_puts_the_most_overdue_first(qtbot, make_window, small_pages):
    """Clicked with the mouse (the header takes no keyboard focus): most late first,
    and a second click turns it round; names still sort A to Z on their first click."""
    window = make_window(populate=many)
    table, model = window.customer_list.table, window.customer_list.model
    header = table.horizontalHeader()

    def click(column):
        point = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point, header.height() // 2))

    click(OVERDUE)
    today = date.today()
    first = model.customer_at(0).days_overdue(today)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder and first is not None and first > 0
    click(OVERDUE)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert model.customer_at(0).days_overdue(today) is None
    click(NAME)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder and model.customer_at(0).name == "Person 000"


def test_sorting_from_the_keyboard_with_the_view_menu(qtbot, make_window, small_pages):
    """The headings take no focus, so View › Sort customers by does what their
    clicks do: Alt+V, S, O sorts by Overdue, most late first; once more turns
    it round; the menu shows the sort a heading click chose."""
    from PySide6.QtWidgets import QMenu

    from ui.customers.customer_list import COMPANY

    window = make_window(populate=many)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    model, header = window.customer_list.model, window.customer_list.table.horizontalHeader()
    today = date.today()

    def choose(letter):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        view_menu = QApplication.activePopupWidget()
        assert view_menu.title() == "&View"
        qtbot.keyClick(view_menu, Qt.Key.Key_S)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not view_menu)
        sort_menu = QApplication.activePopupWidget()
        assert sort_menu.title() == "&Sort customers by" and sort_menu.isVisible()
        qtbot.keyClick(sort_menu, letter)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)

    table = window.customer_list.table
    window.resize(1000, 420)  # a dozen rows in sight
    qtbot.waitUntil(lambda: table.viewport().height() < 300)
    in_sight = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    chosen = model.id_at(0)  # Person 000, given flowers today: far down when the most overdue come first
    window.open_customer(chosen)
    choose(Qt.Key.Key_O)
    assert header.sortIndicatorSection() == OVERDUE and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # The customer on screen is still chosen in the list, and in sight at its new place.
    current = table.currentIndex()
    assert model.id_at(current.row()) == chosen and current.row() > in_sight
    assert table.viewport().rect().intersects(table.visualRect(current))
    assert model.customer_at(0).days_overdue(today) > 0
    assert window.sort_actions[OVERDUE].isChecked()
    choose(Qt.Key.Key_O)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert model.customer_at(0).days_overdue(today) is None
    choose(Qt.Key.Key_N)
    assert header.sortIndicatorSection() == NAME and model.customer_at(0).name == "Person 000"

    # A column out of sight (a laptop screen starts with last value, since and contact
    # hidden): sorted by it, it shows, its heading saying what the order is.
    from ui.customers.customer_list import LAST_VALUE

    header.setSectionHidden(LAST_VALUE, True)
    choose(Qt.Key.Key_G)  # Last value &given
    assert header.sortIndicatorSection() == LAST_VALUE and not header.isSectionHidden(LAST_VALUE)
    assert header.sectionSize(LAST_VALUE) > 0

    point = header.sectionViewportPosition(COMPANY) + header.sectionSize(COMPANY) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point, header.height() // 2))
    assert window.sort_actions[COMPANY].isChecked() and not window.sort_actions[NAME].isChecked()


def test_a_list_read_that_fails_leaves_the_model_whole(qtbot, make_window, small_pages, qtlog, monkeypatch):
    """A team server gone in the middle of a refresh: the read fails, the error
    goes on to be shown, and the list is left empty and consistent (no reset or
    layout change left open, which Qt warns of and views trip over); the next
    refresh shows everyone again."""
    from peewee import OperationalError

    window = make_window(populate=many)
    model = window.customer_list.model

    def gone(query):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as server_gone:
        server_gone.setattr(customer_list.pages, "count", gone)
        server_gone.setattr(customer_list.pages, "order", gone)  # (days overdue: every customer's order read)
        with pytest.raises(OperationalError):
            model.reload()
        assert model.rowCount() == 0
        with pytest.raises(OperationalError):
            model.set_due_only(True)
        assert model.rowCount() == 0
    # the server is back
    model.set_due_only(False)
    model.reload()
    assert model.rowCount() == PEOPLE and model.customer_at(0).name == "Person 000"
    window.customer_list.table.viewport().repaint()
    assert not [r for r in qtlog.records if "without" in r.message or "ResetModel" in r.message]


def test_down_and_up_in_the_find_box_move_through_the_customers_found(qtbot, make_window, small_pages):
    """Typing in the find box, then Down: the next customer found opens, and the
    typing can go on; Up goes back."""
    window = make_window(populate=many)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box = window.customer_list.filter_box
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    qtbot.keyClicks(box, "Person 01")  # Person 001 and 010 to 019
    model = window.customer_list.model
    found = [model.customer_at(r).name for r in range(model.rowCount())]
    assert found[:3] == ["Person 001", "Person 010", "Person 011"]
    assert window.current_customer() == customers.find_by_name("Person 001").id
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert window.current_customer() == customers.find_by_name("Person 011").id
    assert QApplication.focusWidget() is box
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert window.current_customer() == customers.find_by_name("Person 010").id
    qtbot.keyClicks(QApplication.focusWidget(), "9")
    assert box.text() == "Person 019" and model.rowCount() == 1


def test_in_a_narrow_pane_the_company_gives_way_and_how_late_stays_in_sight(qtbot, make_window, small_pages):
    """A laptop screen and long company names: the company column is elided so
    that the name and the days overdue stay whole, with no sideways scrolling
    needed to see who is late."""
    from ui.customers.customer_list import COMPANY

    def populate():
        many()
        customers.create_customer(name="Zed", company="Featherstonehaugh, Cholmondeley & Marjoribanks Holdings Ltd")

    window = make_window(populate=populate)
    table, header = window.customer_list.table, window.customer_list.table.horizontalHeader()
    qtbot.waitUntil(window.customer_list.model.measured)
    lst = window.customer_list
    window.resize(1300, 700)
    qtbot.waitUntil(lambda: sum(window.splitter.sizes()) > 800)
    total = sum(window.splitter.sizes())
    narrow = lst._natural[NAME] + lst._natural[OVERDUE] + 120 + (lst.width() - table.viewport().width())
    window.splitter.setSizes([narrow, total - narrow])
    qtbot.waitUntil(lambda: table.viewport().width() < lst._natural[NAME] + lst._natural[OVERDUE] + 160)
    assert lst._natural[COMPANY] > 300  # would not fit whole
    overdue_end = header.sectionViewportPosition(OVERDUE) + header.sectionSize(OVERDUE)
    assert overdue_end <= table.viewport().width()  # whole, in sight
    needed = table.fontMetrics().horizontalAdvance("Person 000")
    assert header.sectionSize(NAME) >= needed and header.sectionSize(COMPANY) < 200
    window.splitter.setSizes([total - 300, 300])  # room again: the company as wide as the pane allows
    qtbot.waitUntil(lambda: header.sectionSize(COMPANY) > 300)


def _sorts_everyone(statements):
    """Statements that sort every customer by days overdue (or count places in that order);
    not those that put a few customers, by their ids, in that order."""
    return [s for s in statements if ("ORDER BY coalesce(overdue" in s and "c.id IN (" not in s) or "row_number()" in s]


@pytest.mark.real_threads
def test_sorting_by_days_overdue_sorts_everyone_once_off_the_gui_thread(qtbot, make_window, small_pages):
    """At 50,000 customers every page of a list sorted by days overdue (or last
    value, company, since) was a sort of every customer on the GUI thread: 0.7 to
    1.1 s frozen on choosing the sort, 0.2 to 0.3 s on each page scrolled to.
    Now every customer's order is read once, in the background, and each page
    by its ids; the customer shown stays chosen and in sight."""
    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    shown = cl.current_id()
    with Statements() as sql:
        with qtbot.waitSignal(model.reordered, timeout=5000):
            cl.choose_sort(OVERDUE)  # what View › Sort customers by › Overdue does
        cl.table.setFocus()
        for key in (Qt.Key.Key_End, Qt.Key.Key_Home):
            qtbot.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.ControlModifier)
        for _ in range(3):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown)
    assert _sorts_everyone(sql.seen) == []
    assert any("c.id IN (" in s for s in sql.seen)  # pages read by their customers' ids
    today = date.today()
    lateness = [-1 if r.days_overdue(today) is None else r.days_overdue(today)
                for r in (model.customer_at(n) for n in range(model.rowCount()))]
    assert len(lateness) == PEOPLE and lateness == sorted(lateness, reverse=True) and lateness[0] > 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert cl.current_id() == model.customer_at(0).id != shown


@pytest.mark.real_threads
def test_a_change_while_sorted_by_overdue_moves_the_row_without_sorting_on_the_gui_thread(
        qtbot, make_window, small_pages):
    """Value given to the most overdue customer: their row says so at once, and
    they move to their new place when the order, read in the background, comes."""
    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    with qtbot.waitSignal(model.reordered, timeout=5000):
        cl.choose_sort(OVERDUE)
    latest = model.customer_at(0)
    assert latest.days_overdue(date.today()) > 0
    window.open_customer(latest.id)
    interactions.log_interaction(latest.id, "gift", "out", "Flowers")
    with Statements() as sql:
        with qtbot.waitSignal(model.reordered, timeout=5000):
            window.events.changed.emit(latest.id)
            assert model.row_of(latest.id) == 0 and model.customer_at(0).days_overdue(date.today()) is None
    assert _sorts_everyone(sql.seen) == []
    row = model.row_of(latest.id)
    assert row > 0 and model.customer_at(row).id == latest.id and cl.current_id() == latest.id


def test_home_and_end_go_to_the_first_and_last_customer(qtbot, make_window, small_pages):
    """A row is a customer, chosen whole: End was the row's last cell (nothing
    seemed to happen), now it is the last customer, read though not read before."""
    window = make_window(populate=many)
    cl = window.customer_list
    cl.table.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    assert window.current.id == cl.current_id() == customers.find_by_name(f"Person {PEOPLE - 1:03d}").id
    assert cl.table.rowAt(cl.table.viewport().height() - 5) == PEOPLE - 1  # in sight
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Home)
    assert window.current.id == cl.current_id() == customers.find_by_name("Person 000").id
    assert window.page.header.name.text() == "Person 000"  # their page shown


def test_letters_typed_in_the_list_go_on_in_the_find_box(qtbot, make_window, small_pages, monkeypatch):
    """Qt's type-to-jump read every row's text through data(): two seconds frozen
    at 50,000 customers, and rows not read yet matched nothing. Typed in the
    list, letters now start a find, in SQL."""
    window = make_window(populate=many)
    cl = window.customer_list
    asked = []
    real = customer_list.CustomerListModel.data
    monkeypatch.setattr(customer_list.CustomerListModel, "data",
                        lambda self, index, role=customer_list.DISPLAY: asked.append(index.row()) or real(self, index, role))
    cl.table.setFocus()
    for letter in "person 04":  # each key where the keyboard's focus is then, as a person types
        qtbot.keyClicks(QApplication.focusWidget(), letter)
    assert len(asked) < PEOPLE  # (each key scanned every row)
    assert QApplication.focusWidget() is cl.filter_box and cl.filter_box.text() == "person 04"
    assert [cl.model.customer_at(r).name for r in range(cl.model.rowCount())] == [
        f"Person {n:03d}" for n in range(PEOPLE) if "04" in f"{n:03d}"]


def test_a_find_in_a_list_sorted_by_overdue_narrows_the_order_already_read(qtbot, make_window, small_pages):
    """Sorted by days overdue at 50,000 customers, each letter typed in the find
    box sorted everyone again (0.4 s), and Escape, back to everyone, 1 s. Now the
    order read once is narrowed to those found, and Escape goes back to it."""
    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    cl.choose_sort(OVERDUE)
    everyone = [model.customer_at(r).id for r in range(model.rowCount())]
    cl.filter_box.setFocus()
    with Statements() as sql:
        qtbot.keyClicks(QApplication.focusWidget(), "person 0")
        found = [model.customer_at(r).id for r in range(model.rowCount())]
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert _sorts_everyone(sql.seen) == []
    expected = {customers.find_by_name(f"Person {n:03d}").id for n in range(PEOPLE) if "0" in f"{n:03d}"}
    assert found == [cid for cid in everyone if cid in expected]  # in the order by days overdue
    assert cl.filter_box.text() == "" and [model.customer_at(r).id for r in range(model.rowCount())] == everyone


def test_escape_after_a_find_keeps_the_customer_shown_in_sight(qtbot, make_window, small_pages):
    """Found and chosen, then Escape: everyone is listed again, and the list
    showed its top, the chosen customer somewhere out of sight below."""
    window = make_window(populate=many)
    cl = window.customer_list
    cl.filter_box.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "person 077")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # chosen: the list has the keys
    chosen = customers.find_by_name("Person 077").id
    assert window.current.id == chosen
    window.focus_find()  # Ctrl+F
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    table = cl.table
    assert cl.filter_box.text() == "" and cl.model.rowCount() == PEOPLE and cl.current_id() == chosen
    assert table.viewport().rect().contains(table.visualRect(table.currentIndex()))


def _sort_by_overdue_with_the_keys(qtbot, window):
    """View › Sort customers by › Overdue (Alt+V, S, O), its order read in the background."""
    from PySide6.QtWidgets import QMenu

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.customer_list.model.reordered, timeout=5000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        view_menu = QApplication.activePopupWidget()
        qtbot.keyClick(view_menu, Qt.Key.Key_S)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() not in (None, view_menu))
        qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_O)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


@pytest.mark.real_threads
def test_a_customer_added_to_a_list_sorted_by_overdue_goes_to_their_place_without_a_sort_of_everyone(
        qtbot, make_window, small_pages):
    """At 50,000 customers, adding a customer (or undoing the add) while the list
    was sorted by days overdue sorted every customer again on the GUI thread (about
    0.2-0.3 s frozen). Now the new customer goes in at their place, found by
    comparing them with a few customers by their ids, and is chosen; undone, they
    leave it and the customers in view stay where they were."""
    from .test_main_window import drive_dialog, press

    window = make_window(populate=many)
    cl, model, table = window.customer_list, window.customer_list.model, window.customer_list.table
    window.resize(1000, 520)
    qtbot.waitUntil(lambda: table.viewport().height() < 400)
    _sort_by_overdue_with_the_keys(qtbot, window)
    table.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)

    def add(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClicks(QApplication.focusWidget(), "Person 044b")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    drive_dialog(qtbot, add)  # (on the next turn of the event loop: the dialog's own)
    with Statements() as sql:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    added = customers.find_by_name("Person 044b").id
    assert _sorts_everyone(sql.seen) == []
    assert any("c.id IN (" in s and "ORDER BY coalesce(overdue" in s for s in sql.seen)  # compared a few at a time
    listed = [model.id_at(n) for n in range(model.rowCount())]
    assert listed == customer_list.pages.order(model.query())  # the place a sort of everyone gives
    row = listed.index(added)
    assert [model.customer_at(n).name for n in (row - 1, row + 1)] == ["Person 044", "Person 046"]
    assert cl.current_id() == added and window.page.header.name.text() == "Person 044b"
    assert table.viewport().rect().intersects(table.visualRect(table.currentIndex()))

    top = model.id_at(table.rowAt(0))
    with Statements() as sql:
        press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the add undone: they leave
    assert customers.find_by_name("Person 044b") is None
    assert _sorts_everyone(sql.seen) == []
    assert model.rowCount() == PEOPLE and added not in [model.id_at(n) for n in range(PEOPLE)]
    assert [model.id_at(n) for n in range(PEOPLE)] == customer_list.pages.order(model.query())
    assert model.id_at(table.rowAt(0)) == top  # the rows in view did not move


@pytest.mark.real_threads
def test_a_one_letter_find_reads_the_names_off_the_gui_thread_and_enter_opens_what_it_found(
        qtbot, make_window, small_pages):
    """A find of one or two letters reads every name (no three-letter piece to
    look up): 50-150 ms frozen per keystroke at 50,000 customers. Now the count
    and places are read in the background, typing goes on meanwhile, and Enter
    typed before they come opens the first customer the box's words find."""
    from .test_main_window import press

    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is cl.filter_box
    with Statements() as sql:
        with qtbot.waitSignal(model.found, timeout=5000):
            qtbot.keyClicks(QApplication.focusWidget(), "7")
    # No statement over every name on the GUI thread (a page of the index, LIMITed, is all it reads).
    assert [s for s in sql.seen if "instr(" in s and "LIMIT" not in s] == []
    expected = [f"Person {n:03d}" for n in range(PEOPLE) if "7" in f"{n:03d}"]
    assert [model.customer_at(n).name for n in range(model.rowCount())] == expected
    assert QApplication.focusWidget() is cl.filter_box

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: model.rowCount() == PEOPLE)
    qtbot.keyClicks(QApplication.focusWidget(), "8")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # at once: before the find comes
    assert QApplication.focusWidget() is cl.table
    first = "Person 008"
    assert model.customer_at(0).name == first and cl.current_id() == customers.find_by_name(first).id
    assert window.page.header.name.text() == first
