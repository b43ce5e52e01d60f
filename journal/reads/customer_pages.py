"""The customer list a page at a time: sorting, filtering and days overdue
done in SQL, so the list costs the same to open at 50,000 customers as at
5,000 (the window reads only the rows it shows). A ListQuery says what the
list shows; count(), page() and position() answer for it.

Both backends: the SQL is written for SQLite, with `?` placeholders, and the
few pieces that differ come from _Dialect (days between dates: julianday on
SQLite, date - date on PostgreSQL; name order: NOCASE on SQLite,
lower(name) COLLATE "C" on PostgreSQL, both folding ASCII letters only)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from itertools import product

from journal.reads import search
from journal.writes import settings
from journal.writes.customers import CustomerRow
from journal.storage.models import database, is_server, parsers

SORTS = ("name", "company", "stage", "since", "last_contact", "last_value", "overdue")

# The list's first order (by name) and its count straight from an index: the
# first page at any size reads a page of index entries, not every customer.
# NOCASE folds ASCII letters only, as lower() does without ICU.
# With company_id in it, the find box's short words are checked on the index alone.
INDEX = ("CREATE INDEX IF NOT EXISTS customer_list_order "
         "ON customer (archived, deleted_at, name COLLATE NOCASE, id, company_id)")
# PostgreSQL's: the same columns, the name as the key the list sorts by there.
SERVER_INDEX = ("CREATE INDEX IF NOT EXISTS customer_list_order "
                "ON customer (archived, deleted_at, (lower(name)) COLLATE \"C\", id, company_id)")


def install(db) -> None:
    db.execute_sql(SERVER_INDEX if is_server(db) else INDEX)


class _Dialect:
    """SQLite's pieces of the list's SQL (the server's below)."""
    # The day a customer (not a prospect) with no other date was created.
    created_day = "substr(c.created_at, 1, 10)"
    find = "instr"  # instr(text, part) > 0 / strpos(text, part) > 0
    plus = "+"  # keeps SQLite's planner off the name index when the trigram index finds the customers

    @staticmethod
    def name_key(column: str) -> str:
        return f"{column} COLLATE NOCASE"

    @staticmethod
    def days(today: str, day: str) -> str:
        return f"CAST(round(julianday({today}) - julianday(substr({day}, 1, 10))) AS INTEGER)"

    @staticmethod
    def nullable(column: str) -> str:
        """A key where a missing value sorts first ascending (SQLite's NULLs already do)."""
        return f"coalesce({column}, '')"

    @staticmethod
    def nulls(descending: bool) -> str:
        return ""

    @staticmethod
    def sql(text: str) -> str:
        return text


class _ServerDialect(_Dialect):
    created_day = "CAST(c.created_at AS date)"
    find = "strpos"
    plus = ""

    @staticmethod
    def name_key(column: str) -> str:
        return f'lower({column}) COLLATE "C"'

    @staticmethod
    def days(today: str, day: str) -> str:
        return f"CAST({today} AS date) - CAST({day} AS date)"

    @staticmethod
    def nullable(column: str) -> str:
        return column  # dates and times, which '' is not: NULLS FIRST / LAST instead

    @staticmethod
    def nulls(descending: bool) -> str:
        return " NULLS LAST" if descending else " NULLS FIRST"

    @staticmethod
    def sql(text: str) -> str:
        return text.replace("?", "%s")


def _dialect():
    return _ServerDialect if is_server() else _Dialect


def _run(sql: str, params):
    return database.execute_sql(_dialect().sql(sql), params)


@dataclass(frozen=True)
class ListQuery:
    today: date
    sort: str = "name"
    descending: bool = False
    words: tuple[str, ...] = ()  # every word in the name or company, ignoring case
    tag: str | None = None  # only customers with this tag
    due_only: bool = False  # only those due or overdue
    include_archived: bool = False
    kept: tuple[int, ...] = ()  # listed whatever the words (one renamed away from them while being edited)
    default_cadence: int = field(default=0)  # 0: read from the settings

    def with_(self, **changes) -> ListQuery:
        return replace(self, **changes)


def _since(d) -> str:
    return (f"coalesce(c.customer_since, s.first_purchase_on, "
            f"CASE WHEN c.stage = 'prospect' THEN NULL ELSE {d.created_day} END)")
# A customer's own cadence wins, then the shortest of their tags', then the default (customers.effective_cadence).
_CADENCE = ("coalesce(nullif(c.cadence_days, 0), nullif((SELECT min(t.cadence_days) FROM customer_tag ct "
            "JOIN tag t ON t.id = ct.tag_id WHERE ct.customer_id = c.id AND t.cadence_days IS NOT NULL), 0), ?)")
_COLUMNS = "id, name, company, stage, since, last_contact_at, last_value_at, last_value_kind, cadence, archived, " \
    "lifetime, email"
_ORDER = {
    "name": lambda d: d.name_key("name"),
    "company": lambda d: "lower(company)",
    "stage": lambda d: "stage",
    "since": lambda d: d.nullable("since"),
    "last_contact": lambda d: d.nullable("last_contact_at"),
    "last_value": lambda d: d.nullable("last_value_at"),
    "overdue": lambda d: "coalesce(overdue, -1)",
}


def _where(q: ListQuery, ids=None) -> tuple[str, list]:
    if ids is not None:  # a page's customers, already chosen by the query: by their keys alone
        return f"c.id IN ({', '.join('?' * len(ids))})", list(ids)
    # With words, the customers come from the trigram index: the + keeps SQLite
    # from walking the whole name index instead.
    d = _dialect()
    plus = d.plus if any(len(word) >= 3 for word in q.words) else ""
    clauses, params = [f"{plus}c.deleted_at IS NULL"], []
    if not q.include_archived:
        clauses.append(f"{plus}c.archived = ?")
        params.append(False)
    if q.words:
        found, words = [], []
        for word in q.words:
            if len(word) >= 3:  # the trigram index finds it inside words
                clause, param = search.name_contains("c.id", word)
                found.append(clause)
                words.append(param)
            else:  # too short for trigrams: the names read in the index's order, the companies once
                # Every mix of cases of its one or two letters (SQLite's lower() knows only ASCII).
                variants = sorted({"".join(v) for v in product(*((ch.lower(), ch.upper()) for ch in word))})
                def anywhere(column):
                    return "(" + " OR ".join([f"{d.find}({column}, ?) > 0"] * len(variants)) + ")"
                found.append(f"({anywhere('c.name')} OR c.company_id IN "
                             f"(SELECT id FROM company WHERE {anywhere('name')}))")
                words.extend(variants + variants)
        found = " AND ".join(found)
        if q.kept:
            found = f"({found} OR c.id IN ({', '.join('?' * len(q.kept))}))"
        clauses.append(found)
        params.extend(words)
        params.extend(q.kept)
    if q.tag is not None:
        clauses.append("c.id IN (SELECT ct.customer_id FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id "
                       "WHERE t.name = ?)")
        params.append(q.tag)
    return " AND ".join(clauses), params


def _rows_sql(q: ListQuery, ids=None) -> tuple[str, list]:
    """Every row the list shows (or those of `ids`), with days since value and days overdue, unordered."""
    where, where_params = _where(q, ids)
    d = _dialect()
    base = f"""SELECT c.id AS id, c.name AS name, coalesce(co.name, '') AS company, c.stage AS stage,
                      {_since(d)} AS since, s.last_contact_at AS last_contact_at, s.last_value_at AS last_value_at,
                      s.last_value_kind AS last_value_kind, {_CADENCE} AS cadence, c.archived AS archived,
                      coalesce(s.lifetime_cents, 0) AS lifetime, c.email AS email
               FROM customer c
               LEFT JOIN company co ON co.id = c.company_id
               LEFT JOIN customer_summary s ON s.customer_id = c.id
               WHERE {where}"""
    # customers.CustomerRow.days_since_value / days_overdue, in SQL.
    days = f"""SELECT b.*, CASE WHEN b.stage = 'customer'
                   THEN {d.days("?", "coalesce(b.last_value_at, b.since)")} END AS days
               FROM ({base}) b"""
    full = f"SELECT d.*, CASE WHEN d.days >= d.cadence THEN d.days - d.cadence END AS overdue FROM ({days}) d"
    params = [q.today.isoformat(), _default(q), *where_params]  # in the order of their ?s in the text
    if q.due_only:
        full = f"SELECT * FROM ({full}) f WHERE overdue IS NOT NULL"
    return full, params


def _default(q: ListQuery) -> int:
    return q.default_cadence or settings.get_settings().default_cadence_days


def _order(q: ListQuery) -> str:
    d = _dialect()
    key = _ORDER[q.sort](d)
    # Equal keys stay in name order, whichever way the column is sorted.
    return f"{key} {'DESC' if q.descending else 'ASC'}{d.nulls(q.descending)}, {d.name_key('name')}, id"


def _by_index(q: ListQuery) -> bool:
    """Is the list in name order with nothing computed to filter on (customer_list_order serves it)?"""
    return q.sort == "name" and not q.due_only


def by_index(q: ListQuery) -> bool:
    """Can a page of the list be read alone (from the name-order index)? Else
    each page is a sort of every customer: read their order() once instead."""
    return _by_index(q)


def order(q: ListQuery) -> list[int]:
    """Every listed customer's id in the list's order, in one pass: for the
    orders no index serves (days overdue, last value, …), read once, off the
    GUI thread, so that each page after it is read by its ids (rows_of) and a
    customer's place is a look-up, not another sort of every customer."""
    sql, params = _rows_sql(q)
    return [cid for (cid,) in _run(f"SELECT id FROM ({sql}) r ORDER BY {_order(q)}", params).fetchall()]


def place(q: ListQuery, order: list[int], customer_id: int) -> int:
    """Where `customer_id` goes in `order` (the others `q` lists, in its order):
    a binary search comparing them with one other customer at a time in SQL,
    by the list's own ORDER BY (its NULLs and name collation included): about
    17 pairs at 50,000 customers, not a sort of everyone again."""
    low, high = 0, len(order)
    while low < high:
        middle = (low + high) // 2
        sql, params = _rows_sql(q, [order[middle], customer_id])
        first = _run(f"SELECT id FROM ({sql}) r ORDER BY {_order(q)} LIMIT 1", params).fetchone()
        if first is None or first[0] == customer_id:
            high = middle
        else:
            low = middle + 1
    return low


def listed_ids(q: ListQuery) -> set[int]:
    """The ids of every customer `q` lists, in no order."""
    if q.due_only:
        sql, params = _rows_sql(q)
        return {cid for (cid,) in _run(f"SELECT id FROM ({sql}) r", params).fetchall()}
    where, params = _where(q)
    return {cid for (cid,) in _run(f"SELECT c.id FROM {_from(q)} WHERE {where}", params).fetchall()}


def rows_of(q: ListQuery, ids: list[int]) -> list[CustomerRow]:
    """The rows of `ids` as `q` shows them, in the order given (one gone since is left out)."""
    if not ids:
        return []
    sql, params = _rows_sql(q, ids)
    rows = {row.id: row for row in _customer_rows(_run(f"SELECT {_COLUMNS} FROM ({sql}) r", params).fetchall())}
    return [rows[cid] for cid in ids if cid in rows]


def _from(q: ListQuery) -> str:
    return "customer c"


def resolved(q: ListQuery) -> ListQuery:
    """The query with the default cadence read once (callers keep it for their pages)."""
    return q if q.default_cadence else q.with_(default_cadence=_default(q))


def count(q: ListQuery) -> int:
    if not q.due_only:  # no days to count: the customers alone
        where, params = _where(q)
        return _run(f"SELECT count(*) FROM {_from(q)} WHERE {where}", params).fetchone()[0]
    sql, params = _rows_sql(q)
    return _run(f"SELECT count(*) FROM ({sql}) r", params).fetchone()[0]


def page(q: ListQuery, offset: int, limit: int) -> list[CustomerRow]:
    """Rows offset .. offset + limit of the list in its order."""
    if _by_index(q):  # the page's ids from the index, then their rows
        where, params = _where(q)
        way = "DESC" if q.descending else "ASC"
        ids = [cid for (cid,) in _run(
            f"SELECT c.id FROM {_from(q)} WHERE {where} ORDER BY {_dialect().name_key('c.name')} {way}, c.id "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset]).fetchall()]
        return rows_of(q, ids)
    sql, params = _rows_sql(q)
    rows = _run(f"SELECT {_COLUMNS} FROM ({sql}) r ORDER BY {_order(q)} LIMIT ? OFFSET ?",
                [*params, limit, offset]).fetchall()
    return _customer_rows(rows)


def position(q: ListQuery, customer_id: int) -> int | None:
    """Where the customer is in the list (0 first); None when the list leaves them out."""
    if _by_index(q):  # how many come before them, counted on the index
        where, params = _where(q)
        found = _run(f"SELECT c.name FROM {_from(q)} WHERE {where} AND c.id = ?",
                     [*params, customer_id]).fetchone()
        if found is None:
            return None
        before = "<" if not q.descending else ">"
        key, name = _dialect().name_key("c.name"), _dialect().name_key("?")
        return _run(
            f"""SELECT count(*) FROM {_from(q)} WHERE {where} AND ({key} {before} {name}
                OR ({key} = {name} AND c.id < ?))""",
            [*params, found[0], found[0], customer_id]).fetchone()[0]
    sql, params = _rows_sql(q)
    row = _run(
        f"SELECT n FROM (SELECT id, row_number() OVER (ORDER BY {_order(q)}) - 1 AS n FROM ({sql}) r) p WHERE id = ?",
        [*params, customer_id]).fetchone()
    return None if row is None else row[0]


def one(q: ListQuery, customer_id: int) -> CustomerRow | None:
    """One customer's row as the list shows it; None when the list leaves them out."""
    sql, params = _rows_sql(q)
    rows = _run(f"SELECT {_COLUMNS} FROM ({sql}) r WHERE id = ?", [*params, customer_id]).fetchall()
    return (_customer_rows(rows) or [None])[0]


def longest(q: ListQuery, what: str, how_many: int = 40) -> list[str]:
    """The longest names (with their "(archived)" mark) of the customers `q`
    lists without its words, or the longest company names, for sizing columns."""
    if what == "company":
        sql, params = "SELECT name FROM company ORDER BY length(name) DESC LIMIT ?", []
    else:
        where, params = _where(q.with_(words=(), due_only=False, kept=()))
        sql = f"""SELECT t FROM (SELECT c.name || CASE WHEN c.archived THEN '  (archived)' ELSE '' END AS t
                  FROM customer c WHERE {where}) n ORDER BY length(t) DESC LIMIT ?"""
    return [t for (t,) in _run(sql, [*params, how_many]).fetchall()]


def most_overdue(q: ListQuery) -> int | None:
    """The most days any listed customer is overdue."""
    sql, params = _rows_sql(q.with_(words=(), due_only=False, kept=()))
    return _run(f"SELECT max(overdue) FROM ({sql}) r", params).fetchone()[0]


def _customer_rows(rows) -> list[CustomerRow]:
    if not rows:
        return []
    dt, d = parsers(next((r[5] or r[6] or r[4] for r in rows if r[5] or r[6] or r[4]), None) or "2000-01-01 00:00:00")
    return [
        CustomerRow(cid, name, company, stage, since and d(since), last_contact and dt(last_contact),
                    last_value and dt(last_value), last_kind, cadence, bool(archived), lifetime, email)
        for (cid, name, company, stage, since, last_contact, last_value, last_kind, cadence, archived,
             lifetime, email) in rows
    ]
