import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.writes import customers, merge
from journal.rules import duplicates
from journal.rules.duplicates import SAME_EMAIL, SAME_NAME, SAME_PHONE, SIMILAR_NAME
from journal.errors import ValidationError

from .helpers import customer


def _found():
    return {(p.first_name, p.second_name): p.reasons for p in duplicates.find_duplicates()}


def test_same_email_whatever_the_case(journal):
    customer("Ada Lovelace", email="ada@example.org")
    customer("A. King", email=" ADA@Example.org ")
    customer("Someone Else", email="else@example.org")
    assert _found() == {("Ada Lovelace", "A. King"): (SAME_EMAIL,)}


@pytest.mark.parametrize("one, two", [
    ("+44 20 7946 0018", "020 7946 0018"),
    ("0044 (20) 7946-0018", "+44 20 7946 0018"),
    ("(555) 123-4567", "+1 555 123 4567"),
    ("1-555-123-4567", "555.123.4567"),
    ("+49 30 1234567", "030 1234567 ext. 12"),
])
def test_same_phone_however_it_is_written(journal, one, two):
    customer("Ada Lovelace", phone=one)
    customer("Countess of Lovelace", phone=two)
    assert _found() == {("Ada Lovelace", "Countess of Lovelace"): (SAME_PHONE,)}


def test_different_or_short_phones_are_not_duplicates(journal):
    customer("Ada", phone="+44 20 7946 0018")
    customer("Bob", phone="+44 20 7946 0019")
    customer("Cy", phone="12")
    customer("Di", phone="12")
    assert _found() == {}


def test_near_identical_names_in_the_same_company(journal):
    customer("John Smith", company="Acme")
    customer("Jon Smith", company="Acme")
    customer("Smith, John", company="Acme")
    customer("J. Smith", company="Acme")
    customer("Jane Doe", company="Acme")
    customer("Jon Smith", company="Globex")  # another company: another person
    found = _found()
    assert found[("John Smith", "Jon Smith")] == (SIMILAR_NAME,)
    assert found[("John Smith", "Smith, John")] == (SAME_NAME,)
    assert found[("John Smith", "J. Smith")] == (SIMILAR_NAME,)
    assert ("John Smith", "Jane Doe") not in found
    assert not any("Globex" in (p.first_company, p.second_company) and p.reasons == (SAME_NAME,)
                   for p in duplicates.find_duplicates())


def test_same_name_when_one_has_no_company(journal):
    customer("Dr. Jörg Müller", company="Acme")
    customer("Jorg Muller")
    customer("Jörg Mueller")
    found = _found()
    assert found[("Dr. Jörg Müller", "Jorg Muller")] == (SAME_NAME,)
    assert found[("Dr. Jörg Müller", "Jörg Mueller")] == (SIMILAR_NAME,)


def test_strongest_reason_first_and_not_duplicates_remembered(journal):
    a = customer("John Smith", company="Acme", email="js@acme.example", phone="555 123 4567")
    b = customer("Jon Smith", company="Acme", email="JS@acme.example", phone="+1 555 123 4567")
    c = customer("Ann Lee", company="Acme")
    d = customer("Anne Lee", company="Acme")
    pairs = duplicates.find_duplicates()
    assert [(p.first_id, p.second_id) for p in pairs] == [(a.id, b.id), (c.id, d.id)]
    assert pairs[0].reasons == (SAME_EMAIL, SAME_PHONE, SIMILAR_NAME)
    assert pairs[0].reason_text == "same e-mail, same phone, similar name"
    duplicates.mark_not_duplicates(d.id, c.id)
    duplicates.mark_not_duplicates(c.id, d.id)  # saying it twice is fine
    assert [(p.first_id, p.second_id) for p in duplicates.find_duplicates()] == [(a.id, b.id)]
    assert len(duplicates.find_duplicates(include_dismissed=True)) == 2
    duplicates.unmark_not_duplicates(c.id, d.id)
    assert len(duplicates.find_duplicates()) == 2
    with pytest.raises(ValidationError):
        duplicates.mark_not_duplicates(a.id, a.id)


def test_merged_and_deleted_customers_are_not_suggested(journal):
    a = customer("John Smith", email="js@acme.example")
    b = customer("Jon Smith", email="js@acme.example")
    customer("Mary Jones", email="js@acme.example")
    merge.merge_customers(a.id, b.id)
    assert _found() == {("John Smith", "Mary Jones"): (SAME_EMAIL,)}
    customers.delete_customer(a.id)
    assert _found() == {}


def test_five_thousand_customers_are_grouped_not_compared_pairwise(monkeypatch):
    """The finder compares names only inside a company (or a surname without
    one): count the comparisons rather than time them."""
    rng = random.Random(5)
    firsts = ["Ann", "Bob", "Cem", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jon"]
    lasts = [f"Surname{n}" for n in range(900)]
    rows = [(n, f"{rng.choice(firsts)} {rng.choice(lasts)}", n % 700 if n % 3 else None, f"Co {n % 700}",
             f"p{n}@example.org", f"+44 20 7946 {n:04d}") for n in range(5000)]
    calls = []
    real = duplicates._similar
    monkeypatch.setattr(duplicates, "_similar", lambda *args: calls.append(1) or real(*args))
    found = duplicates.pairs_of(rows, set())
    assert len(calls) < 60_000  # all pairs would be 12.5 million
    assert all(p.reasons for p in found)


def test_already_there_finds_the_same_email_and_the_same_name_written_otherwise(journal):
    from journal.writes import customers
    from journal.rules import duplicates

    jane = customers.create_customer(name="Jane Tester", email="jane@example.com")
    customers.create_customer(name="Janet Test", email="janet@example.com")
    assert duplicates.already_there("Someone Else", "JANE@example.com") == [(jane.id, "Jane Tester", "the same e-mail")]
    assert duplicates.already_there("Tester, Jane") == [(jane.id, "Jane Tester", "the same name")]
    assert duplicates.already_there("Jane Tester", "jane@example.com") == [(jane.id, "Jane Tester", "the same e-mail")]
    assert duplicates.already_there("Nobody Here", "nobody@example.com") == []
    customers.delete_customer(jane.id)
    assert duplicates.already_there("Jane Tester", "jane@example.com") == []  # the trash is not the journal


NAME_PARTS = ["Jon", "John", "J", "Jane", "Joan", "Smith", "Smyth", "Smithe", "Müller", "Mueller", "O'Neil",
              "ONeil", "Ann", "Anne", "A", "van", "der", "Berg", "Dr.", "Kathryn", "Cathryn", "Lee", "Li", "Zoë"]


FIRSTS = ["J", "Jon", "John", "Joan", "A", "Ann", "Anne", "Dr. Jon", "K", "Kathryn", "Cathryn", "Smith, J"]
LASTS = ["Smith", "Smyth", "Mueller", "Müller", "Lee", "van der Berg"]
NAMES = st.one_of(st.tuples(st.sampled_from(FIRSTS), st.sampled_from(LASTS)).map(" ".join),
                  st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=4).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, min_size=2, max_size=30),
       st.lists(st.booleans(), min_size=30, max_size=30))
def test_the_fast_similar_names_are_exactly_every_pair_compared(names, without_company):
    """The finder's candidates come from RapidFuzz; what it finds is exactly
    what comparing every pair with the rules would find."""
    people = {n + 1: (n + 1, name, None if without_company[n] else 1, "") for n, name in enumerate(names)}
    wanted = lambda a, b: people[a][2] is None or people[b][2] is None  # noqa: E731
    fast = set(duplicates._similar_pairs(list(people), people, wanted))
    keys = {cid: duplicates.name_key(row[1]) for cid, row in people.items()}
    every = {(a, b) for a in people for b in people
             if a < b and keys[a] != keys[b] and wanted(a, b) and duplicates._similar(keys[a], keys[b])}
    assert fast == every


def _many_rows(count=3000):
    """(id, name, company id, company, email, phone) rows: people in a few firms, some without one."""
    first = ["John", "Jon", "Ann", "Anne", "Mary", "Marie", "Peter", "Petra", "Jörg", "Jorg"]
    last = ["Smith", "Smyth", "Lee", "Müller", "Mueller", "Kowalski", "Nakamura", "Okafor", "Rossi", "Dubois"]
    rows = []
    for n in range(1, count + 1):
        company = None if n % 7 == 0 else n % 25
        rows.append((n, f"{first[n % 10]} {last[(n // 10) % 10]} {n % 97}", company,
                     f"Firm {company}" if company else None, f"p{n % 1500}@example.org", ""))
    return rows


def test_progress_is_reported_in_order_up_to_the_end_and_the_result_is_the_same():
    rows = _many_rows()
    heard = []
    with_progress = duplicates.pairs_of(rows, set(), progress=lambda done, total: heard.append((done, total)))
    assert with_progress == duplicates.pairs_of(rows, set())
    totals = {total for _, total in heard}
    assert totals == {3 * len(rows)}  # the bar's length never changes under the person's eyes
    done = [d for d, _ in heard]
    assert done == sorted(done) and done[0] == 0
    assert done[-1] >= 0.99 * 3 * len(rows)
    assert 50 <= len(heard) <= 400  # about every half percent, not once per customer


def test_progress_answering_false_stops_the_work_midway():
    from journal.errors import Cancelled

    rows = _many_rows()
    heard = []

    def progress(done, total):
        heard.append(done)
        return done < total // 2

    with pytest.raises(Cancelled):
        duplicates.pairs_of(rows, set(), progress=progress)
    assert heard[-1] >= len(rows) * 3 // 2 and heard[-1] < 0.6 * 3 * len(rows)  # stopped at once, in the comparing


def test_find_duplicates_reports_progress_from_the_journal(journal):
    customer("John Smith", company="Acme")
    customer("Jon Smith", company="Acme")
    heard = []
    pairs = duplicates.find_duplicates(progress=lambda done, total: heard.append((done, total)))
    assert len(pairs) == 1 and heard[0] == (0, 6) and heard[-1] == (6, 6)
