"""Moving journals to and from a real PostgreSQL server (the test session's
own, tests/postgres.py): the demo journal SQLite → PostgreSQL → SQLite arrives
table by table as it left; a non-empty database is refused; Cancel leaves the
database empty; the moved journal works on the server (new ids, search)."""

import pytest

from journal.writes import customers, drafts
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


def as_in_a_file(rows, location):
    """A team journal's table_rows with its mover's drafts keyed as a file keys
    them (move.drafts_follow): what a file moved there had, or a copy to a file has."""
    who = me_on(location)
    rows = dict(rows)
    rows["draft"] = [[key.removesuffix(f"@{who}"), *rest] for key, *rest in rows["draft"]]
    return rows


def me_on(location):
    server = team.server_database(location)
    server.connect()
    try:
        return move.person(server)
    finally:
        server.close()


def test_the_demo_journal_goes_to_the_server_and_back_table_by_table(rich_journal, tmp_path, pg_server):
    location = fresh_database(pg_server, "roundtrip")
    there = move.move_journal(str(rich_journal), location)
    back = tmp_path / "back.sqlite3"
    again = move.move_journal(location, str(back))
    original = table_rows(rich_journal)
    on_server = table_rows(location)
    assert on_server.pop("draft") == [[f"capture@{me_on(location)}", *original["draft"][0][1:]]]  # the mover's
    assert on_server == {t: rows for t, rows in original.items() if t != "draft"}
    assert table_rows(back) == original
    # The same counts and checksums on both sides (the drafts, keyed as each end names the mover, aside).
    assert [t for t in there.tables if t.table != "draft"] == [t for t in again.tables if t.table != "draft"]
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
    assert capsys.readouterr().out.startswith("Moved ")
    copy = tmp_path / "copy.sqlite3"
    assert cli.main(["move", "--from", location, "--to", str(copy)]) == cli.OK
    said = capsys.readouterr().out
    assert said.startswith("Copied ") and f"tables to {copy};" in said  # the team journal stays: a copy
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
    said = capsys.readouterr().out
    assert "(39 customers, not the 1 in the trash)" in said  # the export, and check, tell the same number
    assert "answers: 39 customers (+1 in the trash), 444 interactions (+17 in the trash)." in said
    assert cli.main(["--db", location, "backup"]) == cli.OK
    made = capsys.readouterr().out.strip().removeprefix("Backed up to ")
    assert (int(__import__("os").stat(made).st_mode) & 0o777) == 0o600
    assert table_rows(made) == as_in_a_file(table_rows(location), location)
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
        assert as_in_a_file(table_rows(location), location) == table_rows(protected)
    finally:
        crypto.forget()


def _make_it_schema_8(location):
    """Take a team journal back to schema 8, as it was before step 9 (no row
    versions) and step 10 (the slow fold): a real older schema on the server."""
    import psycopg

    from journal.storage.migrations.m0009_changes_row_versions import VERSIONED
    from journal.reads import search_pg

    source, target = search_pg._fold_table()
    with psycopg.connect(location) as conn:
        for table in VERSIONED:
            conn.execute(f'DROP TRIGGER "{table}_version" ON "{table}"')
            conn.execute(f'ALTER TABLE "{table}" DROP COLUMN version')
        conn.execute(f"""CREATE OR REPLACE FUNCTION lately_fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(translate(coalesce(t, ''), {search_pg._literal(source)},
                                  {search_pg._literal(target)}), '[[:punct:][:space:]]+', ' ', 'g') $$""")
        conn.execute("DELETE FROM schema_version")
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (8, '2026-01-05 09:00:00')")


def test_a_team_journal_is_backed_up_to_a_file_before_its_schema_is_upgraded(rich_journal, pg_server, lately_home):
    from journal.session import Journal
    from journal.storage import backups, migrations
    from journal.writes import customers as customer_writes

    location = fresh_database(pg_server, "upgrade")
    move.move_journal(str(rich_journal), location)
    _make_it_schema_8(location)
    session = Journal(location)
    assert backups.list_backups(session.path) == []
    session.open()
    try:
        [made] = backups.list_backups(session.path)
        assert made.reason == "before-upgrade-from-v8"
        assert (made.path.stat().st_mode & 0o777) == 0o600 and (made.path.parent.stat().st_mode & 0o777) == 0o700
        # The models are on the server again, upgraded; the backup holds every row it had then.
        assert migrations.current_version(db.database.obj) == migrations.LATEST and db.is_server()
        assert customer_writes.get_customer(1).name
        kept, now = table_rows(made.path), as_in_a_file(table_rows(location), location)
        assert [v[0] for v in kept.pop("schema_version")] == [8, migrations.LATEST]
        now.pop("schema_version")
        assert kept == now  # the rows (the row versions the old schema lacked: 1, as step 9 makes them)
        assert kept["interaction"] and kept["customer"]
    finally:
        session.close()
    # Opened again: up to date, so no second backup.
    again = Journal(location)
    again.open()
    again.close()
    assert len(backups.list_backups(session.path)) == 1


def test_a_half_typed_note_follows_the_person_who_moves_the_journal_and_back(tmp_path, pg_server):
    """A file's drafts are its one person's; on a server each person's carry
    their login role (journal.writes.drafts). Ada moves her file to the team
    server: her unsaved note and cards are hers there; Ben's stay his. She
    copies it back to a file: hers are there again, and Ben's come back to him
    when the file goes to a server once more."""
    from tests.team_server import ColleagueLogin

    ada, ben = ColleagueLogin(pg_server, "ada"), ColleagueLogin(pg_server, "ben")
    try:
        mine = tmp_path / "mine.sqlite3"
        db.connect(mine)
        customers.create_customer(name="Grace Hopper")
        drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "Called about the oak ta", "customer_text": "Grace"})
        drafts.save_draft(drafts.THANK_YOU_CARDS, {"messages": [[1, "hand", "Dear Grace"]], "hand_picked": [1]})
        db.close()
        location = fresh_database(pg_server, "drafts")
        move.move_journal(str(mine), ada.at(location))

        db.open_server(ada.at(location))
        assert drafts.load_draft(drafts.QUICK_CAPTURE) == {"summary": "Called about the oak ta",
                                                           "customer_text": "Grace"}
        assert drafts.load_draft(drafts.THANK_YOU_CARDS)["messages"] == [[1, "hand", "Dear Grace"]]
        db.close()
        db.open_server(ben.at(location))
        assert drafts.load_draft(drafts.QUICK_CAPTURE) is None  # Ada's note is never offered to Ben
        drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "Ben's own", "customer_text": ""})
        db.close()

        back = tmp_path / "back.sqlite3"
        move.move_journal(ada.at(location), str(back))  # Ada copies it to a file
        db.connect(back)
        assert drafts.load_draft(drafts.QUICK_CAPTURE)["summary"] == "Called about the oak ta"
        assert drafts.load_draft(drafts.THANK_YOU_CARDS)["hand_picked"] == [1]
        db.close()

        again = fresh_database(pg_server, "drafts_again")
        move.move_journal(str(back), ada.at(again))
        db.open_server(ben.at(again))
        assert drafts.load_draft(drafts.QUICK_CAPTURE)["summary"] == "Ben's own"  # his again
        db.close()
        db.open_server(ada.at(again))
        assert drafts.load_draft(drafts.QUICK_CAPTURE)["summary"] == "Called about the oak ta"
        db.close()
    finally:
        ada.close()
        ben.close()
