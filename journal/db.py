"""Opening a journal: where it lives, the SQLite connection and its pragmas,
and bringing its schema up to date. SQLite-specific code lives here and in
search.py only, so the rest of journal/ could run on PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase

from .errors import JournalDamaged
from .models import database

JOURNAL_FILENAME = "journal.sqlite3"
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "cache_size": -32_000,  # 32 MB
    "synchronous": "normal",  # safe in WAL mode: a crash loses no committed transaction's integrity
    "busy_timeout": 5_000,
}


def data_dir() -> Path:
    """The folder that holds the journal and its backups: LATELY_HOME if set,
    else the platform's user data folder."""
    override = os.environ.get("LATELY_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("Lately", appauthor=False)


def default_path() -> Path:
    return data_dir() / JOURNAL_FILENAME


def demo_path() -> Path:
    return data_dir() / "demo" / JOURNAL_FILENAME


WRITE_LOCK = "IMMEDIATE"


def snapshot():
    """A transaction that only reads: one consistent view of the journal that
    does not take the write lock, so it never waits for (or blocks) a writer."""
    return database.atomic("DEFERRED")


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # SQLite gives the -wal and -shm files the permissions of the main file.
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def connect(path: str | os.PathLike, before_migration=None, *, check_integrity=True) -> SqliteDatabase:
    """Open (creating if needed) the journal at `path` and make it the database
    every model uses. Migrates an older journal, calling
    `before_migration(old_version)` first (to back it up); refuses a newer one.
    With check_integrity=False only the header is checked: the app runs
    integrity_problem() in the background so a large journal opens at once."""
    from . import migrations

    path = Path(path)
    created = not path.exists()
    if created:
        _create_private_file(path)
    elif path.is_dir():
        raise JournalDamaged(f"{path} is a folder, not a journal file")
    # Every transaction takes the write lock at BEGIN (reads use snapshot()): a
    # deferred one that read first and then writes cannot wait for another writer,
    # so busy_timeout would not help and it would fail with "database is locked".
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False, lock_type=WRITE_LOCK)
    try:
        db.connect()
        _check_header(db, path, check_integrity)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        raise JournalDamaged(f"{path.name} is not a Lately journal or is damaged ({exc})") from exc
    database.initialize(db)
    try:
        migrations.bring_up_to_date(db, before_step=before_migration)
    except Exception:
        db.close()
        raise
    return db


def _check_header(db: SqliteDatabase, path: Path, check_integrity: bool) -> None:
    # Reading the schema forces SQLite to read the header: garbage fails here.
    db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    if check_integrity:
        problem = integrity_problem(db)
        if problem:
            raise JournalDamaged(f"{path.name} is damaged: {problem}")


def integrity_problem(db=None) -> str | None:
    """SQLite's quick check of every page; None when the file is sound."""
    db = db or database
    result = db.execute_sql("PRAGMA quick_check(1)").fetchone()[0]
    return None if result == "ok" else result


def close() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
