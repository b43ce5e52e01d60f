"""Interactions: what happened with a customer. Logging a thank-you acknowledges
their unthanked purchases and referrals; deleting it takes that back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import Case

from journal.writes import changes
from journal.reads import summary
from journal.rules import validate
from journal.errors import ChangedSince, NotFound, ValidationError
from journal.rules.kinds import DIRECTIONS, KINDS, OUT, REFERRED
from journal.storage.models import Connection, Customer, Interaction, Purchase, database, now
from journal.storage import bulk

# Kinds that thank a customer for what they bought or whom they sent us.
THANKING_KINDS = ("thank_you_card", "gift")


@dataclass(frozen=True)
class InteractionData:
    id: int
    customer_id: int
    occurred_at: datetime
    kind: str
    direction: str
    summary: str
    notes: str = ""
    follow_up_on: date | None = None
    follow_up_done: bool = False

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind].label


_RULES = {
    "occurred_at": lambda v: validate.as_datetime("when", v),
    "kind": lambda v: validate.choice("kind", v, KINDS),
    "direction": lambda v: validate.choice("direction", v, DIRECTIONS),
    "summary": lambda v: validate.text("summary", v, required=True, max_len=500),
    "notes": lambda v: validate.text("notes", v, max_len=100_000),
    "follow_up_on": lambda v: validate.as_date("follow-up date", v, required=False),
    "follow_up_done": lambda v: validate.flag("follow-up done", v),
}


def _clean(values: dict, current: Interaction | None = None) -> dict:
    clean = validate.fields(values, _RULES, "an interaction")
    occurred = clean.get("occurred_at", current.occurred_at if current else None)
    follow_up = clean.get("follow_up_on", current.follow_up_on if current else None)
    if follow_up and occurred and follow_up < occurred.date():
        raise ValidationError(
            "follow_up_on", f"{follow_up:%Y-%m-%d} is before the interaction itself ({occurred:%Y-%m-%d})"
        )
    return clean


def _live_customer(customer_id) -> Customer:
    customer_id = validate.ident("customer", customer_id)
    row = Customer.get_or_none(Customer.id == customer_id)
    if row is not None and row.deleted_at is not None:  # since the note was begun, say (a colleague's delete)
        raise ValidationError("customer", f"{row.name} is in the trash now: Edit › Trash brings them back")
    if row is None:
        raise ValidationError("customer", f"there is no customer with id {customer_id}")
    return row


def _row(interaction_id, *, deleted=False, locked=False) -> Interaction:
    interaction_id = validate.ident("interaction", interaction_id)
    condition = Interaction.deleted_at.is_null(not deleted)
    query = Interaction.select().where((Interaction.id == interaction_id) & condition)
    if locked and database.obj.for_update:  # a server: a colleague's save of this row waits for ours
        query = query.for_update()
    row = query.first()
    if row is None:
        raise NotFound("interaction", interaction_id)
    return row


def _unthanked(of_customers, day):
    """(model, its customer column, condition) for the purchases and referrals a
    thank-you on `day` acknowledges; `of_customers(column)` picks the customers."""
    purchases = of_customers(Purchase.customer) & Purchase.thanked_by.is_null() & \
        Purchase.deleted_at.is_null() & (Purchase.purchased_on <= day)
    referrals = of_customers(Connection.source) & (Connection.kind == REFERRED) & \
        Connection.thanked_by.is_null() & Connection.deleted_at.is_null() & (Connection.connected_on <= day)
    return ((Purchase, Purchase.customer, purchases), (Connection, Connection.source, referrals))


def _acknowledge(row: Interaction) -> None:
    """A thank-you acknowledges what the customer bought or referred up to that day."""
    if row.kind not in THANKING_KINDS or row.direction != OUT or row.deleted_at is not None:
        return
    for model, _, condition in _unthanked(lambda column: column == row.customer_id, row.occurred_at.date()):
        changes.watch_where(model, condition)
        model.update(thanked_by=row.id).where(condition).execute()


# Customers per statement in log_many: an IN list and a CASE of two parameters
# each stay within SQLite's oldest limit of 999 parameters.
_BATCH = 300


def log_many(entries, occurred_at, progress=None) -> list[int]:
    """Log many interactions of one moment at once, as log_interaction() would
    one after the other: `entries` is [(customer id, {kind, direction, summary,
    notes})]. Everything is checked before anything is written; a customer's
    first thank-you of the day acknowledges what they bought or referred up to
    that day. A few statements per few hundred entries, not one or more per
    entry (thousands of cards are marked as sent at once). The summaries are
    left to the caller (summary.refresh, once). `progress(done, total)` is told
    as the entries are written (it raises Cancelled to stop: nothing is kept).
    Returns the new ids in order."""
    if not isinstance(entries, (list, tuple)) or not all(
            isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[1], dict) for entry in entries):
        raise ValidationError("interactions", "must be a list of (customer id, values) pairs")
    clean = [(validate.ident("customer", cid), _clean(dict(values, occurred_at=occurred_at)))
             for cid, values in entries]
    if not clean:
        return []
    customer_ids = sorted({cid for cid, _ in clean})
    live = set()
    for start in range(0, len(customer_ids), _BATCH):
        part = customer_ids[start:start + _BATCH]
        live.update(c for (c,) in Customer.select(Customer.id)
                    .where(Customer.id.in_(part), Customer.deleted_at.is_null()).tuples())
    if missing := [c for c in customer_ids if c not in live]:
        raise ValidationError("customer", f"there is no customer with id {missing[0]}")
    with changes.recording():
        ids = []
        rows = [dict(values, customer=cid) for cid, values in clean]
        for start in range(0, len(rows), _BATCH):  # a few statements per batch, then progress (and Cancel)
            ids += bulk.insert_rows(Interaction, rows[start:start + _BATCH], returning=True)
            if progress:
                progress(len(ids), len(clean))
        # Described short (whose, and the trash they go to when undone), not
        # thousands of card texts read back.
        changes.created(Interaction, *ids, fields=("deleted_at",))
        _acknowledge_many([(row_id, cid, values["kind"], values["direction"], values["occurred_at"])
                           for row_id, (cid, values) in zip(ids, clean)])
    return ids


def _acknowledge_many(rows) -> None:
    """_acknowledge() for many thank-yous (id, customer, kind, direction, when),
    as it would run for each in turn: each acknowledges what its customer
    bought or referred up to its day and is still waiting. A few statements per
    few hundred customers: a round takes each customer's next thank-you, and a
    round's thank-yous of one day go together (marking cards: one round, one day).
    A thank-you no later than one of the customer's before it finds nothing left."""
    waiting: dict[int, list] = {}
    for row_id, cid, kind, direction, when in rows:
        if kind in THANKING_KINDS and direction == OUT:
            waiting.setdefault(cid, []).append((row_id, when.date()))
    reached: dict[int, date] = {}  # each customer's latest day acknowledged so far
    while waiting:
        by_day: dict[date, dict[int, int]] = {}
        for cid, queue in waiting.items():
            row_id, day = queue.pop(0)
            if cid not in reached or day > reached[cid]:
                reached[cid] = day
                by_day.setdefault(day, {})[cid] = row_id
        waiting = {cid: queue for cid, queue in waiting.items() if queue}
        for day, thanks in sorted(by_day.items()):
            thanked = sorted(thanks)
            for start in range(0, len(thanked), _BATCH):
                part = thanked[start:start + _BATCH]
                for model, column, condition in _unthanked(lambda column: column.in_(part), day):
                    changes.watch_where(model, condition, fields=("thanked_by",))
                    model.update(thanked_by=Case(column, [(c, thanks[c]) for c in part])).where(condition).execute()


def _release(row: Interaction) -> None:
    changes.watch_where(Purchase, Purchase.thanked_by == row.id)
    Purchase.update(thanked_by=None).where(Purchase.thanked_by == row.id).execute()
    changes.watch_where(Connection, Connection.thanked_by == row.id)
    Connection.update(thanked_by=None).where(Connection.thanked_by == row.id).execute()


def log_interaction(customer_id: int, kind: str, direction: str, summary_text: str, *,
                    notes: str = "", occurred_at=None, follow_up_on=None) -> InteractionData:
    values = dict(kind=kind, direction=direction, summary=summary_text, notes=notes,
                  occurred_at=occurred_at if occurred_at is not None else now(), follow_up_on=follow_up_on)
    clean = _clean(values)
    customer_id = validate.ident("customer", customer_id)
    with changes.recording():
        _live_customer(customer_id)
        row = Interaction.create(customer=customer_id, **clean)
        changes.created(Interaction, row.id)
        _acknowledge(row)
        summary.refresh(customer_id)
    return _to_data(row)


def update_interaction(interaction_id: int, expected: dict | None = None, **values) -> InteractionData:
    """Change the fields given. `expected`: those fields as the person saw them
    when they began (the note's dialog); a field someone else has changed since,
    to anything but what this write gives it, refuses the write (ChangedSince,
    its `field` and `reason` for the form; nothing written): a colleague's newer
    change is never overwritten unseen."""
    with changes.recording():
        row = _row(interaction_id, locked=expected is not None)
        changes.watch(Interaction, row.id)
        clean = _clean(values, current=row)
        if expected:
            _refuse_if_changed_since(_to_data(row), clean, expected)
        for key, value in clean.items():
            setattr(row, key, value)
        row.updated_at = now()
        row.save()
        _release(row)
        _acknowledge(row)
        summary.refresh(row.customer_id)
    return _to_data(row)


_FIELDS = {"occurred_at": "when"}  # the name a form knows the field by, where it differs


def _refuse_if_changed_since(current: InteractionData, clean: dict, expected: dict) -> None:
    for key in clean:
        now_value = getattr(current, key, None)
        if key in expected and now_value not in (expected[key], clean[key]):
            shown = "" if now_value is None else f"{now_value:%d %b %Y, %H:%M}" if isinstance(now_value, datetime) \
                else str(now_value)
            if len(shown) > 80:
                shown = shown[:79] + "…"
            reason = f"changed since you began: it is now “{shown}”. Nothing was saved"
            refusal = ChangedSince(f"This note's {key.replace('_', ' ')} was {reason}.")
            refusal.field, refusal.reason = _FIELDS.get(key, key), reason  # for the form: where to say it
            raise refusal


def set_follow_up_done(interaction_id: int, done: bool = True) -> InteractionData:
    return update_interaction(interaction_id, follow_up_done=done)


def delete_interaction(interaction_id: int) -> changes.ChangeSet:
    """Move to the trash; restore_interaction undoes it."""
    with changes.recording() as recorded:
        row = _row(interaction_id)
        changes.watch(Interaction, row.id)
        row.deleted_at = now()
        row.save()
        _release(row)
        summary.refresh(row.customer_id)
    return recorded.changeset


def restore_interaction(interaction_id: int) -> InteractionData:
    with changes.recording():
        row = _row(interaction_id, deleted=True)
        changes.watch(Interaction, row.id)
        _live_customer(row.customer_id)
        row.deleted_at = None
        row.save()
        _acknowledge(row)
        summary.refresh(row.customer_id)
    return _to_data(row)


def delete_interactions(interaction_ids) -> changes.ChangeSet:
    """Move many notes to the trash in one transaction, as delete_interaction()
    would one after the other (what they thanked for waits for thanks again),
    in a few statements per few hundred notes. Each must be on a timeline."""
    ids = list(dict.fromkeys(validate.idents("interaction", interaction_ids)))
    with changes.recording() as recorded:
        whose = _customers_of(ids, deleted=False)
        moment = now()
        for start in range(0, len(ids), _BATCH):
            part = ids[start:start + _BATCH]
            changes.watch(Interaction, *part, fields=("deleted_at",))
            Interaction.update(deleted_at=moment).where(Interaction.id.in_(part)).execute()
            for model in (Purchase, Connection):
                changes.watch_where(model, model.thanked_by.in_(part), fields=("thanked_by",))
                model.update(thanked_by=None).where(model.thanked_by.in_(part)).execute()
        summary.refresh(*set(whose.values()))
    return recorded.changeset


def restore_interactions(interaction_ids) -> changes.ChangeSet:
    """Bring many notes back from the trash in one transaction, as
    restore_interaction() would one after the other (a thank-you acknowledges
    again what is still waiting), in a few statements per few hundred notes."""
    ids = list(dict.fromkeys(validate.idents("interaction", interaction_ids)))
    with changes.recording() as recorded:
        whose = _customers_of(ids, deleted=True)
        customers = sorted(set(whose.values()))
        live = set()
        for start in range(0, len(customers), _BATCH):
            live.update(c for (c,) in Customer.select(Customer.id).where(
                Customer.id.in_(customers[start:start + _BATCH]), Customer.deleted_at.is_null()).tuples())
        if gone := next((whose[i] for i in ids if whose[i] not in live), None):
            raise ValidationError("customer", f"there is no customer with id {gone}")
        restored = []
        for start in range(0, len(ids), _BATCH):
            part = ids[start:start + _BATCH]
            changes.watch(Interaction, *part, fields=("deleted_at",))
            Interaction.update(deleted_at=None).where(Interaction.id.in_(part)).execute()
            found = {row[0]: row for row in Interaction.select(
                Interaction.id, Interaction.customer_id, Interaction.kind, Interaction.direction,
                Interaction.occurred_at).where(Interaction.id.in_(part)).tuples()}
            restored += [found[i] for i in part]
        _acknowledge_many(restored)
        summary.refresh(*customers)
    return recorded.changeset


def _customers_of(ids: list[int], *, deleted: bool) -> dict[int, int]:
    """Each note's customer; NotFound, as _row() says it, for one not on a
    timeline (deleted=False) or not in the trash (deleted=True)."""
    found: dict[int, int] = {}
    for start in range(0, len(ids), _BATCH):
        found.update(Interaction.select(Interaction.id, Interaction.customer_id).where(
            Interaction.id.in_(ids[start:start + _BATCH]), Interaction.deleted_at.is_null(not deleted)).tuples())
    if missing := next((i for i in ids if i not in found), None):
        raise NotFound("interaction", missing)
    return found


def get_interaction(interaction_id: int) -> InteractionData:
    return _to_data(_row(interaction_id))


def _to_data(row: Interaction) -> InteractionData:
    return InteractionData(
        id=row.id, customer_id=row.customer_id, occurred_at=row.occurred_at, kind=row.kind,
        direction=row.direction, summary=row.summary, notes=row.notes,
        follow_up_on=row.follow_up_on, follow_up_done=row.follow_up_done,
    )


def reciprocity(customer_id: int, since: datetime) -> tuple[int, int]:
    """How often we reached out and how often they did since a moment (notes excluded)."""
    from peewee import fn

    from journal.storage.models import raw_rows

    counts = dict(raw_rows(
        Interaction.select(Interaction.direction, fn.COUNT(Interaction.id))
        .where(Interaction.customer == customer_id, Interaction.deleted_at.is_null(),
               Interaction.kind != "note", Interaction.occurred_at >= since)
        .group_by(Interaction.direction)
    ))
    return counts.get(OUT, 0), counts.get("in", 0)
