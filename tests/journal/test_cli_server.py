"""The command line pointed at a team server it cannot use (`--db postgresql://…`):
every job says so in one plain sentence that names the server and what to do,
ends with its own exit status, and shows neither libpq's words nor a traceback.
Run as a person runs it: the real main.py in its own process, against a real
closed port and the test session's real server."""

from __future__ import annotations

import pytest

from journal.io import cli
from tests.team_server import closed_port, needs_server, password_login  # noqa: F401 (a fixture)

from .test_cli import lately

# libpq's and psycopg's own words: said to a person only when Lately cannot tell what they mean.
RAW_WORDS = ("FATAL", "connection failed", "connection is bad", "psycopg", "fe_sendauth", "libpq", ".s.PGSQL",
             "Errno", "Traceback", "Connection refused", "Show Details")


def every_job(tmp_path):
    csv = tmp_path / "customers.csv"
    csv.write_text("Name\nAda Lovelace\n")
    return [("check",), ("backup",), ("export", "customers", tmp_path / "out.csv"),
            ("export", "journal", tmp_path / "out.json"), ("import", "customers", csv),
            ("import", "customers", csv, "--dry-run")]


def said_plainly(done, *expected: str) -> str:
    said = done.stderr.strip()
    assert done.returncode == cli.NO_SERVER, (done.returncode, said)
    assert said.startswith("lately: ") and "\n" not in said, said  # one sentence, on one line
    for words in expected:
        assert words in said, said
    assert not any(word.lower() in said.lower() for word in RAW_WORDS), said
    assert done.stdout == ""
    return said


def test_a_port_nothing_listens_on_is_said_plainly_by_every_job(tmp_path, lately_home):
    port = closed_port()
    for job in every_job(tmp_path):
        done = lately(*job, "--db", f"postgresql://nobody@127.0.0.1:{port}/nothing", home=lately_home)
        said = said_plainly(done, f"the team journal nothing on 127.0.0.1:{port}", f"nothing answers on port {port}",
                            "Check the server's address and port")
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.json").exists()
    assert said == (f"lately: Lately cannot reach the team journal nothing on 127.0.0.1:{port}: nothing answers on "
                    f"port {port} there. Check the server's address and port, and that the server is running "
                    "(whoever runs it can tell).")


def test_a_computer_that_is_not_on_the_network_is_said_plainly(tmp_path, lately_home):
    done = lately("export", "customers", tmp_path / "out.csv", "--db", "postgresql://ada@no-such-host.invalid/shop",
                  home=lately_home)
    said_plainly(done, "the team journal shop on no-such-host.invalid", "no computer named no-such-host.invalid")


def test_a_port_that_is_not_a_number_and_a_service_that_is_not_there_are_said_plainly(tmp_path, lately_home):
    done = lately("export", "customers", tmp_path / "out.csv", "--db", "postgresql://ada@127.0.0.1:five/shop",
                  home=lately_home)
    said_plainly(done, "the team journal shop says port “five”, which is not a port number")
    done = lately("check", "--db", "postgresql://ada@localhost:five/shop", home=lately_home)  # a name, not a number
    said_plainly(done, "the team journal shop says port “five”, which is not a port number")
    done = lately("check", "--db", "service=lately_no_such_service", home=lately_home)
    said_plainly(done, "no service named “lately_no_such_service”")



def test_an_address_libpq_cannot_read_is_said_without_its_password(tmp_path, lately_home):
    """libpq quotes the part of an address it could not read, a password too:
    a terminal never shows it (found by review: "p%zzsecret" was printed)."""
    done = lately("check", "--db", "postgresql://ada:p%zzsecret@127.0.0.1/shop", home=lately_home)
    said = done.stderr
    assert done.returncode == cli.NO_SERVER and "zzsecret" not in said and "invalid percent-encoded" in said, said
    done = lately("check", "--db", "host=127.0.0.1 password='sec ret' port=x", home=lately_home)
    said = said_plainly(done, "The address given for the team journal says port “x”")
    assert "sec ret" not in said and "team journal team journal" not in said


@needs_server
def test_a_wrong_password_on_the_real_server_is_said_plainly_and_never_shown(tmp_path, lately_home, pg_server,
                                                                              password_login):
    from psycopg.conninfo import conninfo_to_dict

    server = conninfo_to_dict(pg_server.admin_url)
    location = (f"postgresql://{password_login.role}:wrong-password@/postgres"
                f"?host={server['host']}&port={server.get('port', 5432)}")
    for job in every_job(tmp_path):
        done = lately(*job, "--db", location, home=lately_home)
        said = said_plainly(done, "did not accept the password for the user " + password_login.role)
        assert "wrong-password" not in said


@needs_server
def test_a_database_that_is_not_on_the_real_server_is_said_plainly(tmp_path, lately_home, pg_server):
    from psycopg.conninfo import conninfo_to_dict

    server = conninfo_to_dict(pg_server.admin_url)
    location = (f"postgresql://{server.get('user', 'postgres')}@/no_such_journal"
                f"?host={server['host']}&port={server.get('port', 5432)}")
    for job in every_job(tmp_path):
        done = lately(*job, "--db", location, home=lately_home)
        said_plainly(done, "has no database named “no_such_journal”", "ask whoever runs the server to create it")
