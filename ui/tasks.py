"""Running work off the GUI thread.

run_in_background(fn, on_done, on_error) runs fn in a thread pool and delivers
its result (or exception) to the callbacks on the GUI thread. Peewee keeps one
connection per thread, so each task opens and closes its own. Writes that take
long go through the one-thread pool so they never overlap. Tests swap in
synchronous execution (set_synchronous) to stay deterministic."""

from __future__ import annotations

import traceback

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_synchronous = False
_write_pool: QThreadPool | None = None


def set_synchronous(value: bool) -> None:
    global _synchronous
    _synchronous = value


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Task(QRunnable):
    def __init__(self, fn, relay: _Relay, wants_progress: bool):
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.wants_progress = wants_progress
        self.cancelled = False

    def call(self):
        if self.wants_progress:
            return self.fn(self._progress)
        return self.fn()

    def deliver(self):
        try:
            result = self.call()
        except BaseException as exc:  # delivered to the GUI, never lost in a thread
            exc.formatted = traceback.format_exc()
            self._emit(self.relay.failed, exc)
        else:
            self._emit(self.relay.done, result)

    @staticmethod
    def _emit(signal, value):
        try:
            signal.emit(value)
        except RuntimeError:  # the application is closing and the receiver is gone
            pass

    def run(self):
        from journal.models import database

        with database.connection_context():  # this thread's own connection
            self.deliver()

    def _progress(self, done, total):
        self.relay.progress.emit(done, total)
        return not self.cancelled


class Handle:
    """What run_in_background returns: cancel() asks a progress-reporting task to stop."""

    def __init__(self, task: _Task, relay: _Relay):
        self._task = task
        self.relay = relay

    def cancel(self):
        self._task.cancelled = True


_pending: set = set()


def run_in_background(fn, on_done=None, on_error=None, on_progress=None, *, writes=False) -> Handle:
    """Run fn() off the GUI thread (fn(progress) if on_progress is given; progress
    returns False once the user cancelled). Callbacks run on the GUI thread."""
    relay = _Relay()
    relay.failed.connect(_route_database_errors)  # damage read by any task reaches the recovery dialog
    if on_done:
        relay.done.connect(on_done)
    if on_error:
        relay.failed.connect(on_error)
    if on_progress:
        relay.progress.connect(on_progress)
    task = _Task(fn, relay, on_progress is not None)
    if _synchronous:
        task.deliver()  # on the GUI thread's own connection
        return Handle(task, relay)
    task.setAutoDelete(False)
    # Keep the relay and task alive until the task reports back.
    _pending.add((relay, task))
    relay.done.connect(lambda *_: _pending.discard((relay, task)))
    relay.failed.connect(lambda *_: _pending.discard((relay, task)))
    (_writer() if writes else QThreadPool.globalInstance()).start(task)
    return Handle(task, relay)


def _route_database_errors(error):
    from .recovery import database_error_met

    database_error_met(error)


def _writer() -> QThreadPool:
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def wait_for_background(msecs: int = 3000) -> bool:
    """At exit: let running work finish (a write is never cut off halfway)."""
    done = QThreadPool.globalInstance().waitForDone(msecs)
    if _write_pool is not None:
        done = _write_pool.waitForDone(msecs) and done
    return done


def run_with_progress(parent, title: str, fn, on_done, on_error, *, writes=False):
    """fn(progress) off the GUI thread behind a progress dialog whose Cancel asks
    it to stop (fn then raises and its transaction rolls back)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(title, "Cancel", 0, 100, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setValue(0)

    def progressed(done, total):
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def finish(callback):
        def inner(value):
            dialog.reset()
            dialog.close()
            callback(value)
        return inner

    handle = run_in_background(fn, finish(on_done), finish(on_error), progressed, writes=writes)
    dialog.canceled.connect(handle.cancel)
    return handle
