from datetime import date

from journal.writes import customers
from journal.reads import timeline

from .helpers import TODAY, buy, connect, customer, days_ago, log


def test_feed_mixes_every_source_newest_first(journal):
    ada, bob = customer("Ada"), customer("Bob")
    buy(ada, ago=30, product="Table")
    log(ada, "thank_you_card", ago=28, summary="Thanks for the table")
    connect(ada, bob, "referred", ago=20)
    log(ada, "call", "in", ago=2, summary="Asked about chairs")
    customers.update_customer(ada.id, stage="former")
    feed = timeline.entries(ada.id)
    assert [e.source for e in feed] == ["stage", "interaction", "connection", "interaction", "purchase"]
    assert feed[2].title == "Ada referred Bob"
    assert feed[4].title == "Bought Table" and feed[4].amount_cents == 100_00 and feed[4].detail == "thanked"
    assert timeline.entries(bob.id)[0].direction == "in"


def test_pages_are_contiguous_and_complete(journal):
    ada = customer()
    for n in range(250):
        log(ada, ago=n % 90, summary=f"Entry {n}")
    pages = [timeline.entries(ada.id, offset=o, limit=100) for o in (0, 100, 200)]
    assert [len(p) for p in pages] == [100, 100, 50]
    ids = [e.id for page in pages for e in page]
    assert len(set(ids)) == 250
    whens = [e.when for page in pages for e in page]
    assert whens == sorted(whens, reverse=True)
    assert timeline.entry_count(ada.id) == 250


def test_every_page_is_its_slice_of_the_whole_feed(journal):
    # On a server each source is cut to the page's end before the sources are
    # merged: a page deep in the feed must still take from every source, ties
    # (a purchase and a connection on the same day, at midnight) included.
    ada = customer("Ada")
    others = iter([customer("Bob"), customer("Cy"), customer("Di")])
    for n in range(12):
        log(ada, "article" if n % 3 else "quote", ago=n, summary=f"Note {n}")
        log(ada, "call", "in", ago=n, summary=f"Same moment {n}")
        if n % 2:
            buy(ada, ago=n, product=f"Chair {n}")
        if n % 4 == 1:
            other = next(others)
            connect(*((ada, other) if n % 8 == 1 else (other, ada)), ago=n)
    customers.update_customer(ada.id, stage="former")
    for klass in (None, "value"):
        whole = timeline.entries(ada.id, klass=klass, limit=1000)
        assert len(whole) == timeline.entry_count(ada.id, klass)
        for size in (1, 3, 7):
            for offset in range(0, len(whole) + 1):
                assert timeline.entries(ada.id, klass=klass, offset=offset, limit=size) == whole[offset:offset + size]


def test_filter_by_class(journal):
    ada = customer()
    buy(ada, ago=5)
    log(ada, "article", ago=3)
    log(ada, "support", "in", ago=2)
    log(ada, "quote", ago=1)
    assert [e.kind for e in timeline.entries(ada.id, klass="value")] == ["article"]
    assert [e.kind for e in timeline.entries(ada.id, klass="reactive")] == ["support"]
    assert [e.kind for e in timeline.entries(ada.id, klass="sales")] == ["quote"]
    assert timeline.entry_count(ada.id) == 4


def test_header_answers_at_a_glance(journal):
    ada = customer(cadence_days=30)
    buy(ada, ago=400, cents=500_00)
    buy(ada, ago=40, cents=250_00)
    log(ada, "article", ago=47, summary="Sent a piece on sailing")
    for n in range(4):
        log(ada, "call", "out", ago=10 + n)
    log(ada, "call", "in", ago=5)
    log(ada, "call", "in", ago=500)  # more than a year ago: not counted
    log(ada, "note", "out", ago=1)  # notes are not contact
    h = timeline.header(ada.id, today=TODAY)
    assert h.customer_since == days_ago(400).date()
    assert (h.purchase_count, h.lifetime_cents) == (2, 750_00)
    assert h.last_value_text(TODAY) == "47 days ago: article shared"
    assert h.reciprocity_text() == "you reached out 5 times, they 1 time"
    assert h.cadence_days == 30 and h.cadence_is_own


def test_header_of_a_new_prospect(journal):
    p = customer(stage="prospect")
    h = timeline.header(p.id, today=date.today())
    assert h.customer_since is None
    assert h.last_value_text(date.today()) == "No value given yet"
