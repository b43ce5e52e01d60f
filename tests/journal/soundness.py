"""Is the open journal sound? SQLite's integrity and foreign-key checks (a
PostgreSQL server checks both itself), and the derived data (customer
summaries, the search index) equal to a rebuild from the tables. Used by the
fuzz tests and the soak scripts in benchmarks/."""

from __future__ import annotations

from journal.reads import search, summary
from journal.storage.db import is_server
from journal.storage.models import ALL_MODELS, database


def dump() -> str:
    """The whole journal as text: equal dumps, equal journals."""
    if not is_server():
        return "\n".join(database.connection().iterdump())
    lines = []
    for model in ALL_MODELS:
        lines.append(model._meta.table_name)
        lines += sorted(repr(row) for row in model.select().tuples())
    for rows in search_rows():
        lines += [repr(row) for row in rows]
    return "\n".join(lines)


def problems() -> list[str]:
    found = []
    sql = database.execute_sql
    if not is_server():
        integrity = [row[0] for row in sql("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            found.append(f"integrity: {integrity[:3]}")
        dangling = sql("PRAGMA foreign_key_check").fetchall()
        if dangling:
            found.append(f"foreign keys: {dangling[:3]}")
    with database.atomic() as txn:  # rebuild, compare, and take the rebuild back
        stored = summary.snapshot()
        indexed = search_rows()
        summary.rebuild_all()
        search.rebuild()
        if summary.snapshot() != stored:
            found.append("summary differs from a rebuild")
        if search_rows() != indexed:
            found.append("search index differs from a rebuild")
        txn.rollback()
    for table in () if is_server() else ("customer_fts", "interaction_fts"):
        try:
            sql(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        except Exception as exc:  # reported, the caller fails on it
            found.append(f"{table}: {exc}")
    return found


def search_rows():
    """The search index's rows, for comparing states."""
    if is_server():
        return (sql_rows("SELECT customer_id, doc::text FROM customer_search ORDER BY customer_id"),
                sql_rows("SELECT interaction_id, doc::text FROM interaction_search ORDER BY interaction_id"),
                sql_rows("SELECT customer_id, name_key, names, pieces FROM customer_name_search ORDER BY customer_id"))
    return (sql_rows("SELECT rowid, name, company, interests FROM customer_fts ORDER BY rowid"),
            sql_rows("SELECT rowid, summary, notes FROM interaction_fts ORDER BY rowid"))


def sql_rows(query: str) -> list[tuple]:
    return database.execute_sql(query).fetchall()
