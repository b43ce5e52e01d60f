"""A customer's timeline: entries newest first, grouped by month, fetched a page
at a time as the list scrolls, painted by a delegate from plain entries."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractListModel, QItemSelectionModel, QModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QButtonGroup, QHBoxLayout, QLabel, QListView, QMenu, QStackedWidget,
    QStyledItemDelegate, QToolButton, QVBoxLayout, QWidget,
)

from journal.reads import timeline
from journal.rules.kinds import CLASS_LABELS, CONNECTION_KINDS, KINDS
from journal.reads.timeline import INTERACTION, TimelineEntry
from journal.rules import words

from ui.common import format as fmt
from ui.common.icons import paint_disc
from ui.common.theme import LEFT_MIDDLE, filter_chip_style, muted, notifier, paint_focus_ring, paint_row_background

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
# Stage changes are history; everything else in the feed can be deleted (and undone).
DELETABLE = (INTERACTION, "purchase", "connection")
IS_MONTH_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_SIZE = 100


class MonthHeader(tuple):
    """(year, month) row that starts a month in the feed."""


class TimelineModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.customer_id: int | None = None
        self.klass: str | None = None
        self._rows: list = []
        self._row_of: dict[tuple[str, int], int] = {}  # (source, id) -> row
        self._loaded = 0
        self._total = 0
        self.resets = 0  # how many times the feed was read afresh (offsets read before are then stale)

    def show_customer(self, customer_id: int | None, klass: str | None = None) -> None:
        self.beginResetModel()
        self.resets += 1
        self.customer_id, self.klass = customer_id, klass
        self._rows, self._row_of, self._loaded = [], {}, 0
        self._total = timeline.entry_count(customer_id, klass) if customer_id else 0
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def reload(self) -> None:
        """After a change: the same customer and filter, at least as many entries as were shown."""
        shown = self._loaded
        self.show_customer(self.customer_id, self.klass)
        self.fetch_at_least(shown)

    def fetch_at_least(self, count: int) -> None:
        """Entries up to `count` read, in one read (not a page at a time: a
        reload or a reveal 5,000 entries down read 50 pages)."""
        if count > self._loaded and self.canFetchMore(QModelIndex()):
            self._fetch(count - self._loaded)

    @property
    def total(self) -> int:
        return self._total

    def canFetchMore(self, parent=QModelIndex()):
        return not parent.isValid() and self._loaded < self._total

    def fetchMore(self, parent=QModelIndex()):
        if not parent.isValid():
            self._fetch(PAGE_SIZE)

    def _fetch(self, how_many: int) -> None:
        if self.customer_id is None:
            return
        self.add_entries(timeline.entries(self.customer_id, klass=self.klass, offset=self._loaded, limit=how_many))

    def add_entries(self, page: list[TimelineEntry]) -> None:
        """The entries after those read so far (a page, or those read in the background)."""
        if not page:
            self._total = self._loaded
            return
        new_rows = []
        last = self._last_month()
        for entry in page:
            if entry.month != last:
                new_rows.append(MonthHeader(entry.month))
                last = entry.month
            new_rows.append(entry)
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new_rows) - 1)
        self._rows.extend(new_rows)
        for n, row in enumerate(new_rows, first):
            if isinstance(row, TimelineEntry):
                self._row_of[row.source, row.id] = n
        self._loaded += len(page)
        self.endInsertRows()

    def _last_month(self):
        for row in reversed(self._rows):
            if isinstance(row, TimelineEntry):
                return row.month
        return None

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if isinstance(self._rows[index.row()], MonthHeader):
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == IS_MONTH_ROLE:
            return isinstance(row, MonthHeader)
        if role == ENTRY_ROLE:
            return row
        if isinstance(row, MonthHeader):
            return fmt.month_title(*row) if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.detail or None
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return meta_text(row)
        return None

    def row_of_entry(self, source: str, ident: int) -> int | None:
        return self._row_of.get((source, ident))


def meta_text(entry: TimelineEntry, today: date | None = None) -> str:
    parts = []
    # In a team journal, what a colleague wrote says so (entry.author); yours and a file's do not.
    by = f"noted by {entry.author}" if entry.author else None
    if entry.source == INTERACTION:
        parts.append(KINDS[entry.kind].label)
        if entry.kind != "note":  # an internal note is nobody reaching out
            if entry.direction == "out":
                parts.append(f"{entry.author} reached out" if entry.author else "you reached out")
                by = None
            else:
                parts.append("they reached out")
        parts.append(fmt.moment(entry.when))
        if by:
            parts.append(by)
        if entry.follow_up_on:
            # Due from its day on; before it, only the day (the Lately panel lists it once it is due).
            state = (" (done)" if entry.follow_up_done else
                     " (due)" if entry.follow_up_on <= (today or date.today()) else "")
            parts.append(f"follow up {fmt.day(entry.follow_up_on)}{state}")
    elif entry.source == "purchase":
        parts += ["Purchase", fmt.money(entry.amount_cents), fmt.day(entry.when), entry.detail]
        if entry.author:
            parts.append(f"logged by {entry.author}")
    elif entry.source == "connection":
        parts += [CONNECTION_KINDS[entry.kind], fmt.day(entry.when)]
        if entry.author:
            parts.append(f"by {entry.author}")
    else:
        parts += ["Stage", fmt.moment(entry.when)]
    return "  ·  ".join(parts)


class TimelineDelegate(QStyledItemDelegate):
    MONTH_HEIGHT = 36
    PAD = 10
    ICON = 30

    WRAP = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignTop)

    def __init__(self, view=None):
        super().__init__(view)
        self.view = view  # the list: the title and the line below it wrap to its width
        # Each entry's height at a width and font, measured once: the list lays out
        # every row read on each page it reads, and measuring wraps text (a second
        # for 5,000 entries); equal entries are the same entry unchanged.
        self._heights: dict[tuple, int] = {}
        self._measured_in = QFont()  # the font they were measured in (a new one: all again)

    def _text_width(self, row_width: int) -> int:
        return max(row_width - 2 * self.PAD - self.ICON - 12, 40)

    def blocks(self, entry, font: QFont, row_width: int):
        """The title (bold) and what, who and when below it, each wrapped: (font, text, height)."""
        title_font = QFont(font)
        title_font.setBold(True)
        width = self._text_width(row_width)
        result = []
        # The line below breaks between its parts, never inside a date ("16 Sep 2026, 09:00").
        meta = "  ·  ".join(part.replace(" ", "\u00a0") for part in meta_text(entry).split("  ·  "))
        for block_font, text in ((title_font, entry.title), (font, meta)):
            height = QFontMetrics(block_font).boundingRect(QRect(0, 0, width, 100_000), self.WRAP, text).height()
            result.append((block_font, text, max(height, QFontMetrics(block_font).height())))
        return result

    def sizeHint(self, option, index):
        width = self.view.viewport().width() if self.view is not None else option.rect.width()
        if index.data(IS_MONTH_ROLE):
            return QSize(width, self.MONTH_HEIGHT)
        entry = index.data(ENTRY_ROLE)
        font = option.font
        if font != self._measured_in:
            self._heights.clear()
            self._measured_in = QFont(font)
        key = (entry, width)
        height = self._heights.get(key)
        if height is None:
            height = self.height_of(entry, font, width)
            if len(self._heights) > 20_000:  # one customer's feed at many widths: start again
                self._heights.clear()
            self._heights[key] = height
        return QSize(width, height)

    def height_of(self, entry, font: QFont, width: int) -> int:
        """An entry's height in a row `width` wide: its text wrapped and measured
        (fonts and metrics only, so a worker thread may measure too)."""
        line = QFontMetrics(font).height()
        text = sum(height + 2 for *_, height in self.blocks(entry, font, width))
        notes = line + 2 if entry.detail and entry.source != "purchase" else 0  # one line: a preview
        return self.PAD * 2 + max(text + notes, self.ICON) + 2

    def measured(self, font: QFont, heights: dict) -> None:
        """Heights measured elsewhere (a worker thread), in `font`, keyed as sizeHint keeps them."""
        if font != self._measured_in:
            self._heights.clear()
            self._measured_in = QFont(font)
        self._heights.update(heights)

    def forget(self) -> None:
        """Another customer's feed: the heights measured go (kept, each entry and
        its text would stay in memory and in Python's collector's walks)."""
        self._heights.clear()

    def paint(self, painter, option, index):
        painter.save()
        palette = option.palette
        rect = option.rect
        if index.data(IS_MONTH_ROLE):
            font = QFont(option.font)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            text_rect = rect.adjusted(self.PAD, 8, -self.PAD, 0)
            painter.drawText(text_rect, LEFT_MIDDLE, index.data(Qt.ItemDataRole.DisplayRole))
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            width = QFontMetrics(font).horizontalAdvance(index.data(Qt.ItemDataRole.DisplayRole))
            y = text_rect.center().y()
            painter.drawLine(text_rect.left() + width + 10, y, rect.right() - self.PAD, y)
            painter.restore()
            return
        entry: TimelineEntry = index.data(ENTRY_ROLE)
        paint_row_background(painter, option)
        icon_rect = QRectF(rect.left() + self.PAD, rect.top() + self.PAD, self.ICON, self.ICON)
        kind = entry.kind if entry.source != "purchase" else "purchase"
        paint_disc(painter, icon_rect, kind)
        if entry.direction in ("in", "out") and entry.source == INTERACTION:
            self._direction_badge(painter, icon_rect, entry.direction, palette)
        x = int(icon_rect.right()) + 12
        line = QFontMetrics(option.font).height()
        text_width = self._text_width(rect.width())
        y = rect.top() + self.PAD
        pens = (palette.color(QPalette.ColorRole.Text), muted(palette))
        for pen, (font, text, height) in zip(pens, self.blocks(entry, option.font, rect.width())):
            painter.setFont(font)
            painter.setPen(pen)
            painter.drawText(QRect(x, y, text_width, height), self.WRAP, text)
            y += height + 2
        if entry.detail and entry.source != "purchase":
            painter.setFont(option.font)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            notes = " ".join(entry.detail.split())
            notes = QFontMetrics(option.font).elidedText(notes, Qt.TextElideMode.ElideRight, text_width)
            painter.drawText(QRect(x, y, text_width, line), LEFT_MIDDLE, notes)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(x, rect.bottom(), rect.right() - self.PAD, rect.bottom())
        paint_focus_ring(painter, option)  # where Enter and Delete act, while the feed has the keys
        painter.restore()

    def _direction_badge(self, painter, icon_rect, direction, palette):
        badge = QRectF(icon_rect.right() - 11, icon_rect.bottom() - 11, 13, 13)
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.setPen(muted(palette))
        painter.drawEllipse(badge)
        font = QFont(painter.font())
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "↗" if direction == "out" else "↙")


class TimelineList(QListView):
    delete_pressed = Signal()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width() and self.model() is not None:
            self.scheduleDelayedItemsLayout()  # rows wrap again to the new width

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)

    # A month's heading is a row of the list but no place for the keys: Enter and
    # Delete do nothing there and nothing would show where the cursor is. Up,
    # Down, Home, End and the page keys step over headings to the next entry.
    BACKWARDS = (QAbstractItemView.CursorAction.MoveUp, QAbstractItemView.CursorAction.MovePageUp,
                 QAbstractItemView.CursorAction.MovePrevious, QAbstractItemView.CursorAction.MoveLeft)

    def moveCursor(self, action, modifiers):
        index = super().moveCursor(action, modifiers)
        return self.entry_near(index, backwards=action in self.BACKWARDS, fallback=self.currentIndex())

    def entry_near(self, index, backwards=False, fallback=QModelIndex()):
        """`index` if it is an entry, else the entry next to it (above it if
        `backwards` and there is one)."""
        model = self.model()
        if not index.isValid() or not index.data(IS_MONTH_ROLE):
            return index
        steps = (-1, 1) if backwards else (1,)
        for step in steps:
            row = index.row() + step
            if 0 <= row < model.rowCount() and not model.index(row).data(IS_MONTH_ROLE):
                return model.index(row)
        return fallback if fallback.isValid() else QModelIndex()

    def focusInEvent(self, event):
        """Focus arriving by the keyboard makes an entry current, so the ring shows
        where Down, Enter and Delete act: the selected entry, else the top one in view."""
        if (self.model() is not None and self.model().rowCount()
                and event.reason() not in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.PopupFocusReason)):
            current = self.currentIndex()
            if not current.isValid() or current.data(IS_MONTH_ROLE):
                selected = self.selectionModel().selectedIndexes()
                top = self.indexAt(QPoint(1, 1))
                index = selected[0] if selected else self.entry_near(top if top.isValid() else self.model().index(0))
                if index.isValid():
                    self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        super().focusInEvent(event)


class TimelineView(QWidget):
    """Filter buttons above the feed. Emits requests; the window performs them."""

    edit_requested = Signal(int)  # interaction id
    delete_requested = Signal(str, int)  # source (interaction, purchase, connection) and id
    follow_up_done_requested = Signal(int)

    FILTERS = ((None, "All"), ("value", CLASS_LABELS["value"]), ("reactive", CLASS_LABELS["reactive"]),
               ("sales", CLASS_LABELS["sales"]))

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = TimelineModel(self)
        self._revealing = 0  # the latest entry asked to be revealed (an older one's read is dropped)
        self.list = TimelineList()
        self.list.setModel(self.model)
        self.delegate = TimelineDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMouseTracking(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.activated.connect(self._activated)  # Enter, and a double-click
        self.list.setAccessibleName("Timeline")
        self.list.delete_pressed.connect(self._delete_current)

        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        for n, (klass, label) in enumerate(self.FILTERS):
            button = QToolButton(text=label, checkable=True, autoRaise=False)
            button.setProperty("klass", klass)
            button.setChecked(n == 0)
            self.filter_group.addButton(button, n)
            bar.addWidget(button)
        self.filter_group.idClicked.connect(self._filter_changed)
        bar.addStretch(1)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)

        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack)
        self._style_chips()
        notifier().changed.connect(self._style_chips)  # View › Appearance

    def _style_chips(self, *_):
        # The application's palette: this widget's own may not have caught up with a change yet.
        style = filter_chip_style(QApplication.palette(), "QToolButton")
        for button in self.filter_group.buttons():
            button.setStyleSheet(style)

    def show_customer(self, customer_id: int | None) -> None:
        if customer_id != self.model.customer_id:
            self.delegate.forget()
        self.model.show_customer(customer_id, self._klass())
        self._update_state()

    def reload(self) -> None:
        """After a change: the same entry stays current (an edit), else the one now
        in its place (a delete: the next entry, or the one above the last), so a
        person working down the feed with the keys keeps their place."""
        current = self.list.currentIndex()
        entry, row = current.data(ENTRY_ROLE), current.row()
        self.model.reload()
        self._update_state()
        if not isinstance(entry, TimelineEntry):
            return
        again = self.model.row_of_entry(entry.source, entry.id)
        rows = self.model.rowCount()
        if again is None and rows:
            index = self.list.entry_near(self.model.index(min(row, rows - 1)))
            if not index.isValid() or row >= rows:
                index = self.list.entry_near(self.model.index(min(row, rows - 1)), backwards=True)
            again = index.row() if index.isValid() else None
        if again is not None:
            index = self.model.index(again)
            self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.list.scrollTo(index)

    def select_entry(self, source: str, ident: int) -> None:
        row = self.model.row_of_entry(source, ident)
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row))
            self.list.scrollTo(self.model.index(row))

    def reveal_entry(self, source: str, ident: int) -> None:
        """Select an entry however deep in the feed: clear the filter, read the
        entries down to it and show it. Deeper than read so far, the entries down
        to it are read, and their wrapped heights measured, off the GUI thread (at
        5,000 entries down, measuring each one froze the window 0.3 s idle, over
        a second on a loaded machine); the page stays usable meanwhile, and the
        entry is selected once they come, unless another customer or filter was
        chosen since."""
        if self._klass() is not None:
            self.filter_group.button(0).setChecked(True)
            self._filter_changed(0)
        if self.model.row_of_entry(source, ident) is not None or not self.model.canFetchMore():
            self._show_revealed(source, ident)
            return
        from ui.common.tasks import run_in_background

        self._revealing += 1
        generation, customer, start = self._revealing, self.model.customer_id, self.model._loaded
        resets = self.model.resets
        font, width, delegate = QFont(self.list.font()), self.list.viewport().width(), self.delegate

        def read():
            read, found = [], False
            while not found:
                # Twice as many each time: a note 5,000 entries down is a few reads, not fifty.
                page = timeline.entries(customer, offset=start + len(read), limit=max(start + len(read), PAGE_SIZE))
                if not page:
                    break
                read += page
                found = any(entry.source == source and entry.id == ident for entry in page)
            return read, {(entry, width): delegate.height_of(entry, font, width) for entry in read}

        def show(result):
            read, heights = result
            model = self.model
            if generation != self._revealing or model.customer_id != customer or model.klass is not None:
                return  # another customer or filter chosen meanwhile
            self.delegate.measured(font, heights)
            if model.resets != resets:  # the feed read again meanwhile (a change): the offsets read moved
                self.reveal_entry(source, ident)
                return
            newer = read[model._loaded - start:]  # (the view may have read a page meanwhile)
            if newer:
                model.add_entries(newer)
            self._show_revealed(source, ident)

        run_in_background(read, show, lambda _error: None, owner=self)

    def _show_revealed(self, source: str, ident: int) -> None:
        if self.model.row_of_entry(source, ident) is not None:
            self.select_entry(source, ident)
            self.list.setFocus()

    def current_interaction(self) -> int | None:
        entry = self.list.currentIndex().data(ENTRY_ROLE)
        if isinstance(entry, TimelineEntry) and entry.source == INTERACTION:
            return entry.id
        return None

    def _klass(self):
        button = self.filter_group.checkedButton()
        return button.property("klass") if button else None

    def _filter_changed(self, _id):
        self.model.show_customer(self.model.customer_id, self._klass())
        self._update_state()

    def _update_state(self):
        total = self.model.total
        self.count_label.setText(words.plural(total, "entry"))
        if total:
            self.stack.setCurrentWidget(self.list)
        else:
            if self._klass():
                text = "<p>No entries of this kind yet.</p>"
            else:
                text = ("<p style='font-size:12pt'><b>Nothing here yet</b></p>"
                        "<p>Log what happened after you meet, call or write to them —<br>"
                        "press <b>Ctrl+L</b> or use <i>Log interaction</i>.</p>")
            self.empty.setText(text)
            self.stack.setCurrentWidget(self.empty)

    def _activated(self, index):
        entry = index.data(ENTRY_ROLE)
        if isinstance(entry, TimelineEntry) and entry.source == INTERACTION:
            self.edit_requested.emit(entry.id)

    def _delete_current(self):
        entry = self.list.currentIndex().data(ENTRY_ROLE)
        if isinstance(entry, TimelineEntry) and entry.source in DELETABLE:
            self.delete_requested.emit(entry.source, entry.id)

    def _context_menu(self, pos):
        index = self.list.indexAt(pos)
        entry = index.data(ENTRY_ROLE)
        if not isinstance(entry, TimelineEntry) or entry.source not in DELETABLE:
            return
        self.list.setCurrentIndex(index)
        menu = QMenu(self)
        if entry.source == INTERACTION:
            menu.addAction("Edit…", lambda: self.edit_requested.emit(entry.id))
            if entry.follow_up_on and not entry.follow_up_done:
                menu.addAction("Mark follow-up done", lambda: self.follow_up_done_requested.emit(entry.id))
            menu.addSeparator()
        menu.addAction("Delete", lambda: self.delete_requested.emit(entry.source, entry.id))
        menu.exec(self.list.viewport().mapToGlobal(pos))
