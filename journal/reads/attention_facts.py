"""What the Lately rules read. The rules about one customer's own facts run
here, in SQL (customer_rules): the database works out each customer's
stay-in-touch cadence (their own, their tags', the default) and the whole
days since each moment, evaluates the rules and returns which hold, so Python
only makes the items. The other inputs (purchases not thanked, follow-ups due,
referrals, snoozes, tags) are read as rows, and the introductions read only
their circles' members (names, connections).

Both backends: the SQL is written for SQLite with `?` placeholders, and the
pieces that differ (days between dates, the subquery fence) come from
_Dialect, as in journal.reads.customer_pages."""

from __future__ import annotations

from datetime import date

from peewee import SQL

from journal.rules.kinds import REFERRED

from journal.storage.models import database, is_server


class _Dialect:
    # Everyone is read in the table's order: without the +, SQLite walks the
    # customer list's index (archived, deleted_at, name) and fetches the rows in
    # name order, a third slower at 50,000 customers.
    live = "c.deleted_at IS NULL AND +c.archived = ?"

    @staticmethod
    def age(column: str, today: date) -> str:
        """Whole days from a timestamp (or date) column's calendar day to `today`
        (NULL for NULL): dates are ISO text in SQLite, timestamps local without
        a zone (validate.as_datetime). A day's Julian day starts at noon, hence
        the half; 1721424 turns an ordinal into SQLite's whole Julian day."""
        return f"({today.toordinal() + 1721424} - CAST(julianday({column}) - 0.5 AS INTEGER))"

    # Ends a subquery so that it is run on its own, each of its columns worked out
    # once per row, not copied into every expression of the outer query that uses it
    # (SQLite never flattens a subquery with an OFFSET; PostgreSQL neither).
    fence = "LIMIT -1 OFFSET 0"

    @staticmethod
    def sql(text: str) -> str:
        return text


class _ServerDialect(_Dialect):
    live = "c.deleted_at IS NULL AND c.archived = ?"

    @staticmethod
    def age(column: str, today: date) -> str:
        return f"(DATE '{today.isoformat()}' - CAST({column} AS date))"

    fence = "OFFSET 0"

    @staticmethod
    def sql(text: str) -> str:
        return text.replace("?", "%s")


def _dialect():
    return _ServerDialect if is_server() else _Dialect


def fence() -> str:
    """What ends a subquery so that it is run on its own (_Dialect.fence)."""
    return _dialect().fence


def sql_for_this_journal(text: str) -> str:
    """SQL written with SQLite's `?` placeholders, as the journal's backend takes it."""
    return _dialect().sql(text)


def _run(sql: str, params) -> list[tuple]:
    return database.execute_sql(_dialect().sql(sql), params).fetchall()


def _ids(customer_ids) -> str:
    return ", ".join(str(int(i)) for i in customer_ids) or "NULL"


# A customer's own cadence wins, then the shortest of their tags', then the default (customers.effective_cadence).
# Everyone's tag cadences at once when reading everyone; a few customers' by their key.
_TAG_CADENCES = ("(SELECT ct.customer_id AS customer_id, min(t.cadence_days) AS days FROM customer_tag ct "
                 "JOIN tag t ON t.id = ct.tag_id WHERE t.cadence_days IS NOT NULL{only} GROUP BY ct.customer_id)")

# Column order of customer_rules(): journal.rules.lately reads it.
COLUMNS = ("id", "name", "company", "flags", "interests", "lifetime", "since_age", "buy_age", "value_age", "cadence",
           "reactive_age", "feedback_age", "unanswered", "unanswered_age", "channel", "manager", "value_kind")

# `flags` packs the stage (STAGE_BITS), the customer's part in the health figures
# (times HEALTH, see lately.health_codes) and the rules that hold (RULE_BITS):
# every value fetched costs about as much as working out a rule, so the small
# numbers come in one.
STAGE_BITS = {"customer": 1, "prospect": 2}
HEALTH = 4

# The rules that need one customer's facts, as lately.py states them (its docstring
# says what each one means), evaluated here: `rules` holds one bit for each that
# holds (RULE_BITS), and the ages (whole days to today) their wording and priority
# need come beside it. Numbers rather than text: building text in SQL cost more
# than the rules themselves.
RULE_BITS = {"unanswered": 32, "welcome": 64, "never_contacted": 128, "only_reactive_sales": 256, "cadence": 512,
             "overdue": 1024, "no_feedback": 2048}
# A customer's rules (those at the customer stage: the stage is looked at once).
_NEVER = "(buy_age > {never_grace} AND (out_age IS NULL OR out_age > buy_age))"
_STARVED = "(reactive_age <= 2 * cadence AND (value_age IS NULL OR value_age > 2 * cadence))"
_UNANSWERED = "CASE WHEN unanswered >= {unanswered_run} THEN 32 ELSE 0 END"
_RULES = """
    {unanswered}
  + CASE WHEN buy_age <= {welcome_window} AND since_age <= buy_age
              AND (welcome_age IS NULL OR welcome_age > buy_age) THEN 64 ELSE 0 END
  + CASE WHEN {never} THEN 128 + CASE WHEN {starved} THEN 256 ELSE 0 END
         WHEN {starved} THEN 256
         WHEN coalesce(value_age, since_age) >= cadence
         THEN CASE WHEN 2 * coalesce(value_age, since_age) >= 3 * cadence THEN 1536 ELSE 512 END ELSE 0 END
  + CASE WHEN since_age >= {feedback_every}
              AND (feedback_age IS NULL OR feedback_age >= {feedback_every}) THEN 2048 ELSE 0 END"""


def customer_rules(today: date, default_cadence: int, customer_ids=None, *, unanswered_run: int,
                   welcome_window: int, never_grace: int, feedback_every: int) -> SQL:
    """Every live customer (not archived), or those of `customer_ids`, in COLUMNS
    order: their name and company, stage, their part in the health figures
    (lately.health_codes), the rules they need attention for (RULE_BITS), what
    introductions weigh (interests, lifetime value), and the words and ages the
    found rules' wording needs. A query for models.raw_rows."""
    d = _dialect()
    only = "" if customer_ids is None else f" AND ct.customer_id IN ({_ids(customer_ids)})"
    where = d.live if customer_ids is None else f"{d.live} AND c.id IN ({_ids(customer_ids)})"
    age = lambda column: d.age(column, today)  # noqa: E731
    # Each day's age worked out once a customer, in a subquery run on its own (fence).
    facts = f"""
        SELECT c.id AS id, c.name AS name, coalesce(co.name, '') AS company, c.stage AS stage,
               c.interests AS interests, c.channel AS channel, c.account_manager AS manager,
               coalesce(nullif(c.cadence_days, 0), nullif(tc.days, 0), {int(default_cadence)}) AS cadence,
               {age("coalesce(c.customer_since, s.first_purchase_on, "
                    "CASE WHEN c.stage = 'prospect' THEN NULL ELSE c.created_at END)")} AS since_age,
               {age("s.last_outbound_at")} AS out_age, {age("s.last_value_at")} AS value_age,
               s.last_value_kind AS value_kind, {age("s.last_feedback_at")} AS feedback_age,
               {age("s.last_welcome_at")} AS welcome_age, {age("s.last_reactive_sales_at")} AS reactive_age,
               coalesce(s.unanswered_count, 0) AS unanswered, {age("s.first_unanswered_at")} AS unanswered_age,
               {age("s.first_purchase_on")} AS buy_age, coalesce(s.lifetime_cents, 0) AS lifetime
        FROM customer c
        LEFT JOIN company co ON co.id = c.company_id
        LEFT JOIN customer_summary s ON s.customer_id = c.id
        LEFT JOIN {_TAG_CADENCES.format(only=only)} tc ON tc.customer_id = c.id
        WHERE {where} {d.fence}"""
    never = _NEVER.format(never_grace=int(never_grace))
    unanswered = _UNANSWERED.format(unanswered_run=int(unanswered_run))
    rules = _RULES.format(unanswered=unanswered, welcome_window=int(welcome_window), never=never,
                          starved=_STARVED, feedback_every=int(feedback_every))
    # Prospects get only the unanswered run here; former customers none of these.
    sql = f"""
        SELECT id, name, company,
               CASE stage WHEN 'customer' THEN 1 + {HEALTH} * (1
                    + CASE WHEN value_age < cadence THEN 2 ELSE 0 END
                    + CASE WHEN buy_age IS NOT NULL AND (out_age IS NULL OR out_age > buy_age) THEN 4 ELSE 0 END)
                    + {rules}
                    WHEN 'prospect' THEN 2 + {unanswered} ELSE 0 END AS flags,
               interests, lifetime, since_age, buy_age, value_age, cadence, reactive_age, feedback_age, unanswered,
               unanswered_age,
               CASE WHEN unanswered >= {int(unanswered_run)} THEN channel END AS channel,
               CASE WHEN stage = 'customer' AND buy_age <= {int(welcome_window)} THEN manager END AS manager,
               CASE WHEN stage = 'customer' AND value_age IS NOT NULL THEN value_kind END AS value_kind
        FROM ({facts}) f"""
    return SQL(d.sql(sql), [False])


def _day_param(day: date):
    return day if is_server() else day.isoformat()  # dates are ISO text in SQLite


def only_these(column: str, customer_ids) -> str:
    """The condition that `column` is one of `customer_ids` (nothing for None: everyone)."""
    return "" if customer_ids is None else f" AND {column} IN ({_ids(customer_ids)})"


def _query(sql: str, params) -> SQL:
    return SQL(_dialect().sql(sql), list(params))


# The rules' other inputs, written out rather than built with Peewee: they are
# read again after every write, and building the queries cost more than running them.

def unthanked_purchases(before: date, customer_ids=None) -> SQL:
    """(customer, purchased on, purchase, product) not thanked, bought before `before`."""
    return _query("SELECT customer_id, purchased_on, id, product FROM purchase WHERE thanked_by_id IS NULL "
                  "AND deleted_at IS NULL AND purchased_on < ?" + only_these("customer_id", customer_ids),
                  [_day_param(before)])


def follow_ups_due(today: date, customer_ids=None) -> SQL:
    """(customer, interaction, due, summary, kind) of the follow-ups due by `today` and not done."""
    return _query("SELECT customer_id, id, follow_up_on, summary, kind FROM interaction WHERE follow_up_on <= ? "
                  "AND follow_up_done = ? AND deleted_at IS NULL" + only_these("customer_id", customer_ids),
                  [_day_param(today), False])


def unthanked_referrals(since: date, customer_ids=None) -> SQL:
    """(referrer, connected on, connection, referred, the referred's name or None
    if archived or deleted) of the referrals not thanked, made since `since`."""
    return _query("SELECT n.source_id, n.connected_on, n.id, n.target_id, r.name FROM connection n "
                  "LEFT JOIN customer r ON r.id = n.target_id AND r.deleted_at IS NULL AND r.archived = ? "
                  "WHERE n.kind = ? AND n.thanked_by_id IS NULL AND n.deleted_at IS NULL AND n.connected_on >= ?"
                  + only_these("n.source_id", customer_ids) + " ORDER BY n.id",
                  [False, REFERRED, _day_param(since)])


def snoozes(today: date, customer_ids=None) -> SQL:
    """(customer, snooze key) of the snoozes still running after `today`."""
    return _query("SELECT customer_id, reason FROM snooze WHERE until > ?" + only_these("customer_id", customer_ids),
                  [_day_param(today)])


def tags(customer_ids=None) -> SQL:
    """(customer, tag name) of every tag given."""
    return _query("SELECT ct.customer_id, t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
                  + only_these("ct.customer_id", customer_ids), [])


def names(customer_ids) -> list[tuple[int, str, str]]:
    """(customer, name, company) of these customers."""
    return _run(f"SELECT c.id, c.name, coalesce(co.name, '') FROM customer c "
                f"LEFT JOIN company co ON co.id = c.company_id WHERE c.id IN ({_ids(customer_ids)})", [])


def connected_among(customer_ids) -> list[tuple[int, int]]:
    """Live connections, either way, between two of these customers."""
    ids = _ids(customer_ids)
    return _run(f"SELECT source_id, target_id FROM connection WHERE deleted_at IS NULL "
                f"AND source_id IN ({ids}) AND target_id IN ({ids})", [])
