from collections import Counter

import pytest

from journal import demo, lately, search, summary, timeline
from journal.errors import JournalError
from journal.models import Connection, Customer, Interaction, Purchase

from .helpers import TODAY


def test_demo_is_believable_and_repeatable(journal):
    counts = demo.populate(today=TODAY)
    assert counts["customers"] == 150
    assert counts["interactions"] > 1500 and counts["purchases"] > 200 and counts["connections"] == 50
    assert Customer.select().count() == 150
    stages = Counter(c.stage for c in Customer.select())
    assert stages["customer"] > 100 and stages["prospect"] > 5 and stages["former"] > 2
    reasons = Counter(i.reason for i in lately.attention_items(TODAY))
    assert set(reasons) == set(lately.REASONS), f"every rule has an example: {reasons}"
    snapshot = summary.snapshot()
    summary.rebuild_all()
    assert summary.snapshot() == snapshot
    assert search.search("walnut")
    assert timeline.entries(1)


def test_same_seed_same_journal(tmp_path):
    from journal import db

    dumps = []
    for n in range(2):
        d = db.connect(tmp_path / f"j{n}.sqlite3")
        demo.populate(30, today=TODAY)
        dumps.append([list(m.select().tuples()) for m in (Customer, Interaction, Purchase, Connection)])
        d.close()
    assert dumps[0] == dumps[1]


def test_demo_refuses_a_journal_with_customers(journal):
    demo.populate(10, today=TODAY)
    with pytest.raises(JournalError, match="empty journal only"):
        demo.populate(10, today=TODAY)
