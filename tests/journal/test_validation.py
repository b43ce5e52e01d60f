"""Every bad input names the field and the reason, and leaves the journal exactly as it was."""

import pytest

from journal import connections, customers, interactions, purchases, settings
from journal.errors import NotFound, ValidationError
from journal.models import ALL_MODELS

from .helpers import buy, connect, customer, days_ago


def dump():
    return {m.__name__: sorted(map(repr, m.select().tuples())) for m in ALL_MODELS}


@pytest.fixture
def ada(journal):
    return customer("Ada Lovelace", company="Analytical Engines")


CASES = [
    ("empty name", lambda c: customers.create_customer(name="   "), "name", "must not be empty"),
    ("no name", lambda c: customers.create_customer(email="x@y.org"), "name", "must not be empty"),
    ("bad email", lambda c: customers.update_customer(c.id, email="not-an-email"), "email", "is not an email address"),
    ("unknown stage", lambda c: customers.update_customer(c.id, stage="vip"), "stage", "unknown value 'vip'"),
    ("unknown channel", lambda c: customers.update_customer(c.id, channel="fax"), "preferred channel", "unknown value"),
    ("zero cadence", lambda c: customers.update_customer(c.id, cadence_days=0), "cadence days", "at least 1"),
    ("cadence text", lambda c: customers.update_customer(c.id, cadence_days="often"), "cadence days", "not a whole number"),
    ("bad since", lambda c: customers.update_customer(c.id, customer_since="31/02/2024"), "customer since",
     "is not a date (use YYYY-MM-DD)"),
    ("unknown field", lambda c: customers.update_customer(c.id, shoe_size=42), "shoe_size", "not a customer field"),
    ("unknown kind", lambda c: interactions.log_interaction(c.id, "telepathy", "out", "Hi"), "kind", "unknown value"),
    ("bad direction", lambda c: interactions.log_interaction(c.id, "call", "sideways", "Hi"), "direction", "unknown"),
    ("empty summary", lambda c: interactions.log_interaction(c.id, "call", "out", ""), "summary", "must not be empty"),
    ("not a date", lambda c: interactions.log_interaction(c.id, "call", "out", "Hi", occurred_at="yesterday"),
     "when", "is not a date and time"),
    ("year 1066", lambda c: interactions.log_interaction(c.id, "call", "out", "Hi", occurred_at="1066-10-14 09:00"),
     "when", "outside the years"),
    ("follow-up before", lambda c: interactions.log_interaction(
        c.id, "call", "out", "Hi", occurred_at=days_ago(0), follow_up_on=days_ago(3).date()),
     "follow_up_on", "is before the interaction itself"),
    ("unknown customer", lambda c: interactions.log_interaction(999, "call", "out", "Hi"), "customer", "no customer"),
    ("negative amount", lambda c: purchases.add_purchase(c.id, "2026-01-01", "Table", -5), "amount", "must not be negative"),
    ("fraction amount", lambda c: purchases.add_purchase(c.id, "2026-01-01", "Table", 12.5), "amount", "not a whole number"),
    ("empty product", lambda c: purchases.add_purchase(c.id, "2026-01-01", " ", 100), "product", "must not be empty"),
    ("bad purchase date", lambda c: purchases.add_purchase(c.id, "2026-13-01", "Table", 100), "purchase date",
     "is not a date"),
    ("connect to self", lambda c: connections.add_connection(c.id, c.id, "referred"), "connection", "themselves"),
    ("unknown connection", lambda c: connections.add_connection(c.id, 999, "referred"), "customer", "no customer"),
    ("connection kind", lambda c: connections.add_connection(c.id, c.id + 1, "friend"), "connection kind", "unknown"),
    ("bad setting", lambda c: settings.update_settings(default_cadence_days="-3"), "default_cadence_days", "at least 1"),
    ("empty template", lambda c: settings.update_settings(card_template=""), "card_template", "must not be empty"),
]


@pytest.mark.parametrize("name,action,field,reason", CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_field_and_changes_nothing(ada, name, action, field, reason):
    customer("Bob Builder")
    before = dump()
    with pytest.raises(ValidationError) as error:
        action(ada)
    assert error.value.field == field
    assert reason in str(error.value)
    assert dump() == before


def test_duplicate_connection_is_refused_both_ways_when_symmetric(ada):
    bob = customer("Bob Builder")
    connect(ada, bob, "introduced")
    before = dump()
    with pytest.raises(ValidationError, match="already connected as introduced"):
        connect(bob, ada, "introduced")
    with pytest.raises(ValidationError, match="already connected as introduced"):
        connect(ada, bob, "introduced")
    assert dump() == before
    # A referral has a direction: Bob sending Ada is a different fact from Ada sending Bob.
    connect(ada, bob, "referred")
    connect(bob, ada, "referred")
    with pytest.raises(ValidationError, match="already connected as referred"):
        connect(ada, bob, "referred")


def test_missing_rows_raise_not_found(journal):
    with pytest.raises(NotFound):
        customers.get_customer(42)
    with pytest.raises(NotFound):
        interactions.delete_interaction(42)


def test_error_message_reads_well(ada):
    with pytest.raises(ValidationError) as error:
        buy(ada, cents=-1)
    assert str(error.value) == "Amount: must not be negative"
