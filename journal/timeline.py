"""One customer's history: interactions, purchases, connections and stage changes
in one newest-first feed, read a page at a time; and the header facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import SQL, Value

from . import interactions, settings
from .customers import customer_since, effective_cadence, get_customer, tag_cadences
from .kinds import KINDS, STAGES, kinds_of
from .models import Connection, Customer, CustomerSummary, Interaction, Purchase, StageChange

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

    @property
    def month(self) -> tuple[int, int]:
        return self.when.year, self.when.month


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    text = str(value)
    return datetime.fromisoformat(text if len(text) > 10 else text + " 00:00:00")


def _keys_query(customer_id: int, klass: str | None):
    """(source, id, when) of every entry, newest first, as one UNION ALL that the
    database sorts and pages."""
    live = Interaction.deleted_at.is_null()
    inter = Interaction.select(Value(INTERACTION).alias("source"), Interaction.id.alias("id"),
                               Interaction.occurred_at.alias("at"))
    inter = inter.where(Interaction.customer == customer_id, live)
    if klass:
        return inter.where(Interaction.kind.in_(kinds_of(klass)))
    purchase = (Purchase.select(Value(PURCHASE), Purchase.id, Purchase.purchased_on)
                .where(Purchase.customer == customer_id, Purchase.deleted_at.is_null()))
    connection = (Connection.select(Value(CONNECTION), Connection.id, Connection.connected_on)
                  .where((Connection.source == customer_id) | (Connection.target == customer_id),
                         Connection.deleted_at.is_null()))
    stage = (StageChange.select(Value(STAGE), StageChange.id, StageChange.changed_at)
             .where(StageChange.customer == customer_id))
    return inter + purchase + connection + stage  # peewee's + is UNION ALL


def entry_count(customer_id: int, klass: str | None = None) -> int:
    return _keys_query(customer_id, klass).count()


def entries(customer_id: int, *, klass: str | None = None, offset: int = 0, limit: int = 100) -> list[TimelineEntry]:
    """A page of the customer's feed, newest first. `klass` keeps only
    interactions of that class (value, reactive, sales, neutral)."""
    query = _keys_query(customer_id, klass).order_by(SQL("at").desc(), SQL("source"), SQL("id").desc())
    keys = list(query.limit(limit).offset(offset).tuples())
    return _load(customer_id, keys)


def _load(customer_id, keys) -> list[TimelineEntry]:
    by_source: dict[str, list[int]] = {}
    for source, ident, _ in keys:
        by_source.setdefault(source, []).append(ident)
    loaded: dict[tuple[str, int], TimelineEntry] = {}
    if INTERACTION in by_source:
        for row in Interaction.select().where(Interaction.id.in_(by_source[INTERACTION])):
            loaded[INTERACTION, row.id] = TimelineEntry(
                INTERACTION, row.id, row.occurred_at, row.kind, row.direction, row.summary, row.notes,
                follow_up_on=row.follow_up_on, follow_up_done=row.follow_up_done)
    if PURCHASE in by_source:
        for row in Purchase.select().where(Purchase.id.in_(by_source[PURCHASE])):
            thanked = "thanked" if row.thanked_by_id else "not thanked yet"
            loaded[PURCHASE, row.id] = TimelineEntry(
                PURCHASE, row.id, _as_datetime(row.purchased_on), PURCHASE, None,
                f"Bought {row.product}", thanked, amount_cents=row.amount_cents)
    if CONNECTION in by_source:
        rows = list(Connection.select().where(Connection.id.in_(by_source[CONNECTION])))
        ids = {r.source_id for r in rows} | {r.target_id for r in rows}
        names = dict(Customer.select(Customer.id, Customer.name).where(Customer.id.in_(ids)).tuples())
        for row in rows:
            loaded[CONNECTION, row.id] = TimelineEntry(
                CONNECTION, row.id, _as_datetime(row.connected_on), row.kind,
                "out" if row.source_id == customer_id else "in",
                connection_title(row.kind, names[row.source_id], names[row.target_id]), row.note)
    if STAGE in by_source:
        for row in StageChange.select().where(StageChange.id.in_(by_source[STAGE])):
            loaded[STAGE, row.id] = TimelineEntry(
                STAGE, row.id, row.changed_at, STAGE, None,
                f"Became {STAGES.get(row.new_stage, row.new_stage).lower()}",
                f"Was {STAGES.get(row.old_stage, row.old_stage).lower()}")
    return [loaded[source, ident] for source, ident, _ in keys if (source, ident) in loaded]


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

    def last_value_text(self, today: date) -> str:
        if not self.last_value_at:
            return "No value given yet"
        days = (today - self.last_value_at.date()).days
        when = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
        return f"{when}: {KINDS[self.last_value_kind].label.lower()}"

    def reciprocity_text(self) -> str:
        def times(n):
            return "1 time" if n == 1 else f"{n} times"

        return f"you reached out {times(self.reached_out)}, they {times(self.they_reached_out)}"


def header(customer_id: int, today: date | None = None) -> TimelineHeader:
    today = today or date.today()
    customer = get_customer(customer_id)
    facts = CustomerSummary.get_or_none(CustomerSummary.customer == customer_id)
    year_ago = datetime.combine(today - timedelta(days=365), time.min)
    ours, theirs = interactions.reciprocity(customer_id, year_ago)
    tag_days = tag_cadences().get(customer_id)
    default = settings.get_settings().default_cadence_days
    return TimelineHeader(
        customer_since=customer_since(customer.customer_since, facts.first_purchase_on if facts else None,
                                      customer.created_at, customer.stage),
        purchase_count=facts.purchase_count if facts else 0,
        lifetime_cents=facts.lifetime_cents if facts else 0,
        last_value_at=facts.last_value_at if facts else None,
        last_value_kind=facts.last_value_kind if facts else None,
        reached_out=ours, they_reached_out=theirs, channel=customer.channel,
        cadence_days=effective_cadence(customer.cadence_days, tag_days, default),
        cadence_is_own=customer.cadence_days is not None,
    )

