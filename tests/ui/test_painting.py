"""Painting must not corrupt the interpreter. PySide6 6.12.0 on Python 3.11
dropped a reference to None on every void QPainter call, which aborts the app
after enough painting; this fails first if an upgrade brings that back."""

import sys
from datetime import date, datetime

from PySide6.QtCore import QRect
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QStyleOptionViewItem

from journal.rules.lately import AttentionItem
from journal.reads.timeline import TimelineEntry
from ui.lately.lately_panel import AttentionDelegate, AttentionModel
from ui.timeline.timeline_view import TimelineDelegate, TimelineModel


def test_painting_thousands_of_rows_keeps_none_alive(qtbot):
    timeline = TimelineModel()
    timeline._rows = [TimelineEntry("interaction", 1, datetime(2026, 1, 2, 9), "call", "out", "Called", "Notes")]
    attention = AttentionModel()
    attention.set_rows([AttentionItem(1, "Ada", "", "cadence", 270, date(2026, 1, 2), "due", None, None,
                                      (92, 90, "article", "sailing"))])
    pixmap = QPixmap(400, 120)
    painter = QPainter(pixmap)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 400, 120)
    before = sys.getrefcount(None)
    for _ in range(1500):
        TimelineDelegate().paint(painter, option, timeline.index(0))
        AttentionDelegate().paint(painter, option, attention.index(0))
    painter.end()
    assert sys.getrefcount(None) >= before - 50


def test_a_follow_up_reads_due_only_from_its_day():
    from ui.timeline.timeline_view import meta_text

    def entry(on, done=False):
        return TimelineEntry("interaction", 1, datetime(2026, 11, 24, 9), "call", "out", "Called", "",
                             follow_up_on=on, follow_up_done=done)

    today = date(2026, 11, 24)
    assert meta_text(entry(date(2026, 12, 1)), today).endswith("follow up 1 Dec 2026")
    assert meta_text(entry(today), today).endswith("follow up 24 Nov 2026 (due)")
    assert meta_text(entry(date(2026, 11, 20)), today).endswith("follow up 20 Nov 2026 (due)")
    assert meta_text(entry(date(2026, 12, 1), done=True), today).endswith("follow up 1 Dec 2026 (done)")


def test_what_a_colleague_wrote_names_them_and_yours_does_not():
    from ui.timeline.timeline_view import meta_text

    def entry(source="interaction", kind="call", direction="out", author=None):
        return TimelineEntry(source, 1, datetime(2026, 11, 24, 9), kind, direction, "Called", "thanked",
                             amount_cents=1200 if source == "purchase" else None, author=author)

    assert "you reached out" in meta_text(entry())
    assert "ben reached out" in meta_text(entry(author="ben")) and "noted by" not in meta_text(entry(author="ben"))
    inbound = meta_text(entry(direction="in", author="ben"))
    assert "they reached out" in inbound and inbound.endswith("noted by ben")
    assert meta_text(entry(kind="note", direction="out", author="ben")).endswith("noted by ben")
    assert meta_text(entry(source="purchase", kind="purchase", direction=None, author="ben")).endswith("logged by ben")
    assert meta_text(entry(source="connection", kind="referred", direction="out", author="ben")).endswith("by ben")
    assert "by" not in meta_text(entry(source="connection", kind="referred", direction="out"))
