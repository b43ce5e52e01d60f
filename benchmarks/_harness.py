"""Shared pieces of the benchmarks: the cached scale journal and a timer."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"


SIZES = ("5k", "50k")


def size_arg(argv=None) -> str:
    """The journal size a benchmark runs at: `--size 5k` (the default) or `--size 50k`."""
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--size", choices=SIZES, default="5k")
    known, _rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return known.size


def sizes_arg(argv=None) -> list[str]:
    """For the benchmarks that compare sizes: both, unless --size names one."""
    argv = sys.argv[1:] if argv is None else argv
    return [size_arg(argv)] if any(a.startswith("--size") for a in argv) else list(SIZES)


def scale_path(size: str) -> Path:
    return CACHE / ("scale.sqlite3" if size == "5k" else f"scale-{size}.sqlite3")


def scale_journal(size: str | None = None) -> Path:
    """The scale journal of `size` ("5k": 5,000 customers and ~200,000
    interactions; "50k": 50,000 and ~2,000,000), by default the one --size
    names; built once and reused (delete the file to rebuild it)."""
    from journal.storage import db
    from journal.io import demo

    size = size or size_arg()
    path = scale_path(size)
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        building = path.with_name(path.name + ".building")
        for leftover in building.parent.glob(building.name + "*"):
            leftover.unlink()  # an interrupted build
        database = db.connect(building)
        # A file nobody else has open, thrown away if the build fails: no
        # rollback journal, no syncs, a large cache. Then back to the journal's own mode.
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000"):
            database.execute_sql(f"PRAGMA {pragma}")
        counts = demo.populate_scale(size=size)
        database.execute_sql(f"PRAGMA journal_mode = {db.PRAGMAS['journal_mode']}")
        db.close()
        building.rename(path)
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
