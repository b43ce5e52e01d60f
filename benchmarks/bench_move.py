"""Moving the 5,000-customer scale journal to a PostgreSQL server and back
(journal/io/move.py: one transaction, every table checked by count and
checksum). Run by hand:

    nice uv run python benchmarks/bench_move.py

The server is pgserver's (started in a temporary folder) unless
LATELY_BENCH_PG_URL names one whose role may create databases."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from _harness import scale_journal


def main() -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from journal.io import move

    admin = os.environ.get("LATELY_BENCH_PG_URL")
    server = None
    if not admin:
        import pgserver

        server = pgserver.get_server(tempfile.mkdtemp(prefix="lately-bench-pg-"), cleanup_mode="delete")
        admin = server.get_uri()
    name = f"lately_bench_move_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(admin)
    params["dbname"] = name
    target = make_conninfo("", **params)
    source = scale_journal()
    back = Path(tempfile.mkdtemp(prefix="lately-bench-move-")) / "back.sqlite3"
    try:
        started = time.perf_counter()
        there = move.move_journal(str(source), target)
        to_server = time.perf_counter() - started
        started = time.perf_counter()
        move.move_journal(target, str(back))
        to_file = time.perf_counter() - started
        print(f"{there.rows:,} rows in {len(there.tables)} tables "
              f"(interactions {there.counts()['interaction']:,})")
        print(f"file -> server: {to_server:.1f} s   server -> file: {to_file:.1f} s "
              "(each: copy, per-table count and checksum on both sides, one transaction)")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    main()
