"""Customer pickers on the scale journal (5,000 customers, or the journal named
on the command line, e.g. the 50,000-customer one): the completion query for
what people type, and one keystroke in a real CustomerPicker until its list is
filled and shown (offscreen Qt).

    nice uv run python benchmarks/bench_pickers.py [--size 5k|50k] [JOURNAL.sqlite3]

Target: a keystroke under 20 ms at 50,000 customers. The floor is the raw SQL
that finds a page of matching ids on the same file (the trigram index for
words of three letters or more, the name-order index for shorter ones) without
the company join and the order; the full scan column is the question without
either index (LIKE over every customer), for comparison."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYSIDE6_OPTION_PYTHON_ENUM", "0x11")

from _harness import scale_journal, table, timed  # noqa: E402

from journal.storage import db  # noqa: E402
from journal.reads import search  # noqa: E402
from journal.storage.models import database  # noqa: E402

TEXTS = ("a", "an", "e", "er", "mar", "son", "lee", "ullin", "jo sm", "ja mi", "xq", "zzz")


def floor(text):
    words = text.split()
    if any(len(w) >= 3 for w in words):
        return database.execute_sql(
            "SELECT rowid FROM customer_names WHERE customer_names MATCH ? LIMIT 30",
            (" ".join(f'"{w}"' for w in words if len(w) >= 3),)).fetchall()
    low = words[0].lower()
    return database.execute_sql(
        "SELECT id FROM customer INDEXED BY customer_name_order "
        "WHERE name >= ? COLLATE NOCASE AND name < ? COLLATE NOCASE LIMIT 30",
        (low, low[:-1] + chr(ord(low[-1]) + 1))).fetchall()


def full_scan(text):
    words = text.split()
    where = " AND ".join("(c.name || ' ' || coalesce(co.name, '')) LIKE ?" for _ in words)
    return database.execute_sql(
        f"""SELECT c.id FROM customer c NOT INDEXED LEFT JOIN company co ON co.id = c.company_id
            WHERE c.deleted_at IS NULL AND {where} ORDER BY c.name COLLATE NOCASE LIMIT 30""",
        [f"%{w}%" for w in words]).fetchall()


def main():
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.common.pickers import CustomerPicker

    named = [a for a in sys.argv[1:] if a.endswith('.sqlite3')]
    db.connect(named[0] if named else scale_journal())
    app = QApplication([])
    picker = CustomerPicker()
    picker.show()
    picker.setFocus()
    app.processEvents()
    rows = []
    for text in TEXTS:
        query_ms, _, found = timed(lambda: search.complete_customers(text, CustomerPicker.LIMIT))
        scan_ms, _, _ = timed(lambda: full_scan(text))
        floor_ms, _, _ = timed(lambda: floor(text))

        def keystroke():
            picker.clear()
            QTest.keyClicks(picker, text[:-1])
            started = __import__("time").perf_counter()
            QTest.keyClick(picker, text[-1])
            shown = picker.completer().popup().isVisible()
            return (__import__("time").perf_counter() - started) * 1000, shown

        samples = sorted(keystroke()[0] for _ in range(9))
        shown = keystroke()[1]
        rows.append((repr(text), len(found), f"{query_ms:.2f}", f"{floor_ms:.2f}", f"{scan_ms:.2f}", f"{samples[4]:.1f}",
                     "yes" if shown else "no"))
        picker.completer().popup().hide()
    table(rows, ("typed", "rows", "query ms", "floor ms", "full scan ms", "last keystroke ms", "list shown"))
    QTest.keyClick(picker, Qt.Key.Key_Escape)


if __name__ == "__main__":
    main()
