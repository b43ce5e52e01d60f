"""Thank-you cards: pick an occasion, read and edit one personal message per
recipient, print or export them, then mark them as sent."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QTextBrowser, QVBoxLayout,
)

from journal.rules import cards
from journal.writes import drafts, settings
from journal.errors import JournalError, ValidationError
from journal.rules import words

from ui.common import format as fmt

from ui.common import theme
from ui.cards import signature
from ui.cards.card_printing import CARD_SIZES, CARDS, LIST, draw, page_layout, write_pdf
from ui.capture.capture import from_qdate
from ui.common.forms import DateEdit, ErrorLabel, buddy_label, chain_tabs, hbox, vbox
from ui.common.empty_hint import EmptyHint
from ui.common.pickers import CustomerPicker
from ui.common.tasks import run_in_background, run_with_progress


class TemplateDialog(QDialog):
    """Edit the card template; unknown placeholders are refused before saving."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Card template")
        screen = self.screen().availableGeometry() if self.screen() else None
        # The template beside the placeholders, the template the larger: never taller than a laptop's screen.
        self.resize(min(940, int(screen.width() * 0.9)) if screen else 940,
                    min(620, int(screen.height() * 0.85)) if screen else 620)
        self.editor = QPlainTextEdit(settings.get_settings().card_template)
        self.editor.setTabChangesFocus(True)
        help_text = "".join(f"<p><code>{{{{ {k} }}}}</code> — {v}</p>" for k, v in cards.PLACEHOLDERS.items())
        self.placeholders = QTextBrowser()
        self.placeholders.document().setDefaultStyleSheet("p { margin-top: 0; margin-bottom: 6px; }")
        self.placeholders.setHtml(help_text)
        self.placeholders.setAccessibleName("Placeholders you can use")
        self.placeholders.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes from the template to the buttons
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addWidget(vbox(buddy_label("The &message of every card", self.editor), (self.editor, 1)), 3)
        columns.addWidget(vbox(QLabel("Placeholders you can use"), (self.placeholders, 1)), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.editor.setFocus()

    def accept(self):
        text = self.editor.toPlainText()
        try:
            cards.check_template(text)
            settings.update_settings(card_template=text)
        except ValidationError as error:
            self.error.show_message(str(error))
            return
        super().accept()


def _record_directly(chosen, done, failed, cancelled):
    """Record cards as sent here and now (the window records them off the GUI thread, undoably)."""
    try:
        written = cards.mark_sent(chosen).written
    except JournalError as error:
        failed(error)
    else:
        done(written)


def _thanks_for(card: cards.Card) -> tuple:
    """A card's identity across a send and its undo: who, why, and for what."""
    return card.customer_id, card.occasion, tuple(card.purchase_ids), tuple(card.connection_ids)


class CardsWindow(QDialog):
    sent = Signal(int)  # how many cards were recorded

    def __init__(self, parent=None, record_sent=None):
        """`record_sent(cards, done, failed, cancelled)` records cards as sent and
        calls done(how many were new), failed(error) or cancelled(); the main
        window does it off the GUI thread, as an undoable command."""
        super().__init__(parent)
        self._record_sent = record_sent or _record_directly
        self._sent_edits: dict[tuple, cards.Card] = {}  # hand-written cards recorded as sent, by what they thank for
        self.setWindowTitle("Thank-you cards")
        self.resize(1000, 680)
        self.cards: list[cards.Card] = []
        self._generation = 0  # of rebuild(): only the newest one's cards are shown
        self._building = False  # a rebuild is under way
        self._wanted = None  # the customer whose card to select once the list is shown (show_customer)
        # Messages written by hand, by (customer, occasion), and the hand selection are
        # kept in the journal as they are typed, until the cards are recorded as sent:
        # closing the window, or a crash, loses none of them.
        saved = drafts.load_draft(drafts.THANK_YOU_CARDS) or {}
        self._written: dict[tuple[int, str], str] = {
            (int(cid), str(occasion)): str(text) for cid, occasion, text in saved.get("messages", [])}
        self.hand_picked: list[int] = [int(cid) for cid in saved.get("hand_picked", [])]
        self._draft_timer = QTimer(self, singleShot=True, interval=400)
        self._draft_timer.timeout.connect(self._keep_draft)

        self.occasion = QComboBox()
        for key, label in cards.OCCASIONS.items():
            self.occasion.addItem(label, key)
        self.start = DateEdit(QDate.currentDate().addDays(-30), calendarPopup=True, displayFormat=fmt.date_format())
        self.end = DateEdit(QDate.currentDate(), calendarPopup=True, displayFormat=fmt.date_format())
        self.picker = CustomerPicker()
        self.add_button = QPushButton("&Add")
        self.add_button.clicked.connect(self._add_picked)
        self.picker.returnPressed.connect(self._add_picked)
        self.picker.picked.connect(self._add_picked)
        template = QPushButton("&Template…")
        template.clicked.connect(self.edit_template)
        top = QHBoxLayout()
        top.addWidget(buddy_label("&Occasion", self.occasion))
        top.addWidget(self.occasion)
        self.in_range = QCheckBox("Only those &bought")
        self.in_range.toggled.connect(self.start.setEnabled)
        self.in_range.toggled.connect(self.end.setEnabled)
        self.in_range.toggled.connect(self.rebuild)
        self.start.setEnabled(False)
        self.end.setEnabled(False)
        self.range_box = hbox(self.in_range, buddy_label("bet&ween", self.start), self.start,
                              buddy_label("a&nd", self.end), self.end, stretch_end=False)
        top.addWidget(self.range_box)
        self.hand_box = hbox(buddy_label("&Customer", self.picker), (self.picker, 1), self.add_button, stretch_end=False)
        top.addWidget(self.hand_box, 1)
        top.addStretch(0)
        top.addWidget(template)

        self.recipients = QListWidget()
        self.recipients.currentRowChanged.connect(self._show_card)
        self.recipients_hint = EmptyHint(self.recipients)  # an empty list says what to do, not a blank box
        self.count = QLabel()
        self.warning = QLabel(wordWrap=True)
        self._recolour()
        theme.notifier().changed.connect(self._recolour)  # View › Appearance while the window is open
        self.message = QPlainTextEdit()
        self.message.setTabChangesFocus(True)  # a card has no use for tab characters; Tab leaves, as everywhere
        self.message.textChanged.connect(self._message_edited)
        self.card_title = QLabel()
        self.edited_note = QLabel()
        splitter = QSplitter()
        splitter.addWidget(vbox(hbox(buddy_label("&Recipients", self.recipients), self.count),
                                (self.recipients, 1), self.warning))
        splitter.addWidget(vbox(buddy_label("&Message", self.message), self.card_title, (self.message, 1),
                                self.edited_note))
        splitter.setSizes([340, 660])

        self.size = QComboBox()
        self.size.addItems(list(CARD_SIZES))
        self.error = ErrorLabel()
        # Said while the signature is empty, with the way to set it: the cards would
        # otherwise end with the owner's bare name, or with nothing at all.
        self.unsigned = QLabel(wordWrap=True)
        self.sign_button = QPushButton("Set si&gnature…")
        self.sign_button.clicked.connect(self.edit_signature)
        self.unsigned_box = hbox((self.unsigned, 1), self.sign_button, stretch_end=False)
        bottom = QHBoxLayout()
        bottom.addWidget(buddy_label("Card si&ze", self.size))
        bottom.addWidget(self.size)
        bottom.addStretch(1)
        self.buttons = {}
        for key, text in (("preview", "Print pre&view…"), ("print", "&Print…"), ("pdf", "Cards as P&DF…"),
                          ("list_pdf", "&List as PDF…"), ("csv", "CSV for ma&il merge…"), ("sent", "Mark as &sent")):
            button = QPushButton(text)
            button.clicked.connect(getattr(self, f"do_{key}"))
            self.buttons[key] = button
            bottom.addWidget(button)
        self.buttons["sent"].setDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.unsigned_box)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        chain_tabs(self.occasion, self.in_range, self.start, self.end, self.picker, self.add_button, template,
                   self.recipients, self.message, self.sign_button, self.size, *self.buttons.values())
        self.occasion.setFocus()

        self.occasion.currentIndexChanged.connect(self.rebuild)
        self.start.dateChanged.connect(self.rebuild)
        self.end.dateChanged.connect(self.rebuild)
        self.rebuild()

    def _recolour(self, *_):
        """The address warning and the cards without an address, in the red of the scheme in use."""
        red = theme.color("overdue")
        self.warning.setStyleSheet(f"color: {red.name()};")
        shown = getattr(self, "cards", [])
        for row in range(min(self.recipients.count(), len(shown))):
            if not shown[row].has_address:
                self.recipients.item(row).setForeground(red)

    # -- building the list --------------------------------------------------------------------------
    def current_occasion(self) -> str:
        return self.occasion.currentData()

    def set_occasion(self, key: str) -> None:
        self.occasion.setCurrentIndex(self.occasion.findData(key))

    def show_customer(self, customer_id: int) -> None:
        """Select this customer's card, once the list being built is shown (the
        cards are written off the GUI thread); if the occasion has no card for
        them, they are added by hand."""
        self._wanted = customer_id
        if not self._building:
            self._select_wanted()

    def _select_wanted(self) -> None:
        wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        row = next((n for n, card in enumerate(self.cards) if card.customer_id == wanted), None)
        if row is not None:
            self.recipients.setCurrentRow(row)
        elif wanted not in self.hand_picked or self.current_occasion() != cards.HAND:
            self._wanted = wanted  # selected once the hand-picked list is shown
            self.add_customer(wanted)

    def add_customer(self, customer_id: int) -> None:
        """Add someone to the hand selection (from the Lately panel, say)."""
        if customer_id not in self.hand_picked:
            self.hand_picked.append(customer_id)
            self._draft_timer.start()
        if self.current_occasion() != cards.HAND:
            self.set_occasion(cards.HAND)
        else:
            self.rebuild()

    def _add_picked(self):
        try:
            self.add_customer(self.picker.customer_id())
            self.picker.clear()
            self.error.clear_message()
        except ValidationError as error:
            self.error.show_message(str(error))

    def rebuild(self):
        """Find the recipients and write their cards off the GUI thread: at tens
        of thousands of customers that takes seconds, and the window stays
        responsive meanwhile. A newer rebuild makes an older one's result moot."""
        occasion = self.current_occasion()
        self.range_box.setVisible(occasion == cards.PURCHASES)
        self.hand_box.setVisible(occasion == cards.HAND)
        limited = self.in_range.isChecked()
        start = from_qdate(self.start.date()) if limited else None
        end = from_qdate(self.end.date()) if limited else None
        hand_picked = list(self.hand_picked)
        self._generation += 1
        generation = self._generation
        self._building = True
        # The last occasion's cards leave at once: never a list or a letter under another occasion's name.
        self.cards = []
        self.recipients.clear()
        self.recipients_hint.set_text("")
        self.warning.clear()
        self._show_card(-1)
        self.count.setText("Finding whom to thank\u2026")
        self._say_if_unsigned()
        for button in self.buttons.values():
            button.setEnabled(False)

        def build():
            return cards.build_cards(occasion, start=start, end=end, customer_ids=hand_picked)

        def built(result):
            if generation == self._generation:
                self.error.clear_message()
                self._show_cards(result)

        def failed(error):
            if generation != self._generation:
                return
            if isinstance(error, ValidationError):
                self.error.show_message(f"{error} \u2014 fix the template (Template\u2026) to make the cards.")
            else:
                self.error.show_message(f"Could not prepare the cards: {error}")
            self._show_cards([])

        run_in_background(build, built, failed, owner=self)

    def _show_cards(self, built: list[cards.Card]):
        self._building = False
        self.cards = [self._with_written_message(card) for card in built]
        self._fill_list()
        self._select_wanted()

    def _with_written_message(self, card: cards.Card) -> cards.Card:
        """A message written by hand stays with its card while the list is rebuilt,
        across restarts, and comes back when recording the card as sent is undone."""
        key = (card.customer_id, card.occasion)
        unsent = self._sent_edits.pop(_thanks_for(card), None)
        if unsent is not None:
            self._written[key] = unsent.message
            self._draft_timer.start()
        if key in self._written:
            return replace(card, message=self._written[key], edited=True)
        return card

    def _keep_draft(self):
        self._draft_timer.stop()
        messages = [[cid, occasion, text] for (cid, occasion), text in self._written.items()]
        try:
            if messages or self.hand_picked:
                drafts.save_draft(drafts.THANK_YOU_CARDS, {"messages": messages, "hand_picked": self.hand_picked})
            else:
                drafts.discard_draft(drafts.THANK_YOU_CARDS)
        except Exception as exc:  # noqa: BLE001 - a draft that cannot be saved must not stop typing
            self.error.show_message(f"Could not keep your hand-written messages: {exc}")

    def done(self, result):
        self._generation += 1  # a rebuild still under way has no window to show its cards in
        if self._draft_timer.isActive():
            self._keep_draft()
        super().done(result)

    def _fill_list(self):
        self.recipients.blockSignals(True)
        self.recipients.clear()
        for card in self.cards:
            item = QListWidgetItem(card.name if card.has_address else f"⚠ {card.name} — no postal address")
            if not card.has_address:
                item.setForeground(theme.color("overdue"))
            self.recipients.addItem(item)
        self.recipients.blockSignals(False)
        missing = [c.name for c in self.cards if not c.has_address]
        self.count.setText(words.plural(len(self.cards), "card") if self.cards else "No one to thank for this occasion.")
        self.recipients_hint.set_text("Type a customer's name above, then Add." if self.current_occasion() == cards.HAND
                                      else "No one to thank for this occasion.\nChoose another occasion above.")
        self.warning.setText(f"{words.number(len(missing))} without a postal address: {', '.join(missing[:6])}"
                             f"{'…' if len(missing) > 6 else ''}" if missing else "")
        self._enable_buttons()
        if self.cards:
            self.recipients.setCurrentRow(0)
        else:
            self._show_card(-1)

    def _enable_buttons(self):
        for button in self.buttons.values():
            button.setEnabled(bool(self.cards))

    def _show_card(self, row: int):
        self.message.blockSignals(True)
        if 0 <= row < len(self.cards):
            card = self.cards[row]
            self.card_title.setText(f"<b>{card.name}</b><br>{card.address.replace(chr(10), ', ') or 'No address'}")
            self.message.setPlainText(card.message)
            self.message.setEnabled(True)
            self.edited_note.setText("Edited by hand" if card.edited else "")
        else:
            self.card_title.clear()
            self.message.clear()
            self.message.setEnabled(False)
            self.edited_note.clear()
        self.message.blockSignals(False)

    def _message_edited(self):
        row = self.recipients.currentRow()
        if 0 <= row < len(self.cards):
            card = self.cards[row]
            card.message, card.edited = self.message.toPlainText(), True
            self.edited_note.setText("Edited by hand")
            self._written[(card.customer_id, card.occasion)] = card.message
            self._draft_timer.start()

    def edit_template(self):
        dialog = TemplateDialog(self)
        if dialog.exec():
            try:
                self.cards = cards.rerender(self.cards, settings.get_settings().card_template)
            except ValidationError as error:
                self.error.show_message(str(error))
            self._fill_list()

    # -- the signature ------------------------------------------------------------------------------------
    def _say_if_unsigned(self) -> None:
        said = signature.unsigned_words()
        self.unsigned.setText(said)
        self.unsigned_box.setVisible(bool(said))

    def edit_signature(self) -> None:
        """The settings, with the keys in the signature; the cards are written again with it."""
        signature.edit(self, self.rebuild)

    def _confirm_signature(self) -> bool:
        answer = signature.ask_before_printing(self)
        if answer == signature.SIGN_FIRST:
            self.edit_signature()  # the cards are written again with it: look, then print
        return answer == signature.PRINT

    # -- printing and exporting --------------------------------------------------------------------------
    def _confirm_addresses(self) -> bool:
        missing = [c.name for c in self.cards if not c.has_address]
        if not missing:
            return True
        answer = QMessageBox.question(
            self, "Some cards have no address",
            f"{words.number(len(missing))} of {words.plural(len(self.cards), 'card')} {words.noun(len(missing), 'has', 'have')} no postal address ({', '.join(missing[:5])}"
            f"{'…' if len(missing) > 5 else ''}). Continue anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _printer(self, kind=CARDS) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout(kind, self.size.currentText()))
        return printer

    def do_preview(self):
        if not self._confirm_signature() or not self._confirm_addresses():
            return
        # Kept: the dialog paints on this printer long after this line, and a QPrinter has
        # no parent to hold it, so Python would free it under the dialog (a crash on a desktop).
        self.preview_printer = self._printer()
        dialog = QPrintPreviewDialog(self.preview_printer, self)
        self.preview_dialog = dialog  # reachable by tests
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:  # Qt's own size shows a card the size of a stamp: most of the screen instead
            dialog.resize(min(1100, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))
        dialog.paintRequested.connect(lambda printer: draw(printer, self.cards, CARDS))
        dialog.exec()

    def do_print(self):
        if not self._confirm_signature() or not self._confirm_addresses():
            return
        printer = self._printer()
        if QPrintDialog(printer, self).exec():
            draw(printer, self.cards, CARDS)

    def _pdf(self, kind, name):
        if (kind == CARDS and not self._confirm_signature()) or not self._confirm_addresses():
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save as PDF", str(Path.home() / name), "PDF (*.pdf)")
        if not path:
            return
        snapshot, size = list(self.cards), self.size.currentText()
        self.pdf_task = run_with_progress(
            self, "Writing the PDF…", lambda progress: write_pdf(Path(path), snapshot, kind, size, progress),
            lambda written: self.error.clear_message() or self._told(f"Saved {written}"),
            lambda error: self.error.show_message(str(error)),
            on_cancelled=lambda: self._told("Cancelled; no PDF was written."))

    def do_pdf(self):
        self._pdf(CARDS, "thank-you-cards.pdf")

    def do_list_pdf(self):
        self._pdf(LIST, "thank-you-card-list.pdf")

    def do_csv(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save for mail merge", str(Path.home() / "thank-you-cards.csv"),
                                              "CSV (*.csv)")
        if path:
            try:
                cards.export_csv(self.cards, Path(path))
                self._told(f"Saved {path}")
            except JournalError as error:
                self.error.show_message(str(error))

    def do_sent(self):
        answer = QMessageBox.question(
            self, "Mark as sent?", f"Record {words.plural(len(self.cards), 'card')} as sent today? Each goes on the customer's "
            "timeline and the purchases and referrals it thanks for are marked thanked.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        # Kept first: recording refreshes the list, and the list then no longer holds them.
        sent = list(self.cards)
        edited = {_thanks_for(c): c for c in sent if c.edited}

        def recorded(written):
            self._sent_edits.update(edited)
            self.sent.emit(written)
            self._told(f"Recorded {words.plural(written, 'card')} as sent")
            for card in sent:
                self._written.pop((card.customer_id, card.occasion), None)
            self.hand_picked = []
            self._keep_draft()
            self.rebuild()

        def failed(error):
            if isinstance(error, JournalError):
                self.error.show_message(str(error))
            else:
                self.error.show_message(f"Could not record the cards as sent ({error}). Nothing was recorded.")
            self._enable_buttons()

        def cancelled():
            self.error.show_message("Cancelled: no card was recorded as sent.")
            self._enable_buttons()

        for button in self.buttons.values():
            button.setEnabled(False)  # until the recording reports back: not twice
        self._record_sent(sent, recorded, failed, cancelled)

    def _told(self, text: str):
        self.error.show_message(text, tone="success")
