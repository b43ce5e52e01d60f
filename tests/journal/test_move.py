"""Moving a journal: every table, id, the trash, settings, graph positions,
contact points and drafts arrive; the copy is checked table by table; a
non-empty target, an existing file and a Cancel leave the target as it was."""

from datetime import date

import pytest

from journal.writes import customers, drafts, settings
from journal.storage import db
from journal.io import demo
from journal.rules import duplicates
from journal.reads import graph
from journal.writes import contacts
from journal.errors import Cancelled
from journal.io import move

TODAY = date(2026, 11, 20)


def build_rich_journal(path):
    """The demo journal plus one of everything the demo does not write."""
    database = db.connect(path)
    demo.populate(40, today=TODAY)
    settings.update_settings(owner_name="Zoë Ørsted", business_name="Ørsted & Søn")
    drafts.save_draft("capture", {"notes": "half-typed ✍ note"})
    graph.save_positions({1: (0.125, -3.5), 2: (1e-9, 12345.678901)})
    contacts.add(3, [("email", "work", "zoe@example.com"), ("phone", "mobile", "+44 20 7946 0000")])
    duplicates.mark_not_duplicates(4, 5)
    customers.delete_customer(6)  # in the trash
    database.close()


def table_rows(location):
    """Every table's rows as Python values, in key order, read from `location`."""
    source = move.open_source(str(location))
    try:
        with move.reading(source):
            return {m._meta.table_name: [r for batch in move._rows(source, m) for r in batch] for m in move.models()}
    finally:
        source.close()


def test_a_journal_moves_to_a_new_file_table_by_table(tmp_path):
    original = tmp_path / "original.sqlite3"
    build_rich_journal(original)
    copy = tmp_path / "copy" / "journal.sqlite3"
    copy.parent.mkdir()
    seen = []
    report = move.move_journal(str(original), str(copy), progress=lambda done, total, table: seen.append((done, total)))
    before, after = table_rows(original), table_rows(copy)
    assert before == after
    for table in ("customer", "interaction", "purchase", "setting", "draft", "graph_position", "contact_point",
                  "not_duplicate", "customer_tag", "schema_version"):
        assert before[table], f"{table} should have rows to copy"
    assert any(row[-1] is not None for row in before["customer"]), "a customer in the trash"
    assert report.counts() == {t: len(rows) for t, rows in before.items()}
    assert seen[-1][0] == seen[-1][1] == report.rows
    assert (copy.stat().st_mode & 0o777) == 0o600
    # The copy is a journal Lately opens, and search finds what is in it.
    db.connect(copy)
    from journal.reads import search

    name = customers.get_customer(1).name
    assert any(hit.customer_id == 1 for hit in search.search(name.split()[-1]))
    new = customers.create_customer(name="Brand New")  # ids continue after the copied ones
    assert new.id > max(row[0] for row in before["customer"])
    db.close()


def test_checksums_see_a_changed_value(tmp_path):
    original = tmp_path / "original.sqlite3"
    build_rich_journal(original)
    source = move.open_source(str(original))
    from journal.storage.models import Customer

    with move.reading(source):
        first = move.table_check(source, Customer)
    source.execute_sql("UPDATE customer SET email = 'changed@example.com' WHERE id = 2")
    with move.reading(source):
        second = move.table_check(source, Customer)
    source.close()
    assert first.rows == second.rows and first.checksum != second.checksum


def test_an_existing_file_is_never_overwritten(tmp_path):
    original = tmp_path / "original.sqlite3"
    build_rich_journal(original)
    target = tmp_path / "there.sqlite3"
    target.write_bytes(b"someone's file")
    with pytest.raises(move.MoveRefused, match="already exists"):
        move.move_journal(str(original), str(target))
    assert target.read_bytes() == b"someone's file"


def test_a_cancelled_move_makes_no_file(tmp_path):
    original = tmp_path / "original.sqlite3"
    build_rich_journal(original)
    target = tmp_path / "never.sqlite3"
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        move.move_journal(str(original), str(target), cancelled=cancelled)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["original.sqlite3"]


def test_a_non_empty_target_database_is_refused(tmp_path):
    original = tmp_path / "original.sqlite3"
    build_rich_journal(original)
    other = tmp_path / "other.sqlite3"
    db.connect(other).close()
    source = move.open_source(str(original))
    target = move._file_database(other)
    target.connect()
    with pytest.raises(move.MoveRefused, match="not empty"):
        move.copy_journal(source, target)
    source.close()
    target.close()


def test_an_older_journal_is_refused_with_what_to_do(tmp_path):
    original = tmp_path / "original.sqlite3"
    db.connect(original).close()
    source = move._file_database(original)
    source.connect()
    source.execute_sql("DELETE FROM schema_version WHERE version > 3")
    source.close()
    with pytest.raises(move.MoveRefused, match="Open it in Lately once"):
        move.move_journal(str(original), str(tmp_path / "new.sqlite3"))
    assert not (tmp_path / "new.sqlite3").exists()


def test_the_command_line_moves_a_journal_and_says_so(tmp_path, capsys):
    from journal.io import cli

    original = tmp_path / "original.sqlite3"
    build_rich_journal(original)
    target = tmp_path / "moved.sqlite3"
    assert cli.is_command(["move", "--to", str(target)])
    assert cli.main(["move", "--from", str(original), "--to", str(target)]) == cli.OK
    out = capsys.readouterr().out
    assert "every table's row count and checksum match" in out
    assert table_rows(original) == table_rows(target)
    # Again: the target now exists, so it is refused and left alone.
    before = target.read_bytes()
    assert cli.main(["--db", str(original), "move", "--to", str(target)]) == cli.REFUSED
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_the_command_line_names_an_unreachable_server_at_once(tmp_path, capsys):
    import socket

    from journal.io import cli

    original = tmp_path / "original.sqlite3"
    db.connect(original).close()
    with socket.socket() as closed:  # a real port on this machine that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    status = cli.main(["move", "--from", str(original), "--to", f"postgresql://lately@127.0.0.1:{port}/team"])
    err = capsys.readouterr().err
    assert status == cli.NO_SERVER  # its own status: a script can tell "try again later"
    assert "cannot reach the team journal team on 127.0.0.1" in err and "Traceback" not in err
