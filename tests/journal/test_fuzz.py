"""Any input to the services either succeeds or is refused with the journal's
own error; nothing else escapes, and the journal stays sound."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import connections, customers, db, interactions, purchases, search, summary
from journal.errors import JournalError
from journal.kinds import KINDS

anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.binary(max_size=20),
                     st.dates(), st.datetimes(), st.lists(st.text(max_size=5), max_size=3))
texts = st.one_of(st.text(), st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300))
dates = st.one_of(st.dates(), st.datetimes(), st.text(max_size=30), st.integers(), st.none(),
                  st.sampled_from(["2024-02-30", "2026-06-15", "2026-06-15 10:30", "15/06/2026", "9999-12-31"]))
amounts = st.one_of(st.integers(), st.floats(), st.text(max_size=20), st.none(), st.booleans())
kinds = st.one_of(st.sampled_from(list(KINDS)), st.text(max_size=20))

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_journal(tmp_path_factory):
    database = db.connect(tmp_path_factory.mktemp("fuzz") / "journal.sqlite3")
    base = [customers.create_customer(name=n).id for n in ("Ada", "Bob")]
    yield base
    problem = db.integrity_problem(database)
    stored = summary.snapshot()
    summary.rebuild_all()
    assert problem is None and summary.snapshot() == stored
    database.close()


def attempt(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except JournalError:
        return None  # refused with a message: fine


@FUZZ
@given(name=texts, company=texts, email=texts, interests=texts, cadence=anything, since=dates, stage=anything)
def test_customers(fuzz_journal, name, company, email, interests, cadence, since, stage):
    made = attempt(customers.create_customer, name=name, company=company, email=email, interests=interests,
                   cadence_days=cadence, customer_since=since)
    target = made.id if made else fuzz_journal[0]
    attempt(customers.update_customer, target, stage=stage, tags=[name[:20]] if isinstance(name, str) else name)
    attempt(customers.update_customer, target, **{"cadence_days": cadence})


@FUZZ
@given(kind=kinds, direction=anything, summary_text=texts, notes=texts, when=dates, follow_up=dates)
def test_interactions(fuzz_journal, kind, direction, summary_text, notes, when, follow_up):
    row = attempt(interactions.log_interaction, fuzz_journal[0], kind, direction, summary_text, notes=notes,
                  occurred_at=when, follow_up_on=follow_up)
    if row:
        attempt(interactions.update_interaction, row.id, notes=summary_text, occurred_at=follow_up)
        attempt(interactions.delete_interaction, row.id)
        attempt(interactions.restore_interaction, row.id)


@FUZZ
@given(when=dates, product=texts, amount=amounts, text_amount=st.text(max_size=25))
def test_purchases(fuzz_journal, when, product, amount, text_amount):
    attempt(purchases.add_purchase, fuzz_journal[1], when, product, amount)
    cents = attempt(purchases.parse_amount, text_amount)
    if cents is not None:
        attempt(purchases.add_purchase, fuzz_journal[1], date(2026, 1, 1), "Thing", cents)


@FUZZ
@given(source=st.integers(min_value=-2, max_value=5), target=st.integers(min_value=-2, max_value=5), kind=anything,
       when=dates, note=anything)
def test_connections(fuzz_journal, source, target, kind, when, note):
    attempt(connections.add_connection, source, target, kind, connected_on=when, note=note)


@FUZZ
@given(text=st.text())
def test_search_takes_any_text(fuzz_journal, text):
    search.search(text)
