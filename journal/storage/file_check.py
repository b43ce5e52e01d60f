"""Reading a journal file without opening it as the journal: SQLite's full
integrity and foreign-key checks, and one setting, on a read-only connection
that can neither migrate nor change the file (for the command line)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from journal.errors import JournalDamaged


def _read_only(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise JournalDamaged(f"{path.name} cannot be opened: {error}") from None


def check_file(path: Path) -> tuple[int, dict[str, int]]:
    """(schema version, journal_counts()) of a sound journal;
    JournalDamaged naming the problem otherwise."""
    con = _read_only(path)
    try:
        problems = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
        if problems != ["ok"]:
            raise JournalDamaged(f"{path.name} is damaged: " + "; ".join(problems))
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone():
            raise JournalDamaged(f"{path.name} is an SQLite file but not a Lately journal.")
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
        orphans = con.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            tables = sorted({r[0] for r in orphans})
            raise JournalDamaged(f"{path.name} is damaged: {len(orphans)} rows refer to rows that are gone "
                                 f"(in {', '.join(tables)}).")
        counts = journal_counts(con.execute)
    except sqlite3.DatabaseError as error:
        raise JournalDamaged(f"{path.name} is not a Lately journal or is damaged ({error}).") from None
    finally:
        con.close()
    return version, counts


# What the exports write (journal/io/exports.py) and what is in the trash: a
# note of a customer in the trash goes to the trash with them. Portable SQL, so
# `check` counts a file and a team journal alike.
_COUNTS = """
SELECT (SELECT count(*) FROM customer WHERE deleted_at IS NULL),
       (SELECT count(*) FROM customer WHERE deleted_at IS NOT NULL),
       (SELECT count(*) FROM interaction i JOIN customer c ON c.id = i.customer_id
         WHERE i.deleted_at IS NULL AND c.deleted_at IS NULL),
       (SELECT count(*) FROM interaction)
"""


def journal_counts(execute) -> dict[str, int]:
    """{'customer', 'customer_trash', 'interaction', 'interaction_trash'}: the
    customers and notes an export writes, and those in the trash. execute: a
    connection's execute (sqlite3's, or Peewee's execute_sql)."""
    customers, customers_trash, interactions, every_interaction = execute(_COUNTS).fetchone()
    return {"customer": customers, "customer_trash": customers_trash, "interaction": interactions,
            "interaction_trash": every_interaction - interactions}


def read_setting(path: Path, key: str) -> str | None:
    """One stored setting, or None (not set, or the file cannot be read)."""
    try:
        con = _read_only(path)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        finally:
            con.close()
    except (sqlite3.Error, JournalDamaged):
        return None
    return row[0] if row else None
