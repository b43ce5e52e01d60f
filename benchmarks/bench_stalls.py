"""How long the GUI thread is blocked while a person uses the window: a
heartbeat timer every 10 ms records the longest gap between its ticks while
the keys of each action are typed (offscreen Qt, real background threads, as
in the app). Anything over 100 ms is felt as a freeze.

    nice uv run python benchmarks/bench_stalls.py COPY.sqlite3 [--only=LABEL,...] [--why]

--only: the actions whose labels start so (--only=search,capture: a search
hit, then quick capture with the completer); --why: where the GUI thread was
during each stall (a sampling thread; it adds a little noise of its own).

A key that opens a dialog is pressed once the window has the keys, and the
steps after it wait until the dialog has them; a wait that is not met in its
time stops the run, saying where (rather than typing on into whatever has
focus). The figures are printed without closing the windows: a dialog left
open would ask whether to discard what was typed into it, and nobody answers.

COPY must be a copy of a scale journal (the script writes: a note, a
purchase, undo and redo): e.g.
    cp benchmarks/.cache/scale-50k.sqlite3 /tmp/bigtry/j.sqlite3

The window opens as the last run left it (its sort and customer are saved in
the user's window.ini): give each run a home of its own, as a person's first
start, with LATELY_HOME=$(mktemp -d), and a fresh copy each time (a WAL left
by a run before replays onto a new copy).

The floor beside the figures: the same heartbeat with the window idle (what the
machine's noise alone costs)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYSIDE6_OPTION_PYTHON_ENUM", "0x11")

from _harness import CACHE  # noqa: E402

TICK_MS = 10


class Heartbeat:
    """The worst gap between ticks, per label, minus the tick itself."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.label = "start"
        self.worst: dict[str, float] = {}
        self.order: list[str] = []
        self._last = time.perf_counter()
        self.timer = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        gap = (now - self._last) * 1000 - TICK_MS
        self._last = now
        if gap > self.worst.get(self.label, -1):
            self.worst[self.label] = gap

    def begin(self, label):
        self._tick()  # what came before belongs to the one before
        self.label = label
        if label not in self.order:
            self.order.append(label)
        self.worst.setdefault(label, 0.0)


def watch_stalls(beat: Heartbeat, main_thread_id: int, late_ms: float = 60):
    """--why: a thread that, once the heartbeat is late by `late_ms`, prints where
    the GUI thread is (its innermost frames of Lately's own code), once per stall."""
    import threading
    import traceback

    def watch():
        told = None  # (the stall, how late when last told)
        while True:
            time.sleep(0.02)
            late = (time.perf_counter() - beat._last) * 1000 - TICK_MS
            if late > late_ms and (told is None or told[0] != beat._last or late - told[1] > 50):
                told = (beat._last, late)  # again every 50 ms while it lasts
                frame = sys._current_frames().get(main_thread_id)
                stack = [f for f in traceback.extract_stack(frame) if "/.venv/" not in f.filename
                         and "bench_stalls" not in f.filename] if frame else []
                where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack[-6:]))
                print(f"  [{beat.label}] late {late:.0f} ms in: {where or '(Qt itself)'}", file=sys.stderr)

    threading.Thread(target=watch, daemon=True).start()


def main():
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    only = next((a.split("=", 1)[1].split(",") for a in sys.argv[1:] if a.startswith("--only=")), None)
    if not args:
        sys.exit(__doc__)
    path = Path(args[0]).resolve()
    if CACHE.resolve() in path.parents:
        sys.exit("give a copy of the scale journal: this script writes to it")

    from journal.storage import db
    from ui.window.main_window import MainWindow
    from ui.customers import customer_list as cl

    if "--no-trim" in sys.argv:  # (an experiment: background work hands no memory back)
        from ui.common import memory
        memory._trim = False
    elif "--time-trim" in sys.argv:
        from ui.common import memory
        real = memory._find_trim()

        def timed_trim(pad):
            t = time.perf_counter()
            real(pad)
            print(f"  malloc_trim {(time.perf_counter() - t) * 1000:.0f} ms", file=sys.stderr)
        memory._trim = timed_trim
    app = QApplication([])
    beat = Heartbeat()
    if "--why" in sys.argv:
        import gc
        import threading

        watch_stalls(beat, threading.get_ident())
        collecting = {}

        def collector(phase, info):  # Python's cyclic collector holds its lock: every thread stands still
            if phase == "start":
                collecting["at"] = time.perf_counter()
            elif (ms := (time.perf_counter() - collecting.get("at", time.perf_counter())) * 1000) > 20:
                print(f"  [{beat.label}] garbage collection, generation {info['generation']}: {ms:.0f} ms "
                      f"({'GUI thread' if threading.get_ident() == main_thread else 'a worker'})", file=sys.stderr)

        main_thread = threading.get_ident()
        gc.callbacks.append(collector)
    db.connect(path, check_integrity=False)  # as the app opens it (the check runs later, in the background)
    started = time.perf_counter()
    window = MainWindow(path, daily_backup=False, check_integrity=False)
    window.resize(1366, 740)
    window.show()
    steps: list[tuple[str, int, object]] = []  # (label, ms after, action)

    def focus():
        widget = QApplication.focusWidget()
        # Offscreen, focus can stay on a closed dialog's widget (a real window manager hands it back).
        return widget if widget is not None and widget.isVisible() else window

    def key(label, k, mod=Qt.KeyboardModifier.NoModifier, after=120, target=None):
        steps.append((label, after, lambda: QTest.keyClick(target() if target else focus(), k, mod)))

    def post_key(label, k, mod=Qt.KeyboardModifier.NoModifier, after=400):
        """A key that opens a modal dialog: typed from the event loop, so the steps go on inside the
        dialog's; once the window has the keys (a shortcut of the window is matched only in the active
        window), and the steps after it wait until the dialog is up and has them."""
        def active():
            # Offscreen, a closed dialog hands the window no activation back (a window manager does),
            # and activateWindow() is only a request: it takes effect a turn of the event loop later.
            window.activateWindow()
            return QApplication.activeWindow() is window
        wait_for(label, active)
        steps.append((label, after, lambda: QTimer.singleShot(0, lambda: QTest.keyClick(focus(), k, mod))))
        wait_for(label, dialog_up)

    def dialog_up():
        """A modal dialog is open and has the keys."""
        dialog = QApplication.activeModalWidget()
        return dialog is not None and dialog.isVisible() and QApplication.activeWindow() is dialog

    def type_(label, text, after=80):
        for ch in text:
            steps.append((label, after, lambda ch=ch: QTest.keyClicks(focus(), ch)))

    def do(label, fn, after=300):
        steps.append((label, after, fn))

    def idle(label, ms):
        steps.append((label, ms, lambda: None))

    table = lambda: window.customer_list.table  # noqa: E731
    timeline = lambda: window.page.timeline.list  # noqa: E731

    def wait_for(label, done, limit_s=60):
        """Until done() (looked at every 50 ms); not so after `limit_s`: the run stops, saying so (the
        keys after it would go to whatever has focus, and a dialog they opened could wait for ever)."""
        steps.append((label, -50, (done, limit_s)))

    wait_for("after first paint: Lately panel computes", lambda: window._started and not window.lately.loading,
             limit_s=600)
    idle("idle (floor)", 1500)
    # Find a customer: a common name, then a rare one.
    key("find: Ctrl+F", Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_("find: type Smith", "Smith")
    idle("find: type Smith", 400)
    key("find: Down, Enter", Qt.Key.Key_Down)
    key("find: Down, Enter", Qt.Key.Key_Down)
    key("find: Down, Enter", Qt.Key.Key_Return, after=400)
    key("find: Ctrl+F", Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_("find: type rare name", "Zachary Bak")
    idle("find: type rare name", 400)
    key("find: Escape", Qt.Key.Key_Escape, after=400)
    # One letter: it matches most customers (no three-letter piece to look up).
    key("find: one letter (e), Escape", Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_("find: one letter (e), Escape", "e", after=400)
    key("find: one letter (e), Escape", Qt.Key.Key_Escape, after=400)
    # Scroll the list fast.
    do("list: focus", lambda: table().setFocus())
    for _ in range(30):
        key("list: PageDown held", Qt.Key.Key_PageDown, after=33)
    idle("list: PageDown held", 300)
    key("list: End", Qt.Key.Key_End, after=500)
    key("list: Home", Qt.Key.Key_Home, after=500)
    # Switch customers quickly.
    for _ in range(20):
        key("list: Down held (switch customers)", Qt.Key.Key_Down, after=33)
    idle("list: Down held (switch customers)", 400)
    # Sort by other columns (View › Sort customers by, as the keyboard does).
    for label, column in (("sort: Overdue", cl.OVERDUE), ("sort: Last value", cl.LAST_VALUE),
                          ("sort: Company", cl.COMPANY), ("sort: Since", cl.SINCE)):
        do(label, lambda column=column: window.customer_list.choose_sort(column), after=500)
        do(label + " then PageDown held", lambda: table().setFocus(), after=50)
        for _ in range(15):
            key(label + " then PageDown held", Qt.Key.Key_PageDown, after=33)
        key(label + " then End", Qt.Key.Key_End, after=500)
        for _ in range(10):
            key(label + " then Up held", Qt.Key.Key_Up, after=33)
        idle(label + " then Up held", 300)
    # Sorted by Overdue: a customer added, the add undone (they leave the list) and redone, then deleted.
    do("sorted by Overdue: one letter (e), Escape", lambda: window.customer_list.choose_sort(cl.OVERDUE), after=800)
    key("sorted by Overdue: one letter (e), Escape", Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_("sorted by Overdue: one letter (e), Escape", "e", after=400)
    key("sorted by Overdue: one letter (e), Escape", Qt.Key.Key_Escape, after=400)
    post_key("sorted by Overdue: add a customer (Ctrl+N)", Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, after=600)
    type_("sorted by Overdue: add a customer (type)", "Zoe Quillfeather")
    key("sorted by Overdue: add a customer (Enter)", Qt.Key.Key_Return, after=1200)
    # Offscreen, a closed dialog hands the window neither activation nor focus back (a window manager does).
    do("sorted by Overdue: back in the list", lambda: (window.activateWindow(), table().setFocus()), after=100)
    key("sorted by Overdue: undo the add (Ctrl+Z)", Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, after=1200,
        target=lambda: window)
    key("sorted by Overdue: redo the add (Ctrl+Shift+Z)", Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, after=1200, target=lambda: window)
    do("sorted by Overdue: delete the customer", lambda: window.actions.delete_customer.trigger(), after=1200)
    do("sort: Name", lambda: window.customer_list.choose_sort(cl.NAME), after=500)
    do("sort: Name", lambda: table().setFocus(), after=100)
    # The busiest customer (about 5,000 entries): its timeline to the end.
    key("busiest: find", Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_("busiest: find", "Phillip Perkins")
    key("busiest: open (Enter)", Qt.Key.Key_Return, after=600)
    do("busiest: timeline focus", lambda: timeline().setFocus(Qt.FocusReason.TabFocusReason))
    for _ in range(40):
        key("busiest: timeline PageDown held", Qt.Key.Key_PageDown, after=33)
    idle("busiest: timeline PageDown held", 300)
    for _ in range(8):
        key("busiest: timeline End (repeated)", Qt.Key.Key_End, after=300)
    key("busiest: timeline Home", Qt.Key.Key_Home, after=500)
    do("busiest: filter Value given", lambda: window.page.timeline.filter_group.button(1).click(), after=500)
    do("busiest: filter All", lambda: window.page.timeline.filter_group.button(0).click(), after=500)
    key("busiest: back to list (Ctrl+F, Escape)", Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    key("busiest: back to list (Ctrl+F, Escape)", Qt.Key.Key_Escape, after=500)
    # Search everything for a common word, page through.
    post_key("search: Ctrl+K", Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier, after=600)
    type_("search: type showroom", "showroom")
    idle("search: type showroom", 800)
    for _ in range(60):
        key("search: Down held", Qt.Key.Key_Down, after=33)
    idle("search: Down held", 300)
    key("search: Enter (open the hit)", Qt.Key.Key_Return, after=800)
    # Quick capture with the completer.
    post_key("capture: Ctrl+L", Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier, after=600)
    key("capture: customer box (Alt+C, Ctrl+A)", Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier, after=100)
    key("capture: customer box (Alt+C, Ctrl+A)", Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier, after=100)
    type_("capture: type a customer (Smi)", "Smi")
    idle("capture: type a customer (Smi)", 500)
    key("capture: Down, Enter in completer", Qt.Key.Key_Down, after=150,
        target=lambda: window.capture_dialog.customer.completer().popup())
    key("capture: Down, Enter in completer", Qt.Key.Key_Return, after=300,
        target=lambda: window.capture_dialog.customer.completer().popup())
    key("capture: to the summary (Alt+S)", Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier, after=100)
    type_("capture: type summary", "Sent the catalogue")
    key("capture: Ctrl+Enter (save)", Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, after=1200)
    wait_for("capture: Ctrl+Enter (save)", lambda: getattr(window, "capture_dialog", None) is None)
    # A purchase.
    post_key("purchase: open", Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
             after=600)
    type_("purchase: type", "Lamp")
    key("purchase: type", Qt.Key.Key_Tab)
    type_("purchase: type", "120")
    key("purchase: Enter (save)", Qt.Key.Key_Return, after=1200)
    key("undo (Ctrl+Z)", Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, after=1200, target=lambda: window)
    key("redo (Ctrl+Shift+Z)", Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        after=1200, target=lambda: window)
    idle("after (Lately update)", 1500)
    # The Lately panel (the lead's): act on its first item, as its Log it link does, and save.
    do("lately: Log it on the first item", lambda: QTimer.singleShot(
        0, lambda: window.act_on(window.lately.visible_items()[0])), after=800)
    wait_for("lately: Log it on the first item", dialog_up)
    key("lately: Ctrl+Enter (save)", Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, after=2500)

    if only:
        steps[:] = [s for s in steps if any(s[0].startswith(o) for o in only) or s[0].startswith(("idle", "after first paint"))]
    position = [0]

    def report(stopped=None):
        """The figures, then out at once: not through app.quit(), which closes every window and so asks a
        dialog left open (with typed text) whether to discard it, a question nobody here answers."""
        beat.begin("end")
        print(f"{'action':<48} worst gap (ms)")
        for label in beat.order:
            worst = beat.worst[label]
            print(f"{label:<48} {worst:8.0f}{'   <-- frozen' if worst > 100 else ''}")
        left = QApplication.activeModalWidget()
        if left is not None:
            print(f"  (a dialog was left open at the end: {left.windowTitle()})", file=sys.stderr)
        if stopped:
            print(f"stopped: {stopped}", file=sys.stderr)
        sys.stdout.flush()
        os._exit(1 if stopped else 0)  # not waiting on background threads

    waited = {}

    def next_step():
        if position[0] >= len(steps):
            report()
            return
        label, after, action = steps[position[0]]
        beat.begin(label)
        if after < 0:  # wait_for: again until it is so, for up to its limit
            done, limit_s = action
            began = waited.setdefault(position[0], time.perf_counter())
            if done():
                position[0] += 1
            elif time.perf_counter() - began > limit_s:
                modal = QApplication.activeModalWidget()
                report(f"[{label}] waited {limit_s} s for {done.__name__} in vain (focus {type(focus()).__name__}, "
                       f"active window {type(QApplication.activeWindow()).__name__}"
                       f"{', dialog ' + modal.windowTitle() if modal else ''})")
                return
            QTimer.singleShot(-after, next_step)
            return
        position[0] += 1
        if "--why" in sys.argv and label != getattr(next_step, "said", None):
            next_step.said = label
            modal = QApplication.activeModalWidget()
            print(f"  {label}: focus {type(focus()).__name__}"
                  f"{', in ' + modal.windowTitle() if modal else ''}", file=sys.stderr)
        QTimer.singleShot(after, next_step)  # before the action: a dialog's own loop runs it
        try:
            action()
        except Exception as error:  # noqa: BLE001 — a step that cannot run is said, the rest go on
            print(f"  ({label}: {type(error).__name__}: {error})", file=sys.stderr)

    def first_paint():
        print(f"first paint {(time.perf_counter() - started) * 1000:.0f} ms after the window was made")
        QTimer.singleShot(0, next_step)

    window.first_painted.connect(first_paint)
    app.exec()
    report()


if __name__ == "__main__":
    main()
