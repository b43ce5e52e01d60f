"""Search everything (Ctrl+K): customer names, companies, interests, and the
summaries and notes of every interaction, ranked, with the matching words
highlighted. Enter opens the customer at that entry."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QDialog, QLabel, QLineEdit, QListView, QStackedWidget, QStyledItemDelegate,
    QVBoxLayout,
)

from journal.reads import search

from ui.common import format as fmt
from ui.common.rows_model import RowsModel
from ui.common.theme import LEFT_MIDDLE, match_background, muted, paint_row_background

HIT_ROLE = Qt.ItemDataRole.UserRole + 1


class HitModel(RowsModel):
    ROW_ROLE = HIT_ROLE

    def display(self, hit):
        return f"{hit.customer_name}: {plain(hit.snippet)}"


def plain(snippet: str) -> str:
    return snippet.replace(search.MARK_START, "").replace(search.MARK_END, "")


def pieces(snippet: str) -> list[tuple[str, bool]]:
    """The snippet as (text, matched) runs."""
    result, matched = [], False
    for part in snippet.replace(search.MARK_END, search.MARK_START).split(search.MARK_START):
        if part:
            result.append((" ".join(part.split("\n")), matched))
        matched = not matched
    return result


class HitDelegate(QStyledItemDelegate):
    PAD = 8

    def sizeHint(self, option, index):
        return QSize(option.rect.width(), self.PAD * 2 + QFontMetrics(option.font).height() * 2 + 4)

    def paint(self, painter, option, index):
        hit: search.SearchHit = index.data(HIT_ROLE)
        painter.save()
        palette = option.palette
        rect = option.rect
        paint_row_background(painter, option, hover=False)
        line = QFontMetrics(option.font).height()
        x, y = rect.left() + self.PAD, rect.top() + self.PAD
        width = rect.width() - 2 * self.PAD
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(QRect(x, y, width, line), LEFT_MIDDLE, hit.customer_name)
        painter.setFont(option.font)
        painter.setPen(muted(palette))
        where = "customer" if hit.is_customer else fmt.moment(hit.when)
        painter.drawText(QRect(x, y, width, line), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, where)
        # The snippet, matched words in bold on a soft highlight, cut at the edge.
        cursor, right, y2 = x, x + width, y + line + 4
        for text, matched in pieces(hit.snippet):
            font = bold if matched else option.font
            metrics = QFontMetrics(font)
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, right - cursor)
            advance = metrics.horizontalAdvance(text)
            if matched:
                painter.fillRect(QRect(cursor - 1, y2, advance + 2, line), match_background(palette))
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(QRect(cursor, y2, advance + 1, line), LEFT_MIDDLE, text)
            cursor += advance
            if cursor >= right - 4:
                break
        painter.restore()


class SearchDialog(QDialog):
    """Emits the customer and, for a note, the interaction to show."""

    chosen = Signal(int, object)  # customer id, interaction id or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Search the journal")
        self.resize(640, 480)
        self.box = QLineEdit(placeholderText="Names, companies, interests, words from your notes…")
        self.box.setClearButtonEnabled(True)
        self.model = HitModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(HitDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.activated.connect(self._open)
        self.message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.list)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.stack)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(lambda: self._timer.start())
        self.box.returnPressed.connect(self._open_current)
        self.box.installEventFilter(self)
        self._show_message("Type to search every customer and every note.")
        self.box.setFocus()

    def run_search(self):
        text = self.box.text()
        if not text.strip():
            self.model.set_rows([])
            self._show_message("Type to search every customer and every note.")
            return
        hits = search.search(text, limit=100)
        self.model.set_rows(hits)
        if hits:
            self.stack.setCurrentWidget(self.list)
            self.list.setCurrentIndex(self.model.index(0))
        else:
            self._show_message(f"Nothing matches “{text.strip()}”.")

    def _show_message(self, text):
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def eventFilter(self, watched, event):
        # Up and Down move through the results while typing continues in the box;
        # Page Up and Page Down a screenful of them.
        arrows = (Qt.Key.Key_Up, Qt.Key.Key_Down)
        pages = (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        if watched is self.box and event.type() == event.Type.KeyPress and event.key() in arrows:
            row = self.list.currentIndex().row() + (1 if event.key() == Qt.Key.Key_Down else -1)
            if 0 <= row < self.model.rowCount():
                self.list.setCurrentIndex(self.model.index(row))
            return True
        if watched is self.box and event.type() == event.Type.KeyPress and event.key() in pages:
            if self.model.rowCount():
                QApplication.sendEvent(self.list, QKeyEvent(event.type(), event.key(), event.modifiers()))
            return True
        return super().eventFilter(watched, event)

    def _open_current(self):
        if self._timer.isActive():  # Enter before the pause: search first
            self._timer.stop()
            self.run_search()
        if self.list.currentIndex().isValid():
            self._open(self.list.currentIndex())

    def _open(self, index):
        hit = index.data(HIT_ROLE)
        self.chosen.emit(hit.customer_id, hit.interaction_id)
        self.accept()
