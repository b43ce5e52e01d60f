"""Many new rows in a few statements: thousands of cards marked as sent at once
become one INSERT per batch of rows, not one statement per card. The SQL text
is built once per batch size (Peewee's insert_many builds it value by value,
which costs more than the database spends running it); the values are
converted as Peewee converts them. The same text runs on SQLite (RETURNING
since 3.35) and on PostgreSQL."""

from __future__ import annotations

from journal.storage.models import database

# Parameters in one statement: within SQLite's oldest limit of 999 (PostgreSQL's is 65,535).
PARAMETERS = 999


def insert_rows(model, rows: list[dict], *, returning: bool = False) -> list:
    """Insert `rows` (dicts by field name) and, with `returning`, give their new
    ids in the order of `rows`. A field a row leaves out gets the field's
    default, as Peewee would give it (a callable's, such as the time written,
    taken once for all the rows and fields). Run it inside the write's transaction."""
    if not rows:
        return []
    names = list(dict.fromkeys(name for row in rows for name in row))
    fields = [model._meta.fields[name] for name in names]
    defaults = [f for f in model._meta.sorted_fields if f.name not in names and f.default is not None]
    made: dict = {}  # one moment for every "now" default: created_at and updated_at alike
    filled = {f.name: (made.setdefault(f.default, f.default()) if callable(f.default) else f.default)
              for f in (*fields, *defaults) if f.default is not None}
    constant = [f.db_value(filled[f.name]) for f in defaults]
    columns = ", ".join(f'"{f.column_name}"' for f in (*fields, *defaults))
    one = "(" + ", ".join([database.param] * (len(fields) + len(defaults))) + ")"
    key = model._meta.primary_key.column_name
    per_statement = max(1, PARAMETERS // (len(fields) + len(defaults)))
    statements: dict[int, str] = {}
    ids = []
    for start in range(0, len(rows), per_statement):
        part = rows[start:start + per_statement]
        sql = statements.get(len(part))
        if sql is None:
            sql = statements[len(part)] = (f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES '
                                           + ", ".join([one] * len(part)) + (f' RETURNING "{key}"' if returning else ""))
        params = []
        for row in part:
            params += [f.db_value(row[f.name] if f.name in row else filled.get(f.name)) for f in fields]
            params += constant
        cursor = database.execute_sql(sql, params)
        if returning:
            # Each new row takes the next id, in the order of the VALUES (on both backends).
            ids += sorted(found for (found,) in cursor.fetchall())
    return ids
