"""Possible duplicates among the 5,000-customer scale journal, and one merge.

    uv run python benchmarks/bench_duplicates.py

On a copy of the scale journal (built once, see _harness.py): the finder over
every customer (it runs off the GUI thread in the app), then merging the two
customers with the longest histories, undoing and redoing it (these run on the
GUI thread, so they must stay short). The finder is timed as the app calls it
too, reporting progress to a Qt signal (what Cancel and the progress bar cost),
interleaved with plain runs so the machine's noise falls on both alike; and
beside the floor, the one SQL query that reads the customers."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _harness import scale_journal, timed
from peewee import fn

from journal.storage import db
from journal.rules import duplicates
from journal.writes import merge
from journal.storage.models import Customer, Interaction


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.sqlite3"
        shutil.copy(scale_journal(), path)
        db.connect(path)
        try:
            count = Customer.select().where(Customer.deleted_at.is_null()).count()
            plain, reporting, reports, pairs = _finder_with_and_without_progress(repeat=7)
            floor, _, _ = timed(lambda: Customer._meta.database.execute_sql(
                "SELECT c.id, c.name, c.company_id, co.name, c.email, c.phone FROM customer c "
                "LEFT JOIN company co ON c.company_id = co.id WHERE c.deleted_at IS NULL").fetchall(), repeat=7)
            print(f"find_duplicates over {count} customers: median {plain:.0f} ms, {len(pairs)} pairs; "
                  f"with progress to a Qt signal {reporting:.0f} ms ({(reporting / plain - 1) * 100:+.1f}%, "
                  f"{reports} reports); floor (the SQL reading the customers) {floor:.0f} ms")
            busiest = (Interaction.select(Interaction.customer_id, fn.COUNT(Interaction.id))
                       .group_by(Interaction.customer_id).order_by(fn.COUNT(Interaction.id).desc()).limit(2).tuples())
            (keep, _), (other, moving) = list(busiest)
            started = time.perf_counter()
            result = merge.merge_customers(keep, other)
            merged = time.perf_counter()
            merge.undo_merge(result)
            undone = time.perf_counter()
            merge.redo_merge(result)
            redone = time.perf_counter()
            print(f"merge moving {moving} interactions: {(merged - started) * 1000:.0f} ms, "
                  f"undo {(undone - merged) * 1000:.0f} ms, redo {(redone - undone) * 1000:.0f} ms")
        finally:
            db.close()


def _finder_with_and_without_progress(repeat):
    """Medians (ms) of the finder alone and reporting progress as the app's
    worker does (a cancelled flag checked, a Qt signal emitted), alternated."""
    from ui.common.tasks import _Relay

    relay, cancelled, reports = _Relay(), [], []

    def progress(done, total):
        if cancelled:
            raise RuntimeError("cancelled")
        relay.progress.emit((done, total))
        reports.append(done)
        return True

    duplicates.find_duplicates()  # warm-up
    plain, reporting = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        pairs = duplicates.find_duplicates()
        plain.append((time.perf_counter() - started) * 1000)
        reports.clear()
        started = time.perf_counter()
        duplicates.find_duplicates(progress=progress)
        reporting.append((time.perf_counter() - started) * 1000)
    return statistics.median(plain), statistics.median(reporting), len(reports), pairs


if __name__ == "__main__":
    main()
