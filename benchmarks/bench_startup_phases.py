"""Where start-up time goes, phase by phase, on the scale journal.

    uv run python benchmarks/bench_startup_phases.py [JOURNAL]

Runs a fresh process nine times; each goes through the steps of ui.app.run()
in order, timing each one. Prints the minimum and median per phase (ms after
the interpreter has started)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from _harness import ROOT, scale_journal, table

CHILD = r"""
import sys, time
T0 = time.perf_counter()
sys.path.insert(0, {root!r})
laps = []
def lap(name):
    laps.append((name, time.perf_counter()))
import main
main.parse_args(["--db", {path!r}]); lap("argparse, journal package")
from ui import app as app_module; lap("Peewee, journal.db, journal.models")
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication; lap("PySide6 and the Qt namespace")
from ui import theme
from ui.icons import app_icon; lap("ui.theme, ui.icons")
from ui.main_window import MainWindow; lap("the window's modules")
QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
app = QApplication(sys.argv)
app.setWindowIcon(app_icon())
theme.apply(app); lap("QApplication, style, palette, icon")
from pathlib import Path
session = app_module.open_with_recovery(Path({path!r})); lap("lock and open the journal")
window = MainWindow(session); lap("build the window, load list and page")
window.show(); lap("show")
app.processEvents(); lap("first paint")
previous = T0
for name, moment in laps:
    print(f"{{name}}\t{{(moment - previous) * 1000:.1f}}")
    previous = moment
print(f"total\t{{(previous - T0) * 1000:.1f}}")
window.close()
"""


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else str(scale_journal())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LATELY_HOME=str(ROOT / "benchmarks" / ".cache" / "home"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = CHILD.format(root=str(ROOT), path=path)
    samples: dict[str, list[float]] = {}
    for attempt in range(10):
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        if attempt == 0:
            continue  # warms the file and bytecode caches
        for line in done.stdout.strip().splitlines():
            name, ms = line.rsplit("\t", 1)
            samples.setdefault(name, []).append(float(ms))
    table([(name, f"{min(v):.1f}", f"{statistics.median(v):.1f}") for name, v in samples.items()],
          (f"start-up phases, {os.path.basename(path)}", "min ms", "median ms"))


if __name__ == "__main__":
    main()
