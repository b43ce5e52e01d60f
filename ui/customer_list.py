"""The customer list: every customer with when we last gave them something, and
who is due or overdue. The model holds plain rows loaded in one query; data()
only formats them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from journal import customers
from journal.kinds import KINDS, STAGES

from . import format as fmt
from .theme import LEVEL_COLORS

ID_ROLE = Qt.UserRole + 1
LEVEL_ROLE = Qt.UserRole + 2

COLUMNS = ("Name", "Company", "Stage", "Since", "Contact", "Last value given", "Overdue")
NAME, COMPANY, STAGE, SINCE, LAST_CONTACT, LAST_VALUE, OVERDUE = range(len(COLUMNS))


class CustomerListModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[customers.CustomerRow] = []
        self.today = date.today()
        self.include_archived = False
        self.sort_column, self.sort_order = NAME, Qt.AscendingOrder

    # -- loading ------------------------------------------------------------------
    def reload(self) -> None:
        self.today = date.today()
        rows = customers.list_customers(include_archived=self.include_archived)
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def refresh_customer(self, customer_id: int) -> bool:
        """Bring one customer's row up to date after a change to them. False when
        the list itself must change (they were added, archived or deleted)."""
        row = self.row_of(customer_id)
        fresh = customers.list_customers(include_archived=self.include_archived, customer_id=customer_id)
        if row is None or not fresh:
            return False
        self._rows[row] = fresh[0]
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if self._sorted(self._rows) != self._rows:  # the change moved them in the current order
            self.sort(self.sort_column, self.sort_order)
        return True

    def _sorted(self, rows):
        # Sorting here, on Python keys, takes milliseconds; a proxy's sort would
        # call data() tens of thousands of times across the binding.
        column = self.sort_column
        return sorted(rows, key=lambda r: self._sort_key(r, column), reverse=self.sort_order == Qt.DescendingOrder)

    def sort(self, column, order=Qt.AscendingOrder):
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old_ids = [row.id for row in self._rows]
        self._rows = self._sorted(self._rows)
        position = {row.id: n for n, row in enumerate(self._rows)}
        before = self.persistentIndexList()
        self.changePersistentIndexList(
            before, [self.index(position[old_ids[i.row()]], i.column()) for i in before])
        self.layoutChanged.emit()

    def row_of(self, customer_id: int) -> int | None:
        for n, row in enumerate(self._rows):
            if row.id == customer_id:
                return n
        return None

    def customer_at(self, row: int) -> customers.CustomerRow:
        return self._rows[row]

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return self._display(row, column)
        if role == ID_ROLE:
            return row.id
        if role == LEVEL_ROLE:
            return row.cadence_level(self.today)
        if role == Qt.ForegroundRole:
            if column == OVERDUE:
                level = row.cadence_level(self.today)
                return QColor(LEVEL_COLORS[level]) if level else None
            if row.archived:
                return QColor("#8d939c")
        if role == Qt.FontRole and column == OVERDUE and row.cadence_level(self.today) == "overdue":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole and column == OVERDUE:
            level = row.cadence_level(self.today)
            if level:
                return (f"{level.capitalize()}: no value given for {row.days_since_value(self.today)} days; "
                        f"cadence {row.cadence_days} days")
        if role == Qt.ToolTipRole and column == LAST_VALUE and row.last_value_kind:
            return f"{KINDS[row.last_value_kind].label}, {fmt.day(row.last_value_at)}"
        if role == Qt.ToolTipRole and column == LAST_CONTACT and row.last_contact_at:
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

    def _sort_key(self, row, column):
        if column == NAME:
            return row.name.casefold()
        if column == COMPANY:
            return row.company.casefold()
        if column == STAGE:
            return row.stage
        if column == SINCE:
            return row.customer_since.toordinal() if row.customer_since else 0
        if column == LAST_CONTACT:
            return row.last_contact_at.timestamp() if row.last_contact_at else 0.0
        if column == LAST_VALUE:
            return row.last_value_at.timestamp() if row.last_value_at else 0.0
        late = row.days_overdue(self.today)
        return -1 if late is None else late


class CustomerFilter(QSortFilterProxyModel):
    """Matches any part of the name or the company, ignoring case."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self.setDynamicSortFilter(False)  # the source model sorts; this only filters

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter is deprecated there
            self.beginFilterChange()
            self._needle = text.casefold().strip()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = text.casefold().strip()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent):
        if not self._needle:
            return True
        row = self.sourceModel().customer_at(source_row)
        return all(word in f"{row.name} {row.company}".casefold() for word in self._needle.split())


class CustomerList(QWidget):
    """The filter box above the table; emits the selected customer's id."""

    customer_selected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = CustomerListModel(self)
        self.proxy = CustomerFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter_box = QLineEdit(placeholderText="Find a customer by name or company…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._filter)
        self.filter_box.returnPressed.connect(self._open_first)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(NAME, Qt.AscendingOrder)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for column, width in ((NAME, 150), (COMPANY, 120), (STAGE, 72), (SINCE, 98), (LAST_CONTACT, 62),
                              (LAST_VALUE, 124), (OVERDUE, 58)):
            header.resizeSection(column, width)
        # Names keep a readable width; the company takes the slack and gives way
        # first, and a pane narrower still scrolls sideways rather than hide names.
        header.setSectionResizeMode(COMPANY, QHeaderView.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)

    def reload(self, keep: int | None = None) -> None:
        keep = keep if keep is not None else self.current_id()
        self.model.reload()
        if keep is not None:
            self.select(keep, emit=False)

    def refresh(self, customer_id: int | None) -> None:
        """After a change: one row when one customer changed, else everything."""
        if customer_id is None or not self.model.refresh_customer(customer_id):
            self.reload(keep=customer_id)

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def select(self, customer_id: int, emit=True) -> bool:
        row = self.model.row_of(customer_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():  # hidden by the filter: clear it so the customer shows
            self.filter_box.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        blocker = None if emit else self.table.selectionModel().blockSignals(True)
        self.table.setCurrentIndex(proxy_index)
        self.table.scrollTo(proxy_index)
        if not emit:
            self.table.selectionModel().blockSignals(blocker)
        return True

    def _filter(self, text):
        self.proxy.set_text(text)
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def _open_first(self):
        if self.proxy.rowCount():
            index = self.table.currentIndex() if self.table.currentIndex().isValid() else self.proxy.index(0, 0)
            self.table.setCurrentIndex(index)
            self.table.setFocus()

    def _current_changed(self, current, _previous):
        if current.isValid():
            self.customer_selected.emit(current.data(ID_ROLE))
