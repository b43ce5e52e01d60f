"""Import customers (CSV or vCard) or purchases (CSV): see how the columns are
read, change the mapping or the date format, preview what would happen row by
row, then import in one go with a report of every row left out and why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QListWidget,
    QMessageBox, QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from journal.errors import JournalError
from journal.io import csv_import as ci
from journal.io import vcard

from . import theme
from .forms import hbox
from .tasks import run_with_progress

CUSTOMERS, PURCHASES = "customers", "purchases"
FIELD_LABELS = {
    "name": "Name", "first_name": "First name", "last_name": "Last name", "company": "Company", "email": "Email",
    "phone": "Phone", "address": "Postal address", "interests": "Interests", "stage": "Stage",
    "account_manager": "Account manager", "customer_since": "Customer since", "tags": "Tags",
    "customer": "Customer name", "purchased_on": "Date", "product": "Product", "amount": "Amount",
}
DATE_LABELS = {"%Y-%m-%d": "2026-12-31", "%d/%m/%Y": "31/12/2026", "%m/%d/%Y": "12/31/2026",
               "%d.%m.%Y": "31.12.2026", "%d-%m-%Y": "31-12-2026", "%Y/%m/%d": "2026/12/31", "%d/%m/%y": "31/12/26",
               "%m/%d/%y": "12/31/26", "%d %b %Y": "31 Dec 2026", "%b %d, %Y": "Dec 31, 2026",
               "%d %B %Y": "31 December 2026", "%B %d, %Y": "December 31, 2026"}


class ImportDialog(QDialog):
    imported = Signal(object)  # the Report

    def __init__(self, path: Path, what: str = CUSTOMERS, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.what = what
        self.is_vcard = self.path.suffix.lower() in (".vcf", ".vcard")
        self.setWindowTitle(f"Import {what} from {self.path.name}")
        self.resize(760, 620)
        data = self.path.read_bytes()
        self.fields = ci.CUSTOMER_FIELDS if what == CUSTOMERS else ci.PURCHASE_FIELDS
        if self.is_vcard:
            self.vcard_data = data
            self.table = None
        else:
            self.table = ci.read_table(data)
        self.plan: ci.Plan | None = None

        layout = QVBoxLayout(self)
        self.about = QLabel(wordWrap=True)
        layout.addWidget(self.about)
        self.columns = QTableWidget(0, 3)
        self.columns.setHorizontalHeaderLabels(["Column in the file", "For example", "Import as"])
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.columns.verticalHeader().hide()
        self.date_format = QComboBox()
        self.skip = QRadioButton("Skip them")
        self.merge = QRadioButton("Fill in what the journal is missing")
        self.skip.setChecked(True)
        self.duplicate_choice = QButtonGroup(self)
        self.duplicate_choice.addButton(self.skip)
        self.duplicate_choice.addButton(self.merge)
        options = QFormLayout()
        self.amount_format = QComboBox()
        for label, decimal in (("Work it out from each amount", None), ("1,234.56", "."), ("1.234,56", ",")):
            self.amount_format.addItem(label, decimal)
        if self.table is not None:
            layout.addWidget(self.columns, 2)
            self._fill_columns()
            options.addRow("Dates look like", self.date_format)
            if what == PURCHASES:
                options.addRow("Amounts look like", self.amount_format)
        if what == CUSTOMERS:
            options.addRow("Customers already in the journal", hbox(self.skip, self.merge))
        layout.addLayout(options)
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.problems = QListWidget()
        layout.addWidget(self.problems, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.date_format.currentIndexChanged.connect(self.preview)
        self.merge.toggled.connect(self.preview)
        self.amount_format.currentIndexChanged.connect(self.preview)
        self.preview()

    # -- reading the file --------------------------------------------------------------------
    def _fill_columns(self):
        table = self.table
        mapping = ci.guess_mapping(table.headers, self.fields)
        self.columns.setRowCount(len(table.headers))
        for index, heading in enumerate(table.headers):
            self.columns.setItem(index, 0, _item(heading or f"(column {index + 1})"))
            samples = [r[index] for r in table.rows[:3] if index < len(r) and r[index].strip()]
            self.columns.setItem(index, 1, _item(" · ".join(s.replace("\n", " ⏎ ") for s in samples)))
            combo = QComboBox()
            combo.addItem("Don't import", None)
            for key in self.fields:
                combo.addItem(FIELD_LABELS[key], key)
            combo.setCurrentIndex(max(combo.findData(mapping[index]), 0))
            combo.currentIndexChanged.connect(self.preview)
            self.columns.setCellWidget(index, 2, combo)
        self.columns.resizeColumnToContents(0)
        self.columns.horizontalHeader().resizeSection(2, 190)  # cell widgets do not size their column
        date_field = "customer_since" if self.what == CUSTOMERS else "purchased_on"
        column = next((i for i, f in mapping.items() if f == date_field), None)
        guessed = ci.guess_date_format([r[column] for r in table.rows if column is not None and column < len(r)])
        self.date_format.addItem("Any format Lately knows", None)
        for fmt, label in DATE_LABELS.items():
            self.date_format.addItem(label, fmt)
        self.date_format.setCurrentIndex(max(self.date_format.findData(guessed), 0))

    def mapping(self) -> dict[int, str | None]:
        return {i: self.columns.cellWidget(i, 2).currentData() for i in range(self.columns.rowCount())}

    def set_mapping(self, index: int, field: str | None) -> None:
        combo = self.columns.cellWidget(index, 2)
        combo.setCurrentIndex(combo.findData(field))

    # -- preview ---------------------------------------------------------------------------------
    def preview(self):
        try:
            if self.is_vcard:
                self.plan = vcard.plan_cards(self.vcard_data)
                source = f"{len(self.plan.new) + len(self.plan.duplicates) + len(self.plan.problems)} contact cards"
            else:
                if self.what == CUSTOMERS:
                    self.plan = ci.plan_customers(self.table, self.mapping(), self.date_format.currentData())
                else:
                    self.plan = ci.plan_purchases(self.table, self.mapping(), self.date_format.currentData(),
                                                  self.amount_format.currentData())
                source = (f"{len(self.table.rows)} rows, {self.table.encoding}, separated by "
                          f"{ {',': 'commas', ';': 'semicolons', chr(9): 'tabs'}.get(self.table.delimiter, 'bars')}")
        except JournalError as error:
            self.plan = None
            self.summary.setText("<span style='color:{}'>{}</span>".format(theme.color("overdue").name(), error))
            self.import_button.setEnabled(False)
            return
        self.about.setText(f"<b>{self.path.name}</b>: {source}. Check how each column is read; "
                           "nothing is written until you press Import.")
        plan = self.plan
        parts = [f"<b>{len(plan.new)}</b> new {self.what}"]
        if self.what == CUSTOMERS:
            parts.append(f"<b>{len(plan.duplicates)}</b> already in the journal")
        parts.append(f"<b>{len(plan.problems)}</b> rows that cannot be imported" if plan.problems
                     else "no problems")
        self.summary.setText(" · ".join(parts))
        self.problems.clear()
        for problem in plan.problems:
            self.problems.addItem(f"Line {problem.line}: {problem.message}")
        for line, values, _, why in plan.duplicates:
            self.problems.addItem(f"Line {line}: {values.get('name', '')} — {why}")
        self.import_button.setEnabled(bool(plan.new or (plan.duplicates and self.merge.isChecked())))

    # -- importing ---------------------------------------------------------------------------------
    def start_import(self):
        if self.plan is None:
            return
        plan, what = self.plan, self.what
        choice = "merge" if self.merge.isChecked() else "skip"

        def work(progress):
            if what == CUSTOMERS:
                return ci.import_customers(plan, duplicates=choice, progress=progress)
            return ci.import_purchases(plan, progress=progress)

        run_with_progress(self, f"Importing {what}…", work, self._done, self._failed, writes=True)

    def _done(self, report: ci.Report):
        self.report = report
        self.imported.emit(report)
        self.accept()

    def _failed(self, error):
        QMessageBox.warning(self, "Nothing was imported", str(error))


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def report_text(report: ci.Report, what: str) -> str:
    lines = [f"Imported {report.created} new {what}."]
    if report.merged:
        lines.append(f"Filled in {report.merged} customers already in the journal.")
    if report.skipped:
        lines.append(f"Skipped {report.skipped} customers already in the journal.")
    if report.problems:
        lines.append(f"{len(report.problems)} rows were left out:")
        lines += [f"  line {p.line}: {p.message}" for p in report.problems[:50]]
        if len(report.problems) > 50:
            lines.append(f"  … and {len(report.problems) - 50} more")
    return "\n".join(lines)
