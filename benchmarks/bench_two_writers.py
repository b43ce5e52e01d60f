"""Two processes writing to one journal at once, through the services.

    nice uv run python benchmarks/bench_two_writers.py            # 10 s
    nice uv run python benchmarks/bench_two_writers.py --seconds 3 --json

Each writer mixes the writes a person makes (edit a customer, log an
interaction, add a purchase, save a draft, snooze, delete and restore) as fast
as it can. Every transaction takes the write lock at BEGIN, so a writer that
finds the other one writing waits (busy_timeout) instead of failing; the
figure that matters is "locked": attempts refused with "database is locked"
(must be 0). "other" counts any other exception (must be 0 too).
tests/journal/test_concurrency.py runs the short version."""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(path: str, seconds: float, seed: int) -> None:
    from journal.writes import customers, drafts, interactions, purchases
    from journal.storage import db
    from journal.rules import lately

    db.connect(path, check_integrity=False)
    rng = random.Random(seed)
    people = [c.id for c in customers.list_customers()]
    print("ready", flush=True)
    sys.stdin.readline()  # "go": both start together
    attempts = locked = 0
    other: dict[str, int] = {}
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        cid = rng.choice(people)
        attempts += 1
        try:
            pick = rng.random()
            if pick < 0.25:
                customers.update_customer(cid, interests=f"topic {rng.randint(0, 99)}, wood")
            elif pick < 0.5:
                row = interactions.log_interaction(cid, rng.choice(["call", "thank_you_card", "article"]), "out",
                                                   f"writer {seed}", notes="n" * rng.randint(0, 500))
                if rng.random() < 0.3:
                    interactions.delete_interaction(row.id)
                    interactions.restore_interaction(row.id)
            elif pick < 0.7:
                purchases.add_purchase(cid, date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)), "Chair",
                                       rng.randint(1, 10**6))
            elif pick < 0.9:
                drafts.save_draft(f"writer {seed}", {"notes": "typing " * rng.randint(1, 50)})
            else:
                lately.snooze(cid, "cadence", date.today() + timedelta(days=rng.randint(1, 60)))
        except Exception as exc:  # counted, not hidden: the report shows them
            if "locked" in str(exc) or "busy" in str(exc):
                locked += 1
            else:
                name = f"{type(exc).__name__}: {exc}"[:120]
                other[name] = other.get(name, 0) + 1
    db.close()
    print(json.dumps({"attempts": attempts, "locked": locked, "other": other}), flush=True)


def run(seconds: float, folder: Path) -> dict:
    from journal.writes import customers
    from journal.storage import db

    path = folder / "journal.sqlite3"
    db.connect(path)
    customers.create_customers([{"name": f"Customer {n}"} for n in range(50)])
    db.close()
    writers = [subprocess.Popen([sys.executable, __file__, "--child", str(path), str(seconds), str(seed)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for seed in (1, 2)]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = []
    for writer in writers:
        out, _ = writer.communicate(timeout=seconds + 60)
        results.append(json.loads(out.strip().splitlines()[-1]))
        assert writer.returncode == 0
    other: dict[str, int] = {}
    for r in results:
        for name, count in r["other"].items():
            other[name] = other.get(name, 0) + count
    return {"seconds": seconds, "attempts": sum(r["attempts"] for r in results),
            "locked": sum(r["locked"] for r in results), "other": other,
            "per_writer": [r["attempts"] for r in results]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, seconds, seed = args.child
        child(path, float(seconds), int(seed))
        return
    with tempfile.TemporaryDirectory() as folder:
        result = run(args.seconds, Path(folder))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"two writers for {result['seconds']:g} s each: {result['attempts']} attempts "
              f"({' + '.join(map(str, result['per_writer']))}), {result['locked']} 'database is locked', "
              f"{sum(result['other'].values())} other errors {result['other'] or ''}")


if __name__ == "__main__":
    main()
