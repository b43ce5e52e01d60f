"""Running work off the GUI thread.

run_in_background(fn, on_done, on_error) runs fn in a thread pool and delivers
its result (or exception) to the callbacks on the GUI thread. Peewee keeps one
connection per thread, so each task opens and closes its own. Writes that take
long go through the one-thread pool so they never overlap. Tests swap in
synchronous execution (set_synchronous) to stay deterministic.

Cancel is enforced here, not left to each caller: once a task is cancelled,
the next call of its progress function raises journal.errors.Cancelled, so the
work stops wherever it reports progress and its transaction rolls back (or its
half-written file is removed) whether or not the caller checks what progress
returned. run_with_progress keeps its task alive itself (a caller may drop the
handle) and keeps the progress dialog up, saying "Cancelling…", until the work
has really stopped."""

from __future__ import annotations

import traceback

from peewee import DatabaseError
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from journal.errors import Cancelled
from ui.common import memory

_synchronous = False
_write_pool: QThreadPool | None = None


def set_synchronous(value: bool) -> None:
    global _synchronous
    _synchronous = value


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)  # (done, total): Python ints, so rows past 2**31 are fine too


class _Task(QRunnable):
    def __init__(self, fn, relay: _Relay, wants_progress: bool, kept: bool = False):
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.wants_progress = wants_progress
        self.cancelled = False
        self.kept = kept  # on the kept thread, whose connection stays open between tasks

    def call(self):
        if self.wants_progress:
            return self.fn(self._progress)
        return self.fn()

    def deliver(self):
        try:
            result = self.call()
        except BaseException as exc:  # delivered to the GUI, never lost in a thread
            exc.formatted = traceback.format_exc()
            memory.give_back()
            self._emit(self.relay.failed, exc)
        else:
            memory.give_back()  # what the work made and let go of (its temporaries): back to the system
            self._emit(self.relay.done, result)

    @staticmethod
    def _emit(signal, value):
        try:
            signal.emit(value)
        except RuntimeError:  # the application is closing and the receiver is gone
            pass

    def run(self):
        from journal.storage.models import database

        if self.kept:
            self._run_kept(database.obj)
            return
        try:
            # This thread's own connection, to the journal open now: the proxy resolved once, so a
            # journal opened meanwhile (the proxy pointed elsewhere) never gets this one's closing.
            target = database.obj
            connection = target.connection_context()
            connection.__enter__()
        except BaseException as exc:  # noqa: BLE001 - a team journal's server away: said like any failure
            exc.formatted = traceback.format_exc()
            self._emit(self.relay.failed, exc)
            return
        try:
            self.deliver()
        finally:
            try:
                connection.__exit__(None, None, None)
            except DatabaseError:  # its connection was lost mid-work (a team server gone): the work has
                target.dispose()  # reported that; what is left of the connection is let go, not closed

    def _run_kept(self, target):
        """On the kept thread: its connection to the journal open now, opened
        once and kept (with the temporary tables made in it) for the next
        task; the previous journal's closed first."""
        global _kept_target
        try:
            if _kept_target is not target:
                _close_kept()
                _kept_target = target
            if target.is_closed():
                target.connect()
        except BaseException as exc:  # noqa: BLE001 - a team journal's server away: said like any failure
            exc.formatted = traceback.format_exc()
            self._emit(self.relay.failed, exc)
            return
        self.deliver()  # (reports its own failures)
        if not target.is_closed() and _connection_lost(target):
            _close_kept()

    def _progress(self, done, total):
        if self.cancelled:
            raise Cancelled()
        self._emit(self.relay.progress, (done, total))
        return True


class Handle:
    """What run_in_background returns: cancel() asks a progress-reporting task to stop."""

    def __init__(self, task: _Task, relay: _Relay):
        self._task = task
        self.relay = relay

    def cancel(self):
        self._task.cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._task.cancelled


_pending: set = set()

# The kept thread: one thread that keeps its connection between tasks, so that
# what a task leaves in it (temporary tables) is there for the next. Its
# connection is the journal's; a new journal, or one lost, gives a new one
# (the tasks find their tables gone). A Python thread, not a QThreadPool's:
# Peewee keeps connections in thread-local state, which Python drops between
# two calls into a thread it did not start.
_kept_queue = None
_kept_target = None


def _connection_lost(target) -> bool:
    # This thread's connection as it is (asking the database for it could try to connect again):
    # psycopg marks one whose link broke; sqlite3 has nothing to lose.
    connection = getattr(target._state, "conn", None)
    return bool(getattr(connection, "broken", False) or getattr(connection, "closed", False))


def _close_kept() -> None:
    global _kept_target
    if _kept_target is not None:
        try:
            _kept_target.close()
        except Exception:  # noqa: BLE001 - lost mid-work: let go, not closed
            _kept_target.dispose()
        _kept_target = None


def run_in_background(fn, on_done=None, on_error=None, on_progress=None, *, writes=False, kept=False,
                      owner=None) -> Handle:
    """Run fn() off the GUI thread (fn(progress) if on_progress is given). Once
    the handle is cancelled, progress(done, total) raises Cancelled, which reaches
    on_error like any other error. Callbacks run on the GUI thread; given an
    `owner` (the widget that shows the result), they are skipped once it is gone.
    `kept`: on the kept thread, one task after another on a connection kept
    between them."""
    if owner is not None:
        on_done, on_error, on_progress = (_while_alive(owner, f) for f in (on_done, on_error, on_progress))
    relay = _Relay()
    relay.failed.connect(_route_database_errors)  # damage read by any task reaches the recovery dialog
    if on_done:
        relay.done.connect(on_done)
    if on_error:
        relay.failed.connect(on_error)
    if on_progress:
        relay.progress.connect(lambda pair: on_progress(*pair))
    task = _Task(fn, relay, on_progress is not None, kept)
    # Once it has reported, the relay goes, and its connections with it: they hold
    # the callbacks, and through them the work and all it captured, from the Qt
    # side, where Python's collector cannot see them. Kept, every task stayed alive
    # for as long as the app ran, with what it was given (a closed graph window
    # and its arrays; the state each refresh of the Lately panel started from).
    relay.done.connect(lambda *_: _finished(relay, task))
    relay.failed.connect(lambda *_: _finished(relay, task))
    if _synchronous:
        task.deliver()  # on the GUI thread's own connection
        return Handle(task, relay)
    task.setAutoDelete(False)
    _pending.add((relay, task))  # alive until the task reports back
    if kept:
        _kept().put(task)
    else:
        (_writer() if writes else QThreadPool.globalInstance()).start(task)
    return Handle(task, relay)


def _finished(relay: _Relay, task: _Task) -> None:
    _pending.discard((relay, task))
    task.fn = task.relay = None  # the thread pool keeps the task itself
    relay.deleteLater()


def _while_alive(owner, callback):
    if callback is None:
        return None
    from shiboken6 import isValid

    def call(*args):
        if isValid(owner):
            callback(*args)

    return call


def _route_database_errors(error):
    from ui.files.recovery import database_error_met

    database_error_met(error)


def _writer() -> QThreadPool:
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def _kept():
    global _kept_queue
    if _kept_queue is None:
        import queue
        import threading

        _kept_queue = queue.Queue()
        threading.Thread(target=_kept_loop, args=(_kept_queue,), name="lately-kept", daemon=True).start()
    return _kept_queue


def _kept_loop(tasks) -> None:
    while True:
        task = tasks.get()
        try:
            if task is None:
                _close_kept()
            else:
                task.run()
        except BaseException:  # noqa: BLE001 - the thread never dies: the next task connects afresh
            traceback.print_exc()
            try:
                _close_kept()
            except BaseException:  # noqa: BLE001
                pass
        finally:
            tasks.task_done()


def _wait_kept(msecs: int) -> bool:
    """The kept thread's work done and its connection closed, within `msecs`."""
    import time

    _kept_queue.put(None)
    deadline = time.monotonic() + msecs / 1000
    with _kept_queue.all_tasks_done:
        while _kept_queue.unfinished_tasks:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _kept_queue.all_tasks_done.wait(left)
    return True


def wait_for_background(msecs: int = 3000) -> bool:
    """At exit, or before a journal is closed or replaced: let running work
    finish (a write is never cut off halfway); the kept thread's connection closed."""
    done = QThreadPool.globalInstance().waitForDone(msecs)
    if _write_pool is not None:
        done = _write_pool.waitForDone(msecs) and done
    if _kept_queue is not None:
        done = _wait_kept(msecs) and done
    return done


def run_with_progress(parent, title: str, fn, on_done, on_error, *, writes=False, on_cancelled=None) -> Handle:
    """fn(progress) off the GUI thread behind a progress dialog. Cancel (the
    button, Escape or closing the dialog) stops the work at its next progress
    report: progress raises Cancelled, so a transaction rolls back and a
    half-written file is removed. The dialog stays up, saying so, until the work
    has stopped; then on_cancelled() runs (not on_error). Work that finished
    before it heard the Cancel reports to on_done as usual."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    dialog = QProgressDialog(title, "Cancel", 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    state = {"cancelling": False, "finished": False, "handle": None}

    def progressed(done, total):
        if not state["cancelling"] and not state["finished"]:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, total))

    def close_dialog():
        state["finished"] = True
        _running.discard(state["handle"])
        dialog.reset()
        dialog.close()
        dialog.deleteLater()

    def done(value):
        close_dialog()
        on_done(value)

    def failed(error):
        close_dialog()
        if isinstance(error, Cancelled) and state["cancelling"]:
            if on_cancelled:
                on_cancelled()
        else:
            on_error(error)

    def cancel():
        if state["cancelling"] or state["finished"]:
            return
        state["cancelling"] = True
        state["handle"].cancel()
        # QProgressDialog hides itself on Cancel; keep it up (and the window
        # blocked) until the work has rolled back, so what shows is true.
        dialog.setLabelText(f"{title}\nCancelling… nothing of it is kept.")
        button = dialog.findChild(QPushButton)
        if button is not None:
            button.setEnabled(False)
        dialog.show()

    # A closure, not a bound method: PySide drops a connection to a method of an
    # object nobody keeps, and callers used to drop the handle (Cancel then did nothing).
    dialog.canceled.connect(cancel)
    handle = run_in_background(fn, done, failed, progressed, writes=writes)
    handle.dialog = dialog
    state["handle"] = handle
    if not state["finished"]:
        _running.add(handle)  # alive as long as the work, whatever the caller keeps
    return handle


_running: set = set()


def running_with_progress() -> list[Handle]:
    """The tasks behind a progress dialog that have not reported back yet."""
    return list(_running)
