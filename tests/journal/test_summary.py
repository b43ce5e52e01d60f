"""The summary row kept up to date by each write must equal one rebuilt from scratch."""

import random

from journal.writes import connections, customers, interactions, purchases
from journal.reads import summary
from journal.rules.kinds import KINDS

from .helpers import TODAY, customer, days_ago


def test_incremental_summary_equals_rebuild_after_random_writes(journal):
    rng = random.Random(3)
    people = [customer(f"Person {i}") for i in range(6)]
    logged, bought = [], []
    for step in range(300):
        c = rng.choice(people)
        roll = rng.random()
        if roll < 0.5:
            logged.append(interactions.log_interaction(
                c.id, rng.choice(list(KINDS)), rng.choice(["in", "out"]), f"Step {step}",
                occurred_at=days_ago(rng.randint(0, 400), rng.randint(8, 18))).id)
        elif roll < 0.65:
            bought.append(purchases.add_purchase(c.id, days_ago(rng.randint(0, 400)).date(), "Thing",
                                                 rng.randint(0, 10_000)).id)
        elif roll < 0.75 and logged:
            interactions.delete_interaction(logged.pop(rng.randrange(len(logged))))
        elif roll < 0.8 and bought:
            purchases.delete_purchase(bought.pop(rng.randrange(len(bought))))
        elif roll < 0.9 and logged:
            interactions.update_interaction(rng.choice(logged), occurred_at=days_ago(rng.randint(0, 400)),
                                            direction=rng.choice(["in", "out"]))
        else:
            customers.update_customer(c.id, stage=rng.choice(["customer", "prospect", "former"]))
    connections.add_connection(people[0].id, people[1].id, "referred", connected_on=TODAY)
    incremental = summary.snapshot()
    summary.rebuild_all()
    assert summary.snapshot() == incremental
    assert any(row["unanswered_count"] for row in incremental.values())


def test_compute_unanswered_run_resets_on_inbound():
    rows = [
        (days_ago(10), "call", "out"), (days_ago(9), "email", "out"), (days_ago(8), "meeting", "in"),
        (days_ago(5), "call", "out"), (days_ago(4), "note", "out"), (days_ago(3), "article", "out"),
        (days_ago(2), "email", "out"),
    ]
    facts = summary.compute(rows, [])
    assert facts["unanswered_count"] == 2
    assert facts["first_unanswered_at"] == days_ago(5)
    assert facts["last_value_at"] == days_ago(3) and facts["last_value_kind"] == "article"
    assert facts["last_contact_at"] == days_ago(2)  # the internal note is not contact
