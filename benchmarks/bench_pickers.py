"""Customer pickers on the scale journal (5,000 customers): the completion query
for what people type, and one keystroke in a real CustomerPicker until its list
is filled and shown (offscreen Qt).

    nice uv run python benchmarks/bench_pickers.py

Target: a keystroke's list well under 50 ms (no visible pause). The full scan
column is the same question without the trigram index (LIKE over every
customer), for comparison."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYSIDE6_OPTION_PYTHON_ENUM", "0x11")

from _harness import scale_journal, table, timed  # noqa: E402

from journal import db, search  # noqa: E402
from journal.models import database  # noqa: E402

TEXTS = ("a", "an", "mar", "son", "ullin", "jo sm", "zzz")


def full_scan(text):
    words = text.split()
    where = " AND ".join("(c.name || ' ' || coalesce(co.name, '')) LIKE ?" for _ in words)
    return database.execute_sql(
        f"""SELECT c.id FROM customer c LEFT JOIN company co ON co.id = c.company_id
            WHERE c.deleted_at IS NULL AND {where} ORDER BY c.name COLLATE NOCASE LIMIT 30""",
        [f"%{w}%" for w in words]).fetchall()


def main():
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.pickers import CustomerPicker

    db.connect(scale_journal())
    app = QApplication([])
    picker = CustomerPicker()
    picker.show()
    picker.setFocus()
    app.processEvents()
    rows = []
    for text in TEXTS:
        query_ms, _, found = timed(lambda: search.complete_customers(text, CustomerPicker.LIMIT))
        scan_ms, _, _ = timed(lambda: full_scan(text))

        def keystroke():
            picker.clear()
            QTest.keyClicks(picker, text[:-1])
            started = __import__("time").perf_counter()
            QTest.keyClick(picker, text[-1])
            shown = picker.completer().popup().isVisible()
            return (__import__("time").perf_counter() - started) * 1000, shown

        samples = sorted(keystroke()[0] for _ in range(9))
        shown = keystroke()[1]
        rows.append((repr(text), len(found), f"{query_ms:.2f}", f"{scan_ms:.2f}", f"{samples[4]:.1f}",
                     "yes" if shown else "no"))
        picker.completer().popup().hide()
    table(rows, ("typed", "rows", "query ms", "full scan ms", "last keystroke ms", "list shown"))
    QTest.keyClick(picker, Qt.Key.Key_Escape)


if __name__ == "__main__":
    main()
