"""Opening a journal: where it lives, the SQLite connection and its pragmas,
and bringing its schema up to date. SQLite-specific code lives here and in
search.py only, so the rest of journal/ could run on PostgreSQL."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from peewee import AutoField, CharField, DatabaseError, OperationalError, PostgresqlDatabase, SqliteDatabase, TextField

from journal.storage import crypto
from journal.errors import DiskFull, JournalDamaged, JournalEmpty, JournalReadOnly, ServerUnavailable
from journal.storage.models import database
from journal.storage.models import is_server as models_is_server

JOURNAL_FILENAME = "journal.sqlite3"
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "cache_size": -32_000,  # 32 MB
    "synchronous": "normal",  # safe in WAL mode: a crash loses no committed transaction's integrity
    "busy_timeout": 5_000,
}


class JournalDatabase(SqliteDatabase):
    """SQLite as the journal uses it. After a full disk (or an I/O error) SQLite
    has already rolled the transaction back itself; Peewee's atomic() then sends
    a second ROLLBACK, whose "cannot rollback - no transaction is active" used to
    hide the real error. Here that second ROLLBACK is skipped, and a full disk
    becomes DiskFull with a message a person can act on."""

    def rollback(self):
        if self.is_closed() or self.connection().in_transaction:
            super().rollback()

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except DatabaseError as exc:
            raise _disk_full(exc, self.database) or exc

    def commit(self):
        try:
            super().commit()
        except DatabaseError as exc:
            raise _disk_full(exc, self.database) or exc


def _disk_full(exc: DatabaseError, where) -> DiskFull | None:
    original = exc.args[0] if exc.args and isinstance(exc.args[0], sqlite3.Error) else exc.__context__
    if (getattr(original, "sqlite_errorcode", 0) & 0xFF) != sqlite3.SQLITE_FULL:
        return None
    folder = Path(where).parent if where else "the journal's folder"
    error = DiskFull(f"The disk is full: there is no room left in {folder} ({original}); nothing was saved; "
                     "what you typed is kept. Free some space, then save again.")
    error.__cause__ = exc
    return error


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
    if is_server():
        return database.atomic("REPEATABLE READ")  # one view for the whole transaction, not per statement
    return database.atomic("DEFERRED")


is_server = models_is_server  # (in models, so the search and list modules can ask without importing db)


def temporary_table_exists(name: str) -> bool:
    """Whether this thread's connection holds the temporary table `name` (a
    connection made again has none)."""
    if is_server():
        return database.execute_sql("SELECT to_regclass(%s) IS NOT NULL", [f"pg_temp.{name}"]).fetchone()[0]
    return bool(database.execute_sql("SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = ?",
                                     [name]).fetchall())


def temporary_tables_in_memory() -> None:
    """This thread's connection keeps its temporary tables in memory, so what
    they hold (names, notes) never goes to an unprotected temporary file beside
    a journal protected by a passphrase; and, being a connection kept open for
    good (the Lately panel's), a smaller cache of the journal's pages than the
    others' 32 MB: at 50,000 customers 8 MB took the app's peak from 386 to
    362 MB, the list's build 0-10% slower. SQLite refuses the first inside a
    transaction, and setting it drops every temporary table: call it outside
    one, before making them (done once per connection). A server keeps its own."""
    if not is_server() and not database.in_transaction() \
            and database.execute_sql("PRAGMA temp_store").fetchone()[0] != 2:
        database.execute_sql("PRAGMA temp_store = MEMORY")
        database.execute_sql("PRAGMA cache_size = -8000")


def _create_private_file(path: Path) -> None:
    from journal.storage.private import make_folder

    make_folder(path.parent)
    # SQLite gives the -wal and -shm files the permissions of the main file.
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def connect(path: str | os.PathLike, before_migration=None, *, check_integrity=True,
            new_in_empty=False) -> SqliteDatabase:
    """Open (creating if needed) the journal at `path` and make it the database
    every model uses. Migrates an older journal, calling
    `before_migration(old_version)` first (to back it up); refuses a newer one.
    With check_integrity=False only the header is checked: the app runs
    integrity_problem() in the background so a large journal opens at once.
    An empty (0-byte) file raises JournalEmpty unless new_in_empty: it may be a
    journal lost by a failed copy, so it only becomes a new one when asked."""
    from journal.storage import migrations

    path = Path(path)
    created = not path.exists()
    if created:
        try:
            _create_private_file(path)
        except OSError as exc:
            raise JournalReadOnly(f"Lately cannot create a journal in {path.parent}: {exc.strerror or exc}. "
                                  "Choose a folder you can write to.") from exc
    elif path.is_dir():
        raise JournalDamaged(f"{path} is a folder, not a journal file")
    elif _is_empty(path) and not new_in_empty:
        raise JournalEmpty(f"{path.name} is empty (0 bytes): it holds no journal. If it was your journal, "
                           "it was lost before Lately opened it; a backup may hold it.")
    read_only = _read_only(path)
    if read_only:
        raise JournalReadOnly(read_only)
    key = crypto.journal_key(path)  # None: plain SQLite; raises PassphraseNeeded
    database_class = JournalDatabase if key is None else crypto.database_class(JournalDatabase)
    # Every transaction takes the write lock at BEGIN (reads use snapshot()): a
    # deferred one that read first and then writes cannot wait for another writer,
    # so busy_timeout would not help and it would fail with "database is locked".
    db = database_class(str(path), pragmas=PRAGMAS, check_same_thread=False, lock_type=WRITE_LOCK,
                        **({"passphrase": key} if key else {}))
    try:
        db.connect()
        _check_header(db, path, check_integrity)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        read_only = _read_only(path)
        if read_only:
            raise JournalReadOnly(read_only) from exc
        raise JournalDamaged(f"{path.name} is not a Lately journal or is damaged ({exc})") from exc
    database.initialize(db)
    try:
        migrations.bring_up_to_date(db, before_step=before_migration)
    except Exception:
        db.close()
        raise
    return db


def _is_empty(path: Path) -> bool:
    # A new journal's pages can all still be in its WAL: then the main file is 0 bytes but not empty.
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0)


def _read_only(path: Path) -> str | None:
    """Why the journal at `path` cannot be written, in words; None when it can."""
    folder = path.parent
    try:
        on_read_only_disk = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):
        on_read_only_disk = False
    if on_read_only_disk:
        why = f"it is on a read-only disk ({folder})"
    elif not os.access(path, os.W_OK):
        why = "its file permissions do not allow changes"
    elif not os.access(folder, os.W_OK):
        why = f"its folder {folder} cannot be written to (Lately keeps its lock and write-ahead log beside it)"
    else:
        return None
    return (f"{path.name} is read-only: {why}. Nothing was changed. Make it writable, or copy it to a folder "
            "you can write to and open the copy.")


def _check_header(db: SqliteDatabase, path: Path, check_integrity: bool) -> None:
    # Reading the schema forces SQLite to read the header: garbage fails here.
    db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    if check_integrity:
        problem = integrity_problem(db)
        if problem:
            raise JournalDamaged(f"{path.name} is damaged: {problem}")


def integrity_problem(db=None) -> str | None:
    """SQLite's quick check of every page; None when the file is sound. A
    server checks its own pages (and a journal on one has no file here): None."""
    db = db or database
    if is_server(db):
        return None
    result = db.execute_sql("PRAGMA quick_check(1)").fetchone()[0]
    return None if result == "ok" else result


SERVER_CONNECT_TIMEOUT = 5  # seconds: an unreachable server is said at once, not after minutes


def load_server_driver() -> None:
    """Give Peewee the psycopg driver it was imported without (journal/__init__.py:
    a file journal's start-up does not pay for it): what Peewee's own import
    sets when psycopg is there."""
    import peewee

    if peewee.psycopg is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle, adapter.txn_inerror, adapter.txn_unknown = (
        TransactionStatus.IDLE, TransactionStatus.INERROR, TransactionStatus.UNKNOWN)
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    peewee.psycopg = psycopg


class ServerDatabase(PostgresqlDatabase):
    """A journal on a PostgreSQL server, reached through psycopg 3 with a libpq
    connection string or URL. Each thread gets its own connection (as with the
    file), each in autocommit between Peewee's transactions."""

    def __init__(self, conninfo: str, **kwargs):
        load_server_driver()
        super().__init__(conninfo, prefer_psycopg3=True, **kwargs)

    def create_tables(self, models, **options):
        """Text columns compare and sort by code point ("C"), as SQLite's do,
        whatever the server's locale: the same order of names and the same
        case folding (ASCII, as SQLite's lower() and LIKE) on both backends."""
        super().create_tables(models, **options)
        for model in models:
            table = model._meta.table_name
            for field in model._meta.sorted_fields:
                if isinstance(field, CharField):
                    kind = f"VARCHAR({field.max_length})" if field.max_length else "VARCHAR"
                elif isinstance(field, TextField):
                    kind = "TEXT"
                else:
                    continue
                self.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{field.column_name}" TYPE {kind} COLLATE "C"')

    def execute_sql(self, sql, params=None):
        """A statement that found the connection gone (the server restarted, the
        backend terminated) is run once more on a new connection when that is
        safe: a read or a BEGIN, outside a transaction. A write's failure is
        said to the person (team.lost_message); nothing was written then."""
        try:
            return super().execute_sql(sql, params)
        except OperationalError:
            conn = self._state.conn
            if self.in_transaction() or conn is None or not conn.closed or not _SAFE_AGAIN.match(sql):
                raise
        return super().execute_sql(sql, params)

    def execute_sql_planned_each_time(self, sql, params=None):
        """execute_sql for a statement whose best plan depends on its values
        (a word in three notes or in thirty thousand). psycopg prepares a
        statement on the server after its fifth run, and the server may then
        keep one generic plan for every value: walking all 200,000 notes for a
        word none holds (35 ms) or reading thousands for a common one."""
        conn = self.connection()
        threshold = conn.prepare_threshold
        conn.prepare_threshold = None  # never prepared: planned with the values given
        try:
            return self.execute_sql(sql, params)
        finally:
            conn.prepare_threshold = threshold

    def begin(self, *args, **kwargs):
        try:
            return super().begin(*args, **kwargs)
        except OperationalError:
            conn = self._state.conn
            if conn is None or not conn.closed:
                raise
        return super().begin(*args, **kwargs)  # nothing was begun: once more, on a new connection

    def connection(self):
        """This thread's connection. One the server dropped (restarted, the
        network cut, the backend terminated) is replaced at the next statement
        outside a transaction: after a lost connection Lately connects again by
        itself once the server answers. A server still away raises ServerLost."""
        self._replace_if_lost()
        return self._reconnecting(super().connection)

    def cursor(self, *args, **kwargs):
        self._replace_if_lost()
        return self._reconnecting(lambda: super(ServerDatabase, self).cursor(*args, **kwargs))

    def connect(self, reuse_if_open=False):
        """The first connection raises ServerUnavailable (opening is refused);
        once the journal was open, a failure to connect again is ServerLost."""
        contexts = list(self._state.ctx)  # a connection_context open in this thread still closes it
        try:
            opened = super().connect(reuse_if_open)
        except ServerUnavailable as exc:
            if getattr(self, "_was_open", False):
                raise ServerLost(str(exc)) from exc
            raise
        self._state.ctx = contexts
        self._was_open = True
        return opened

    def _replace_if_lost(self) -> None:
        state = self._state
        if state.conn is not None and not state.closed and state.conn.closed and not self.in_transaction():
            contexts = state.ctx
            state.reset()  # libpq has closed it already
            state.ctx = contexts

    @staticmethod
    def _reconnecting(get):
        try:
            return get()
        except ServerUnavailable as exc:
            raise ServerLost(str(exc)) from exc

    def _connect(self):
        import psycopg

        from psycopg.conninfo import conninfo_to_dict

        params = dict(self.connect_params)
        try:
            given = conninfo_to_dict(self.database)
        except psycopg.Error as exc:
            raise ServerUnavailable(f"Lately cannot read the server address ({exc}). Nothing was changed.") from exc
        for key, value in (("connect_timeout", SERVER_CONNECT_TIMEOUT), ("application_name", "Lately")):
            if key not in given:  # what the address says wins
                params.setdefault(key, value)
        from journal.storage import team_changes

        try:
            conn = psycopg.connect(self.database, **params)
            conn.autocommit = True
            team_changes.mark_connection(conn)  # colleagues' windows hear of this connection's writes, this one's not
        except psycopg.Error as exc:
            raise ServerUnavailable(_server_problem(self.database, exc)) from exc
        return conn


_SAFE_AGAIN = re.compile(r"\s*(SELECT|SHOW|BEGIN)\b", re.IGNORECASE)  # not WITH: a CTE may write


class ServerLost(OperationalError):
    """The team journal's server went away and does not answer again yet (a
    database error, so every save's error handling takes it)."""


def _server_problem(conninfo: str, exc) -> str:
    where = describe_server(conninfo)
    reason = " ".join(str(exc).split()) or exc.__class__.__name__
    return (f"Lately could not open the team journal on {where}: {reason}. Nothing was changed. "
            "Check the server's address, that it is running, and your user name and password.")


def describe_server(conninfo: str) -> str:
    """Where a connection string points, for messages: user@host:port/database,
    never its password."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(conninfo)
    except Exception:
        return "the server"
    host = str(parts.get("host") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    user = f"{parts['user']}@" if parts.get("user") else ""
    name = parts.get("dbname") or "(the default database)"
    return f"{user}{host}{port}/{name}"


def open_server(url: str, before_migration=None) -> ServerDatabase:
    """Open the journal in a PostgreSQL database and make it the database every
    model uses, as connect() does for a file: a new (empty) database gets the
    whole schema, an older journal is migrated (calling
    `before_migration(old_version)` first), a newer one is refused (JournalTooNew).

    `url` is anything libpq accepts: a URL (`postgresql://ann@db.example/shop?sslmode=require`)
    or key=value words (`service=shop`, `host=/run/postgresql dbname=shop`).
    Credentials follow libpq's conventions, since psycopg hands the string to
    libpq: a password in the string, else PGPASSWORD, else `~/.pgpass`;
    `service=` names an entry in `~/.pg_service.conf`; `sslmode` and the other
    PG* environment variables apply. The journal's tables live in the
    connection's current schema (`options=-csearch_path=...` picks another).

    A server that cannot be reached within SERVER_CONNECT_TIMEOUT seconds, or
    refuses the login, raises ServerUnavailable with a message naming the
    server (never the password) and the reason; nothing is left open."""
    from journal.storage import migrations

    db = ServerDatabase(url)
    try:
        db.connect()
        database.initialize(db)
        migrations.bring_up_to_date(db, before_step=before_migration)
    except Exception:
        if not db.is_closed():
            db.close()
        raise
    return db


def continue_ids(db=None) -> None:
    """After rows were written with ids of their own (the demo, a journal moved
    from a file): on a server each table's id sequence goes on after its largest
    id, so the next new row does not collide. SQLite needs nothing: its next id
    is always after the largest."""
    from journal.storage.models import ALL_MODELS

    db = db or database
    if not is_server(db):
        return
    for model in ALL_MODELS:
        key = model._meta.primary_key
        if isinstance(key, AutoField):
            table, column = model._meta.table_name, key.column_name
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                           f"coalesce(max(\"{column}\"), 0) + 1, false) FROM \"{table}\"")


def close() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
