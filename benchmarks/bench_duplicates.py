"""Possible duplicates among the 5,000-customer scale journal, and one merge.

    uv run python benchmarks/bench_duplicates.py

On a copy of the scale journal (built once, see _harness.py): the finder over
every customer (it runs off the GUI thread in the app), then merging the two
customers with the longest histories, undoing and redoing it (these run on the
GUI thread, so they must stay short)."""

from __future__ import annotations

import shutil
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
            median, best, pairs = timed(duplicates.find_duplicates, repeat=7)
            print(f"find_duplicates over {count} customers: median {median:.0f} ms (best {best:.0f} ms), "
                  f"{len(pairs)} pairs")
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


if __name__ == "__main__":
    main()
