"""500 personalised thank-you cards to PDF, on the scale journal.

    uv run python benchmarks/bench_cards.py

Target: under 5 s (the app does this off the GUI thread behind a progress bar)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from _harness import scale_journal, table

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
    chosen = cards.build_cards(cards.QUARTERLY)[:500]
    built = time.perf_counter() - started
    rows = [("personalise 500 messages (quarterly)", f"{built:.2f}", "")]
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
    del app


if __name__ == "__main__":
    main()
