"""The Lately panel: whom to attend to, why, and one click to do it. Items are
computed off the GUI thread after every change; the list only paints them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent, QRect, QSize, QSortFilterProxyModel, Qt, QTimer, Signal,
)
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QCalendarWidget, QComboBox, QDialog, QDialogButtonBox, QDockWidget, QHBoxLayout, QLabel,
    QListView, QMenu, QStackedWidget, QStyledItemDelegate, QVBoxLayout, QWidget,
)

from journal import words

from .rows_model import RowsModel
from . import theme
from .theme import LEFT_MIDDLE, muted, paint_row_background

if TYPE_CHECKING:
    from journal import lately  # the rules load after the window's first paint, with the first refresh

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
REASON_ROLE = Qt.ItemDataRole.UserRole + 2
ACTIONS = (("log", "Log it"), ("card", "Card"), ("snooze", "Snooze"), ("open", "Open"))


def priority_color(item: lately.AttentionItem, palette=None) -> QColor:
    """Red for what is late, amber for what is due, blue for what can wait."""
    if item.level:
        return theme.color(item.level, palette)
    if item.priority >= 80:
        return theme.color("overdue", palette)
    if item.priority >= 60:
        return theme.color("due", palette)
    return theme.color("info", palette)


class AttentionModel(RowsModel):
    ROW_ROLE = ITEM_ROLE

    def display(self, item):
        return f"{item.customer_name}: {item.title}"

    def tooltip(self, item):
        return f"{item.evidence}\nSuggested: {item.suggestion}"

    def role_data(self, item, role):
        return item.reason if role == REASON_ROLE else None


class ReasonFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterRole(REASON_ROLE)

    def set_reason(self, reason: str | None) -> None:
        self.setFilterFixedString(reason or "")


class AttentionDelegate(QStyledItemDelegate):
    """Name and reason, the evidence, the suggestion, each wrapped to the list's
    width (never cut); action links at the bottom that respond to one click."""

    action_clicked = Signal(str, object)  # action key, item
    PAD = 10
    INDENT = 8  # room for the priority bar
    GAP = 2
    WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)

    def __init__(self, view=None):
        super().__init__(view)
        self.view = view  # the list: items wrap to its width

    def _lines(self, option):
        return QFontMetrics(option.font).height()

    def _text_width(self, row_width: int) -> int:
        return max(row_width - self.PAD * 2 - self.INDENT, 40)

    def blocks(self, item, font: QFont, row_width: int) -> list[tuple[str, QFont, str, int]]:
        """What is written, top to bottom: (part, font, text, wrapped height)."""
        bold = QFont(font)
        bold.setBold(True)
        width = self._text_width(row_width)
        result = []
        for part, part_font, text in (("name", bold, item.customer_name), ("title", bold, item.title),
                                      ("evidence", font, item.evidence), ("suggestion", font, "→ " + item.suggestion)):
            if not text.strip():
                continue
            height = QFontMetrics(part_font).boundingRect(QRect(0, 0, width, 100_000), self.WRAP, text).height()
            result.append((part, part_font, text, height))
        return result

    def _row_width(self, option) -> int:
        return self.view.viewport().width() if self.view is not None else option.rect.width()

    def sizeHint(self, option, index):
        item = index.data(ITEM_ROLE)
        width = self._row_width(option)
        if item is None:
            return QSize(width, self.PAD * 2 + self._lines(option) * 5)
        text = sum(height + self.GAP for *_, height in self.blocks(item, option.font, width))
        return QSize(width, self.PAD * 2 + text + 6 + self._lines(option))

    def action_rects(self, option) -> list[tuple[str, QRect]]:
        metrics = QFontMetrics(option.font)
        line = self._lines(option)
        y = option.rect.bottom() - self.PAD - line
        x = option.rect.left() + self.PAD + self.INDENT
        rects = []
        for key, text in ACTIONS:
            width = metrics.horizontalAdvance(text) + 4
            rects.append((key, QRect(x, y, width, line)))
            x += width + 16
        return rects

    def text_rects(self, option, item) -> list[tuple[str, QFont, str, QRect]]:
        """Where each block is drawn in `option.rect` (the tests compare these with what the text needs)."""
        rect = option.rect
        x = rect.left() + self.PAD + self.INDENT
        width = self._text_width(rect.width())
        y = rect.top() + self.PAD
        placed = []
        for part, font, text, height in self.blocks(item, option.font, rect.width()):
            placed.append((part, font, text, QRect(x, y, width, height)))
            y += height + self.GAP
        return placed

    def paint(self, painter, option, index):
        item: lately.AttentionItem = index.data(ITEM_ROLE)
        painter.save()
        palette = option.palette
        rect = option.rect
        paint_row_background(painter, option)
        accent = priority_color(item, palette)
        painter.fillRect(QRect(rect.left(), rect.top() + 6, 4, rect.height() - 12), accent)
        pens = {"name": palette.color(QPalette.ColorRole.Text), "title": accent, "evidence": muted(palette),
                "suggestion": palette.color(QPalette.ColorRole.Text)}
        for part, font, text, where in self.text_rects(option, item):
            painter.setFont(font)
            painter.setPen(pens[part])
            painter.drawText(where, self.WRAP, text)
        painter.setFont(option.font)
        painter.setPen(theme.color("link", palette))
        for (key, text), (_, link) in zip(ACTIONS, self.action_rects(option)):
            painter.drawText(link, LEFT_MIDDLE, text)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(rect.left() + self.PAD, rect.bottom(), rect.right() - self.PAD, rect.bottom())
        painter.restore()

    def editorEvent(self, event, model, option, index):
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            for key, link in self.action_rects(option):
                if link.contains(event.position().toPoint()):
                    self.action_clicked.emit(key, index.data(ITEM_ROLE))
                    return True
        return super().editorEvent(event, model, option, index)


class SnoozeDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        self.calendar = QCalendarWidget()
        self.calendar.setMinimumDate(self.calendar.selectedDate().addDays(1))
        self.calendar.setSelectedDate(self.calendar.selectedDate().addDays(7))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)

    def chosen(self) -> date:
        d = self.calendar.selectedDate()
        return date(d.year(), d.month(), d.day())


class LatelyPanel(QDockWidget):
    """Emits what the user asked for; the main window performs it."""

    log_requested = Signal(object)  # AttentionItem
    open_requested = Signal(int)
    snooze_requested = Signal(object, object)  # item, until
    card_requested = Signal(object)  # item: add them to the thank-you card list

    def __init__(self, parent=None):
        super().__init__("Lately — who needs you", parent)
        self.setObjectName("lately-panel")
        area = Qt.DockWidgetArea
        self.setAllowedAreas(area.LeftDockWidgetArea | area.RightDockWidgetArea | area.BottomDockWidgetArea)
        self.model = AttentionModel(self)
        self.proxy = ReasonFilter(self)
        self.proxy.setSourceModel(self.model)
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        # A dock does not always give a wrapped label its height for the width: reserve three lines.
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3 + 4)
        self.reasons = QComboBox()
        self.reasons.currentIndexChanged.connect(self._reason_chosen)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.delegate = AttentionDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Items are as tall as their wrapped text, laid out again when the panel's width changes.
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.activated.connect(lambda index: self.open_requested.emit(index.data(ITEM_ROLE).customer_id))
        self.delegate.action_clicked.connect(self._action)
        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        # Until the first results arrive (the rules run once the window is on screen).
        self.empty.setText(f"<span style='color:{muted(self.palette()).name()}'>Working out who needs you…</span>")
        self.stack.setCurrentWidget(self.empty)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.summary)
        self.filter_row = QWidget()
        row = QHBoxLayout(self.filter_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Show"))
        row.addWidget(self.reasons, 1)
        layout.addWidget(self.filter_row)
        layout.addWidget(self.stack, 1)
        self.setWidget(body)
        self.loading = False
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self.refresh)

    # -- data -----------------------------------------------------------------------------
    def refresh_soon(self):
        self._refresh_timer.start()

    def refresh(self):
        from journal import lately

        from .tasks import run_in_background

        self.loading = True
        today = date.today()

        def compute():
            inputs = lately.gather(today)
            return lately.evaluate(inputs, today), lately.health(inputs, today)

        run_in_background(compute, self._show, self._failed)

    def _failed(self, error):
        self.loading = False
        self.summary.setText(f"<span style='color:{theme.color('overdue').name()}'>Could not work out who needs you: {error}</span>")

    def _show(self, result):
        from journal import lately

        items, health = result
        self.loading = False
        reason = self.reasons.currentData()
        self.model.set_rows(items)
        counts = {}
        for item in items:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        self.reasons.blockSignals(True)
        self.reasons.clear()
        self.reasons.addItem(f"Everything ({len(items)})", None)
        for key, (label, _) in sorted(lately.REASONS.items(), key=lambda kv: -kv[1][1]):
            if counts.get(key):
                self.reasons.addItem(f"{label} ({counts[key]})", key)
        index = self.reasons.findData(reason)
        self.reasons.setCurrentIndex(max(index, 0))
        self.reasons.blockSignals(False)
        self.proxy.set_reason(self.reasons.currentData())
        # One message at a time: with no customers there is nothing to sum up or filter.
        self.summary.setVisible(bool(health.customers))
        self.filter_row.setVisible(bool(health.customers))
        if health.customers:
            self.summary.setText(
                f"<b>{health.within_cadence_share:.0%}</b> of your {words.plural(health.customers, 'customer')} "
                f"had something of value from you within their cadence. "
                f"<b>{health.silent_share:.0%}</b> {words.noun(health.customers, 'has', 'have')} not heard from you "
                f"since their first sale.")
        if items:
            self.stack.setCurrentWidget(self.list)
        elif health.customers:
            self.empty.setText("<p><b>All caught up.</b></p><p>Nobody needs you right now. "
                               "Log what you do and this list keeps itself.</p>")
            self.stack.setCurrentWidget(self.empty)
        else:
            self.empty.setText(f"<span style='color:{muted(self.palette()).name()}'>Once you have customers, "
                               "this panel tells you who needs you, and why.</span>")
            self.stack.setCurrentWidget(self.empty)

    def _reason_chosen(self, _index):
        self.proxy.set_reason(self.reasons.currentData())

    def visible_items(self) -> list[lately.AttentionItem]:
        return [self.proxy.index(r, 0).data(ITEM_ROLE) for r in range(self.proxy.rowCount())]

    # -- actions ------------------------------------------------------------------------------
    def _action(self, key, item):
        if key == "log":
            self.log_requested.emit(item)
        elif key == "open":
            self.open_requested.emit(item.customer_id)
        elif key == "card":
            self.card_requested.emit(item)
        elif key == "snooze":
            self._snooze_menu(item, QCursor.pos())

    def _snooze_menu(self, item, where):
        menu = QMenu(self)
        self._add_snooze_choices(menu, item)
        menu.exec(where)

    def _add_snooze_choices(self, menu, item):
        today = date.today()
        for text, days in (("For a week", 7), ("For a month", 30), ("For three months", 91)):
            menu.addAction(text, lambda d=days: self.snooze_requested.emit(item, today + timedelta(days=d)))
        menu.addAction("Until a date…", lambda: self._snooze_until(item))

    def _snooze_until(self, item):
        dialog = SnoozeDialog(self)
        if dialog.exec():
            self.snooze_requested.emit(item, dialog.chosen())

    def _context_menu(self, pos):
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        item = index.data(ITEM_ROLE)
        menu = QMenu(self)
        menu.addAction("Log what I did…", lambda: self.log_requested.emit(item))
        menu.addAction("Open customer", lambda: self.open_requested.emit(item.customer_id))
        menu.addAction("Add to the thank-you cards", lambda: self.card_requested.emit(item))
        self._add_snooze_choices(menu.addMenu("Snooze"), item)
        menu.exec(self.list.viewport().mapToGlobal(pos))

    # -- following the current customer ---------------------------------------------------------------
    def follow(self, current) -> None:
        """Keep the current customer's item selected, as the customer list and
        page show them: the one already chosen if it is theirs, else their first;
        nothing when they need nothing. Never takes the keyboard focus nor
        scrolls the list."""
        self._current = current
        current.changed.connect(self._select_current)
        self.proxy.modelReset.connect(self._select_current)  # new results
        self.proxy.layoutChanged.connect(self._select_current)  # another reason chosen

    def _select_current(self, *_):
        from PySide6.QtCore import QItemSelectionModel

        customer_id = self._current.id
        selection = self.list.selectionModel()
        if any(index.data(ITEM_ROLE).customer_id == customer_id for index in selection.selectedIndexes()):
            return
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ITEM_ROLE).customer_id == customer_id:
                # Selected, not made current: the view would scroll to a current
                # item, and the list keeps its most pressing items in view.
                selection.select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return
        selection.clearSelection()
