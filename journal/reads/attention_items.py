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

import json
import re
from collections import defaultdict
from datetime import date, timedelta

from journal.reads import attention_facts
from journal.reads.attention_facts import only_these
from journal.storage.models import database, is_server
from journal.storage.open_items import OPEN_FOLLOW_UP, UNTHANKED_PURCHASE, UNTHANKED_REFERRAL, table_of

TABLE = "lately_item"
RULES = "lately_rules"

def _p6(base: int, urgency: str = "0") -> str:
    """A priority in sixths (journal.rules.lately._p6): the reason's base and a
    sixth more for each day of urgency, up to ten."""
    return f"({base * 6} + (CASE WHEN ({urgency}) < 0 THEN 0 WHEN ({urgency}) > 60 THEN 60 ELSE ({urgency}) END))"


class _Files:
    day_of = staticmethod(lambda column: f"(CAST(julianday({column}) - 0.5 AS INTEGER) + 1 - 1721425)")
    date_of = staticmethod(lambda ordinal: f"date({ordinal} + 1721424.5)")  # day_of's inverse: the date as the column holds it
    false = 0
    join = "CROSS JOIN"  # SQLite joins in the order written (its planner took the customers first)
    by_whole_text = ""  # an index on a text that may be long (SQLite's have no limit)

    @staticmethod
    def make_rules(rules: str) -> list[str]:
        """The statements that make lately_rules of the rules' SELECT. On SQLite
        keyed by the customer as the table's own key (INTEGER PRIMARY KEY),
        filled in that order: no index made afterwards (11 ms at 50,000
        customers), a lookup by customer one search; its columns without
        types, so no conversions on the way in (4 ms)."""
        columns = ", ".join("id INTEGER PRIMARY KEY" if column == "id" else column
                            for column in attention_facts.COLUMNS)
        return [f"CREATE TEMP TABLE {RULES} ({columns})", f"INSERT INTO {RULES} {rules}"]

    @staticmethod
    def one_of(column: str) -> str:
        """`column` is one of the texts of a list given as one parameter (list_param)."""
        return f"{column} IN (SELECT value FROM json_each(?))"

    @staticmethod
    def list_param(texts: list[str]):
        return json.dumps(texts)

    @staticmethod
    def set_mark(number: int) -> None:
        _exec(f"DROP TABLE IF EXISTS {TABLE}_mark")
        _exec(f"CREATE TEMP TABLE {TABLE}_mark (mark INTEGER)")
        _exec(f"INSERT INTO {TABLE}_mark VALUES ({int(number)})")

    @staticmethod
    def get_mark() -> int | None:
        from journal.storage.db import temporary_table_exists

        if not temporary_table_exists(f"{TABLE}_mark"):
            return None
        row = _exec(f"SELECT mark FROM {TABLE}_mark").fetchone()
        return row[0] if row else None

    @staticmethod
    def drop_tables() -> None:
        _exec(f"DROP TABLE IF EXISTS {RULES}")
        _exec(f"DROP TABLE IF EXISTS {TABLE}")

    @staticmethod
    def rows_of(index: str, alias: str) -> str:
        """`FROM` one of INDEXES' tables as `alias`, read by that index: SQLite's
        planner preferred the index of thanked_by_id (every row thanked by none)
        to the partial one, and then looked each row up in the table. (It fails
        if the index cannot serve the statement's conditions.)"""
        return f"{table_of(index)} {alias} INDEXED BY {index}"


class _Server(_Files):
    day_of = staticmethod(lambda column: f"(CAST({column} AS date) - DATE '0001-01-01' + 1)")
    date_of = staticmethod(lambda ordinal: f"(DATE '0001-01-01' + ({ordinal} - 1))")
    false = False
    join = "JOIN"
    # A server's btree index takes at most about 2,700 bytes a row, and interests
    # may be 10,000 characters; a hash index keeps a hash of each.
    by_whole_text = "USING hash "

    @staticmethod
    def make_rules(rules: str) -> list[str]:
        # A server fills a table made of the SELECT faster than one with a key
        # (12 + 1.4 ms against 16-18 at 5,000 customers); its text columns are
        # then the journal's own, COLLATE "C" (lower() folds ASCII letters only).
        return [f"CREATE TEMP TABLE {RULES} AS {rules}", f"CREATE UNIQUE INDEX {RULES}_id ON {RULES} (id)"]

    @staticmethod
    def one_of(column: str) -> str:
        return f"{column} = ANY(?)"

    @staticmethod
    def list_param(texts: list[str]):
        return list(texts)

    @staticmethod
    def set_mark(number: int) -> None:
        # A setting of the connection rather than a table: one statement, no
        # table dropped and made again in the server's catalog; and made_by, which
        # every page asks, is one round trip, not two. (Rolled back with the build.)
        _exec("SELECT set_config('lately.mark', ?, false)", [str(number)])

    @staticmethod
    def get_mark() -> int | None:
        value = _exec("SELECT current_setting('lately.mark', true)").fetchone()[0]
        return int(value) if value else None

    @staticmethod
    def drop_tables() -> None:
        _exec(f"DROP TABLE IF EXISTS {RULES}, {TABLE}")

    @staticmethod
    def rows_of(index: str, alias: str) -> str:
        return f"{table_of(index)} {alias}"


# The rules whose items come of a customer's row of lately_rules alone, but the cadence.
_OTHER_RULES = ("no_feedback", "unanswered", "welcome", "never_contacted", "only_reactive_sales")


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
        _d().drop_tables()
        for statement in _d().make_rules(rules):
            _exec(statement, [False] if rules in statement else [])
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
    # The other rules' items in one reading of the table, not one each (joined
    # with a row per rule; 15 ms less at 50,000 customers); the values by rule:
    other = {"no_feedback": dict(p6=_p6(bases["no_feedback"]), n1="r.since_age", n2=f"{t} - r.feedback_age"),
             "unanswered": dict(p6=_p6(bases["unanswered"], "r.unanswered_age"), since=f"{t} - r.unanswered_age",
                                n1="r.unanswered", s1="r.channel"),
             "welcome": dict(p6=_p6(bases["welcome"], "r.buy_age"), since=f"{t} - r.buy_age", s1="r.manager"),
             "never_contacted": dict(p6=_p6(bases["never_contacted"], "r.buy_age"), since=f"{t} - r.buy_age",
                                     n1="r.buy_age"),
             "only_reactive_sales": dict(p6=_p6(bases["only_reactive_sales"], "r.reactive_age"), n1="2 * r.cadence",
                                         s2="r.interests")}
    reasons = " UNION ALL ".join(f"SELECT {B[reason]} AS bit, '{reason}' AS reason" for reason in _OTHER_RULES)

    def by_reason(column: str) -> str:
        arms = " ".join(f"WHEN {B[reason]} THEN {other[reason][column]}" for reason in _OTHER_RULES
                        if column in other[reason])
        return f"CASE k.bit {arms} END"

    _exec(f"""INSERT INTO {TABLE} ({cols})
        {head}, 'cadence', {_p6(bases['cadence'], f'{age} - r.cadence')}, {t} - ({age} - r.cadence),
               CASE WHEN r.flags & {B['overdue']} = {B['overdue']} THEN 'overdue' ELSE 'due' END, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER),
               {age}, r.cadence, r.value_kind, r.interests
          FROM {RULES} r WHERE r.flags & {B['cadence']} = {B['cadence']}{rid}
        UNION ALL
        {head}, k.reason, {by_reason('p6')}, {by_reason('since')}, NULL, NULL, NULL,
               {by_reason('n1')}, {by_reason('n2')}, {by_reason('s1')}, {by_reason('s2')}
          FROM {RULES} r CROSS JOIN ({reasons}) k
         WHERE r.flags & {sum(B[reason] for reason in _OTHER_RULES)} <> 0 AND r.flags & k.bit = k.bit{rid}""")
    d = _d()
    pid = only_these("customer_id", ids)
    before = (today - timedelta(days=thank_grace))
    day_param = before if is_server() else before.isoformat()
    # One item per customer (at the customer stage) with purchases not thanked:
    # the oldest names it (which one, and its product, are read with the page:
    # page(); 10 ms less at 50,000 customers than finding it for every item); the
    # newest says whether it is a return customer. From their index alone (journal.storage.open_items).
    fence = attention_facts.fence()
    returning = f"(r.buy_age IS NOT NULL AND {t} - p.newest < r.buy_age) OR coalesce(r.since_age - ({t} - p.newest), 0) >= 365"
    _exec(f"""INSERT INTO {TABLE} ({cols})
        SELECT r.id, r.name, r.company, lower(r.name),
               CASE WHEN {returning} THEN 'return_customer' ELSE 'unthanked_purchase' END,
               CASE WHEN {returning} THEN {_p6(bases['return_customer'], f"{t} - p.since")}
                    ELSE {_p6(bases['unthanked_purchase'], f"{t} - p.since")} END,
               p.since, NULL, NULL, NULL, p.n, coalesce(r.since_age, 0), NULL, NULL
        FROM (SELECT customer_id, n, {d.day_of('oldest')} AS since, {d.day_of('newest')} AS newest
              FROM (SELECT customer_id, count(*) AS n, min(purchased_on) AS oldest, max(purchased_on) AS newest
                    FROM {d.rows_of('purchase_unthanked', 'u')} WHERE {UNTHANKED_PURCHASE.format(t="u")}
                         AND u.purchased_on < ?{only_these("u.customer_id", ids)}
                    GROUP BY customer_id) g {fence}) p
        {d.join} {RULES} r ON r.id = p.customer_id AND r.flags & 1 = 1""", [day_param])
    due = today if is_server() else today.isoformat()
    # The follow-ups due (their words are read with the page), from their index alone.
    _exec(f"""INSERT INTO {TABLE} ({cols})
        SELECT r.id, r.name, r.company, lower(r.name), 'follow_up_due',
               {_p6(bases['follow_up_due'], f"{t} - {d.day_of('i.follow_up_on')}")}, {d.day_of('i.follow_up_on')},
               NULL, i.id, NULL, {t} - {d.day_of('i.follow_up_on')}, NULL, NULL, NULL
        FROM (SELECT customer_id, id, follow_up_on FROM {d.rows_of('interaction_follow_up_open', 'u')}
              WHERE u.follow_up_on <= ? AND {OPEN_FOLLOW_UP.format(t="u")}{only_these("u.customer_id", ids)}) i
        {d.join} {RULES} r ON r.id = i.customer_id""", [due])
    since = today - timedelta(days=referral_memory)
    since_param = since if is_server() else since.isoformat()
    # Each referrer's referrals not thanked, one item: the oldest (by day, then
    # id) names it; the names of all are read with the page (page()).
    _exec(f"""INSERT INTO {TABLE} ({cols})
        SELECT r.id, r.name, r.company, lower(r.name), 'referral_unthanked',
               {_p6(bases['referral_unthanked'], f"{t} - {d.day_of('g.oldest')}")}, {d.day_of('g.oldest')},
               NULL, (SELECT min(x.id) FROM {d.rows_of('connection_referral_unthanked', 'x')}
                      WHERE x.source_id = g.source_id AND x.connected_on = g.oldest
                        AND {UNTHANKED_REFERRAL.format(t="x")}),
               NULL, NULL, NULL, NULL, NULL
        FROM (SELECT source_id, min(connected_on) AS oldest FROM {d.rows_of('connection_referral_unthanked', 'u')}
              WHERE {UNTHANKED_REFERRAL.format(t="u")} AND u.connected_on >= ?{only_these("u.source_id", ids)}
              GROUP BY source_id) g
        {d.join} {RULES} r ON r.id = g.source_id""", [since_param])
    # Snoozed items leave. Snoozes are few, and often none: only the items of
    # the customers who have one are looked at (a scan of the items otherwise).
    until = today if is_server() else today.isoformat()
    snoozed = f"SELECT customer_id FROM snooze WHERE until > ?{only_these('customer_id', ids)}"
    if _exec(snoozed + " LIMIT 1", [until]).fetchone() is not None:
        _exec(f"""DELETE FROM {TABLE} WHERE customer_id IN ({snoozed}) AND EXISTS (
            SELECT 1 FROM snooze s WHERE s.customer_id = {TABLE}.customer_id AND s.until > ?
              AND s.reason = CASE WHEN {TABLE}.reason = 'follow_up_due'
                                  THEN 'follow_up_due:' || {TABLE}.ref_id ELSE {TABLE}.reason END){pid}""",
              [until, until])


def _rules_sql(today, default_cadence, ids, unanswered_run, welcome_window, never_grace, feedback_every) -> str:
    q = attention_facts.customer_rules(today, default_cadence, ids, unanswered_run=unanswered_run,
                                       welcome_window=welcome_window, never_grace=never_grace,
                                       feedback_every=feedback_every)
    return q.sql


_NAME_KEY = {"sqlite": "name_key", "server": 'name_key COLLATE "C"'}
ORDER = "p6 DESC, {name_key}, customer_id, reason, coalesce(ref_id, 0), coalesce(other_id, 0)"
COLUMNS = "customer_id, name, company, reason, p6, since, level, ref_id, other_id, n1, n2, s1, s2"


def _order(of: str = "") -> str:
    """The panel's order, of the columns of the table `of` (an alias and a dot) or of the only one."""
    key = ORDER.format(name_key=_NAME_KEY["server" if is_server() else "sqlite"])
    return key if not of else re.sub(r"\b(p6|name_key|customer_id|reason|ref_id|other_id)\b", of + r"\1", key)


def index_items() -> None:
    """The panel's order, and each customer's items, by index: made when first
    needed (a page after the first, an update), not before the list is first
    shown (the first page is the top of a sort: 1 ms at 5k, 11 at 50k, against
    5 and 40 ms for the index)."""
    _exec(f"CREATE INDEX IF NOT EXISTS {TABLE}_order ON {TABLE} ({_order()})")
    _exec(f"CREATE INDEX IF NOT EXISTS {TABLE}_customer ON {TABLE} (customer_id)")
    # A circle ranked again (people_with): those who write interests in one of some ways.
    _exec(f"CREATE INDEX IF NOT EXISTS {RULES}_interests ON {RULES} {_d().by_whole_text}(interests)")


def mark() -> int:
    """After a whole build: a new number for the tables as they are now, which
    the state made with them keeps (made_by). Anything else that builds in the
    same connection (a test, a benchmark) gives another."""
    global _marks
    _marks += 1
    _d().set_mark(_marks)
    return _marks


_marks = 0


def made_by(mark: int) -> bool:
    """Whether this connection holds the tables marked `mark` (a connection made
    again after it was lost has none; another build has another mark)."""
    return _d().get_mark() == mark


def counts(customer_ids=None) -> dict[str, int]:
    """How many items of each reason (of `customer_ids`' but introductions, when given)."""
    where = "" if customer_ids is None else " WHERE reason <> 'introduction'" + only_these("customer_id", customer_ids)
    return dict(_exec(f"SELECT reason, count(*) FROM {TABLE}{where} GROUP BY reason").fetchall())


def page(offset: int, limit: int, reason: str | None = None) -> list[tuple]:
    """Rows `offset` to `offset + limit` in the panel's order, of one reason or
    all, in COLUMNS order; with their words, which build() leaves to be read
    here for the few rows shown: a purchase's product, a follow-up's summary and
    kind, the names of those a referrer referred."""
    # (A row whose purchase or note has gone since the list was made, removed
    # outright by a colleague, has empty words until the refresh takes it out.)
    # A purchase item's purchase is the oldest not thanked on its day (build()),
    # looked up for the rows of the page only (a server worked it out for every
    # row the OFFSET skipped when it stood beside the LIMIT: 41 ms, not 4, for a
    # page 20,000 rows down).
    d = _d()
    where = "" if reason is None else " WHERE reason = ?"
    rows = _exec(f"""SELECT i.customer_id, i.name, i.company, i.reason, i.p6, i.since, i.level, i.ref_id, i.other_id,
                            i.n1, i.n2,
                            CASE WHEN i.reason IN ('unthanked_purchase', 'return_customer') THEN coalesce(o.product, '')
                                 WHEN i.reason = 'follow_up_due' THEN coalesce(f.summary, '') ELSE i.s1 END,
                            CASE WHEN i.reason = 'follow_up_due' THEN coalesce(f.kind, 'note') ELSE i.s2 END
                     FROM (SELECT j.customer_id, j.name, j.company, j.name_key, j.reason, j.p6, j.since, j.level,
                                  j.other_id, j.n1, j.n2, j.s1, j.s2,
                                  CASE WHEN j.reason IN ('unthanked_purchase', 'return_customer') THEN
                                       (SELECT min(x.id) FROM {d.rows_of('purchase_unthanked', 'x')}
                                         WHERE x.customer_id = j.customer_id AND x.purchased_on = {d.date_of('j.since')}
                                           AND {UNTHANKED_PURCHASE.format(t="x")})
                                       ELSE j.ref_id END AS ref_id
                           FROM (SELECT * FROM {TABLE}{where} ORDER BY {_order()}
                                 LIMIT {int(limit)} OFFSET {int(offset)}) j) i
                     LEFT JOIN purchase o ON i.reason IN ('unthanked_purchase', 'return_customer') AND o.id = i.ref_id
                     LEFT JOIN interaction f ON i.reason = 'follow_up_due' AND f.id = i.ref_id
                     ORDER BY {_order("i.")}""", [reason] if reason else []).fetchall()
    referrers = {row[0]: row[5] for row in rows if row[3] == "referral_unthanked"}
    if not referrers:
        return rows
    names = defaultdict(list)
    for source, day, name in _exec(
            f"""SELECT n.source_id, {d.day_of('n.connected_on')}, coalesce(c.name, 'someone')
                FROM {d.rows_of('connection_referral_unthanked', 'n')}
                LEFT JOIN customer c ON c.id = n.target_id AND c.deleted_at IS NULL AND c.archived = ?
                WHERE {UNTHANKED_REFERRAL.format(t="n")} AND n.connected_on >= ?{only_these("n.source_id", referrers)}
                ORDER BY n.source_id, n.connected_on, n.id""",
            [d.false, _day(min(referrers.values()))]).fetchall():
        if day >= referrers[source]:  # its item's day is the oldest remembered: all those since are remembered
            names[source].append(name)
    return [row[:11] + ("\x1f".join(names[row[0]]),) + row[12:] if row[3] == "referral_unthanked" else row
            for row in rows]


def _day(ordinal: int):
    """A day given as an ordinal, as the journal's backend takes a date."""
    day = date.fromordinal(ordinal)
    return day if is_server() else day.isoformat()


def health(customer_ids=None) -> tuple[int, int, int]:
    """(customers, within their cadence, silent since the first sale) of everyone
    at the customer stage, or of those of `customer_ids` (lately.health_codes)."""
    h = attention_facts.HEALTH
    row = _exec(f"SELECT count(*), coalesce(sum((flags / {h * 2}) & 1), 0), coalesce(sum((flags / {h * 4}) & 1), 0) "
                f"FROM {RULES} WHERE flags & 1 = 1" + only_these("id", customer_ids)).fetchone()
    return tuple(int(n) for n in row)


# Who could be introduced: customers and prospects with an interest or a tag,
# the most valuable first (customers before prospects, then by lifetime value,
# then id: lately.circle_rank).
_PEOPLE = "r.flags & 3 <> 0 AND (r.interests <> '' OR r.id IN (SELECT customer_id FROM customer_tag))"
_RANK = "r.flags & 1 DESC, r.lifetime DESC, r.id"
_PERSON = f"SELECT r.id, r.flags & 1, r.interests, r.lifetime FROM {RULES} r"


def people(customer_ids=None) -> list[tuple]:
    """(customer, is a customer, interests, lifetime) of everyone who could be
    introduced, or of those of `customer_ids`, the most valuable first."""
    return _exec(f"{_PERSON} WHERE {_PEOPLE}{only_these('r.id', customer_ids)} ORDER BY {_RANK}").fetchall()


def people_ranked(offset: int, limit: int) -> list[tuple]:
    """people() from the `offset`th most valuable, `limit` of them."""
    return _exec(f"{_PERSON} WHERE {_PEOPLE} ORDER BY {_RANK} LIMIT {int(limit)} OFFSET {int(offset)}").fetchall()


def people_with(interests, tag_ids, limit: int | None = None) -> list[tuple]:
    """people() whose interests are written as one of `interests` or who have
    one of the tags `tag_ids`, the most valuable first (the first `limit`)."""
    d = _d()
    where, params = [], []
    if interests:
        where.append(d.one_of("r.interests"))
        params.append(d.list_param(sorted(interests)))
    if tag_ids:
        where.append(f"r.id IN (SELECT customer_id FROM customer_tag WHERE tag_id IN "
                     f"({', '.join(str(int(i)) for i in sorted(tag_ids))}))")
    if not where:
        return []
    return _exec(f"{_PERSON} WHERE r.flags & 3 <> 0 AND ({' OR '.join(where)}) ORDER BY {_RANK}"
                 + (f" LIMIT {int(limit)}" if limit else ""), params).fetchall()


def tags_named(topic: str) -> set[int]:
    """The tags that are `topic` in small letters (lately._tags lowers them so)."""
    return {tag for tag, name in _exec("SELECT id, name FROM tag").fetchall() if name.lower() == topic}


def interests_counted() -> list[tuple[str, int]]:
    """(interests as written, how many have them) among everyone who could be introduced."""
    return _exec(f"SELECT r.interests, count(*) FROM {RULES} r WHERE r.flags & 3 <> 0 AND r.interests <> '' "
                 "GROUP BY r.interests").fetchall()


def tags_counted() -> list[tuple[int, str, int]]:
    """(tag, its name, how many have it) among everyone who could be introduced."""
    return _exec(f"SELECT t.id, t.name, count(*) FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id "
                 f"JOIN {RULES} r ON r.id = ct.customer_id WHERE r.flags & 3 <> 0 GROUP BY t.id, t.name").fetchall()


def put_introductions(rows, *, fresh: bool = False) -> None:
    """The introductions in place of those there (`fresh`: there are none, the
    table was just made): rows of (customer, name, company, p6, other, the
    topics both care about joined by \x1f and then, after \x1e, those both are
    only tagged, the other's name: lately.introduction_rows)."""
    if not fresh:
        _exec(f"DELETE FROM {TABLE} WHERE reason = 'introduction'")
    if rows:  # (25 at most: one statement)
        _exec(f"INSERT INTO {TABLE} (customer_id, name, company, name_key, reason, p6, other_id, s1, s2) VALUES "
              + ", ".join(["(?, ?, ?, lower(?), 'introduction', ?, ?, ?, ?)"] * len(rows)),
              [value for cid, name, company, p6, other, shared, other_name in rows
               for value in (cid, name, company, name, p6, other, shared, other_name)])
