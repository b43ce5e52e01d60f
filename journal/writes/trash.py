"""The trash: what was deleted and can still be restored, until it is emptied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from journal.storage.models import Connection, Customer, Interaction, Purchase


@dataclass(frozen=True)
class TrashItem:
    what: str  # "customer", "interaction", "purchase", "connection"
    id: int
    label: str
    deleted_at: datetime


def trash_items() -> list[TrashItem]:
    items = [TrashItem("customer", r.id, r.name, r.deleted_at)
             for r in Customer.select().where(Customer.deleted_at.is_null(False))]
    items += [TrashItem("interaction", r.id, r.summary, r.deleted_at)
              for r in Interaction.select().where(Interaction.deleted_at.is_null(False))]
    items += [TrashItem("purchase", r.id, r.product, r.deleted_at)
              for r in Purchase.select().where(Purchase.deleted_at.is_null(False))]
    items += [TrashItem("connection", r.id, r.kind, r.deleted_at)
              for r in Connection.select().where(Connection.deleted_at.is_null(False))]
    return sorted(items, key=lambda i: i.deleted_at, reverse=True)


def empty_trash() -> int:
    """Remove for good everything in the trash; returns how many rows went.
    A deleted customer takes their interactions, purchases and connections along
    (and everything else that refers to them). What went is recorded by key
    only (journal.writes.changes): emptied is gone for good, and a trash of a big
    import's customers must not be held in memory to say so."""
    from journal.writes import changes
    from journal.writes.merge import customer_references

    with changes.recording():
        gone = [c for (c,) in Customer.select(Customer.id).where(Customer.deleted_at.is_null(False)).tuples()]
        for start in range(0, len(gone), 500):
            for model, fk in customer_references():
                if model in changes.RECORDED:
                    changes.watch_where(model, fk.in_(gone[start:start + 500]), fields=())
        count = 0
        for model in (Interaction, Purchase, Connection, Customer):
            changes.watch_where(model, model.deleted_at.is_null(False), fields=())
            count += model.delete().where(model.deleted_at.is_null(False)).execute()
    return count


def restore(item: TrashItem):
    """Bring one thing back from the trash; returns what changed."""
    from journal.writes import changes, connections, customers, interactions, purchases
    from journal.errors import ValidationError

    if not isinstance(item, TrashItem) or item.what not in ("customer", "interaction", "purchase", "connection"):
        raise ValidationError("trash", f"{type(item).__name__} is not something in the trash")
    restore_fn = {"customer": customers.restore_customer, "interaction": interactions.restore_interaction,
                  "purchase": purchases.restore_purchase, "connection": connections.restore_connection}[item.what]
    with changes.recording() as recorded:
        restore_fn(item.id)
    return recorded.changeset
