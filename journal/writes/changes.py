"""What a write changed, described by the core: rows with their values before and
after and the version the write left, so undo and redo can put them back —
and refuse when a row has been changed since by another window (or, in team
mode, by a colleague) rather than overwrite that change.

A write service opens `recording()` in place of its transaction and says which
rows it is about to touch (`watch`, `watch_where`) and which it created
(`created`, `created_where`); when the transaction's work is done, the
recording reads the rows again and keeps those that differ, as a ChangeSet,
still inside the transaction. Recordings nest: a service that calls another
(a merge logs its note) records into its own and every enclosing recording.

`undo(changeset)` puts the rows back as they were in one transaction and
returns what that did, as a ChangeSet; `redo(undone)` is the undo of that.
Both check every row first: a row must still carry the version the change
left (a row of a table without versions, the values); else ChangedSince
names what changed and nothing is written. An undo stack's later steps,
undone, bump versions too: follow() tells the earlier steps' descriptions the
rows are as they left them. The versions are
bumped by the database on every UPDATE (migrations/m0009_changes_row_versions.py),
so no write path, raw SQL included, can slip past the check.

Rows moved to the trash stay there: undoing the creation of a customer, a
note, a purchase or a connection moves it to the trash (a later change to it
by someone else is never deleted with it); rows without a trash (tags of a
customer, contact points, snoozes, settings) are deleted and put back."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import Case, CharField
from datetime import date, datetime

from journal.errors import ChangedSince, ValidationError
from journal.storage.models import (
    ALL_MODELS, Connection, ContactPoint, Customer, CustomerTag, Draft, GraphPosition, Interaction,
    NotDuplicate, Purchase, Setting, Snooze, StageChange, Tag, database, me, now,
)

# Tables a ChangeSet may name. Derived rows (the summary, the search index) are
# recomputed by the undo instead; companies and tags are names that other rows
# may have come to use, so one created by a write stays.
RECORDED = (Customer, Interaction, Purchase, Connection, StageChange, CustomerTag, ContactPoint, Snooze, Setting,
            Draft, GraphPosition, NotDuplicate, Tag)
_BY_TABLE = {m._meta.table_name: m for m in ALL_MODELS}
# Fields that say when or how often a row was written, not what it holds.
_BOOKKEEPING = {"version", "updated_at", "saved_at"}


@dataclass(frozen=True, slots=True)
class Change:
    """One row: its values before the write (None: the write created it) and
    after (None: the write deleted it), and the version the write left (None
    when the row is gone or its table carries no version)."""

    table: str
    row_id: object  # the primary key: an id, a setting's or draft's key, or (customer, tag)
    before: dict | None
    after: dict | None
    version: int | None

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields whose values the write changed (all of them for a new or deleted row)."""
        before, after = self.before or {}, self.after or {}
        return tuple(k for k in (after or before) if k not in _BOOKKEEPING and before.get(k) != after.get(k))


@dataclass(frozen=True)
class ChangeSet:
    """What one write changed, in the order the rows were first touched."""

    changes: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self):
        return iter(self.changes)

    def of(self, table: str) -> list[Change]:
        return [c for c in self.changes if c.table == table]

    @property
    def customer_ids(self) -> frozenset[int]:
        """The customers whose rows (or whose notes, purchases, connections...) changed."""
        return frozenset(_customers_of(self.changes))

    def then(self, later: ChangeSet) -> ChangeSet:
        """This change followed by `later`, as one: each row from its first
        before to its last after (for several writes undone as one step)."""
        rows = {(c.table, _hashable(c.row_id)): c for c in self.changes}
        for c in later.changes:
            key = (c.table, _hashable(c.row_id))
            first = rows.get(key)
            rows[key] = c if first is None else Change(c.table, c.row_id, first.before, c.after, c.version)
        return ChangeSet(tuple(c for c in rows.values() if c.before != c.after))


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


# --- recording ----------------------------------------------------------------------

_local = threading.local()  # each thread (the GUI, an import's worker) records its own writes


def _recorders() -> list[Recorder]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def _key_fields(model) -> tuple:
    if model is CustomerTag:  # its key is a table constraint Peewee does not know as one
        return ("customer", "tag")
    pk = model._meta.primary_key
    return tuple(pk.field_names) if model._meta.composite_key else (pk.name,)


def _key_of(model, row: dict):
    names = _key_fields(model)
    return tuple(row[n] for n in names) if len(names) > 1 else row[names[0]]


def _where_key(model, key):
    names = _key_fields(model)
    values = key if len(names) > 1 else (key,)
    condition = None
    for name, value in zip(names, values):
        term = getattr(model, name) == value
        condition = term if condition is None else (condition & term)
    return condition


def _columns(model, fields):
    """All columns, or the key, the version, whose row it is and these fields (a
    bulk write's short description: only what it changes, for hundreds of
    thousands of rows)."""
    if fields is None:
        return ()
    owners = [n for n in ("version", "customer", "source", "target") if n in model._meta.fields]
    names = [*_key_fields(model), *owners, *fields]
    return [getattr(model, n) for n in dict.fromkeys(names)]


def _select(model, columns, condition):
    """Rows as dicts by field name, built from tuples (Peewee's dicts() is slower)."""
    columns = list(columns) or model._meta.sorted_fields
    names = [c.name for c in columns]
    for values in model.select(*columns).where(condition).tuples().iterator():
        yield dict(zip(names, values))


def _rows(model, keys, fields=None) -> dict:
    """The current rows with these keys, as plain dicts by key."""
    keys = list(dict.fromkeys(keys))
    found = {}
    columns = _columns(model, fields)
    if len(_key_fields(model)) == 1:
        pk = getattr(model, _key_fields(model)[0])
        numbers = keys and all(type(k) is int for k in keys)
        if numbers and max(keys) - min(keys) < 2 * len(keys):  # an import's new rows: a range, read as one
            wanted = set(keys)
            for row in _select(model, columns, pk.between(min(keys), max(keys))):
                if row[pk.name] in wanted:
                    found[row[pk.name]] = row
            return found
        for start in range(0, len(keys), 500):
            for row in _select(model, columns, pk.in_(keys[start:start + 500])):
                found[_key_of(model, row)] = row
    else:  # (customer, tag): read by customer, a batch at a time, and keep the keys asked for
        wanted, first = set(keys), getattr(model, _key_fields(model)[0])
        firsts = list(dict.fromkeys(key[0] for key in keys))
        if max(firsts) - min(firsts) < 2 * len(firsts):
            batches = [first.between(min(firsts), max(firsts))]
        else:
            batches = [first.in_(firsts[start:start + 500]) for start in range(0, len(firsts), 500)]
        for condition in batches:
            for row in _select(model, columns, condition):
                if _key_of(model, row) in wanted:
                    found[_key_of(model, row)] = row
    return found


class Recorder:
    """The rows one write touches, each with its values when first touched."""

    def __init__(self):
        self._before: dict[tuple, dict | None] = {}  # (model, key) -> values, in the order first touched
        self._fields: dict[tuple, tuple | None] = {}  # (model, key) -> the fields described (None: all)
        self.changeset: ChangeSet | None = None

    def _add(self, model, rows: dict, keys=None, fields=None) -> None:
        for key in (rows if keys is None else keys):
            if (model, key) not in self._before:
                self._before[(model, key)] = rows.get(key)
                self._fields[(model, key)] = fields

    def finish(self) -> ChangeSet:
        by_model: dict = {}
        for (model, key), fields in self._fields.items():
            by_model.setdefault((model, fields), []).append(key)
        now_rows: dict = {}
        for (model, fields), keys in by_model.items():
            now_rows.setdefault(model, {}).update(_rows(model, keys, fields))
        result = []
        for (model, key), before in self._before.items():
            after = now_rows[model].get(key)
            if before != after:
                version = after.get("version") if after else None
                result.append(Change(model._meta.table_name, key, before, after, version))
        self.changeset = ChangeSet(tuple(result))
        return self.changeset


@contextmanager
def recording():
    """One transaction whose changed rows become `recorder.changeset` before it commits."""
    recorder = Recorder()
    stack = _recorders()
    stack.append(recorder)
    try:
        with database.atomic():
            yield recorder
            recorder.finish()
    finally:
        stack.remove(recorder)


def _watching() -> list[Recorder]:
    return _recorders()


def watch(model, *keys, fields=None) -> None:
    """These rows (by primary key) are about to change or go. `fields`: only
    these change (a bulk write's short description); None: describe them whole."""
    recorders = _watching()
    if recorders and keys:
        rows = _rows(model, keys, fields)
        for recorder in recorders:
            recorder._add(model, rows, keys, fields)


def watch_where(model, condition, fields=None) -> None:
    """The rows matching `condition` are about to change or go (call before the UPDATE or DELETE)."""
    recorders = _watching()
    if recorders:
        rows = {_key_of(model, r): r for r in _select(model, _columns(model, fields), condition)}
        for recorder in recorders:
            recorder._add(model, rows, fields=fields)


def created(model, *keys, fields=None) -> None:
    """These rows were just inserted (fields=(): described by key and version only)."""
    for recorder in _watching():
        recorder._add(model, {}, keys, fields)


def created_where(model, condition, fields=None) -> None:
    """The rows matching `condition` that no watch saw before are new (call after the INSERT)."""
    recorders = _watching()
    if recorders:
        keys = [_key_of(model, r) for r in _select(model, [getattr(model, n) for n in _key_fields(model)], condition)]
        for recorder in recorders:
            recorder._add(model, {}, keys, fields)


# --- undo and redo -------------------------------------------------------------------

def undo(changeset: ChangeSet, progress=None) -> ChangeSet:
    """Put back what `changeset` changed, in one transaction; returns what that
    did (redo it with redo()). Raises ChangedSince, writing nothing, when a
    row is no longer as the change left it. `progress(done, total)` hears how
    many changes are put back (raising Cancelled there keeps nothing)."""
    _valid(changeset)
    from journal.reads import summary

    with recording() as recorder:
        current = {}
        for model, keys in _keys_by_model(changeset).items():
            current[model] = _rows(model, keys, _described(model, changeset))
        for change in changeset.changes:
            model = _BY_TABLE[change.table]
            _check(change, current[model].get(_hashable(change.row_id)))
        _put_back_all(reversed(changeset.changes), current, progress)
        summary.refresh(*_existing_customers(_customers_of(c for c in changeset.changes if _summarised(c))))
    return recorder.changeset


def follow(changeset: ChangeSet | None, later: ChangeSet) -> ChangeSet | None:
    """`changeset` with the versions `later` (an undo or redo just made by the
    same undo stack) left on rows it put back exactly as `changeset` left
    them — value for value, so a change made elsewhere in between is never
    followed over. Other rows keep their versions."""
    if not changeset or not later:
        return changeset
    left = {(c.table, _hashable(c.row_id)): c for c in later.changes if c.after is not None}
    result, moved = [], False
    for change in changeset.changes:
        newer = left.get((change.table, _hashable(change.row_id)))
        if (newer is not None and change.after is not None and change.version != newer.version
                and set(_values(change.after)) <= set(newer.after)
                and _values(newer.after, change.after) == _values(change.after)):
            change = Change(change.table, change.row_id, change.before, change.after, newer.version)
            moved = True
        result.append(change)
    return ChangeSet(tuple(result)) if moved else changeset


def redo(undone: ChangeSet, progress=None) -> ChangeSet:
    """Make again what undo() took back (`undone` is what undo returned)."""
    return undo(undone, progress)


def check(changeset: ChangeSet) -> None:
    """Raise ChangedSince if undo(changeset) would refuse; writes nothing."""
    _valid(changeset)
    for model, keys in _keys_by_model(changeset).items():
        rows = _rows(model, keys, _described(model, changeset))
        for change in changeset.changes:
            if _BY_TABLE[change.table] is model:
                _check(change, rows.get(_hashable(change.row_id)))


def _valid(changeset) -> None:
    """A ChangeSet as the services make them (a made-up one is refused, not written)."""
    if not isinstance(changeset, ChangeSet) or not isinstance(changeset.changes, tuple):
        raise ValidationError("undo", f"{type(changeset).__name__} is not a description of changes")
    for change in changeset.changes:
        model = _BY_TABLE.get(change.table) if isinstance(change, Change) and isinstance(change.table, str) else None
        if model not in RECORDED:
            raise ValidationError("undo", "this is not a change the journal recorded")
        names = _key_fields(model)
        key = change.row_id if len(names) > 1 else (change.row_id,)
        kinds = [str if isinstance(model._meta.fields[n], CharField) else int for n in names]
        if not (isinstance(key, (tuple, list)) and len(key) == len(names)
                and all(type(v) is kind for v, kind in zip(key, kinds))):
            raise ValidationError("undo", f"{change.row_id!r} is not a row of {change.table}")
        values = [v for v in (change.before, change.after) if v is not None]
        if not values or not all(isinstance(v, dict) and set(v) <= set(model._meta.fields) for v in values):
            raise ValidationError("undo", f"the change to {change.table} {change.row_id!r} is not one it recorded")


def _described(model, changeset: ChangeSet) -> tuple | None:
    """The fields the changes to `model` describe (None: whole rows), to read no more than that."""
    table, names = model._meta.table_name, set()
    for change in changeset.changes:
        if change.table == table:
            for values in (change.before, change.after):
                names.update(values or ())
    return None if names >= set(model._meta.fields) else tuple(sorted(names))


def _keys_by_model(changeset: ChangeSet) -> dict:
    result: dict = {}
    for change in changeset.changes:
        result.setdefault(_BY_TABLE[change.table], []).append(_hashable(change.row_id))
    return result


def _check(change: Change, row: dict | None) -> None:
    if change.after is None:
        if row is not None:
            raise ChangedSince(f"{_what(change.table, row)} was added again since. Nothing was changed.")
        return
    if row is None:
        raise ChangedSince(f"{_what(change.table, change.after)} was removed for good since (the trash was "
                           "emptied). Nothing was changed.")
    # The version the change left; a row of a table without versions, the values it left.
    if "version" in _BY_TABLE[change.table]._meta.fields:
        same = row.get("version") == change.version
    else:
        same = _values(row, change.after) == _values(change.after)
    if not same:
        raise ChangedSince(_describe(change, row))


def _values(row: dict, described: dict | None = None) -> dict:
    """The values that count (not when or how often it was written), of the fields described."""
    return {k: v for k, v in row.items() if k not in _BOOKKEEPING and (described is None or k in described)}


def _put_back_all(changes, current: dict, progress=None) -> None:
    """Put back each change, in the order given. A run of changes that write the
    same (rows created, now to the trash; rows whose changed fields go back to
    the same values, as purchases a card thanked for) is one statement per 500
    rows, not two per row: undoing thousands of cards or an import's rows."""
    changes = list(changes)
    run_key, run, done, told = None, [], 0, 0
    for change in changes:
        model = _BY_TABLE[change.table]
        key = _same_write(model, change, current)
        if key is None or key != run_key:
            _put_back_run(run_key, run)
            done += len(run)
            if progress and done - told >= 200:
                progress(done, len(changes))
                told = done
            run_key, run = key, []
        if key is None:
            _put_back(model, change, current)
        else:
            run.append(change)
            continue
        done += 1
    _put_back_run(run_key, run)
    if progress:
        progress(len(changes), len(changes))


def _same_write(model, change: Change, current: dict):
    """What putting `change` back writes, when other rows can share its statement; None: it goes alone."""
    if len(_key_fields(model)) != 1:
        return None
    if change.before is None:
        return (model, "created", None)
    row = current[model].get(_hashable(change.row_id))
    if row is None:
        return None
    values = {k: v for k, v in change.before.items()
              if k != "version" and k not in _key_fields(model) and (k not in row or row[k] != v)}
    if not values:
        return None
    if all(v is None or type(v) in (int, str, bool) for v in values.values()):
        # Plain values, written as the driver takes them: one CASE per field puts each row's own back.
        return (model, "fields", tuple(sorted(values)))
    try:
        return (model, "values", frozenset(values.items()))
    except TypeError:  # a value that cannot be compared this way
        return None


def _put_back_run(run_key, run: list) -> None:
    if not run:
        return
    model, what, values = run_key
    keys = [_hashable(change.row_id) for change in run]
    watch(model, *keys)
    pk = getattr(model, _key_fields(model)[0])
    if what == "fields":  # each row's own values: a CASE on the key per field, within 999 parameters
        size = max(1, 900 // (2 * len(values) + 1))
        for start in range(0, len(run), size):
            part = run[start:start + size]
            update = {}
            for name in values:
                written = {c.before[name] for c in part}
                update[name] = written.pop() if len(written) == 1 else \
                    Case(pk, [(_hashable(c.row_id), c.before[name]) for c in part])
            model.update(**update).where(pk.in_([_hashable(c.row_id) for c in part])).execute()
        return
    for start in range(0, len(keys), 500):
        where = pk.in_(keys[start:start + 500])
        if what == "values":
            model.update(**dict(values)).where(where).execute()
        elif "deleted_at" in model._meta.fields:  # it was created: to the trash
            model.update(deleted_at=now()).where(where).execute()
        else:  # or gone where there is no trash
            model.delete().where(where).execute()


def _put_back(model, change: Change, current: dict) -> None:
    key = _hashable(change.row_id)
    if change.before is None:  # it was created: to the trash, or gone where there is no trash
        watch(model, key)
        if "deleted_at" in model._meta.fields:
            model.update(deleted_at=now()).where(_where_key(model, key)).execute()
        else:
            model.delete().where(_where_key(model, key)).execute()
    elif current[model].get(key) is None:  # it was deleted for good: back as it was
        if set(change.before) != set(model._meta.fields):
            raise ValidationError("undo", "what was emptied from the trash is gone for good")
        created(model, key)
        model.insert(**change.before).execute()
    else:
        watch(model, key)
        values = {k: v for k, v in change.before.items() if k != "version" and k not in _key_fields(model)}
        model.update(**values).where(_where_key(model, key)).execute()


# What a customer's summary row is computed from (journal/reads/summary.py): their
# live interactions' times, kinds and directions, and their live purchases' dates
# and amounts. A change to nothing of these (a purchase thanked, a connection)
# leaves every summary as it is.
_SUMMARY_INPUTS = {"interaction": ("customer", "occurred_at", "kind", "direction", "deleted_at"),
                   "purchase": ("customer", "purchased_on", "amount_cents", "deleted_at")}


def _summarised(change: Change) -> bool:
    """Whether putting `change` back can change a customer's summary."""
    if change.table == "customer":
        return True
    inputs = _SUMMARY_INPUTS.get(change.table)
    if inputs is None:
        return False
    if change.before is None or change.after is None:
        return True
    return any(change.before.get(f) != change.after.get(f) for f in inputs)


def _customers_of(changes) -> set[int]:
    ids = set()
    for c in changes:
        for values in (c.before, c.after):
            if not values:
                continue
            if c.table == "customer":
                ids.add(values["id"])
            for name in ("customer", "source", "target"):
                if isinstance(values.get(name), int):
                    ids.add(values[name])
    return ids


def _existing_customers(customer_ids) -> list[int]:
    ids, found = sorted(customer_ids), []
    for start in range(0, len(ids), 500):
        found += [c for (c,) in Customer.select(Customer.id).where(Customer.id.in_(ids[start:start + 500])).tuples()]
    return found


# --- what the refusal says -------------------------------------------------------------

_LABELS = {
    "deleted_at": "place in the trash", "email": "e-mail", "company": "company", "customer_since": "customer since date",
    "cadence_days": "stay-in-touch cadence", "channel": "preferred channel", "account_manager_phone":
    "account manager's phone", "occurred_at": "date", "follow_up_on": "follow-up date", "follow_up_done":
    "follow-up", "purchased_on": "date", "amount_cents": "amount", "thanked_by": "thank-you",
    "connected_on": "date", "customer": "customer", "source": "first customer", "target": "second customer",
}


_NAMING = {"customer": ("name",), "interaction": ("customer", "summary"), "purchase": ("customer", "product"),
           "connection": ("source", "target"), "customer_tag": ("customer",), "contact_point": ("customer",),
           "snooze": ("customer",), "stage_change": ("customer",), "graph_position": ("customer",),
           "setting": ("key",), "tag": ("name",), "draft": ("key",)}


def _name(customer_id) -> str:
    row = Customer.select(Customer.name).where(Customer.id == customer_id).first()
    return row.name if row else "a customer"


def _what(table: str, row: dict) -> str:
    if not all(row.get(k) is not None for k in _NAMING.get(table, ())):  # a short description: read the row
        key = _key_of(_BY_TABLE[table], row)
        whole = _rows(_BY_TABLE[table], [key]).get(key)
        if whole is None:
            return f"A {table.replace('_', ' ')} ({key})"
        row = whole
    if table == "customer":
        return row["name"]
    if table == "interaction":
        return f"{_name(row['customer'])}'s note “{row['summary']}”"
    if table == "purchase":
        return f"{_name(row['customer'])}'s purchase of {row['product']}"
    if table == "connection":
        return f"The connection between {_name(row['source'])} and {_name(row['target'])}"
    if table in ("customer_tag", "contact_point", "snooze", "stage_change", "graph_position"):
        what = {"customer_tag": "tags", "contact_point": "contacts", "snooze": "snoozed suggestion",
                "stage_change": "stage history", "graph_position": "place in the graph"}[table]
        return f"{_name(row['customer'])}'s {what}"
    if table == "setting":
        name, _, who = row["key"].partition("@")  # a person's own (journal/writes/settings.py: PERSONAL)
        words = {"owner_name": "name"}.get(name, name.replace("_", " "))
        return (f"The setting {words}" if not who else f"Your {words}" if who == me() else f"{who}'s {words}")
    if table == "tag":
        return f"The tag {row['name']}"
    if table == "draft":
        return f"The draft of {row['key'].replace('_', ' ')}"
    return "A row of " + table.replace("_", " ")


def _shown(value) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    text = str(value)
    return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"


def _describe(change: Change, row: dict) -> str:
    """'Jane Tester's phone was changed since: it is now “555 0199”. …'"""
    row = _rows(_BY_TABLE[change.table], [_hashable(change.row_id)]).get(_hashable(change.row_id), row)  # whole
    after = change.after or {}
    # Named as the person left it (the note “Called Ben”), not by the newer words said after it.
    what = _what(change.table, {**row, **{k: v for k, v in after.items() if k in row}})
    differ = [k for k in row if k not in _BOOKKEEPING and k in after and row.get(k) != after.get(k)] or \
        [k for k in row if k not in _BOOKKEEPING and row.get(k) != after.get(k)]
    if differ == ["deleted_at"]:
        moved = "moved to the trash" if row["deleted_at"] else "restored from the trash"
        head = f"{what} was {moved} since"
    elif not differ:
        head = f"{what} was changed since"
    else:
        names = [_LABELS.get(k, k.replace("_", " ")) for k in differ]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        subject = f"{what}'s {listed}" if change.table == "customer" else f"The {listed} of {what}"
        head = f"{subject} {'was' if len(names) == 1 else 'were'} changed since"
        if len(differ) == 1 and differ[0] != "deleted_at":
            head += f": it is now {_shown(row[differ[0]])}"
    return f"{head}. Undoing would overwrite that, so nothing was changed."
