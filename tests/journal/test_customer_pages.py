"""The customer list's pages from SQL are the list the whole-list code makes:
every sort, both directions, the find words, tags, due only, days overdue."""

from datetime import timedelta

import pytest

from journal.reads import customer_pages as pages
from journal.writes import customers
from journal.io import demo

from .helpers import TODAY


def python_key(sort, today):
    # The customer list's keys when it sorted every row in Python.
    return {
        "name": lambda r: r.name.casefold(),
        "company": lambda r: r.company.casefold(),
        "stage": lambda r: r.stage,
        "since": lambda r: r.customer_since.toordinal() if r.customer_since else 0,
        "last_contact": lambda r: r.last_contact_at.timestamp() if r.last_contact_at else 0.0,
        "last_value": lambda r: r.last_value_at.timestamp() if r.last_value_at else 0.0,
        "overdue": lambda r: -1 if r.days_overdue(today) is None else r.days_overdue(today),
    }[sort]


@pytest.fixture
def demo_journal(journal):
    demo.populate(120, today=TODAY)
    customers.set_archived(3)
    customers.update_customer(4, cadence_days=200)
    return journal


def whole_list(include_archived=False):
    rows = customers.list_customers(include_archived=include_archived)
    return sorted(rows, key=lambda r: (r.name.casefold(), r.id))


@pytest.mark.parametrize("sort", pages.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_matches_the_whole_list_sorted_in_python(demo_journal, sort, descending):
    q = pages.ListQuery(today=TODAY, sort=sort, descending=descending)
    expected = sorted(whole_list(), key=python_key(sort, TODAY), reverse=descending)
    got = pages.page(q, 0, 1000)
    assert [r.id for r in got] == [r.id for r in expected]
    assert got == expected  # every field, days since and cadence included
    assert pages.count(q) == len(expected)
    assert pages.page(q, 30, 25) == expected[30:55]
    for n in (0, 17, len(expected) - 1):
        assert pages.position(q, expected[n].id) == n
    # Read once as every customer's order, then a page by its ids: the same list.
    order = pages.order(q)
    assert order == [r.id for r in expected]
    assert pages.rows_of(q, order[30:55]) == expected[30:55]


def test_days_overdue_and_due_only(demo_journal):
    later = TODAY + timedelta(days=40)
    q = pages.ListQuery(today=later, due_only=True, sort="overdue", descending=True)
    expected = [r for r in whole_list() if r.days_overdue(later) is not None]
    expected.sort(key=lambda r: r.days_overdue(later), reverse=True)
    assert 0 < len(expected) < len(whole_list())
    assert pages.page(q, 0, 1000) == expected
    assert pages.count(q) == len(expected)
    assert pages.order(q) == [r.id for r in expected]
    assert pages.listed_ids(q) == {r.id for r in expected}
    assert pages.most_overdue(q) == expected[0].days_overdue(later)


def test_find_words_tags_and_archived(demo_journal):
    everyone = whole_list(include_archived=True)
    someone = everyone[10]
    word = someone.name.split()[-1][1:4].upper()  # inside a word, another case
    q = pages.ListQuery(today=TODAY, words=(word,), include_archived=True)
    expected = [r for r in everyone if word.casefold() in f"{r.name} {r.company}".casefold()]
    assert someone in pages.page(q, 0, 1000) and pages.page(q, 0, 1000) == expected
    two = pages.ListQuery(today=TODAY, words=tuple(someone.name.split()), include_archived=True)
    assert someone in pages.page(two, 0, 1000)
    assert pages.position(q.with_(include_archived=False), 3) is None  # archived
    assert pages.position(q.with_(include_archived=True, words=()), 3) is not None
    vip = pages.ListQuery(today=TODAY, tag="vip")
    tagged = {cid for (cid,) in customers.CustomerTag.select(customers.CustomerTag.customer_id)
              .join(customers.Tag).where(customers.Tag.name == "vip").tuples()}
    assert tagged and {r.id for r in pages.page(vip, 0, 1000)} == tagged - {3}
    assert pages.listed_ids(vip) == tagged - {3} and pages.listed_ids(q) == {r.id for r in expected}
    assert pages.one(q, someone.id) == someone
    assert pages.one(q.with_(include_archived=False, words=()), 3) is None


def test_longest_texts(demo_journal):
    q = pages.ListQuery(today=TODAY, include_archived=True)
    names = pages.longest(q, "name", 5)
    longest_name = max((r.name + ("  (archived)" if r.archived else "") for r in whole_list(True)), key=len)
    assert len(names[0]) == len(longest_name)
    assert len(pages.longest(q, "company", 3)[0]) == max(len(r.company) for r in whole_list(True))


def test_find_words_short_long_and_beyond_ascii(demo_journal):
    jorg = customers.create_customer(name="Jörg Müller", company="Ölwerk Åre").id
    q = pages.ListQuery(today=TODAY)
    for typed in ("MÜLLER", "jörg", "ölwerk åre", "ÅR", "Ö", "üll jö"):
        words = tuple(typed.casefold().split())
        assert jorg in [r.id for r in pages.page(q.with_(words=words), 0, 1000)], typed
    everyone = whole_list()
    for words in (("a",), ("an",), ("son",), ("an", "son")):
        expected = [r.id for r in everyone if all(w in f"{r.name} {r.company}".casefold() for w in words)]
        assert [r.id for r in pages.page(q.with_(words=words), 0, 1000)] == expected, words
        assert pages.count(q.with_(words=words)) == len(expected)
        assert pages.listed_ids(q.with_(words=words, sort="overdue")) == set(expected)
