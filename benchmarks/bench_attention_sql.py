"""SPIKE (issue 16 item 3): the attention list's items made, ordered and counted
inside the database (journal.reads.attention_items), beside today's full
computation (journal.rules.attention.compute) on the same journal.

    nice uv run python benchmarks/bench_attention_sql.py [--size 5k|50k] [--server]

Prints, median of 7: the build (every item but introductions into the
connection's temporary table, snoozes taken out), the counts by reason, the
first page of 40 and a page at the middle, a rebuild for one customer (and
those connected), and compute() as it is today. --server runs it on a copy
moved into the tests' PostgreSQL server (pgserver)."""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from _harness import SIZES, scale_journal

from journal.reads import attention_items
from journal.rules import attention, lately
from journal.storage import db
from journal.storage.db import snapshot


def median_ms(f, n=7):
    xs = []
    for _ in range(n):
        a = time.perf_counter()
        f()
        xs.append((time.perf_counter() - a) * 1000)
    return statistics.median(xs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=SIZES, default="5k")
    parser.add_argument("--server", action="store_true")
    args = parser.parse_args()
    source = scale_journal(args.size)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "journal.sqlite3"
        shutil.copy(source, copy)
        if args.server:
            from tests.postgres import ServerForTests
            from journal.io import move

            server = ServerForTests()
            url = server.empty_journal()
            move.move_journal(copy, url) if hasattr(move, "move_journal") else None
            database = db.open_server(url)
        else:
            server = None
            database = db.connect(copy)
        today = date.today()
        try:
            with snapshot():
                lately.build_items(today)
            n = sum(attention_items.counts().values())
            some = attention_items.page(0, 1)[0][0]
            ids = attention.affected_by({some})

            def build():
                with snapshot():
                    lately.build_items(today)
                    attention_items.counts()
                    attention_items.page(0, 40)

            rows = [
                ("build + counts + first page (all but introductions)", median_ms(build)),
                ("  of which counts by reason", median_ms(attention_items.counts)),
                ("  of which the first page of 40", median_ms(lambda: attention_items.page(0, 40))),
                (f"a page of 40 at row {n // 2}", median_ms(lambda: attention_items.page(n // 2, 40))),
                (f"build again for one customer and those connected ({len(ids)})",
                 median_ms(lambda: lately.build_items(today, ids))),
                ("compute() today (everything, introductions included)",
                 median_ms(lambda: attention.compute(today), n=5)),
            ]
            print(f"{args.size}{' on the server' if server else ''}: {n} items")
            for what, ms in rows:
                print(f"  {what:60s} {ms:8.1f} ms")
        finally:
            database.close()
            if server:
                server.stop()


if __name__ == "__main__":
    main()
