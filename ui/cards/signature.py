"""The owner's signature on the cards: said plainly while it is empty (or, on
a team journal, still the team's rather than the person's own), with where to
set it, and asked about before cards go to print unsigned (never a print
refused without a word). On a team journal it is the person's own: the cards
are signed by whoever prints them (journal/writes/settings.py, PERSONAL)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from journal.writes import settings

from ui.common import format as fmt

WHERE = "Set it in Edit › Settings… (Signature), or with Set signature… here."
PRINT, SIGN_FIRST, CANCEL = "print", "sign first", "cancel"


def unsigned_words() -> str:
    """What to tell the owner about their signature; "" when it is set, or when
    the card template does not use it."""
    own = settings.get_settings()
    if "signature" not in own.card_template:
        return ""
    if own.signature.strip():
        if settings.each_persons_own() and "signature" not in settings.own_settings():
            # A team journal: each person signs with their own; this one has not set theirs yet.
            return ("The cards are signed with the team's signature, not one of your own. Set yours in "
                    "Edit › Settings… (Signature), or with Set signature… here.")
        return ""
    name = own.owner_name.strip()
    ending = f"so the cards end with your name alone, “{name}”" if name else "so the cards end unsigned"
    return f"Your signature is empty, {ending}. {WHERE}"


def edit(parent: QWidget, then) -> None:
    """The settings, with the keys in the signature; `then()` once they are saved."""
    from ui.window.settings_dialog import SettingsDialog

    def saved():
        fmt.install(settings.get_settings().currency)  # as the main window does: it may have changed too
        then()

    dialog = SettingsDialog(parent, on_saved=saved)
    # Once shown: the form puts the keys in its first field as it opens.
    QTimer.singleShot(0, dialog.signature, dialog.signature.setFocus)
    dialog.exec()
    dialog.deleteLater()


def ask_before_printing(parent: QWidget) -> str:
    """PRINT when the cards are signed (by the signature, or the owner's name,
    which the window already says), else what the owner chose: to set the
    signature first, to print unsigned, or to cancel."""
    own = settings.get_settings()
    if own.signature.strip() or "signature" not in own.card_template or own.owner_name.strip():
        return PRINT
    box = QMessageBox(QMessageBox.Icon.Question, "The cards are not signed",
                      "Your signature is empty, so the cards end unsigned.", parent=parent)
    box.setInformativeText("Set your signature now (it is kept in Edit › Settings…), or print the cards as they are?")
    sign = box.addButton("Set si&gnature…", QMessageBox.ButtonRole.ActionRole)
    anyway = box.addButton("Print &unsigned", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(sign)
    parent.signature_question = box  # reachable by tests
    box.exec()
    return SIGN_FIRST if box.clickedButton() is sign else PRINT if box.clickedButton() is anyway else CANCEL
