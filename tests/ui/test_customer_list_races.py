"""The customer list's reads off the GUI thread racing other changes (found
by review): an order read before a colleague's change must not bring back
what the change took away, and a find overtaken by a refresh still chooses
the first customer found. The reads run at once but are delivered when the
test says: at 50,000 customers they take 0.3-1 s while the window goes on,
and a real thread cannot be timed to land after a colleague's write."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers
from ui.common import tasks
from ui.customers import customer_list
from ui.customers.customer_list import OVERDUE

from .test_customer_list_pages import many, small_pages, PEOPLE  # noqa: F401


@pytest.fixture
def held(monkeypatch):
    """Background reads of the list's order run at once (the thread's snapshot of the
    journal) but are delivered only when the test says: a read at 50,000 customers
    takes 0.3-1 s, and the GUI goes on handling events meanwhile."""
    waiting = []
    real = tasks.run_in_background

    def run(fn, on_done=None, on_error=None, **kw):
        if "_order_in_background" in getattr(on_done, "__qualname__", "") or \
                "set_filter" in getattr(on_done, "__qualname__", ""):
            result = fn()  # read now
            waiting.append(lambda: on_done(result))  # delivered later
            return None
        return real(fn, on_done, on_error, **kw)

    monkeypatch.setattr(tasks, "run_in_background", run)
    return waiting


def shown_ids(model):
    return [model.id_at(n) for n in range(model.rowCount())]


def test_an_order_read_before_a_colleagues_delete_does_not_bring_them_back(qtbot, make_window, small_pages, held):
    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    cl.choose_sort(OVERDUE)
    held.pop()()  # the sort's order arrives
    assert model.sort_column == OVERDUE and shown_ids(model) == customer_list.pages.order(model.query())
    added = customers.create_customer(name="Person 044b", stage="customer").id
    window.events.changed.emit(added)  # the user's own add: put in place, the order read again in the background
    assert len(held) == 1
    colleague_deleted = model.id_at(5)
    customers.delete_customer(colleague_deleted)  # a colleague's delete, after the background read
    cl.refresh_elsewhere()  # what the window does for a colleague's change
    assert colleague_deleted not in shown_ids(model)
    held.pop()()  # the order read before the delete arrives
    ids = shown_ids(model)
    assert colleague_deleted not in ids
    assert ids == customer_list.pages.order(model.query())


def test_an_order_read_for_a_new_sort_before_a_colleagues_delete(qtbot, make_window, small_pages, held):
    """Sort by Overdue chosen (0.7-1.1 s to read at 50,000); a colleague deletes someone meanwhile."""
    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    cl.choose_sort(OVERDUE)  # its order read now, arriving later
    colleague_deleted = model.id_at(5)
    customers.delete_customer(colleague_deleted)
    cl.refresh_elsewhere()
    held.pop()()
    ids = shown_ids(model)
    assert colleague_deleted not in ids


def test_a_colleagues_change_while_a_find_is_read_still_chooses_the_first_found(qtbot, make_window, small_pages, held):
    from .test_main_window import press

    window = make_window(populate=many)
    cl, model = window.customer_list, window.customer_list.model
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is cl.filter_box
    qtbot.keyClicks(QApplication.focusWidget(), "7")  # its customers read, arriving later
    assert len(held) == 1
    other = customers.find_by_name("Person 001").id
    customers.update_customer(other, email="p001@example.com")  # a colleague's change meanwhile
    cl.refresh_elsewhere()
    held.pop()()
    assert model.rowCount() and cl.current_id() == model.id_at(0)
    assert window.page.header.name.text() == model.customer_at(0).name
