"""The per-customer summary row: dates and counts that the customer list and the
Lately rules read for thousands of customers at once. One function computes the
facts from a customer's rows; refresh() runs it for the customers a write
touched, inside that write's transaction, and rebuild_all() for everyone."""

from __future__ import annotations

from itertools import groupby

from .kinds import ASKING_KINDS, IN, OUT, REACTIVE_OR_SALES_KINDS, VALUE_KINDS
from .models import Customer, CustomerSummary, Interaction, Purchase, database

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


def _interaction_rows(customer_ids=None):
    query = (
        Interaction.select(Interaction.customer_id, Interaction.occurred_at, Interaction.kind, Interaction.direction)
        .where(Interaction.deleted_at.is_null())
        .order_by(Interaction.customer_id, Interaction.occurred_at, Interaction.id)
    )
    if customer_ids is not None:
        query = query.where(Interaction.customer_id.in_(customer_ids))
    return {cid: [r[1:] for r in rows] for cid, rows in groupby(query.tuples().iterator(), key=lambda r: r[0])}


def _purchase_rows(customer_ids=None):
    query = (
        Purchase.select(Purchase.customer_id, Purchase.purchased_on, Purchase.amount_cents)
        .where(Purchase.deleted_at.is_null())
        .order_by(Purchase.customer_id)
    )
    if customer_ids is not None:
        query = query.where(Purchase.customer_id.in_(customer_ids))
    return {cid: [r[1:] for r in rows] for cid, rows in groupby(query.tuples().iterator(), key=lambda r: r[0])}


def _write(customer_ids, everyone=False):
    """Recompute and store the summaries of `customer_ids`; with everyone=True the
    ids are all customers, so the source rows are read without a filter."""
    source_filter = None if everyone else customer_ids
    interactions = _interaction_rows(source_filter)
    purchases = _purchase_rows(source_filter)
    rows = [
        dict(customer=cid, **compute(interactions.get(cid, ()), purchases.get(cid, ())))
        for cid in customer_ids
    ]
    with database.atomic():
        stale = CustomerSummary.delete()
        if not everyone:
            stale = stale.where(CustomerSummary.customer.in_(customer_ids))
        stale.execute()
        for start in range(0, len(rows), 500):
            CustomerSummary.insert_many(rows[start:start + 500]).execute()


def refresh(*customer_ids: int) -> None:
    """Recompute the summary of these customers. Call inside the write's transaction."""
    ids = sorted({int(c) for c in customer_ids})
    if ids:
        _write(ids)


def rebuild_all() -> None:
    _write([cid for (cid,) in Customer.select(Customer.id).tuples()], everyone=True)


def snapshot() -> dict[int, dict]:
    """Every summary row as plain dicts, for comparing with a rebuild."""
    return {row.pop("customer"): row for row in CustomerSummary.select().dicts()}
