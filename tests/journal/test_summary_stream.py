"""The streaming rebuild (customers, interactions and purchases read side by side,
written a batch at a time) gives the summaries the in-memory computation gives."""

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.reads import summary
from journal.rules.kinds import KINDS
from journal.storage.models import Customer, CustomerSummary, Interaction, Purchase, database

START = datetime(2025, 1, 1, 9)

interaction = st.tuples(st.integers(0, 7), st.integers(0, 400), st.sampled_from(sorted(KINDS)),
                        st.sampled_from(["in", "out"]), st.booleans())
purchase = st.tuples(st.integers(0, 7), st.integers(0, 400), st.integers(0, 100_000), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.integers(1, 8), logged=st.lists(interaction, max_size=60), bought=st.lists(purchase, max_size=20),
       gone=st.sets(st.integers(0, 7)), batch=st.integers(1, 5))
def test_streaming_rebuild_equals_computing_in_memory(journal, people, logged, bought, gone, batch):
    with database.atomic() as txn:
        ids = [Customer.insert(name=f"Person {n}").execute() for n in range(people)]
        for who, day, kind, direction, deleted in logged:
            at = START + timedelta(days=day, minutes=who)
            Interaction.insert(customer=ids[who % people], occurred_at=at, kind=kind, direction=direction,
                               summary="x", notes="", deleted_at=at if deleted else None).execute()
        for who, day, cents, deleted in bought:
            Purchase.insert(customer=ids[who % people], purchased_on=(START + timedelta(days=day)).date(),
                            product="Thing", amount_cents=cents,
                            deleted_at=START if deleted else None).execute()
        # Customers removed for good leave gaps in the ids the rebuild walks.
        for n in sorted(gone):
            if n < people and n % 2:
                CustomerSummary.delete().where(CustomerSummary.customer == ids[n]).execute()
                Interaction.delete().where(Interaction.customer == ids[n]).execute()
                Purchase.delete().where(Purchase.customer == ids[n]).execute()
                Customer.delete().where(Customer.id == ids[n]).execute()
        alive = [cid for (cid,) in Customer.select(Customer.id).tuples()]
        summary.refresh(*alive)
        in_memory = summary.snapshot()
        CustomerSummary.delete().execute()
        summary.rebuild_all(batch=batch)
        assert summary.snapshot() == in_memory
        assert set(in_memory) == set(alive)
        txn.rollback()
