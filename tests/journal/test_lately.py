"""Each Lately rule on a small hand-made journal, with its edges."""

from datetime import timedelta

import pytest

from journal.writes import customers, interactions, settings
from journal.rules import attention, lately, words
from journal.errors import ValidationError
from journal.storage.db import snapshot

from .helpers import TODAY, buy, connect, customer, days_ago, log


def items(reason=None, today=TODAY):
    found = attention.all_items(today)
    return [i for i in found if reason is None or i.reason == reason]


def reasons_for(c, today=TODAY):
    return sorted(i.reason for i in attention.all_items(today) if i.customer_id == c.id)


@pytest.fixture
def kept(journal):
    """A customer with nothing to do: recent value, thanked, welcomed, asked for feedback."""
    c = customer("Kept Happy", customer_since=TODAY - timedelta(days=200))
    log(c, "feedback", ago=10)
    return c


def test_a_well_kept_customer_needs_nothing(kept):
    assert reasons_for(kept) == []


# --- purchases --------------------------------------------------------------

def test_unthanked_purchase_after_three_days(journal):
    c = customer("Ada", customer_since=TODAY - timedelta(days=40))
    log(c, "check_in", ago=1)
    buy(c, ago=3)
    assert reasons_for(c) == []  # three days old: give it time
    buy(c, ago=4, product="Lamp")
    [item] = items("unthanked_purchase")
    assert item.customer_id == c.id and item.evidence == "Bought Lamp on 11 Jun 2026, not thanked yet"
    assert item.action_kind == "thank_you_card"


def test_thank_you_card_clears_the_purchase_items(journal):
    c = customer("Ada")
    buy(c, ago=20)
    assert "unthanked_purchase" in reasons_for(c)
    log(c, "thank_you_card", ago=0)
    assert "unthanked_purchase" not in reasons_for(c)


def test_return_customer_is_recognised_with_tenure(journal):
    c = customer("Ada")
    first = buy(c, ago=800)
    log(c, "thank_you_card", ago=799)
    buy(c, ago=10, product="Second table")
    [item] = items("return_customer")
    assert item.customer_id == c.id
    assert "a customer for two years" in item.evidence
    assert item.suggestion == "Send a card thanking them for two years with you"  # the words, not a rule about them
    assert not items("unthanked_purchase")
    del first


def test_a_return_customer_is_thanked_for_how_long_they_have_been_one_today(journal):
    """The card is written today: a purchase made months ago and not thanked
    still thanks them for their whole time with you, not the time up to it."""
    c = customer("Ada", customer_since=TODAY - timedelta(days=335))
    log(c, "check_in", ago=1)
    buy(c, ago=300)
    buy(c, ago=150, product="Second table")
    [item] = items("return_customer")
    assert "a customer for eleven months" in item.evidence
    assert item.suggestion == "Send a card thanking them for eleven months with you"


def test_a_customer_for_a_year_buying_for_the_first_time_is_a_return_customer(journal):
    c = customer("Ada", customer_since=TODAY - timedelta(days=500))
    buy(c, ago=10)
    assert [i.reason for i in items() if i.customer_id == c.id and "purchase" in i.reason or
            i.reason == "return_customer"] == ["return_customer"]


# --- welcome ------------------------------------------------------------------

def test_new_customer_without_welcome_kit(journal):
    c = customer("Ada", account_manager="Sam Ortega")
    buy(c, ago=30)
    [item] = items("welcome")
    assert "Sam Ortega's name and phone" in item.suggestion and "after the thank-you" in item.suggestion
    log(c, "welcome_kit", ago=0)
    assert not items("welcome")


def test_welcome_window_is_thirty_days(journal):
    c = customer("Ada")
    buy(c, ago=31)
    assert not items("welcome")


def test_a_long_standing_customer_buying_online_first_is_not_new(journal):
    c = customer("Ada", customer_since=TODAY - timedelta(days=40))
    buy(c, ago=5)
    assert not items("welcome")


# --- cadence ----------------------------------------------------------------------

def test_cadence_is_due_exactly_at_the_cadence_and_overdue_at_one_and_a_half(journal):
    due = customer("Due", cadence_days=60)
    log(due, "article", ago=60)
    not_yet = customer("Not yet", cadence_days=60)
    log(not_yet, "article", ago=59)
    overdue = customer("Overdue", cadence_days=60)
    log(overdue, "gift", ago=90)
    levels = {i.customer_name: i.level for i in items("cadence")}
    assert levels == {"Due": "due", "Overdue": "overdue"}
    assert {i.customer_name: i.title for i in items("cadence")}["Overdue"] == "Overdue: stay in touch"


def test_days_are_calendar_days_whatever_the_hour(journal):
    """The rules count whole calendar days: value given a minute after midnight
    and a minute before the next one count the same, on both backends."""
    early = customer("Early", cadence_days=60)
    interactions.log_interaction(early.id, "article", "out", "Sent", occurred_at=days_ago(60, 0).replace(minute=1))
    late = customer("Late", cadence_days=60)
    interactions.log_interaction(late.id, "article", "out", "Sent",
                                 occurred_at=days_ago(60, 23).replace(minute=59, second=59))
    not_yet = customer("Not yet", cadence_days=60)
    interactions.log_interaction(not_yet.id, "article", "out", "Sent",
                                 occurred_at=days_ago(59, 0).replace(minute=0, second=1))
    found = {i.customer_name: i for i in items("cadence")}
    assert sorted(found) == ["Early", "Late"]
    assert {i.since for i in found.values()} == {TODAY}
    assert {i.evidence for i in found.values()} == {"Last value given 60 days ago (article shared); cadence 60 days"}


def test_the_words_follow_the_locale_the_app_uses_even_after_the_list_was_made(journal):
    """An item's words are made when it is shown: a list made before the app
    set the user's locale (the panel computes at start) still reads in it."""
    c = customer("Ada", customer_since=TODAY - timedelta(days=40))
    log(c, "check_in", ago=1)
    buy(c, ago=5, product="Desk")
    [item] = items("unthanked_purchase")
    assert item.evidence == "Bought Desk on 10 Jun 2026, not thanked yet"
    try:
        words.use(day=lambda d: d.isoformat())
        assert item.evidence == "Bought Desk on 2026-06-10, not thanked yet"
    finally:
        words.use()


def test_cadence_counts_only_value_given_by_us(journal):
    c = customer("Ada", cadence_days=30)
    log(c, "article", ago=40)
    log(c, "meeting", "in", ago=1)
    log(c, "article", "in", ago=1)  # they sent us something: kind, but not our value
    assert [i.customer_name for i in items("cadence")] == ["Ada"]
    log(c, "check_in", ago=0)
    assert not items("cadence")


def test_cadence_from_tag_then_default(journal):
    settings.update_settings(default_cadence_days=120)
    tagged = customer("Tagged", tags=["vip"])
    plain = customer("Plain")
    for c in (tagged, plain):
        log(c, "article", ago=50)
    customers.set_tag_cadence("vip", 45)
    assert [i.customer_name for i in items("cadence")] == ["Tagged"]


def test_cadence_rule_skips_prospects_former_and_archived(journal):
    for stage in ("prospect", "former"):
        log(customer(stage, stage=stage, cadence_days=10), "article", ago=100)
    archived = customer("Archived", cadence_days=10)
    log(archived, "article", ago=100)
    customers.set_archived(archived.id)
    assert items() == []


def test_customer_with_no_value_ever_counts_from_customer_since(journal):
    c = customer("Ada", customer_since=TODAY - timedelta(days=100))
    [item] = items("cadence")
    assert "No value given in 100 days" in item.evidence and item.customer_id == c.id


# --- never contacted ---------------------------------------------------------------

def test_never_contacted_since_first_sale_ranks_high(journal):
    c = customer("Silent")
    buy(c, ago=120)
    log(c, "meeting", "in", ago=60)  # they came to us; we never reached out
    found = items()
    assert found[0].reason == "never_contacted" and found[0].customer_id == c.id
    assert "cadence" not in reasons_for(c)  # one diagnosis, not two
    log(c, "check_in", ago=0)
    assert "never_contacted" not in reasons_for(c)


def test_never_contacted_waits_two_weeks(journal):
    c = customer("Silent")
    buy(c, ago=14)
    assert "never_contacted" not in reasons_for(c)


# --- unanswered -----------------------------------------------------------------------

def test_two_unanswered_calls_in_a_row(journal):
    c = customer("Ada", channel="phone")
    log(c, "feedback", ago=20)
    log(c, "call", ago=10)
    assert "unanswered" not in reasons_for(c)
    log(c, "email", ago=5)
    [item] = items("unanswered")
    assert item.evidence.startswith("2 times you reached out")
    assert item.action_kind == "call"
    log(c, "message", "in", ago=1)
    assert not items("unanswered")


def test_prospects_can_be_unanswered_but_former_customers_not(journal):
    p = customer("Prospect", stage="prospect")
    f = customer("Former", stage="former")
    for c in (p, f):
        log(c, "call", ago=3)
        log(c, "call", ago=2)
    assert [i.customer_name for i in items("unanswered")] == ["Prospect"]


# --- only reactive or sales -------------------------------------------------------------

def test_only_reactive_or_sales_lately(journal):
    c = customer("Ada", cadence_days=30, interests="sailing, jazz")
    log(c, "article", ago=61)
    log(c, "support", "in", ago=5)
    log(c, "quote", ago=3)
    [item] = items("only_reactive_sales")
    assert "sailing" in item.suggestion and "not a sales call" in item.suggestion
    assert item.action_kind == "article"
    assert "cadence" not in reasons_for(c)


def test_never_contacted_and_only_problems_are_both_said(journal):
    """Two diagnoses that do not exclude each other (the cadence gives way to
    either): bought 40 days ago, never reached by us since, and they came to us
    with a problem. (attention_facts looks at the one after the other.)"""
    c = customer("Ada", cadence_days=30)
    buy(c, ago=40)
    log(c, "support", "in", ago=5)
    assert {"never_contacted", "only_reactive_sales"} <= set(reasons_for(c))
    assert "cadence" not in reasons_for(c)


def test_value_within_two_cadences_is_enough(journal):
    c = customer("Ada", cadence_days=30)
    log(c, "article", ago=60)
    log(c, "support", "in", ago=5)
    assert "only_reactive_sales" not in reasons_for(c)


# --- feedback ----------------------------------------------------------------------------

def test_no_feedback_in_a_year(journal):
    c = customer("Ada", customer_since=TODAY - timedelta(days=400))
    log(c, "article", ago=5)
    log(c, "feedback", ago=365)
    [item] = items("no_feedback")
    assert item.action_kind == "feedback" and "better" in item.suggestion
    young = customer("Young", customer_since=TODAY - timedelta(days=364))
    log(young, "article", ago=5)
    assert "no_feedback" not in reasons_for(young)
    log(c, "feedback", ago=1)
    assert not items("no_feedback")


# --- follow-ups --------------------------------------------------------------------------

def test_follow_up_due_today_or_past_for_any_stage(journal):
    c = customer("Prospect", stage="prospect")
    due = log(c, "quote", ago=10, summary="Quote for shelves", follow_up_on=TODAY)
    log(c, "quote", ago=10, summary="Not yet", follow_up_on=TODAY + timedelta(days=1))
    [item] = items("follow_up_due")
    assert item.ref_id == due.id and "due today" in item.evidence and "Quote for shelves" in item.evidence
    interactions.set_follow_up_done(due.id)
    assert not items("follow_up_due")


# --- referrals ----------------------------------------------------------------------------

def test_referral_not_thanked(journal):
    referrer, newcomer = customer("Referrer"), customer("Newcomer")
    log(referrer, "article", ago=1)
    connect(referrer, newcomer, "referred", ago=2)
    [item] = items("referral_unthanked")
    assert item.customer_id == referrer.id and "Newcomer" in item.evidence
    log(referrer, "thank_you_card", ago=0)
    assert not items("referral_unthanked")


def test_old_referrals_and_introductions_need_no_thanks(journal):
    a, b, c = customer("A"), customer("B"), customer("C")
    connect(a, b, "referred", ago=400)
    connect(a, c, "introduced", ago=1)
    assert not items("referral_unthanked")


# --- introductions -------------------------------------------------------------------------

def test_introduction_between_customers_sharing_an_interest(journal):
    a = customer("Ada", interests="Sailing, jazz")
    b = customer("Bob", interests="sailing")
    customer("Cy", stage="prospect", interests="knitting")
    [item] = items("introduction")
    assert {item.customer_id, item.other_customer_id} == {a.id, b.id}
    assert "sailing" in item.evidence
    connect(a, b, "introduced")
    assert not items("introduction")


def test_introduction_by_tag_needs_at_least_one_customer(journal):
    customer("P1", stage="prospect", tags=["architect"])
    customer("P2", stage="prospect", tags=["architect"])
    assert not items("introduction")
    c = customer("C", tags=["Architect"])
    [item] = items("introduction")
    assert item.customer_id == c.id
    assert item.evidence == "Both tagged “architect”"


def test_an_introduction_says_what_both_care_about_apart_from_what_both_are_only_tagged(journal):
    """A tag is a label the owner gave ("vip"), not something a customer cares
    about: "Both care about vip" read wrong. A topic that is an interest of
    either is something they care about."""
    ada = customer("Ada", interests="sailing", tags=["VIP", "architect"])
    customer("Bob", interests="Sailing, architect", tags=["vip", "wholesale"])
    [item] = items("introduction")
    assert item.evidence == "Both care about architect and sailing; both tagged “vip”"
    assert item.suggestion == f"Introduce {item.customer_name} to {'Bob' if item.customer_id == ada.id else 'Ada'}"
    with snapshot():  # the rules stated in Python say the same
        assert [i.evidence for i in lately.everyone(TODAY).introductions] == [item.evidence]


def test_former_customers_are_not_introduced(journal):
    customer("A", interests="golf")
    customer("F", stage="former", interests="golf")
    assert not items("introduction")


# --- snooze and ranking ----------------------------------------------------------------------

def test_snooze_hides_until_the_date(journal):
    c = customer("Ada", cadence_days=30)
    log(c, "article", ago=40)
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError, match="not in the future"):
        lately.snooze(c.id, "cadence", "2000-01-01")
    lately.Snooze.create(customer=c.id, reason="cadence", until=tomorrow)
    assert not items("cadence")
    assert items("cadence", today=tomorrow)  # back on the date itself
    lately.unsnooze(c.id, "cadence")
    assert items("cadence")


def test_ranked_by_priority_then_name(journal):
    silent = customer("Silent")
    buy(silent, ago=100)
    later = customer("Later", cadence_days=30)
    log(later, "article", ago=40)
    ranked = [(i.reason, i.customer_name) for i in items()]
    assert ranked == [("never_contacted", "Silent"), ("unthanked_purchase", "Silent"), ("cadence", "Later")]


def test_health_strip_shares(journal):
    a = customer("A", cadence_days=30)
    log(a, "article", ago=5)
    b = customer("B")
    buy(b, ago=50)
    customer("P", stage="prospect")
    health = lately.health(TODAY)
    assert (health.customers, health.within_cadence, health.silent_since_first_sale) == (2, 1, 1)
    assert health.within_cadence_share == 0.5


@pytest.mark.parametrize("days,words", [(10, "a month"), (65, "two months"), (365, "a year"), (1900, "five years"),
                                        (365 * 15, "15 years")])
def test_tenure_words(days, words):
    assert lately.tenure_words(days) == words
