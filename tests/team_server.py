"""Databases of their own for the team-mode tests, on the test session's real
PostgreSQL server (tests/postgres.py: pgserver's, or LATELY_TEST_PG_URL's). A
missing server fails these tests; only LATELY_TEST_PG=off skips them, said so."""

from __future__ import annotations

import itertools
import os

import pytest

from tests.postgres import OFF

_numbers = itertools.count(1)
needs_server = pytest.mark.skipif(OFF, reason="LATELY_TEST_PG=off: the PostgreSQL half was not asked for")


def fresh_database(pg_server, prefix: str = "team") -> str:
    """A new, empty database on the session's test server; its location as a URL."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    admin = pg_server.admin_url
    name = f"lately_{prefix}_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(admin)
    params["dbname"] = name
    params.pop("password", None)
    host = params.pop("host", "")
    user = params.pop("user", "")
    port = params.pop("port", "")
    query = f"?host={host}" if host.startswith("/") else ""
    netloc = f"{user}@" if user else ""
    netloc += "" if host.startswith("/") else host + (f":{port}" if port else "")
    if host.startswith("/") and port:
        query += f"&port={port}"
    return f"postgresql://{netloc}/{name}{query}"


def closed_port() -> int:
    """A real port on this machine that nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PasswordLogin:
    """A login role that must give its password, on the session's test server
    (whose own logins are trusted): a line for it at the top of pg_hba.conf,
    taken out again afterwards. Needs the server's files on this machine."""

    def __init__(self, pg_server, password: str = "right-password"):
        from pathlib import Path

        self.admin, self.password = pg_server.admin, password
        self.role = f"lately_login_{os.getpid()}"
        self.hba = Path(self.admin.execute("SHOW hba_file").fetchone()[0])
        if not os.access(self.hba, os.W_OK):
            pytest.fail(f"the test server's {self.hba} is not on this machine: a password login cannot be set up")
        self.original = self.hba.read_text()
        self.admin.execute(f'DROP ROLE IF EXISTS "{self.role}"')
        self.admin.execute(f"CREATE ROLE \"{self.role}\" LOGIN PASSWORD '{password}'")
        self.hba.write_text(f"local all {self.role} scram-sha-256\nhost all {self.role} all scram-sha-256\n"
                            + self.original)
        self.admin.execute("SELECT pg_reload_conf()")

    def close(self) -> None:
        self.hba.write_text(self.original)
        self.admin.execute("SELECT pg_reload_conf()")
        self.admin.execute(f'DROP ROLE IF EXISTS "{self.role}"')


@pytest.fixture
def password_login(pg_server):
    login = PasswordLogin(pg_server)
    yield login
    login.close()


class ColleagueLogin:
    """A second person's own login role on the session's test server, made as
    README's Team mode makes one: a member of the role that owns the journals,
    acting as it (`ALTER ROLE … SET role`). at(location): the same team journal,
    logged in as them."""

    def __init__(self, pg_server, name: str = "ben"):
        self.admin = pg_server.admin
        self.role = f"lately_{name}_{os.getpid()}"
        owner = self.admin.execute("SELECT current_user").fetchone()[0]
        self.admin.execute(f'DROP ROLE IF EXISTS "{self.role}"')
        self.admin.execute(f'CREATE ROLE "{self.role}" LOGIN IN ROLE "{owner}"')
        self.admin.execute(f'ALTER ROLE "{self.role}" SET role TO "{owner}"')

    def at(self, location: str) -> str:
        from psycopg.conninfo import make_conninfo

        return make_conninfo(location, user=self.role)

    def close(self) -> None:
        self.admin.execute(f'DROP ROLE IF EXISTS "{self.role}"')


@pytest.fixture
def colleague_login(pg_server):
    login = ColleagueLogin(pg_server)
    yield login
    login.close()


class OwnServer:
    """A PostgreSQL server of a test's own (pgserver's build, in a folder of
    the test's), to stop for real and start again — as when the team's server
    goes down and comes back — without touching the session's server.
    admin_url: as ServerForTests', so fresh_database(own) works on it."""

    def __init__(self, folder):
        self.data = folder / "data"
        self.server = None
        self.start()
        self.admin_url = self.server.get_uri()

    def start(self) -> None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

            self.server = pgserver.get_server(self.data, cleanup_mode="stop")

    def stop(self) -> None:
        """Stopped as its administrator stops it (`pg_ctl stop`, fast: every session ended)."""
        self.server.cleanup()

    def close(self) -> None:
        if self.server is not None and self.server.get_pid() is not None:
            self.server.cleanup()


@pytest.fixture
def own_server():
    import shutil
    import tempfile
    from pathlib import Path

    if OFF:
        pytest.skip("LATELY_TEST_PG=off: the PostgreSQL half was not asked for")
    folder = Path(tempfile.mkdtemp(prefix="lately-own-pg-"))  # as tests/postgres.py's: one the server's user reaches
    try:
        server = OwnServer(folder)
        yield server
        server.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
