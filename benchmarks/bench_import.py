"""Importing a 5,000-customer spreadsheet, and taking it back.

    uv run python benchmarks/bench_import.py

Into a fresh journal in a temporary folder: plan (read, map, check every row),
import in one transaction, undo (everything to the trash), redo. Import runs
off the GUI thread in the app; undo and redo run on it, so they must stay short."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _harness import table

from journal import db
from journal.io import csv_import as ci

ROWS = 5000


def main():
    text = "name,company,email,phone,tags\n" + "".join(
        f"Person {n},Company {n % 300},p{n}@example.org,555 {n:04},{'vip' if n % 7 == 0 else 'trade'}\n"
        for n in range(ROWS))
    with tempfile.TemporaryDirectory() as folder:
        db.connect(Path(folder) / "journal.sqlite3")
        try:
            started = time.perf_counter()
            parsed = ci.read_table(text.encode())
            plan = ci.plan_customers(parsed, ci.guess_mapping(parsed.headers, ci.CUSTOMER_FIELDS))
            planned = time.perf_counter()
            report = ci.import_customers(plan)
            imported = time.perf_counter()
            ci.undo_import(report)
            undone = time.perf_counter()
            ci.redo_import(report)
            redone = time.perf_counter()
        finally:
            db.close()
    assert report.created == ROWS
    table([("read and check every row", f"{planned - started:.2f}"),
           ("import (one transaction)", f"{imported - planned:.2f}"),
           ("undo the import", f"{undone - imported:.2f}"),
           ("redo it", f"{redone - undone:.2f}")],
          (f"import {ROWS:,} customers from CSV", "seconds"))


if __name__ == "__main__":
    main()
