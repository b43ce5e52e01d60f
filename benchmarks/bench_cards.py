"""Thank-you cards on the scale journal: 500 personalised cards to PDF; every
occasion's list as the cards window builds it; and every referral card marked
as sent at once, then undone and redone (on a copy of the journal).

    nice uv run python benchmarks/bench_cards.py [--size 5k|50k] [--marking-only]

Targets: 500 cards personalised and printed to PDF under 5 s. The window builds
the lists and marks cards as sent off the GUI thread (progress and Cancel for
marking); undo and redo run on the GUI thread: their figures say how long a
Ctrl+Z of that many cards holds the window. Beside marking, its floor: the
same rows written with raw SQL (executemany) on another copy, in one
transaction, and the undo's and redo's writes as plain UPDATEs.
--marking-only leaves out the PDF and the lists."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _harness import scale_journal, size_arg, table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main():
    from pypdf import PdfReader
    from PySide6.QtGui import QGuiApplication

    from journal.rules import cards
    from journal.storage import db
    from ui.cards.card_printing import CARDS, LIST, write_pdf

    app = QGuiApplication([])
    if "--marking-only" not in sys.argv:
        print_and_list(cards, db, write_pdf, CARDS, LIST, PdfReader)
    marking(cards, db)
    del app


def print_and_list(cards, db, write_pdf, CARDS, LIST, PdfReader):
    db.connect(scale_journal(), check_integrity=False)
    started = time.perf_counter()
    from journal.storage.models import Customer

    ids = [c for (c,) in Customer.select(Customer.id).where(Customer.deleted_at.is_null())
           .order_by(Customer.id).limit(500).tuples()]
    started = time.perf_counter()
    chosen = cards.build_cards(cards.HAND, customer_ids=ids)
    built = time.perf_counter() - started
    rows = [("personalise 500 messages (chosen by hand)", f"{built:.2f}", "")]
    with tempfile.TemporaryDirectory() as folder:
        for kind, label in ((CARDS, "500 cards, one per A6 page"), (LIST, "the list of 500, A4")):
            started = time.perf_counter()
            path = write_pdf(Path(folder) / f"{kind}.pdf", chosen, kind)
            elapsed = time.perf_counter() - started
            pages = len(PdfReader(str(path)).pages)
            if kind == CARDS:
                assert pages == 500, pages
            rows.append((label, f"{elapsed:.2f}", f"{pages} pages, {path.stat().st_size / 1e6:.1f} MB"))
    total = built + float(rows[1][1])
    rows.append(("personalise + cards PDF", f"{total:.2f}", "ok" if total < 5 else "MISS (< 5 s)"))
    table(rows, ("500 thank-you cards", "seconds", ""))

    rows = []
    for occasion in (cards.PURCHASES, cards.WELCOME, cards.QUARTERLY, cards.REFERRALS):
        started = time.perf_counter()
        found = cards.build_cards(occasion)
        rows.append((f"list: {cards.OCCASIONS[occasion]}", f"{time.perf_counter() - started:.2f}",
                     f"{len(found):,} cards"))
    db.close()
    table(rows, (f"card lists at {size_arg()}", "seconds", ""))


def marking(cards, db):
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.sqlite3"
        shutil.copyfile(scale_journal(), copy)
        db.connect(copy, check_integrity=False)
        from journal.writes import changes

        chosen = cards.build_cards(cards.REFERRALS)
        started = time.perf_counter()
        with changes.recording() as recorded:
            sent = cards.mark_sent(chosen)
        rows.append((f"mark {len(chosen):,} referral cards as sent", f"{time.perf_counter() - started:.2f}", ""))
        written = entries_written(sent.interaction_ids)
        started = time.perf_counter()
        undone = changes.undo(recorded.changeset)
        rows.append(("  undo it", f"{time.perf_counter() - started:.2f}", f"{len(recorded.changeset.changes):,} rows"))
        started = time.perf_counter()
        changes.redo(undone)
        rows.append(("  redo it", f"{time.perf_counter() - started:.2f}", ""))
        db.close()
        os.unlink(copy)
        shutil.copyfile(scale_journal(), copy)
        rows += floor(copy, written, recorded.changeset)
    table(rows, (f"marking cards at {size_arg()}", "seconds", ""))


def entries_written(ids):
    """The timeline entries marking wrote, as the floor writes them again."""
    from journal.storage.models import Interaction

    found = {}
    for start in range(0, len(ids), 500):
        for row in (Interaction.select(Interaction.id, Interaction.customer_id, Interaction.occurred_at,
                                       Interaction.kind, Interaction.direction, Interaction.summary,
                                       Interaction.notes)
                    .where(Interaction.id.in_(ids[start:start + 500])).tuples()):
            found[row[0]] = row[1:]
    return [(i, found[i]) for i in ids]


def floor(path, written, changeset):
    """The rows marking wrote, written with raw SQL on a fresh copy: the cards'
    timeline entries with one executemany, the purchases and referrals they
    thank for by id, in one transaction; then what the undo writes (the entries
    to the trash, the thanks released) and the redo (back again). The search
    index's triggers run as they do for the app."""
    from datetime import datetime

    thanks = [c for c in changeset.changes if c.table in ("purchase", "connection")]
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA cache_size = -64000")  # as the app opens it (journal.storage.db.PRAGMAS)
    columns = ("customer_id", "occurred_at", "kind", "direction", "summary", "notes", "follow_up_done",
               "created_at", "updated_at", "version")
    stamp = datetime.now().isoformat(sep=" ")
    values = [(cid, str(at), kind, direction, summary, notes, 0, stamp, stamp, 1)
              for _, (cid, at, kind, direction, summary, notes) in written]
    rows = []
    started = time.perf_counter()
    con.execute("BEGIN")
    first = con.execute("SELECT coalesce(max(id), 0) + 1 FROM interaction").fetchone()[0]
    con.executemany(f"INSERT INTO interaction ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    values)
    new_id = {app_id: first + n for n, (app_id, _) in enumerate(written)}  # the app's entry -> the floor's
    thank(con, thanks, new_id)
    con.execute("COMMIT")
    rows.append((f"  floor: the same {len(written) + len(thanks):,} rows in raw SQL",
                 f"{time.perf_counter() - started:.2f}", f"{len(written):,} inserted, {len(thanks):,} updated"))
    ids = sorted(new_id.values())
    started = time.perf_counter()
    con.execute("BEGIN")
    con.execute("UPDATE interaction SET deleted_at = ? WHERE id BETWEEN ? AND ?", (stamp, ids[0], ids[-1]))
    for table in ("purchase", "connection"):
        released = [c.row_id for c in thanks if c.table == table]
        for start in range(0, len(released), 500):
            part = released[start:start + 500]
            con.execute(f"UPDATE {table} SET thanked_by_id = NULL WHERE id IN ({', '.join('?' * len(part))})", part)
    con.execute("COMMIT")
    rows.append(("  floor: the undo's writes", f"{time.perf_counter() - started:.2f}", ""))
    started = time.perf_counter()
    con.execute("BEGIN")
    con.execute("UPDATE interaction SET deleted_at = NULL WHERE id BETWEEN ? AND ?", (ids[0], ids[-1]))
    thank(con, thanks, new_id)
    con.execute("COMMIT")
    rows.append(("  floor: the redo's writes", f"{time.perf_counter() - started:.2f}", ""))
    con.close()
    return rows


def thank(con, thanks, new_id):
    for table in ("purchase", "connection"):
        con.executemany(f"UPDATE {table} SET thanked_by_id = ? WHERE id = ?",
                        [(new_id.get(c.after["thanked_by"], c.after["thanked_by"]), c.row_id)
                         for c in thanks if c.table == table])


if __name__ == "__main__":
    main()
