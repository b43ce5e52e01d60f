"""One customer's history: interactions, purchases, connections and stage changes
in one newest-first feed, read a page at a time; and the header facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from peewee import JOIN, SQL, Case, PostgresqlDatabase, Value

from journal.writes import interactions, settings
from journal.rules import words
from journal.writes.customers import cadence_tag, customer_since, effective_cadence
from journal.errors import NotFound
from journal.rules.kinds import KINDS, STAGES, kinds_of
from journal.storage.models import (
    Connection, Customer, CustomerSummary, Interaction, Purchase, StageChange, database, me, raw_rows, to_date, to_datetime,
)

INTERACTION, PURCHASE, CONNECTION, STAGE = "interaction", "purchase", "connection", "stage"


@dataclass(frozen=True)
class TimelineEntry:
    source: str  # INTERACTION, PURCHASE, CONNECTION or STAGE
    id: int
    when: datetime
    kind: str  # the interaction kind, or the connection kind, or the source name
    direction: str | None
    title: str
    detail: str
    amount_cents: int | None = None
    follow_up_on: date | None = None
    follow_up_done: bool = False
    author: str | None = None  # a colleague who wrote it (a team journal's login role); None: you, or not known

    @property
    def month(self) -> tuple[int, int]:
        return self.when.year, self.when.month


def _as_datetime(value) -> datetime:
    """Purchases and connections have a day, interactions a moment: a day sorts
    and shows as its midnight."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    return datetime.fromisoformat(value)


def _feed_query(customer_id: int, klass: str | None, top=None):
    """Every entry of the feed as one UNION ALL with the same columns in each part:
    source, id, at, kind, direction, title, detail, amount, follow_up_on,
    follow_up_done, a, b (a, b: the two customers of a connection), written_by. With `top`,
    each part holds only its first `top` entries in the feed's order (newest
    first): all a page ending at `top` can take from it."""
    null = SQL("NULL")
    no_id = SQL("CAST(NULL AS INTEGER)")  # typed: PostgreSQL's UNION takes two bare NULLs for text
    inter = (Interaction
             .select(Value(INTERACTION).alias("source"), Interaction.id.alias("id"), Interaction.occurred_at.alias("at"),
                     Interaction.kind, Interaction.direction, Interaction.summary, Interaction.notes, null,
                     Interaction.follow_up_on, Interaction.follow_up_done, no_id, no_id, Interaction.written_by)
             .where(Interaction.customer == customer_id, Interaction.deleted_at.is_null()))
    if top is not None:
        inter = inter.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(top)
    if klass:
        return inter.where(Interaction.kind.in_(kinds_of(klass)))
    # thanked_by as text: it shares a column with notes, and PostgreSQL's UNION wants one type.
    purchase = (Purchase
                .select(Value(PURCHASE), Purchase.id, Purchase.purchased_on, Value(PURCHASE), null, Purchase.product,
                        Purchase.thanked_by.cast("TEXT"), Purchase.amount_cents, null, Value(False), null, null,
                        Purchase.written_by)
                .where(Purchase.customer == customer_id, Purchase.deleted_at.is_null()))
    connection = (Connection
                  .select(Value(CONNECTION), Connection.id, Connection.connected_on, Connection.kind,
                          Case(None, [(Connection.source == customer_id, "out")], "in"), Connection.note, null, null,
                          null, Value(False), Connection.source, Connection.target, Connection.written_by)
                  .where((Connection.source == customer_id) | (Connection.target == customer_id),
                         Connection.deleted_at.is_null()))
    stage = (StageChange
             .select(Value(STAGE), StageChange.id, StageChange.changed_at, Value(STAGE), null, StageChange.new_stage,
                     StageChange.old_stage, null, null, Value(False), null, null, null)
             .where(StageChange.customer == customer_id))
    if top is not None:
        purchase = purchase.order_by(Purchase.purchased_on.desc(), Purchase.id.desc()).limit(top)
        connection = connection.order_by(Connection.connected_on.desc(), Connection.id.desc()).limit(top)
        stage = stage.order_by(StageChange.changed_at.desc(), StageChange.id.desc()).limit(top)
    return inter + purchase + connection + stage  # peewee's + is UNION ALL


def entry_count(customer_id: int, klass: str | None = None) -> int:
    return _feed_query(customer_id, klass).count()


def entries(customer_id: int, *, klass: str | None = None, offset: int = 0, limit: int = 100) -> list[TimelineEntry]:
    """A page of the customer's feed, newest first. `klass` keeps only
    interactions of that class (value, reactive, sales, neutral)."""
    sql, template = _page_sql(type(database.obj), klass)
    values = {_CUSTOMER: customer_id, _LIMIT: limit, _OFFSET: offset, _TOP: offset + limit}
    rows = database.execute_sql(sql, [values.get(p, p) if type(p) is int else p for p in template]).fetchall()
    people = {r[10] for r in rows if r[0] == CONNECTION} | {r[11] for r in rows if r[0] == CONNECTION}
    names = dict(raw_rows(Customer.select(Customer.id, Customer.name).where(Customer.id.in_(people)))) if people else {}
    you = me()
    return [_entry(row, names, you) for row in rows]


# Building the four-part query costs more than running it; build it once per
# database kind and filter, with stand-ins for the values that change.
_CUSTOMER, _LIMIT, _OFFSET, _TOP = -7_000_001, -7_000_002, -7_000_003, -7_000_004


@lru_cache(maxsize=None)
def _page_sql(database_type, klass):
    # PostgreSQL sorts the whole UNION before the LIMIT: every interaction of a
    # customer with 5,000 (3 ms). Each part cut to the page's end first walks
    # the (customer, time) index newest first and sorts only those. SQLite
    # already merges the parts in index order (and would need each part wrapped).
    top = _TOP if issubclass(database_type, PostgresqlDatabase) else None
    query = (_feed_query(_CUSTOMER, klass, top)
             .order_by(SQL("at").desc(), SQL("source"), SQL("id").desc())
             .limit(_LIMIT).offset(_OFFSET))
    sql, params = query.sql()
    return sql, tuple(params)


def _entry(row, names, you: str | None) -> TimelineEntry:
    source, ident, at, kind, direction, title, detail, amount, follow_up, done, a, b, written_by = row
    when = _as_datetime(at)
    author = written_by if written_by and written_by != you else None
    if source == INTERACTION:
        return TimelineEntry(source, ident, when, kind, direction, title, detail,
                             follow_up_on=to_date(follow_up), follow_up_done=bool(done), author=author)
    if source == PURCHASE:
        return TimelineEntry(source, ident, when, kind, None, f"Bought {title}",
                             "thanked" if detail else "not thanked yet", amount_cents=amount, author=author)
    if source == CONNECTION:
        return TimelineEntry(source, ident, when, kind, direction, connection_title(kind, names[a], names[b]), title,
                             author=author)
    return TimelineEntry(source, ident, when, kind, None, f"Became {STAGES.get(title, title).lower()}",
                         f"Was {STAGES.get(detail, detail).lower()}")


def connection_title(kind: str, source: str, target: str) -> str:
    if kind == "referred":
        return f"{source} referred {target}"
    if kind == "introduced":
        return f"Introduced {source} and {target}"
    return f"{source} and {target} are colleagues"


@dataclass(frozen=True)
class TimelineHeader:
    customer_since: date | None
    purchase_count: int
    lifetime_cents: int
    last_value_at: datetime | None
    last_value_kind: str | None
    reached_out: int  # by us, last 12 months
    they_reached_out: int
    channel: str
    cadence_days: int
    cadence_is_own: bool
    cadence_tag: str | None = None  # the tag the cadence comes from, when it is not their own

    def cadence_text(self) -> str:
        """'every 30 days, from tag vip', 'every 14 days, their own', 'every 90 days, the default'."""
        source = ("their own" if self.cadence_is_own else
                  f"from tag {self.cadence_tag}" if self.cadence_tag else "the default")
        return f"every {words.plural(self.cadence_days, 'day')}, {source}"

    def last_value_text(self, today: date) -> str:
        if not self.last_value_at:
            return "No value given yet"
        days = (today - self.last_value_at.date()).days
        when = "today" if days == 0 else "yesterday" if days == 1 else f"{words.plural(days, 'day')} ago"
        return f"{when}: {KINDS[self.last_value_kind].label.lower()}"

    def reciprocity_text(self) -> str:
        return (f"you reached out {words.plural(self.reached_out, 'time')}, "
                f"they {words.plural(self.they_reached_out, 'time')}")


def header(customer_id: int, today: date | None = None) -> TimelineHeader:
    today = today or date.today()
    query = (Customer
             .select(Customer.customer_since, Customer.created_at, Customer.stage, Customer.channel,
                     Customer.cadence_days, CustomerSummary.first_purchase_on, CustomerSummary.purchase_count,
                     CustomerSummary.lifetime_cents, CustomerSummary.last_value_at, CustomerSummary.last_value_kind)
             .join(CustomerSummary, JOIN.LEFT_OUTER, on=(CustomerSummary.customer == Customer.id))
             .where(Customer.id == customer_id, Customer.deleted_at.is_null()))
    rows = raw_rows(query)
    if not rows:
        raise NotFound("customer", customer_id)
    since, created, stage, channel, own, first_purchase, count, lifetime, last_value, last_kind = rows[0]
    year_ago = datetime.combine(today - timedelta(days=365), time.min)
    ours, theirs = interactions.reciprocity(customer_id, year_ago)
    tag = None if own is not None else cadence_tag(customer_id)
    return TimelineHeader(
        customer_since=customer_since(to_date(since), to_date(first_purchase), to_datetime(created), stage),
        purchase_count=count or 0, lifetime_cents=lifetime or 0,
        last_value_at=to_datetime(last_value), last_value_kind=last_kind,
        reached_out=ours, they_reached_out=theirs, channel=channel,
        cadence_days=effective_cadence(own, tag[1] if tag else None, settings.get_settings().default_cadence_days),
        cadence_is_own=own is not None,
        cadence_tag=tag[0] if tag and own is None else None,
    )
