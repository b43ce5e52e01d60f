"""Settings: who you are (for cards), the default stay-in-touch cadence, and the
cadence each tag carries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QSpinBox, QTableWidget, QTableWidgetItem

from journal.writes import customers, preferences, settings

from ui.common import format as fmt
from ui.customers.dialogs import FormDialog


class SettingsDialog(FormDialog):
    def __init__(self, parent=None, on_saved=None):
        super().__init__("Settings", parent)
        self.setMinimumWidth(520)
        current = settings.get_settings()
        self.owner = self.add_row("Your &name", QLineEdit(current.owner_name), "owner_name")
        self.business = self.add_row("&Business", QLineEdit(current.business_name), "business_name")
        self.currency = QComboBox()
        own = fmt.system_currency()
        self.currency.addItem(f"As the system's ({own})" if own else "None: your system names none, amounts show no sign", "")
        for code, label in fmt.currencies():
            self.currency.addItem(label, code)
        self.currency.setCurrentIndex(max(self.currency.findData(current.currency), 0))
        self.add_row("&Currency", self.currency, "currency")
        self.signature = QPlainTextEdit(current.signature)
        self.signature.setFixedHeight(70)
        self.signature.setTabChangesFocus(True)
        self.add_row("&Signature", self.signature, "signature")
        self.cadence = QSpinBox(minimum=1, maximum=3650, suffix=" days", value=current.default_cadence_days)
        self.add_row("Stay in touch e&very", self.cadence, "default_cadence_days")
        hint = QLabel("A customer's own cadence wins, then the shortest cadence of their tags, then this one.")
        hint.setWordWrap(True)
        # As wide as the fields above it: a form leaves a label at its own narrow guess otherwise.
        hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.form.addRow("", hint)
        self.kept = QSpinBox(minimum=1, maximum=1000, suffix=" backups", value=current.backups_kept)
        self.add_row("&Keep the newest", self.kept, "backups_kept")
        self.tags = QTableWidget(0, 2)
        self.tags.setHorizontalHeaderLabels(["Tag", "Cadence (days, empty = none)"])
        self.tags.horizontalHeader().setStretchLastSection(True)
        self.tags.verticalHeader().hide()
        self.tags.setTabKeyNavigation(False)  # Tab leaves the table for the buttons; arrows move inside it
        for name, days in customers.all_tags():
            row = self.tags.rowCount()
            self.tags.insertRow(row)
            tag = QTableWidgetItem(name)
            tag.setFlags(tag.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.tags.setItem(row, 0, tag)
            self.tags.setItem(row, 1, QTableWidgetItem("" if days is None else str(days)))
        self.add_row("&Tag cadences", self.tags, "cadence_days", "tag")
        self.on_saved = on_saved
        self.save = self._save
        self._opened = self._values()  # what the dialog showed, to send only what the person changed

    def _values(self) -> tuple[dict, dict]:
        return (dict(owner_name=self.owner.text(), business_name=self.business.text(),
                     currency=self.currency.currentData(), signature=self.signature.toPlainText(),
                     default_cadence_days=self.cadence.value(), backups_kept=self.kept.value()),
                {self.tags.item(row, 0).text(): self.tags.item(row, 1).text() for row in range(self.tags.rowCount())})

    def _save(self):
        # Only what the person changed: a colleague's change to another setting meanwhile
        # (a team journal's settings are the team's) stays as they made it.
        values, tags = self._values()
        opened, opened_tags = self._opened
        preferences.save_settings({k: v for k, v in values.items() if v != opened[k]},
                                  {k: v for k, v in tags.items() if v != opened_tags.get(k)})
        if self.on_saved:
            self.on_saved()
