"""A real PostgreSQL server for the team-mode tests: the `pgserver` wheel's,
started once per test session in a temporary folder (or the server named by
LATELY_TEST_POSTGRES, a libpq location of a role that may create databases).
A missing server fails these tests; it never skips them."""

from __future__ import annotations

import itertools
import os
import tempfile

_server = None
_numbers = itertools.count(1)


def server_location() -> str:
    """A location of the server's maintenance database, for CREATE DATABASE."""
    global _server
    given = os.environ.get("LATELY_TEST_POSTGRES")
    if given:
        return given
    if _server is None:
        import pgserver

        _server = pgserver.get_server(tempfile.mkdtemp(prefix="lately-pg-"), cleanup_mode="stop")
    return _server.get_uri()


def fresh_database(pg_server=None, prefix: str = "team") -> str:
    """A new, empty database on the test server (the session's, tests/postgres.py,
    when given); its location as a URL."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    if isinstance(pg_server, str):
        pg_server, prefix = None, pg_server
    admin = pg_server.admin_url if pg_server is not None else server_location()
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
