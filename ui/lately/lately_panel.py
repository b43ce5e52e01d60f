"""The Lately panel: whom to attend to, why, and one click to do it. Items are
computed off the GUI thread after every change; the list only paints them."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal,
)
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QCalendarWidget, QDialog, QDialogButtonBox, QDockWidget, QHBoxLayout, QLabel,
    QListView, QMenu, QStackedWidget, QStyle, QStyledItemDelegate, QVBoxLayout, QWidget,
)

from journal.rules import words

from ui.common.rows_model import RowsModel
from ui.lately.reason_box import ReasonBox
from ui.common import theme
from ui.common.theme import LEFT_MIDDLE, muted, paint_row_background

if TYPE_CHECKING:
    from journal.rules import lately  # the rules load after the window's first paint, with the first refresh

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


def focus_ring(palette) -> QColor:
    """The ring around the current row while the list has the keyboard focus: the
    text colour, which shows on a plain row and on a selected one, light or dark
    (as the filter chips' focus ring)."""
    return palette.color(QPalette.ColorRole.Text)


class AttentionModel(RowsModel):
    """The items of one reason (or all), most pressing first, read a page at a
    time from the database by the panel (journal.rules.attention.rows): at
    50,000 customers there are 61,000 items, and a list view lays out every row
    it is given. `rows` are those read so far, `total` how many there are; the
    next page is asked for (`more_wanted`) when the view scrolls to the end and
    shown when it comes (append_rows). After a change only the changed rows move."""

    ROW_ROLE = ITEM_ROLE
    PAGE = 40  # a few screens of rows: every row given is measured (wrapped text) when the list is filled

    more_wanted = Signal(int)  # how many rows are shown: the next page is wanted after them

    def __init__(self, parent=None):
        super().__init__(parent)
        self.total = 0
        self.asked = False  # a page is on its way

    def set_rows(self, rows, total=None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.total = len(self.rows) if total is None else total
        self.asked = False
        self.endResetModel()

    def more_to_read(self) -> bool:
        """Rows beyond those read (asked for already or not)."""
        return len(self.rows) < self.total

    def canFetchMore(self, parent=QModelIndex()):
        return not parent.isValid() and self.more_to_read() and not self.asked

    def fetchMore(self, parent=QModelIndex()):
        if parent.isValid() or not self.canFetchMore():
            return
        self.asked = True
        self.more_wanted.emit(len(self.rows))

    def append_rows(self, rows) -> None:
        """The page asked for: shown after the rows there."""
        self.asked = False
        rows = rows[:max(self.total - len(self.rows), 0)]
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)  # last is inclusive
            self.rows += rows
            self.endInsertRows()

    def replace_rows(self, rows, total) -> None:
        """The same place in the list read again after a change: rows gone are
        taken out and new ones put in where they rank, the others stay (and so
        do the selection and the scroll position)."""
        self.total = total
        wanted = set(rows)
        for at in range(len(self.rows) - 1, -1, -1):
            if self.rows[at] not in wanted:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self.rows[at]
                self.endRemoveRows()
        for at, item in enumerate(rows):
            if at < len(self.rows) and self.rows[at] == item:
                continue
            self.beginInsertRows(QModelIndex(), at, at)
            self.rows.insert(at, item)
            self.endInsertRows()
        self.asked = False

    def display(self, item):
        return f"{item.customer_name}: {item.title}"

    def tooltip(self, item):
        return f"{item.evidence}\nSuggested: {item.suggestion}"

    def role_data(self, item, role):
        return item.reason if role == REASON_ROLE else None


class AttentionDelegate(QStyledItemDelegate):
    """Name and reason, the evidence, the suggestion, each wrapped to the list's
    width (never cut); action links at the bottom that respond to one click."""

    action_clicked = Signal(str, object)  # action key, item
    PAD = 10
    INDENT = 8  # room for the priority bar
    GAP = 2
    RING = 2  # the focus ring's width
    WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)

    def __init__(self, view=None):
        super().__init__(view)
        self.view = view  # the list: items wrap to its width
        self._sizes = {}

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
        # Measuring wrapped text is what laying out the list costs: each item once per width and font.
        key = (item, width, option.font.key())
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > 20_000:
                self._sizes.clear()
            text = sum(height + self.GAP for *_, height in self.blocks(item, option.font, width))
            size = self._sizes[key] = QSize(width, self.PAD * 2 + text + 6 + self._lines(option))
        return size

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
        if option.state & QStyle.StateFlag.State_HasFocus:  # the current row of the list with the keyboard focus
            painter.setPen(QPen(focus_ring(palette), self.RING))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            half = self.RING // 2
            painter.drawRect(rect.adjusted(half, half, -half - 1, -half - 1))
        painter.restore()

    def editorEvent(self, event, model, option, index):
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            for key, link in self.action_rects(option):
                if link.contains(event.position().toPoint()):
                    self.action_clicked.emit(key, index.data(ITEM_ROLE))
                    return True
        return super().editorEvent(event, model, option, index)


def identity(item) -> tuple:
    """What makes an item the same item when its numbers and words change."""
    return item.customer_id, item.reason, item.ref_id, item.other_customer_id


class AttentionList(QListView):
    """The panel's list. When the current item leaves (logged, snoozed, a
    colleague's change), no other customer's item takes its place: Qt's list
    would make the next row current and selected, highlighting someone the
    customer page does not show. The keyboard keeps its place instead, where
    the item ranked (its sort key, so rows read or gone meanwhile, and the list
    read again whole, do not move it): Down goes to the item that took its
    place and Up to the one above, as they would have from the item itself; a
    line in the focus ring's colour marks the place while the list has the
    focus. Should the item come back (undone), it is the current row again.
    Nothing of this scrolls the list: only the keys the person presses do."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._place = None  # (sort key, identity) of the current item that left; None: no place kept
        self._current_before_reset = None
        self._keep_view = False  # making a row current without scrolling to it
        self._holding = False  # the focus arriving: no key moved, the place stays
        # A Down pressed at the end of the rows read, while the next page is on
        # its way: (the current item's identity, or None at a place kept) until it comes.
        self._down_awaited = None

    def setModel(self, model):
        super().setModel(model)
        model.modelAboutToBeReset.connect(self._about_to_reset)
        model.modelReset.connect(self._after_reset)  # (after the view's own reset, connected first)

    # -- the place ------------------------------------------------------------------------------
    def place(self):
        """The row the item that took the place is on (the row count: after the
        last), or None when the list keeps no place."""
        from bisect import bisect_right

        from journal.rules.lately import sort_key

        if self._place is None or self.currentIndex().isValid() or self.model() is None:
            return None
        model = self.model()
        return bisect_right(range(model.rowCount()), self._place[0],
                            key=lambda row: sort_key(model.index(row, 0).data(ITEM_ROLE)))

    def _keep_place(self, item) -> None:
        from journal.rules.lately import sort_key

        self._place = (sort_key(item), identity(item))
        self.viewport().update()

    def start_over(self) -> None:
        """Another list (another reason): its top, no current row, no place."""
        self._place = None
        self._down_awaited = None
        self.selectionModel().clearCurrentIndex()
        self.scrollToTop()
        self.viewport().update()

    def _come_back(self, rows) -> bool:
        """The item whose place is kept, if it is in `rows`, made current again."""
        from PySide6.QtCore import QItemSelectionModel

        if self._place is None or self.currentIndex().isValid():
            return False
        for row in rows:
            index = self.model().index(row, 0)
            if identity(index.data(ITEM_ROLE)) == self._place[1]:
                self._keep_view = True
                try:
                    self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                finally:
                    self._keep_view = False
                return True
        return False

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible):
        if not self._keep_view:
            super().scrollTo(index, hint)

    def currentChanged(self, current, previous):
        if current.isValid() and self._place is not None:
            self._place = None
            self.viewport().update()
        super().currentChanged(current, previous)

    def rowsAboutToBeRemoved(self, parent, start, end):
        current = self.currentIndex()
        if current.isValid() and not parent.isValid() and start <= current.row() <= end:
            self._keep_place(current.data(ITEM_ROLE))
            self.selectionModel().clearCurrentIndex()
        super().rowsAboutToBeRemoved(parent, start, end)

    def rowsInserted(self, parent, start, end):
        super().rowsInserted(parent, start, end)
        if not parent.isValid():
            self._come_back(range(start, end + 1))
            self._down_arrived(start)

    def _await_down(self) -> None:
        """Down at the end of the rows read: the next page asked for, and the
        key kept until it comes (_down_arrived), not lost."""
        model = self.model()
        current = self.currentIndex()
        self._down_awaited = (identity(current.data(ITEM_ROLE)) if current.isValid() else None,)
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())  # (may come at once)

    def _down_arrived(self, start: int) -> None:
        """Rows put in from `start`: if they are the page a Down waited for, and
        the keys are still where they were then, the Down goes on to the first,
        once every other answer to the rows put in is done (the panel's
        highlight of the customer shown among them would undo this one's)."""
        from PySide6.QtCore import QTimer

        awaited, self._down_awaited = self._down_awaited, None
        if awaited is not None:
            QTimer.singleShot(0, self, lambda: self._carry_down(start, awaited))

    def _carry_down(self, start: int, awaited) -> None:
        if self.model() is None or start >= self.model().rowCount():
            return
        current = self.currentIndex()
        if current.isValid():
            still = current.row() == start - 1 and identity(current.data(ITEM_ROLE)) == awaited[0]
        else:
            still = awaited[0] is None and self.place() == start
        if still:
            self.setCurrentIndex(self.model().index(start, 0))  # as the key would have (selected, in view)

    def _about_to_reset(self):
        self._down_awaited = None  # the page it waited for is not coming: the list is read again whole
        current = self.currentIndex()
        self._current_before_reset = current.data(ITEM_ROLE) if current.isValid() else None

    def _after_reset(self):
        """The list read again whole (a refresh of everything): the current item
        stays current if it is still there; if not, its place is kept."""
        item, self._current_before_reset = self._current_before_reset, None
        if item is not None:
            self._keep_place(item)
        self._come_back(range(self.model().rowCount()))

    def moveCursor(self, action, modifiers):
        """From the place kept, the keys go on as they would have from the item."""
        from PySide6.QtCore import QItemSelectionModel

        if self._holding:
            return QModelIndex()
        self._down_awaited = None  # another key since: that Down is not carried on
        move, model = QAbstractItemView.CursorAction, self.model()
        if action in (move.MoveHome, move.MoveEnd) and model is not None:
            # The first or the last row, place or none (Qt's own, with no current
            # row, is the first row for every key: End went to the top).
            count = model.rowCount()
            return model.index(0 if action == move.MoveHome else count - 1, 0) if count else QModelIndex()
        after = self.place()
        count = model.rowCount() if model is not None else 0
        if after is None:
            current = self.currentIndex()
            if (action in (move.MoveDown, move.MoveNext) and current.isValid() and current.row() == count - 1
                    and model.more_to_read()):
                self._await_down()  # the last row read, more to come
                return QModelIndex()
            return super().moveCursor(action, modifiers)
        if action in (move.MoveDown, move.MoveNext, move.MovePageDown):
            if after >= count:  # nothing after the place read yet: the next page is asked for, if there is one
                if model.more_to_read():
                    self._await_down()
                return QModelIndex()
            target = after
        elif action in (move.MoveUp, move.MovePrevious, move.MovePageUp):
            if after == 0:
                return QModelIndex()
            target = after - 1
        else:
            return super().moveCursor(action, modifiers)
        index = model.index(target, 0)
        if action in (move.MovePageDown, move.MovePageUp):  # a page on from the row next to the place
            self._keep_view = True
            try:
                self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            finally:
                self._keep_view = False
            return super().moveCursor(action, modifiers)
        return index

    def paintEvent(self, event):
        super().paintEvent(event)
        after = self.place() if self.hasFocus() else None
        count = self.model().rowCount() if self.model() is not None else 0
        if after is None or not count:
            return
        from PySide6.QtGui import QPainter

        if after < count:
            y = self.visualRect(self.model().index(after, 0)).top() + 1
        else:
            y = self.visualRect(self.model().index(count - 1, 0)).bottom()
        painter = QPainter(self.viewport())
        painter.setPen(QPen(focus_ring(self.palette()), AttentionDelegate.RING))
        painter.drawLine(AttentionDelegate.PAD, y, self.viewport().width() - AttentionDelegate.PAD, y)
        painter.end()

    def focusOutEvent(self, event):
        self._down_awaited = None  # the keys gone elsewhere: a page coming later moves nothing
        super().focusOutEvent(event)
        if self._place is not None:
            self.viewport().update()  # the place's line goes with the focus

    def focusInEvent(self, event):
        """Focus arriving by the keyboard makes a row current, so the ring shows
        where Down and Enter act: the highlighted row (the customer shown), else
        the first. The first Down then goes to the second, as the ring said.
        A place kept (the current item left) stays the place: its line shows."""
        from PySide6.QtCore import QItemSelectionModel

        reason = event.reason()
        if self._place is not None:
            self.viewport().update()
            self._holding = True  # Qt's own focus-in would make the row after the place current (moveCursor)
            try:
                super().focusInEvent(event)
            finally:
                self._holding = False
            return
        if (not self.currentIndex().isValid() and self.model() is not None and self.model().rowCount()
                and reason not in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.PopupFocusReason)):
            selected = self.selectionModel().selectedIndexes()
            top = self.indexAt(QPoint(1, 1))  # where the person scrolled to, not back to the top
            index = selected[0] if selected else top if top.isValid() else self.model().index(0, 0)
            self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        super().focusInEvent(event)


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
    computed = Signal(int, bool)  # a refresh's generation came back; True if it was shown

    def __init__(self, parent=None):
        super().__init__("Lately — who needs you", parent)
        self.setObjectName("lately-panel")
        area = Qt.DockWidgetArea
        self.setAllowedAreas(area.LeftDockWidgetArea | area.RightDockWidgetArea | area.BottomDockWidgetArea)
        self.model = AttentionModel(self)
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        # A dock does not always give a wrapped label its height for the width: reserve three lines.
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3 + 4)
        self.reasons = ReasonBox()
        self.reasons.currentIndexChanged.connect(self._reason_chosen)
        self.list = AttentionList()
        self.list.setModel(self.model)
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
        self.loading = False  # True while a refresh is running
        self._generation = self._shown_generation = 0
        self._state = self._state_in_model = None  # journal.rules.attention.AttentionState shown
        self._reason_in_model = None  # the reason whose rows the list holds (None: everything)
        # The state the last refresh left in the kept thread's tables, read and set on that thread only.
        # What the kept thread has made and handed over, read and set on that thread only: the state
        # the last refresh left in its tables, and the reason and number of rows the list will hold
        # once what it has sent arrives (a page sent just before a refresh is read again with it).
        self._made = SimpleNamespace(state=None, reason=None, shown=0)
        self.model.more_wanted.connect(self._more_wanted)
        self._pending, self._pending_all = set(), True  # changes no refresh has started for yet
        self._running = {}  # generation -> (customer ids, everything?, base state) of refreshes not back yet
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self._start)

    # -- data -----------------------------------------------------------------------------
    # Each refresh has a generation number; a result is shown only if no later
    # refresh has been shown already, so a slow early result never covers a newer
    # one. A refresh after a change to some customers updates the state shown
    # (journal.rules.attention.update) for every change that state does not reflect
    # yet: those waiting to start and those of refreshes still running.
    def refresh_soon(self, customer_id=None):
        """After a change to `customer_id` (None: anything may have changed)."""
        if customer_id is None:
            self._pending_all = True
        else:
            self._pending.add(customer_id)
        self._refresh_timer.start()

    def refresh(self):
        """Everything from scratch (a journal opened, the day changed)."""
        self._pending_all = True
        self._start()

    def _start(self):
        from journal.rules import attention

        from ui.common.tasks import run_in_background

        self._refresh_timer.stop()
        self._generation += 1
        generation = self._generation
        changed, everything = set(self._pending), self._pending_all or self._state is None
        for ids, all_of_it, _ in self._running.values():
            changed |= ids
            everything = everything or all_of_it
        self._running[generation] = (changed, everything, self._state)
        self._pending, self._pending_all = set(), False
        base, today = self._state, date.today()  # (base: what the list holds now, to move only what changed)
        reason, holds = self.reasons.currentData(), len(self.model.rows)
        self.loading = True

        made = self._made

        def compute():
            # On the kept thread: the items stay in its connection, where the pages are read from.
            # Refreshes run there one after another, each from the state the one before left in
            # the tables (made.state), not from the one on screen when it was asked for.
            base = made.state
            state = attention.compute(today) if everything or base is None else attention.update(base, changed, today)
            made.state = state
            shown = max(AttentionModel.PAGE, holds, made.shown if made.reason == reason else 0)
            wanted = reason if reason is None or state.counts.get(reason) else None  # none left of it: everything
            rows = attention.rows(0, shown, wanted)
            made.reason, made.shown = wanted, len(rows)
            return state, rows, wanted

        run_in_background(compute, lambda result: self._arrived(generation, *result),
                          lambda error: self._failed(generation, error), kept=True, owner=self)

    def _arrived(self, generation, state, rows, reason):
        _, _, base = self._running.pop(generation, (None, None, None))
        if generation < self._shown_generation:  # a later refresh is on screen already
            self.computed.emit(generation, False)
            return
        for older in [g for g in self._running if g < generation]:
            self._running.pop(older)  # this one covered what they cover, from a later view
        self._state, self._shown_generation = state, generation
        self.loading = bool(self._running)
        chosen = self.reasons.currentData()  # (another reason may have been chosen while it ran)
        self._show(state, rows, reason, base)
        if chosen != reason and state.counts.get(chosen):
            self.reasons.setCurrentIndex(self.reasons.findData(chosen))  # its rows, read from this state's tables
        self.computed.emit(generation, True)
        if state.full:  # the list is on screen: now the indexes its changes and pages use, on the same thread
            from journal.rules import attention

            from ui.common.tasks import run_in_background

            run_in_background(attention.index, kept=True, owner=self)

    def _more_wanted(self, after):
        """The next page of the list, read on the kept thread (the items live in its connection)."""
        from journal.rules import attention

        from ui.common.tasks import run_in_background

        generation, reason, made = self._shown_generation, self.reasons.currentData(), self._made

        def read():
            rows = attention.rows(after, AttentionModel.PAGE, reason, made.state)
            if made.reason == reason:
                made.shown = max(made.shown, after + len(rows))
            return rows

        def arrived(rows):
            if generation == self._shown_generation and reason == self.reasons.currentData():
                self.model.append_rows(rows)

        run_in_background(read, arrived, self._page_failed, kept=True, owner=self)

    def _page_failed(self, error):
        """A page could not be read: its tables were gone (attention.ListGone: a
        team server's connection made again) or the journal did not answer (said
        by the database error watch). The list is made again, once it answers."""
        self.model.asked = False
        self.refresh_soon()

    def _failed(self, generation, error):
        changed, everything, _ = self._running.pop(generation, (set(), True, None))
        self._pending |= changed
        self._pending_all = self._pending_all or everything
        self.loading = bool(self._running)
        self.summary.setVisible(True)
        self.summary.setText(f"<span style='color:{theme.color('overdue').name()}'>Could not work out who needs you: {error}</span>")
        self.computed.emit(generation, False)

    def _total(self, state, reason) -> int:
        return state.total if reason is None else state.counts.get(reason, 0)

    def _show(self, state, rows, reason, base=None):
        """Show `state`, with the first rows of `reason`'s list; when it was updated
        from the state the list holds, only its changed rows move."""
        from journal.rules import lately

        health, counts = state.health, state.counts  # counted off the GUI thread
        if base is not None and not state.full and base is self._state_in_model and reason == self._reason_in_model:
            self.model.replace_rows(rows, self._total(state, reason))
        else:
            self.model.set_rows(rows, self._total(state, reason))
            if reason != self._reason_in_model:  # the chosen reason has none left: everything, from its top
                self.list.start_over()
        self._state_in_model, self._reason_in_model = state, reason
        self.reasons.blockSignals(True)
        self.reasons.clear()
        self.reasons.add_reason("Everything", words.number(state.total), None)
        for key, (label, _) in sorted(lately.REASONS.items(), key=lambda kv: -kv[1][1]):
            if counts.get(key):
                self.reasons.add_reason(label, words.number(counts[key]), key)
        self.reasons.setCurrentIndex(max(self.reasons.findData(reason), 0))
        self.reasons.blockSignals(False)
        # One message at a time: with no customers there is nothing to sum up or filter.
        self.summary.setVisible(bool(health.customers))
        self.filter_row.setVisible(bool(health.customers))
        if health.customers:
            # The second sentence is a warning: with nobody silent since a first sale
            # (a journal with no sales yet, too) "0% have not heard from you" says nothing.
            silent = (f" <b>{health.silent_share:.0%}</b> {words.noun(health.customers, 'has', 'have')} not heard "
                      "from you since their first sale." if health.silent_since_first_sale else "")
            self.summary.setText(
                f"<b>{health.within_cadence_share:.0%}</b> of your {words.plural(health.customers, 'customer')} "
                f"had something of value from you within their cadence.{silent}")
        if state.total:
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
        """Another reason is another list: its most pressing items first, not the old list's place."""
        from journal.rules import attention

        from ui.common.tasks import run_in_background

        if self._state is None:
            return
        state, generation, reason, made = self._state, self._shown_generation, self.reasons.currentData(), self._made

        def read():
            rows = attention.rows(0, AttentionModel.PAGE, reason, made.state)
            made.reason, made.shown = reason, len(rows)
            return rows

        def arrived(rows):
            if generation == self._shown_generation and reason == self.reasons.currentData():
                self.model.set_rows(rows, self._total(state, reason))
                self._reason_in_model = reason
                self.list.start_over()

        run_in_background(read, arrived, self._page_failed, kept=True, owner=self)

    def visible_items(self) -> list[lately.AttentionItem]:
        """The items in the list now (a page at a time; scrolling down shows more)."""
        return [self.model.index(r, 0).data(ITEM_ROLE) for r in range(self.model.rowCount())]

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
        for text, days in (("For a &week", 7), ("For a &month", 30), ("For &three months", 91)):
            menu.addAction(text, lambda d=days: self.snooze_requested.emit(item, today + timedelta(days=d)))
        menu.addAction("Until a &date…", lambda: self._snooze_until(item))

    def _snooze_until(self, item):
        dialog = SnoozeDialog(self)
        if dialog.exec():
            self.snooze_requested.emit(item, dialog.chosen())
        dialog.deleteLater()  # a child of the panel: it would stay, hidden, as long as the panel

    def _context_menu(self, pos):
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        item = index.data(ITEM_ROLE)
        menu = QMenu(self)
        # Letters to choose by keys, the menu opened with the Menu key (or Shift+F10).
        menu.addAction("&Log what I did…", lambda: self.log_requested.emit(item))
        menu.addAction("&Open customer", lambda: self.open_requested.emit(item.customer_id))
        menu.addAction("Add to the thank-you &cards", lambda: self.card_requested.emit(item))
        self._add_snooze_choices(menu.addMenu("&Snooze"), item)
        menu.exec(self.list.viewport().mapToGlobal(pos))

    # -- following the current customer ---------------------------------------------------------------
    def follow(self, current) -> None:
        """Keep the current customer's item selected, as the customer list and
        page show them: the one already chosen if it is theirs, else their first;
        nothing when they need nothing. Never takes the keyboard focus nor
        scrolls the list."""
        self._current = current
        current.changed.connect(self._select_current)
        self.model.modelReset.connect(self._select_current)  # new results
        self.model.layoutChanged.connect(self._select_current)  # another reason chosen
        self.model.rowsInserted.connect(self._select_current_unless_keyed)  # rows fetched or updated
        self.model.rowsRemoved.connect(self._select_current_unless_keyed)  # an item left: their other one, or nothing

    def _select_current_unless_keyed(self, *_):
        """Rows read or changed: the row the keys are on, highlighted as they
        reached it, stays so (a page coming after End took the highlight back
        to the customer shown, leaving the row only its ring)."""
        current = self.list.currentIndex()
        if current.isValid() and self.list.selectionModel().isSelected(current):
            return
        self._select_current()

    def _select_current(self, *_):
        from PySide6.QtCore import QItemSelectionModel

        customer_id = self._current.id
        selection = self.list.selectionModel()
        if any(index.data(ITEM_ROLE).customer_id == customer_id for index in selection.selectedIndexes()):
            return
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if index.data(ITEM_ROLE).customer_id == customer_id:
                # Selected, not made current: the view would scroll to a current
                # item, and the list keeps its most pressing items in view.
                selection.select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return
        selection.clearSelection()
