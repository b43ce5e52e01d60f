"""Short words in a picker are looked for along the name-order index, a page at
a time: the customers and their order must be those of the plain scan it
replaced (every customer, LIKE over name and company, sorted)."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journal.reads import search
from journal.storage.models import Company, Customer, database

from .test_search_scale import steps as counted_steps

# The name-order walk (and its step counts) is SQLite's path: on PostgreSQL the
# pickers sort every match (search_pg.complete_customers), tested in test_search.py.
pytestmark = pytest.mark.sqlite_only

LETTERS = "aAbBzZ@[`{_%\\éÉ1"
word = st.text(LETTERS, min_size=1, max_size=2)
name = st.lists(st.text(LETTERS, min_size=1, max_size=5), min_size=1, max_size=3).map(" ".join)


def scanned(text, limit, exclude):
    """The query before the index: every customer, LIKE over 'name company'."""
    words = search._words(text)
    if not words:
        return []
    where = ["c.deleted_at IS NULL"] + ["(c.name || ' ' || coalesce(co.name, '')) LIKE ? ESCAPE '\\'"] * len(words)
    params = [f"%{search._escaped(w)}%" for w in words]
    if exclude is not None:
        where.append("c.id != ?")
        params.append(exclude)
    rows = database.execute_sql(
        f"""SELECT c.id FROM customer c LEFT JOIN company co ON co.id = c.company_id
            WHERE {" AND ".join(where)}
            ORDER BY c.name LIKE ? ESCAPE '\\' DESC, c.name COLLATE NOCASE, c.id LIMIT ?""",
        (*params, f"{search._escaped(words[0])}%", limit)).fetchall()
    return [cid for (cid,) in rows]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.tuples(name, st.one_of(st.none(), name), st.booleans()), min_size=1, max_size=25),
       words=st.lists(word, min_size=1, max_size=2), limit=st.integers(1, 8), exclude=st.integers(0, 30))
# Upper case typed, and the edges of NOCASE order ('@' sorts just before the letters NOCASE folds).
@example(people=[("az", None, False), ("Zed", None, False)], words=["Z"], limit=5, exclude=0)
@example(people=[("X@b", None, False), ("x[x@", None, False), ("a x@", None, False), ("xa", None, False)],
         words=["x@"], limit=5, exclude=0)
def test_short_words_find_what_the_full_scan_found(journal, people, words, limit, exclude):
    with database.atomic() as txn:
        put(people)
        text = " ".join(words)
        excluded = exclude or None
        assert ([c.id for c in search.complete_customers(text, limit, exclude=excluded)]
                == scanned(text, limit, excluded))
        txn.rollback()


def put(people):
    companies = {}
    for person, company, deleted in people:
        if company and company not in companies:
            companies[company] = Company.insert(name=company).execute()
        Customer.insert(name=person, company=companies.get(company),
                        deleted_at="2026-01-01 00:00:00" if deleted else None).execute()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.tuples(name, st.one_of(st.none(), name), st.booleans()), min_size=1, max_size=25),
       words=st.lists(st.text(LETTERS, min_size=1, max_size=4), min_size=1, max_size=3),
       limit=st.integers(1, 8), exclude=st.integers(0, 30))
@example(people=[("Zab", None, False), ("abz", None, False), ("ZAB z", None, False)], words=["zab"], limit=5,
         exclude=0)
def test_walking_name_order_finds_what_sorting_the_trigram_matches_found(journal, monkeypatch, people, words,
                                                                         limit, exclude):
    """Many customers matching a long word are walked in name order; few are sorted: the same page either way."""
    with database.atomic() as txn:
        put(people)
        text, excluded = " ".join(words), exclude or None
        monkeypatch.setattr(search, "WALK_FROM", 10**9)
        sorted_ = search.complete_customers(text, limit, exclude=excluded)
        monkeypatch.setattr(search, "WALK_FROM", 0)
        assert search.complete_customers(text, limit, exclude=excluded) == sorted_
        txn.rollback()


def test_one_letter_reads_a_page_not_every_customer(journal):
    """With only short words the index is walked in name order and stops at the
    limit: the work (SQLite's own count of steps) does not grow with the journal."""
    def steps(text):
        return counted_steps(lambda: [c.name for c in search.complete_customers(text, 3)])

    Customer.insert_many([{"name": f"Name {n:04d}"} for n in range(300)]).execute()
    found, few = steps("n")
    assert found == ["Name 0000", "Name 0001", "Name 0002"]
    Customer.insert_many([{"name": f"Name {n:04d}"} for n in range(300, 6000)]).execute()
    found, many = steps("n")
    assert found == ["Name 0000", "Name 0001", "Name 0002"]
    assert many < few * 2  # twenty times the customers, not twice the work
