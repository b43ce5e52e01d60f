"""Thank-you cards on the scale journal: 500 personalised cards to PDF; every
occasion's list as the cards window builds it; and every referral card marked
as sent at once, then undone and redone (on a copy of the journal).

    nice uv run python benchmarks/bench_cards.py [--size 5k|50k]

Targets: 500 cards personalised and printed to PDF under 5 s. The window builds
the lists and marks cards as sent off the GUI thread (progress and Cancel for
marking); undo and redo run on the GUI thread: their figures say how long a
Ctrl+Z of that many cards holds the window."""

from __future__ import annotations

import os
import shutil
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
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.sqlite3"
        shutil.copyfile(scale_journal(), copy)
        db.connect(copy, check_integrity=False)
        from journal.writes import changes

        chosen = cards.build_cards(cards.REFERRALS)
        started = time.perf_counter()
        with changes.recording() as recorded:
            cards.mark_sent(chosen)
        rows.append((f"mark {len(chosen):,} referral cards as sent", f"{time.perf_counter() - started:.2f}", ""))
        started = time.perf_counter()
        undone = changes.undo(recorded.changeset)
        rows.append(("  undo it", f"{time.perf_counter() - started:.2f}", f"{len(recorded.changeset.changes):,} rows"))
        started = time.perf_counter()
        changes.redo(undone)
        rows.append(("  redo it", f"{time.perf_counter() - started:.2f}", ""))
        db.close()
    table(rows, (f"cards at {size_arg()}", "seconds", ""))
    del app


if __name__ == "__main__":
    main()
