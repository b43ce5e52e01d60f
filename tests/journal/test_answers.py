"""What answers a Lately item (card occasion, completing writes) and the settings
dialog's save, decided in journal/ and tested without a window."""

from datetime import timedelta

import pytest

from journal.rules import answers, attention, cards, lately
from journal.writes import customers, preferences, settings
from journal.errors import NotFound, ValidationError
from journal.storage.models import Setting, Tag

from .helpers import TODAY, buy, connect, customer, log


def item_of(reason):
    return next(i for i in attention.all_items(TODAY) if i.reason == reason)


def test_each_card_reason_opens_its_occasion(journal):
    new = customer("New Nina")
    buy(new, ago=10)
    old = customer("Old Otto", customer_since=TODAY - timedelta(days=900))
    buy(old, ago=200)
    referrer = customer("Rita Referrer")
    connect(referrer, customer("Sent Sam"), ago=5)
    assert answers.card_occasion(item_of("unthanked_purchase").reason) == answers.CardOccasion(cards.PURCHASES, True)
    assert answers.card_occasion(item_of("return_customer").reason) == answers.CardOccasion(cards.PURCHASES, True)
    assert answers.card_occasion(item_of("welcome").reason) == answers.CardOccasion(cards.WELCOME)
    assert answers.card_occasion(item_of("referral_unthanked").reason) == answers.CardOccasion(cards.REFERRALS)
    for reason in set(lately.REASONS) - {"unthanked_purchase", "return_customer", "welcome", "referral_unthanked"}:
        assert answers.card_occasion(reason) is None, reason  # a card chosen by hand


def test_a_due_follow_up_is_completed_by_a_note_about_that_customer(journal):
    c = customer("Peter Promise")
    promise = log(c, "quote", ago=9, summary="Quote", follow_up_on=TODAY - timedelta(days=2))
    item = item_of("follow_up_due")
    assert answers.completing_writes(item, c.id) == [answers.FollowUpDone(promise.id)]
    someone_else = customer("Someone Else")
    assert answers.completing_writes(item, someone_else.id) == []


def test_an_introduction_is_completed_by_connecting_the_two(journal):
    a = customer("Ann Sailor", interests="sailing", customer_since=TODAY - timedelta(days=20))
    b = customer("Ben Boats", interests="sailing", customer_since=TODAY - timedelta(days=20))
    for c in (a, b):
        log(c, "feedback", ago=0)
    item = item_of("introduction")
    first, other = item.customer_id, item.other_customer_id
    assert {first, other} == {a.id, b.id}
    assert answers.completing_writes(item, first) == [answers.Introduce(first, other, "introduced")]
    assert answers.completing_writes(item, other) == []


def test_other_reasons_complete_nothing_beyond_the_note(journal):
    c = customer("Sally Silent")
    buy(c, ago=60)
    for reason in ("never_contacted", "unthanked_purchase"):
        assert answers.completing_writes(item_of(reason), c.id) == []


def test_settings_and_tag_cadences_are_saved_together(journal):
    customer("Ada", tags=["VIP", "press"])
    saved = preferences.save_settings({"owner_name": "Sam", "default_cadence_days": 30}, {"VIP": "14", "press": ""})
    assert saved.owner_name == "Sam" and settings.get_settings().default_cadence_days == 30
    assert dict(customers.all_tags()) == {"VIP": 14, "press": None}
    preferences.save_settings({}, {"VIP": None})
    assert dict(customers.all_tags())["VIP"] is None


@pytest.mark.parametrize("values, tags", [
    ({"owner_name": "Sam", "default_cadence_days": 0}, {"VIP": "14"}),  # a bad setting
    ({"owner_name": "Sam"}, {"VIP": "fortnightly"}),  # a bad tag cadence after good settings
    ({"owner_name": "Sam"}, {"VIP": "14", "nobody has this tag": "7"}),  # a tag that is not there
])
def test_a_bad_value_anywhere_saves_nothing(journal, values, tags):
    customer("Ada", tags=["VIP"])
    before = (list(Setting.select().tuples()), list(Tag.select().tuples()))
    with pytest.raises(NotFound if "nobody has this tag" in tags else ValidationError):
        preferences.save_settings(values, tags)
    assert (list(Setting.select().tuples()), list(Tag.select().tuples())) == before
