"""The per-customer summary row: dates and counts that the customer list and the
Lately rules read for thousands of customers at once. One function computes the
facts from a customer's rows; refresh() runs it for the customers a write
touched, inside that write's transaction, and rebuild_all() for everyone."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from journal.rules.kinds import ASKING_KINDS, IN, OUT, REACTIVE_OR_SALES_KINDS, VALUE_KINDS
from journal.storage.models import Customer, CustomerSummary, Interaction, Purchase, database, to_date, to_datetime
from journal.storage import bulk

_VALUE = frozenset(VALUE_KINDS)
_REACTIVE_SALES = frozenset(REACTIVE_OR_SALES_KINDS)
_ASKING = frozenset(ASKING_KINDS)


def compute(interactions, purchases) -> dict:
    """Facts from (occurred_at, kind, direction) rows in time order and
    (purchased_on, amount_cents) rows."""
    facts = dict(
        last_contact_at=None, last_outbound_at=None, last_inbound_at=None, last_value_at=None,
        last_value_kind=None, last_feedback_at=None, last_welcome_at=None,
        last_reactive_sales_at=None, unanswered_count=0, first_unanswered_at=None,
        first_purchase_on=None, last_purchase_on=None, purchase_count=0, lifetime_cents=0,
    )
    for at, kind, direction in interactions:
        if kind == "note":
            continue
        facts["last_contact_at"] = at
        if direction == IN:
            facts["last_inbound_at"] = at
            facts["unanswered_count"] = 0
            facts["first_unanswered_at"] = None
        elif direction == OUT:
            facts["last_outbound_at"] = at
            if kind in _VALUE:
                facts["last_value_at"], facts["last_value_kind"] = at, kind
            if kind in _ASKING:
                facts["unanswered_count"] += 1
                facts["first_unanswered_at"] = facts["first_unanswered_at"] or at
            if kind == "feedback":
                facts["last_feedback_at"] = at
            if kind == "welcome_kit":
                facts["last_welcome_at"] = at
        if kind in _REACTIVE_SALES:
            facts["last_reactive_sales_at"] = at
    for on, cents in purchases:
        facts["first_purchase_on"] = min(filter(None, (facts["first_purchase_on"], on)))
        facts["last_purchase_on"] = max(filter(None, (facts["last_purchase_on"], on)))
        facts["purchase_count"] += 1
        facts["lifetime_cents"] += cents
    return facts


def _interaction_query():
    return (
        Interaction.select(Interaction.customer_id, Interaction.occurred_at, Interaction.kind, Interaction.direction)
        .where(Interaction.deleted_at.is_null())
        .order_by(Interaction.customer_id, Interaction.occurred_at, Interaction.id)
    )


def _purchase_query():
    return (
        Purchase.select(Purchase.customer_id, Purchase.purchased_on, Purchase.amount_cents)
        .where(Purchase.deleted_at.is_null())
        .order_by(Purchase.customer_id)
    )


def _interaction_rows(customer_ids=None):
    """customer id -> their rows, as the driver gives them (see rebuild_all)."""
    query = _interaction_query()
    if customer_ids is not None:
        query = query.where(Interaction.customer_id.in_(customer_ids))
    return {cid: [r[1:] for r in rows] for cid, rows in groupby(database.execute(query), key=itemgetter(0))}


def _purchase_rows(customer_ids=None):
    query = _purchase_query()
    if customer_ids is not None:
        query = query.where(Purchase.customer_id.in_(customer_ids))
    return {cid: [r[1:] for r in rows] for cid, rows in groupby(database.execute(query), key=itemgetter(0))}


def _facts(interactions, purchases) -> dict:
    """compute() over the driver's values, the facts kept converted to dates and times."""
    facts = compute(interactions, purchases)
    for key in _DATETIMES:
        facts[key] = facts[key] and to_datetime(facts[key])
    for key in _DATES:
        facts[key] = facts[key] and to_date(facts[key])
    return facts


def _write(customer_ids):
    """Recompute and store the summaries of `customer_ids`."""
    interactions = _interaction_rows(customer_ids)
    purchases = _purchase_rows(customer_ids)
    rows = [dict(customer=cid, **_facts(interactions.get(cid, ()), purchases.get(cid, ()))) for cid in customer_ids]
    with database.atomic():
        CustomerSummary.delete().where(CustomerSummary.customer.in_(customer_ids)).execute()
        bulk.insert_rows(CustomerSummary, rows)  # a few statements, within every backend's limit of parameters


def refresh(*customer_ids: int) -> None:
    """Recompute the summary of these customers. Call inside the write's
    transaction. In batches: one IN list of tens of thousands of ids (cards sent
    to every customer) would pass the database's limit on parameters."""
    ids = sorted({int(c) for c in customer_ids})
    for start in range(0, len(ids), 500):
        _write(ids[start:start + 500])


_DATETIMES = ("last_contact_at", "last_outbound_at", "last_inbound_at", "last_value_at", "last_feedback_at",
              "last_welcome_at", "last_reactive_sales_at", "first_unanswered_at")
_DATES = ("first_purchase_on", "last_purchase_on")


def rebuild_all(batch: int = 500) -> None:
    """Every customer's summary from scratch, streaming: customers, their
    interactions and their purchases are each read once in customer order, side
    by side, and the rows written `batch` at a time, so memory holds one
    customer's rows and one batch whatever the size of the journal. The driver's
    values are used as they come (ISO text in SQLite sorts and compares like the
    dates it holds); only the facts kept are converted."""
    by_customer = itemgetter(0)
    with database.atomic():
        CustomerSummary.delete().execute()
        interactions = groupby(database.execute(_interaction_query()), key=by_customer)
        purchases = groupby(database.execute(_purchase_query()), key=by_customer)
        next_interactions, next_purchases = next(interactions, None), next(purchases, None)
        rows = []
        for (cid,) in database.execute(Customer.select(Customer.id).order_by(Customer.id)):
            mine, bought = (), ()
            while next_interactions is not None and next_interactions[0] <= cid:
                if next_interactions[0] == cid:
                    mine = [row[1:] for row in next_interactions[1]]
                next_interactions = next(interactions, None)
            while next_purchases is not None and next_purchases[0] <= cid:
                if next_purchases[0] == cid:
                    bought = [row[1:] for row in next_purchases[1]]
                next_purchases = next(purchases, None)
            rows.append(dict(customer=cid, **_facts(mine, bought)))
            if len(rows) >= batch:
                CustomerSummary.insert_many(rows).execute()
                rows = []
        if rows:
            CustomerSummary.insert_many(rows).execute()


def snapshot() -> dict[int, dict]:
    """Every summary row as plain dicts, for comparing with a rebuild."""
    return {row.pop("customer"): row for row in CustomerSummary.select().dicts()}
