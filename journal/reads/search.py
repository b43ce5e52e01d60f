"""Full-text search over customers (name, company, interests) and interactions
(summary, notes) with SQLite FTS5. Triggers keep the index in step with every
insert, edit, soft delete and restore, whichever code path made them.
This module and db.py are the only homes of SQLite-specific SQL."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from journal.storage.models import database

# Markers around matched words in snippets; the UI turns them into bold text.
MARK_START, MARK_END = "\x02", "\x03"

_CUSTOMER_ROW = """
    SELECT c.id, c.name, coalesce(co.name, ''), c.interests
    FROM customer c LEFT JOIN company co ON co.id = c.company_id
    WHERE c.deleted_at IS NULL"""

_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS customer_fts USING fts5(
    name, company, interests, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE VIRTUAL TABLE IF NOT EXISTS interaction_fts USING fts5(
    summary, notes, tokenize='unicode61 remove_diacritics 2', prefix='2 3');

CREATE TRIGGER IF NOT EXISTS customer_fts_ai AFTER INSERT ON customer BEGIN
    INSERT INTO customer_fts(rowid, name, company, interests)
    {_CUSTOMER_ROW} AND c.id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS customer_fts_au AFTER UPDATE OF name, company_id, interests, deleted_at ON customer BEGIN
    DELETE FROM customer_fts WHERE rowid = old.id;
    INSERT INTO customer_fts(rowid, name, company, interests)
    {_CUSTOMER_ROW} AND c.id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS customer_fts_ad AFTER DELETE ON customer BEGIN
    DELETE FROM customer_fts WHERE rowid = old.id;
END;
CREATE TRIGGER IF NOT EXISTS company_fts_au AFTER UPDATE OF name ON company BEGIN
    DELETE FROM customer_fts WHERE rowid IN (SELECT id FROM customer WHERE company_id = new.id);
    INSERT INTO customer_fts(rowid, name, company, interests)
    {_CUSTOMER_ROW} AND c.company_id = new.id;
END;

CREATE TRIGGER IF NOT EXISTS interaction_fts_ai AFTER INSERT ON interaction
WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO interaction_fts(rowid, summary, notes) VALUES (new.id, new.summary, new.notes);
END;
CREATE TRIGGER IF NOT EXISTS interaction_fts_au AFTER UPDATE OF summary, notes, deleted_at ON interaction BEGIN
    DELETE FROM interaction_fts WHERE rowid = old.id;
    INSERT INTO interaction_fts(rowid, summary, notes)
    SELECT new.id, new.summary, new.notes WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER IF NOT EXISTS interaction_fts_ad AFTER DELETE ON interaction BEGIN
    DELETE FROM interaction_fts WHERE rowid = old.id;
END;
"""


# Customer pickers complete on any part of a name or company ("ullin" finds
# Mullins): a trigram index answers that without reading every customer.
_NAME_ROW = """
    SELECT c.id, c.name, coalesce(co.name, '')
    FROM customer c LEFT JOIN company co ON co.id = c.company_id"""

NAMES_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS customer_names USING fts5(name, company, tokenize='trigram');

CREATE TRIGGER IF NOT EXISTS customer_names_ai AFTER INSERT ON customer BEGIN
    INSERT INTO customer_names(rowid, name, company) {_NAME_ROW} WHERE c.id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS customer_names_au AFTER UPDATE OF name, company_id ON customer BEGIN
    DELETE FROM customer_names WHERE rowid = old.id;
    INSERT INTO customer_names(rowid, name, company) {_NAME_ROW} WHERE c.id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS customer_names_ad AFTER DELETE ON customer BEGIN
    DELETE FROM customer_names WHERE rowid = old.id;
END;
CREATE TRIGGER IF NOT EXISTS company_names_au AFTER UPDATE OF name ON company BEGIN
    DELETE FROM customer_names WHERE rowid IN (SELECT id FROM customer WHERE company_id = new.id);
    INSERT INTO customer_names(rowid, name, company) {_NAME_ROW} WHERE c.company_id = new.id;
END;
"""


def _on_server(db=None) -> bool:
    from journal.storage.models import is_server

    return is_server(db)


def install(db) -> None:
    if _on_server(db):
        from journal.reads import search_pg

        return search_pg.install(db)
    install_name_order(db)  # before the triggers, which bulk_load re-creates last
    for statement in _statements(_SCHEMA):
        db.execute_sql(statement)
    install_names(db)


def install_names(db) -> None:
    """The trigram index of customer names and companies, filled from the tables."""
    if _on_server(db):
        from journal.reads import search_pg

        return search_pg.install_names(db)
    for statement in _statements(NAMES_SCHEMA):
        db.execute_sql(statement)
    db.execute_sql("DELETE FROM customer_names")
    db.execute_sql(f"INSERT INTO customer_names(rowid, name, company) {_NAME_ROW}")


def _statements(script: str):
    # Split on the semicolons that end statements, keeping trigger bodies whole.
    buffer = []
    for line in script.strip().splitlines():
        buffer.append(line)
        joined = "\n".join(buffer).strip()
        if joined.endswith(";") and (not joined.upper().startswith("CREATE TRIGGER") or joined.endswith("END;")):
            yield joined
            buffer = []


def rebuild(db=None) -> None:
    """Rebuild both indexes from the tables (after bulk loads that bypass triggers)."""
    db = db or database
    if _on_server(db):
        from journal.reads import search_pg

        return search_pg.rebuild(db)
    with db.atomic():
        db.execute_sql("DELETE FROM customer_fts")
        db.execute_sql(f"INSERT INTO customer_fts(rowid, name, company, interests) {_CUSTOMER_ROW}")
        db.execute_sql("DELETE FROM interaction_fts")
        db.execute_sql(
            "INSERT INTO interaction_fts(rowid, summary, notes) "
            "SELECT id, summary, notes FROM interaction WHERE deleted_at IS NULL"
        )
        db.execute_sql("DELETE FROM customer_names")
        db.execute_sql(f"INSERT INTO customer_names(rowid, name, company) {_NAME_ROW}")


_TRIGGER_NAME = re.compile(r"CREATE TRIGGER IF NOT EXISTS (\w+)")


@contextmanager
def bulk_load(db=None):
    """For loading many rows at once (the benchmarks' scale journals): the
    index triggers are dropped for the load, then put back and both indexes
    rebuilt from the tables in one pass each, far faster than row by row.
    Use inside the load's transaction, so a failure leaves the triggers."""
    db = db or database
    if _on_server(db):
        from journal.reads import search_pg

        with search_pg.bulk_load(db):
            yield
        return
    scripts = (_SCHEMA, NAMES_SCHEMA)
    for script in scripts:
        for name in _TRIGGER_NAME.findall(script):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    for script in scripts:
        for statement in _statements(script):
            if statement.startswith("CREATE TRIGGER"):
                db.execute_sql(statement)
    rebuild(db)


def name_contains(column: str, word: str) -> tuple[str, str]:
    """SQL true when the customer whose id is `column` has `word` (3 letters or
    more) inside their name or company, whatever its case, and its parameter:
    the trigram index answers without reading every customer (the customer list's find box).
    On PostgreSQL: search_pg.name_contains, with the server's placeholder."""
    if _on_server():
        from . import search_pg

        return search_pg.name_contains(column, word, _escaped)
    return (f"{column} IN (SELECT rowid FROM customer_names WHERE customer_names MATCH ?)",
            '"' + word.replace('"', '""') + '"')


def fts_query(text: str, shortest_prefix: int = 1) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must match,
    the last one as a prefix (so results appear while typing) once it has
    `shortest_prefix` letters. Quotes, operators and column filters in the input
    are treated as plain text."""
    words = re.findall(r"\w+", text or "")
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if len(words[-1]) >= shortest_prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


@dataclass(frozen=True)
class SearchHit:
    customer_id: int
    customer_name: str
    interaction_id: int | None
    when: datetime | None
    snippet: str  # with MARK_START / MARK_END around matches

    @property
    def is_customer(self) -> bool:
        return self.interaction_id is None


def search(text: str, limit: int = 50) -> list[SearchHit]:
    """Customers first (a name is what people type most), by relevance; then
    interactions, newest written first: the order the index keeps, so the first
    page of a word in a tenth of two million notes comes without ranking them all.
    A one-letter last word is matched as a whole word, not as every word it
    begins (that prefix is most of the index, and all of it would be ranked);
    customers whose name starts with it come next, as in a picker."""
    if _on_server():
        from journal.reads import search_pg

        return search_pg.search(text, limit, SearchHit, complete_customers, _marked, _words, CustomerChoice,
                                _escaped)
    query = fts_query(text, shortest_prefix=2)
    if query is None:
        return []
    db = database
    hits = []
    rows = db.execute_sql(
        f"""SELECT c.id, c.name,
                   snippet(customer_fts, -1, '{MARK_START}', '{MARK_END}', '…', 12)
            FROM customer_fts JOIN customer c ON c.id = customer_fts.rowid
            WHERE customer_fts MATCH ?
            ORDER BY rank LIMIT ?""",
        (query, limit),
    ).fetchall()
    hits.extend(SearchHit(cid, name, None, None, snip) for cid, name, snip in rows)
    # Then customers whose name or company holds the words inside a word ("ullin" for Mullins).
    found = {hit.customer_id for hit in hits}
    for choice in complete_customers(text, max(limit - len(hits), 0)):
        if choice.id not in found:
            hits.append(SearchHit(choice.id, choice.name, None, None, _marked(choice.label, _words(text))))
    remaining = limit - len(hits)
    if remaining > 0:
        rows = db.execute_sql(
            f"""SELECT i.id, i.customer_id, c.name, i.occurred_at,
                       snippet(interaction_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16)
                FROM interaction_fts
                JOIN interaction i ON i.id = interaction_fts.rowid
                JOIN customer c ON c.id = i.customer_id
                WHERE interaction_fts MATCH ? AND c.deleted_at IS NULL
                ORDER BY interaction_fts.rowid DESC LIMIT ?""",
            (query, remaining),
        ).fetchall()
        for iid, cid, name, when, snip in rows:
            if isinstance(when, str):
                when = datetime.fromisoformat(when)
            hits.append(SearchHit(cid, name, iid, when, snip))
    return hits


@dataclass(frozen=True)
class CustomerChoice:
    id: int
    name: str
    company: str
    archived: bool

    @property
    def label(self) -> str:
        return f"{self.name} — {self.company}" if self.company else self.name


def _words(text: str) -> list[str]:
    # "Jane — Acme" (a picked label, edited) is the words Jane and Acme.
    # A NUL would end the FTS5 query string early ("unterminated string"), and a
    # lone surrogate (half a character) cannot be sent to SQLite at all.
    text = re.sub(r"[\x00\ud800-\udfff]", " ", text or "")
    return [w for w in text.split() if re.search(r"\w", w)]


def _escaped(word: str) -> str:
    """The word as literal text in a LIKE pattern with ESCAPE '\\'."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# With at least this many customers matching the long words, walking the
# name-order index finds a page sooner than sorting every match.
WALK_FROM = 500


def complete_customers(text: str, limit: int = 20, exclude: int | None = None) -> list[CustomerChoice]:
    """Customers (archived ones too, not deleted ones) whose name or company
    contains every word of `text`, any case: those whose name starts with the
    first word first, then by name. Words of three letters or more are found
    through the trigram index. When they match few customers those are sorted;
    when they match many, or every word is shorter, the name-order index is
    walked (those starting with the first word, then the others) and stops at
    `limit`: one letter at 50,000 customers reads only a page of them."""
    words = _words(text)
    if not words:
        return []
    if _on_server():
        from journal.reads import search_pg

        return search_pg.complete_customers(words, limit, exclude, _escaped, CustomerChoice)
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    trigrams = " ".join('"' + w.replace('"', '""') + '"' for w in long_words)
    bounds = _prefix_bounds(words[0])
    if bounds is not None and (not long_words or database.execute_sql(
            "SELECT count(*) FROM (SELECT 1 FROM customer_names WHERE customer_names MATCH ? LIMIT ?)",
            (trigrams, WALK_FROM)).fetchone()[0] >= WALK_FROM):
        return _complete_in_name_order(trigrams, short_words, bounds, limit, exclude)
    where, params = ["c.deleted_at IS NULL"], []
    if long_words:
        source = "customer_names JOIN customer c ON c.id = customer_names.rowid"
        where.append("customer_names MATCH ?")
        params.append(trigrams)
    else:
        source = "customer c"
    for word in short_words:
        where.append("(c.name || ' ' || coalesce(co.name, '')) LIKE ? ESCAPE '\\'")
        params.append(f"%{_escaped(word)}%")
    if exclude is not None:
        where.append("c.id != ?")
        params.append(exclude)
    rows = database.execute_sql(
        f"""SELECT c.id, c.name, coalesce(co.name, ''), c.archived
            FROM {source} LEFT JOIN company co ON co.id = c.company_id
            WHERE {" AND ".join(where)}
            ORDER BY c.name LIKE ? ESCAPE '\\' DESC, c.name COLLATE NOCASE, c.id
            LIMIT ?""",
        (*params, f"{_escaped(words[0])}%", limit),
    ).fetchall()
    return [CustomerChoice(cid, name, company, bool(archived)) for cid, name, company, archived in rows]


# Short words are looked for along this index, which holds all a picker's row
# needs (a covering index: no customer row is read while walking it).
NAME_ORDER_SCHEMA = """
CREATE INDEX IF NOT EXISTS customer_name_order ON customer(name COLLATE NOCASE, company_id, archived, deleted_at);
"""


def install_name_order(db) -> None:
    """The pickers' name-order index, on SQLite only: on PostgreSQL the pickers
    match case-insensitively and sort the matches (search_pg.complete_customers), never
    walking an index in name order, so there is nothing for one to serve."""
    if _on_server(db):
        return
    for statement in _statements(NAME_ORDER_SCHEMA):
        db.execute_sql(statement)


def _prefix_bounds(word: str) -> tuple[str, str] | None:
    """(low, high) such that a name starts with `word`, in SQLite's LIKE sense
    (ASCII letters in any case), exactly when low <= name < high under NOCASE;
    None when no such high exists."""
    low = word.translate(_ASCII_LOWER)
    after = ord(low[-1]) + 1
    if after == ord("A"):  # NOCASE compares A-Z as a-z: the next place after '@' is '['
        after = ord("[")
    if after > 0x10FFFF or 0xD800 <= after <= 0xDFFF:
        return None
    return low, low[:-1] + chr(after)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _complete_in_name_order(trigrams, short_words, bounds, limit, exclude) -> list[CustomerChoice]:
    where, params = ["c.deleted_at IS NULL"], []
    if trigrams:
        params.append(trigrams)
        where.append(f"c.id IN (SELECT rowid FROM customer_names WHERE customer_names MATCH ?{len(params)})")
    for word in short_words:
        params.append(f"%{_escaped(word)}%")
        # A word has no spaces, so it is in "name company" exactly when it is in one of them.
        where.append(f"(c.name LIKE ?{len(params)} ESCAPE '\\' OR c.company_id IN "
                     f"(SELECT id FROM company WHERE name LIKE ?{len(params)} ESCAPE '\\'))")
    if exclude is not None:
        params.append(exclude)
        where.append(f"c.id != ?{len(params)}")
    low, high = f"?{len(params) + 1}", f"?{len(params) + 2}"
    starts = f"(c.name >= {low} COLLATE NOCASE AND c.name < {high} COLLATE NOCASE)"
    found = []
    for part in (starts, f"NOT {starts}"):  # those starting with the first word first
        if len(found) >= limit:
            break
        found += database.execute_sql(
            f"""SELECT c.id, c.name, coalesce(co.name, ''), c.archived
                FROM customer c INDEXED BY customer_name_order LEFT JOIN company co ON co.id = c.company_id
                WHERE {" AND ".join(where)} AND {part}
                ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?{len(params) + 3}""",
            (*params, *bounds, limit - len(found)),
        ).fetchall()
    return [CustomerChoice(cid, name, company, bool(archived)) for cid, name, company, archived in found]


def _marked(label: str, words: list[str]) -> str:
    """The label with each typed word marked where it occurs, any case."""
    spans = []
    folded = label.casefold()
    for word in words:
        at = folded.find(word.casefold())
        if at >= 0 and len(folded) == len(label):  # a case fold that changes lengths would misplace marks
            spans.append((at, at + len(word)))
    result, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        result += [label[cursor:start], MARK_START, label[start:end], MARK_END]
        cursor = end
    return "".join(result) + label[cursor:]
