"""The journal's tables, as Peewee models bound to a proxy that db.open_journal fills.

Rows are never physically deleted by the services: `deleted_at` marks them as in
the trash until the user empties it, so every deletion can be undone."""

from datetime import date, datetime
from functools import lru_cache

import peewee
from peewee import SQL, AutoField, BooleanField, CharField, DatabaseProxy, ForeignKeyField, IntegerField, Model, TextField

database = DatabaseProxy()


def is_server(db=None) -> bool:
    """True when the journal (or `db`) is on a PostgreSQL server, not in a SQLite file."""
    db = database.obj if db is None else db
    return isinstance(getattr(db, "obj", db), peewee.PostgresqlDatabase)


def me(db=None) -> str | None:
    """Who "you" are on a team journal: the login role (session_user: a
    person's own even when `ALTER ROLE … SET role` has them act as the team's
    group role), asked once per server database, as `written_by` columns and
    each person's drafts name them; None for a file, whose rows record nobody.
    `db`: on that database rather than the journal's (a move's source)."""
    db = database.obj if db is None else db
    if not is_server(db):
        return None
    known = getattr(db, "_lately_me", None)
    if known is None:
        known = db._lately_me = db.execute_sql("SELECT session_user").fetchone()[0]
    return known


class DateTimeField(peewee.DateTimeField):
    """Peewee's field tries several strptime formats per value; the lists read
    thousands of rows, so parse ISO text with the C fromisoformat first."""

    def python_value(self, value):
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        return super().python_value(value)


def to_datetime(value) -> datetime | None:
    """A datetime from what the driver returned: ISO text (SQLite) or a datetime."""
    if value.__class__ is str:
        return datetime.fromisoformat(value)
    return value


def to_date(value) -> date | None:
    if value.__class__ is str:
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value


@lru_cache(maxsize=8192)
def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def parsers(sample) -> tuple:
    """(to datetime, to date) for the values this driver returns, chosen once per
    result set from a non-empty sample: ISO text (SQLite) or Python objects.
    For loops over thousands of rows; call as `value and parse(value)`."""
    if isinstance(sample, str):
        return datetime.fromisoformat, _day
    return (lambda v: v), (lambda v: v.date() if isinstance(v, datetime) else v)


def raw_rows(query) -> list[tuple]:
    """Run a Peewee-built query and return the driver's rows without Peewee's
    per-column conversion: for the few hot queries that read thousands of rows.
    Callers convert date columns with to_date / to_datetime."""
    return database.execute(query).fetchall()


class DateField(peewee.DateField):
    def python_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        return super().python_value(value)


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=now)


class Company(BaseModel):
    id = AutoField()
    name = CharField(unique=True)
    created_at = DateTimeField(default=now)


class Customer(BaseModel):
    id = AutoField()
    name = CharField(index=True)
    company = ForeignKeyField(Company, null=True, backref="customers", on_delete="SET NULL")
    email = CharField(default="")
    phone = CharField(default="")
    address = TextField(default="")
    channel = CharField(default="email")
    stage = CharField(default="customer")
    interests = TextField(default="")
    account_manager = CharField(default="")
    account_manager_phone = CharField(default="")
    cadence_days = IntegerField(null=True)
    # When they became a customer, if before the journal began; else the first purchase says.
    customer_since = DateField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    archived = BooleanField(default=False)
    deleted_at = DateTimeField(null=True)
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py


class Interaction(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, backref="interactions", on_delete="CASCADE")
    occurred_at = DateTimeField()
    kind = CharField()
    direction = CharField()
    summary = TextField()
    notes = TextField(default="")
    follow_up_on = DateField(null=True)
    follow_up_done = BooleanField(default=False)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py
    written_by = CharField(null=True)  # the team journal's login role that wrote it (schema step 14: last, as added); a file's: None

    class Meta:
        indexes = (
            (("customer", "occurred_at"), False),
            (("customer", "kind", "occurred_at"), False),
            (("follow_up_on", "follow_up_done"), False),
        )


class Purchase(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, backref="purchases", on_delete="CASCADE")
    purchased_on = DateField()
    product = CharField()
    amount_cents = IntegerField()
    thanked_by = ForeignKeyField(Interaction, null=True, backref="thanked_purchases", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py
    written_by = CharField(null=True)  # as Interaction.written_by

    class Meta:
        indexes = ((("customer", "purchased_on"), False),)


class Connection(BaseModel):
    id = AutoField()
    source = ForeignKeyField(Customer, backref="connections_out", on_delete="CASCADE")
    target = ForeignKeyField(Customer, backref="connections_in", on_delete="CASCADE")
    kind = CharField()
    connected_on = DateField()
    note = TextField(default="")
    thanked_by = ForeignKeyField(Interaction, null=True, backref="thanked_connections", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py
    written_by = CharField(null=True)  # as Interaction.written_by

    class Meta:
        indexes = ((("source", "target", "kind"), False), (("target",), False))


class StageChange(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, backref="stage_changes", on_delete="CASCADE")
    changed_at = DateTimeField(default=now)
    old_stage = CharField()
    new_stage = CharField()

    class Meta:
        indexes = ((("customer", "changed_at"), False),)


class Tag(BaseModel):
    id = AutoField()
    name = CharField(unique=True)
    cadence_days = IntegerField(null=True)
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py


class CustomerTag(BaseModel):
    customer = ForeignKeyField(Customer, backref="tag_links", on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="customer_links", on_delete="CASCADE")

    class Meta:
        primary_key = False
        indexes = ((("customer", "tag"), True), (("tag",), False))
        constraints = [SQL("PRIMARY KEY (customer_id, tag_id)")]


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py


class CustomerSummary(BaseModel):
    """Facts about one customer that the lists and the Lately rules need, kept up to
    date in the same transaction as every write and rebuildable from scratch
    (summary.rebuild_all). Time-relative facts are not stored here: only dates."""

    customer = ForeignKeyField(Customer, primary_key=True, backref="summary", on_delete="CASCADE")
    last_contact_at = DateTimeField(null=True)
    last_outbound_at = DateTimeField(null=True)
    last_inbound_at = DateTimeField(null=True)
    last_value_at = DateTimeField(null=True)
    last_value_kind = CharField(null=True)
    last_feedback_at = DateTimeField(null=True)
    last_welcome_at = DateTimeField(null=True)
    last_reactive_sales_at = DateTimeField(null=True)
    unanswered_count = IntegerField(default=0)
    first_unanswered_at = DateTimeField(null=True)
    first_purchase_on = DateField(null=True)
    last_purchase_on = DateField(null=True)
    purchase_count = IntegerField(default=0)
    lifetime_cents = IntegerField(default=0)


class Snooze(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, backref="snoozes", on_delete="CASCADE")
    reason = CharField()
    until = DateField()
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # bumped by a trigger on every update: journal/writes/changes.py

    class Meta:
        indexes = ((("customer", "reason"), True),)


class Draft(BaseModel):
    """Text being typed in a dialog, saved as it is typed so a crash loses nothing."""

    key = CharField(primary_key=True)
    payload = TextField()
    saved_at = DateTimeField(default=now)


class GraphPosition(BaseModel):
    """Where a customer sits in the connection graph: kept so the picture is
    the same every time, and wherever the owner dragged them."""

    customer = ForeignKeyField(Customer, primary_key=True, backref="graph_position", on_delete="CASCADE")
    x = peewee.DoubleField()  # SQLite's REAL; PostgreSQL's FLOAT is only 4 bytes
    y = peewee.DoubleField()


class ContactPoint(BaseModel):
    """A customer's e-mail addresses, phones and postal addresses beyond the
    primary ones on Customer (which every other part of Lately uses), each with
    its label as the contact card had it: home, work, mobile, other..."""

    id = AutoField()
    customer = ForeignKeyField(Customer, backref="contact_points", on_delete="CASCADE")
    kind = CharField()  # email, phone, address
    label = CharField(default="")
    value = TextField()
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("customer", "position"), False),)


class NotDuplicate(BaseModel):
    """Two customers the owner said are different people, so the duplicate
    finder stops suggesting them (first_id < second_id)."""

    first = ForeignKeyField(Customer, on_delete="CASCADE")
    second = ForeignKeyField(Customer, on_delete="CASCADE")
    decided_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("first", "second"), True),)


def upsert(model, key_fields: tuple[str, ...], **values) -> None:
    """Insert a row, or update the row with the same key: INSERT … ON CONFLICT …
    DO UPDATE, which SQLite and PostgreSQL both speak (SQLite's own replace is
    SQLite-only, and deletes and re-inserts the row)."""
    upsert_many(model, key_fields, list(values), [tuple(values.values())])


def upsert_many(model, key_fields: tuple[str, ...], field_names: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    fields = [getattr(model, name) for name in field_names]
    updates = {getattr(model, name): peewee.EXCLUDED[getattr(model, name).column_name]
               for name in field_names if name not in key_fields}
    (model.insert_many(rows, fields=fields)
     .on_conflict(conflict_target=[getattr(model, name) for name in key_fields], update=updates)
     .execute())


ALL_MODELS = (
    SchemaVersion, Company, Customer, Interaction, Purchase, Connection, StageChange,
    Tag, CustomerTag, Setting, CustomerSummary, Snooze, Draft, GraphPosition,
    ContactPoint,

    NotDuplicate,
)
