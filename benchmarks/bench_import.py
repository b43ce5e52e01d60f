"""Importing a customer spreadsheet of 5,000 and of 300,000 rows, and taking it back.

    nice uv run python benchmarks/bench_import.py            # both sizes
    nice uv run python benchmarks/bench_import.py 300000     # one size

Each size runs in a process of its own (so its peak memory is its own), into a
fresh journal in a temporary folder, from a CSV file on disk shaped like an
Outlook export saved by Excel (UTF-8 with BOM, CRLF, quoted multi-line notes):
preview (read_table + plan_customers, what the dialog does), import (one
transaction), undo (everything to the trash), redo. Beside it, the floor: the
same customer rows inserted with raw sqlite3 executemany into the same schema,
in one transaction (no checks, no tags, notes, summaries or search index)."""

from __future__ import annotations

import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import ROOT, table

HEADERS = ["First Name", "Last Name", "Company", "E-mail Address", "Business Phone", "Business Street",
           "Business City", "Business Postal Code", "Business Country/Region", "Categories", "Notes", "Web Page"]


def write_file(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(HEADERS)
        for n in range(rows):
            note = f"Met at the fair in {2010 + n % 15}.\r\nPrefers e-mail; call after {9 + n % 8} o'clock." \
                if n % 3 == 0 else ""
            out.writerow([f"Person{n}", f"Lastname-{n % 997}", f"Company {n % 3000} GmbH", f"p{n}@example.org",
                          f"+49 30 {n:07}", f"Hauptstraße {n % 200 + 1}", "Berlin", f"{10115 + n % 900}",
                          "Germany", "vip" if n % 7 == 0 else "trade; fair", note,
                          f"https://example.org/people/{n}"])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run(rows: int) -> dict:
    from journal.storage import db
    from journal.reads import summary
    from journal.io import csv_import as ci
    from journal.storage.models import Customer

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "contacts.csv"
        write_file(source, rows)
        size_mb = source.stat().st_size / 1e6
        baseline = peak_mb()
        db.connect(Path(folder) / "journal.sqlite3")
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            parsed = ci.read_table(source)
            plan = ci.plan_customers(parsed, ci.guess_mapping(parsed.headers, ci.CUSTOMER_FIELDS), keep_unmapped=True)
            planned, cpu_planned = time.perf_counter(), time.process_time()
            report = ci.import_customers(plan)
            imported, cpu_imported = time.perf_counter(), time.process_time()
            ci.undo_import(report)
            undone = time.perf_counter()
            assert Customer.select().where(Customer.deleted_at.is_null()).count() == 0
            ci.redo_import(report)
            redone = time.perf_counter()
            peak = peak_mb()  # before the check below, which holds every summary twice
            assert report.created == rows and not plan.problems, (report.created, plan.problems[:3])
            kept = summary.snapshot()
            summary.rebuild_all()
            assert summary.snapshot() == kept, "the import's summaries differ from a rebuild"
        finally:
            db.close()
        floor = raw_floor(Path(folder) / "floor.sqlite3", plan)
    return dict(rows=rows, size_mb=size_mb, preview=planned - started, imported=imported - planned,
                preview_cpu=cpu_planned - cpu_started, import_cpu=cpu_imported - cpu_planned,
                undo=undone - imported, redo=redone - undone, peak_mb=peak, before_mb=baseline, floor=floor)


def raw_floor(path: Path, plan) -> float:
    """The same customer rows through raw sqlite3 executemany, one transaction."""
    from journal.storage import db

    db.connect(path)
    db.close()
    records = [(v["name"], v.get("email", ""), v.get("phone", ""), v.get("address", ""), "2026-01-01 00:00:00")
               for _, v in plan.new]
    connection = sqlite3.connect(path)
    started = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO customer (name, email, phone, address, channel, stage, interests, account_manager, "
            "account_manager_phone, created_at, updated_at, archived) "
            "VALUES (?, ?, ?, ?, 'email', 'customer', '', '', '', ?, ?, 0)",
            [r + (r[-1],) for r in records])
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [5_000, 300_000]
    if len(sizes) == 1 and "--child" in sys.argv:
        return
    results = []
    for rows in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(rows)], capture_output=True, text=True,
                             cwd=ROOT)
        if out.returncode:
            sys.exit(out.stderr)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    table([(f"{r['rows']:,} rows ({r['size_mb']:.0f} MB)", f"{r['preview']:.2f} ({r['preview_cpu']:.2f})",
            f"{r['imported']:.2f} ({r['import_cpu']:.2f})", f"{r['rows'] / r['imported']:,.0f}",
            f"{r['rows'] / r['floor']:,.0f}", f"{r['undo']:.2f}", f"{r['redo']:.2f}", f"{r['peak_mb']:.0f}")
           for r in results],
          ("customers from CSV", "preview s (CPU)", "import s (CPU)", "rows/s", "floor rows/s", "undo s", "redo s",
           "peak MB"))
    print("Wall-clock seconds, the process's own CPU seconds in brackets: on a shared machine the gap is the wait.")


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(run(int(sys.argv[-1]))))
    else:
        main()
