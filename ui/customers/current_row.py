"""Where the keys act in the customer list: a ring round the whole current row
while the list has the keyboard focus. The selected row looks the same whether
the keys are in the find box or in the list, so without it a person who pressed
Enter in the find box, or Tab into the list, could not tell that Up, Down and
Enter now move through the customers."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QTableView

from ui.common import theme

RING_WIDTH = 2


class CurrentRowDelegate(QStyledItemDelegate):
    """Paints each cell as usual, then its part of the ring: top and bottom on
    every cell of the current row, the sides on the first and last cells in
    view. Reads nothing but the view's own state (no query while painting)."""

    def __init__(self, table: QTableView):
        super().__init__(table)
        self.table = table
        table.installEventFilter(self)

    def initStyleOption(self, option, index):
        super().initStyleOption(option, index)
        # The style's dotted frame round one cell would say the cell, not the row, is chosen.
        option.state &= ~QStyle.StateFlag.State_HasFocus

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        table = self.table
        if not table.hasFocus() or index.row() != table.currentIndex().row():
            return
        rect = option.rect
        half = RING_WIDTH // 2
        left, right = rect.left(), rect.right()
        top, bottom = rect.top() + half, rect.bottom() - half + (1 - RING_WIDTH % 2)
        painter.save()
        painter.setPen(QPen(theme.focus_ring(option.palette), RING_WIDTH))
        painter.drawLine(left, top, right, top)
        painter.drawLine(left, bottom, right, bottom)
        if left <= 0:  # the first column in view (scrolled sideways, the side is out of sight)
            painter.drawLine(left + half, top, left + half, bottom)
        if right >= table.viewport().width() - 1:  # the last column reaches the edge (it stretches)
            painter.drawLine(right - half + (1 - RING_WIDTH % 2), top, right - half + (1 - RING_WIDTH % 2), bottom)
        painter.restore()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table:  # not an editor: the delegate's own filter would take its Tab and Escape
            if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
                self.table.viewport().update()  # the ring comes and goes with the focus, on every cell of the row
            return False
        return super().eventFilter(watched, event)
