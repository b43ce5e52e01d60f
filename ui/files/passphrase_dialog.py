"""Asking for a journal's passphrase: to open a protected journal, to protect
one, to change the passphrase and to remove the protection. What is typed is
never shown, copied, saved as a draft or written anywhere; a wrong passphrase
is said so beside the field and the dialog asks again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from journal.storage import crypto
from journal.errors import JournalDamaged, JournalError

from ui.common.forms import ErrorLabel, buttons_left_to_right, chain_tabs

MISMATCH = "The two passphrases are not the same."
TOO_SHORT = f"A passphrase needs at least {crypto.MIN_PASSPHRASE} characters."
LOST_FOR_GOOD = ("If the passphrase is forgotten, nobody can open the journal or its backups again — "
                 "not you, not Lately. Write it down and keep it somewhere safe.")


def _secret_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)  # also refuses copying and dragging the text out
    field.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
                              | Qt.InputMethodHint.ImhNoPredictiveText)
    return field


class PassphraseDialog(QDialog):
    """The current passphrase, a new one typed twice, or both. `check(current)`
    raises JournalError (a wrong passphrase) to keep the dialog open."""

    def __init__(self, parent, title: str, intro: str, accept_text: str, *, current: bool = False,
                 new: bool = False, check=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self._check = check
        text = QLabel(intro)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout()
        self.current = self.new = self.repeat = None
        if current:
            self.current = self._row(form, "&Passphrase" if not new else "&Current passphrase")
        if new:
            self.new = self._row(form, "&New passphrase" if current else "&Passphrase")
            self.repeat = self._row(form, "&Repeat it")
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.accept_button = self.buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.accept_button.setDefault(True)  # once in the dialog: Enter in a field means this, not Cancel
        # Tab from the last field to the button drawn next (Protect, Open, …), not to Cancel, which
        # was made first: Enter there cancelled without a word.
        chain_tabs(*self.fields(), *buttons_left_to_right(self.buttons))
        for field in self.fields():
            field.textEdited.connect(lambda _: self.error.clear_message())
        self.fields()[0].setFocus()

    def _row(self, form: QFormLayout, label: str) -> QLineEdit:
        field = _secret_field()
        caption = QLabel(label)
        caption.setBuddy(field)
        form.addRow(caption, field)
        return field

    def fields(self) -> list[QLineEdit]:
        return [f for f in (self.current, self.new, self.repeat) if f is not None]

    def _refuse(self, field: QLineEdit, message: str) -> None:
        self.error.show_message(message)
        self.adjustSize()  # room for the message without squeezing the text above
        field.setFocus()
        field.selectAll()

    def accept(self):
        if self.current is not None and not self.current.text():
            return self._refuse(self.current, "Type the passphrase.")
        if self._check is not None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the key takes a moment to derive
            try:
                self._check(self.current.text())
            except JournalError as error:
                return self._refuse(self.current, str(error))
            finally:
                QApplication.restoreOverrideCursor()
        if self.new is not None:
            if len(self.new.text()) < crypto.MIN_PASSPHRASE:
                return self._refuse(self.new, TOO_SHORT)
            if self.repeat.text() != self.new.text():
                return self._refuse(self.repeat, MISMATCH)
        super().accept()

    def answer(self, *wanted) -> tuple | None:
        """Run the dialog; the texts of `wanted` fields if accepted. Either way the
        fields are emptied and the dialog goes, so no typed passphrase outlives it."""
        accepted = self.exec() == QDialog.DialogCode.Accepted
        texts = tuple(field.text() for field in wanted)
        for field in self.fields():
            field.clear()
        self.deleteLater()
        return texts if accepted else None


def _where(path: Path) -> str:
    return f"<b>{Path(path).name}</b><br><small>{Path(path).parent}</small>"


def ask_to_unlock(parent, path: Path) -> bool:
    """Ask for the passphrase of the encrypted journal at `path` until it opens it
    (the passphrase is then known for this session) or the user cancels."""
    def check(typed: str):
        try:
            crypto.unlock(path, typed)
        except JournalDamaged:
            pass  # the passphrase is right; opening the journal then offers its backups

    dialog = PassphraseDialog(
        parent, "Open a protected journal",
        f"<p>{_where(path)}</p><p>This journal is protected with a passphrase. Type it to open the journal.</p>",
        "Open", current=True, check=check)
    return dialog.answer() is not None


def unlock_if_needed(parent, path: Path) -> bool:
    """True when the journal at `path` can be opened now: it is not encrypted,
    its passphrase is known, or the user just gave it."""
    return not crypto.needs_passphrase(path) or ask_to_unlock(parent, path)


def ask_to_protect(parent, path: Path, backups: int) -> str | None:
    also = f" and its {backups} backup{'s' if backups != 1 else ''}" if backups else ""
    dialog = PassphraseDialog(
        parent, "Protect the journal with a passphrase",
        f"<p>{_where(path)}</p>"
        f"<p>Lately will encrypt this journal{also}, so that the files mean nothing to anyone who copies "
        "them, finds a backup or takes the computer without the passphrase. You will type it each time "
        f"you open the journal.</p><p><b>{LOST_FOR_GOOD}</b></p>",
        "Protect", new=True)
    answer = dialog.answer(dialog.new)
    return answer[0] if answer else None


def _must_open(path: Path):
    def check(typed: str):
        if not crypto.opens(path, typed):
            raise crypto.WrongPassphrase()
    return check


def ask_to_change(parent, path: Path) -> tuple[str, str] | None:
    dialog = PassphraseDialog(
        parent, "Change the passphrase",
        f"<p>{_where(path)}</p><p>The journal and its backups will open with the new passphrase only.</p>"
        f"<p><b>{LOST_FOR_GOOD}</b></p>",
        "Change", current=True, new=True, check=_must_open(path))
    return dialog.answer(dialog.current, dialog.new)


def ask_to_remove(parent, path: Path) -> str | None:
    dialog = PassphraseDialog(
        parent, "Remove passphrase protection",
        f"<p>{_where(path)}</p><p>The journal and its backups will be stored unencrypted again: anyone "
        "who can read the files can read your customers' notes. Type the passphrase to confirm.</p>",
        "Remove protection", current=True, check=_must_open(path))
    answer = dialog.answer(dialog.current)
    return answer[0] if answer else None
