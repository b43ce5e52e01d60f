"""Move a journal between a file and a team server (and file to file, server
to server): every table copied with its ids, the trash, settings, graph
positions, contact points and drafts, in ONE transaction on the target, then
checked table by table (row count and a checksum computed the same way on
both sides) before that transaction commits. A failure, a mismatch or a
Cancel leaves the target as it was: an empty database stays empty, a new
file is never made.

The target is bound to the models (Peewee's proxy) for the length of the
move, so its schema is made by the same migrations as any journal; the
source is read with plain SQL over its own connection, inside one read
transaction (REPEATABLE READ on a server), so the copy is one consistent
moment of the source even while people keep writing to it."""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from journal.errors import Cancelled, JournalError

BATCH = 500


class MoveRefused(JournalError):
    """The move cannot be done (the target is not empty, the source is too old…); nothing was changed."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class MoveReport:
    source: str
    target: str
    tables: tuple[TableCheck, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def counts(self) -> dict[str, int]:
        return {t.table: t.rows for t in self.tables}


def models():
    """The journal's tables, parents before children (so foreign keys hold while copying)."""
    from peewee import sort_models

    from journal.storage.models import ALL_MODELS

    return sort_models(ALL_MODELS)


def is_postgres(db) -> bool:
    from peewee import PostgresqlDatabase

    return isinstance(db, PostgresqlDatabase)


# --- the copy ----------------------------------------------------------------------------

def copy_journal(source_db, target_db, *, progress=None, cancelled=None) -> tuple[TableCheck, ...]:
    """Copy the journal in `source_db` into the empty `target_db`, which must be
    the database the models are bound to. One transaction on the target; raises
    MoveRefused on a mismatch and Cancelled when `cancelled()` turns true, and
    then the target is left as it was. progress(done_rows, total_rows, table)."""
    from journal.storage import migrations

    refuse_unless_empty(target_db)
    with reading(source_db):
        _refuse_unless_current(source_db)
        tables = models()
        counts = {m: _count(source_db, m) for m in tables}
        total = sum(counts.values())
        done = 0
        if progress:
            progress(0, total, "")
        with target_db.atomic():
            migrations.bring_up_to_date(target_db)  # the schema, inside this same transaction
            from journal.storage.models import SchemaVersion

            SchemaVersion.delete().execute()  # the source's own history of upgrades is copied below
            for model in tables:
                insert, to_db = _insert(target_db, model)
                for rows in _batches(source_db, model):
                    if cancelled and cancelled():
                        raise Cancelled("The move was cancelled; the target was left as it was.")
                    # One statement for many rows (psycopg pipelines them): building each batch's
                    # SQL through Peewee took a third of a 5,000-customer move.
                    target_db.cursor().executemany(insert, [tuple(c(v) for c, v in zip(to_db, row)) for row in rows])
                    done += len(rows)
                    if progress:
                        progress(done, total, model._meta.table_name)
            from journal.storage.db import continue_ids

            continue_ids(target_db)  # on a server, new ids go on after the moved ones
            checks = []
            for model in tables:
                if cancelled and cancelled():
                    raise Cancelled("The move was cancelled; the target was left as it was.")
                theirs = table_check(source_db, model)
                ours = table_check(target_db, model)
                if theirs != ours:
                    raise MoveRefused(
                        f"The copy of the table {model._meta.table_name} does not match the original "
                        f"({theirs.rows} rows, checksum {theirs.checksum[:12]}; the copy {ours.rows} rows, "
                        f"checksum {ours.checksum[:12]}). Nothing was moved.")
                checks.append(ours)
    return tuple(checks)


@contextmanager
def reading(db):
    """One consistent read of the whole journal (never a write)."""
    db.connect(reuse_if_open=True)
    if is_postgres(db):
        db.execute_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        db.execute_sql("BEGIN DEFERRED")
    try:
        yield db
    finally:
        db.execute_sql("ROLLBACK")


def refuse_unless_empty(db) -> None:
    """A move never writes into a database that holds anything: no table may exist."""
    tables = db.get_tables()
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        where = _name(db)
        raise MoveRefused(
            f"{where} is not empty: it already holds {len(tables)} table{'s' if len(tables) != 1 else ''} "
            f"({shown}). Lately moves a journal only into an empty database, so nothing there is "
            "overwritten. Create a new, empty database for it (README, Team mode) and move it there.")


def _refuse_unless_current(db) -> None:
    from journal.storage.migrations import LATEST

    if "schema_version" not in db.get_tables():
        raise MoveRefused(f"{_name(db)} is not a Lately journal (it has no schema version).")
    version = db.execute_sql("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    if version != LATEST:
        newer = version > LATEST
        raise MoveRefused(
            f"{_name(db)} has schema {version}; this Lately moves journals of schema {LATEST}. "
            + ("Update Lately first." if newer else "Open it in Lately once (it is upgraded then), and move it again."))


def _name(db) -> str:
    if is_postgres(db):
        from journal.storage import team

        try:
            return f"The database {team.place(db.database).title}"
        except team.BadLocation:
            return "The database"
    return Path(db.database).name


def _insert(db, model) -> tuple[str, list]:
    """The table's INSERT with one parameter per column, and each field's conversion to the database."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([db.param] * len(fields))
    return f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', [f.db_value for f in fields]


def _count(db, model) -> int:
    return db.execute_sql(f'SELECT count(*) FROM "{model._meta.table_name}"').fetchone()[0]


def _select(db, model) -> str:
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    # Text keys sorted by bytes on both sides: SQLite's BINARY, PostgreSQL's "C".
    collate = ' COLLATE "C"' if is_postgres(db) else ""
    order = ", ".join(f'"{f.column_name}"' + (collate if f.field_type in ("VARCHAR", "TEXT") else "")
                      for f in _key_fields(model))
    return f'SELECT {columns} FROM "{model._meta.table_name}" ORDER BY {order}'


def _key_fields(model):
    pk = model._meta.primary_key
    if pk is False or pk is None:  # a composite key declared as a constraint (CustomerTag)
        return [model._meta.fields[name] for name in _constraint_columns(model)]
    if hasattr(pk, "field_names"):
        return [model._meta.fields[name] for name in pk.field_names]
    return [pk]


def _constraint_columns(model) -> list[str]:
    for columns, unique in model._meta.indexes:
        if unique:
            return [model._meta.fields[c].name if c in model._meta.fields else c for c in columns]
    return [f.name for f in model._meta.sorted_fields]


def _rows(db, model):
    """The table's rows in key order, as Python values (dates, booleans…) so
    that a text date from SQLite and a timestamp from PostgreSQL compare equal."""
    fields = model._meta.sorted_fields
    convert = [f.python_value for f in fields]
    if is_postgres(db):
        # A named cursor streams inside the read transaction: 2 million rows never sit in memory at once.
        cursor = db.connection().cursor(name=f"lately_move_{model._meta.table_name}")
        cursor.execute(_select(db, model))
    else:
        cursor = db.execute_sql(_select(db, model))
    try:
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                return
            yield [tuple(c(v) for c, v in zip(convert, row)) for row in batch]
    finally:
        cursor.close()


_batches = _rows


def _normal(value) -> bytes:
    if value is None:
        return b"\\N"
    if value is True or value is False:
        return b"t" if value else b"f"
    if isinstance(value, datetime):
        return value.isoformat(" ").encode()
    if isinstance(value, date):
        return value.isoformat().encode()
    if isinstance(value, float):
        return repr(value).encode()
    if isinstance(value, bytes):
        return value.hex().encode()
    return str(value).encode("utf-8", "surrogatepass")


def table_check(db, model) -> TableCheck:
    """Row count and SHA-256 over the table's rows in key order, each value
    normalised to text the same way whichever database it came from."""
    digest = hashlib.sha256()
    count = 0
    for batch in _rows(db, model):
        for row in batch:
            digest.update(b"\x1f".join(_normal(v) for v in row))
            digest.update(b"\x1e")
            count += 1
    return TableCheck(model._meta.table_name, count, digest.hexdigest())


# --- opening both ends -------------------------------------------------------------------

def open_source(location: str, password: str | None = None):
    """A connection to the journal to copy from, NOT bound to the models."""
    from journal.storage import team

    if team.is_server(location):
        db = team.server_database(location, password)
    else:
        path = Path(location).expanduser()
        if not path.is_file():
            raise MoveRefused(f"There is no journal at {path}.")
        db = _file_database(path)
    db.connect()
    return db


def _file_database(path: Path):
    from journal.storage import crypto, db as journal_db

    key = crypto.journal_key(path)  # raises PassphraseNeeded for a protected journal not yet unlocked
    database_class = journal_db.JournalDatabase if key is None else crypto.database_class(journal_db.JournalDatabase)
    return database_class(str(path), pragmas=journal_db.PRAGMAS, check_same_thread=False,
                          lock_type=journal_db.WRITE_LOCK, **({"passphrase": key} if key else {}))


def move_journal(source: str, target: str, *, source_password: str | None = None,
                 target_password: str | None = None, progress=None, cancelled=None) -> MoveReport:
    """Copy the journal at `source` (a file or a server location) to `target`
    (an empty server database, or a file that does not exist yet). Binds the
    models to the target while it runs, then closes both ends."""
    from journal.storage import team
    from journal.storage.models import database

    source_db = open_source(source, source_password)
    try:
        if team.is_server(target):
            target_db = team.server_database(target, target_password)
            target_db.connect()
            database.initialize(target_db)
            try:
                tables = copy_journal(source_db, target_db, progress=progress, cancelled=cancelled)
            finally:
                target_db.close()
        else:
            tables = _copy_to_new_file(source_db, Path(target).expanduser(), progress, cancelled)
    finally:
        source_db.close()
    return MoveReport(team.without_password(source), team.without_password(str(target)), tables)


def _copy_to_new_file(source_db, path: Path, progress, cancelled) -> tuple[TableCheck, ...]:
    """Into a private partial file beside the target, renamed into place only
    when the copy is checked: the target never exists half-made."""
    from journal.storage import db as journal_db
    from journal.storage.models import database
    from journal.storage.private import fsync_folder

    if path.exists():
        raise MoveRefused(f"{path} already exists: Lately moves a journal only into a new file, "
                          "so nothing is overwritten. Choose a new name.")
    partial = path.with_name(f".{path.name}.moving")
    for leftover in _sqlite_files(partial):
        leftover.unlink(missing_ok=True)  # a move killed before it finished: never a journal
    journal_db._create_private_file(partial)
    target_db = journal_db.JournalDatabase(str(partial), pragmas=journal_db.PRAGMAS, check_same_thread=False,
                                           lock_type=journal_db.WRITE_LOCK)
    done = False
    try:
        target_db.connect()
        database.initialize(target_db)
        tables = copy_journal(source_db, target_db, progress=progress, cancelled=cancelled)
        target_db.close()  # the last connection: SQLite checkpoints the WAL into the file and removes it
        if path.exists():
            raise MoveRefused(f"{path} appeared while the journal was being copied; nothing was overwritten.")
        if any(p.exists() for p in _sqlite_files(partial)[1:]):
            raise MoveRefused(f"The new journal {path.name} could not be finished (its write-ahead log stayed "
                              "open); nothing was made. Try again.")
        os.replace(partial, path)
        fsync_folder(path.parent)
        done = True
        return tables
    finally:
        if not target_db.is_closed():
            target_db.close()
        if not done:
            for leftover in _sqlite_files(partial):
                leftover.unlink(missing_ok=True)


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def describe(report: MoveReport) -> str:
    from journal.rules import words

    return (f"Moved {words.plural(report.rows, 'row')} in {len(report.tables)} tables to {report.target}; "
            "every table's row count and checksum match the original.")
