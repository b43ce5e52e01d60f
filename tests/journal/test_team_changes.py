"""Colleagues' changes to a team journal are told as they are made
(journal/storage/team_changes.py): a write by another process reaches a
Listener with the customers it changed and who wrote it; the listener's own
process's writes, a statement that changed nothing and a transaction rolled
back are not told; a write about many customers says so; a listener whose
connection is lost connects again and says anything may have changed; a file
journal has none of it. Against the session's real PostgreSQL server, with
the colleague a real second process (tests/colleague.py)."""

import queue
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from journal.storage import db, team, team_changes
from journal.writes import customers, interactions
from tests.team_server import fresh_database, needs_server

ROOT = Path(__file__).resolve().parents[2]


def colleague(location: str, *words: str) -> str:
    """Run a colleague's writes in a second process; what it printed."""
    done = subprocess.run([sys.executable, "-m", "tests.colleague", location, *map(str, words)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Heard:
    """A listener on `location` and what it reported, waited for by condition."""

    def __init__(self, location, since=None):
        self.queue = queue.Queue()
        self.listener = team_changes.Listener(lambda: team.listening_connection(location), self.queue.put,
                                              since).start()
        assert self.listener.listening.wait(30), "the listener never listened"

    def next(self, timeout: float = 20) -> team_changes.Change:
        return self.queue.get(timeout=timeout)

    def stop(self):
        self.listener.stop()


def heard_since_a_quiet_mark(location, opened, between=lambda: None, tries=5) -> Heard:
    """A listener since a write mark taken before `between()` (the window's
    reads), where the server gave no transaction id but this process's scratch
    work between the mark and the listening. On a shared server other databases
    and autovacuum take ids too, and then "anything may have changed" is the
    right answer; a test of its absence needs a quiet server, checked here, not
    hoped for."""
    for _ in range(tries):
        quiet = team_changes.write_mark(opened)
        between()
        heard = Heard(location, since=quiet)
        if set(range(quiet, team_changes.write_mark(opened))) <= team_changes._scratch:
            return heard
        heard.stop()
    pytest.fail(f"transaction ids not this process's scratch work between a mark and a listener's start, "
                f"{tries} tries running (the server never quiet, or scratch work not marked as such)")


@pytest.fixture
def team_journal(pg_server):
    location = fresh_database(pg_server, "told")
    db.open_server(location)
    heard = Heard(location)
    yield location, heard
    heard.stop()
    db.close()


def admin_session_user(pg_server) -> str:
    return pg_server.admin.execute("SELECT session_user").fetchone()[0]


@needs_server
def test_a_colleagues_note_is_told_with_its_customer_and_who_wrote_it(team_journal, pg_server):
    location, heard = team_journal
    ada = customers.create_customer(name="Ada Lovelace").id  # this process: not told
    colleague(location, "note", ada, "Called about the walnut table")
    change = heard.next()
    assert change.ids == {ada}
    assert change.user == admin_session_user(pg_server)  # the role the colleague logged in as
    new = int(colleague(location, "customer", "Bea Newcomer"))
    assert heard.next().ids == {new}


@needs_server
def test_this_processs_own_writes_are_not_told_to_it(team_journal):
    location, heard = team_journal
    ada = customers.create_customer(name="Ada").id
    interactions.log_interaction(ada, "call", "out", "Our own call")
    customers.update_customer(ada, name="Ada L.")
    marker = int(colleague(location, "customer", "After ours"))
    assert heard.next().ids == {marker}  # the first thing told: ours never were


@needs_server
def test_a_rolled_back_write_and_a_write_that_changed_nothing_are_not_told(team_journal, pg_server):
    location, heard = team_journal
    ada = customers.create_customer(name="Ada").id
    with psycopg.connect(location) as other:  # a colleague's transaction, given up
        other.execute("UPDATE customer SET name = 'Changed' WHERE id = %s", [ada])
        other.rollback()
    with psycopg.connect(location, autocommit=True) as other:
        other.execute("UPDATE customer SET name = 'Nobody' WHERE id = -1")
    marker = int(colleague(location, "customer", "After those"))
    assert heard.next().ids == {marker}


@needs_server
def test_a_change_that_may_touch_anyone_is_told_as_such(team_journal):
    location, heard = team_journal
    colleague(location, "cadence", 45)  # the default cadence: everyone's attention
    assert heard.next().ids is None
    with psycopg.connect(location, autocommit=True) as other:
        other.execute("INSERT INTO company (name, created_at) VALUES ('New & Co', now())")  # nobody has it yet
        marker = int(colleague(location, "customer", "Marker"))
        assert heard.next().ids == {marker}  # the new company was not told
        other.execute("UPDATE company SET name = 'Renamed & Co'")  # all who have it
        assert heard.next().ids is None


@needs_server
def test_each_statement_names_its_customers_and_one_about_too_many_says_anyone(team_journal):
    location, heard = team_journal
    colleague(location, "customers", 3)  # one transaction, a statement each
    told = set()
    while len(told) < 3:
        told |= heard.next().ids
    assert len(told) == 3
    colleague(location, "customers", 2000)  # 2,000 statements in one transaction: heard together
    told = set()
    while told is not None and len(told) < 2000:
        change = heard.next()
        told = None if change.ids is None else told | change.ids
    assert told is None  # more than the listener names: anyone, so the window reads everything again
    with psycopg.connect(location, autocommit=True) as other:  # one statement, 2,003 customers
        other.execute("UPDATE customer SET updated_at = now()")
    assert heard.next().ids is None  # their ids would not fit in what the server may say


@needs_server
def test_a_lost_listener_connects_again_and_says_anything_may_have_changed(team_journal, pg_server):
    location, heard = team_journal
    team_changes.Listener.AGAIN_AFTER = (0,)  # connect again at once (this test's listener only needs it)
    try:
        killed = pg_server.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
            [f"LISTEN {team_changes.CHANNEL}"]).fetchall()
        assert killed
        assert heard.next() == team_changes.EVERYTHING
        assert heard.listener.listening.wait(30)
        new = int(colleague(location, "customer", "After the loss"))
        assert heard.next().ids == {new}
    finally:
        team_changes.Listener.AGAIN_AFTER = (1, 2, 5)


@needs_server
def test_a_write_after_the_window_read_and_before_it_listens_is_not_missed(pg_server):
    location = fresh_database(pg_server, "told_gap")
    opened = db.open_server(location)
    try:
        heard = heard_since_a_quiet_mark(location, opened)  # the window reads the journal; nobody writes
        try:
            marker = int(colleague(location, "customer", "After it listened"))
            assert heard.next().ids == {marker}  # nothing was missed: no "anything" first
        finally:
            heard.stop()
        before = team_changes.write_mark(opened)  # the window reads the journal again...
        colleague(location, "customer", "Written before it listened")  # ...a colleague writes...
        heard = Heard(location, since=before)  # ...and only then does it listen
        try:
            assert heard.next() == team_changes.EVERYTHING
        finally:
            heard.stop()
    finally:
        opened.close()


@needs_server
def test_the_lately_panels_scratch_tables_are_not_taken_for_a_colleagues_write(pg_server):
    """The Lately list is made in temporary tables, and on a server writing them
    takes a transaction id like any write. Made between the window's first read
    and its listening, it was taken for a colleague's write: "anything may have
    changed", which swallowed the name of the colleague whose change came next."""
    from journal.rules import attention

    location = fresh_database(pg_server, "told_scratch")
    opened = db.open_server(location)
    try:
        colleague(location, "customer", "Someone to attend to")
        def the_window_reads():
            state = attention.compute()  # the panel's list, made in this process's temporary tables
            attention.index()
            attention.update(state, set())

        heard = heard_since_a_quiet_mark(location, opened, the_window_reads)
        try:
            marker = int(colleague(location, "customer", "After it listened"))
            assert heard.next().ids == {marker}  # no "anything" first
        finally:
            heard.stop()
    finally:
        opened.close()


@needs_server
def test_the_listening_connection_finds_a_dead_link_within_a_minute(pg_server):
    location = fresh_database(pg_server, "told_alive")
    with team.listening_connection(location) as conn:
        given = conn.info.get_parameters()
        assert {k: given.get(k) for k in team.LISTEN_KEEPALIVES} == team.LISTEN_KEEPALIVES
    with team.listening_connection(location + "&keepalives_idle=5") as conn:  # the address's own wins
        assert conn.info.get_parameters()["keepalives_idle"] == "5"


@needs_server
def test_stop_ends_the_listeners_thread(team_journal):
    _, heard = team_journal
    heard.stop()
    assert not heard.listener.running


@needs_server
def test_a_team_journal_of_schema_12_is_told_once_upgraded(pg_server):
    from journal.storage import migrations
    from journal.storage.models import SchemaVersion

    location = fresh_database(pg_server, "told12")
    opened = db.open_server(location)
    for table in team_changes.WATCHED:  # as step 12 left it
        for event in ("insert", "update", "delete"):
            opened.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_tell_{event}" ON "{table}"')
    opened.execute_sql("DROP FUNCTION lately_notify_changes()")
    SchemaVersion.update(version=12).where(SchemaVersion.version == migrations.LATEST).execute()
    ada = customers.create_customer(name="Ada").id
    opened.close()

    opened = db.open_server(location)
    assert migrations.current_version(opened) == migrations.LATEST
    heard = Heard(location)
    try:
        colleague(location, "note", ada, "Told after the upgrade")
        assert heard.next().ids == {ada}
    finally:
        heard.stop()
        opened.close()


@needs_server
def test_a_journal_in_another_schema_of_the_same_database_is_not_heard(pg_server):
    """A database's channel is shared by its schemas: each journal hears only its own."""
    here, elsewhere = pg_server.fresh_schema("lately_t_told_here"), pg_server.fresh_schema("lately_t_told_there")
    db.open_server(elsewhere).close()
    opened = db.open_server(here)
    customers.create_customer(name="Ours")  # (this process's: not told) so that ids differ between the two
    heard = Heard(here)
    try:
        assert int(colleague(elsewhere, "customer", "Someone elsewhere")) == 1
        marker = int(colleague(here, "customer", "Here"))
        assert marker == 2 and heard.next().ids == {marker}
    finally:
        heard.stop()
        opened.close()
        for schema in ("lately_t_told_here", "lately_t_told_there"):
            pg_server.admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_changes_heard_together_are_one_per_person():
    Change = team_changes.Change
    assert team_changes.together([Change("ben", frozenset({1})), Change("cy", frozenset({2})),
                                  Change("ben", frozenset({3}))]) == [Change("ben", frozenset({1, 3})),
                                                                       Change("cy", frozenset({2}))]
    assert team_changes.together([Change("ben", frozenset({1})), Change("ben", None)]) == [Change("ben", None)]
    many = [Change("ben", frozenset({n})) for n in range(team_changes.MOST_IDS_REPORTED + 1)]
    assert team_changes.together(many) == [Change("ben", None)]
    assert team_changes.together([Change("ben", frozenset({1}), frozenset({"interaction"})),
                                  Change("ben", frozenset({1}), frozenset({"purchase"}))]) == [
        Change("ben", frozenset({1}), frozenset({"interaction", "purchase"}))]
    assert team_changes.together([]) == []


def test_a_journal_file_has_no_such_triggers(tmp_path):
    database = db.connect(tmp_path / "journal.sqlite3")
    try:
        team_changes.install(database)  # run again: still nothing, a file has one writer at a time
        names = [n for (n,) in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        assert names and not [n for n in names if "_tell_" in n]
    finally:
        database.close()


def test_a_listener_whose_server_is_away_tries_again_every_few_seconds_however_long(tmp_path):
    """After the server has been away for minutes, a colleague's change must not
    wait half a minute to show once it is back. The waits are recorded, not
    waited; the connection fails for real (a port nothing listens on)."""
    import threading

    from journal.storage import team
    from tests.team_server import closed_port

    location = f"postgresql://ada@127.0.0.1:{closed_port()}/shop?connect_timeout=2"
    tries, waits = [], []

    class Recorded(threading.Event):
        def wait(self, timeout=None):
            waits.append(timeout)
            if len(waits) >= 12:
                self.set()
            return self.is_set()

    def connect():
        tries.append(1)
        return team.listening_connection(location)

    listener = team_changes.Listener(connect, lambda change: None)
    listener._stop = Recorded()
    listener.start()
    listener._thread.join(60)
    assert not listener.running and len(tries) == 12
    assert max(waits) <= 5 and waits[:3] == [1, 2, 5]
