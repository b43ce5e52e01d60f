"""Import customers (CSV or vCard) or purchases (CSV): see how the columns are
read, change the mapping or the date format, preview what would happen row by
row, then import in one go with a report of every row left out and why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QListView,
    QListWidget, QMessageBox, QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from journal.errors import Cancelled
from journal.io import csv_import as ci
from journal.rules import words
from journal.io import vcard
from journal.io.import_report import report_text  # noqa: F401 - one text for the window and the command line

from ui.common import theme
from ui.common.empty_hint import EmptyHint
from ui.common.forms import buttons_left_to_right, chain_tabs, hbox
from ui.common.tasks import run_in_background, run_with_progress

CUSTOMERS, PURCHASES = "customers", "purchases"
FIELD_LABELS = {
    "name": "Name", "first_name": "First name", "last_name": "Last name", "company": "Company", "email": "Email",
    "phone": "Phone", "address": "Postal address", "interests": "Interests", "stage": "Stage",
    "account_manager": "Account manager", "customer_since": "Customer since", "tags": "Tags",
    "customer": "Customer name", "purchased_on": "Date", "product": "Product", "amount": "Amount",
    "name_prefix": "Name prefix (Mr., Dr.)", "middle_name": "Middle name", "name_suffix": "Name suffix (Jr.)",
    "street": "Address: street", "house_number": "Address: house number", "postcode": "Address: postcode",
    "city": "Address: city", "region": "Address: region or state", "country": "Address: country",
    "notes": "Note on the timeline",
}
SHOWN_PROBLEMS = 500  # a list of 300,000 lines helps nobody; the report has the count
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
        self.fields = ci.CUSTOMER_FIELDS if what == CUSTOMERS else ci.PURCHASE_FIELDS
        if self.is_vcard:
            self.vcard_data = self.path.read_bytes()
            self.table = None
        else:
            self.table = ci.read_table(self.path)  # streamed: a large file is never all in memory
        self.plan: ci.Plan | None = None
        self._generation, self._preview_task = 0, None

        layout = QVBoxLayout(self)
        self.about = QLabel(wordWrap=True)
        layout.addWidget(self.about)
        self.columns = QTableWidget(0, 3)
        self.columns.setHorizontalHeaderLabels(["Column in the file", "For example", "Import as"])
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.columns.verticalHeader().hide()
        self.columns.setTabKeyNavigation(False)  # Tab goes on to each row's "Import as" choice
        self.date_format = QComboBox()
        self.skip = QRadioButton("Skip them")
        self.merge = QRadioButton("Merge into the existing customer")
        self.merge.setToolTip("Fill in the fields the journal has empty; the values that differ are kept "
                              "in a note on that customer's timeline.")
        self.skip.setChecked(True)
        self.duplicate_choice = QButtonGroup(self)
        self.duplicate_choice.addButton(self.skip)
        self.duplicate_choice.addButton(self.merge)
        self.without_value = QRadioButton("Import them without that value")
        self.skip_rows = QRadioButton("Skip those rows")
        self.without_value.setChecked(True)
        self.bad_value_choice = QButtonGroup(self)
        self.bad_value_choice.addButton(self.without_value)
        self.bad_value_choice.addButton(self.skip_rows)
        self.keep_unmapped = QCheckBox("Keep the columns not imported in a note on the customer's timeline")
        self.keep_unmapped.setChecked(True)
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
            if self.table is not None:
                options.addRow("Rows with a value Lately cannot read", hbox(self.without_value, self.skip_rows))
                options.addRow("", self.keep_unmapped)
        layout.addLayout(options)
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        if self.is_vcard:
            # A contacts file has no columns to check: who would be imported, as each card reads.
            self.people = QTableWidget(0, 4)
            self.people.setHorizontalHeaderLabels(["Name", "Company", "Email", "Phone"])
            self.people.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            self.people.verticalHeader().hide()
            self.people.setTabKeyNavigation(False)  # Tab goes on to the choices below
            self.people.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.people.setAccessibleName("Who would be imported")
            layout.insertWidget(1, self.people, 2)
        self.problems = QListWidget()
        # A message is read whole, wrapped to the width, never cut off behind a sideways scroll.
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.setResizeMode(QListView.ResizeMode.Adjust)
        self.problems_hint = EmptyHint(self.problems)  # once read: words, not a blank box, when all is well
        layout.addWidget(self.problems, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.date_format.currentIndexChanged.connect(self.preview)
        self.merge.toggled.connect(self.preview)
        self.skip_rows.toggled.connect(self.preview)
        self.keep_unmapped.toggled.connect(self.preview)
        self.amount_format.currentIndexChanged.connect(self.preview)
        self.preview()
        self._order_tabs()

    def _order_tabs(self):
        """Top to bottom: the columns and how each is imported, the options, the report, the buttons."""
        stops = []
        if self.table is not None:
            combos = [self.columns.cellWidget(row, 2) for row in range(self.columns.rowCount())]
            stops += [self.columns, *combos, self.date_format]
            if self.what == PURCHASES:
                stops.append(self.amount_format)
        if self.what == CUSTOMERS:
            stops += [self.skip, self.merge]
            if self.table is not None:
                stops += [self.without_value, self.skip_rows, self.keep_unmapped]
        if self.is_vcard:
            stops.insert(0, self.people)
        stops += [self.problems, *buttons_left_to_right(self.buttons)]
        chain_tabs(*stops)
        first = next((w for w in stops if w not in (self.columns, self.problems, getattr(self, "people", None))),
                     stops[0])
        first.setFocus()

    # -- reading the file --------------------------------------------------------------------
    def _fill_columns(self):
        table = self.table
        mapping = ci.guess_mapping(table.headers, self.fields)
        self.columns.setRowCount(len(table.headers))
        for index, heading in enumerate(table.headers):
            self.columns.setItem(index, 0, _item(heading or f"(column {index + 1})"))
            samples = [r[index] for r in table.sample if index < len(r) and r[index].strip()][:3]
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
        guessed = ci.guess_date_format([r[column] for r in table.sample if column is not None and column < len(r)])
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
        """Plan the import again with the choices as they are now, off the GUI
        thread (300,000 rows take seconds); a newer preview cancels an older one."""
        self._generation += 1
        generation = self._generation
        if self._preview_task is not None:
            self._preview_task.cancel()
        self.plan = None
        self.import_button.setEnabled(False)
        self.summary.setText("Reading the file…")
        self.problems_hint.set_text("")
        table, what, is_vcard, vcard_data = self.table, self.what, self.is_vcard, getattr(self, "vcard_data", None)
        mapping, date_format = (self.mapping(), self.date_format.currentData()) if table is not None else ({}, None)
        keep, skip = self.keep_unmapped.isChecked(), self.skip_rows.isChecked()
        decimal = self.amount_format.currentData()

        def work(progress):
            if is_vcard:
                plan = vcard.plan_cards(vcard_data)
                return plan, words.plural(len(plan.new) + len(plan.duplicates) + len(plan.refused), "contact card")
            if what == CUSTOMERS:
                plan = ci.plan_customers(table, mapping, date_format, keep_unmapped=keep, skip_bad_rows=skip,
                                         progress=progress)
            else:
                plan = ci.plan_purchases(table, mapping, date_format, decimal, progress=progress)
            separators = {",": "commas", ";": "semicolons", "\t": "tabs"}
            return plan, (f"{table.row_count:,} rows, {table.encoding}, separated by "
                          f"{separators.get(table.delimiter, 'bars')}")

        def reading(done, total):
            if generation == self._generation:
                self.summary.setText(f"Reading the file… {done:,} rows" + (f" of {total:,}" if total else ""))

        self._preview_task = run_in_background(work, lambda result: self._previewed(generation, *result),
                                               lambda error: self._preview_failed(generation, error), reading,
                                               owner=self)

    def _preview_failed(self, generation, error):
        if generation != self._generation or isinstance(error, Cancelled):
            return
        self.plan = None
        self.summary.setText(f"<span style='color:{theme.color('overdue').name()}'>{error}</span>")
        self.import_button.setEnabled(False)

    def _previewed(self, generation, plan, source):
        if generation != self._generation:
            return
        self.plan = plan
        check = "Check who is imported" if self.is_vcard else "Check how each column is read"
        self.about.setText(f"<b>{self.path.name}</b>: {source}. {check}; nothing is written until you press Import.")
        if self.is_vcard:
            self._fill_people(plan)
        refused, partial = plan.refused, plan.partial
        def count(n, singular, plural=None):
            return f"<b>{words.number(n)}</b> {words.noun(n, singular, plural)}"

        parts = [count(len(plan.new), f"new {self.what.rstrip('s')}", f"new {self.what}")]
        if self.what == CUSTOMERS:
            parts.append(f"{count(len(plan.duplicates), 'customer')} already in the journal")
        if partial:
            one = len(partial) == 1
            parts.append(f"{count(len(partial), 'value')} that cannot be read ({'its row is' if one else 'their rows are'}"
                         f" imported without {'it' if one else 'them'})")
        parts.append(f"{count(len(refused), 'row')} that cannot be imported" if refused else "no rows left out")
        if plan.warnings:
            parts.append(f"{count(len(plan.warnings), 'card')} imported with a warning")
        due = theme.color("due").name()
        warnings = "".join(f"<br><span style='color:{due}'>{w}</span>" for w in (self.table.warnings
                                                                                    if self.table else ()))
        self.summary.setText(" · ".join(parts) + warnings)
        self.problems.clear()
        self.problems_hint.set_text("Nothing left out: every row can be imported as it is.")
        lines = [f"Line {p.line}: {p.message}" for p in plan.problems]
        lines += [f"Line {line}: {values.get('name', '')} — {why}" for line, values, _, why in plan.duplicates]
        lines += [f"Line {w.line}: {w.message}" for w in plan.warnings]  # imported, but worth a look
        self.problems.addItems(lines[:SHOWN_PROBLEMS])
        if len(lines) > SHOWN_PROBLEMS:
            self.problems.addItem(f"… and {len(lines) - SHOWN_PROBLEMS:,} more")
        self.import_button.setEnabled(bool(plan.new or (plan.duplicates and self.merge.isChecked())))

    def _fill_people(self, plan):
        """The cards' people: new ones first, then those already in the journal (greyed)."""
        rows = [(values, False) for _, values in plan.new] + [(values, True) for _, values, *_ in plan.duplicates]
        self.people.setRowCount(min(len(rows), SHOWN_PROBLEMS))
        grey = theme.muted(self.people.palette())
        for row, (values, known) in enumerate(rows[:SHOWN_PROBLEMS]):
            for column, key in enumerate(("name", "company", "email", "phone")):
                item = _item(values.get(key) or "")
                if known:
                    item.setForeground(grey)
                    item.setToolTip("Already in the journal")
                self.people.setItem(row, column, item)

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

        self.task = run_with_progress(self, f"Importing {what}…", work, self._done, self._failed, writes=True,
                                      on_cancelled=self._cancelled)

    def _cancelled(self):
        self.summary.setText(f"Import cancelled: no {self.what} were imported. "
                             "Change what you like and import again, or close this window.")

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

