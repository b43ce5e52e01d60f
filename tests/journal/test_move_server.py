"""Moving journals to and from a real PostgreSQL server (the test session's
own, tests/postgres.py): the demo journal SQLite → PostgreSQL → SQLite arrives
table by table as it left; a non-empty database is refused; Cancel leaves the
database empty; the moved journal works on the server (new ids, search)."""

import pytest

from journal.writes import customers
from journal.storage import db, team
from journal.errors import Cancelled
from journal.io import move
from tests.journal.test_move import build_rich_journal, table_rows
from tests.team_server import fresh_database, needs_server


pytestmark = needs_server


@pytest.fixture
def rich_journal(tmp_path):
    path = tmp_path / "original.sqlite3"
    build_rich_journal(path)
    return path


def server_tables(location):
    server = team.server_database(location)
    server.connect()
    try:
        return server.get_tables()
    finally:
        server.close()


def test_the_demo_journal_goes_to_the_server_and_back_table_by_table(rich_journal, tmp_path, pg_server):
    location = fresh_database(pg_server, "roundtrip")
    there = move.move_journal(str(rich_journal), location)
    back = tmp_path / "back.sqlite3"
    again = move.move_journal(location, str(back))
    original = table_rows(rich_journal)
    assert table_rows(location) == original
    assert table_rows(back) == original
    assert there.tables == again.tables  # the same counts and checksums on both sides
    assert there.counts()["interaction"] > 100
    # The journal works on the server: new ids follow the moved ones, search finds what was moved.
    team.open_journal(location)
    try:
        from journal.reads import search

        name = customers.get_customer(1).name
        assert any(hit.customer_id == 1 for hit in search.search(name.split()[-1]))
        assert customers.create_customer(name="Brand New").id > max(r[0] for r in original["customer"])
    finally:
        db.close()


def test_a_database_that_holds_anything_is_refused_and_left_alone(rich_journal, pg_server):
    import psycopg

    location = fresh_database(pg_server, "taken")
    with psycopg.connect(location, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
        conn.execute("INSERT INTO invoices VALUES (7)")
    with pytest.raises(move.MoveRefused, match="not empty: it already holds 1 table \\(invoices\\)"):
        move.move_journal(str(rich_journal), location)
    with psycopg.connect(location) as conn:
        assert conn.execute("SELECT id FROM invoices").fetchall() == [(7,)]
    assert server_tables(location) == ["invoices"]


def test_a_cancelled_move_leaves_the_database_empty(rich_journal, pg_server):
    location = fresh_database(pg_server, "cancelled")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 5  # midway through the rows

    with pytest.raises(Cancelled):
        move.move_journal(str(rich_journal), location, cancelled=cancelled)
    assert server_tables(location) == []
    # And the move can be made again, whole.
    assert move.move_journal(str(rich_journal), location).rows == sum(len(r) for r in table_rows(rich_journal).values())


def test_the_command_line_moves_to_a_server_with_libpq_credentials(rich_journal, tmp_path, pg_server, capsys,
                                                                     monkeypatch):
    from journal.io import cli

    location = fresh_database(pg_server, "cli")
    assert cli.main(["move", "--from", str(rich_journal), "--to", location]) == cli.OK
    assert "match" in capsys.readouterr().out
    assert cli.main(["move", "--from", str(rich_journal), "--to", location]) == cli.REFUSED
    assert "not empty" in capsys.readouterr().err


def test_the_command_lines_jobs_run_on_a_team_journal(rich_journal, tmp_path, pg_server, capsys, lately_home):
    from journal.io import cli

    location = fresh_database(pg_server, "jobs")
    move.move_journal(str(rich_journal), location)
    customers_csv = tmp_path / "customers.csv"
    assert cli.main(["--db", location, "export", "customers", str(customers_csv)]) == cli.OK
    assert customers_csv.read_text(encoding="utf-8-sig").count("\n") > 30
    assert cli.main(["--db", location, "check"]) == cli.OK
    assert "answers: 40 customers" in capsys.readouterr().out
    assert cli.main(["--db", location, "backup"]) == cli.OK
    made = capsys.readouterr().out.strip().removeprefix("Backed up to ")
    assert (int(__import__("os").stat(made).st_mode) & 0o777) == 0o600
    assert table_rows(made) == table_rows(location)
    new = tmp_path / "new.csv"
    new.write_text("Name,Email\nZed Newcomer,zed@example.com\n", encoding="utf-8")
    assert cli.main(["--db", location, "import", "customers", str(new)]) == cli.OK
    assert len(table_rows(location)["customer"]) == 41
    empty = fresh_database(pg_server, "nothing")
    assert cli.main(["--db", empty, "check"]) == cli.DAMAGED
    assert "holds no Lately journal (it is empty)" in capsys.readouterr().err


def test_the_command_line_moves_a_protected_journal_with_the_passphrase_on_stdin(tmp_path, pg_server, capsys,
                                                                                 monkeypatch):
    import io

    from journal.io import cli
    from journal.storage import crypto

    protected = tmp_path / "protected.sqlite3"
    build_rich_journal(protected)
    crypto.change_protection(protected, None, "Brass lantern 42")
    crypto.forget()  # a new process knows no passphrase
    location = fresh_database(pg_server, "protected")
    monkeypatch.setattr("sys.stdin", io.StringIO("Brass lantern 41\n"))
    assert cli.main(["move", "--from", str(protected), "--to", location, "--passphrase-stdin"]) == cli.REFUSED
    assert "That passphrase does not open protected.sqlite3" in capsys.readouterr().err
    assert server_tables(location) == []
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, nothing said
    assert cli.main(["move", "--from", str(protected), "--to", location]) == cli.REFUSED
    assert "--passphrase-stdin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("Brass lantern 42\n"))
    try:
        assert cli.main(["move", "--from", str(protected), "--to", location, "--passphrase-stdin"]) == cli.OK
        assert "match" in capsys.readouterr().out
        assert table_rows(location) == table_rows(protected)
    finally:
        crypto.forget()

