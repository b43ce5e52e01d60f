"""Peak resident memory of the app with every view opened once, per size.

    nice uv run python benchmarks/bench_memory.py [--size 5k|50k]

A fresh offscreen process per size opens the scale journal as main.py does,
then opens each view in turn (list, customer page and timeline of the busiest
customer scrolled to its end, the Lately panel's full computation, the graph,
the cards window, a search, the import dialog on a Google Contacts file, then
30 notes logged with the panel updated after each, on a copy) and
reads the kernel's VmRSS and VmHWM (the peak) after each. The floor is a bare
PySide6 window in the same kind of process. Target: peak < 400 MB at 50,000."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import ROOT, scale_journal, sizes_arg, table

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})

def status():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return tuple(int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))

steps = []
def step(name):
    steps.append((name, *status()))

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
step("QApplication")
if {bare}:
    from PySide6.QtWidgets import QLabel, QMainWindow
    w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1440, 900); w.show()
    app.processEvents()
    step("bare window shown")
    print(json.dumps(steps))
    sys.exit(0)

from pathlib import Path
from ui.window import app as app_module
from ui.common import tasks, theme
from ui.window.main_window import MainWindow
theme.apply(app)

def settle(limit=300.0):
    # Until no background task is running (and a little more for the paint).
    started = time.perf_counter()
    quiet_since = None
    while time.perf_counter() - started < limit:
        app.processEvents()
        busy = tasks._pending or QThreadPool.globalInstance().activeThreadCount()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.perf_counter()
        elif time.perf_counter() - quiet_since > 0.3:
            return
        time.sleep(0.01)

session = app_module.open_with_recovery(Path({path!r}))
window = MainWindow(session)
window.resize(1440, 900)
window.show()
settle()
step("window: customer list, Lately panel")
from journal.storage.models import Customer, Interaction
from peewee import fn
busiest = (Interaction.select(Interaction.customer_id).group_by(Interaction.customer_id)
           .order_by(fn.COUNT(Interaction.id).desc()).limit(1).scalar())
window.open_customer(busiest)
timeline = window.page.timeline
while timeline.model.canFetchMore():
    timeline.model.fetchMore()
settle()
step("customer page, timeline read to its end")
window.customer_list.table.scrollToBottom()
settle()
step("customer list scrolled to its end")
window.open_graph()
settle()
step("graph")
window.open_cards()
settle()
step("cards")
from ui.search.search_dialog import SearchDialog
dialog = SearchDialog(window)
dialog.show()
dialog.box.setText("walnut")
for _ in range(30):
    app.processEvents(); time.sleep(0.02)
settle()
step("search 'walnut'")
dialog.close()
from ui.io.import_dialog import ImportDialog
importer = ImportDialog(Path({csv!r}), "customers", window)
importer.show()
settle()
step("import dialog (Google Contacts CSV)")
importer.close()
from datetime import datetime
from journal.writes import interactions
for cid in [c for (c,) in Customer.select(Customer.id).order_by(Customer.id).limit(30).tuples()]:
    interactions.log_interaction(cid, "check_in", "out", "Checked in", occurred_at=datetime.now().replace(microsecond=0))
    window.lately.refresh_soon(cid)
    settle()
step("30 notes logged, the Lately panel updated after each")
print(json.dumps(steps))
window.close()
"""


def measure(code, env) -> list:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LATELY_HOME=str(ROOT / "benchmarks" / ".cache" / "home"))
    csv = ROOT / "tests" / "fixtures" / "csv" / "google-contacts.csv"
    bare = measure(CHILD.format(root=str(ROOT), path="", csv=str(csv), bare=True), env)
    results = {}
    for size in sizes_arg():
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:  # it writes: on a copy
            path = Path(folder) / "journal.sqlite3"
            shutil.copyfile(scale_journal(size), path)
            results[size] = measure(CHILD.format(root=str(ROOT), path=str(path), csv=str(csv), bare=False), env)
    names = [name for name, *_ in next(iter(results.values()))]
    rows = [(name, *(f"{dict((n, (rss, hwm)) for n, rss, hwm in r)[name][0]} / "
                     f"{dict((n, (rss, hwm)) for n, rss, hwm in r)[name][1]}" for r in results.values()))
            for name in names]
    rows.append(("bare PySide6 window (floor)", *(f"{bare[-1][1]} / {bare[-1][2]}" for _ in results)))
    table(rows, ("after opening, MB resident now / peak", *results))
    for size, steps in results.items():
        peak = max(hwm for _, _, hwm in steps)
        print(f"{size}: peak {peak} MB" + ("  (target < 400 MB)" if size == "50k" else ""))


if __name__ == "__main__":
    main()
