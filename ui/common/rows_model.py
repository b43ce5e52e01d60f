"""A list model over plain Python rows: data() only reads the row it was given."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt


class RowsModel(QAbstractListModel):
    """Subclasses set ROW_ROLE (which returns the row itself) and say how a row
    reads (display) and what its tooltip is; extra roles go through role_data."""

    ROW_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == self.ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        return self.role_data(row, role)

    def display(self, row) -> str:
        return str(row)

    def tooltip(self, row):
        return None

    def role_data(self, row, role):
        return None
