"""Every bad input names the field and the reason, and leaves the journal exactly as it was."""

from datetime import date, timedelta

import pytest

from journal.rules import cards, lately
from journal.writes import connections, customers, drafts, interactions, purchases, settings
from journal.reads import graph
from journal.errors import NotFound, ValidationError
from journal.storage.models import ALL_MODELS

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



# --- inputs met by the fault run of issue 13: each refused with the journal's own
# error, and the journal byte-for-byte as it was (its SQL dump). ----------------

def _deleted(c):
    customers.delete_customer(c.id)
    return c.id


def _call(c):
    return interactions.log_interaction(c.id, "call", "out", "Hi").id


SOON = date.today() + timedelta(days=3)
SEEN = [  # name, set-up (run before the dump), the bad call, field, reason
    ("lone surrogate in a name", None, lambda c, _: customers.update_customer(c.id, name="Ada\ud800"), "name",
     "not valid text"),
    ("lone surrogate in notes", None, lambda c, _: interactions.log_interaction(c.id, "call", "out", "Hi",
                                                                                 notes="\udfff"), "notes", "not valid text"),
    ("lone surrogate in a setting", None, lambda c, _: settings.update_settings(signature="\ud83d"), "signature",
     "not valid text"),
    ("4,301 digits typed as an amount", None, lambda c, _: purchases.parse_amount("9" * 4301), "amount",
     "implausibly large"),
    ("4,301 digits as cents", None, lambda c, _: purchases.add_purchase(c.id, "2026-01-01", "Table", "9" * 4301),
     "amount", "too many digits"),
    ("an int of 5,000 digits", None, lambda c, _: purchases.add_purchase(c.id, "2026-01-01", "Table", 10**5000),
     "amount", "implausibly large"),
    ("1e3 is not 13.00", None, lambda c, _: purchases.parse_amount("1e3"), "amount", "not an amount of money"),
    ("the last moment at -14:00", None, lambda c, _: interactions.log_interaction(
        c.id, "call", "out", "Hi", occurred_at="9999-12-31T23:59:59-14:00"), "when", "outside the years"),
    ("the first moment at +14:00", _call, lambda c, iid: interactions.update_interaction(
        iid, occurred_at="0001-01-01T00:00:00+14:00"), "when", "outside the years"),
    ("id over SQLite's range", None, lambda c, _: customers.update_customer(2**64, name="X"), "customer",
     "no customer with id"),
    ("negative id", None, lambda c, _: interactions.delete_interaction(-1), "interaction", "no interaction with id"),
    ("id as text", None, lambda c, _: customers.delete_customer(str(c.id)), "customer", "is not an id"),
    ("id as float", None, lambda c, _: purchases.add_purchase(float(c.id), "2026-01-01", "Table", 100), "customer",
     "is not an id"),
    ("id as bool", None, lambda c, _: connections.add_connection(True, c.id, "referred"), "customer", "is not an id"),
    ("ids not a list", None, lambda c, _: customers.delete_customers(c.id), "customer", "must be a list of ids"),
    ("huge id in a list", None, lambda c, _: purchases.delete_purchases([1, 2**70]), "purchase",
     "no purchase with id"),
    ("tag cadence of no tag", None, lambda c, _: customers.set_tag_cadence(None, 14), "tag", "must not be empty"),
    ("snoozing an unknown customer", None, lambda c, _: lately.snooze(999, "cadence", SOON), "customer",
     "no customer with id 999"),
    ("restoring [id]", _deleted, lambda c, cid: customers.restore_customer([cid]), "customer", "is not an id"),
    ("a tag that is None", None, lambda c, _: customers.update_customer(c.id, tags=[None]), "tags",
     "None is not a name"),
    ("follow-up done as text", _call, lambda c, iid: interactions.set_follow_up_done(iid, "no"), "follow-up done",
     "not yes or no"),
    ("a draft of lone surrogates", None, lambda c, _: drafts.save_draft("quick_capture", {"notes": "\ud800"}),
     "draft", "not valid text"),
    ("a card for no customer", None, lambda c, _: cards.mark_sent([cards.Card(2**63, "X", "", "hand", "Thanks")]),
     "customer", "no customer with id"),
    ("a graph place at infinity", None, lambda c, _: graph.save_positions({c.id: (float("inf"), 0.0)}), "x",
     "out of range"),
]


@pytest.mark.parametrize("name,setup,action,field,reason", SEEN, ids=[c[0] for c in SEEN])
def test_inputs_met_in_the_fault_run_are_refused_and_change_nothing(ada, name, setup, action, field, reason):
    from .soundness import dump as sql_dump

    customer("Bob Builder")
    prepared = setup(ada) if setup else None
    before = sql_dump()
    with pytest.raises(ValidationError) as error:
        action(ada, prepared)
    assert error.value.field == field, str(error.value)
    assert reason in str(error.value)
    assert len(str(error.value)) < 200  # a 5,000-digit number is not quoted whole
    assert sql_dump() == before


def test_a_tag_of_nul_alone_or_blank_stores_no_empty_tag(ada):
    assert customers.update_customer(ada.id, tags=["\x00", " ", "vip", "VIP"]).tags == ("vip",)
    assert [name for name, _ in customers.all_tags()] == ["vip"]
    assert customers.update_customer(ada.id, tags=["\x00"]).tags == ()


def test_amounts_with_a_currency_still_read():
    assert [purchases.parse_amount(t) for t in ("USD 12.50", "12 kr", "€ 1.234,50", "1 250")] == [
        1250, 1200, 123450, 125000]
