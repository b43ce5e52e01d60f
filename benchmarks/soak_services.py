"""20,000 generated calls of the public write services, with any input.

    nice uv run python benchmarks/soak_services.py            # 20,000 calls
    nice uv run python benchmarks/soak_services.py --calls 2000

Each call picks a service from tests/journal/service_calls.py (every public
write service: all of Unicode, ids over the whole integer range and of the
wrong types, numbers of thousands of digits, far and time-zoned dates) and
Hypothesis-generated arguments. Counted:
- foreign: exceptions other than the journal's own (JournalError) — must be 0;
- changed on refusal: a refused call whose journal dump differs — must be 0;
- problems: integrity, foreign keys, summary and search index against a rebuild,
  checked before each fresh journal and at the end — must be none.
The journal is started afresh every 500 calls so the dump stays cheap."""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from journal.storage import db  # noqa: E402
from journal.errors import JournalError  # noqa: E402
from tests.journal.service_calls import WRITES, name  # noqa: E402
from tests.journal.soundness import dump, problems  # noqa: E402
from tests.journal.test_fuzz import seed_journal  # noqa: E402

FRESH_EVERY = 500


def soak(calls: int, folder: Path) -> dict:
    counts = collections.Counter()
    foreign: collections.Counter = collections.Counter()
    changed: collections.Counter = collections.Counter()
    found: list[str] = []
    services = list(WRITES)
    state = {"n": 0, "journal": 0}

    def fresh():
        if state["journal"]:
            found.extend(problems())
            db.close()
        state["journal"] += 1
        db.connect(folder / f"journal-{state['journal']}.sqlite3")
        seed_journal()

    @settings(max_examples=calls, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one_call(data):
        if state["n"] % FRESH_EVERY == 0 and state["journal"] < state["n"] // FRESH_EVERY + 1:
            fresh()
        service = data.draw(st.sampled_from(services), label="service")
        args, kwargs = data.draw(WRITES[service], label="call")
        state["n"] += 1  # counted once the call is drawn (Hypothesis may abandon a draw)
        before = dump()
        try:
            service(*args, **kwargs)
            counts["saved"] += 1
        except JournalError:
            counts["refused"] += 1
            if dump() != before:
                changed[name(service)] += 1
        except Exception as exc:  # what this script counts
            counts["foreign"] += 1
            foreign[f"{name(service)}: {type(exc).__name__}: {str(exc)[:80]}"] += 1

    started = time.perf_counter()
    one_call()
    found.extend(problems())
    db.close()
    return {"calls": state["n"], "saved": counts["saved"], "refused": counts["refused"],
            "foreign": counts["foreign"], "foreign_kinds": foreign.most_common(20),
            "changed_on_refusal": sum(changed.values()), "changed_kinds": changed.most_common(10),
            "problems": found, "journals": state["journal"], "seconds": time.perf_counter() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = soak(args.calls, Path(folder))
    print(f"{result['calls']} calls over {len(WRITES)} services in {result['journals']} journals, "
          f"{result['seconds']:.0f} s: {result['saved']} saved, {result['refused']} refused, "
          f"{result['foreign']} foreign exceptions, {result['changed_on_refusal']} refusals that changed the journal, "
          f"{len(result['problems'])} soundness problems")
    for kind, count in result["foreign_kinds"] + result["changed_kinds"]:
        print(f"  {count:5}  {kind}")
    for problem in result["problems"]:
        print(f"  problem: {problem}")
    sys.exit(0 if not (result["foreign"] or result["changed_on_refusal"] or result["problems"]) else 1)


if __name__ == "__main__":
    main()
