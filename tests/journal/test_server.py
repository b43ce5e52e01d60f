"""Opening a journal on a PostgreSQL server (db.open_server): a new database gets
the schema, an older journal is migrated step by step to the same schema as a
new one, a newer one is refused, and a server that cannot be reached or logged
in to is said at once, in words, without the password. The services themselves
run on the server through every other journal test (tests/postgres.py)."""

import os
import time

import pytest

from journal.writes import customers
from journal.storage import db, migrations, open_items
from journal.reads import search, search_pg
from journal.errors import JournalTooNew, ServerUnavailable
from journal.storage.models import SchemaVersion
from tests.postgres import OFF

pytestmark = pytest.mark.skipif(OFF, reason="LATELY_TEST_PG=off: no PostgreSQL server for this run")


def _schema(server, schema: str) -> dict:
    admin = server.admin
    columns = admin.execute(
        "SELECT table_name, column_name, data_type, is_nullable, collation_name, column_default "
        "FROM information_schema.columns "
        "WHERE table_schema = %s ORDER BY table_name, column_name", (schema,)).fetchall()
    indexes = admin.execute("SELECT indexname, regexp_replace(indexdef, ' ON \\S+', ' ON') FROM pg_indexes "
                            "WHERE schemaname = %s ORDER BY indexname", (schema,)).fetchall()
    triggers = admin.execute("SELECT DISTINCT trigger_name FROM information_schema.triggers "
                             "WHERE trigger_schema = %s ORDER BY 1", (schema,)).fetchall()
    columns = [(*row[:5], (row[5] or "").replace(f"{schema}.", "")) for row in columns]  # nextval('schema.seq')
    indexes = [(name, sql.replace(f"{schema}.", "")) for name, sql in indexes]  # schema.lately_trigrams(names)
    return {"columns": columns, "indexes": indexes, "triggers": triggers}


@pytest.fixture
def schemas(pg_server):
    made = []

    def fresh(name):
        made.append(name)
        return pg_server.fresh_schema(name)

    yield fresh
    db.close()
    pg_server.drop_others()
    for name in made:
        pg_server.admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def test_a_new_database_gets_the_whole_schema_and_opens_again_unchanged(pg_server, schemas):
    url = schemas("lately_t_new")
    opened = db.open_server(url)
    assert db.is_server() and migrations.current_version(opened) == migrations.LATEST
    customers.create_customer(name="Zoë Müller", company="Acme")
    opened.close()
    seen = []
    opened = db.open_server(url, before_migration=seen.append)
    assert seen == [] and [h.customer_name for h in search.search("zoe")] == ["Zoë Müller"]
    assert SchemaVersion.select().count() == 1
    opened.close()


def test_an_older_journal_is_migrated_step_by_step_to_the_schema_of_a_new_one(pg_server, schemas):
    """A version-1 journal on the server (the tables the later steps add taken
    away, as they were then) runs every step, 2 to LATEST, on PostgreSQL."""
    old, new = schemas("lately_t_old"), schemas("lately_t_fresh")
    db.open_server(new).close()
    opened = db.open_server(old)
    customers.create_customer(name="Grace Hopper", company="Navy Labs", tags=["vip"])
    for table in ("snooze", "draft", "graph_position", "contact_point", "not_duplicate"):
        opened.execute_sql(f'DROP TABLE "{table}"')
    opened.execute_sql('ALTER TABLE "tag" DROP COLUMN cadence_days')
    opened.execute_sql("DROP INDEX customer_list_order")  # step 8's (step 7 makes none on a server)
    for index, *_ in open_items.INDEXES:  # step 15's
        opened.execute_sql(f'DROP INDEX "{index}"')
    for table in ("customer", "interaction", "purchase", "connection", "tag", "setting"):  # step 9's
        opened.execute_sql(f'DROP TRIGGER "{table}_version" ON "{table}"')
        opened.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN version')
    opened.execute_sql("DELETE FROM schema_version")
    SchemaVersion.create(version=1)
    opened.close()

    seen = []
    opened = db.open_server(old, before_migration=seen.append)
    assert seen == [1] and migrations.current_version(opened) == migrations.LATEST
    assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == \
        [1, *range(2, migrations.LATEST + 1)]
    grace = customers.find_by_name("Grace Hopper")
    assert grace.company == "Navy Labs" and grace.tags == ("vip",)
    customers.set_tag_cadence("vip", 30)
    opened.close()
    assert _schema(pg_server, "lately_t_old") == _schema(pg_server, "lately_t_fresh")


def test_a_journal_from_a_newer_lately_is_refused(pg_server, schemas):
    url = schemas("lately_t_newer")
    opened = db.open_server(url)
    SchemaVersion.create(version=migrations.LATEST + 1)
    opened.close()
    with pytest.raises(JournalTooNew, match="newer version of Lately"):
        db.open_server(url)


def test_an_unreachable_server_is_said_at_once_without_the_password():
    started = time.monotonic()
    with pytest.raises(ServerUnavailable) as caught:
        db.open_server("postgresql://ann:s3cret-pw@127.0.0.1:1/shop")  # nothing listens on port 1
    message = str(caught.value)
    assert "ann@127.0.0.1:1/shop" in message and "s3cret-pw" not in message
    assert "Nothing was changed" in message
    assert time.monotonic() - started < db.SERVER_CONNECT_TIMEOUT + 5


def test_a_login_the_server_refuses_is_said_in_its_words(pg_server):
    from psycopg.conninfo import make_conninfo

    with pytest.raises(ServerUnavailable, match='role "nobody_here" does not exist'):
        db.open_server(make_conninfo(pg_server.url, user="nobody_here"))


def test_a_libpq_service_file_names_the_server(pg_server, schemas, tmp_path, monkeypatch):
    """libpq's conventions hold: `service=` reads the connection from a service file."""
    from psycopg.conninfo import conninfo_to_dict

    url = schemas("lately_t_service")
    parts = conninfo_to_dict(url)
    lines = ["[lately_team]"] + [f"{key}={value}" for key, value in parts.items() if value]
    (tmp_path / "pg_service.conf").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "pg_service.conf"))
    opened = db.open_server("service=lately_team")
    try:
        assert migrations.current_version(opened) == migrations.LATEST
        assert opened.execute_sql("SELECT current_schema()").fetchone()[0] == "lately_t_service"
    finally:
        opened.close()
    assert os.environ["PGSERVICEFILE"]


def test_the_address_names_the_connection_else_it_is_lately(pg_server):
    """An application_name in the address wins (the tests name theirs); otherwise the server sees 'Lately'."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from tests.postgres import APPLICATION

    opened = db.open_server(pg_server.url)
    try:
        assert conninfo_to_dict(pg_server.url)["application_name"] == APPLICATION
        assert opened.execute_sql("SELECT current_setting('application_name')").fetchone()[0] == APPLICATION
    finally:
        opened.close()
    plain = {k: v for k, v in conninfo_to_dict(pg_server.url).items() if k != "application_name"}
    opened = db.open_server(make_conninfo("", **plain))
    try:
        assert opened.execute_sql("SELECT current_setting('application_name')").fetchone()[0] == "Lately"
    finally:
        opened.close()


def _fold_source(server, schema: str) -> str:
    return server.admin.execute(
        "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND p.proname = 'lately_fold'", (schema,)).fetchone()[0]


def test_step_10_gives_a_schema_9_journal_the_quick_fold_with_the_same_results(pg_server, schemas):
    """A team journal made before step 10 has the fold that searched its whole
    table for every character; step 10 replaces it, and the index it makes is the same."""
    from journal.reads import search_pg

    old, new = schemas("lately_t_fold9"), schemas("lately_t_fold10")
    db.open_server(new).close()
    opened = db.open_server(old)
    source, target = search_pg._fold_table()
    quote = search_pg._literal
    opened.execute_sql(  # step 9's lately_fold, as it was
        f"""CREATE OR REPLACE FUNCTION lately_fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(translate(coalesce(t, ''), {quote(source)}, {quote(target)}),
                                  '[[:punct:][:space:]]+', ' ', 'g') $$""")
    samples = ["Zoë Müller-Łukasz", "ÉCOLE  d'été", "plain ASCII, Text_with; PUNCT", "", None, "Ωμέγα Straße"]
    before = [opened.execute_sql("SELECT lately_fold(%s)", (s,)).fetchone()[0] for s in samples]
    SchemaVersion.update(version=9).where(SchemaVersion.version == migrations.LATEST).execute()  # its one row
    opened.close()
    assert _fold_source(pg_server, "lately_t_fold9") != _fold_source(pg_server, "lately_t_fold10")

    seen = []
    opened = db.open_server(old, before_migration=seen.append)
    assert seen == [9] and migrations.current_version(opened) == migrations.LATEST
    assert _fold_source(pg_server, "lately_t_fold9") == _fold_source(pg_server, "lately_t_fold10")
    after = [opened.execute_sql("SELECT lately_fold(%s)", (s,)).fetchone()[0] for s in samples]
    assert after == before
    assert after[0] == "zoe muller łukasz"  # as FTS5 folds it: ł has no base letter in Unicode
    opened.close()


def test_step_11_gives_a_schema_10_journal_the_name_pieces_and_their_upkeep(pg_server, schemas):
    """A team journal made before step 11 has no customer_name_search and
    triggers that do not keep it; step 11 adds both, filled from the customers,
    and the journal's schema is then a new one's."""
    from journal.reads import search_pg

    old, new = schemas("lately_t_names10"), schemas("lately_t_names11")
    db.open_server(new).close()
    opened = db.open_server(old)
    customers.create_customer(name="Martha Mullins", company="Acme Bakery")
    customers.create_customer(name="Jane Tester", company="Mullin & Co")
    doc = search_pg._CUSTOMER_DOC
    opened.execute_sql(  # step 10's upkeep of the customer index, as it was
        f"""CREATE OR REPLACE FUNCTION lately_index_customers(ids integer[]) RETURNS void LANGUAGE sql AS $$
            DELETE FROM customer_search WHERE customer_id = ANY(ids);
            INSERT INTO customer_search (customer_id, doc)
            SELECT c.id, {doc} FROM customer c LEFT JOIN company co ON co.id = c.company_id
            WHERE c.id = ANY(ids) AND c.deleted_at IS NULL $$""")
    opened.execute_sql("DROP TABLE customer_name_search")
    opened.execute_sql("DROP FUNCTION lately_trigrams(text)")
    customers.create_customer(name="Omar Dullard")  # written by step 10's triggers
    SchemaVersion.update(version=10).where(SchemaVersion.version == migrations.LATEST).execute()
    opened.close()

    seen = []
    opened = db.open_server(old, before_migration=seen.append)
    assert seen == [10] and migrations.current_version(opened) == migrations.LATEST
    assert [c.name for c in search.complete_customers("ULL")] == ["Jane Tester", "Martha Mullins", "Omar Dullard"]
    customers.update_customer(customers.find_by_name("Omar Dullard").id, name="Omar Brightly")
    assert [c.name for c in search.complete_customers("ull")] == ["Jane Tester", "Martha Mullins"]
    opened.close()
    assert _schema(pg_server, "lately_t_names10") == _schema(pg_server, "lately_t_names11")


def test_step_12_gives_a_schema_11_journal_the_finders_the_server_plans_once(pg_server, schemas):
    """A team journal made before step 12 has no lately_find_customers nor
    lately_complete_names, which search and completion now call, and an index
    of name pieces without what a picker shows; step 12 adds the functions,
    each planned once for every word it is called with (a generic plan), and
    makes the index anew, filled from the customers, with its upkeep; the
    notes of customers in the trash leave the notes' index; the journal's
    schema is then a new one's."""
    from journal.writes import interactions

    old, new = schemas("lately_t_finders11"), schemas("lately_t_finders12")
    db.open_server(new).close()
    opened = db.open_server(old)
    martha = customers.create_customer(name="Martha Mullins", company="Acme Bakery")
    interactions.log_interaction(martha.id, "call", "out", "Walnut shelf for the bakery")
    opened.execute_sql("DROP FUNCTION lately_find_customers(text, integer)")
    opened.execute_sql("DROP FUNCTION lately_complete_names(text, text[], text[], integer, integer)")
    opened.execute_sql("DROP TABLE customer_name_search")
    opened.execute_sql(  # step 11's index of name pieces and its upkeep, as they were
        """CREATE TABLE customer_name_search (customer_id integer PRIMARY KEY, name_key text COLLATE "C" NOT NULL,
           names text COLLATE "C" NOT NULL, pieces text[] NOT NULL)""")
    opened.execute_sql("CREATE INDEX customer_name_search_pieces ON customer_name_search USING gin (pieces) "
                       "WITH (fastupdate = off)")
    doc, row = search_pg._CUSTOMER_DOC, search_pg._NAME_ROW.replace(", c.name, coalesce(co.name, ''), c.archived", "")
    opened.execute_sql(
        f"""CREATE OR REPLACE FUNCTION lately_index_customers(ids integer[]) RETURNS void LANGUAGE sql AS $$
            DELETE FROM customer_search WHERE customer_id = ANY(ids);
            INSERT INTO customer_search (customer_id, doc)
            SELECT c.id, {doc} FROM customer c LEFT JOIN company co ON co.id = c.company_id
            WHERE c.id = ANY(ids) AND c.deleted_at IS NULL;
            DELETE FROM customer_name_search WHERE customer_id = ANY(ids);
            INSERT INTO customer_name_search (customer_id, name_key, names, pieces)
            SELECT {row} WHERE c.id = ANY(ids) AND c.deleted_at IS NULL $$""")
    jane = customers.create_customer(name="Jane Tester", company="Mullin & Co")  # written by step 11's upkeep
    gone = customers.create_customer(name="Zed Gone")
    interactions.log_interaction(gone.id, "call", "out", "Walnut bench for the bakery")
    customers.delete_customer(gone.id)
    opened.execute_sql(  # step 11 kept the notes of a customer in the trash in the index
        f"INSERT INTO interaction_search (interaction_id, doc) SELECT i.id, {search_pg._INTERACTION_DOC} "
        "FROM interaction i WHERE i.customer_id = %s", (gone.id,))
    SchemaVersion.update(version=11).where(SchemaVersion.version == migrations.LATEST).execute()
    opened.close()

    seen = []
    opened = db.open_server(old, before_migration=seen.append)
    assert seen == [11] and migrations.current_version(opened) == migrations.LATEST
    assert [(h.customer_name, h.is_customer) for h in search.search("bakery")] == [
        ("Martha Mullins", True), ("Martha Mullins", False)]  # not Zed Gone's note: out of the index
    customers.restore_customer(gone.id)
    assert [h.customer_name for h in search.search("walnut")] == ["Zed Gone", "Martha Mullins"]
    assert [(c.name, c.company, c.archived) for c in search.complete_customers("ULLIN")] == [
        ("Jane Tester", "Mullin & Co", False), ("Martha Mullins", "Acme Bakery", False)]
    customers.set_archived(jane.id)
    assert [c.archived for c in search.complete_customers("ullin")] == [True, False]
    settings = opened.execute_sql(
        "SELECT proname, proconfig FROM pg_proc WHERE proname IN ('lately_find_customers', 'lately_complete_names') "
        "AND pronamespace = 'lately_t_finders11'::regnamespace ORDER BY proname").fetchall()
    assert settings == [("lately_complete_names", ["plan_cache_mode=force_generic_plan"]),
                        ("lately_find_customers", ["plan_cache_mode=force_generic_plan"])]
    opened.close()
    assert _schema(pg_server, "lately_t_finders11") == _schema(pg_server, "lately_t_finders12")


def test_name_completion_finds_a_word_inside_names_through_its_pieces_and_short_words_by_prefix(
        pg_server, schemas, monkeypatch):
    """No pg_trgm in every server (pgserver has none): a word of three letters
    or more is looked for through the journal's own index of three-letter
    pieces, in one statement; one or two letters through the index of
    lower(name) for the names that start with them, and inside every name and
    company only when those are fewer than asked for."""
    opened = db.open_server(schemas("lately_t_complete"))
    for i in range(30):
        customers.create_customer(name=f"Mar{i:02d} Smith")
    customers.create_customer(name="Omar Khan")
    customers.create_customer(name="Zed Ray", company="Marlow Boats")
    ran = []
    real = opened.execute_sql
    monkeypatch.setattr(opened, "execute_sql", lambda sql, params=None: (ran.append((sql, params)), real(sql, params))[1])

    def plan(statement) -> str:
        sql, params = statement
        opened.execute_sql("SET enable_seqscan = off")  # a handful of rows: show that the index can serve it
        try:
            return " ".join(row[0] for row in real(f"EXPLAIN {sql}", params).fetchall())
        finally:
            opened.execute_sql("RESET enable_seqscan")

    def generic_plan(sql, params) -> str:
        """The plan the server makes once for every word, once the statement is prepared."""
        from psycopg.sql import Literal

        opened.connection().execute("PREPARE finding(text, text[], text[], integer, integer) AS " + sql)
        real("SET plan_cache_mode = force_generic_plan")
        try:
            values = ", ".join(Literal(params[name]).as_string(opened.connection())
                               for name in ("starting", "pieces", "words", "leave_out", "most")).replace("%", "%%")
            return plan((f"EXECUTE finding({values})", None))  # EXPLAIN EXECUTE takes no bound parameters
        finally:
            real("RESET plan_cache_mode")
            real("DEALLOCATE finding")

    assert [c.name for c in search.complete_customers("MAR", 5)] == [f"Mar{i:02d} Smith" for i in range(5)]
    [(sql, params)] = ran
    assert "customer_name_search_pieces" in plan((sql, params))
    assert "customer_name_search_pieces" in generic_plan(search_pg._COMPLETE_NAMES, params)  # once prepared
    ran.clear()
    names = [c.name for c in search.complete_customers("ar", 40)]  # inside names and companies, by name
    assert names[:30] == [f"Mar{i:02d} Smith" for i in range(30)] and names[30:] == ["Omar Khan", "Zed Ray"]
    ran.clear()
    assert [c.name for c in search.complete_customers("ma", 5)] == [f"Mar{i:02d} Smith" for i in range(5)]
    [statement] = ran  # five start with it: the name index answered, nothing else was read
    assert "customer_name_prefix" in plan(statement)
    ran.clear()
    names = [c.name for c in search.complete_customers("mar", 40)]
    assert names[:30] == [f"Mar{i:02d} Smith" for i in range(30)] and names[30:] == ["Omar Khan", "Zed Ray"]
    assert len(ran) == 1
    opened.close()


def test_a_rebuilt_search_index_is_merged_into_its_gin_indexes_at_once(pg_server, schemas):
    """A move or a bulk load rebuilds the search tables; their rows must not wait
    in GIN's pending list (read whole by every search until autovacuum comes)."""
    opened = db.open_server(schemas("lately_t_pending"))
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical Engines")
    from journal.writes import interactions

    interactions.log_interaction(ada.id, "call", "out", "Talked about the walnut shelf")
    search.rebuild()
    for index in ("customer_search_doc", "interaction_search_doc"):
        assert opened.execute_sql("SELECT gin_clean_pending_list(%s::regclass)", (index,)).fetchone()[0] == 0, index
    assert [h.customer_name for h in search.search("walnut")] == ["Ada Lovelace"]
    opened.close()


def test_a_search_asks_the_server_once_for_customers_and_names_then_for_notes_if_room_is_left(
        pg_server, schemas, monkeypatch):
    """Each statement is a round trip and a plan on the server: a search of a
    word of three letters or more asks for the customers and the names holding
    it in one statement, and for notes only when the page has room (what each
    part holds: tests/journal/test_search.py, on both backends)."""
    from journal.writes import interactions

    opened = db.open_server(schemas("lately_t_full_page"))
    for name in ("Sailor Ann", "Sailor Bob", "Sailor Cy"):
        interactions.log_interaction(customers.create_customer(name=name).id, "call", "out", "Sailor club meeting")
    ran = []
    real = opened.execute_sql
    monkeypatch.setattr(opened, "execute_sql", lambda sql, params=None: (ran.append(sql), real(sql, params))[1])
    assert [h.customer_name for h in search.search("sailor", limit=2)] == ["Sailor Ann", "Sailor Bob"]
    assert len(ran) == 1
    ran.clear()
    hits = search.search("sailor", limit=5)  # room left: the notes too, planned for the word
    assert [h.is_customer for h in hits] == [True, True, True, False, False] and len(ran) == 2
    opened.close()


def test_the_notes_search_is_planned_for_each_word_never_prepared_once_for_all(pg_server, schemas):
    """psycopg prepares a statement on the server after its fifth run, and the
    server may then plan it once for every word; the notes' statement must be
    planned for the word given (a walk newest first, or the GIN index)."""
    from journal.writes import interactions

    opened = db.open_server(schemas("lately_t_unprepared"))
    ada = customers.create_customer(name="Ada Lovelace")
    interactions.log_interaction(ada.id, "call", "out", "Walnut shelf")
    for word in ("walnut", "shelf", "wal", "she", "walnut", "shelf", "walnut"):
        assert [h.is_customer for h in search.search(word)] == [False]
        assert [c.name for c in search.complete_customers("ada")] == ["Ada Lovelace"]
    prepared = [row[0] for row in opened.execute_sql("SELECT statement FROM pg_prepared_statements").fetchall()]
    assert any("customer_name_search" in sql for sql in prepared)  # the others are prepared, as psycopg does
    assert not any("interaction_search" in sql for sql in prepared)
    assert opened.connection().prepare_threshold == 5  # and left as it was for every other statement
    opened.close()
