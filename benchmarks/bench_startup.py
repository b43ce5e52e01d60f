"""Start-up and customer switching on the scale journals, both sizes side by side.

    nice uv run python benchmarks/bench_startup.py [--size 5k|50k]

Start-up: a fresh `main.py --measure-startup` process from launch until the main
window is painted with the customer list loaded and a customer's page and
timeline on screen;
compared with a bare PySide6 main window doing the same (the floor).
Both run offscreen so the comparison is fair on a machine with no display.
Targets: flat in the size of the business, i.e. at 50,000 customers at most
0.45 s and within 1.2x of the 5,000-customer figure; switching customers
under 100 ms."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import sqlite3

from _harness import ROOT, scale_journal, sizes_arg, table

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel

class Window(QMainWindow):  # the moment of the first paint, as Lately reports it
    def paintEvent(self, event):
        super().paintEvent(event)
        if not hasattr(self, "painted"):
            self.painted = time.time()
            QTimer.singleShot(0, lambda: (print(self.painted, flush=True), self.close()))

app = QApplication(sys.argv)
w = Window(); w.setCentralWidget(QLabel("hello")); w.resize(1440, 900); w.show()
app.exec()
"""

# The floor under any window on this stack: the bare window, plus importing
# Peewee and first touching PySide6's Qt namespace (which builds its 93 Python
# enums). Every Lately window pays both before it has done anything of its own.
STACK_FLOOR = BARE.replace("import sys, time\n", "import sys, time\nimport peewee\n").replace(
    "app = QApplication", "from PySide6.QtCore import Qt\napp = QApplication")

# The real start: main.py, its single-instance lock, migrations check and all;
# the app prints the moment its window is first painted with the list loaded and
# the last (or first) customer's page and timeline on screen.
def lately(journal) -> list[str]:
    return ["main.py", "--db", str(journal), "--measure-startup"]


def run(args: list[str], env, listed: int | None = None) -> float:
    """Seconds from launching the process to its window being painted (the child
    prints the moment; closing down afterwards is not part of start-up).
    `listed`: the customers Lately must have on screen when it reports."""
    started = time.time()
    done = subprocess.run([sys.executable, *args], check=True, env=env, capture_output=True, text=True, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    if listed is not None:  # the window really was loaded when it reported
        report = lines[-2].split()
        assert int(report[1]) == listed and (listed == 0 or int(report[3]) > 0), lines[-2]
    return float(lines[-1]) - started


def listed(path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM customer WHERE deleted_at IS NULL AND NOT archived").fetchone()[0]


def main():
    paths = {size: str(scale_journal(size)) for size in sizes_arg()}
    # Offscreen by default; with a display (DISPLAY set, e.g. under xvfb-run) LATELY_BENCH_PLATFORM=xcb
    # measures both against a real X server.
    platform = os.environ.get("LATELY_BENCH_PLATFORM", "offscreen")
    env = dict(os.environ, QT_QPA_PLATFORM=platform, LATELY_HOME=str(ROOT / "benchmarks" / ".cache" / "home"))
    print(f"platform: {platform}")
    # As on a user's machine, Python may cache compiled modules (some sandboxes forbid it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    empty = ROOT / "benchmarks" / ".cache" / "empty.sqlite3"
    kinds = {"bare": (["-c", BARE], None), "floor": (["-c", STACK_FLOOR], None), "empty": (lately(empty), 0)}
    for size, path in paths.items():
        kinds[size] = (lately(path), listed(path))
    for args, count in kinds.values():
        run(args, env, count)  # warm the file and bytecode caches (and create the empty journal)
    samples = {kind: [] for kind in kinds}
    for _ in range(9):  # interleaved, so a busy moment on the machine hits them all
        for kind, (args, count) in kinds.items():
            samples[kind].append(run(args, env, count))
    s = {kind: statistics.median(values) for kind, values in samples.items()}

    def row(label, kind, verdict=""):
        return (label, f"{s[kind]:.3f}", f"{s[kind] / s['bare']:.2f}x", verdict)

    rows = [row("bare PySide6 window", "bare"),
            row("  + import peewee, touch Qt namespace", "floor"),
            row("Lately on an empty journal", "empty")]
    for size in paths:
        verdict = ""
        if size == "50k":
            verdict = "ok" if s["50k"] <= 0.45 else "MISS (> 0.45 s)"
            if "5k" in s:
                ratio = s["50k"] / s["5k"]
                verdict += f", {ratio:.2f}x of 5k " + ("ok" if ratio <= 1.2 else "MISS (> 1.2x)")
        rows.append(row(f"Lately on {kinds[size][1]:,} customers", size, verdict))
    table(rows, ("start to first paint (list, page, timeline)", "seconds", "vs bare", "50k: <= 0.45 s, <= 1.2x 5k"))

    for size, path in paths.items():
        switching(path)


def switching(path):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from journal.storage import db
    from journal.storage.models import Customer, Interaction
    from peewee import fn
    from ui.customers.customer_page import CustomerPage

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
           ("slowest", f"{worst[0]:.1f}")],
          (f"switching customers (page + timeline painted), {os.path.basename(path)}", "ms"))
    del app


if __name__ == "__main__":
    main()
