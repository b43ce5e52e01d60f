"""Kill a writer with SIGKILL 200 times, across every kind of write.

    nice uv run python benchmarks/soak_kill.py               # 200 kills
    nice uv run python benchmarks/soak_kill.py --kills 5 --json

A child process writes through the services as fast as it can — customers
created, edited, archived, deleted and restored, interactions logged, edited,
deleted and restored, purchases, connections, a CSV import and its undo, cards
marked sent and taken back, the trash emptied, drafts, settings, snoozes, tag
cadences, graph positions, two customers merged — and is killed at a random moment. Before each
write it prints what the write will make true ("B"), after the commit the
same again ("C"). After every kill the parent checks:
- PRAGMA integrity_check and foreign_key_check;
- every fact of every write the child reported committed (C) is still true,
  unless a later reported write changed it;
- the write cut off by the kill (B without C) landed whole or not at all;
- the customer summaries and the search index equal a rebuild.
tests/journal/test_soak_kill.py runs a few kills in the default test run."""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SET, ABSENT = "__set__", "__absent__"


# --- the writer -------------------------------------------------------------------------

def child(path: str, seed: int, log_path: str) -> None:
    from journal.rules import cards, lately
    from journal.writes import connections, customers, drafts, interactions, merge, purchases, settings, trash
    from journal.storage import db
    from journal.reads import graph
    from journal.errors import JournalError
    from journal.io import csv_import as ci

    db.connect(path, check_integrity=False)
    con = db.database.connection()
    rng = random.Random(seed)

    def ids(sql, *params):
        return [r[0] for r in con.execute(sql, params).fetchall()]

    def pick(sql, *params):
        found = ids(sql + " ORDER BY random() LIMIT 1", *params)
        return found[0] if found else None

    def fact(table, key, ident, column, value):
        return [table, key, ident, column, value]

    def deleted_facts(table, rows, value):
        return [fact(table, "id", r, "deleted_at", value) for r in rows]

    def say(mark, op, facts, group=None, refresh=None):
        report_line(f"{mark} {json.dumps({'op': op, 'facts': facts, 'group': group, 'refresh': refresh})}")

    live = "SELECT id FROM customer WHERE deleted_at IS NULL"
    token = f"{seed}-{{}}"
    n = 0

    def write(op, facts, run, group=None, refresh=None):
        """Announce, write, report. `facts` may be a function of the write's result.
        `refresh`: facts the write may change in ways only the journal knows (a
        merge combines interests, moves snoozes): re-read if the write is cut off."""
        known = facts if not callable(facts) else []
        say("B", op, known, group, refresh)
        result = run()
        say("C", op, facts(result) if callable(facts) else facts, group)

    def as_now(keys):
        return [key + [actual(con, *key)] for key in keys]

    # The report goes to a file, not a pipe: a full pipe would stall the writer
    # while the parent sleeps. Each line is one write() and survives the kill.
    log = open(log_path, "a", encoding="utf-8")

    def report_line(line: str) -> None:
        log.write(line + "\n")
        log.flush()

    print("ready", flush=True)
    while True:
        n += 1
        tok = token.format(n)
        cid = pick(live)
        roll = rng.random()
        try:
            if roll < 0.08 or cid is None:
                name = f"Person {tok}"
                write("create customer", lambda c: [fact("customer", "id", c.id, "name", name),
                                                   fact("customer", "id", c.id, "deleted_at", None)],
                      lambda: customers.create_customer(name=name, tags=["vip"] if n % 3 else []))
            elif roll < 0.16:
                write("edit customer", [fact("customer", "id", cid, "interests", f"topic {tok}")],
                      lambda: customers.update_customer(cid, interests=f"topic {tok}",
                                                        stage=rng.choice(["customer", "prospect", "former"])))
            elif roll < 0.19:
                archived = rng.random() < 0.5
                write("archive", [fact("customer", "id", cid, "archived", int(archived))],
                      lambda: customers.set_archived(cid, archived))
            elif roll < 0.23:
                write("delete customer", deleted_facts("customer", [cid], SET), lambda: customers.delete_customer(cid))
            elif roll < 0.27:
                gone = pick("SELECT id FROM customer WHERE deleted_at IS NOT NULL")
                if gone:
                    write("restore customer", deleted_facts("customer", [gone], None),
                          lambda: customers.restore_customer(gone))
            elif roll < 0.40:
                summary = f"Call {tok}"
                write("log interaction", lambda r: [fact("interaction", "id", r.id, "summary", summary)],
                      lambda: interactions.log_interaction(cid, rng.choice(["call", "thank_you_card", "article"]),
                                                           "out", summary, notes="n" * rng.randint(0, 4000)))
            elif roll < 0.45:
                iid = pick("SELECT id FROM interaction WHERE deleted_at IS NULL")
                if iid:
                    write("edit interaction", [fact("interaction", "id", iid, "notes", f"edited {tok}")],
                          lambda: interactions.update_interaction(iid, notes=f"edited {tok}"))
            elif roll < 0.49:
                iid = pick("SELECT id FROM interaction WHERE deleted_at IS NULL")
                if iid:
                    write("delete interaction", deleted_facts("interaction", [iid], SET),
                          lambda: interactions.delete_interaction(iid))
            elif roll < 0.53:
                iid = pick("SELECT i.id FROM interaction i JOIN customer c ON c.id = i.customer_id "
                           "WHERE i.deleted_at IS NOT NULL AND c.deleted_at IS NULL")
                if iid:
                    write("restore interaction", deleted_facts("interaction", [iid], None),
                          lambda: interactions.restore_interaction(iid))
            elif roll < 0.60:
                cents = rng.randint(1, 10**7)
                write("add purchase", lambda p: [fact("purchase", "id", p.id, "amount_cents", cents)],
                      lambda: purchases.add_purchase(cid, date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)),
                                                     "Chair", cents))
            elif roll < 0.63:
                pid = pick("SELECT id FROM purchase WHERE deleted_at IS NULL")
                if pid:
                    write("delete purchase", deleted_facts("purchase", [pid], SET), lambda: purchases.delete_purchase(pid))
            elif roll < 0.66:
                pid = pick("SELECT id FROM purchase WHERE deleted_at IS NOT NULL")
                if pid:
                    write("restore purchase", deleted_facts("purchase", [pid], None),
                          lambda: purchases.restore_purchase(pid))
            elif roll < 0.70:
                other = pick(live + " AND id != ?", cid)
                if other:
                    write("add connection", lambda c: [fact("connection", "id", c.id, "note", f"met {tok}")],
                          lambda: connections.add_connection(cid, other, rng.choice(["referred", "introduced",
                                                                                     "colleague"]), note=f"met {tok}"))
            elif roll < 0.72:
                kid = pick("SELECT id FROM connection WHERE deleted_at IS NULL")
                if kid:
                    write("delete connection", deleted_facts("connection", [kid], SET),
                          lambda: connections.delete_connection(kid))
            elif roll < 0.75:
                size = rng.randint(2, 40)
                text = "name,email,tags\n" + "".join(f"Imp {tok} {k},imp{k}@example.org,trade\n" for k in range(size))
                table = ci.read_table(text.encode())
                plan = ci.plan_customers(table, ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS))
                group = [f"Imp {tok} %", size]
                write("import CSV", lambda report: [fact("customer", "id", c, "deleted_at", None)
                                                    for c in report.customer_ids],
                      lambda: _remember_import(ci.import_customers(plan), tok), group)
            elif roll < 0.77 and _IMPORTS:
                report_tok, report = _IMPORTS.pop(rng.randrange(len(_IMPORTS)))
                gone = [c for c in report.customer_ids if c in set(ids(live))]
                write("undo import", deleted_facts("customer", gone, SET), lambda: ci.undo_import(report))
            elif roll < 0.81:
                chosen = ids(live + " ORDER BY random() LIMIT 3")
                made = cards.build_cards("hand", customer_ids=chosen)
                write("mark cards sent", lambda s: [fact("interaction", "id", i, "deleted_at", None)
                                                    for i in s.interaction_ids],
                      lambda: _remember_sent(cards.mark_sent(made)))
            elif roll < 0.83 and _SENT:
                sent = _SENT.pop(rng.randrange(len(_SENT)))
                write("unmark cards sent", deleted_facts("interaction", list(sent.interaction_ids), SET),
                      lambda: cards.unmark_sent(sent))
            elif roll < 0.84:
                purged = _trash_contents(con)
                write("empty trash", [[table, key, r, None, ABSENT] for (table, key), rows in purged.items()
                                      for r in rows], trash.empty_trash)
            elif roll < 0.90:
                payload = {"notes": f"typing {tok} " + "x" * rng.randint(0, 3000)}
                write("save draft", [fact("draft", "key", "quick_capture", "payload",
                                          json.dumps(payload, ensure_ascii=False))],
                      lambda: drafts.save_draft("quick_capture", payload))
            elif roll < 0.92:
                write("settings", [fact("setting", "key", "signature", "value", f"Yours, {tok}")],
                      lambda: settings.update_settings(signature=f"Yours, {tok}"))
            elif roll < 0.95:
                until = date.today() + timedelta(days=rng.randint(1, 90))
                write("snooze", [fact("snooze", "customer_id", cid, "until", until.isoformat())],
                      lambda: lately.snooze(cid, "cadence", until))
            elif roll < 0.97:
                days = rng.randint(7, 365)
                write("tag cadence", [fact("tag", "name", "vip", "cadence_days", days)],
                      lambda: customers.set_tag_cadence("vip", days))
            elif roll < 0.985:
                other = pick(live + " AND id != ?", cid)
                if other:  # the other customer goes to the trash; the kept one gets the merge note
                    effects = merge_effects(con, cid, other)
                    write("merge customers", lambda r: [fact("customer", "id", other, "deleted_at", SET),
                                                        fact("interaction", "id", r.note_id, "deleted_at", None),
                                                        *as_now(effects)],
                          lambda: merge.merge_customers(cid, other), refresh=effects)
            else:
                placed = {c: (rng.uniform(-500, 500), rng.uniform(-500, 500)) for c in ids(live + " LIMIT 30")}
                write("graph positions", [fact("graph_position", "customer_id", c, "x", x) for c, (x, _) in placed.items()],
                      lambda: graph.save_positions(placed))
        except JournalError as exc:  # refused (a duplicate connection, say): nothing was written
            report_line(f"R {json.dumps(str(exc))}")


def merge_effects(con, keep, other):
    """What merging `other` into `keep` may change among the facts followed: if
    the kill cuts the merge off after its commit (before the child said so),
    these are re-read. The other customer going to the trash is one of them: a
    merge that landed unreported left it expected live ("lost customer id=35")."""
    keys = [["customer", "id", keep, "interests"], ["customer", "id", other, "deleted_at"]]
    for cid in (keep, other):
        keys += [["graph_position", "customer_id", cid, "x"], ["snooze", "customer_id", cid, "until"]]
    for (kid,) in con.execute("SELECT id FROM connection WHERE ? IN (source_id, target_id) "
                              "OR ? IN (source_id, target_id)", (keep, other)).fetchall():
        keys += [["connection", "id", kid, "note"], ["connection", "id", kid, "deleted_at"]]
    return keys


_IMPORTS: list = []
_SENT: list = []


def _remember_import(report, tok):
    _IMPORTS.append((tok, report))
    return report


def _remember_sent(sent):
    _SENT.append(sent)
    return sent


def _trash_contents(con) -> dict[tuple[str, str], list[int]]:
    """What empty_trash() removes: the trash, and whatever a removed customer takes along."""
    def ids(sql):
        return [r[0] for r in con.execute(sql).fetchall()]

    gone = "SELECT id FROM customer WHERE deleted_at IS NOT NULL"
    return {
        ("customer", "id"): ids(gone),
        ("interaction", "id"): ids(f"SELECT id FROM interaction WHERE deleted_at IS NOT NULL OR customer_id IN ({gone})"),
        ("purchase", "id"): ids(f"SELECT id FROM purchase WHERE deleted_at IS NOT NULL OR customer_id IN ({gone})"),
        ("connection", "id"): ids(f"SELECT id FROM connection WHERE deleted_at IS NOT NULL OR source_id IN ({gone}) "
                                  f"OR target_id IN ({gone})"),
        ("snooze", "customer_id"): ids(f"SELECT customer_id FROM snooze WHERE customer_id IN ({gone})"),
        ("graph_position", "customer_id"): ids(f"SELECT customer_id FROM graph_position WHERE customer_id IN ({gone})"),
    }


# --- the checks -----------------------------------------------------------------------------

def actual(con, table, key, ident, column):
    if column is None:
        row = con.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (ident,)).fetchone()
        return ABSENT if row is None else SET
    row = con.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (ident,)).fetchone()
    return ABSENT if row is None else row[0]


def holds(value, expected) -> bool:
    if expected == SET:
        return value not in (None, ABSENT)
    if isinstance(expected, float) and isinstance(value, float):
        return abs(value - expected) < 1e-9
    return value == expected


class Expected:
    """What the reported writes made true, each fact replaced by later ones. A
    removed row is checked absent once, after the round that removed it: SQLite
    may give its id to a new row later."""

    def __init__(self):
        self.facts: dict[tuple, object] = {}
        self.gone: set[tuple] = set()

    def apply(self, facts):
        for table, key, ident, column, value in facts:
            if value == ABSENT:  # the row is gone: whatever was known of it goes too
                for k in [k for k in self.facts if k[:3] == (table, key, ident)]:
                    del self.facts[k]
                self.gone.add((table, key, ident))
            else:
                self.gone.discard((table, key, ident))
                self.facts[(table, key, ident, column)] = value

    def check(self, con) -> list[str]:
        wrong = []
        for (table, key, ident, column), value in self.facts.items():
            found = actual(con, table, key, ident, column)
            if not holds(found, value):
                wrong.append(f"{table} {key}={ident} {column}: expected {value!r}, found {found!r}")
        for table, key, ident in self.gone:
            if actual(con, table, key, ident, None) != ABSENT:
                wrong.append(f"{table} {key}={ident} should have been removed")
        self.gone.clear()
        return wrong


def settle_cut_off(con, expected: Expected, begun: dict) -> list[str]:
    """The write the kill cut off: all of it landed, or none of it. Then what is
    there now is the truth the next rounds check against."""
    wrong = []
    facts = begun["facts"]
    now = [actual(con, *f[:4]) for f in facts]
    all_new = all(holds(value, f[4]) for value, f in zip(now, facts))
    # Before the write: the value last reported, or for a row about to be removed, the row.
    old = [(value, SET if f[4] == ABSENT else expected.facts[tuple(f[:4])]) for value, f in zip(now, facts)
           if f[4] == ABSENT or tuple(f[:4]) in expected.facts]
    all_old = all(holds(value, before) for value, before in old)
    if not (all_new or all_old):
        wrong.append(f"half of a cut-off '{begun['op']}' landed")
    if begun.get("group"):
        pattern, size = begun["group"]
        count = con.execute("SELECT count(*) FROM customer WHERE name LIKE ?", (pattern,)).fetchone()[0]
        if count not in (0, size):
            wrong.append(f"a cut-off import left {count} of {size} customers")
    if not facts:  # a cut-off creation may have taken the id of a row removed this round
        expected.gone.clear()
    for value, f in zip(now, facts):
        expected.apply([f[:3] + [None, ABSENT]] if value == ABSENT else [f[:4] + [value]])
    for key in begun.get("refresh") or []:  # landed or not, these are as the journal now has them
        value = actual(con, *key)
        expected.apply([key[:3] + [None, ABSENT]] if value == ABSENT else [key + [value]])
    return wrong


def derived_problems(path: Path) -> list[str]:
    from journal.storage import db
    from tests.journal.soundness import problems

    db.connect(path, check_integrity=False)
    try:
        return problems()
    finally:
        db.close()


def soak(kills: int, folder: Path, seed: int = 2026) -> dict:
    from journal.writes import customers
    from journal.storage import db

    path = folder / "journal.sqlite3"
    db.connect(path)
    customers.create_customers([{"name": f"Seed {n}", "tags": ["vip"]} for n in range(12)])
    db.close()
    rng = random.Random(seed)
    expected, problems = Expected(), []
    totals = {"kills": 0, "committed": 0, "cut_off": 0, "refused": 0, "by_op": {}}
    for round_ in range(kills):
        log = folder / f"writes-{round_}.txt"
        writer = subprocess.Popen([sys.executable, __file__, "--child", str(path), str(seed * 1000 + round_), str(log)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.02, 1.0))
        writer.send_signal(signal.SIGKILL)
        _, err = writer.communicate()
        out = log.read_text(encoding="utf-8")
        totals["kills"] += 1
        if writer.returncode != -signal.SIGKILL:
            problems.append(f"round {round_}: the writer stopped by itself ({writer.returncode}): {err[-500:]}")
        begun = None
        for line in out.splitlines():
            mark, _, rest = line.partition(" ")
            try:
                entry = json.loads(rest)
            except ValueError:  # the last line, cut by the kill
                continue
            if mark == "B":
                begun = entry
            elif mark == "C":
                begun = None
                expected.apply(entry["facts"])
                totals["committed"] += 1
                totals["by_op"][entry["op"]] = totals["by_op"].get(entry["op"], 0) + 1
            elif mark == "R":
                begun = None
                totals["refused"] += 1
        con = sqlite3.connect(path)
        try:
            found = [r[0] for r in con.execute("PRAGMA integrity_check")]
            if found != ["ok"]:
                problems.append(f"round {round_}: integrity {found[:3]}")
            dangling = con.execute("PRAGMA foreign_key_check").fetchall()
            if dangling:
                problems.append(f"round {round_}: foreign keys {dangling[:3]}")
            if begun:
                totals["cut_off"] += 1
                problems += [f"round {round_}: {p}" for p in settle_cut_off(con, expected, begun)]
            problems += [f"round {round_}: lost {p}" for p in expected.check(con)]
        finally:
            con.close()
        problems += [f"round {round_}: {p}" for p in derived_problems(path)]
    totals["facts_checked"] = len(expected.facts)
    totals["problems"] = problems
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = soak(args.kills, Path(folder), args.seed)
    result["seconds"] = round(time.perf_counter() - started)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['kills']} kills in {result['seconds']} s: {result['committed']} writes committed and "
              f"reported, {result['cut_off']} cut off by the kill, {result['refused']} refused; "
              f"{result['facts_checked']} facts still checked at the end; {len(result['problems'])} problems")
        for op, count in sorted(result["by_op"].items(), key=lambda kv: -kv[1]):
            print(f"  {count:6}  {op}")
        for problem in result["problems"][:30]:
            print(f"  problem: {problem}")
    sys.exit(1 if result["problems"] else 0)


if __name__ == "__main__":
    main()
