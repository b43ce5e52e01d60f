"""Who wrote what (schema step 14): in a team journal each note, purchase and
connection records the login role that wrote it, by the server's own default,
so every write path records it; the timeline names a colleague and not you.
A journal file records nobody. The colleague is a real second process logged
in as a role of their own, on the session's real PostgreSQL server."""

import psycopg

from journal.reads import timeline
from journal.storage import db
from journal.storage.models import Connection, Interaction, Purchase
from journal.writes import customers, interactions
from tests.journal.test_team_changes import colleague
from tests.team_server import colleague_login, fresh_database, needs_server  # noqa: F401 - a fixture


def written_by(model, field):
    return dict(model.select(field, model.written_by).tuples())


@needs_server
def test_a_colleagues_note_purchase_and_connection_name_them_and_yours_do_not(pg_server, colleague_login):  # noqa: F811
    location = fresh_database(pg_server, "authors")
    db.open_server(location)
    try:
        ada, bea = customers.create_customer(name="Ada").id, customers.create_customer(name="Bea").id
        interactions.log_interaction(ada, "call", "out", "My call")
        interactions.log_interaction(ada, "email", "in", "Her question")
        ben = colleague_login.at(location)
        colleague(ben, "note", ada, "Ben's call")
        colleague(ben, "purchase", ada, "Walnut bench")
        colleague(ben, "connect", ada, bea)

        ben_role = colleague_login.role
        me = pg_server.admin.execute("SELECT session_user").fetchone()[0]
        assert written_by(Interaction, Interaction.summary) == {"My call": me, "Her question": me,
                                                               "Ben's call": ben_role}
        assert written_by(Purchase, Purchase.product) == {"Walnut bench": ben_role}
        assert list(Connection.select(Connection.written_by).tuples()) == [(ben_role,)]
        authors = {e.title: e.author for e in timeline.entries(ada)}
        assert authors["Ben's call"] == authors["Bought Walnut bench"] == ben_role
        assert authors["My call"] is None and authors["Her question"] is None  # yours: no name
        assert [e.author for e in timeline.entries(ada) if e.source == timeline.CONNECTION] == [ben_role]
    finally:
        db.close()


@needs_server
def test_a_row_written_without_the_column_by_any_program_is_recorded_as_its_writer(pg_server,
                                                                                  colleague_login):  # noqa: F811
    location = fresh_database(pg_server, "authors_raw")
    db.open_server(location)
    try:
        ada = customers.create_customer(name="Ada").id
        with psycopg.connect(colleague_login.at(location), autocommit=True) as ben:
            ben.execute("INSERT INTO interaction (customer_id, occurred_at, kind, direction, summary, notes, "
                        "follow_up_done, created_at, updated_at) VALUES (%s, now(), 'call', 'out', 'From psql', '', "
                        "false, now(), now())", [ada])
        assert written_by(Interaction, Interaction.summary) == {"From psql": colleague_login.role}
    finally:
        db.close()


def test_a_journal_file_records_nobody(tmp_path):
    db.connect(tmp_path / "journal.sqlite3")
    try:
        ada = customers.create_customer(name="Ada").id
        interactions.log_interaction(ada, "call", "out", "My call")
        assert written_by(Interaction, Interaction.summary) == {"My call": None}
        assert [e.author for e in timeline.entries(ada)] == [None]
    finally:
        db.close()
