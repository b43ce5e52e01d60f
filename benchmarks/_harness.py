"""Shared pieces of the benchmarks: the cached scale journal and a timer."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"


def scale_journal() -> Path:
    """The 5,000-customer scale journal, built once and reused (delete the
    file to rebuild it)."""
    from journal import db, demo

    path = CACHE / "scale.sqlite3"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        db.connect(path)
        counts = demo.populate_scale()
        db.close()
        print(f"built {path.name}: {counts} in {time.perf_counter() - started:.1f} s")
    return path


def timed(fn, repeat=15):
    """(median ms, best ms, last result) after one warm-up call."""
    result = fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), result


def table(rows, headers):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
