"""The customer list: every customer with when we last gave them something, and
who is due or overdue. The model reads a page of rows at a time from SQL,
which sorts and filters them and counts days overdue, so opening the list
costs the same at 50,000 customers as at 5,000; data() only formats rows
already read."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QLineEdit, QMenu, QTableView, QVBoxLayout, QWidget

from journal.reads import customer_pages as pages
from journal.writes import customers
from journal.rules.kinds import KINDS, STAGES
from journal.rules import words

from ui.common import format as fmt
from ui.common import theme
from ui.customers.current_row import CurrentRowDelegate

ID_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
# Roles as plain ints: the table asks data() for eight roles of every cell it
# paints, and comparing ints is several times cheaper than looking each role up
# through Qt.ItemDataRole (and forty times cheaper than a shortcut like Qt.DisplayRole).
DISPLAY, FOREGROUND, FONT, TOOLTIP = (int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ForegroundRole),
                                      int(Qt.ItemDataRole.FontRole), int(Qt.ItemDataRole.ToolTipRole))
ANSWERED = frozenset({DISPLAY, FOREGROUND, FONT, TOOLTIP, ID_ROLE, LEVEL_ROLE})

COLUMNS = ("Name", "Company", "Stage", "Since", "Contact", "Last value given", "Overdue")
NAME, COMPANY, STAGE, SINCE, LAST_CONTACT, LAST_VALUE, OVERDUE = range(len(COLUMNS))
# Always shown, in full: who they are and how late we are. The rest can be hidden.
KEY_COLUMNS = (NAME, COMPANY, OVERDUE)
HIDDEN_AT_FIRST = (STAGE, SINCE, LAST_CONTACT)
# Sorted largest (latest) first on their first click.
LARGEST_FIRST = (SINCE, LAST_CONTACT, LAST_VALUE, OVERDUE)


PAGE = 200  # rows read at a time
KEPT_PAGES = 40  # pages kept in memory; the farthest from the one read go first
SORT_NAMES = dict(zip((NAME, COMPANY, STAGE, SINCE, LAST_CONTACT, LAST_VALUE, OVERDUE), pages.SORTS))


def _narrowed(ids: list[int], q: pages.ListQuery) -> list[int]:
    """Of `ids` (everyone's order, read once), those `q`'s find words match, in that order."""
    found = pages.listed_ids(q)
    return [cid for cid in ids if cid in found]


class CustomerListModel(QAbstractTableModel):
    """The list as SQL sees it: rowCount() is the number of customers listed,
    and rows are read a page at a time (journal.reads.customer_pages sorts, filters
    and counts days overdue). Pages are read when the view scrolls to them
    (ensure_rows, called by CustomerList), never while painting: data() for a
    row not read yet answers nothing and asks for its page on the next turn
    of the event loop.

    An order no index serves (days overdue, last value, company, …) is read
    once as every listed customer's id, off the GUI thread when it is a new
    sort or a changed customer's new place (the rows shown until it comes);
    pages are then read by their ids and places looked up, not sorted again."""

    # A new order is in place, read in the background: True for a new sort
    # (the customer shown goes to the middle), False for a changed customer's new place.
    reordered = Signal(bool)
    # The find box's words are shown (a find is read off the GUI thread).
    found = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = date.today()
        self.include_archived = False
        self.sort_column, self.sort_order = NAME, Qt.SortOrder.AscendingOrder
        self._words: tuple[str, ...] = ()
        self._kept: tuple[int, ...] = ()  # shown whatever the filter: renamed away from it while being worked on
        self.tag: str | None = None  # only customers with this tag
        self.due_only = False  # only those due or overdue
        self._query: pages.ListQuery | None = None
        self._count = 0
        self._pages: dict[int, list[customers.CustomerRow]] = {}
        self._wanted: set[int] = set()  # pages data() asked for, read on the next turn
        self._longest: dict[int, list[str]] = {}  # per column, until the next reload
        self._order: list[int] | None = None  # for orders no index serves: every listed id, in order
        self._places: dict[int, int] = {}  # and each one's row
        # The order of everyone the list shows without a find, once read (a find
        # narrows it; Escape goes back to it): for that query, until the journal changes.
        self._everyone: tuple[pages.ListQuery, list[int]] | None = None
        self._ordering = 0  # the latest order asked of the background; older ones are dropped
        self._finding = 0  # the latest find asked of the background (or list read since): older ones are dropped

    # -- loading ------------------------------------------------------------------
    def query(self) -> pages.ListQuery:
        """What the rows shown answer (a new sort reads its order before it is shown)."""
        if self._query is None:
            self._query = self._asked()
        return self._query

    def _asked(self) -> pages.ListQuery:
        """What the list is set to show."""
        return pages.resolved(pages.ListQuery(
            today=self.today, sort=SORT_NAMES[self.sort_column],
            descending=self.sort_order == Qt.SortOrder.DescendingOrder, words=self._words,
            tag=self.tag, due_only=self.due_only, include_archived=self.include_archived, kept=self._kept,
            default_cadence=self._query.default_cadence if self._query is not None else 0))

    def _requery(self) -> None:
        self._finding += 1  # a find still being read is older than this
        self._query = None
        self._pages.clear()
        q = self.query()
        if pages.by_index(q):
            self._order, self._places = None, {}
            self._count = pages.count(q)
            return
        ids = self._order_of(q)
        self._order, self._places = ids, {cid: n for n, cid in enumerate(ids)}
        self._count = len(ids)

    def _show_found(self, q, order, count, first, places) -> dict:
        """What a find read in the background found, in place of the rows shown; the places it read."""
        self._finding += 1  # (one asked before it is older still)
        self._query, self._count = q, count
        self._pages.clear()
        if order is None:
            self._order, self._places = None, {}
            self._pages[0] = first
            return places
        self._order, self._places = order, {cid: n for n, cid in enumerate(order)}
        return self._places

    def _order_of(self, q: pages.ListQuery) -> list[int]:
        """Every id `q` lists, in its order: the order of everyone, if read,
        narrowed to those the find words match (no sort of everyone again for
        each letter typed, nor for Escape), else read now."""
        everyone = q.with_(words=(), kept=())
        if self._everyone is None or self._everyone[0] != everyone:
            if q.words:
                return pages.order(q)  # a find alone: fewer rows to sort
            self._everyone = (everyone, pages.order(q))
        if not q.words:
            return self._everyone[1]
        return _narrowed(self._everyone[1], q)

    def _position(self, customer_id: int) -> int | None:
        if self._order is not None:
            return self._places.get(customer_id)
        return pages.position(self.query(), customer_id)

    def _order_in_background(self, new_sort: bool) -> None:
        """Read the order the list is set to off the GUI thread, then show it
        (the rows shown until then stay); an order asked for since wins."""
        from ui.common.tasks import run_in_background

        self._ordering += 1
        generation, everyone = self._ordering, self._asked().with_(words=(), kept=())

        def read(ids):
            if generation != self._ordering or self._asked().with_(words=(), kept=()) != everyone:
                return  # asked again since, or the list changed meanwhile (it read its own order)
            unchanged = self._everyone == (everyone, ids) and self._query == self._asked()
            self._everyone = (everyone, ids)
            if not unchanged:
                self._relayout()
                self.reordered.emit(new_sort)

        run_in_background(lambda: pages.order(everyone), read, lambda _error: None, owner=self)

    def reload(self) -> None:
        self.today = date.today()
        self._longest.clear()
        self._everyone = None  # the journal changed: everyone's order is read again
        self._ordering += 1  # (and one being read, from before the change, is dropped)
        self.beginResetModel()
        try:
            self._requery()
        except BaseException:
            self._emptied()
            raise
        finally:
            self.endResetModel()

    def _emptied(self) -> None:
        """After a read that failed (a team server gone): an empty list that
        agrees with itself, until the next reload; the error goes on to be shown."""
        self._query = None
        self._pages.clear()
        self._count = 0
        self._order, self._places = None, {}

    def ensure_rows(self, first: int, last: int) -> None:
        """Read the pages holding rows first..last (outside painting)."""
        if self._count == 0:
            return
        first, last = max(first, 0), min(last, self._count - 1)
        for number in range(first // PAGE, last // PAGE + 1):
            self._page(number)

    def _page(self, number: int) -> list[customers.CustomerRow]:
        rows = self._pages.get(number)
        if rows is None:
            if len(self._pages) >= KEPT_PAGES:
                for far in sorted(self._pages, key=lambda n: abs(n - number))[KEPT_PAGES // 2:]:
                    del self._pages[far]
            if self._order is not None:  # an order read once: the page's ids, then their rows
                rows = pages.rows_of(self.query(), self._order[number * PAGE:(number + 1) * PAGE])
            else:
                rows = pages.page(self.query(), number * PAGE, PAGE)
            self._pages[number] = rows
        return rows

    def _cached(self, row: int) -> customers.CustomerRow | None:
        rows = self._pages.get(row // PAGE)
        if rows is None or row % PAGE >= len(rows):
            return None
        return rows[row % PAGE]

    def _read_wanted(self) -> None:
        wanted, self._wanted = sorted(self._wanted), set()
        for number in wanted:
            if number not in self._pages and number * PAGE < self._count:
                self._page(number)
                last = min((number + 1) * PAGE, self._count) - 1
                self.dataChanged.emit(self.index(number * PAGE, 0), self.index(last, len(COLUMNS) - 1))

    def refresh_customer(self, customer_id: int) -> bool:
        """Bring one customer's row up to date after a change to them. False when
        the list itself must change (they were added, archived or deleted, or
        left or joined the filtered list)."""
        old = self.row_of_cached(customer_id)
        if old is None:
            return False
        if self._words and customer_id not in self._kept:
            # The same customers stay in view: one renamed away from the filter
            # text is still the one being worked on.
            self._kept += (customer_id,)
            self._query = None
        if pages.count(self.query()) != self._count:
            return False
        fresh = pages.one(self.query(), customer_id)
        if fresh is None:
            return False
        if self._order is not None:  # its row now; its place (another sort of everyone) in the background
            self._pages[old // PAGE][old % PAGE] = fresh
            self.dataChanged.emit(self.index(old, 0), self.index(old, len(COLUMNS) - 1))
            self._order_in_background(new_sort=False)
        elif pages.position(self.query(), customer_id) == old:  # still in its place: one row changes
            self._pages[old // PAGE][old % PAGE] = fresh
            self.dataChanged.emit(self.index(old, 0), self.index(old, len(COLUMNS) - 1))
        else:  # the change moved them in the current order
            self._relayout()
        return True

    def place_customer(self, customer_id: int) -> bool:
        """A customer added to, or gone from, a list in an order read once (days
        overdue, last value, …): put into that order where they belong, found by
        comparing them with a few customers (customer_pages.place), or taken out
        of it, with no sort of everyone on the GUI thread; the order is read again
        in the background all the same, in case the change moved others too.
        Selections stay on their customers. False when the list is in the name
        index's order or its order is not one read for what it shows (reload)."""
        if self._order is None or self._everyone is None or self._query is None or date.today() != self.today:
            return False
        everyone, ids = self._everyone
        if everyone != self._asked().with_(words=(), kept=()):
            return False
        fresh = pages.one(everyone, customer_id)  # listed now (without the find's words)?
        ids = [cid for cid in ids if cid != customer_id]
        if fresh is not None:
            ids.insert(pages.place(everyone, ids, customer_id), customer_id)
            if NAME in self._longest:  # a name longer than any measured widens its column
                name = self._display(fresh, NAME)
                self._longest[NAME] = sorted({*self._longest[NAME], name}, key=len, reverse=True)[:40]
        self._everyone = (everyone, ids)
        self._relayout()
        self._order_in_background(new_sort=False)
        return True

    def set_filter(self, text: str, place=()) -> None:
        """Show only customers whose name or company contains every word of `text`,
        ignoring case. With words, the customers found are read off the GUI thread
        (a word of one or two letters reads every name: 50-150 ms at 50,000
        customers) and shown when they come, `found` then said; the rows shown until
        then stay, typing goes on, and a newer find wins. The places of the
        customers chosen, and of those in `place`, are read with them. Without
        words (Escape), everyone comes back at once, from the index or the order read."""
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        self._words, self._kept = words, ()
        if not words or self._query is None:
            self._relayout()
            self.found.emit()
            return
        from ui.common.tasks import run_in_background

        self._finding += 1
        generation, q = self._finding, self._asked()
        everyone = self._everyone if self._everyone is not None and self._everyone[0] == q.with_(words=(), kept=()) \
            else None
        wanted = {cid for cid in (self._id_if_cached(i.row()) for i in self.persistentIndexList()) if cid is not None}
        wanted.update(place)

        def read():
            if pages.by_index(q):  # the count and first page; the places by the index
                return q, None, pages.count(q), pages.page(q, 0, PAGE), {cid: pages.position(q, cid) for cid in wanted}
            order = _narrowed(everyone[1], q) if everyone is not None else pages.order(q)
            return q, order, len(order), None, None

        def show(result):
            if generation == self._finding and result[0] == self._asked():  # nothing asked or shown since
                self._relayout(read=result)
                self.found.emit()

        run_in_background(read, show, lambda _error: self._find_failed(generation), owner=self)

    def _find_failed(self, generation: int) -> None:
        """A find's read failed (a team server gone): read again here, so the error is said as any other."""
        if generation == self._finding:
            self._relayout()  # (which says found: the find is still being read)

    def finding(self) -> bool:
        """Is a find being read (what the box says is not shown yet)?"""
        return self._query is not None and self._query != self._asked() and bool(self._words)

    def finish_finding(self) -> None:
        """A key that acts on what was found (Enter, Down) came before it: read it here, now."""
        if self.finding():
            self._relayout()  # (the read in the background is then dropped; found is said)

    def set_tag(self, tag: str | None) -> None:
        self.tag = tag
        self._relayout()

    def set_due_only(self, due_only: bool) -> None:
        self.due_only = due_only
        self._relayout()

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        if (column, order) == (self.sort_column, self.sort_order) and self._query is not None:
            return  # already so (the saved column layout restored at start)
        self.sort_column, self.sort_order = column, order
        if self._query is None:
            return  # read in this order when the list loads
        if pages.by_index(self._asked()):
            self._relayout()
        else:  # every customer sorted: off the GUI thread, the rows shown until then staying
            self._order_in_background(new_sort=True)

    def relayout(self) -> None:
        """Every row read again (written elsewhere), selections kept on their customers."""
        self._everyone = None
        self._ordering += 1  # an order being read, from before the change, is dropped
        self._relayout()

    def _relayout(self, read=None) -> None:
        """Show the list as the query now says (or as `read`, a find read in the
        background, found it), keeping selections and other persistent indexes on
        their customers (an index on a customer filtered out becomes invalid).
        A find still being read is shown by this read: it says found, as the
        find would have (the first found is then chosen)."""
        superseded = read is None and self.finding()
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._id_if_cached(index.row()) for index in before]
        shown = self._shown()  # a team server lost while reading: what was shown stays, the error is said
        try:
            known = {}
            if read is None:
                self._requery()
            else:
                known = self._show_found(*read)
            places = {cid: known[cid] if cid in known else self._position(cid) for cid in set(ids) if cid is not None}
        except BaseException:
            self._show_again(shown)
            self.layoutChanged.emit()
            raise
        after = [QModelIndex() if places.get(cid) is None else self.index(places[cid], index.column())
                 for cid, index in zip(ids, before)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
        if superseded:
            self.found.emit()

    _SHOWN = ("_query", "_pages", "_count", "_order", "_places")  # what the rows shown are read from

    def _shown(self) -> dict:
        values = {name: getattr(self, name) for name in self._SHOWN if hasattr(self, name)}
        return {name: dict(value) if isinstance(value, dict) else value for name, value in values.items()}

    def _show_again(self, shown: dict) -> None:
        for name, value in shown.items():
            setattr(self, name, value)

    def _id_if_cached(self, row: int) -> int | None:
        found = self._cached(row)
        return None if found is None else found.id

    def row_of_cached(self, customer_id: int) -> int | None:
        for number, rows in self._pages.items():
            for n, row in enumerate(rows):
                if row.id == customer_id:
                    return number * PAGE + n
        return None

    def row_of(self, customer_id: int) -> int | None:
        """The customer's row on screen; None when absent or filtered out."""
        found = self.row_of_cached(customer_id)
        return found if found is not None else self._position(customer_id)

    def listed_without_find(self, customer_id: int) -> bool:
        """Would the list show the customer with the find box empty?"""
        return pages.one(self.query().with_(words=(), kept=()), customer_id) is not None

    def longest_texts(self, column: int, how_many: int = 40) -> list[str]:
        """The texts of `column` most likely to be widest: the longest by
        characters, for measuring (measuring them all would cost a start-up)."""
        if column in (NAME, COMPANY):
            if column in self._longest:  # over the whole list (measure_longest)
                return self._longest[column][:how_many]
            texts = {self._display(row, column) or "" for rows in self._pages.values() for row in rows}
            return sorted(texts, key=len, reverse=True)[:how_many]  # of the rows read so far
        if column == OVERDUE:  # no count of days to find the widest: four digits are over ten years
            return ["due", "+9999 d"]
        self.ensure_rows(0, PAGE - 1)
        return sorted({self._display(row, column) or "" for row in self._pages.get(0, [])}, key=len,
                      reverse=True)[:how_many]

    def loaded(self) -> bool:
        return self._query is not None

    def measured(self) -> bool:
        return NAME in self._longest

    def longest_query(self):
        """A function for a background thread: the longest names and companies in the whole list."""
        q = self.query()
        return lambda: {NAME: pages.longest(q, "name"), COMPANY: pages.longest(q, "company")}

    def customer_at(self, row: int) -> customers.CustomerRow:
        """The customer on `row`, read if need be (not for painting)."""
        self.ensure_rows(row, row)
        return self._pages[row // PAGE][row % PAGE]

    def id_at(self, row: int) -> int:
        return self.customer_at(row).id

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=DISPLAY):
        if role not in ANSWERED or not index.isValid():
            return None
        row = self._cached(index.row())
        if row is None:  # not read yet: asked for on the next turn, never read while painting
            if not self._wanted:
                QTimer.singleShot(0, self._read_wanted)
            self._wanted.add(index.row() // PAGE)
            return None
        column = index.column()
        if role == DISPLAY:
            return self._display(row, column)
        if role == ID_ROLE:
            return row.id
        if role == LEVEL_ROLE:
            return row.cadence_level(self.today)
        if role == FOREGROUND:
            if column == OVERDUE:
                level = row.cadence_level(self.today)
                return theme.color(level) if level else None
            if row.archived:
                return theme.color("muted")
        if role == FONT and column == OVERDUE and row.cadence_level(self.today) == "overdue":
            font = QFont()
            font.setBold(True)
            return font
        if role == TOOLTIP and column == OVERDUE:
            level = row.cadence_level(self.today)
            if level:
                return (f"{level.capitalize()}: no value given for "
                        f"{words.plural(row.days_since_value(self.today), 'day')}; "
                        f"cadence {words.plural(row.cadence_days, 'day')}")
        if role == TOOLTIP and column == LAST_VALUE and row.last_value_kind:
            return f"{KINDS[row.last_value_kind].label}, {fmt.day(row.last_value_at)}"
        if role == TOOLTIP and column == LAST_CONTACT and row.last_contact_at:
            return fmt.moment(row.last_contact_at)
        return None

    def _display(self, row, column):
        if column == NAME:
            return row.name + ("  (archived)" if row.archived else "")
        if column == COMPANY:
            return row.company
        if column == STAGE:
            return STAGES.get(row.stage, row.stage)
        if column == SINCE:
            return fmt.day(row.customer_since)
        if column == LAST_CONTACT:
            return fmt.ago_short(row.last_contact_at, self.today)
        if column == LAST_VALUE:
            if not row.last_value_at:
                return "—"
            return f"{fmt.ago_short(row.last_value_at, self.today)} · {KINDS[row.last_value_kind].label.lower()}"
        if column == OVERDUE:
            late = row.days_overdue(self.today)
            return "" if late is None else ("due" if late == 0 else f"+{late} d")
        return None


class CustomerTable(QTableView):
    """The list's table: a row is one customer, chosen whole, so Home and End go
    to the first and last customer (a plain table's go to the row's first and
    last cell, which shows nothing happening)."""

    typed = Signal(str)  # letters typed in the list: they go on in the find box

    def moveCursor(self, action, modifiers):
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)

    def keyboardSearch(self, search):
        """Not Qt's type-to-jump: it reads every row's text through data(), two
        seconds frozen at 50,000 customers (and rows not read yet match nothing).
        The find box finds by name or company in SQL."""
        self.typed.emit(search)


class CustomerList(QWidget):
    """The filter box above the table; emits the selected customer's id."""

    customer_selected = Signal(int)
    # The find box matches nobody: what the customer's page should say instead
    # (no customer is current then); "" once it matches someone again.
    found_nobody = Signal(str)
    columns_fitted = Signal()  # the key columns were measured on the whole list (they may be wider)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = CustomerListModel(self)
        self._quiet = False  # selecting without telling (the window already shows that customer)
        self._restoring = False  # a saved header being put back: its sort order stands as saved
        self._measuring = 0  # the latest measuring of the longest names
        self._natural: dict[int, int] = {}  # each key column's width for its longest text
        self._list_painted, self._after_paint = False, None
        self._shown: tuple[int, str] | None = None  # the last customer shown: id and name
        self._held: tuple[int, str] | None = None  # shown before the find matched nobody: back when it matches
        self._why_nobody = ""  # while the find matches nobody: what the page says instead
        self.filter_box = QLineEdit(placeholderText="Find a customer by name or company…")
        self.filter_box.setClearButtonEnabled(True)
        self._held_for_find: tuple[int, str] | None = None  # (_held while a find is read)
        self.filter_box.textChanged.connect(self._filter)
        self.model.found.connect(self._found)
        self.filter_box.returnPressed.connect(self._open_first)
        self.filter_box.installEventFilter(self)
        self.table = CustomerTable()
        self.table.typed.connect(self._find_typed)
        self.table.setModel(self.model)
        self.table.setItemDelegate(CurrentRowDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # rows are chosen, not cells: Tab moves on to the customer's page
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_by)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)  # rows run the pane's full width
        for column, width in ((STAGE, 80), (SINCE, 100), (LAST_CONTACT, 70), (LAST_VALUE, 130)):
            header.resizeSection(column, width)
        # Name, company and how late: side by side and first, so a narrow pane
        # still shows them whole; the rest follow, and can be hidden or shown
        # from the heading's context menu.
        header.moveSection(header.visualIndex(OVERDUE), 2)
        for column in self._hidden_at_first():
            header.setSectionHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # Rows are read as they come into view: on scrolling, resizing and relisting.
        bar = self.table.verticalScrollBar()
        bar.valueChanged.connect(self._read_visible)
        bar.rangeChanged.connect(self._read_visible)
        self.model.modelReset.connect(self._read_visible)
        self.model.layoutChanged.connect(self._read_visible)
        self.model.reordered.connect(self._reordered)
        self.table.viewport().installEventFilter(self)
        # Said in the list's place when the find box matches nobody (the list alone would just be blank).
        self.no_match = QLabel(self.table.viewport(), alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.no_match.setObjectName("no-match")
        self.no_match.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.no_match.hide()
        for signal in (self.model.modelReset, self.model.layoutChanged, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._say_if_no_match)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)

    def reload(self, keep: int | None = None) -> None:
        """Reload every row, selecting `keep`, or if it is gone (an undone add)
        the customer selected before, so one row stays highlighted."""
        current = self.current_id()
        self.model.reload()
        self.fit_key_columns()
        for customer_id in dict.fromkeys((keep, current)):
            if customer_id is not None and self.select(customer_id, emit=False):
                break

    def refresh_elsewhere(self) -> None:
        """After a change made elsewhere (a colleague's): every row read again,
        in place, the chosen customer kept (one gone away is no longer chosen),
        and the customer at the top of the view stays there, so a customer
        added or gone above it does not move the rows under the mouse."""
        self._keeping_top(self.model.relayout)

    def refresh(self, customer_id: int | None) -> None:
        """After a change: one row when one customer changed, one customer put in or
        taken out when they joined or left a list in an order read once, else everything."""
        if customer_id is not None and self.model.refresh_customer(customer_id):
            return
        if customer_id is None or not self._keeping_top(lambda: self.model.place_customer(customer_id)):
            self.reload(keep=customer_id)
            return
        self._fit_columns()
        if not self.select(customer_id, emit=False):  # (one gone: nobody is chosen, as after a reload)
            current = self.current_id()
            if current is not None:
                self.select(current, emit=False)

    def _keeping_top(self, change):
        """Run `change` (the list's rows moved), keeping the customer at the top of
        the view there, so a customer added or gone above it does not move the rows
        under the mouse. What `change` returned."""
        table = self.table
        top = table.rowAt(0)
        anchor = self.model._id_if_cached(top) if top >= 0 else None
        offset = table.rowViewportPosition(top) if top >= 0 else 0  # <= 0: the top row may be cut
        changed = change()
        row = self.model.row_of(anchor) if anchor is not None else None
        if row is not None and row != top:
            table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
            if offset:
                bar = table.verticalScrollBar()
                bar.setValue(bar.value() - offset)
        return changed

    # -- columns ----------------------------------------------------------------------------------
    @staticmethod
    def _hidden_at_first() -> tuple[int, ...]:
        """Until the user chooses (the choice is saved with the window): on a
        laptop screen only the three key columns, else the last value given too."""
        screen = QGuiApplication.primaryScreen()
        narrow = screen is not None and screen.availableGeometry().width() < 1500
        return HIDDEN_AT_FIRST + ((LAST_VALUE,) if narrow else ())

    def fit_key_columns(self) -> None:
        """Name, company and days overdue as wide as their longest text, so none is cut:
        at once from the rows read, then from the whole list, measured off the GUI
        thread (reading every name would make opening slower the more customers)."""
        self._fit_columns()
        if not self.model.measured():
            from ui.common.tasks import run_in_background

            self._measuring += 1
            generation = self._measuring

            def measured(longest):
                if generation == self._measuring:  # not a list reloaded since
                    self.model._longest.update(longest)
                    self._fit_columns()
                    self.columns_fitted.emit()

            def measure():
                if generation == self._measuring:
                    run_in_background(self.model.longest_query(), measured, lambda _error: None, owner=self)

            # Once the list is on screen: the thread would slow its first paint.
            if self._list_painted:
                QTimer.singleShot(0, self, measure)
            else:
                self._after_paint = measure

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        cells = QFontMetrics(self.table.font())
        bold = QFont(self.table.font())
        bold.setBold(True)  # overdue counts are bold
        headings = QFontMetrics(header.font())
        for column in KEY_COLUMNS:
            metrics = QFontMetrics(bold) if column == OVERDUE else cells
            widest = max((metrics.horizontalAdvance(t) for t in self.model.longest_texts(column)), default=0)
            # Cell margins, and room for the sort arrow beside the heading.
            width = max(widest + self.CELL_PADDING, headings.horizontalAdvance(COLUMNS[column]) + 32)
            self._natural[column] = min(width, self.WIDEST_COLUMN)
            header.resizeSection(column, self._natural[column])
        self._squeeze()

    def _squeeze(self) -> None:
        """In a pane too narrow for the key columns whole (a laptop screen, long
        company names), the company gives way, its text elided, so that the name
        and how late they are stay whole and in sight."""
        if len(self._natural) < len(KEY_COLUMNS):
            return
        room = self.table.viewport().width() - self._natural[NAME] - self._natural[OVERDUE]
        company = max(min(self._natural[COMPANY], room), 60)
        header = self.table.horizontalHeader()
        if header.sectionSize(COMPANY) != company:
            header.resizeSection(COMPANY, company)

    def needed_width(self) -> int:
        """How wide the pane must be to show the key columns whole."""
        header = self.table.horizontalHeader()
        return (sum(header.sectionSize(c) for c in KEY_COLUMNS) + self.table.verticalScrollBar().sizeHint().width()
                + 2 * self.table.frameWidth() + 2)

    CELL_PADDING = 18
    WIDEST_COLUMN = 360

    def _header_menu(self, pos) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column, title in enumerate(COLUMNS):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column not in KEY_COLUMNS)
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
        menu.addSeparator()
        menu.addAction("Fit columns to their contents", self._fit_all)
        self.header_menu = menu  # reachable by tests
        menu.popup(header.mapToGlobal(pos))

    def _fit_all(self) -> None:
        self.table.resizeColumnsToContents()
        self.fit_key_columns()

    def header_state(self) -> bytes:
        return self.table.horizontalHeader().saveState()

    def _sort_by(self, column: int, order) -> None:
        """A click on another column sorts it in its natural order: names A to Z,
        but the most overdue, the latest contact and value and the newest
        customer first (a first click on Overdue shows who is most late)."""
        header = self.table.horizontalHeader()
        if column != self.model.sort_column and column in LARGEST_FIRST and order == Qt.SortOrder.AscendingOrder \
                and not self._restoring:
            header.setSortIndicator(column, Qt.SortOrder.DescendingOrder)  # comes back here, descending
            return
        if header.isSectionHidden(column) and not self._restoring:
            # Sorted by a column out of sight (View › Sort customers by, on a laptop screen,
            # where last value, since and contact start hidden), the order would have no
            # heading to say what it is: the column shows, with its arrow.
            header.setSectionHidden(column, False)
        self.model.sort(column, order)  # (an order of every customer comes later: _reordered)
        current = self.table.currentIndex()
        if current.isValid() and not self._restoring:  # the customer on screen stays in sight, in its new place
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _reordered(self, new_sort: bool) -> None:
        """An order read in the background is shown: the customer on screen stays in sight."""
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter if new_sort
                                else QAbstractItemView.ScrollHint.EnsureVisible)

    def choose_sort(self, column: int) -> None:
        """Sort by `column` as a click on its heading would (View › Sort customers
        by, for the keyboard): its natural order first, reversed when chosen again."""
        header = self.table.horizontalHeader()
        if column == header.sortIndicatorSection():
            order = Qt.SortOrder.AscendingOrder if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder \
                else Qt.SortOrder.DescendingOrder
        else:
            order = Qt.SortOrder.DescendingOrder if column in LARGEST_FIRST else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(column, order)

    def restore_header_state(self, state) -> None:
        header = self.table.horizontalHeader()
        self._restoring = True
        try:
            restored = header.restoreState(state)
        finally:
            self._restoring = False
        if restored:
            for column in KEY_COLUMNS:  # whatever was saved, these stay on screen
                header.setSectionHidden(column, False)
            header.setSortIndicatorShown(True)
            if self.model.loaded():
                self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
                self.fit_key_columns()
            else:  # read in that order when the list loads
                self.model.sort_column, self.model.sort_order = header.sortIndicatorSection(), header.sortIndicatorOrder()

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _read_visible(self, *_args) -> None:
        """Read the pages of the rows in view (and a screenful either side)."""
        top = self.table.rowAt(0)
        if top < 0:
            top = self.table.verticalScrollBar().value()
        shown = self.table.viewport().height() // max(self.table.verticalHeader().defaultSectionSize(), 1) + 1
        self.model.ensure_rows(top - shown, top + 2 * shown)

    def forget_find(self) -> None:
        """Another journal opened: its list starts with everyone, and nobody of the
        journal before is held to come back when a find matches again."""
        self._held = self._shown = None
        if self.filter_box.text():
            self.filter_box.setText("")  # (its undo history goes with it)

    def forget_typing(self) -> None:
        """After a change to the journal, the find box's own undo history goes, so
        that Ctrl+Z there is the journal's Undo (see eventFilter)."""
        if self.filter_box.isUndoAvailable() or self.filter_box.isRedoAvailable():
            self.filter_box.setText(self.filter_box.text())

    def select(self, customer_id: int, emit=True) -> bool:
        row = self.model.row_of(customer_id)
        if row is None:
            if not self.model.listed_without_find(customer_id):
                return False
            # Hidden by the filter: empty it (and its undo) so the customer shows, and
            # without choosing on the way the first row or the one shown before the find.
            self._held, self._quiet = None, True
            try:
                self.filter_box.setText("")
            finally:
                self._quiet = False
            row = self.model.row_of(customer_id)
            if row is None:
                return False
        self.model.ensure_rows(row, row)
        index = self.model.index(row, 0)
        # Not by blocking the selection model's signals: the table repaints rows on
        # them, and the row selected before would stay highlighted beside the new one.
        self._quiet = not emit
        try:
            self.table.setCurrentIndex(index)
        finally:
            self._quiet = False
        self.table.scrollTo(index)
        self._shown = (customer_id, self.model.customer_at(row).name)
        return True

    def _say_if_no_match(self, *_args) -> None:
        text = " ".join(self.filter_box.text().split())
        muted = theme.muted(self.palette()).name()
        if text and not self.model.rowCount():
            self.no_match.setText(f"<p>No customer matches “{escape(text)}”.</p>"
                                  f"<p style='color:{muted}'>Check the spelling, "
                                  "or empty the box to see everyone.</p>")
            self.no_match.setGeometry(self.table.viewport().rect().adjusted(12, 0, -12, 0))
            self.no_match.show()
            if not self._why_nobody:  # the customer shown until now comes back when the find matches again
                self._held = self._shown
            back = f"go back to {escape(self._held[1])}" if self._held else "see everyone"
            why = (f"<p style='font-size:large'>No customer to show</p><p>No customer matches “{escape(text)}”.</p>"
                   f"<p style='color:{muted}'>Press Escape to clear the find and {back}.</p>")
        else:
            self.no_match.hide()
            why = ""
        if why != self._why_nobody:
            self._why_nobody = why
            self.found_nobody.emit(why)

    def why_nobody(self) -> str:
        """While the find box matches nobody, what the page says instead of a customer; else ""."""
        return self._why_nobody

    def _filter(self, text):
        self._held_for_find = self._held if self._why_nobody else None
        held = self._held_for_find
        self.model.set_filter(text, place=(held[0],) if held else ())  # shown now, or when read (_found)

    def _found(self):
        """A find is shown: the customer chosen stays in sight, or one is chosen."""
        held, self._held_for_find = self._held_for_find, None
        self._say_if_no_match()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            # Matching again after matching nobody: the customer shown before, if found.
            row = self.model.row_of(held[0]) if held else None
            self.table.setCurrentIndex(self.model.index(row if row is not None else 0, 0))
        current = self.table.currentIndex()
        if current.isValid() and not self.table.viewport().rect().contains(self.table.visualRect(current)):
            # The customer shown stays in sight as the list grows back (Escape: everyone again).
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _find_typed(self, text: str) -> None:
        """Letters typed in the list start a find (the list's own keys stay its own)."""
        self.filter_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.filter_box.selectAll()  # a find typed afresh, as after Ctrl+F
        self.filter_box.insert(text)

    def _open_first(self):
        self.model.finish_finding()  # Enter typed before what was found came: on what the box says
        if self.model.rowCount():
            index = self.table.currentIndex() if self.table.currentIndex().isValid() else self.model.index(0, 0)
            self.table.setCurrentIndex(index)
            self.table.setFocus()

    # On X11 a line edit claims Ctrl+E (end of line) and Ctrl+K (delete to the end)
    # before the window's shortcuts; the find box, focused when the window opens,
    # would swallow Edit details and Search everything.
    EMACS_KEYS = (QKeySequence.StandardKey.MoveToEndOfLine, QKeySequence.StandardKey.DeleteEndOfLine)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._squeeze()
            self.no_match.setGeometry(self.table.viewport().rect().adjusted(12, 0, -12, 0))
        if event.type() == QEvent.Type.Paint and not self._list_painted and watched is self.table.viewport():
            self._list_painted = True
            if self._after_paint is not None:
                QTimer.singleShot(0, self, self._after_paint)
                self._after_paint = None
        if watched is self.filter_box and event.type() == QEvent.Type.ShortcutOverride:
            box = self.filter_box
            emacs = (event.modifiers() & Qt.KeyboardModifier.ControlModifier
                     and any(event.matches(key) for key in self.EMACS_KEYS))
            # Ctrl+Z undoes what was typed in the box while there is some; otherwise
            # (focus came back here after a save) it is the journal's Undo.
            journal_undo = ((event.matches(QKeySequence.StandardKey.Undo) and not box.isUndoAvailable())
                            or (event.matches(QKeySequence.StandardKey.Redo) and not box.isRedoAvailable()))
            if emacs or journal_undo:
                event.ignore()  # not overridden: the window's shortcut runs
                return True
        if (watched is self.filter_box and event.type() == QEvent.Type.KeyPress and event.key() in self.LIST_KEYS
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            # Up and Down in the find box move through the customers found; typing goes on in the box.
            self.model.finish_finding()
            QApplication.sendEvent(self.table, QKeyEvent(event.type(), event.key(), event.modifiers()))
            return True
        if (watched is self.filter_box and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
                and event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and self.filter_box.text()):
            # Escape clears the find (Ctrl+Z in the box brings it back).
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the box's, before any shortcut of the window
                return False
            self.filter_box.clear()
            return True
        return super().eventFilter(watched, event)

    LIST_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)

    def _current_changed(self, current, _previous):
        if current.isValid():
            customer = self.model.customer_at(current.row())
            self._shown = (customer.id, customer.name)
            if not self._quiet:
                self.customer_selected.emit(customer.id)
