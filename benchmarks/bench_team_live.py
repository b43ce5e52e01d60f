"""A colleague's change shown in a team journal's window (DESIGN.md: "other
windows refresh within a second"): from the colleague's commit to the window
having read again what shows it, on the 5,000-customer scale journal on a
PostgreSQL server over a local socket.

    QT_QPA_PLATFORM=offscreen nice uv run python benchmarks/bench_team_live.py

The colleague is another connection (not this process's: the server tells
it) that logs a note for the customer the window shows, then for another one.
Figures, medians of --writes:
- told: from the commit returning to the window hearing of it (the server's
  notification, the listener's thread, the GUI thread's queue);
- shown: from the commit to the window's refresh done (the list read again in
  place, the page and timeline of the customer shown). It includes the 0.4 s
  the window gathers changes for (ColleagueChanges.GATHER_MS), so that a burst
  of writes is one refresh;
- the refresh on the GUI thread alone;
- the Lately panel's update for that customer (off the GUI thread).
Floor: the notification alone, to a bare psycopg connection that listens.

Then a stream (--stream seconds): an import on another desk, one statement
after another (about 50 a second, thousands a minute) on customers across the
list, one of them the customer shown: how often the window was read again
while it came, the GUI thread's time for it, and from the last statement to
the last refresh (ColleagueChanges.BUSY_MS: at most every 2 s, then once more).

The server and journal: those of bench_core_pg.py (LATELY_BENCH_PG_URL, or a
pgserver kept in the temporary folder)."""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from _harness import scale_journal, table

from bench_core_pg import pg_journal

from journal.storage import team_changes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=15)
    parser.add_argument("--stream", type=float, default=20.0, help="seconds of a colleague's stream of writes")
    args = parser.parse_args()
    built_on = date.fromtimestamp(scale_journal("5k").stat().st_mtime)
    url = pg_journal(built_on)

    import psycopg
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from journal.session import Journal
    from journal.storage import db
    from ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db.open_server(url)
    window = MainWindow(Journal(url), daily_backup=False, check_integrity=False)
    window.resize(1366, 768)
    window.show()

    def wait_until(condition, timeout=30.0):
        ends = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > ends:
                raise TimeoutError("waited too long")
            loop = QEventLoop()
            QTimer.singleShot(5, loop.quit)
            loop.exec()

    wait_until(lambda: window._started and not window.lately.loading)
    wait_until(lambda: window.colleagues.listener is not None and window.colleagues.listener.listening.is_set())
    shown_id = window.current_customer()
    other_id = window.customer_list.model.id_at(5)

    heard_at, shown_at, refresh_ms, panel_done = [], [], [], []
    listener = window.colleagues.listener
    report = listener.report  # called on the listener's thread as each change is heard
    listener.report = lambda change: (heard_at.append(time.perf_counter()), report(change))
    real = window._colleagues_changed

    def timed_refresh(change, users):
        started = time.perf_counter()
        real(change, users)
        refresh_ms.append((time.perf_counter() - started) * 1000)
        shown_at.append(time.perf_counter())

    window.colleagues.changed.disconnect(window._colleagues_changed)
    window.colleagues.changed.connect(timed_refresh)
    window.lately.computed.connect(lambda *_: panel_done.append(time.perf_counter()))

    colleague = psycopg.connect(url, autocommit=True)  # not this process's connection: told
    floor = psycopg.connect(url, autocommit=True)
    floor.execute(f"LISTEN {team_changes.CHANNEL}")

    told, shown, gui, panel, bare = [], [], [], [], []
    for n in range(args.writes):
        who = shown_id if n % 2 == 0 else other_id
        heard_at.clear(), shown_at.clear(), panel_done.clear()
        before_refreshes = len(refresh_ms)
        colleague.execute("INSERT INTO interaction (customer_id, occurred_at, kind, direction, summary, notes, "
                          "follow_up_done, created_at, updated_at) VALUES (%s, now(), 'call', 'out', %s, '', false, "
                          "now(), now())", [who, f"Colleague's call {n}"])
        committed = time.perf_counter()
        for _ in floor.notifies(timeout=10, stop_after=1):
            bare.append((time.perf_counter() - committed) * 1000)
        wait_until(lambda: bool(shown_at) and len(refresh_ms) > before_refreshes)
        wait_until(lambda: bool(panel_done))
        panel.append((panel_done[0] - committed) * 1000)
        told.append((heard_at[0] - committed) * 1000)
        shown.append((shown_at[0] - committed) * 1000)
        gui.append(refresh_ms[-1])
    median = statistics.median
    rows = [
        ("told: commit to the window hearing of it", f"{median(told):.1f}", f"{median(bare):.1f}"),
        ("shown: commit to the refresh done (0.4 s of it gathering)", f"{median(shown):.1f}", ""),
        ("  the refresh on the GUI thread (list in place, page and timeline)", f"{median(gui):.1f}", ""),
        ("  the Lately panel updated too", f"{median(panel):.1f}", ""),
    ]
    table(rows, (f"a colleague's note, 5,000 customers (median of {args.writes})", "ms", "floor ms"))
    print("floor: the notification reaching a bare psycopg connection that listens")

    import threading

    ids = [window.customer_list.model.id_at(n) for n in range(40)]
    stop, statements, last_commit = threading.Event(), [0], [0.0]

    def importing():
        conn = psycopg.connect(url, autocommit=True)
        while not stop.is_set():
            n = statements[0]
            conn.execute("INSERT INTO interaction (customer_id, occurred_at, kind, direction, summary, notes, "
                         "follow_up_done, created_at, updated_at) VALUES (%s, now(), 'email', 'in', %s, '', false, "
                         "now(), now())", [shown_id if n % 10 == 0 else ids[n % len(ids)], f"Imported {n}"])
            last_commit[0] = time.perf_counter()
            statements[0] += 1
            time.sleep(0.02)
        conn.close()

    first = len(refresh_ms)
    started = time.perf_counter()
    thread = threading.Thread(target=importing)
    thread.start()
    wait_until(lambda: time.perf_counter() - started > args.stream, timeout=args.stream + 30)
    stop.set()
    thread.join()
    ended = last_commit[0]
    wait_until(lambda: bool(shown_at) and shown_at[-1] > ended, timeout=30)
    stream_ms = refresh_ms[first:]
    rows = [
        ("statements", f"{statements[0]}", ""),
        ("refreshes of the window", f"{len(stream_ms)}", ""),
        ("  one every (s)", f"{args.stream / max(len(stream_ms) - 1, 1):.2f}", ""),
        ("  GUI thread per refresh, median (ms)", f"{median(stream_ms):.1f}", ""),
        ("  GUI thread in all (ms)", f"{sum(stream_ms):.0f}", ""),
        ("last statement to the last refresh done (ms)", f"{(shown_at[-1] - ended) * 1000:.0f}", ""),
    ]
    table(rows, (f"a colleague's stream of writes for {args.stream:.0f} s", "", ""))
    colleague.close()
    floor.close()
    window.close()
    db.close()


if __name__ == "__main__":
    main()
