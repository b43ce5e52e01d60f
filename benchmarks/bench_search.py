"""Search and the summary rebuild on the scale journal (5,000 customers, or the
journal named on the command line, e.g. 50,000 customers / 2,000,000 notes).

    nice uv run python benchmarks/bench_search.py [--size 5k|50k] [JOURNAL.sqlite3]

Search: the first 50 results with snippets, for words in many notes and few,
beside the floor: the raw FTS5 query for the first 50 matching notes with their
snippets on the same file (no customers, no join). Target < 50 ms for a word in
10%+ of the notes.

Summary rebuild: summary.rebuild_all() on a copy of the journal in a child
process, its wall time and peak resident memory (ru_maxrss) beside the floor:
the raw SQL that reads the same rows in the same order and does nothing with
them. Target < 60 s and < 300 MB at 2,000,000 interactions."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import ROOT, scale_journal, table, timed

WORDS = ("showroom", "delivery", "checked the", "walnut", "sailing", "jo", "s", "zzzz")


def share(path, word):
    import sqlite3

    con = sqlite3.connect(path)
    total = con.execute("SELECT count(*) FROM interaction_fts").fetchone()[0]
    query = " ".join(f'"{w}"' for w in word.split())
    hits = con.execute("SELECT count(*) FROM interaction_fts WHERE interaction_fts MATCH ?", (query,)).fetchone()[0]
    return hits / max(total, 1)


def searches(path):
    from journal.storage import db
    from journal.reads import search
    from journal.storage.models import database

    db.connect(path, check_integrity=False)
    rows = []
    for word in WORDS:
        query = search.fts_query(word, shortest_prefix=2)

        def floor(query=query):
            return database.execute_sql(
                "SELECT rowid, snippet(interaction_fts, -1, '[', ']', '…', 16) FROM interaction_fts "
                "WHERE interaction_fts MATCH ? ORDER BY rowid DESC LIMIT 50", (query,)).fetchall()

        ours, _, hits = timed(lambda word=word: search.search(word, 50), repeat=9)
        raw, _, _ = timed(floor, repeat=9)
        rows.append((repr(word), f"{share(path, word):.0%}", len(hits), sum(h.is_customer for h in hits),
                     f"{ours:.1f}", f"{raw:.1f}"))
    db.close()
    table(rows, ("search", "notes with the word", "hits", "customers", "ms (median)", "floor ms"))


CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from journal.storage import db
from journal.reads import summary
from journal.storage.models import database
db.connect(sys.argv[1], check_integrity=False)
started = time.perf_counter()
if sys.argv[2] == "rebuild":
    summary.rebuild_all()
else:
    for query in (summary._interaction_query(), summary._purchase_query()):
        for row in database.execute(query):
            pass
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def rebuild(path):
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.sqlite3"
        shutil.copy(path, copy)
        for what in ("floor", "rebuild", "floor", "rebuild"):
            out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(copy), what],
                                 capture_output=True, text=True, check=True).stdout.split()
            rows.append((what, f"{float(out[0]):.1f}", f"{float(out[1]):.0f}"))
    table(rows, ("summary rebuild", "s", "peak RSS MB"))


def main():
    named = [a for a in sys.argv[1:] if a.endswith('.sqlite3')]
    path = Path(named[0]) if named else scale_journal()
    searches(path)
    print()
    rebuild(path)


if __name__ == "__main__":
    main()
