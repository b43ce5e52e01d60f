"""Merging two customers who are the same person: everything that refers to
the other customer moves to the one kept, the kept customer's empty fields are
filled from the other, the other's differing values are kept in a note on the
timeline, and the other goes to the trash — in one transaction, recorded so
that undo and redo put back exactly what changed.

What refers to a customer is found from the models' foreign keys, so a table
added later is moved too (its strategy chosen from its unique keys) rather
than left behind; tests/journal/test_merge.py fails until someone has looked
at a new reference and listed it in STRATEGIES."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from peewee import ForeignKeyField

from journal.writes import changes as recorded, drafts, interactions
from journal.reads import summary
from journal.rules import validate
from journal.writes.customers import interest_topics
from journal.errors import JournalError, NotFound, ValidationError
from journal.rules.kinds import CHANNELS, SYMMETRIC_CONNECTIONS, STAGES
from journal.storage.models import ALL_MODELS, BaseModel, Company, Connection, Customer, Draft, Snooze, database, now

# How each reference to a customer is merged:
MOVE = "move"  # every row follows the customer
MOVE_UNLESS_CLASH = "move unless the kept customer has one"  # unique per customer: the kept one's row wins
CONNECTION = "connection"  # both ends move; self-loops and duplicates are dropped
DERIVED = "derived"  # recomputed afterwards (the summary row)
STAY = "stay"  # decisions about the other customer stay with them

# (table, column) -> (strategy, the columns that make a row unique per customer)
STRATEGIES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("interaction", "customer_id"): (MOVE, ()),
    ("purchase", "customer_id"): (MOVE, ()),
    ("stage_change", "customer_id"): (MOVE, ()),
    ("contact_point", "customer_id"): (MOVE, ()),  # their other e-mails, phones and addresses
    ("connection", "source_id"): (CONNECTION, ()),
    ("connection", "target_id"): (CONNECTION, ()),
    ("customer_tag", "customer_id"): (MOVE_UNLESS_CLASH, ("tag_id",)),
    ("snooze", "customer_id"): (MOVE_UNLESS_CLASH, ("reason",)),
    ("graph_position", "customer_id"): (MOVE_UNLESS_CLASH, ()),  # the kept customer's place in the picture wins
    ("customer_summary", "customer_id"): (DERIVED, ()),
    # "These two are different people" was said about the other customer; it
    # does not carry over to whoever they are merged into.
    ("not_duplicate", "first_id"): (STAY, ()),
    ("not_duplicate", "second_id"): (STAY, ()),
}

FIELD_LABELS = {
    "name": "Name", "company": "Company", "email": "E-mail", "phone": "Phone", "address": "Postal address",
    "channel": "Preferred channel", "stage": "Stage", "interests": "Interests",
    "account_manager": "Account manager", "account_manager_phone": "Account manager's phone",
    "cadence_days": "Stay-in-touch cadence (days)", "customer_since": "Customer since",
}
KEPT, FILLED, COMBINED, EARLIER, NOTED, SAME = "kept", "filled in", "combined", "earlier date", "noted", "same"


def _models() -> list[type[BaseModel]]:
    """Every table of the journal: ALL_MODELS and any model defined beside them
    but not (yet) listed there."""
    found, stack = list(ALL_MODELS), list(BaseModel.__subclasses__())
    while stack:
        model = stack.pop()
        stack.extend(model.__subclasses__())
        if model not in found and model.__module__ == BaseModel.__module__:
            found.append(model)
    return found


def customer_references() -> list[tuple[type[BaseModel], ForeignKeyField]]:
    """Every foreign key in the journal that points at a customer."""
    return [(model, f) for model in _models() for f in model._meta.sorted_fields
            if isinstance(f, ForeignKeyField) and f.rel_model is Customer]


def strategy_of(model, fk: ForeignKeyField) -> tuple[str, tuple[str, ...]]:
    """The listed strategy, or one read from the table's keys for a reference
    nobody has listed yet: a row that is unique per customer moves unless the
    kept customer has one, any other row moves."""
    listed = STRATEGIES.get((model._meta.table_name, fk.column_name))
    if listed:
        return listed
    if fk.primary_key:
        return MOVE_UNLESS_CLASH, ()
    for index in model._meta.indexes:
        columns, unique = index if isinstance(index, tuple) else ((), False)
        if unique and fk.name in columns:
            others = tuple(model._meta.fields[c].column_name for c in columns if c != fk.name)
            return MOVE_UNLESS_CLASH, others
    return MOVE, ()


# --- what changed, so it can be undone and redone ---------------------------------

@dataclass(frozen=True)
class Moved:
    """Rows of `table` whose `column` went from `old` to `new`; each row is found
    by `keys` (values of `key_columns`) together with that column."""

    table: str
    column: str
    key_columns: tuple[str, ...]
    keys: tuple[tuple, ...]
    old: int
    new: int


@dataclass(frozen=True)
class Edited:
    """One row (found by `key`, column/value pairs) whose fields went from `before` to `after`."""

    table: str
    key: tuple[tuple[str, object], ...]
    before: tuple[tuple[str, object], ...]
    after: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class FieldChoice:
    field: str
    label: str
    kept: object
    other: object
    result: object
    how: str  # KEPT, FILLED, COMBINED, EARLIER, NOTED or SAME


@dataclass
class MergePlan:
    """What a merge would do, for the confirmation and for the merge itself."""

    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    keep_company: str
    other_company: str
    fields: list[FieldChoice]
    counts: dict[str, int]  # what moves: "notes", "purchases", "connections", "tags", …

    @property
    def moving_text(self) -> str:
        parts = [f"{n} {what if n != 1 else what.rstrip('s')}" for what, n in self.counts.items() if n]
        return ", ".join(parts) if parts else "nothing else"


@dataclass
class MergeResult:
    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    note_id: int
    changes: list = field(default_factory=list)  # Moved and Edited, in the order they were made
    plan: MergePlan | None = None
    changeset: object = None  # the rows it changed, as journal.writes.changes describes them (undo with changes.undo)


# --- planning -----------------------------------------------------------------------

def _live(customer_id: int) -> Customer:
    row = Customer.get_or_none((Customer.id == customer_id) & Customer.deleted_at.is_null())
    if row is None:
        raise NotFound("customer", customer_id)
    return row


def _company_name(row: Customer) -> str:
    return Company.get_by_id(row.company_id).name if row.company_id else ""


def _same(name: str, a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        if name in ("phone", "account_manager_phone"):
            return "".join(c for c in a if c.isdigit()) == "".join(c for c in b if c.isdigit())
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _choose(name: str, kept, other) -> tuple[object, str]:
    if _empty(other) or _same(name, kept, other):
        return kept, (SAME if not _empty(other) else KEPT)
    if name in ("channel", "stage"):
        return kept, NOTED  # always set (defaults), so never "empty": the kept customer's choice stands
    if _empty(kept):
        return other, FILLED
    if name == "interests":
        topics = interest_topics(kept)
        extra = [t for t in interest_topics(other) if t not in topics]
        return (f"{kept}, {', '.join(extra)}", COMBINED) if extra else (kept, SAME)
    if name == "customer_since":  # they have been a customer since the earlier of the two
        return (other, EARLIER) if other < kept else (kept, NOTED)
    return kept, NOTED


def plan_merge(keep_id: int, other_id: int) -> MergePlan:
    keep_id, other_id = validate.ident("customer", keep_id), validate.ident("customer", other_id)
    if keep_id == other_id:
        raise ValidationError("customer", "a customer cannot be merged with themselves")
    keep, other = _live(keep_id), _live(other_id)
    keep_company, other_company = _company_name(keep), _company_name(other)
    values = {"company": (keep_company, other_company)}
    choices = []
    for name, label in FIELD_LABELS.items():
        kept, theirs = values.get(name, (getattr(keep, name), getattr(other, name)))
        result, how = _choose(name, kept, theirs)
        choices.append(FieldChoice(name, label, kept, theirs, result, how))
    counts = _counts(keep_id, other_id)
    return MergePlan(keep_id, other_id, keep.name, other.name, keep_company, other_company, choices, counts)


def _counts(keep_id: int, other_id: int) -> dict[str, int]:
    from journal.storage.models import CustomerTag, Interaction, Purchase

    live_tags = {t for (t,) in CustomerTag.select(CustomerTag.tag_id).where(CustomerTag.customer == keep_id).tuples()}
    return {
        "interactions": Interaction.select().where(Interaction.customer == other_id, Interaction.deleted_at.is_null()).count(),
        "purchases": Purchase.select().where(Purchase.customer == other_id, Purchase.deleted_at.is_null()).count(),
        "connections": len(_connection_moves(keep_id, other_id)[0]),
        "tags": sum(1 for (t,) in CustomerTag.select(CustomerTag.tag_id).where(CustomerTag.customer == other_id)
                    .tuples() if t not in live_tags),
    }


def display(value, field: str = "") -> str:
    """A field's value as the confirmation and the note show it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    if field in ("channel", "stage"):
        return {"channel": CHANNELS, "stage": STAGES}[field].get(value, value)
    return str(value)


# --- merging ------------------------------------------------------------------------

def merge_customers(keep_id: int, other_id: int) -> MergeResult:
    """Merge `other_id` into `keep_id` in one transaction (see the module's doc)."""
    keep_id, other_id = validate.ident("customer", keep_id), validate.ident("customer", other_id)
    with recorded.recording() as recorder:
        plan = plan_merge(keep_id, other_id)
        keep, other = _live(keep_id), _live(other_id)
        result = MergeResult(keep_id, other_id, keep.name, other.name, 0, plan=plan)
        changes = result.changes
        changes.append(_fill_fields(keep, other, plan))
        for model, fk in customer_references():
            strategy, unique = strategy_of(model, fk)
            if strategy == MOVE:
                changes.extend(_move(model, fk, other_id, keep_id))
            elif strategy == MOVE_UNLESS_CLASH:
                changes.extend(_move_unless_clash(model, fk, unique, other_id, keep_id))
            elif strategy == CONNECTION and fk.column_name == "source_id":  # both ends at once
                changes.extend(_merge_connections(keep_id, other_id))
        changes.extend(_rewrite_snooze_keys(other_id, keep_id))
        leftover_messages = []
        for row in Draft.select().where(Draft.key.in_(drafts.every_key(drafts.THANK_YOU_CARDS))):
            card_draft, leftover = _rewrite_card_draft(row, other_id, keep_id)  # each person's, on a team journal
            leftover_messages += leftover
            if card_draft:
                changes.append(card_draft)
        moment = now()
        changes.append(Edited("customer", (("id", other_id),), (("deleted_at", None),), (("deleted_at", moment),)))
        _apply(changes[-1], forward=True)
        note = interactions.log_interaction(keep_id, "note", "out", f"Merged {other.name} into this customer",
                                            notes=_note_text(plan, other, moment, leftover_messages),
                                            occurred_at=moment)
        result.note_id = note.id
        summary.refresh(keep_id, other_id)
    result.changeset = recorder.changeset
    return result


def undo_merge(result: MergeResult) -> None:
    """Put back exactly what the merge changed; the merge note goes to the trash."""
    _check_result(result)
    with database.atomic():
        interactions.delete_interaction(result.note_id)
        for change in reversed(result.changes):
            _apply(change, forward=False)
        summary.refresh(result.keep_id, result.other_id)


def redo_merge(result: MergeResult) -> None:
    _check_result(result)
    with database.atomic():
        for change in result.changes:
            _apply(change, forward=True)
        interactions.restore_interaction(result.note_id)
        summary.refresh(result.keep_id, result.other_id)


def _check_result(result) -> None:
    if not isinstance(result, MergeResult):
        raise ValidationError("merge", f"{type(result).__name__} is not a merge to undo or redo")


def _model(table: str):
    return next(m for m in _models() if m._meta.table_name == table)


def _where(model, pairs):
    columns = model._meta.columns
    condition = None
    for column, value in pairs:
        term = columns[column].is_null() if value is None else (columns[column] == value)
        condition = term if condition is None else (condition & term)
    return condition


def _apply(change, *, forward: bool) -> None:
    """Make one recorded change (forward) or take it back; refuses when the rows
    are no longer where the merge left them."""
    model = _model(change.table)
    columns = model._meta.columns
    if isinstance(change, Edited):
        values = change.after if forward else change.before
        recorded.watch_where(model, _where(model, change.key))
        done = model.update({columns[c]: v for c, v in values}).where(_where(model, change.key)).execute()
        expected = 1
    else:
        old, new = (change.old, change.new) if forward else (change.new, change.old)
        done, column = 0, columns[change.column]
        if len(change.key_columns) == 1:  # rows found by one column (their id): a statement per batch
            key_column = columns[change.key_columns[0]]
            values = [key for (key,) in change.keys]
            for start in range(0, len(values), 500):
                recorded.watch_where(model, (column == old) & key_column.in_(values[start:start + 500]))
                # (a tag link or a place in the graph is keyed by its customer: moved, it is a new row)
                done += (model.update({column: new})
                         .where(column == old, key_column.in_(values[start:start + 500])).execute())
                recorded.created_where(model, (column == new) & key_column.in_(values[start:start + 500]))
        else:
            for key in change.keys:
                recorded.watch_where(model, _where(model, ((change.column, old), *zip(change.key_columns, key))))
                done += (model.update({column: new})
                         .where(_where(model, ((change.column, old), *zip(change.key_columns, key)))).execute())
                recorded.created_where(model, _where(model, ((change.column, new), *zip(change.key_columns, key))))
        expected = len(change.keys)
    if done != expected:
        raise JournalError("The customers have changed since they were merged, so the merge cannot be "
                           f"{'redone' if forward else 'undone'}.")


def _move(model, fk, old: int, new: int) -> list[Moved]:
    pk = model._meta.primary_key
    ids = tuple((i,) for (i,) in model.select(pk).where(fk == old).tuples())
    if not ids:
        return []
    change = Moved(model._meta.table_name, fk.column_name, (pk.column_name,), ids, old, new)
    _apply(change, forward=True)
    return [change]


def _move_unless_clash(model, fk, unique: tuple[str, ...], old: int, new: int) -> list[Moved]:
    columns = model._meta.columns
    unique_fields = [columns[c] for c in unique]
    theirs = set(model.select(*unique_fields).where(fk == old).tuples()) if unique else \
        ({()} if model.select().where(fk == old).exists() else set())
    ours = set(model.select(*unique_fields).where(fk == new).tuples()) if unique else \
        ({()} if model.select().where(fk == new).exists() else set())
    keys = tuple(sorted(theirs - ours, key=repr))
    if not keys:
        return []
    change = Moved(model._meta.table_name, fk.column_name, unique, keys, old, new)
    _apply(change, forward=True)
    return [change]


def _connection_moves(keep_id: int, other_id: int):
    """(moves, drops, thanks): connections of the other customer re-pointed to the
    kept one; those that would connect the kept customer with themselves or repeat
    a connection they have are dropped to the trash (their thanks carried over)."""
    involved = Connection.select().where((Connection.source == other_id) | (Connection.target == other_id))
    existing = {}
    for c in Connection.select().where(((Connection.source == keep_id) | (Connection.target == keep_id)),
                                       Connection.deleted_at.is_null()):
        existing[_connection_key(c.source_id, c.target_id, c.kind)] = c
    moves, drops, thanks = [], [], []
    for c in involved.order_by(Connection.id):
        source = keep_id if c.source_id == other_id else c.source_id
        target = keep_id if c.target_id == other_id else c.target_id
        key = _connection_key(source, target, c.kind)
        if source == target:
            if c.deleted_at is None:
                drops.append(c)
            continue  # a deleted one stays with the other customer, in the trash
        if c.deleted_at is None and key in existing:
            kept = existing[key]
            drops.append(c)
            if kept.thanked_by_id is None and c.thanked_by_id is not None:
                thanks.append((kept, c.thanked_by_id))
            continue
        moves.append((c, source, target))
        if c.deleted_at is None:
            existing[key] = c
    return moves, drops, thanks


def _connection_key(source: int, target: int, kind: str):
    if kind in SYMMETRIC_CONNECTIONS:
        return (min(source, target), max(source, target), kind)
    return (source, target, kind)


def _merge_connections(keep_id: int, other_id: int) -> list[Edited]:
    moves, drops, thanks = _connection_moves(keep_id, other_id)
    changes, moment = [], now()
    for c in drops:
        changes.append(Edited("connection", (("id", c.id),), (("deleted_at", None),), (("deleted_at", moment),)))
    for kept, thanked_by in thanks:
        changes.append(Edited("connection", (("id", kept.id),), (("thanked_by_id", None),),
                              (("thanked_by_id", thanked_by),)))
    for c, source, target in moves:
        changes.append(Edited("connection", (("id", c.id),), (("source_id", c.source_id), ("target_id", c.target_id)),
                              (("source_id", source), ("target_id", target))))
    for change in changes:
        _apply(change, forward=True)
    return changes


def _rewrite_snooze_keys(other_id: int, keep_id: int) -> list[Edited]:
    """A snoozed suggestion to introduce someone to the other customer names
    them in its key: it now names the kept customer."""
    old, new = f"introduction:{other_id}", f"introduction:{keep_id}"
    taken = {cid for (cid,) in Snooze.select(Snooze.customer_id).where(Snooze.reason == new).tuples()}
    changes = []
    for snooze_id, customer_id in Snooze.select(Snooze.id, Snooze.customer_id).where(Snooze.reason == old).tuples():
        if customer_id in taken or customer_id == keep_id:
            continue
        change = Edited("snooze", (("id", snooze_id),), (("reason", old),), (("reason", new),))
        _apply(change, forward=True)
        changes.append(change)
    return changes


def _rewrite_card_draft(row: Draft, other_id: int, keep_id: int) -> tuple[Edited | None, list[str]]:
    """The thank-you cards' hand-written messages and hand selection name
    customers by id. A message for the other customer becomes the kept one's,
    unless they have their own for that occasion (then it goes into the note)."""
    try:
        saved = json.loads(row.payload)
        messages = [(int(cid), str(occasion), str(text)) for cid, occasion, text in saved.get("messages", [])]
        picked = [int(cid) for cid in saved.get("hand_picked", [])]
    except (ValueError, TypeError, AttributeError):
        return None, []  # not ours to repair; the cards window ignores it too
    if other_id not in picked and not any(cid == other_id for cid, _, _ in messages):
        return None, []
    own = {occasion for cid, occasion, _ in messages if cid == keep_id}
    kept_messages, leftover = [], []
    for cid, occasion, text in messages:
        if cid == other_id:
            if occasion in own:
                leftover.append(text)
                continue
            cid = keep_id
        kept_messages.append([cid, occasion, text])
    picked = list(dict.fromkeys(keep_id if cid == other_id else cid for cid in picked))
    payload = json.dumps({**saved, "messages": kept_messages, "hand_picked": picked}, ensure_ascii=False)
    change = Edited("draft", (("key", row.key),), (("payload", row.payload),), (("payload", payload),))
    _apply(change, forward=True)
    return change, leftover


def _fill_fields(keep: Customer, other: Customer, plan: MergePlan) -> Edited:
    before, after = [("updated_at", keep.updated_at)], [("updated_at", now())]
    for choice in plan.fields:
        if choice.result == choice.kept:
            continue
        if choice.field == "company":
            before.append(("company_id", keep.company_id))
            after.append(("company_id", other.company_id))
        else:
            before.append((choice.field, getattr(keep, choice.field)))
            after.append((choice.field, choice.result))
    change = Edited("customer", (("id", keep.id),), tuple(before), tuple(after))
    _apply(change, forward=True)
    return change


def _note_text(plan: MergePlan, other: Customer, moment, leftover_messages: list[str]) -> str:
    who = plan.other_name + (f" ({plan.other_company})" if plan.other_company else "")
    lines = [f"{who} was merged into this customer on {moment:%d %b %Y at %H:%M}; "
             "that record is in the trash."]
    differed = [c for c in plan.fields if c.how in (NOTED, EARLIER)]
    if differed:
        lines += ["", "Their details that differed:"]
        for c in differed:
            if c.how == EARLIER:
                lines.append(f"{c.label}: {display(c.kept, c.field)} here before the merge; their earlier "
                             f"{display(c.other, c.field)} is kept")
            else:
                lines.append(f"{c.label}: {display(c.other, c.field)}")
    filled = [c.label.lower() for c in plan.fields if c.how in (FILLED, COMBINED)]
    if filled:
        lines += ["", "Filled in from them: " + ", ".join(filled) + "."]
    lines += ["", f"Moved here: {plan.moving_text}."]
    for text in leftover_messages:
        lines += ["", "A thank-you card message written for them:", text]
    return "\n".join(lines)
