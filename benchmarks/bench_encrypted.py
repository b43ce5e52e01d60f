"""What a passphrase costs: the core queries on a protected copy of the scale
journal (5,000 customers, ~200,000 interactions) against the same queries on
the plain journal, and the one-off costs of protecting, opening and backing up.

    uv run python benchmarks/bench_encrypted.py

The plain journal is the default and must not pay anything: bench_core.py and
bench_startup.py measure it. Here the ratio is encrypted / plain, same code."""

from __future__ import annotations

import shutil
import statistics
import time
from datetime import date

from _harness import CACHE, scale_journal, table, timed

from journal.storage import backups, crypto, db
from journal.writes import customers
from journal.reads import graph, search, timeline
from journal.rules import attention

PASSPHRASE = "benchmark passphrase"


def queries():
    today = date.today()
    whale = timeline_whale()
    return [
        ("customer list (5,000 rows)", customers.list_customers),
        ("timeline first page", lambda: timeline.entries(whale)),
        ("customer header", lambda: timeline.header(whale, today)),
        ("attention list", lambda: attention.compute(today)),
        ("graph data", graph.graph_data),
        ("search 'wobbly'", lambda: search.search("wobbly")),
        ("search 'sail'", lambda: search.search("sail")),
    ]


def timeline_whale() -> int:
    from journal.storage.models import database

    return database.execute_sql("SELECT customer_id FROM interaction GROUP BY customer_id "
                                "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]


def measure(path) -> dict[str, float]:
    db.connect(path)
    found = {name: timed(fn)[0] for name, fn in queries()}
    db.close()
    return found


def main():
    plain = scale_journal()
    protected = CACHE / "encrypted" / "scale.sqlite3"
    shutil.rmtree(protected.parent, ignore_errors=True)
    protected.parent.mkdir(parents=True)
    shutil.copy(plain, protected)
    started = time.perf_counter()
    crypto.change_protection(protected, None, PASSPHRASE)
    protect_s = time.perf_counter() - started
    size_mb = protected.stat().st_size / 1_048_576

    opens = []
    for _ in range(5):
        crypto.forget()
        started = time.perf_counter()
        crypto.unlock(protected, PASSPHRASE)  # the passphrase typed: PBKDF2, 256,000 rounds
        db.connect(protected, check_integrity=False)
        opens.append(time.perf_counter() - started)
        db.close()
    reopen = []
    for _ in range(5):
        started = time.perf_counter()
        db.connect(protected, check_integrity=False)  # a known passphrase: the derived key is reused
        reopen.append(time.perf_counter() - started)
        db.close()
    plain_open = []
    for _ in range(5):
        started = time.perf_counter()
        db.connect(plain, check_integrity=False)
        plain_open.append(time.perf_counter() - started)
        db.close()

    # Alternate the two files, three rounds each: the machine's load drifts, and
    # measuring one file after the other would charge the drift to encryption.
    rounds = [(measure(plain), measure(protected)) for _ in range(3)]
    ours = {name: statistics.median(r[0][name] for r in rounds) for name in rounds[0][0]}
    theirs = {name: statistics.median(r[1][name] for r in rounds) for name in rounds[0][1]}
    rows = [(name, f"{ours[name]:.1f}", f"{theirs[name]:.1f}", f"{theirs[name] / ours[name]:.2f}x")
            for name in ours]
    table(rows, ("query", "plain ms", "encrypted ms", "ratio"))

    db.connect(protected)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        made = backups.make_backup(protected, "bench")
        samples.append(time.perf_counter() - started)
        made.path.unlink()
    db.close()
    print()
    table([
        (f"protect the journal ({size_mb:.0f} MB, export + check + rename)", f"{protect_s:.2f}"),
        ("open with the passphrase typed (key derivation + open)", f"{statistics.median(opens):.3f}"),
        ("open again, passphrase known this session", f"{statistics.median(reopen):.3f}"),
        ("open the plain journal (for comparison)", f"{statistics.median(plain_open):.3f}"),
        ("backup of the protected journal", f"{statistics.median(samples):.2f}"),
    ], ("one-off", "seconds"))
    print("\n(query rows: median of 3 alternating rounds of 15 runs each; one-offs: median of 5, protect once)")
    shutil.rmtree(protected.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
