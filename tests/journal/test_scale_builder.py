"""The benchmarks' fast journal builder (executemany, search triggers off,
indexes and summaries built at the end) makes exactly the journal the plain
way makes: the same rows, summaries and search indexes, and a sound journal
whose triggers work afterwards."""

from journal.storage import db
from journal.io import demo
from journal.writes import interactions
from journal.reads import search
from journal.storage.models import Customer

from . import soundness
from .helpers import TODAY

# Small, but with every part of the scale recipe: chunks of customers (_CHUNK
# is lowered so there are several), extra purchases and a customer with a long timeline.
RECIPE = dict(n_customers=90, intensity=2.0, n_connections=40, extra_purchases=60, whale_entries=120, today=TODAY)


def _dump():
    """The journal as SQL, but for FTS5's segment b-trees, whose layout depends on
    how the rows were inserted (one pass or row by row); what they index is
    compared through the indexes' content tables and their own queries."""
    segments = ('INSERT INTO "customer_fts_data"', 'INSERT INTO "customer_fts_idx"',
                'INSERT INTO "interaction_fts_data"', 'INSERT INTO "interaction_fts_idx"',
                'INSERT INTO "customer_names_data"', 'INSERT INTO "customer_names_idx"',
                'INSERT INTO "schema_version"')  # when each journal was created
    # Sorted: the schema's order in sqlite_master differs (the triggers are made again after the load).
    lines = sorted(line for line in soundness.dump().splitlines() if not line.startswith(segments))
    words = [soundness.sql_rows(f"SELECT rowid FROM {table} WHERE {table} MATCH '{word}' ORDER BY rowid")
             for table, word in (("interaction_fts", "walnut"), ("interaction_fts", "bo*"),
                                 ("customer_fts", "sailing"), ("customer_names", "son"))]
    return lines, words


def _build(path, **flags):
    database = db.connect(path)
    counts = demo.populate(**RECIPE, **flags)
    return database, counts


def test_fast_builder_makes_the_same_journal_as_the_plain_way(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "_CHUNK", 25)
    plain, plain_counts = _build(tmp_path / "plain.sqlite3", reference=True)
    plain_dump = _dump()
    plain.close()
    fast, fast_counts = _build(tmp_path / "fast.sqlite3")
    try:
        assert fast_counts == plain_counts
        assert fast_counts["customers"] == 90 and fast_counts["interactions"] > 1000
        fast_dump = _dump()
        assert fast_dump[0] == plain_dump[0]  # tables, summaries, index contents, triggers
        assert fast_dump[1] == plain_dump[1] and all(fast_dump[1])  # what the indexes find
        assert soundness.problems() == []
    finally:
        fast.close()


def test_search_triggers_work_after_a_fast_build(journal, monkeypatch):
    monkeypatch.setattr(demo, "_CHUNK", 25)
    demo.populate(**RECIPE)
    someone = Customer.get_by_id(7)
    interactions.log_interaction(someone.id, "call", "out", "Talked about zeppelins")
    assert [hit.customer_id for hit in search.search("zeppelins")] == [someone.id]
    assert soundness.problems() == []
