"""The facts the Lately rules read, in the form they read them: the database
works out each customer's stay-in-touch cadence (their own, their tags', the
default) and gives the day of each moment (the rules count whole days), so
Python parses a few thousand distinct days instead of every timestamp; and the
introductions read only their circles' members (names, connections).

Both backends: the SQL is written for SQLite with `?` placeholders, and the
piece that differs (a timestamp's day) comes from _Dialect, as in
journal.reads.customer_pages."""

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
    def day(column: str) -> str:
        """The calendar day of a timestamp (or date) column: ISO text in SQLite."""
        return f"substr({column}, 1, 10)"

    @staticmethod
    def sql(text: str) -> str:
        return text


class _ServerDialect(_Dialect):
    live = "c.deleted_at IS NULL AND c.archived = ?"

    @staticmethod
    def day(column: str) -> str:
        return f"CAST({column} AS date)"

    @staticmethod
    def sql(text: str) -> str:
        return text.replace("?", "%s")


def _dialect():
    return _ServerDialect if is_server() else _Dialect


def _run(sql: str, params) -> list[tuple]:
    return database.execute_sql(_dialect().sql(sql), params).fetchall()


def _ids(customer_ids) -> str:
    return ", ".join(str(int(i)) for i in customer_ids) or "NULL"


# A customer's own cadence wins, then the shortest of their tags', then the default (customers.effective_cadence).
# Everyone's tag cadences at once when reading everyone; a few customers' by their key.
_TAG_CADENCES = ("(SELECT ct.customer_id AS customer_id, min(t.cadence_days) AS days FROM customer_tag ct "
                 "JOIN tag t ON t.id = ct.tag_id WHERE t.cadence_days IS NOT NULL{only} GROUP BY ct.customer_id)")

# Column order of customers(): lately.build_facts reads it.
COLUMNS = ("id", "name", "company", "stage", "channel", "since", "cadence", "interests", "account_manager",
           "last_outbound", "last_value", "last_value_kind", "last_feedback", "last_welcome", "last_reactive_sales",
           "unanswered", "first_unanswered", "first_purchase", "lifetime")


def _facts_sql(default_cadence: int, where: str, customer_ids=None) -> str:
    d = _dialect()
    only = "" if customer_ids is None else f" AND ct.customer_id IN ({_ids(customer_ids)})"
    created = d.day("c.created_at")
    return f"""
        SELECT c.id AS id, c.name AS name, coalesce(co.name, '') AS company, c.stage AS stage, c.channel AS channel,
               coalesce(c.customer_since, s.first_purchase_on,
                        CASE WHEN c.stage = 'prospect' THEN NULL ELSE {created} END) AS since,
               coalesce(nullif(c.cadence_days, 0), nullif(tc.days, 0), {int(default_cadence)}) AS cadence,
               c.interests AS interests, c.account_manager AS account_manager,
               {d.day("s.last_outbound_at")} AS last_outbound, {d.day("s.last_value_at")} AS last_value,
               s.last_value_kind AS last_value_kind, {d.day("s.last_feedback_at")} AS last_feedback,
               {d.day("s.last_welcome_at")} AS last_welcome, {d.day("s.last_reactive_sales_at")} AS last_reactive_sales,
               coalesce(s.unanswered_count, 0) AS unanswered, {d.day("s.first_unanswered_at")} AS first_unanswered,
               s.first_purchase_on AS first_purchase, coalesce(s.lifetime_cents, 0) AS lifetime
        FROM customer c
        LEFT JOIN company co ON co.id = c.company_id
        LEFT JOIN customer_summary s ON s.customer_id = c.id
        LEFT JOIN {_TAG_CADENCES.format(only=only)} tc ON tc.customer_id = c.id
        WHERE {where}"""


def customers(default_cadence: int, customer_ids=None) -> SQL:
    """The live customers (not archived), or those of `customer_ids`, in COLUMNS
    order: a query for models.raw_rows."""
    live = _dialect().live
    where = live if customer_ids is None else f"{live} AND c.id IN ({_ids(customer_ids)})"
    return SQL(_dialect().sql(_facts_sql(default_cadence, where, customer_ids)), [False])


def _day_param(day: date):
    return day if is_server() else day.isoformat()  # dates are ISO text in SQLite


def _only(column: str, customer_ids) -> str:
    return "" if customer_ids is None else f" AND {column} IN ({_ids(customer_ids)})"


def _query(sql: str, params) -> SQL:
    return SQL(_dialect().sql(sql), list(params))


# The rules' other inputs, written out rather than built with Peewee: they are
# read again after every write, and building the queries cost more than running them.

def unthanked_purchases(before: date, customer_ids=None) -> SQL:
    """(customer, purchased on, purchase, product) not thanked, bought before `before`."""
    return _query("SELECT customer_id, purchased_on, id, product FROM purchase WHERE thanked_by_id IS NULL "
                  "AND deleted_at IS NULL AND purchased_on < ?" + _only("customer_id", customer_ids),
                  [_day_param(before)])


def follow_ups_due(today: date, customer_ids=None) -> SQL:
    """(customer, interaction, due, summary, kind) of the follow-ups due by `today` and not done."""
    return _query("SELECT customer_id, id, follow_up_on, summary, kind FROM interaction WHERE follow_up_on <= ? "
                  "AND follow_up_done = ? AND deleted_at IS NULL" + _only("customer_id", customer_ids),
                  [_day_param(today), False])


def unthanked_referrals(since: date, customer_ids=None) -> SQL:
    """(referrer, connected on, connection, referred, the referred's name or None
    if archived or deleted) of the referrals not thanked, made since `since`."""
    return _query("SELECT n.source_id, n.connected_on, n.id, n.target_id, r.name FROM connection n "
                  "LEFT JOIN customer r ON r.id = n.target_id AND r.deleted_at IS NULL AND r.archived = ? "
                  "WHERE n.kind = ? AND n.thanked_by_id IS NULL AND n.deleted_at IS NULL AND n.connected_on >= ?"
                  + _only("n.source_id", customer_ids) + " ORDER BY n.id",
                  [False, REFERRED, _day_param(since)])


def snoozes(today: date, customer_ids=None) -> SQL:
    """(customer, snooze key) of the snoozes still running after `today`."""
    return _query("SELECT customer_id, reason FROM snooze WHERE until > ?" + _only("customer_id", customer_ids),
                  [_day_param(today)])


def tags(customer_ids=None) -> SQL:
    """(customer, tag name) of every tag given."""
    return _query("SELECT ct.customer_id, t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id"
                  + _only("ct.customer_id", customer_ids), [])


def names(customer_ids) -> list[tuple[int, str, str]]:
    """(customer, name, company) of these customers."""
    return _run(f"SELECT c.id, c.name, coalesce(co.name, '') FROM customer c "
                f"LEFT JOIN company co ON co.id = c.company_id WHERE c.id IN ({_ids(customer_ids)})", [])


def connected_among(customer_ids) -> list[tuple[int, int]]:
    """Live connections, either way, between two of these customers."""
    ids = _ids(customer_ids)
    return _run(f"SELECT source_id, target_id FROM connection WHERE deleted_at IS NULL "
                f"AND source_id IN ({ids}) AND target_id IN ({ids})", [])
