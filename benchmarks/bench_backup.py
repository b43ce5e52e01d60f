"""A backup of a ~500 MB journal while a second process saves a draft every 0.4 s
(the quick-capture dialog's rate while a person types).

    nice uv run python benchmarks/bench_backup.py [--mb 500] [--runs 3] [--keep DIR]

Builds the journal once (customers with long interaction notes, through Peewee's
bulk insert for speed; the services' per-row work is not what is measured), then
for each run starts a real second process that saves quick-capture drafts through
journal.writes.drafts every 0.4 s, and times backups.make_backup(): the copy from one
read snapshot plus the quick check of the copy. Reports the copy and the check
apart, how many drafts were saved meanwhile, and whether progress ever went back
(a restart)."""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journal.storage import backups, db

DRAFTER = """
import sys, time
sys.path.insert(0, sys.argv[2])
from journal.storage import db
from journal.writes import drafts
db.connect(sys.argv[1], check_integrity=False)
n = 0
print("ready", flush=True)
while True:
    n += 1
    drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "Lunch", "notes": "typing " * n})
    print(n, flush=True)
    time.sleep(0.4)
"""


def build(path: Path, megabytes: int) -> None:
    from journal.storage.models import Customer, Interaction, database

    db.connect(path)
    rng = random.Random(13)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(5000)]
    with database.atomic():
        Customer.insert_many([{"name": f"Customer {n}"} for n in range(5000)]).execute()
    ids = [c.id for c in Customer.select(Customer.id)]
    batch = []
    while path.stat().st_size + sum(len(b["notes"]) for b in batch) < megabytes * 1_000_000:
        for _ in range(2000):
            batch.append({"customer": rng.choice(ids), "kind": "meeting", "direction": "out",
                          "summary": " ".join(rng.choices(words, k=6)),
                          "notes": " ".join(rng.choices(words, k=400)),
                          "occurred_at": "2026-01-01 09:00:00"})
        with database.atomic():
            Interaction.insert_many(batch).execute()
        batch = []
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def one_run(path: Path) -> dict:
    drafter = subprocess.Popen([sys.executable, "-c", DRAFTER, str(path), str(ROOT)], stdout=subprocess.PIPE,
                               text=True)
    assert drafter.stdout.readline().strip() == "ready"
    steps = []
    try:
        for old in backups.list_backups(path):
            old.path.unlink()
        first = int(drafter.stdout.readline())
        started = time.perf_counter()
        copied = [None]

        def progress(done, total):
            steps.append(done)
            if done == total:
                copied[0] = time.perf_counter()
            return True

        made = backups.make_backup(path, "bench", progress=progress)
        ended = time.perf_counter()
    finally:
        drafter.kill()
        out, _ = drafter.communicate()
    last = max([first] + [int(x) for x in out.split()])
    return {"total": ended - started, "copy": (copied[0] or ended) - started,
            "check": ended - (copied[0] or ended), "drafts": last - first,
            "restarts": sum(1 for a, b in itertools.pairwise(steps) if b < a), "size": made.size}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the journal in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="lately-bench-backup-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "journal.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.mb)
        print(f"built {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")
    runs = [one_run(path) for _ in range(args.runs)]
    for n, r in enumerate(runs, 1):
        print(f"run {n}: backup {r['total']:.2f} s (copy {r['copy']:.2f} s, quick check {r['check']:.2f} s), "
              f"{r['drafts']} drafts saved meanwhile, {r['restarts']} restarts, {r['size'] / 1e6:.0f} MB")
    print(f"median backup {statistics.median(r['total'] for r in runs):.2f} s over {len(runs)} runs "
          f"(load average {os.getloadavg()[0]:.1f})")
    if not args.keep:
        import shutil

        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
