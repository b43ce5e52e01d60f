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
