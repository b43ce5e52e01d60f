"""Is the open journal sound? SQLite's integrity and foreign-key checks, and the
derived data (customer summaries, the search index) equal to a rebuild from
the tables. Used by the fuzz tests and the soak scripts in benchmarks/."""

from __future__ import annotations

from journal import search, summary
from journal.models import database


def dump() -> str:
    """The whole journal as SQL text: equal dumps, equal journals."""
    return "\n".join(database.connection().iterdump())


def problems() -> list[str]:
    found = []
    sql = database.execute_sql
    integrity = [row[0] for row in sql("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        found.append(f"integrity: {integrity[:3]}")
    dangling = sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        found.append(f"foreign keys: {dangling[:3]}")
    with database.atomic() as txn:  # rebuild, compare, and take the rebuild back
        stored = summary.snapshot()
        indexed = _search_rows()
        summary.rebuild_all()
        search.rebuild()
        if summary.snapshot() != stored:
            found.append("summary differs from a rebuild")
        if _search_rows() != indexed:
            found.append("search index differs from a rebuild")
        txn.rollback()
    for table in ("customer_fts", "interaction_fts"):
        try:
            sql(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        except Exception as exc:  # reported, the caller fails on it
            found.append(f"{table}: {exc}")
    return found


def _search_rows():
    return (sql_rows("SELECT rowid, name, company, interests FROM customer_fts ORDER BY rowid"),
            sql_rows("SELECT rowid, summary, notes FROM interaction_fts ORDER BY rowid"))


def sql_rows(query: str) -> list[tuple]:
    return database.execute_sql(query).fetchall()
