from collections import Counter

import pytest
from peewee import fn

from journal.io import demo
from journal.rules import attention, lately
from journal.reads import search, summary, timeline
from journal.errors import JournalError
from journal.storage.models import Connection, Customer, Interaction, Purchase

from .helpers import TODAY


def test_demo_is_believable_and_repeatable(journal):
    counts = demo.populate(today=TODAY)
    assert counts["customers"] == 150
    assert counts["interactions"] > 1500 and counts["purchases"] > 200 and counts["connections"] == 50
    assert Customer.select().count() == 150
    stages = Counter(c.stage for c in Customer.select())
    assert stages["customer"] > 100 and stages["prospect"] > 5 and stages["former"] > 2
    reasons = Counter(i.reason for i in attention.all_items(TODAY))
    assert set(reasons) == set(lately.REASONS), f"every rule has an example: {reasons}"
    snapshot = summary.snapshot()
    summary.rebuild_all()
    assert summary.snapshot() == snapshot
    assert search.search("walnut")
    assert timeline.entries(1)


def test_what_the_owner_adds_after_the_demo_gets_new_ids(journal):
    """The demo writes its rows with their own ids; on a server the id sequences must go on after them."""
    from datetime import date

    from journal.writes import connections, customers, interactions, purchases

    demo.populate(20, today=TODAY)
    most = {model: model.select(fn.MAX(model.id)).scalar() for model in (Customer, Interaction, Purchase, Connection)}
    new = customers.create_customer(name="After Demo")
    note = interactions.log_interaction(new.id, "call", "out", "First call")
    bought = purchases.add_purchase(new.id, date(2026, 1, 2), "Chair", 100)
    link = connections.add_connection(1, new.id, "referred", connected_on=date(2026, 1, 5))
    assert (new.id, note.id, bought.id, link.id) == tuple(most[m] + 1 for m in (Customer, Interaction, Purchase,
                                                                                   Connection))


def test_same_seed_same_journal(tmp_path, backend, request):
    from tests.postgres import open_empty

    dumps = []
    for n in range(2):
        d = open_empty(backend, request, tmp_path / f"j{n}")
        demo.populate(30, today=TODAY)
        dumps.append([list(m.select().tuples()) for m in (Customer, Interaction, Purchase, Connection)])
        d.close()
    assert dumps[0] == dumps[1]


def test_demo_refuses_a_journal_with_customers(journal):
    demo.populate(10, today=TODAY)
    with pytest.raises(JournalError, match="empty journal only"):
        demo.populate(10, today=TODAY)
