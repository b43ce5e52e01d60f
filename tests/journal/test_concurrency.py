"""Two writers at once — another process, or the GUI thread beside the
background write thread — wait for each other instead of failing with
"database is locked": every write transaction takes the write lock at BEGIN,
so busy_timeout applies; reads take no lock."""

import json
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from journal.writes import customers, drafts, interactions, purchases
from journal.storage import db
from journal.rules import attention, lately
from journal.storage.models import database

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_writing_at_once_never_meet_a_locked_journal():
    # The benchmark's own code, shortened: two real processes writing for 3 s each.
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_two_writers.py"), "--seconds", "3",
                           "--json"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(n > 0 for n in result["per_writer"]), result
    assert result["locked"] == 0, result
    assert result["other"] == {}, result


@pytest.mark.sqlite_only  # SQLite's file lock; a server locks rows
def test_a_write_transaction_holds_the_write_lock_from_its_start(journal):
    ada = customers.create_customer(name="Ada")
    other = sqlite3.connect(journal, timeout=0)
    try:
        with database.atomic():
            customers.get_customer(ada.id)  # only a read so far
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again after the commit
        other.rollback()
    finally:
        other.close()


@pytest.mark.sqlite_only  # SQLite's file lock; a server locks rows
def test_reading_takes_no_lock_so_it_runs_while_another_process_writes(journal):
    customers.create_customer(name="Ada")
    writer = sqlite3.connect(journal, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE customer SET interests = 'oak'")
        # The Lately panel, the graph and the JSON export read in a snapshot.
        assert isinstance(attention.all_items(), list)
        with db.snapshot():
            assert customers.list_customers()[0].name == "Ada"
        writer.rollback()
    finally:
        writer.close()


def test_the_gui_thread_and_the_background_write_thread_both_write(journal):
    people = [customers.create_customer(name=f"P{n}").id for n in range(5)]
    errors, go = [], threading.Barrier(2)

    def write(kind: str):
        try:
            go.wait()
            for n in range(150):
                cid = people[n % len(people)]
                if kind == "gui":  # typing in quick capture, editing a customer
                    drafts.save_draft("quick_capture", {"notes": "x" * n})
                    customers.update_customer(cid, interests=f"topic {n}")
                else:  # the write thread: logging, buying, snoozing
                    interactions.log_interaction(cid, "call", "out", f"call {n}")
                    purchases.add_purchase(cid, date(2026, 1, 1), "Chair", 100 + n)
                    lately.snooze(cid, "cadence", date.today() + timedelta(days=1 + n % 30))
        except Exception as exc:  # any error fails the test below
            errors.append(exc)
        finally:
            database.close()  # this thread's own connection

    threads = [threading.Thread(target=write, args=(kind,)) for kind in ("gui", "worker")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(interactions_of(people)) == 150


def interactions_of(people):
    from journal.storage.models import Interaction

    return list(Interaction.select().where(Interaction.customer.in_(people)))
