"""Customers, their companies and tags: validated writes and plain-data reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from peewee import JOIN, fn

from journal.writes import changes, contacts, settings
from journal.reads import summary
from journal.rules import validate
from journal.errors import ChangedSince, NotFound, ValidationError
from journal.rules.kinds import CHANNELS, STAGES
from journal.storage.models import (
    Company, ContactPoint, Customer, CustomerSummary, CustomerTag, StageChange, Tag, database, now, parsers,
    raw_rows,
)


@dataclass(frozen=True)
class CustomerData:
    id: int
    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    channel: str = "email"
    stage: str = "customer"
    interests: str = ""
    account_manager: str = ""
    account_manager_phone: str = ""
    cadence_days: int | None = None
    customer_since: date | None = None
    archived: bool = False
    tags: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str, str], ...] = ()  # other e-mails, phones, addresses: journal.writes.contacts
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def interest_topics(self) -> tuple[str, ...]:
        return interest_topics(self.interests)


EDITABLE = tuple(
    f.name for f in fields(CustomerData) if f.name not in ("id", "archived", "created_at", "updated_at")
)


@lru_cache(maxsize=8192)
def interest_topics(text: str) -> tuple[str, ...]:
    """Interests are written as a list separated by commas, semicolons or new lines."""
    return tuple(dict.fromkeys(t.strip().lower() for t in re.split(r"[,;\n]", text or "") if t.strip()))


def _tags(value) -> tuple[str, ...]:
    return validate.names("tags", value, max_len=60)


_RULES = {
    "name": lambda v: validate.text("name", v, required=True, max_len=200),
    "company": lambda v: validate.text("company", v, max_len=200),
    "email": lambda v: validate.email("email", v),
    "phone": lambda v: validate.text("phone", v, max_len=200),
    "address": lambda v: validate.text("address", v),
    "channel": lambda v: validate.choice("preferred channel", v, CHANNELS),
    "stage": lambda v: validate.choice("stage", v, STAGES),
    "interests": lambda v: validate.text("interests", v),
    "account_manager": lambda v: validate.text("account_manager", v, max_len=200),
    "account_manager_phone": lambda v: validate.text("account_manager_phone", v, max_len=200),
    "cadence_days": lambda v: validate.whole_number("cadence days", v, minimum=1, maximum=3650, required=False),
    "customer_since": lambda v: validate.as_date("customer since", v, required=False),
    "tags": _tags,
    "contacts": lambda v: contacts.clean(v),
}
assert set(_RULES) == set(EDITABLE)


def _clean(values: dict) -> dict:
    return validate.fields(values, _RULES, "a customer")


def validate_fields(values: dict) -> dict:
    """Check customer fields without writing (for previews); returns them cleaned."""
    return _clean(values)


class _Names:
    """Companies or tags by name, ignoring case in any script (SQLite's lower()
    folds ASCII only, so the comparison is made in Python; there are few). Read
    once per write, or once for a whole batch of new customers."""

    def __init__(self, model):
        self.model = model
        self.ids = {name.casefold(): ident for ident, name in model.select(model.id, model.name).tuples()}

    def find(self, name: str) -> int | None:
        return self.ids.get(name.casefold())

    def id_of(self, name: str) -> int:
        """The id of this name, created when it is new."""
        key = name.casefold()
        if key not in self.ids:
            self.ids[key] = self.model.create(name=name).id
        return self.ids[key]


def _link_tags(customer_id: int, names, tags: _Names) -> None:
    chosen = dict.fromkeys(tags.id_of(name) for name in names)  # "VIP" and "vip" are one tag
    if chosen:
        CustomerTag.insert_many([{"customer": customer_id, "tag": tag_id} for tag_id in chosen]).execute()


def _row(customer_id: int, *, include_deleted=False, locked=False) -> Customer:
    customer_id = validate.ident("customer", customer_id)
    query = Customer.select().where(Customer.id == customer_id)
    if not include_deleted:
        query = query.where(Customer.deleted_at.is_null())
    if locked and database.obj.for_update:  # a server: a colleague's save of this row waits for ours
        query = query.for_update()
    row = query.first()
    if row is None:
        raise NotFound("customer", customer_id)
    return row


def create_customer(**values) -> CustomerData:
    [customer_id] = create_customers([values])
    return get_customer(customer_id)


def create_customers(many: list[dict]) -> list[int]:
    """Create customers in one transaction, with create_customer()'s checks: all
    of them or, at the first bad one, none. For imports: companies and tags are
    looked up once and the summaries written together."""
    if not isinstance(many, (list, tuple)):
        raise ValidationError("customers", f"must be a list, not {type(many).__name__}")
    cleaned = []
    for values in many:
        clean = _clean(values)
        if "name" not in clean:
            raise ValidationError("name", "must not be empty")
        cleaned.append(clean)
    created = []
    with changes.recording():
        companies, tags = _Names(Company), _Names(Tag)
        for clean in cleaned:
            tag_names = clean.pop("tags", ())
            company = clean.pop("company", "")
            points = clean.pop("contacts", ())
            row = Customer.create(company=companies.id_of(company) if company else None, **clean)
            _link_tags(row.id, tag_names, tags)
            contacts.add(row.id, points)
            created.append(row.id)
        changes.created(Customer, *created)
        for start in range(0, len(created), 500):
            chunk = created[start:start + 500]
            changes.created_where(CustomerTag, CustomerTag.customer.in_(chunk))
            changes.created_where(ContactPoint, ContactPoint.customer.in_(chunk))
        summary.refresh(*created)
    return created


def update_customer(customer_id: int, expected: dict | None = None, **values) -> CustomerData:
    """Change the fields given. `expected`: those fields as the person saw them
    when they began changing them (a details form); a field someone else has
    changed since, to anything but what this write gives it, refuses the whole
    write (ChangedSince, nothing written; its `fields` names them), so a
    colleague's newer change is never overwritten unseen. Fields not given stay as they are, whoever changed them."""
    clean = _clean(values)
    with changes.recording():
        row = _row(customer_id, locked=expected is not None)
        if expected:
            _refuse_if_changed_since(customer_id, clean, expected)
        changes.watch(Customer, row.id)
        if "tags" in clean:
            changes.watch_where(CustomerTag, CustomerTag.customer == row.id)
            CustomerTag.delete().where(CustomerTag.customer == row.id).execute()
            _link_tags(row.id, clean.pop("tags"), _Names(Tag))
            changes.created_where(CustomerTag, CustomerTag.customer == row.id)
        if "contacts" in clean:
            contacts.replace(row.id, clean.pop("contacts"))
        if "company" in clean:
            company = clean.pop("company")
            row.company = _Names(Company).id_of(company) if company else None
        new_stage = clean.get("stage")
        if new_stage and new_stage != row.stage:
            changes.created(StageChange, StageChange.create(customer=row.id, old_stage=row.stage, new_stage=new_stage).id)
        for key, value in clean.items():
            setattr(row, key, value)
        row.updated_at = now()
        row.save()
    return get_customer(customer_id)


FIELD_WORDS = {
    "name": "name", "company": "company", "email": "e-mail", "phone": "phone", "address": "postal address",
    "contacts": "other contact details", "channel": "preferred channel", "stage": "stage",
    "interests": "interests", "tags": "tags", "account_manager": "account manager",
    "account_manager_phone": "account manager's phone", "cadence_days": "stay-in-touch cadence",
    "customer_since": "customer since",
}
assert set(FIELD_WORDS) == set(EDITABLE)


def _comparable(key: str, value):
    if key == "tags":
        return tuple(sorted(name.casefold() for name in value or ()))
    if key == "contacts":
        return tuple(tuple(point) for point in value or ())
    return value or None


def _refuse_if_changed_since(customer_id: int, clean: dict, expected: dict) -> None:
    current = get_customer(customer_id)
    changed = [key for key in clean if key in expected
               and _comparable(key, getattr(current, key)) not in (_comparable(key, expected[key]),
                                                                  _comparable(key, clean[key]))]
    if not changed:
        return
    if len(changed) == 1 and changed[0] not in ("contacts", "address"):
        now_value = getattr(current, changed[0])
        shown = ", ".join(now_value) if changed[0] == "tags" else "" if now_value is None else str(now_value)
        verb = "were" if changed[0] in ("tags", "interests") else "was"
        what = f"{current.name}'s {FIELD_WORDS[changed[0]]} {verb} changed since you began: it is now “{shown}”"
    else:
        names = [FIELD_WORDS[key] for key in changed]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        what = f"{current.name}'s {listed} {'was' if len(names) == 1 else 'were'} changed since you began"
    refusal = ChangedSince(f"{what}. Nothing was saved.")
    refusal.fields = tuple(changed)  # for the form: where to say it
    raise refusal


def set_archived(customer_id: int, archived: bool = True) -> CustomerData:
    with changes.recording():
        row = _row(customer_id)
        changes.watch(Customer, row.id)
        row.archived = validate.flag("archived", archived)
        row.updated_at = now()
        row.save()
    return get_customer(customer_id)


def delete_customer(customer_id: int) -> changes.ChangeSet:
    """Move to the trash; restore_customer undoes it until the trash is emptied."""
    with changes.recording() as recorded:
        row = _row(customer_id)
        changes.watch(Customer, row.id)
        row.deleted_at = now()
        row.save()
    return recorded.changeset


def restore_customer(customer_id: int) -> CustomerData:
    with changes.recording():
        row = _row(customer_id, include_deleted=True)
        changes.watch(Customer, row.id)
        row.deleted_at = None
        row.save()
    return get_customer(customer_id)


def delete_customers(customer_ids) -> changes.ChangeSet:
    """Move many customers to the trash in one transaction (taking back an import)."""
    ids, moment = validate.idents("customer", customer_ids), now()
    with changes.recording() as recorded:
        for start in range(0, len(ids), 500):
            changes.watch(Customer, *ids[start:start + 500], fields=("deleted_at",))
            (Customer.update(deleted_at=moment)
             .where(Customer.id.in_(ids[start:start + 500]), Customer.deleted_at.is_null()).execute())
    return recorded.changeset


def restore_customers(customer_ids) -> changes.ChangeSet:
    ids = validate.idents("customer", customer_ids)
    with changes.recording() as recorded:
        for start in range(0, len(ids), 500):
            changes.watch(Customer, *ids[start:start + 500], fields=("deleted_at",))
            Customer.update(deleted_at=None).where(Customer.id.in_(ids[start:start + 500])).execute()
    return recorded.changeset


def _tags_of(customer_ids) -> dict[int, tuple[str, ...]]:
    result: dict[int, list[str]] = {}
    query = (
        CustomerTag.select(CustomerTag.customer_id, Tag.name)
        .join(Tag)
        .where(CustomerTag.customer.in_(customer_ids))
        .order_by(Tag.name)
        .tuples()
    )
    for cid, name in query:
        result.setdefault(cid, []).append(name)
    return {cid: tuple(names) for cid, names in result.items()}


def _to_data(row: Customer, company: str, tags) -> CustomerData:
    return CustomerData(
        id=row.id, name=row.name, company=company or "", email=row.email, phone=row.phone,
        address=row.address, channel=row.channel, stage=row.stage, interests=row.interests,
        account_manager=row.account_manager, account_manager_phone=row.account_manager_phone,
        cadence_days=row.cadence_days, customer_since=row.customer_since, archived=row.archived,
        tags=tags, created_at=row.created_at, updated_at=row.updated_at,
    )


def get_customer(customer_id: int) -> CustomerData:
    row = _row(customer_id)
    company = row.company.name if row.company_id else ""
    data = _to_data(row, company, _tags_of([customer_id]).get(customer_id, ()))
    return replace(data, contacts=contacts.of(customer_id))


def find_by_name(name: str) -> CustomerData | None:
    name = name.strip()
    live = Customer.select(Customer.id, Customer.name).where(Customer.deleted_at.is_null())
    row = live.where(Customer.name == name).first()
    if row is None:  # any case, in any script (SQLite's lower() folds ASCII only)
        key = name.casefold()
        row = next((r for r in live.iterator() if r.name.casefold() == key), None)
    return get_customer(row.id) if row else None


def all_tags() -> list[tuple[str, int | None]]:
    return list(Tag.select(Tag.name, Tag.cadence_days).order_by(Tag.name).tuples())


def set_tag_cadence(name: str, cadence_days) -> changes.ChangeSet:
    name = validate.text("tag", name, required=True, max_len=60)
    days = validate.whole_number("cadence days", cadence_days, minimum=1, maximum=3650, required=False)
    with changes.recording() as recorded:
        tag_id = _Names(Tag).find(name)
        if tag_id is None:
            raise NotFound("tag", name)
        changes.watch(Tag, tag_id)
        Tag.update(cadence_days=days).where(Tag.id == tag_id).execute()
    return recorded.changeset


def tag_cadences(customer_id: int | None = None) -> dict[int, int]:
    """The shortest tag cadence of each customer that has one (or of one customer)."""
    query = (
        CustomerTag.select(CustomerTag.customer_id, fn.MIN(Tag.cadence_days))
        .join(Tag)
        .where(Tag.cadence_days.is_null(False))
        .group_by(CustomerTag.customer_id)
    )
    if customer_id is not None:
        query = query.where(CustomerTag.customer == customer_id)
    return dict(raw_rows(query))


def cadence_tag(customer_id: int) -> tuple[str, int] | None:
    """The tag whose cadence a customer follows (the shortest of their tags'), as
    (name, days); None when none of their tags has a cadence."""
    row = (Tag.select(Tag.name, Tag.cadence_days).join(CustomerTag)
           .where(CustomerTag.customer == customer_id, Tag.cadence_days.is_null(False))
           .order_by(Tag.cadence_days, Tag.name).limit(1).tuples().first())
    return tuple(row) if row else None


def effective_cadence(own: int | None, tag_cadence: int | None, default: int) -> int:
    """A customer's own cadence wins, then the shortest cadence of their tags, then the default."""
    return own or tag_cadence or default


DUE, OVERDUE = "due", "overdue"


def cadence_level(days_since_value: int | None, cadence_days: int) -> str | None:
    """Due once the cadence has passed with no value given, overdue at one and a half times it."""
    if days_since_value is None or days_since_value < cadence_days:
        return None
    return OVERDUE if days_since_value >= cadence_days * 1.5 else DUE


class CustomerRow(NamedTuple):
    """One line of the customer list (a named tuple: 5,000 of them are made at
    every start, and a frozen dataclass took twice as long to build)."""

    id: int
    name: str
    company: str
    stage: str
    customer_since: date | None
    last_contact_at: datetime | None
    last_value_at: datetime | None
    last_value_kind: str | None
    cadence_days: int
    archived: bool
    lifetime_cents: int = 0
    email: str = ""

    def days_since_value(self, today: date) -> int | None:
        """Days since the last value given, or since they became a customer; None
        for those not subject to a cadence (prospects, former customers)."""
        if self.stage != "customer":
            return None
        since = self.last_value_at.date() if self.last_value_at else self.customer_since
        return None if since is None else (today - since).days

    def days_overdue(self, today: date) -> int | None:
        """Days past the cadence; None when not due."""
        days = self.days_since_value(today)
        if cadence_level(days, self.cadence_days) is None:
            return None
        return days - self.cadence_days

    def cadence_level(self, today: date) -> str | None:
        return cadence_level(self.days_since_value(today), self.cadence_days)


def names_and_companies() -> list[tuple[int, str, str]]:
    """(id, name, company or "") of every live customer, archived ones too, in
    name order: what an import matches its rows against, without the facts of
    the list (at 50,000 customers those cost 40 MB and most of a second)."""
    query = (Customer.select(Customer.id, Customer.name, Company.name)
             .join(Company, JOIN.LEFT_OUTER, on=(Customer.company == Company.id))
             .where(Customer.deleted_at.is_null())
             .order_by(fn.lower(Customer.name)))
    return [(cid, name, company or "") for cid, name, company in raw_rows(query)]


def list_customers(*, include_archived=False, customer_id: int | None = None) -> list[CustomerRow]:
    """Every customer with the facts the list shows: one query, ordered by name
    (or just one customer's row, to refresh a list after a change)."""
    default = settings.get_settings().default_cadence_days
    tag_days = tag_cadences() if customer_id is None else {}
    query = (
        Customer.select(
            Customer.id, Customer.name, Company.name, Customer.stage, Customer.customer_since,
            CustomerSummary.first_purchase_on, CustomerSummary.last_contact_at,
            CustomerSummary.last_value_at, CustomerSummary.last_value_kind, Customer.cadence_days,
            Customer.archived, CustomerSummary.lifetime_cents, Customer.email, Customer.created_at,
        )
        .join(Company, JOIN.LEFT_OUTER, on=(Customer.company == Company.id))
        .switch(Customer)
        .join(CustomerSummary, JOIN.LEFT_OUTER, on=(CustomerSummary.customer == Customer.id))
        .where(Customer.deleted_at.is_null())
        .order_by(fn.lower(Customer.name))
    )
    if not include_archived:
        query = query.where(Customer.archived == False)  # noqa: E712
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
        tag_days = tag_cadences(customer_id)
    return customer_rows(raw_rows(query), tag_days, default)


def customer_rows(rows, tag_days: dict[int, int], default_cadence: int) -> list[CustomerRow]:
    """CustomerRows from driver rows in list_customers()'s column order (shared with the benchmark)."""
    rows = list(rows)
    if not rows:
        return []
    dt, d = parsers(rows[0][13])  # created_at is never empty
    return [
        CustomerRow(
            cid, name, company or "", stage,
            customer_since(since and d(since), first_buy and d(first_buy), dt(created), stage),
            last_contact and dt(last_contact), last_value and dt(last_value), last_kind,
            effective_cadence(own, tag_days.get(cid), default_cadence), bool(archived), lifetime or 0, email,
        )
        for (cid, name, company, stage, since, first_buy, last_contact, last_value, last_kind, own,
             archived, lifetime, email, created) in rows
    ]


def customer_since(recorded: date | None, first_purchase: date | None, created, stage: str) -> date | None:
    """When they became a customer: as recorded, else their first purchase, else
    when they were entered as a customer. Prospects are not customers yet."""
    if recorded:
        return recorded
    if first_purchase:
        return first_purchase
    if stage == "prospect" or created is None:
        return None
    return created.date() if isinstance(created, datetime) else created
