"""Start-up and customer switching on the scale journal.

    uv run python benchmarks/bench_startup.py

Start-up: a fresh process from launch until the main window is painted with the
customer list loaded and a customer's page and timeline on screen;
compared with a bare PySide6 main window doing the same (the floor).
Both run offscreen so the comparison is fair on a machine with no display.
Targets: under 1.5 s and within 2x of the bare window; switching customers
under 100 ms."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from _harness import ROOT, scale_journal, table

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1440, 900); w.show()
app.processEvents()
import time; print(time.time())
"""

LATELY = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
from ui import theme
from ui.app import open_journal
from ui.main_window import MainWindow
app = QApplication(sys.argv)
theme.apply(app)
open_journal({path!r})
w = MainWindow({path!r})
w.show()
app.processEvents()
assert w.customer_list.model.rowCount() == 5000 and w.page.timeline.model.rowCount() > 0
import time; print(time.time())
"""


def run(code: str, env) -> float:
    """Seconds from launching the process to its window being painted (the child
    prints the moment; closing down afterwards is not part of start-up)."""
    started = time.time()
    done = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1]) - started


def main():
    path = str(scale_journal())
    # Offscreen by default; with a display (DISPLAY set, e.g. under xvfb-run) LATELY_BENCH_PLATFORM=xcb
    # measures both against a real X server.
    platform = os.environ.get("LATELY_BENCH_PLATFORM", "offscreen")
    env = dict(os.environ, QT_QPA_PLATFORM=platform, LATELY_HOME=str(ROOT / "benchmarks" / ".cache" / "home"))
    print(f"platform: {platform}")
    # As on a user's machine, Python may cache compiled modules (some sandboxes forbid it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run(BARE, env)  # warm the file and bytecode caches
    run(LATELY.format(root=str(ROOT), path=path), env)
    bare = [run(BARE, env) for _ in range(7)]
    lately = [run(LATELY.format(root=str(ROOT), path=path), env) for _ in range(7)]
    bare_s, lately_s = statistics.median(bare), statistics.median(lately)
    rows = [("bare PySide6 window", f"{bare_s:.2f}", "", ""),
            ("Lately on 5,000 customers", f"{lately_s:.2f}", f"{lately_s / bare_s:.2f}x",
             "ok" if lately_s < 1.5 and lately_s / bare_s <= 2 else "MISS")]
    table(rows, ("start to usable window", "seconds", "ratio", "< 1.5 s, <= 2x"))

    switching(path)


def switching(path):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from journal import db
    from journal.models import Customer, Interaction
    from peewee import fn
    from ui.customer_page import CustomerPage

    app = QApplication.instance() or QApplication([])
    db.connect(path, check_integrity=False)
    page = CustomerPage()
    page.resize(800, 900)
    page.show()
    busiest = (Interaction.select(Interaction.customer_id).group_by(Interaction.customer_id)
               .order_by(fn.COUNT(Interaction.id).desc()).limit(1).scalar())
    ids = [busiest] + [c for (c,) in Customer.select(Customer.id).order_by(fn.random()).limit(40).tuples()]
    samples, worst = [], (0, None)
    for cid in ids * 2:
        started = time.perf_counter()
        page.show_customer(cid)
        app.processEvents()  # paint it
        elapsed = (time.perf_counter() - started) * 1000
        samples.append(elapsed)
        worst = max(worst, (elapsed, cid))
    busiest_ms = min(s for s, c in zip(samples, ids * 2) if c == busiest)
    print()
    table([("median of 82 switches", f"{statistics.median(samples):.1f}"),
           (f"customer with {Interaction.select().where(Interaction.customer == busiest).count():,} entries",
            f"{busiest_ms:.1f}"),
           ("slowest", f"{worst[0]:.1f}")], ("switching customers (page + timeline painted)", "ms"))
    del app


if __name__ == "__main__":
    main()
