"""Full-text search and name completion for a journal on a PostgreSQL server,
under the same contract as the FTS5 search in search.py: every typed word must
match (the last one as a prefix), case and diacritics ignored, words split
where FTS5's unicode61 tokenizer splits them, customers by relevance then
interactions by relevance, snippets with MARK_START / MARK_END around the
matched words.

The index is two tables of `tsvector`s (customer_search, interaction_search)
with GIN indexes, kept in step by statement-level triggers (one INSERT … SELECT
per statement, so an import of thousands of rows is not thousands of trigger
calls). Snippets come from `ts_headline`. This module holds PostgreSQL's own
SQL, as search.py holds SQLite's."""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from functools import lru_cache

from journal.storage.models import database

# ts_headline's options: the markers search.py's callers expect, about as many
# words as FTS5's snippet gives, one fragment.
_HEADLINE = "StartSel=\x02, StopSel=\x03, MaxWords={words}, MinWords={least}, ShortWord=0, MaxFragments=1, " \
            "FragmentDelimiter=\" … \""


@lru_cache(maxsize=1)
def _fold_table() -> tuple[str, str]:
    """The characters folded for search and what each becomes: capitals to small
    letters and letters with diacritics to their base letter (Latin, Greek,
    Cyrillic), punctuation and odd spaces to a space. One character for one, so
    SQL's translate() and Python's str.translate fold alike, whatever the
    server's locale, and positions in folded text are positions in the original."""
    source, target = [], []
    for code in [*range(0x41, 0x5B), *range(0xA0, 0x530), *range(0x2000, 0x2070), 0x3000]:
        char = chr(code)
        category = unicodedata.category(char)
        if category[0] in "PZS" and code >= 0xA0:
            folded = " "
        else:
            lower = char.lower()
            base = "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))
            folded = base if len(base) == 1 and base != "'" else lower if len(lower) == 1 else char
        if folded != char:
            source.append(char)
            target.append(folded)
    return "".join(source), "".join(target)


@lru_cache(maxsize=1)
def _fold_map() -> dict[int, str]:
    source, target = _fold_table()
    return str.maketrans(source, target)


def fold(text: str) -> str:
    return text.translate(_fold_map())


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_CUSTOMER_DOC = ("to_tsvector('simple', lately_fold(c.name) || ' ' || lately_fold(coalesce(co.name, '')) "
                 "|| ' ' || lately_fold(c.interests))")
_INTERACTION_DOC = "to_tsvector('simple', lately_fold(i.summary) || ' ' || lately_fold(i.notes))"
_TRIGGERS = (("customer", "lately_customer_search_trigger", ("INSERT", "UPDATE", "DELETE")),
             ("company", "lately_company_search_trigger", ("UPDATE",)),
             ("interaction", "lately_interaction_search_trigger", ("INSERT", "UPDATE", "DELETE")))


def fold_function() -> str:
    """lately_fold(text): folded as in Python (fold above); ASCII punctuation
    (and _) splits words as FTS5 does. Text that is all ASCII (most of it) has
    only its capitals to fold: a 26-letter translate, where the whole table
    (about a thousand letters, searched for every character) took 90 µs an
    interaction, 30 s to index the 5,000-customer journal."""
    source, target = _fold_table()
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f"""CREATE OR REPLACE FUNCTION lately_fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(
                CASE WHEN t ~ '[^\\x01-\\x7f]' THEN translate(t, {_literal(source)}, {_literal(target)})
                     ELSE translate(coalesce(t, ''), '{upper}', '{upper.lower()}') END,
                '[[:punct:][:space:]]+', ' ', 'g') $$"""


def _schema() -> list[str]:
    customer_doc, interaction_doc = _CUSTOMER_DOC, _INTERACTION_DOC
    return [
        fold_function(),
        "CREATE TABLE IF NOT EXISTS customer_search (customer_id integer PRIMARY KEY, doc tsvector NOT NULL)",
        "CREATE INDEX IF NOT EXISTS customer_search_doc ON customer_search USING gin (doc)",
        "CREATE TABLE IF NOT EXISTS interaction_search (interaction_id integer PRIMARY KEY, doc tsvector NOT NULL)",
        "CREATE INDEX IF NOT EXISTS interaction_search_doc ON interaction_search USING gin (doc)",
        *_names_schema(),
        *finders(),
        f"""CREATE OR REPLACE FUNCTION lately_index_customers(ids integer[]) RETURNS void
            LANGUAGE sql AS $$
            DELETE FROM customer_search WHERE customer_id = ANY(ids);
            INSERT INTO customer_search (customer_id, doc)
            SELECT c.id, {customer_doc} FROM customer c LEFT JOIN company co ON co.id = c.company_id
            WHERE c.id = ANY(ids) AND c.deleted_at IS NULL;
            DELETE FROM customer_name_search WHERE customer_id = ANY(ids);
            INSERT INTO customer_name_search (customer_id, name_key, names, pieces, name, company, archived)
            SELECT {_NAME_ROW} WHERE c.id = ANY(ids) AND c.deleted_at IS NULL $$""",
        f"""CREATE OR REPLACE FUNCTION lately_index_interactions(ids integer[]) RETURNS void
            LANGUAGE sql AS $$
            DELETE FROM interaction_search WHERE interaction_id = ANY(ids);
            INSERT INTO interaction_search (interaction_id, doc)
            SELECT i.id, {interaction_doc} FROM interaction i JOIN customer c ON c.id = i.customer_id
            WHERE i.id = ANY(ids) AND i.deleted_at IS NULL AND c.deleted_at IS NULL $$""",
        """CREATE OR REPLACE FUNCTION lately_customer_search_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    PERFORM lately_index_customers(ARRAY(SELECT id FROM new_rows));
                ELSIF TG_OP = 'UPDATE' THEN
                    PERFORM lately_index_customers(ARRAY(
                        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                        WHERE (n.name, n.company_id, n.interests, n.deleted_at, n.archived)
                              IS DISTINCT FROM (o.name, o.company_id, o.interests, o.deleted_at, o.archived)));
                    -- Their notes leave the index with them (to the trash) and come back with them.
                    PERFORM lately_index_interactions(ARRAY(
                        SELECT i.id FROM interaction i JOIN new_rows n ON n.id = i.customer_id
                        JOIN old_rows o ON o.id = n.id WHERE n.deleted_at IS DISTINCT FROM o.deleted_at));
                ELSE
                    PERFORM lately_index_customers(ARRAY(SELECT id FROM old_rows));  -- gone: out of both
                END IF;
                RETURN NULL;
            END $$""",
        """CREATE OR REPLACE FUNCTION lately_company_search_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM lately_index_customers(ARRAY(
                    SELECT c.id FROM customer c JOIN new_rows n ON n.id = c.company_id
                    JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name));
                RETURN NULL;
            END $$""",
        """CREATE OR REPLACE FUNCTION lately_interaction_search_trigger() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    PERFORM lately_index_interactions(ARRAY(SELECT id FROM new_rows WHERE deleted_at IS NULL));
                ELSIF TG_OP = 'UPDATE' THEN
                    PERFORM lately_index_interactions(ARRAY(
                        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                        WHERE (n.summary, n.notes, n.deleted_at, n.customer_id)
                              IS DISTINCT FROM (o.summary, o.notes, o.deleted_at, o.customer_id)));
                ELSE
                    DELETE FROM interaction_search WHERE interaction_id IN (SELECT id FROM old_rows);
                END IF;
                RETURN NULL;
            END $$""",
        *[statement for trigger in _TRIGGERS for statement in _triggers(*trigger)],
    ]


def _triggers(table: str, function: str, events) -> list[str]:
    statements = []
    for event in events:
        name = f"{table}_search_{event.lower()}"
        tables = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                  "DELETE": "OLD TABLE AS old_rows"}[event]
        statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                       f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"]
    return statements


def install(db) -> None:
    for statement in _schema():
        db.execute_sql(statement)
    db.execute_sql(NAME_PREFIX_INDEX)
    rebuild(db)


def install_names(db) -> None:
    """Name completion on a server needs no index of its own at 5,000 customers:
    ILIKE over the customer rows (about as fast as SQLite's trigram index)."""


def rebuild(db=None) -> None:
    """Both indexes anew from the tables, one INSERT … SELECT each."""
    db = db or database
    with db.atomic():
        db.execute_sql("DELETE FROM customer_search")
        db.execute_sql(f"INSERT INTO customer_search (customer_id, doc) SELECT c.id, {_CUSTOMER_DOC} "
                       "FROM customer c LEFT JOIN company co ON co.id = c.company_id WHERE c.deleted_at IS NULL")
        rebuild_names(db)
        db.execute_sql("DELETE FROM interaction_search")
        db.execute_sql(f"INSERT INTO interaction_search (interaction_id, doc) SELECT i.id, {_INTERACTION_DOC} "
                       "FROM interaction i JOIN customer c ON c.id = i.customer_id "
                       "WHERE i.deleted_at IS NULL AND c.deleted_at IS NULL")
        # The rows went to GIN's pending list, which every search reads whole (and
        # the planner shuns the index for) until autovacuum merges it: now, by the
        # owner (whoever made the tables, as a move does; only the owner may).
        db.execute_sql("SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.oid IN "
                       "('customer_search_doc'::regclass, 'interaction_search_doc'::regclass) "
                       "AND pg_has_role(c.relowner, 'USAGE')")


@contextmanager
def bulk_load(db):
    """For loading many rows at once (a move, the scale journals): the index
    triggers are dropped for the load, then put back and both indexes built in
    one pass each. Inside the load's transaction, so a failure leaves the triggers."""
    for table, _function, events in _TRIGGERS:
        for event in events:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_search_{event.lower()} ON {table}")
    yield
    for trigger in _TRIGGERS:
        for statement in _triggers(*trigger):
            db.execute_sql(statement)
    rebuild(db)


def ts_query(text: str, shortest_prefix: int = 1) -> str | None:
    """What a person typed as a safe to_tsquery() text: every word must match,
    the last as a prefix once it has `shortest_prefix` letters; a word FTS5 would split (o'brien, foo_bar) must match
    as a phrase. Each part is a quoted lexeme, so no operator typed is obeyed."""
    words = re.findall(r"\w+", text or "")
    terms = []
    for word in words:
        parts = [p for p in re.split(r"[\W_]+", fold(word)) if p]
        if parts:
            terms.append(" <-> ".join(_literal(p) for p in parts))
    if not terms:
        return None
    if len(words[-1]) >= shortest_prefix:
        terms[-1] += ":*"
    return " & ".join(f"({t})" for t in terms)


def search(text: str, limit: int, hit_class, complete, marked, words, choice_class, escaped) -> list:
    query = ts_query(text, shortest_prefix=2)  # as search.search: one letter is that word, not every word it begins
    if query is None:
        return []
    typed = words(text)
    small = [w.translate(_ASCII_LOWER) for w in typed]
    pieces = sorted({p for w in small for p in _pieces(w)})
    if pieces:
        return _search_with_names(query, small, pieces, limit, hit_class, marked, typed, choice_class, escaped)
    hits = []  # one or two letters in every word: completion reads the name-prefix index first (complete_customers)
    rows = database.execute_sql("SELECT * FROM lately_find_customers(%s, %s)", (query, limit)).fetchall()
    for cid, name, snippet, company, interests in rows:
        hits.append(hit_class(cid, name, None, None, _checked(snippet, (name, company, interests), typed, marked)))
    found = {hit.customer_id for hit in hits}
    for choice in complete(text, limit - len(hits)) if len(hits) < limit else ():  # a full page asks no more
        if choice.id not in found:
            hits.append(hit_class(choice.id, choice.name, None, None, marked(choice.label, typed)))
    if len(hits) < limit:
        hits += _notes(query, limit - len(hits), hit_class, marked, typed)
    return hits


@lru_cache(maxsize=1)
def _notes_sql() -> str:
    """The notes that hold the query's words (the first and third parameters),
    newest written first, at most the second parameter of them, with their
    snippets. The index holds only the notes of customers out of the trash,
    so the walk reads it alone: the 50 kept are joined to what the page shows."""
    headline = _best_column_headline(("i.summary", "i.notes"), 16)
    return f"""SELECT i.id, i.customer_id, c.name, i.occurred_at, {headline}, i.summary, i.notes
                FROM (SELECT s.interaction_id FROM to_tsquery('simple', %s) q, interaction_search s
                      WHERE s.doc @@ q ORDER BY s.interaction_id DESC LIMIT %s) best
                CROSS JOIN to_tsquery('simple', %s) q
                JOIN interaction i ON i.id = best.interaction_id
                JOIN customer c ON c.id = i.customer_id
                ORDER BY i.id DESC"""


def _search_with_names(query: str, small: list[str], pieces: list[str], limit: int, hit_class, marked, typed,
                       choice_class, escaped) -> list:
    """search() when a word has three letters or more: the customers found
    (lately_find_customers) and those with the words inside their name or
    company (lately_complete_names, as complete_customers finds them, for the
    room the customers left) in one statement, which is the same for every word
    (prepared once, its functions' plans generic); then, if the page has room,
    the notes, planned for the word."""
    rows = database.execute_sql(
        """WITH people AS MATERIALIZED (
                SELECT * FROM lately_find_customers(%(query)s, %(limit)s)
                     WITH ORDINALITY AS f(id, name, snippet, company, interests, place))
            SELECT 1 AS part, place, id, name, snippet, company, interests FROM people
            UNION ALL
            SELECT 2, n.place, n.id, n.name, NULL, n.company, NULL
            FROM lately_complete_names(%(starting)s, %(pieces)s, %(words)s, NULL,
                                       %(limit)s - (SELECT count(*) FROM people)::integer)
                 WITH ORDINALITY AS n(id, name, company, archived, place)
            WHERE (SELECT count(*) FROM people) < %(limit)s AND n.id NOT IN (SELECT id FROM people)
            ORDER BY part, place""",
        {"query": query, "limit": limit, "starting": f"{escaped(small[0])}%", "pieces": pieces,
         "words": [f"%{escaped(w)}%" for w in small]}).fetchall()
    hits = []
    for part, _, cid, name, snippet, company, interests in rows:
        if part == 1:
            hits.append(hit_class(cid, name, None, None, _checked(snippet, (name, company, interests), typed, marked)))
        else:
            hits.append(hit_class(cid, name, None, None, marked(choice_class(cid, name, company, False).label, typed)))
    if len(hits) < limit:
        hits += _notes(query, limit - len(hits), hit_class, marked, typed)
    return hits


def _notes(query: str, limit: int, hit_class, marked, typed) -> list:
    # Walking the notes newest first suits a word in thousands of them, the
    # GIN index one in a few: planned for each word, never once for all.
    rows = database.obj.execute_sql_planned_each_time(
        _notes_sql(), (query, limit, query)).fetchall()
    return [hit_class(cid, name, iid, when, _checked(snippet, columns, typed, marked))
            for iid, cid, name, when, snippet, *columns in rows]


def _best_column_headline(columns, words: int) -> str:
    """ts_headline of the first column that holds every word (as FTS5's snippet
    takes the best column), else of all of them together."""
    options = _literal(_HEADLINE.format(words=words, least=min(words, 5)))
    cases = " ".join(f"WHEN to_tsvector('simple', lately_fold({c})) @@ q "
                     f"THEN ts_headline('simple', {c}, q, {options})" for c in columns)
    together = " || ' ' || ".join(columns)
    return f"CASE {cases} ELSE ts_headline('simple', {together}, q, {options}) END"


def _checked(snippet: str, columns, typed: list[str], marked) -> str:
    """ts_headline parses the text as it was written, so it misses a match its
    parser sees otherwise than the index does (Zoë for zoe, acme inside
    ann@acme.com): then the words are marked in the column that holds them."""
    if "\x02" in snippet:
        return snippet
    folded_words = [fold(w).casefold() for w in typed]
    for column in columns:
        folded = fold(column or "").casefold()
        if folded_words and all(w in folded for w in folded_words):
            return _mark_folded(column, folded, folded_words)
    return marked(snippet, typed)


def _mark_folded(text: str, folded: str, words: list[str]) -> str:
    if len(folded) != len(text):
        return text
    spans = []
    for word in words:
        at = folded.find(word)
        if at >= 0:
            spans.append((at, at + len(word)))
    result, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        result += [text[cursor:start], "\x02", text[start:end], "\x03"]
        cursor = end
    return "".join(result) + text[cursor:]


# Name completion finds any part of a name or company, any (ASCII) case, as
# ILIKE over "name company" does. pg_trgm would index that, but it is not in
# every server (pgserver's build has no contrib modules), so the journal keeps
# its own: customer_name_search holds each customer's "name company" in small
# letters (lower() on the "C" columns folds ASCII letters only, as ILIKE there
# does) and the array of its three-letter pieces, whose GIN index finds the
# customers holding every piece of a word; LIKE then checks the word itself.
# A word of three letters inside a name at 5,000 customers: 0.1 ms, not the
# 2 ms of reading every customer (and its company) with ILIKE.
_NAME_ROW = """c.id, lower(c.name), lower(c.name || ' ' || coalesce(co.name, '')),
               lately_trigrams(lower(c.name || ' ' || coalesce(co.name, ''))), c.name, coalesce(co.name, ''), c.archived
               FROM customer c LEFT JOIN company co ON co.id = c.company_id"""


def _names_schema() -> list[str]:
    return [
        # Every three-character piece of t, in order (none when shorter).
        """CREATE OR REPLACE FUNCTION lately_trigrams(t text) RETURNS text[]
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT ARRAY(SELECT substr(t, i, 3) FROM generate_series(1, length(t) - 2) i) $$""",
        # What a picker shows of each (name, company, archived) too: a page of
        # twenty is read from this table alone, not from the customers and companies.
        """CREATE TABLE IF NOT EXISTS customer_name_search (
            customer_id integer PRIMARY KEY, name_key text COLLATE "C" NOT NULL, names text COLLATE "C" NOT NULL,
            pieces text[] NOT NULL, name text COLLATE "C" NOT NULL, company text COLLATE "C" NOT NULL,
            archived boolean NOT NULL)""",
        # Without GIN's pending list: pieces go straight into the index, so the
        # planner trusts it at once (with a list it read all 5,000 rows instead).
        "CREATE INDEX IF NOT EXISTS customer_name_search_pieces ON customer_name_search USING gin (pieces) "
        "WITH (fastupdate = off)",
    ]


# The customers' statements of a search, as functions whose plan the server
# makes once per connection for every word (a generic plan): their best plan
# is the same whatever the word (the GIN index, a few hundred rows at most),
# and planning the customers' one for each word (as the server chose to, its
# generic plan's estimate being dearer) took 0.3 ms of the 0.4 ms it took.
# The notes' statement is the other way round (search()): planned for each word.
_FIND_CUSTOMERS = """SELECT c.id, c.name::text, {headline}, coalesce(co.name, '')::text, c.interests::text
            FROM (SELECT s.customer_id, ts_rank(s.doc, q, 1) AS rank
                  FROM to_tsquery('simple', $1) q, customer_search s
                  WHERE s.doc @@ q ORDER BY rank DESC, s.customer_id LIMIT $2) best
            CROSS JOIN to_tsquery('simple', $1) q
            JOIN customer c ON c.id = best.customer_id LEFT JOIN company co ON co.id = c.company_id
            ORDER BY best.rank DESC, c.id"""

# Those holding every piece ($2) and every word ($3, LIKE patterns; the default
# escape is the backslash), but $4: those starting with the first word ($1) first, then by name.
# Name completion sends it as it is: psycopg prepares it, and the server chooses
# the generic plan by itself (a function around it cost 0.03 ms more a call).
_COMPLETE_NAMES = """SELECT s.customer_id, s.name, s.company, s.archived FROM customer_name_search s
            WHERE s.pieces @> $2 AND s.names LIKE ALL ($3) AND s.customer_id IS DISTINCT FROM $4
            ORDER BY s.name_key LIKE $1 DESC, s.name_key, s.customer_id LIMIT $5"""


@lru_cache(maxsize=1)
def _complete_names_statement() -> str:
    text = _COMPLETE_NAMES
    for number, name in enumerate(("starting", "pieces", "words", "leave_out", "most"), 1):
        text = text.replace(f"${number}", f"%({name})s")
    return text


def finders() -> list[str]:
    headline = _best_column_headline(("c.name", "coalesce(co.name, '')", "c.interests"), 12)
    generic = "LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan"
    return [
        f"""CREATE OR REPLACE FUNCTION lately_find_customers(query text, most integer)
            RETURNS TABLE (id integer, name text, snippet text, company text, interests text) {generic} AS $$
            BEGIN
                RETURN QUERY {_FIND_CUSTOMERS.format(headline=headline).replace("$1", "query").replace("$2", "most")};
            END $$""",
        f"""CREATE OR REPLACE FUNCTION lately_complete_names(starting text, held_pieces text[], held_words text[],
                                                         leave_out integer, most integer)
            RETURNS TABLE (id integer, name text, company text, archived boolean) {generic} AS $$
            BEGIN
                RETURN QUERY {_COMPLETE_NAMES.replace("$1", "starting").replace("$2", "held_pieces")
                              .replace("$3", "held_words").replace("$4", "leave_out").replace("$5", "most")};
            END $$""",
    ]


def rebuild_names(db) -> None:
    db.execute_sql("DELETE FROM customer_name_search")
    db.execute_sql(f"INSERT INTO customer_name_search (customer_id, name_key, names, pieces, name, company, archived) "
                   f"SELECT {_NAME_ROW} "
                   "WHERE c.deleted_at IS NULL")
    db.execute_sql("ANALYZE customer_name_search")  # the planner sees how few rows a piece holds at once


def _pieces(word: str) -> list[str]:
    return sorted({word[i:i + 3] for i in range(len(word) - 2)})


# Those whose name starts with a short word are read first through the
# name-prefix index (lower(name); the column's "C" collation lets a btree answer
# LIKE 'ab%' and the name order at once): one or two letters are in too many
# names for the pieces to help, and start enough of them to fill the list.
NAME_PREFIX_INDEX = "CREATE INDEX IF NOT EXISTS customer_name_prefix ON customer (lower(name))"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def complete_customers(words: list[str], limit: int, exclude: int | None, escaped, choice_class) -> list:
    small = [w.translate(_ASCII_LOWER) for w in words]
    first = f"{escaped(small[0])}%"
    rows = []
    pieces = sorted({p for w in small for p in _pieces(w)})
    if not pieces:  # every word shorter than three letters
        holds = ["lower(c.name || ' ' || coalesce(co.name, '')) LIKE %s ESCAPE '\\'"] * len(small)
        if exclude is not None:
            holds.append("c.id != %s")
        rows = database.execute_sql(
            f"""SELECT c.id, c.name, coalesce(co.name, ''), c.archived
                FROM customer c LEFT JOIN company co ON co.id = c.company_id
                WHERE lower(c.name) LIKE %s ESCAPE '\\' AND c.deleted_at IS NULL AND {" AND ".join(holds)}
                ORDER BY lower(c.name), c.id LIMIT %s""",
            (first, *[f"%{escaped(w)}%" for w in small], *([exclude] if exclude is not None else []), limit)).fetchall()
        if len(rows) == limit:
            return [choice_class(cid, name, company, bool(archived)) for cid, name, company, archived in rows]
    # The word inside a name or company too: those starting with the first word first, then by name.
    if pieces:
        rows = database.execute_sql(_complete_names_statement(), {
            "starting": first, "pieces": pieces, "words": [f"%{escaped(w)}%" for w in small], "leave_out": exclude,
            "most": limit}).fetchall()
        return [choice_class(cid, name, company, archived) for cid, name, company, archived in rows]
    where, params = [], []
    for word in small:
        where.append("s.names LIKE %s ESCAPE '\\'")
        params.append(f"%{escaped(word)}%")
    if exclude is not None:
        where.append("s.customer_id != %s")
        params.append(exclude)
    rows = database.execute_sql(
        f"""SELECT s.customer_id, s.name, s.company, s.archived FROM customer_name_search s
            WHERE {" AND ".join(where)}
            ORDER BY s.name_key LIKE %s ESCAPE '\\' DESC, s.name_key, s.customer_id LIMIT %s""",
        (*params, first, limit)).fetchall()
    return [choice_class(cid, name, company, bool(archived)) for cid, name, company, archived in rows]


@lru_cache(maxsize=1)
def _case_table() -> tuple[str, str]:
    """Capitals and their small letters (Latin, Greek, Cyrillic), one for one:
    case folded as FTS5's trigram index folds it, diacritics kept, whatever the
    server's locale (lower() on the "C" columns folds ASCII only)."""
    source, target = [], []
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x530)]:
        lower = chr(code).lower()
        if len(lower) == 1 and lower != chr(code):
            source.append(chr(code))
            target.append(lower)
    return "".join(source), "".join(target)


def fold_case(text: str) -> str:
    source, target = _case_table()
    return text.translate(str.maketrans(source, target))


def name_contains(column: str, word: str, escaped) -> tuple[str, str]:
    """search.name_contains on the server: the word inside the name or the
    company, any case, as the trigram index finds it on SQLite."""
    source, target = _case_table()
    return (f"""{column} IN (SELECT nc.id FROM customer nc LEFT JOIN company nco ON nco.id = nc.company_id
                WHERE translate(nc.name || ' ' || coalesce(nco.name, ''), {_literal(source)}, {_literal(target)})
                      LIKE %s ESCAPE '\\')""",
            f"%{escaped(fold_case(word))}%")
