"""The core queries of bench_core.py on both backends: the 5,000-customer scale
journal as a SQLite file and the same journal on a PostgreSQL server over a
local socket, side by side.

    nice uv run python benchmarks/bench_core_pg.py

Targets (issue 15): every core query under 50 ms on PostgreSQL and within 2x of
its SQLite figure. "same answer" compares the two backends' results.

The server: LATELY_BENCH_PG_URL if set (an empty database, or one this script
filled before), else a pgserver instance kept in the temporary folder between
runs (lately-bench-pg; delete it to rebuild). The PostgreSQL journal is filled
with demo.populate_scale on the day the SQLite one was built, so both hold the
same rows with the same ids."""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

from _harness import scale_journal, table, timed

from journal.writes import customers
from journal.storage import db
from journal.io import demo
from journal.reads import graph, search, timeline
from journal.rules import attention, lately
from peewee import fn

from journal.storage.models import Customer, Interaction

PG_FOLDER = Path(tempfile.gettempdir()) / "lately-bench-pg"


def server_url() -> str:
    given = os.environ.get("LATELY_BENCH_PG_URL")
    if given:
        return given
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        PG_FOLDER.mkdir(exist_ok=True)
        server = pgserver.get_server(PG_FOLDER / "data", cleanup_mode="stop")
    return server.get_uri()


def pg_journal(built_on: date) -> str:
    url = server_url()
    database = db.open_server(url)
    stamp = PG_FOLDER / "built-on"
    fresh = Customer.select().count() == 0
    if not fresh and (not stamp.exists() or stamp.read_text() != built_on.isoformat()):
        print("the PostgreSQL scale journal is of another day: rebuilding it")
        for (table_name,) in database.execute_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall():
            database.execute_sql(f'DROP TABLE "{table_name}" CASCADE')
        db.close()
        database = db.open_server(url)
        fresh = True
    if fresh:
        started = time.perf_counter()
        counts = demo.populate_scale(today=built_on)
        stamp.write_text(built_on.isoformat())
        print(f"built the PostgreSQL scale journal: {counts} in {time.perf_counter() - started:.1f} s")
    # What autovacuum does on a server that runs (within a minute of a load or a
    # schema step): statistics, visibility map, GIN pending lists merged. This
    # script's pgserver is stopped after each run, so autovacuum never comes.
    database.execute_sql("VACUUM ANALYZE")
    db.close()
    return url


def core_queries(today: date):
    whale = (Interaction.select(Interaction.customer).group_by(Interaction.customer)
             .order_by(fn.COUNT(Interaction.id).desc(), Interaction.customer).limit(1).scalar())
    return [
        # The floor: one statement's round trip through Peewee and the driver, no table read.
        ("floor: SELECT 1", lambda: db.database.execute_sql("SELECT 1").fetchall(), 50),
        ("customer list (5,000 rows)", customers.list_customers, 50),
        ("timeline first page", lambda: timeline.entries(whale), 50),
        ("customer header", lambda: timeline.header(whale, today), 50),
        ("attention list (made in the database)", lambda: attention_list(today), 50),
        ("  the same rules in Python (lately.read)", lambda: lately.read(today), 50),
        ("  its statements alone", attention_statements(today), 50),
        ("graph data", graph.graph_data, 50),
        ("search 'wobbly'", lambda: search.search("wobbly"), 30),
        ("search 'sail'", lambda: search.search("sail"), 30),
        ("search 'harbour walnut'", lambda: search.search("harbour walnut"), 30),
        ("complete 'ull'", lambda: search.complete_customers("ull", 20), 30),
        ("complete 'mar'", lambda: search.complete_customers("mar", 20), 30),
        # As a person types: each call another word, so a server that plans a
        # statement for its word plans it every time (the rows above repeat one word).
        ("search, another word each call", in_turn(search.search, TYPED_SEARCHES), 30),
        ("complete, another word each call", in_turn(lambda w: search.complete_customers(w, 20), TYPED_NAMES), 30),
    ]


def attention_list(today):
    """What the Lately panel gets: the list made, its counts, health figures and
    introductions, and its first page read."""
    state = attention.compute(today)
    return state.counts, state.health, state.introductions, attention.rows(0, 40)


TYPED_SEARCHES = ("walnut", "harbour", "delivery", "quote", "sample", "wobbly", "invoice", "oak table", "follow",
                  "meeting", "price", "design", "garden", "repair", "order", "visit", "thanks")
TYPED_NAMES = ("ull", "son", "ell", "art", "ann", "ber", "ill", "ama", "ric", "ton", "ley", "and", "ers", "ris",
               "lin", "ach", "mar")


def in_turn(call, words):
    """A call that takes the next of `words` each time (the same order on both backends)."""
    turn = [0]

    def next_word():
        word = words[turn[0] % len(words)]
        turn[0] += 1
        return call(word)

    return next_word


def attention_statements(today: date):
    """The statements lately.read sends, each run and fetched whole, and nothing
    else: what the database and the driver cost of the items (the rest is Python)."""
    from datetime import timedelta

    from journal.reads import attention_facts
    from journal.writes import settings

    def run_them():
        ids = None
        statements = [attention_facts.unthanked_purchases(today - timedelta(days=lately.THANK_GRACE_DAYS), ids),
                      attention_facts.follow_ups_due(today, ids),
                      attention_facts.unthanked_referrals(today - timedelta(days=lately.REFERRAL_MEMORY_DAYS), ids),
                      attention_facts.snoozes(today, ids), attention_facts.tags(ids),
                      attention_facts.customer_rules(
                          today, settings.get_settings().default_cadence_days, ids,
                          unanswered_run=lately.UNANSWERED_RUN, welcome_window=lately.WELCOME_WINDOW_DAYS,
                          never_grace=lately.NEVER_CONTACTED_GRACE_DAYS, feedback_every=lately.FEEDBACK_EVERY_DAYS)]
        return sum(len(db.database.execute(statement).fetchall()) for statement in statements)

    return run_them


def run(today: date, count_statements=False) -> dict:
    results = {}
    for name, fn, target in core_queries(today):
        median, _, result = timed(fn)
        results[name] = (median, result, target, statements(fn) if count_statements else None)
    return results


def statements(fn) -> int:
    """How many round trips one call makes to the server: statements, and the
    COMMITs and ROLLBACKs the driver sends by itself."""
    import psycopg

    sent = [0]
    originals = {(psycopg.Cursor, "execute"): psycopg.Cursor.execute,
                 (psycopg.Connection, "commit"): psycopg.Connection.commit,
                 (psycopg.Connection, "rollback"): psycopg.Connection.rollback}

    def counting(original):
        def call(*args, **kwargs):
            sent[0] += 1
            return original(*args, **kwargs)
        return call

    for (owner, name), original in originals.items():
        setattr(owner, name, counting(original))
    try:
        fn()
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)
    return sent[0]


def comparable(result):
    if isinstance(result, list) and result and isinstance(result[0], search.SearchHit):
        return [(h.customer_id, h.interaction_id) for h in result]
    return result


def unordered(result):
    """The result with every list as a sorted one: the same rows in another order compare equal."""
    import dataclasses

    if dataclasses.is_dataclass(result):
        return tuple(unordered(getattr(result, f.name)) for f in dataclasses.fields(result))
    if isinstance(result, list):
        return sorted(map(repr, comparable(result)))
    return result


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"  # sub-millisecond queries need the second digit


def private_copy(path: Path) -> Path:
    """The shared scale journal, copied: opening it migrates it, and a branch with
    a newer schema step would leave it too new for every other checkout."""
    import shutil

    copy = PG_FOLDER / path.name
    PG_FOLDER.mkdir(exist_ok=True)
    for stale in PG_FOLDER.glob(path.name + "*"):
        stale.unlink()
    shutil.copy2(path, copy)  # with its time: the server's journal is built on the same day
    return copy


def main():
    path = private_copy(scale_journal())
    built_on = date.fromtimestamp(path.stat().st_mtime)
    url = pg_journal(built_on)
    today = date.today()

    db.connect(path)
    on_file = run(today)
    db.close()
    db.open_server(url)
    on_server = run(today, count_statements=True)
    db.close()

    rows = []
    for name, (file_ms, file_result, target, _) in on_file.items():
        server_ms, server_result, _, sent = on_server[name]
        same = comparable(file_result) == comparable(server_result)
        same_set = same or unordered(file_result) == unordered(server_result)
        ratio = server_ms / file_ms
        verdict = "floor" if name.startswith("floor") else "ok" if server_ms < target and ratio <= 2 else "MISS"
        rows.append((name, _ms(file_ms), _ms(server_ms), f"{ratio:.2f}x", sent,
                     "yes" if same else "same rows, other order" if same_set else "NO", f"< {target}", verdict))
    table(rows, ("query", "SQLite ms", "PostgreSQL ms", "ratio", "statements", "same answer", "target ms", ""))
    print("\n(median of 15 runs after a warm-up; ratio = PostgreSQL / SQLite; PostgreSQL over a local socket)")


if __name__ == "__main__":
    main()
