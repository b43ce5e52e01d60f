"""Background work for real: a worker thread with its own database connection,
results and errors delivered on the GUI thread, progress and cancel."""

import threading

import pytest
from PySide6.QtCore import QThread

from journal.writes import customers
from journal.errors import Cancelled
from journal.storage.models import Customer
from ui.common import tasks


@pytest.fixture
def threaded(journal):
    tasks.set_synchronous(False)
    customers.create_customer(name="Ada")
    yield
    tasks.wait_for_background()


def test_result_arrives_on_the_gui_thread(qtbot, threaded):
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return [c.name for c in Customer.select()]  # the worker's own connection

    def done(result):
        seen["result"] = result
        seen["delivered_in_gui"] = QThread.currentThread() is qtbot_app_thread()

    tasks.run_in_background(work, done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == ["Ada"]
    assert seen["worker"] != threading.get_ident()
    assert seen["delivered_in_gui"]


def test_errors_and_cancel_come_back(qtbot, threaded):
    failures, progress = [], []

    def work(report):
        for n in range(1000):
            report(n, 1000)  # raises Cancelled once cancelled, whether or not the work checks
            QThread.msleep(1)
        return "finished"

    handle = tasks.run_in_background(work, lambda r: failures.append(("done", r)), failures.append,
                                     lambda done, total: progress.append(done), writes=True)
    qtbot.waitUntil(lambda: len(progress) > 5, timeout=5000)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], Cancelled)


def qtbot_app_thread():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().thread()


def test_a_result_for_a_window_closed_meanwhile_is_dropped(qtbot, threaded):
    """A view that asked for work and was closed (and deleted) before it came
    back is not called: its widgets are gone."""
    from PySide6.QtWidgets import QApplication, QLabel
    from shiboken6 import delete, isValid

    label, go, finished, called = QLabel("working"), threading.Event(), threading.Event(), []

    def work():
        go.wait(10)
        finished.set()
        return "done"

    tasks.run_in_background(work, lambda text: called.append(label.setText(text)), owner=label)
    delete(label)  # closed with its window
    assert not isValid(label)
    go.set()
    assert finished.wait(10)
    tasks.wait_for_background()
    QApplication.processEvents()  # the result is delivered now, and dropped
    assert called == []


def test_finished_work_and_all_it_held_are_let_go(qtbot, threaded):
    """Once a task has reported, nothing keeps its work (and what the work
    captured) alive. Before, the thread pool kept every task and Qt kept every
    relay's callbacks, out of the collector's sight: each refresh of the Lately
    panel kept the state it started from (30 writes at 50,000 customers: 1.5 GB),
    each closed graph window its arrays."""
    import gc
    import weakref

    class Held:  # what a piece of work captures: a state, a window
        pass

    gone, results = [], []
    for failing in (False, True):
        held = Held()
        weakref.finalize(held, gone.append, failing)

        def work(held=held, failing=failing):
            if failing:
                raise ValueError("no")
            return id(held)

        # (The error itself is not kept here: its traceback holds the work's frame.)
        tasks.run_in_background(work, results.append, lambda error: results.append(type(error)))
        del held, work
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)

    def let_go():
        gc.collect()
        return sorted(gone) == [False, True]

    qtbot.waitUntil(let_go, timeout=5000)  # waiting lets Qt delete the relays (deleteLater)


def test_work_that_outlives_its_journal_closes_that_journals_connection_not_the_next_ones(
        qtbot, threaded, tmp_path):
    """Another journal opened while a task still runs (a switch that waited its
    three seconds, a test's next journal): the task's ending closes the
    connection it opened, to the first, and takes nothing of the second's
    (before, it popped the second's empty list of connection contexts: IndexError)."""
    from journal.storage import db
    from journal.storage.models import database

    first = database.obj
    started, go_on, seen = threading.Event(), threading.Event(), {}

    def work():
        started.set()
        go_on.wait(10)
        return Customer.select().count()  # still the first journal's, on this thread's own connection

    tasks.run_in_background(work, lambda n: seen.setdefault("done", n),
                            lambda error: seen.setdefault("error", error))
    assert started.wait(10)
    second = db.connect(tmp_path / "second.sqlite3")  # the proxy now points at another journal
    try:
        go_on.set()
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
        assert tasks.wait_for_background()
        assert "done" in seen  # and no error in the worker's closing (pytest-qt fails the test on one)
    finally:
        second.close()
    assert first is not second


def test_the_kept_thread_keeps_its_connection_and_what_it_made_there(qtbot, threaded, tmp_path):
    """Tasks on the kept thread run one after another on one connection: a
    temporary table made by one is there for the next. Closing the journal
    (wait_for_background) closes it; the next journal's first task connects
    again and finds no such table."""
    from journal.storage import db
    from journal.storage.models import database

    seen = []

    def make():
        database.execute_sql("CREATE TEMP TABLE kept_here (n INTEGER)")
        database.execute_sql("INSERT INTO kept_here VALUES (7)")
        return threading.get_ident(), id(database.connection())

    def read():
        found = database.execute_sql("SELECT name FROM sqlite_temp_master WHERE name = 'kept_here'").fetchall()
        return threading.get_ident(), id(database.connection()), bool(found)

    for fn in (make, read, read):
        tasks.run_in_background(fn, seen.append, kept=True)
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=5000)
    (thread, serial), (thread2, serial2, found), (_, _, found_again) = seen
    assert thread == thread2 != threading.get_ident()
    assert serial == serial2 and found and found_again

    assert tasks.wait_for_background()
    second = db.connect(tmp_path / "second.sqlite3")
    try:
        tasks.run_in_background(read, seen.append, kept=True)
        qtbot.waitUntil(lambda: len(seen) == 4, timeout=5000)
        thread3, _, found3 = seen[3]
        assert thread3 == thread and not found3
    finally:
        assert tasks.wait_for_background()
        second.close()


def test_the_kept_thread_outlives_a_failure_around_a_task(qtbot, threaded, monkeypatch):
    """Whatever goes wrong around a task on the kept thread (here the check of
    its connection after the task, as a team server's link breaking could),
    the thread goes on: the next task runs, on a connection made afresh."""
    checked = []

    def broken_check(target):
        if not checked:
            checked.append(True)
            raise RuntimeError("the link broke while it was looked at")
        return False

    monkeypatch.setattr(tasks, "_connection_lost", broken_check)
    seen = []
    tasks.run_in_background(lambda: "first", seen.append, kept=True)
    tasks.run_in_background(lambda: Customer.select().count(), seen.append, kept=True)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen == ["first", 1]
