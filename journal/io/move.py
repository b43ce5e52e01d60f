"""Move a journal between a file and a team server (and file to file, server
to server): every table copied with its ids, the trash, settings, graph
positions, contact points and drafts, in ONE transaction on the target, then
checked table by table (row count and a checksum computed the same way on
both sides) before that transaction commits; only then are the drafts of the
person moving it keyed as the target names its people (drafts_follow). A failure, a mismatch or a
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
from pathlib import Path

from journal.errors import Cancelled, JournalError

BATCH = 5000  # rows read (and written) at a time


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

def copy_journal(source_db, target_db, *, progress=None, cancelled=None, older=False) -> tuple[TableCheck, ...]:
    """Copy the journal in `source_db` into the empty `target_db`, which must be
    the database the models are bound to. One transaction on the target; raises
    MoveRefused on a mismatch and Cancelled when `cancelled()` turns true, and
    then the target is left as it was. progress(done_rows, total_rows, table).

    older=True takes a journal of an older schema too (a team journal's backup
    before its upgrade): the target has today's schema, a column the old one
    lacked gets its default, a table it lacked stays empty, and the target's
    schema history says so (LATEST after the source's own versions)."""
    from journal.storage import migrations

    refuse_unless_empty(target_db)
    with reading(source_db):
        _refuse_unless_current(source_db, older)
        tables = models()
        counts = {m: _count(source_db, m) for m in tables}
        total = sum(counts.values())
        if progress:
            progress(0, total, "")
        with target_db.atomic():
            migrations.bring_up_to_date(target_db)  # the schema, inside this same transaction
            from journal.storage.models import SchemaVersion

            SchemaVersion.delete().execute()  # the source's own history of upgrades is copied below
            theirs = _copy_tables(source_db, target_db, tables, total, progress, cancelled)
            from journal.storage.db import continue_ids

            continue_ids(target_db)  # on a server, new ids go on after the moved ones
            checks = []
            for model in tables:
                if cancelled and cancelled():
                    raise Cancelled("The move was cancelled; the target was left as it was.")
                ours = table_check(target_db, model)  # read back from the target, inside its transaction
                if theirs[model] != ours:
                    raise MoveRefused(
                        f"The copy of the table {model._meta.table_name} does not match the original "
                        f"({theirs[model].rows} rows, checksum {theirs[model].checksum[:12]}; the copy {ours.rows} "
                        f"rows, checksum {ours.checksum[:12]}). Nothing was moved.")
                checks.append(ours)
            if is_postgres(source_db) and not is_postgres(target_db):  # checked as copied; then a file's own:
                from journal.storage.models import me
                from journal.writes import settings

                settings.take_as_the_files(me(source_db))  # signed by who made it (their name, signature)
            if older and not SchemaVersion.select().where(SchemaVersion.version == migrations.LATEST).exists():
                SchemaVersion.create(version=migrations.LATEST)  # the schema it was made with
            # Checked as copied; then the drafts of whoever moves it are theirs where it arrives.
            drafts_follow(person(source_db), person(target_db))
    return tuple(checks)


def person(db) -> str | None:
    """Who is moving the journal, as that end knows them: on a server the login
    role (as models.me()), on a file nobody."""
    return db.execute_sql("SELECT session_user").fetchone()[0] if is_postgres(db) else None


def drafts_follow(source_person: str | None, target_person: str | None) -> None:
    """The half-typed notes and cards of the person moving the journal, keyed as
    the target names them (journal.writes.drafts: a file's drafts are its one
    person's, a server's each carry their login role): a file's `quick_capture`
    is `quick_capture@ada` on the server ada moves it to, and back again when
    she copies it to a file. A colleague's drafts keep their names, so they are
    theirs again wherever the journal goes next. Where the target already holds
    a draft of the same name (one copied earlier), the newer of the two stays."""
    from journal.storage.models import Draft

    if source_person == target_person:
        return

    def split(key: str) -> tuple[str, str | None]:
        base, at, who = key.partition("@")
        return base, (who if at else None)

    rows = {key: saved for key, saved in Draft.select(Draft.key, Draft.saved_at).tuples()}
    for key, saved in sorted(rows.items()):
        base, who = split(key)
        if who != source_person:
            continue
        new = f"{base}@{target_person}" if target_person else base
        there = rows.get(new)
        if there is not None and there > saved:
            Draft.delete().where(Draft.key == key).execute()
            continue
        if there is not None:
            Draft.delete().where(Draft.key == new).execute()
        Draft.update(key=new).where(Draft.key == key).execute()


def _copy_tables(source_db, target_db, tables, total, progress, cancelled) -> dict:
    """Every table's rows into the target; returns each table's check of the
    source, made from the same rows in the same pass (the source is read once)."""
    from journal.reads import search

    theirs, done = {}, 0
    # The full-text triggers stay off while the rows go in; the indexes are built once at the end.
    with search.bulk_load(target_db):
        for model in tables:
            check = _Checksum(model)
            with _writer(target_db, model) as write:
                for rows in _rows(source_db, model, older=True):
                    if cancelled and cancelled():
                        raise Cancelled("The move was cancelled; the target was left as it was.")
                    check.add(rows)
                    write(rows)
                    done += len(rows)
                    if progress:
                        progress(done, total, model._meta.table_name)
            theirs[model] = check.result()
    return theirs


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


def _refuse_unless_current(db, older: bool = False) -> None:
    from journal.storage.migrations import LATEST

    if "schema_version" not in db.get_tables():
        raise MoveRefused(f"{_name(db)} is not a Lately journal (it has no schema version).")
    version = db.execute_sql("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    if version > LATEST or (version < LATEST and not older):
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


@contextmanager
def _writer(db, model):
    """write(rows) puts a batch of the table's rows (Python values) into the
    target. On a server every batch of the table goes into one COPY … FROM
    STDIN (one statement, so the search index's statement triggers run once
    per table, not once per row); into a file, executemany per batch."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    to_db = _converter([None if _plain(f) else f.db_value for f in fields])
    table = model._meta.table_name
    if is_postgres(db):
        cursor = db.connection().cursor()
        with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            def write(rows):
                for row in to_db(rows):
                    copy.write_row(row)
            yield write
        cursor.close()
        return
    marks = ", ".join([db.param] * len(fields))
    insert = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'
    cursor = db.cursor()
    yield lambda rows: cursor.executemany(insert, to_db(rows))


def _plain(field) -> bool:
    """A column whose value is the same Python value read from either database
    and written to either (integers, text): copied as it is, not converted."""
    from peewee import CharField, FixedCharField, ForeignKeyField, IntegerField, TextField

    if isinstance(field, ForeignKeyField):
        return _plain(field.rel_field)
    return isinstance(field, (IntegerField, CharField, TextField)) and not isinstance(field, FixedCharField)


def _converter(conversions):
    """rows -> rows with conversions[i] applied to column i's values (None: as it is; NULL stays NULL)."""
    which = [(i, c) for i, c in enumerate(conversions) if c is not None]
    if not which:
        return lambda rows: rows

    def convert(rows):
        out = []
        for row in rows:
            row = list(row)
            for i, c in which:
                if row[i] is not None:
                    row[i] = c(row[i])
            out.append(row)
        return out

    return convert


def _count(db, model) -> int:
    if not _columns(db, model):
        return 0
    return db.execute_sql(f'SELECT count(*) FROM "{model._meta.table_name}"').fetchone()[0]


def _columns(db, model) -> set[str]:
    """The columns the table has in this database (none: no such table)."""
    table = model._meta.table_name
    if table not in db.get_tables():
        return set()
    cursor = db.execute_sql(f'SELECT * FROM "{table}" LIMIT 0')
    return {column[0] for column in cursor.description}


def _select(db, model, fields=None) -> str:
    fields = fields or model._meta.sorted_fields
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


def _rows(db, model, older=False):
    """The table's rows in key order, as Python values (dates, booleans…) so
    that a text date from SQLite and a timestamp from PostgreSQL compare equal.
    older=True: a journal of an older schema, whose table may lack columns
    (each then has its default) or be missing (no rows)."""
    fields = model._meta.sorted_fields
    convert = _converter([None if _plain(f) else f.python_value for f in fields])
    present = fields
    if older:
        columns = _columns(db, model)
        if not columns:
            return
        present = [f for f in fields if f.column_name in columns]
        if len(present) < len(fields):
            convert = _with_defaults(fields, present, convert)
    if is_postgres(db):
        # A named cursor streams inside the read transaction: 2 million rows never sit in memory at once.
        cursor = db.connection().cursor(name=f"lately_move_{model._meta.table_name}")
        cursor.execute(_select(db, model, present))
    else:
        cursor = db.execute_sql(_select(db, model, present))
    try:
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                return
            yield convert(batch)
    finally:
        cursor.close()


def _with_defaults(fields, present, convert):
    """A converter for rows of only the `present` columns: the others get their fields' defaults."""
    where = {f.column_name: i for i, f in enumerate(present)}
    picks = [(where[f.column_name], None) if f.column_name in where else (None, f) for f in fields]

    def default(field):
        return field.default() if callable(field.default) else field.default

    def widen(rows):
        return convert([tuple(row[i] if f is None else default(f) for i, f in picks) for row in rows])

    return widen



class _Checksum:
    """Row count and SHA-256 over a table's rows in key order. The rows are
    _rows' Python values, the same whichever database they came from (a text
    date from SQLite and a timestamp from PostgreSQL are both a datetime), so
    each row's repr() is the same text on both sides: one C call a row."""

    def __init__(self, model):
        self.table = model._meta.table_name
        self.digest = hashlib.sha256()
        self.rows = 0

    def add(self, rows) -> None:
        text = "\n".join([repr(tuple(row)) for row in rows]) + "\n"
        self.digest.update(text.encode("utf-8", "surrogatepass"))
        self.rows += len(rows)

    def result(self) -> TableCheck:
        return TableCheck(self.table, self.rows, self.digest.hexdigest())


def table_check(db, model) -> TableCheck:
    """The table's row count and checksum, read in one pass."""
    check = _Checksum(model)
    for batch in _rows(db, model):
        check.add(batch)
    return check.result()


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


def back_up_before_upgrade(location: str, password: str | None, target: Path) -> MoveReport:
    """A team journal about to be upgraded from an older schema, copied first
    (one REPEATABLE READ snapshot, checked table by table) into the new
    journal file `target`, as a file journal is backed up before its upgrade.
    The file has today's schema with the journal's rows as they were. Whatever
    database the models were bound to stays bound when it is done."""
    from journal.storage import team
    from journal.storage.models import database

    previous = database.obj
    source_db = open_source(location, password)
    try:
        tables = _copy_to_new_file(source_db, Path(target), None, None, older=True)
    finally:
        source_db.close()
        database.initialize(previous)
    return MoveReport(team.without_password(location), str(target), tables)


def _copy_to_new_file(source_db, path: Path, progress, cancelled, older=False) -> tuple[TableCheck, ...]:
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
        tables = copy_journal(source_db, target_db, progress=progress, cancelled=cancelled, older=older)
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

    from journal.storage import team

    # Into a server the journal moves (from then on, one writes there); to a file it is a copy, the server's stays.
    done = "Moved" if team.is_server(report.target) else "Copied"
    return (f"{done} {words.plural(report.rows, 'row')} in {len(report.tables)} tables to {report.target}; "
            "every table's row count and checksum match the original.")
