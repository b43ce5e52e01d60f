"""Moving the 5,000-customer scale journal to a PostgreSQL server and back
(journal/io/move.py: one transaction, every table checked by count and
checksum). Run by hand:

    nice uv run python benchmarks/bench_move.py

The server is pgserver's (started in a temporary folder) unless
LATELY_BENCH_PG_URL names one whose role may create databases."""

from __future__ import annotations

import os
import shutil
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
    scratch = Path(tempfile.mkdtemp(prefix="lately-bench-move-"))
    source = _current_copy(scale_journal(), scratch)
    back = scratch / "back.sqlite3"
    try:
        floor = _floor(source)
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
        print(f"floor: reading every table of the file with raw SQL {floor:.1f} s")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if server is not None:
            server.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


def _current_copy(path: Path, folder: Path) -> Path:
    """A copy of the shared scale journal brought to this Lately's schema (a
    move takes only a journal of the current schema; the shared one is never written)."""
    from journal.storage import db

    copy = folder / "source.sqlite3"
    shutil.copyfile(path, copy)
    db.connect(copy, check_integrity=False)
    db.close()
    return copy


def _floor(path: Path) -> float:
    import sqlite3

    con = sqlite3.connect(path)
    started = time.perf_counter()
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for _row in con.execute(f'SELECT * FROM "{table}"'):
            pass
    con.close()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
