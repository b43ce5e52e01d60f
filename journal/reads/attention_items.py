"""The attention list's items made, ordered and counted inside the database,
in temporary tables of the connection that builds them (the Lately panel's
kept thread: ui.common.tasks), so that no Python runs per customer or per
item; the panel reads a page of rows at a time. The introductions are made
in Python (journal.rules.lately) and put in the same table.

`lately_rules` holds each live customer's row of attention_facts.customer_rules
(their stage and health bits, the rules that hold, the ages the words need).
`lately_item` holds the items: customer, name, company, name_key, reason, p6
(priority in sixths), since (a day as an ordinal, or NULL), level, ref_id,
other_id, and n1, n2, s1, s2: the numbers and words its wording needs, by
reason (journal.rules.lately.item_of_row reads them).

journal.rules.lately.read states the same rules in Python, item by item; the
tests hold the two to the same items (tests/journal/test_attention_items.py)."""

from __future__ import annotations

from datetime import date, timedelta

from journal.reads import attention_facts
from journal.reads.attention_facts import only_these
from journal.rules.kinds import REFERRED
from journal.storage.models import database, is_server

TABLE = "lately_item"
RULES = "lately_rules"

def _p6(base: int, urgency: str = "0") -> str:
    """A priority in sixths (journal.rules.lately._p6): the reason's base and a
    sixth more for each day of urgency, up to ten."""
    return f"({base * 6} + (CASE WHEN ({urgency}) < 0 THEN 0 WHEN ({urgency}) > 60 THEN 60 ELSE ({urgency}) END))"


class _Files:
    day_of = staticmethod(lambda column: f"(CAST(julianday({column}) - 0.5 AS INTEGER) + 1 - 1721425)")
    false = 0
    join = "CROSS JOIN"  # SQLite joins in the order written (its planner took the customers first)


class _Server(_Files):
    day_of = staticmethod(lambda column: f"(CAST({column} AS date) - DATE '0001-01-01' + 1)")
    false = False
    join = "JOIN"


def _d():
    return _Server if is_server() else _Files


def _exec(sql: str, params=()):
    return database.execute_sql(attention_facts.sql_for_this_journal(sql), list(params))


def prepare() -> None:
    """Before a whole build, outside any transaction: the tables kept in memory."""
    from journal.storage.db import temporary_tables_in_memory

    temporary_tables_in_memory()


def build(today: date, default_cadence: int, *, bases: dict[str, int], unanswered_run: int, welcome_window: int,
          never_grace: int, feedback_every: int, thank_grace: int, referral_memory: int, customer_ids=None) -> None:
    """Make (or, for `customer_ids`, make again) every item but introductions;
    `bases`: each reason's base priority (journal.rules.lately.REASONS)."""
    t = today.toordinal()
    ids = None if customer_ids is None else sorted(customer_ids)
    rules = _rules_sql(today, default_cadence, ids, unanswered_run, welcome_window, never_grace, feedback_every)
    if ids is None:  # everything again: new tables (indexed when first needed: index_items)
        _exec(f"DROP TABLE IF EXISTS {RULES}")
        _exec(f"DROP TABLE IF EXISTS {TABLE}")
        _exec(f"CREATE TEMP TABLE {RULES} AS {rules}", [False])
        _exec(f"CREATE UNIQUE INDEX {RULES}_id ON {RULES} (id)")
        _exec(f"CREATE TEMP TABLE {TABLE} (customer_id INTEGER, name TEXT, company TEXT, name_key TEXT, "
              "reason TEXT, p6 INTEGER, since INTEGER, level TEXT, ref_id INTEGER, other_id INTEGER, "
              "n1 INTEGER, n2 INTEGER, s1 TEXT, s2 TEXT)")
    else:
        _exec(f"DELETE FROM {RULES} WHERE 1 = 1" + only_these("id", ids))
        _exec(f"DELETE FROM {TABLE} WHERE reason <> 'introduction'" + only_these("customer_id", ids))  # those are put apart
        _exec(f"INSERT INTO {RULES} {rules}", [False])
    rid = only_these("r.id", ids)
    B = attention_facts.RULE_BITS
    cols = "customer_id, name, company, name_key, reason, p6, since, level, ref_id, other_id, n1, n2, s1, s2"
    head = "SELECT r.id, r.name, r.company, lower(r.name)"
    age = "coalesce(r.value_age, r.since_age)"
    _exec(f"""INSERT INTO {TABLE} ({cols})
        {head}, 'cadence', {_p6(bases['cadence'], f'{age} - r.cadence')}, {t} - ({age} - r.cadence),
               CASE WHEN r.flags & {B['overdue']} = {B['overdue']} THEN 'overdue' ELSE 'due' END, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER),
               {age}, r.cadence, r.value_kind, r.interests
          FROM {RULES} r WHERE r.flags & {B['cadence']} = {B['cadence']}{rid}
        UNION ALL
        {head}, 'no_feedback', {_p6(bases['no_feedback'])}, NULL, NULL, NULL, NULL,
               r.since_age, {t} - r.feedback_age, NULL, NULL
          FROM {RULES} r WHERE r.flags & {B['no_feedback']} = {B['no_feedback']}{rid}
        UNION ALL
        {head}, 'unanswered', {_p6(bases['unanswered'], 'r.unanswered_age')}, {t} - r.unanswered_age, NULL, NULL, NULL,
               r.unanswered, NULL, r.channel, NULL
          FROM {RULES} r WHERE r.flags & {B['unanswered']} = {B['unanswered']}{rid}
        UNION ALL
        {head}, 'welcome', {_p6(bases['welcome'], 'r.buy_age')}, {t} - r.buy_age, NULL, NULL, NULL,
               NULL, NULL, r.manager, NULL
          FROM {RULES} r WHERE r.flags & {B['welcome']} = {B['welcome']}{rid}
        UNION ALL
        {head}, 'never_contacted', {_p6(bases['never_contacted'], 'r.buy_age')}, {t} - r.buy_age, NULL, NULL, NULL,
               r.buy_age, NULL, NULL, NULL
          FROM {RULES} r WHERE r.flags & {B['never_contacted']} = {B['never_contacted']}{rid}
        UNION ALL
        {head}, 'only_reactive_sales', {_p6(bases['only_reactive_sales'], 'r.reactive_age')}, NULL, NULL, NULL, NULL,
               2 * r.cadence, NULL, NULL, r.interests
          FROM {RULES} r WHERE r.flags & {B['only_reactive_sales']} = {B['only_reactive_sales']}{rid}""")
    d = _d()
    pid = only_these("customer_id", ids)
    before = (today - timedelta(days=thank_grace))
    day_param = before if is_server() else before.isoformat()
    # One item per customer (at the customer stage) with purchases not thanked:
    # the oldest names it; the newest says whether it is a return customer.
    _exec(f"""INSERT INTO {TABLE} ({cols})
        SELECT r.id, r.name, r.company, lower(r.name),
               CASE WHEN (r.buy_age IS NOT NULL AND {t} - {d.day_of('p.newest_on')} < r.buy_age)
                         OR coalesce(r.since_age - ({t} - {d.day_of('p.newest_on')}), 0) >= 365
                    THEN 'return_customer' ELSE 'unthanked_purchase' END,
               CASE WHEN (r.buy_age IS NOT NULL AND {t} - {d.day_of('p.newest_on')} < r.buy_age)
                         OR coalesce(r.since_age - ({t} - {d.day_of('p.newest_on')}), 0) >= 365
                    THEN {_p6(bases['return_customer'], f"{t} - {d.day_of('p.oldest')}")} ELSE {_p6(bases['unthanked_purchase'], f"{t} - {d.day_of('p.oldest')}")} END,
               {d.day_of('p.oldest')}, NULL, o.id, NULL, p.n, coalesce(r.since_age, 0), o.product, NULL
        FROM (SELECT customer_id, count(*) AS n, min(purchased_on) AS oldest, max(purchased_on) AS newest_on
              FROM purchase WHERE thanked_by_id IS NULL AND deleted_at IS NULL AND purchased_on < ?{pid}
              GROUP BY customer_id) p
        {d.join} {RULES} r ON r.id = p.customer_id AND r.flags & 1 = 1
        {d.join} purchase o ON o.id = (SELECT min(x.id) FROM purchase x WHERE x.customer_id = p.customer_id
                                   AND x.purchased_on = p.oldest AND x.thanked_by_id IS NULL AND x.deleted_at IS NULL)""", [day_param])
    due = today if is_server() else today.isoformat()
    _exec(f"""INSERT INTO {TABLE} ({cols})
        SELECT r.id, r.name, r.company, lower(r.name), 'follow_up_due',
               {_p6(bases['follow_up_due'], f"{t} - {d.day_of('i.follow_up_on')}")}, {d.day_of('i.follow_up_on')},
               NULL, i.id, NULL, {t} - {d.day_of('i.follow_up_on')}, NULL, i.summary, i.kind
        FROM (SELECT customer_id, id, follow_up_on, summary, kind FROM interaction
              WHERE follow_up_on <= ? AND follow_up_done = ? AND deleted_at IS NULL{pid}) i
        {d.join} {RULES} r ON r.id = i.customer_id""", [due, d.false])
    since = today - timedelta(days=referral_memory)
    since_param = since if is_server() else since.isoformat()
    # Each referrer's referrals not thanked, one item: the oldest (by day, then id)
    # names it, and the names come in that order (a window, whose order is kept).
    names = "string_agg(coalesce(c.name, 'someone'), chr(31))" if is_server() else \
        "group_concat(coalesce(c.name, 'someone'), char(31))"
    _exec(f"""INSERT INTO {TABLE} ({cols})
        SELECT r.id, r.name, r.company, lower(r.name), 'referral_unthanked',
               {_p6(bases['referral_unthanked'], f"{t} - {d.day_of('g.connected_on')}")}, {d.day_of('g.connected_on')},
               NULL, g.id, NULL, NULL, NULL, g.names, NULL
        FROM (SELECT n.source_id, n.id, n.connected_on,
                     {names} OVER (PARTITION BY n.source_id ORDER BY n.connected_on, n.id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS names,
                     row_number() OVER (PARTITION BY n.source_id ORDER BY n.connected_on, n.id) AS k
              FROM connection n
              LEFT JOIN customer c ON c.id = n.target_id AND c.deleted_at IS NULL AND c.archived = ?
              WHERE n.kind = ? AND n.thanked_by_id IS NULL AND n.deleted_at IS NULL AND n.connected_on >= ?
                    {only_these("n.source_id", ids)}) g
        {d.join} {RULES} r ON r.id = g.source_id
        WHERE g.k = 1""", [d.false, REFERRED, since_param])
    # Snoozed items leave.
    until = today if is_server() else today.isoformat()
    _exec(f"""DELETE FROM {TABLE} WHERE EXISTS (
        SELECT 1 FROM snooze s WHERE s.customer_id = {TABLE}.customer_id AND s.until > ?
          AND s.reason = CASE WHEN {TABLE}.reason = 'follow_up_due'
                              THEN 'follow_up_due:' || {TABLE}.ref_id ELSE {TABLE}.reason END){pid}""",
          [until])


def _rules_sql(today, default_cadence, ids, unanswered_run, welcome_window, never_grace, feedback_every) -> str:
    q = attention_facts.customer_rules(today, default_cadence, ids, unanswered_run=unanswered_run,
                                       welcome_window=welcome_window, never_grace=never_grace,
                                       feedback_every=feedback_every)
    return q.sql


_NAME_KEY = {"sqlite": "name_key", "server": 'name_key COLLATE "C"'}
ORDER = "p6 DESC, {name_key}, customer_id, reason, coalesce(ref_id, 0), coalesce(other_id, 0)"
COLUMNS = "customer_id, name, company, reason, p6, since, level, ref_id, other_id, n1, n2, s1, s2"


def _order() -> str:
    return ORDER.format(name_key=_NAME_KEY["server" if is_server() else "sqlite"])


def index_items() -> None:
    """The panel's order, and each customer's items, by index: made when first
    needed (a page after the first, an update), not before the list is first
    shown (the first page is the top of a sort: 1 ms at 5k, 11 at 50k, against
    5 and 40 ms for the index)."""
    _exec(f"CREATE INDEX IF NOT EXISTS {TABLE}_order ON {TABLE} ({_order()})")
    _exec(f"CREATE INDEX IF NOT EXISTS {TABLE}_customer ON {TABLE} (customer_id)")


def mark() -> int:
    """After a whole build: a new number for the tables as they are now, which
    the state made with them keeps (made_by). Anything else that builds in the
    same connection (a test, a benchmark) gives another."""
    global _marks
    _marks += 1
    _exec(f"DROP TABLE IF EXISTS {TABLE}_mark")
    _exec(f"CREATE TEMP TABLE {TABLE}_mark (mark INTEGER)")
    _exec(f"INSERT INTO {TABLE}_mark VALUES ({_marks})")
    return _marks


_marks = 0


def made_by(mark: int) -> bool:
    """Whether this connection holds the tables marked `mark` (a connection made
    again after it was lost has none; another build has another mark)."""
    from journal.storage.db import temporary_table_exists

    return temporary_table_exists(f"{TABLE}_mark") and _exec(f"SELECT mark FROM {TABLE}_mark").fetchone() == (mark,)


def counts(customer_ids=None) -> dict[str, int]:
    """How many items of each reason (of `customer_ids`' but introductions, when given)."""
    where = "" if customer_ids is None else " WHERE reason <> 'introduction'" + only_these("customer_id", customer_ids)
    return dict(_exec(f"SELECT reason, count(*) FROM {TABLE}{where} GROUP BY reason").fetchall())


def page(offset: int, limit: int, reason: str | None = None) -> list[tuple]:
    """Rows `offset` to `offset + limit` in the panel's order, of one reason or all."""
    where = "" if reason is None else " WHERE reason = ?"
    return _exec(f"SELECT {COLUMNS} FROM {TABLE}{where} ORDER BY {_order()} LIMIT {int(limit)} OFFSET {int(offset)}",
                 [reason] if reason else []).fetchall()


def health(customer_ids=None) -> tuple[int, int, int]:
    """(customers, within their cadence, silent since the first sale) of everyone
    at the customer stage, or of those of `customer_ids` (lately.health_codes)."""
    h = attention_facts.HEALTH
    row = _exec(f"SELECT count(*), coalesce(sum((flags / {h * 2}) & 1), 0), coalesce(sum((flags / {h * 4}) & 1), 0) "
                f"FROM {RULES} WHERE flags & 1 = 1" + only_these("id", customer_ids)).fetchone()
    return tuple(int(n) for n in row)


def people(customer_ids=None) -> list[tuple]:
    """(customer, is a customer, interests, lifetime) of the customers and
    prospects with an interest or a tag (who could be introduced), the most
    valuable first: customers before prospects, then by lifetime value, then id
    (lately.circle_rank)."""
    return _exec(f"SELECT r.id, r.flags & 1, r.interests, r.lifetime FROM {RULES} r "
                 f"WHERE r.flags & 3 <> 0 AND (r.interests <> '' "
                 f"OR r.id IN (SELECT customer_id FROM customer_tag))"
                 + only_these("r.id", customer_ids) + " ORDER BY r.flags & 1 DESC, r.lifetime DESC, r.id").fetchall()


def put_introductions(rows) -> None:
    """The introductions in place of those there: rows of (customer, name,
    company, p6, other, shared topics joined by \x1f, the other's name)."""
    _exec(f"DELETE FROM {TABLE} WHERE reason = 'introduction'")
    if rows:  # (25 at most: one statement)
        _exec(f"INSERT INTO {TABLE} (customer_id, name, company, name_key, reason, p6, other_id, s1, s2) VALUES "
              + ", ".join(["(?, ?, ?, lower(?), 'introduction', ?, ?, ?, ?)"] * len(rows)),
              [value for cid, name, company, p6, other, shared, other_name in rows
               for value in (cid, name, company, name, p6, other, shared, other_name)])
