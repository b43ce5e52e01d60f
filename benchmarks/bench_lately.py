"""The attention list (issue 16 item 3): the full computation, and the update
after one write to one customer, each beside its floor.

    QT_QPA_PLATFORM=offscreen nice uv run python benchmarks/bench_lately.py [--size 5k|50k]

Targets: full computation < 50 ms at 5,000 customers and < 300 ms at 50,000
(it runs off the GUI thread); after one write, the panel's update for that
customer < 10 ms (journal.rules.attention.update plus the list's rows moved on the
GUI thread).

Floors: "raw SQL" runs the same queries with sqlite3 and only fetches the rows
(no Python on them): what reading the inputs costs at the least. The update's
floor is reading one customer's rows the same way. Runs on a copy of the scale
journal, since it writes."""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from _harness import SIZES, scale_journal, table, timed

from journal.reads import attention_facts
from journal.rules import attention, lately
from journal.storage import db
from journal.writes import interactions
from journal.rules.kinds import REFERRED


def raw_floor(raw, today, ids=None):
    """The queries lately.gather runs, with sqlite3, rows fetched and nothing done with them."""
    only = (lambda column: "") if ids is None else (lambda column: f" AND {column} IN ({','.join(map(str, ids))})")
    grace = (today - timedelta(days=lately.THANK_GRACE_DAYS)).isoformat()
    memory = (today - timedelta(days=lately.REFERRAL_MEMORY_DAYS)).isoformat()
    default = raw.execute("SELECT value FROM setting WHERE key = 'default_cadence_days'").fetchone()
    customers = attention_facts.customers(int(default[0]) if default else 90, ids)
    queries = [
        (customers.sql, customers.params),
        ("SELECT customer_id, purchased_on, id, product FROM purchase WHERE thanked_by_id IS NULL "
         "AND deleted_at IS NULL AND purchased_on < ?" + only("customer_id"), (grace,)),
        ("SELECT customer_id, id, follow_up_on, summary, kind FROM interaction WHERE follow_up_on <= ? "
         "AND follow_up_done = 0 AND deleted_at IS NULL" + only("customer_id"), (today.isoformat(),)),
        ("SELECT n.source_id, n.connected_on, n.id, n.target_id, t.name FROM connection n LEFT JOIN customer t "
         "ON t.id = n.target_id AND t.deleted_at IS NULL AND t.archived = 0 WHERE n.kind = ? "
         "AND n.thanked_by_id IS NULL AND n.deleted_at IS NULL AND n.connected_on >= ?" + only("n.source_id"),
         (REFERRED, memory)),
        ("SELECT ct.customer_id, t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
         + only("ct.customer_id"), ()),
        ("SELECT customer_id, reason FROM snooze WHERE until > ?" + only("customer_id"), (today.isoformat(),)),
    ]
    raw.execute("BEGIN")
    try:
        return [raw.execute(sql, params).fetchall() for sql, params in queries]
    finally:
        raw.execute("COMMIT")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="5k", help="the scale journal (built once if missing)")
    parser.add_argument("--writes", type=int, default=30)
    args = parser.parse_args()
    source = scale_journal(args.size)
    folder = Path(tempfile.mkdtemp(prefix="bench-lately-"))
    path = folder / "journal.sqlite3"
    shutil.copyfile(source, path)
    db.connect(path)
    raw = sqlite3.connect(path, isolation_level=None)
    today = date.today()
    rows = []

    full_ms, full_best, state = timed(lambda: attention.compute(today), repeat=11)
    floor_ms, floor_best, _ = timed(lambda: raw_floor(raw, today), repeat=11)
    people = [cid for (cid,) in raw.execute("SELECT id FROM customer WHERE deleted_at IS NULL AND archived = 0")]
    rows.append((f"full computation ({len(people):,} customers, {len(state.items):,} items)",
                 f"{full_ms:.1f}", f"{floor_ms:.1f}", f"{full_ms / floor_ms:.2f}x",
                 f"< {50 if args.size == '5k' else 300}"))
    started = time.perf_counter()
    with db.snapshot():
        inputs = lately.gather(today)
    read = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    lately.evaluate(inputs, today)
    rules = (time.perf_counter() - started) * 1000
    rows.append(("  of which: reading the inputs (one run)", f"{read:.1f}", "", "", ""))
    rows.append(("  of which: the rules (one run)", f"{rules:.1f}", "", "", ""))

    # After one write: a quick capture for a random customer, then the update for that customer.
    from PySide6.QtWidgets import QApplication, QMainWindow
    from PySide6.QtCore import Qt

    from ui.lately.lately_panel import LatelyPanel

    app = QApplication.instance() or QApplication([])
    window = QMainWindow()
    panel = LatelyPanel(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    window.resize(1400, 900)
    window.show()
    started = time.perf_counter()
    panel._show(state)
    app.processEvents()
    panel._state = state
    first_show = (time.perf_counter() - started) * 1000

    rng = random.Random(7)
    updates, shows, floors = [], [], []
    for _ in range(args.writes):
        who = rng.choice(people)
        interactions.log_interaction(who, rng.choice(["meeting", "check_in", "call", "article"]), "out", "Coffee",
                                     occurred_at=datetime.now().replace(microsecond=0))
        started = time.perf_counter()
        new = attention.update(state, {who}, today)
        updates.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        panel._show(new, state)
        app.processEvents()
        shows.append((time.perf_counter() - started) * 1000)
        panel._state = state = new
        started = time.perf_counter()
        raw_floor(raw, today, [who])
        floors.append((time.perf_counter() - started) * 1000)
    update_ms, show_ms, floor_one = (statistics.median(x) for x in (updates, shows, floors))
    rows.append((f"after one write: update for that customer (median of {args.writes})", f"{update_ms:.1f}",
                 f"{floor_one:.1f}", f"{update_ms / floor_one:.2f}x", ""))
    rows.append(("after one write: the panel's rows moved (GUI thread)", f"{show_ms:.1f}", "", "", ""))
    rows.append(("after one write: both", f"{update_ms + show_ms:.1f}", "", "", "< 10"))
    rows.append(("first fill of the panel (GUI thread)", f"{first_show:.1f}", "", "", ""))
    same = state.items == attention.compute(today).items
    table(rows, ("attention list", "ours ms", "floor ms", "ratio", "target ms"))
    print(f"\nthe updated list equals a full recompute: {'yes' if same else 'NO'}")
    print("(medians; full computation: median of 11 after a warm-up; the machine is shared and was loaded)")
    db.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
