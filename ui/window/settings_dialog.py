"""Settings: who you are (for cards), the default stay-in-touch cadence, and the
cadence each tag carries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QSpinBox, QTableWidget, QTableWidgetItem

from journal.errors import ChangedSince
from journal.writes import customers, preferences, settings

from ui.common import format as fmt
from ui.customers.dialogs import FormDialog


class SettingsDialog(FormDialog):
    def __init__(self, parent=None, on_saved=None):
        super().__init__("Settings", parent)
        self.setMinimumWidth(520)
        current = settings.get_settings()
        self.team = settings.each_persons_own()
        self.owner = QLineEdit(current.owner_name)
        self.signature = QPlainTextEdit(current.signature)
        self.signature.setFixedHeight(70)
        self.signature.setTabChangesFocus(True)
        if self.team:
            # On a team journal your name and signature are yours alone: the cards
            # you print are signed with them. First, under their own heading.
            self.yours = self._heading("Yours on this team journal")
            self.yours_hint = self._hint("Each person has their own; the cards you print are signed with yours."
                                         + ("" if settings.own_settings() else
                                            " Until you change them, these are the team's."))
            self.add_row("Your &name", self.owner, "owner_name")
            self.add_row("&Signature", self.signature, "signature")
            self.theirs = self._heading("The team's, shared by everyone")
        else:
            self.add_row("Your &name", self.owner, "owner_name")
        self.business = self.add_row("&Business", QLineEdit(current.business_name), "business_name")
        self.currency = QComboBox()
        own = fmt.system_currency()
        self.currency.addItem(f"As the system's ({own})" if own else "None: your system names none, amounts show no sign", "")
        for code, label in fmt.currencies():
            self.currency.addItem(label, code)
        self.currency.setCurrentIndex(max(self.currency.findData(current.currency), 0))
        self.add_row("&Currency", self.currency, "currency")
        if not self.team:
            self.add_row("&Signature", self.signature, "signature")
        self.cadence = QSpinBox(minimum=1, maximum=3650, suffix=" days", value=current.default_cadence_days)
        self.add_row("Stay in touch e&very", self.cadence, "default_cadence_days")
        self._hint("A customer's own cadence wins, then the shortest cadence of their tags, then this one.")
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

    def _heading(self, text: str) -> QLabel:
        heading = QLabel(text)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.form.addRow(heading)
        return heading

    def _hint(self, text: str) -> QLabel:
        hint = QLabel(text)
        hint.setWordWrap(True)
        # As wide as the fields above it: a form leaves a label at its own narrow guess otherwise.
        hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.form.addRow("", hint)
        return hint

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_wrapped()

    def _fit_wrapped(self) -> None:
        """A wrapped hint or message keeps the lines it needs at its width (a form
        sizes it as one line, and on a short screen squeezes it with the tag table,
        cutting its words): the table gives way."""
        for label in self.findChildren(QLabel):
            if not label.wordWrap():
                continue
            need = 0
            if label.isVisibleTo(self):
                box = label.parentWidget()  # a field's message: as wide as its field, even before it is laid out
                width = box.contentsRect().width() if box is not self and box.layout() is not None else label.width()
                need = max(label.heightForWidth(width), 0)
            if label.minimumHeight() != need:  # (a message gone, or shorter: no room kept for the old one)
                label.setMinimumHeight(need)

    def _values(self) -> tuple[dict, dict]:
        return (dict(owner_name=self.owner.text(), business_name=self.business.text(),
                     currency=self.currency.currentData(), signature=self.signature.toPlainText(),
                     default_cadence_days=self.cadence.value(), backups_kept=self.kept.value()),
                {self.tags.item(row, 0).text(): self.tags.item(row, 1).text() for row in range(self.tags.rowCount())})

    def _save(self):
        # Only what the person changed, each as the dialog showed it: a colleague's
        # change to another setting meanwhile stays as they made it, and one to the
        # same setting refuses the save (said under its field), never overwritten unseen.
        values, tags = self._values()
        opened, opened_tags = self._opened
        self._sent = {k: v for k, v in values.items() if v != opened[k]}
        preferences.save_settings(self._sent, {k: v for k, v in tags.items() if v != opened_tags.get(k)},
                                  expected={k: opened[k] for k in self._sent})
        if self.on_saved:
            self.on_saved()

    def accept(self):
        try:
            super().accept()
        except ChangedSince as refusal:  # nothing was saved: the dialog stays open and says why
            self._refused(refusal, self._sent)
        else:
            if self.isVisible():  # a value refused (ValidationError): its message, whole
                self._fit_wrapped()

    def _refused(self, refusal: ChangedSince, changed: dict) -> None:
        """A colleague changed a setting being changed here: theirs is named under
        its field, the person's typing stays, and saving again puts it in place of
        theirs (now seen). The settings the person left alone show theirs."""
        now = settings.get_settings()
        values = self._values()[0]
        opened = dict(self._opened[0])
        for key in values:
            if key not in changed:
                self._show(key, getattr(now, key))
            opened[key] = getattr(now, key)
        self._opened = (opened, self._opened[1])
        fields = getattr(refusal, "fields", ()) or ("",)
        keep = "Yours is still here: save again to put it in place of theirs, or Cancel to keep theirs."
        widget = self.errors.show_message(fields[0], f"{refusal} {keep}")
        if widget is not None:
            widget.setFocus()
        self._fit_wrapped()
        self.adjustSize()

    def _show(self, key: str, value) -> None:
        """A setting the person did not change, shown as it now is."""
        if key == "owner_name":
            self.owner.setText(value)
        elif key == "business_name":
            self.business.setText(value)
        elif key == "signature":
            self.signature.setPlainText(value)
        elif key == "currency":
            self.currency.setCurrentIndex(max(self.currency.findData(value), 0))
        elif key == "default_cadence_days":
            self.cadence.setValue(value)
        elif key == "backups_kept":
            self.kept.setValue(value)
