"""Where start-up time goes, phase by phase, on the scale journals (both sizes
side by side, beside the bare PySide6 window's total), or on one journal.

    nice uv run python benchmarks/bench_startup_phases.py [--size 5k|50k] [JOURNAL]

Runs a fresh process nine times; each goes through the steps of ui.window.app.run()
in order, timing each one. Prints the minimum and median per phase (ms after
the interpreter has started)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from _harness import ROOT, SIZES, scale_journal, sizes_arg, table

CHILD = r"""
import sys, time
T0 = time.perf_counter()
sys.path.insert(0, {root!r})
laps = []
def lap(name):
    laps.append((name, time.perf_counter()))
import main
main.parse_args(["--db", {path!r}]); lap("argparse, journal package")
from ui.window import app as app_module; lap("Peewee, journal.storage.db, journal.storage.models")
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication; lap("PySide6 and the Qt namespace")
from ui.common import theme
from ui.common.icons import app_icon; lap("ui.common.theme, ui.common.icons")
from ui.window.main_window import MainWindow; lap("the window's modules")
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


BARE = r"""
import time
T0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1440, 900); w.show()
app.processEvents()
print(f"total\t{(time.perf_counter() - T0) * 1000:.1f}")
"""


def phases(codes: dict[str, str], env) -> dict[str, dict[str, list[float]]]:
    """Per code, per phase, the samples of nine runs, the codes interleaved so a
    busy moment on the machine hits them all."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in codes}
    for attempt in range(10):
        for name, code in codes.items():
            done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            if attempt == 0:
                continue  # warms the file and bytecode caches
            for line in done.stdout.strip().splitlines():
                phase, ms = line.rsplit("\t", 1)
                samples[name].setdefault(phase, []).append(float(ms))
    return samples


def main():
    journals = [a for a in sys.argv[1:] if not a.startswith("--") and a not in SIZES]
    if journals:
        paths = {os.path.basename(journals[0]): journals[0]}
    else:
        paths = {size: str(scale_journal(size)) for size in sizes_arg()}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LATELY_HOME=str(ROOT / "benchmarks" / ".cache" / "home"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    codes = {name: CHILD.format(root=str(ROOT), path=path) for name, path in paths.items()}
    results = phases({**codes, "bare": BARE}, env)
    bare = statistics.median(results.pop("bare")["total"])
    names = list(next(iter(results.values())))
    rows = [(name, *(f"{statistics.median(r[name]):.1f}" for r in results.values())) for name in names]
    rows.append(("bare PySide6 window, total", *(f"{bare:.1f}" for _ in results)))
    table(rows, ("start-up phases, median ms", *paths))


if __name__ == "__main__":
    main()
