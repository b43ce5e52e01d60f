"""Full-text search over customers (name, company, interests) and interactions
(summary, notes) with SQLite FTS5. Triggers keep the index in step with every
insert, edit, soft delete and restore, whichever code path made them.
This module and db.py are the only homes of SQLite-specific SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .models import database

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
    from .db import is_server

    return is_server(db)


def install(db) -> None:
    if _on_server(db):
        from . import search_pg

        return search_pg.install(db)
    for statement in _statements(_SCHEMA):
        db.execute_sql(statement)
    install_names(db)


def install_names(db) -> None:
    """The trigram index of customer names and companies, filled from the tables."""
    if _on_server(db):
        from . import search_pg

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
        from . import search_pg

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


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must match,
    the last one as a prefix (so results appear while typing). Quotes,
    operators and column filters in the input are treated as plain text."""
    words = re.findall(r"\w+", text or "")
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
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
    """Customers first (a name is what people type most), then interactions,
    each by relevance."""
    if _on_server():
        from . import search_pg

        return search_pg.search(text, limit, SearchHit, complete_customers, _marked, _words)
    query = fts_query(text)
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
                ORDER BY rank, i.occurred_at DESC LIMIT ?""",
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


def complete_customers(text: str, limit: int = 20, exclude: int | None = None) -> list[CustomerChoice]:
    """Customers (archived ones too, not deleted ones) whose name or company
    contains every word of `text`, any case: those whose name starts with the
    first word first, then by name. Words of three letters or more are found
    through the trigram index; shorter ones are checked on the rows it gives
    (alone, on every customer: still about 2 ms at 5,000)."""
    words = _words(text)
    if not words:
        return []
    if _on_server():
        from . import search_pg

        return search_pg.complete_customers(words, limit, exclude, _escaped, CustomerChoice)
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    where, params = ["c.deleted_at IS NULL"], []
    if long_words:
        source = "customer_names JOIN customer c ON c.id = customer_names.rowid"
        where.append("customer_names MATCH ?")
        params.append(" ".join('"' + w.replace('"', '""') + '"' for w in long_words))
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
