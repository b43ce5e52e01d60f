"""The sentences the core writes read as a person writes them: plurals agree,
and a cadence names where it comes from."""

from datetime import timedelta

from journal.writes import customers
from journal.rules import attention
from journal.reads import timeline

from .helpers import TODAY, customer, log


def evidence(c, reason):
    return [i.evidence for i in attention.all_items(TODAY) if i.customer_id == c.id and i.reason == reason]


def test_a_one_day_cadence_reads_in_the_singular(journal):
    c = customer("Daily Dana", customer_since=TODAY - timedelta(days=30), cadence_days=1)
    log(c, "feedback", ago=2)
    [text] = evidence(c, "cadence")
    assert text == "Last value given 2 days ago (feedback asked); cadence 1 day"
    assert "1 days" not in text


def test_two_unthanked_purchases_and_one(journal):
    from .helpers import buy

    one = customer("One Purchase", customer_since=TODAY - timedelta(days=30))
    buy(one, ago=10)
    two = customer("Two Purchases", customer_since=TODAY - timedelta(days=30))
    buy(two, ago=10)
    buy(two, ago=8, product="Chair")
    assert evidence(one, "unthanked_purchase")[0].startswith("Bought Oak table on ")
    assert evidence(two, "return_customer")[0].startswith("2 purchases not thanked, the first on 5 Jun 2026")


def test_a_cadence_says_where_it_comes_from(journal):
    own = customer("Own Cadence", cadence_days=14)
    tagged = customer("Tagged", tags=["vip", "local"])
    customers.set_tag_cadence("vip", 30)
    customers.set_tag_cadence("local", 60)
    plain = customer("Plain")
    assert timeline.header(own.id, TODAY).cadence_text() == "every 14 days, their own"
    assert timeline.header(tagged.id, TODAY).cadence_text() == "every 30 days, from tag vip"
    assert timeline.header(plain.id, TODAY).cadence_text() == "every 90 days, the default"


def test_their_own_cadence_wins_over_a_tag(journal):
    c = customer("Both", tags=["vip"], cadence_days=7)
    customers.set_tag_cadence("vip", 30)
    header = timeline.header(c.id, TODAY)
    assert (header.cadence_days, header.cadence_tag) == (7, None)
    assert header.cadence_text() == "every 7 days, their own"


def test_a_single_day_ago_and_a_single_time(journal):
    c = customer("Once", customer_since=TODAY - timedelta(days=30))
    log(c, "call", "in", ago=3)
    log(c, "call", "out", ago=2)
    header = timeline.header(c.id, TODAY)
    assert header.reciprocity_text() == "you reached out 1 time, they 1 time"


def test_names_and_topics_are_listed_as_a_sentence_lists_them(journal):
    from .helpers import connect

    referrer = customer("Rita Refers", customer_since=TODAY - timedelta(days=300))
    for name, ago in (("Ann One", 30), ("Bo Two", 20), ("Cy Three", 10)):
        connect(referrer, customer(name), ago=ago)
    [text] = evidence(referrer, "referral_unthanked")
    assert text.startswith("Referred Ann One, Bo Two and Cy Three (since ")
    customer("Ida Interests", interests="jazz, sailing, wine")
    customer("Joe Interests", interests="wine, jazz, sailing")
    [item] = [i for i in attention.all_items(TODAY) if i.reason == "introduction"]
    assert item.evidence == "Both care about jazz, sailing and wine"
