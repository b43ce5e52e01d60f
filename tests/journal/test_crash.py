"""Kill a writer with SIGKILL at random moments, many times: every time the file
must pass SQLite's integrity check and hold every write whose transaction had
committed; a transaction cut off midway must leave nothing behind.

LATELY_CRASH_KILLS sets the number of kills (default 20; the issue note reports
a longer run)."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("LATELY_CRASH_KILLS", "20"))

WRITER = r"""
import random, sys
sys.path.insert(0, sys.argv[2])
from journal.storage import db
from journal.writes import customers, interactions, purchases
from journal.storage.models import database
db.connect(sys.argv[1])
rng = random.Random(int(sys.argv[3]))
people = [c.id for c in customers.list_customers()] or [customers.create_customer(name=f"P{n}").id for n in range(5)]
print("ready", flush=True)
batch = int(sys.argv[3]) * 100_000
while True:
    cid = rng.choice(people)
    if rng.random() < 0.3:
        batch += 1
        with database.atomic():  # ten rows, all or none
            for k in range(10):
                interactions.log_interaction(cid, "call", "out", f"batch {batch} item {k}", notes="x" * rng.randint(0, 3000))
            purchases.add_purchase(cid, "2026-01-01", f"batch {batch}", 100)
        print(f"batch {batch}", flush=True)
    else:
        row = interactions.log_interaction(cid, rng.choice(["meeting", "article", "call"]), "in", "single",
                                           notes="y" * rng.randint(0, 5000))
        print(f"one {row.id}", flush=True)
"""


def check(path: Path, committed_ones: set[int], committed_batches: set[int]):
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = {i for (i,) in con.execute("SELECT id FROM interaction WHERE summary = 'single'")}
        assert committed_ones <= present, f"lost committed rows: {sorted(committed_ones - present)[:5]}"
        counts = {}
        for (summary,) in con.execute("SELECT summary FROM interaction WHERE summary LIKE 'batch %'"):
            number = int(summary.split()[1])
            counts[number] = counts.get(number, 0) + 1
        partial = {n: c for n, c in counts.items() if c != 10}
        assert not partial, f"half-written transactions: {partial}"
        assert committed_batches <= set(counts)
        bought = {int(p.split()[1]) for (p,) in con.execute("SELECT product FROM purchase")}
        assert bought == set(counts), "a batch's purchase and interactions must land together"
    finally:
        con.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_never_loses_a_committed_write_or_corrupts(tmp_path):
    from journal.storage import db
    from journal.reads import summary

    path = tmp_path / "journal.sqlite3"
    db.connect(path).close()
    rng = random.Random(2026)
    ones, batches = set(), set()
    for round_ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ROOT), str(round_ + 1)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.01, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        for line in out.splitlines():
            kind, number = line.split()
            (ones if kind == "one" else batches).add(int(number))
        check(path, ones, batches)
    assert len(ones) > KILLS and batches, "the writer should have committed work before the kills"
    # The summary rows were written in the same transactions: they agree with a rebuild.
    db.connect(path)
    try:
        stored = summary.snapshot()
        summary.rebuild_all()
        assert summary.snapshot() == stored
    finally:
        db.close()
