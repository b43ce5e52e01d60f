from datetime import date

import pytest

from journal.writes import connections, customers, interactions, purchases, settings, trash
from journal.reads import summary
from journal.errors import NotFound, ValidationError
from journal.storage.models import Customer, Interaction, StageChange

from .helpers import buy, connect, customer, days_ago, log


def test_customer_round_trip_with_company_and_tags(journal):
    c = customer("Grace Hopper", company="Navy Labs", email="grace@example.org", tags=["VIP", "press", "VIP"],
                 cadence_days="30", customer_since="2019-04-01", interests="compilers; sailing")
    assert c.company == "Navy Labs"
    assert c.tags == ("VIP", "press")
    assert c.cadence_days == 30 and c.customer_since == date(2019, 4, 1)
    assert c.interest_topics == ("compilers", "sailing")
    assert c.first_name == "Grace"
    again = customer("Grace Two", company="navy labs")
    assert again.company == "Navy Labs"  # the same company, whatever the case


def test_stage_change_is_recorded(journal):
    c = customer(stage="prospect")
    customers.update_customer(c.id, stage="customer")
    customers.update_customer(c.id, stage="customer", phone="123")
    changes = list(StageChange.select().tuples())
    assert [(r[3], r[4]) for r in changes] == [("prospect", "customer")]


def test_archived_customers_leave_the_list_unless_asked(journal):
    customer("Ada")
    customers.set_archived(customer("Bob").id)
    assert [r.name for r in customers.list_customers()] == ["Ada"]
    assert [r.name for r in customers.list_customers(include_archived=True)] == ["Ada", "Bob"]


def test_deleted_customer_can_be_restored_until_trash_is_emptied(journal):
    c = customer("Ada")
    log(c, summary="Met for coffee")
    customers.delete_customer(c.id)
    assert customers.list_customers() == []
    with pytest.raises(NotFound):
        customers.get_customer(c.id)
    customers.restore_customer(c.id)
    assert customers.get_customer(c.id).name == "Ada"
    customers.delete_customer(c.id)
    assert [i.what for i in trash.trash_items()] == ["customer"]
    assert trash.empty_trash() == 1
    assert Customer.select().count() == 0 and Interaction.select().count() == 0
    with pytest.raises(NotFound):
        customers.restore_customer(c.id)


def test_deleted_interaction_is_restored_with_its_effects(journal):
    c = customer()
    buy(c, ago=10)
    card = log(c, "thank_you_card", ago=5, summary="Thanks!")
    assert purchases.purchases_of(c.id)[0].thanked_by == card.id
    interactions.delete_interaction(card.id)
    assert purchases.purchases_of(c.id)[0].thanked_by is None
    assert summary.snapshot()[c.id]["last_value_at"] is None
    interactions.restore_interaction(card.id)
    assert purchases.purchases_of(c.id)[0].thanked_by == card.id
    assert summary.snapshot()[c.id]["last_value_kind"] == "thank_you_card"


def test_thank_you_acknowledges_only_what_came_before(journal):
    c = customer()
    buy(c, ago=10, product="Table")
    card = log(c, "thank_you_card", ago=5)
    later = buy(c, ago=1, product="Chairs")
    assert later.thanked_by is None
    assert [p.thanked_by for p in purchases.purchases_of(c.id)] == [None, card.id]


def test_thank_you_acknowledges_referrals(journal):
    a, b = customer("Ada"), customer("Bob")
    link = connect(a, b, "referred", ago=3)
    card = log(a, "gift", ago=1, summary="Flowers for the referral")
    assert connections.connections_of(a.id)[0].thanked_by == card.id
    assert link.thanked_by is None  # the returned data was a snapshot from before


def test_editing_interaction_validates_against_its_own_date(journal):
    c = customer()
    i = log(c, ago=10)
    with pytest.raises(ValidationError, match="before the interaction itself"):
        interactions.update_interaction(i.id, follow_up_on=days_ago(20).date())
    updated = interactions.update_interaction(i.id, follow_up_on=days_ago(2).date(), summary="Edited")
    assert updated.summary == "Edited"
    assert interactions.set_follow_up_done(i.id).follow_up_done


def test_purchase_edit_delete_restore_update_summary(journal):
    c = customer()
    p = buy(c, ago=30, cents=250_00)
    buy(c, ago=3, cents=100_00)
    assert summary.snapshot()[c.id]["lifetime_cents"] == 350_00
    purchases.update_purchase(p.id, amount_cents=300_00)
    assert summary.snapshot()[c.id]["lifetime_cents"] == 400_00
    purchases.delete_purchase(p.id)
    assert summary.snapshot()[c.id]["purchase_count"] == 1
    purchases.restore_purchase(p.id)
    assert summary.snapshot()[c.id]["purchase_count"] == 2


@pytest.mark.parametrize("text,cents", [
    ("12", 1200), ("12.5", 1250), ("1,234.50", 123450), ("1.234,50", 123450), ("1 234", 123400),
    ("€12,99", 1299), ("$ 1,000", 100000), ("0.07", 7), ("-3.10", -310), ("1.234.567", 123456700),
])
def test_parse_amount(text, cents):
    assert purchases.parse_amount(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1-2", "--3"])
def test_parse_amount_refuses_non_amounts(text):
    with pytest.raises(ValidationError, match="not an amount"):
        purchases.parse_amount(text)


def test_connection_restore_refuses_a_duplicate(journal):
    a, b = customer("Ada"), customer("Bob")
    first = connect(a, b, "colleague")
    connections.delete_connection(first.id)
    connect(b, a, "colleague")
    with pytest.raises(ValidationError, match="identical connection"):
        connections.restore_connection(first.id)


def test_settings_defaults_and_update(journal):
    assert settings.get_settings().default_cadence_days == 90
    updated = settings.update_settings(owner_name="Alex", default_cadence_days="60")
    assert updated.default_cadence_days == 60
    assert settings.get_settings().owner_name == "Alex"


def test_effective_cadence_own_then_shortest_tag_then_default(journal):
    settings.update_settings(default_cadence_days=90)
    customer("Own", cadence_days=20, tags=["vip"])
    customer("Tagged", tags=["vip", "trade"])
    customer("Default")
    customers.set_tag_cadence("vip", 30)
    customers.set_tag_cadence("trade", 45)
    rows = {r.name: r.cadence_days for r in customers.list_customers()}
    assert rows == {"Own": 20, "Tagged": 30, "Default": 90}


def test_companies_and_tags_match_case_in_any_script(journal):
    a = customer("A", company="Ödön Örs Kft", tags=["Öko"])
    b = customer("B", company="ödön örs kft", tags=["öko", "ÖKO"])
    assert a.company == b.company == "Ödön Örs Kft"
    assert b.tags == ("Öko",)


def test_settings_store_only_what_was_set(journal):
    from journal.storage.models import Setting

    from journal.storage.models import me

    settings.update_settings(owner_name="Alex", business_name="Alex & Co")
    # Your name is your own on a team journal (keyed by your login role); a file's is the journal's.
    yours = f"owner_name@{me()}" if me() else "owner_name"
    assert dict(Setting.select(Setting.key, Setting.value).tuples()) == {yours: "Alex", "business_name": "Alex & Co"}
    assert settings.get_settings().card_template == settings.DEFAULT_CARD_TEMPLATE
