"""A real PostgreSQL server for the journal tests, so each of them runs on both
backends (SQLite and PostgreSQL).

By default the test session starts its own server from the `pgserver` wheel
(a PostgreSQL build on PyPI) in a temporary folder and stops it at the end.
PostgreSQL refuses to run as root: run as root (as in CI), pgserver runs the
server as a system user `pgserver` it creates, and makes the temporary folder
and its own binaries readable to it; as anyone else it runs as that user.

LATELY_TEST_PG_URL=<libpq URL> uses that server instead (the tests work in a
schema of their own in that database and drop it at the end).
LATELY_TEST_PG=off runs the SQLite half only, and the summary says so. Any
other failure to reach a server fails the PostgreSQL tests: never a silent skip.

Each test gets an empty journal: the schema is made once per session, and
before each test every table is emptied and its ids restarted (much faster
than building the tables and triggers anew)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


OFF = os.environ.get("LATELY_TEST_PG", "").strip().lower() in {"off", "0", "no", "false"}
SCHEMA = f"lately_test_{os.getpid()}"
APPLICATION = f"lately-tests-{os.getpid()}"


def backends_for(item_marks) -> list[str]:
    if OFF or any(mark.name == "sqlite_only" for mark in item_marks):
        return ["sqlite"]
    return ["sqlite", "postgresql"]


class ServerForTests:
    """The server for this session: its admin connection string and our schema."""

    def __init__(self):
        self.folder: Path | None = None
        self.server = None
        given = os.environ.get("LATELY_TEST_PG_URL", "").strip()
        if given:
            self.admin_url = given
        else:
            self.admin_url = self._start_own()
        import psycopg

        self.admin = psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10)
        self.admin.execute("SET lock_timeout = '20s'")  # a test's leftover transaction fails the next test, never hangs it
        self.admin.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        self.admin.execute(f'CREATE SCHEMA "{SCHEMA}"')
        self.url = self._journal_url(SCHEMA)
        self.tables: list[str] | None = None

    def _start_own(self) -> str:
        import warnings

        with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR in CI, so /tmp is used; fine
            warnings.simplefilter("ignore")
            import pgserver

        self.folder = Path(tempfile.mkdtemp(prefix="lately-test-pg-"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.server = pgserver.get_server(self.folder / "data", cleanup_mode="delete")
        url = self.server.get_uri()
        import psycopg

        with psycopg.connect(url, autocommit=True) as con:
            # A throwaway server: durability only costs time here.
            for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
                con.execute(f"ALTER SYSTEM SET {setting}")
            con.execute("SELECT pg_reload_conf()")
        return url

    def empty_journal(self) -> str:
        """The connection string of an empty, up-to-date journal."""
        from journal.storage import db

        if self.tables is None:
            db.open_server(self.url).close()
            self.tables = [t for (t,) in self.admin.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'schema_version'",
                (SCHEMA,)).fetchall()]
        self.drop_others()
        names = ", ".join(f'"{SCHEMA}"."{t}"' for t in self.tables)
        self.admin.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return self.url

    def drop_others(self) -> None:
        """End every other connection to the journal: a test's threads keep
        their own (Peewee's connections are per thread)."""
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = %s", (APPLICATION,))

    def fresh_schema(self, name: str) -> str:
        """A schema of its own (for tests that change the schema itself)."""
        self.admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        self.admin.execute(f'CREATE SCHEMA "{name}"')
        return self._journal_url(name)

    def _journal_url(self, schema: str) -> str:
        """The tests' own connections: in their schema, and named, so that ending
        them never touches anyone else's on a shared server."""
        from psycopg.conninfo import make_conninfo

        return make_conninfo(self.admin_url, options=f"-csearch_path={schema}", application_name=APPLICATION)

    def stop(self) -> None:
        try:
            self.drop_others()
            self.admin.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            self.admin.close()
        finally:
            if self.server is not None:
                self.server.cleanup()
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)


def open_empty(backend: str, request, folder: Path):
    """A new empty journal on `backend` for a test that opens several in turn
    (the `journal` fixture gives one per test)."""
    from journal.storage import db

    if backend == "postgresql":
        return db.open_server(request.getfixturevalue("pg_server").empty_journal())
    return db.connect(folder / "journal.sqlite3")
