"""The question at start when quick capture left a note unsaved (a crash, a
kill, a power cut): continue it, or discard it.

Escape (and the title bar's close button) continues it. There is one draft,
kept under one key: a quick capture opened later for anything else saves its
own typing over it, so "not now" would lose the note as surely as Discard.
Continued, the note is open in quick capture, where it can be saved, and
where closing it asks before throwing typed text away. Nothing is lost by
pressing Escape, here or there."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def continue_draft(parent: QWidget, who: str) -> bool:
    """True to open the note in quick capture, False to discard it (only ever by the Discard button)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Continue your note?",
                      f"You were writing a note about {who} when Lately last closed. Continue it?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    box.setEscapeButton(QMessageBox.StandardButton.Yes)
    parent.draft_question = box  # reachable by tests
    box.exec()
    answer = box.standardButton(box.clickedButton()) if box.clickedButton() else QMessageBox.StandardButton.Yes
    parent.draft_question = None
    box.deleteLater()
    return answer != QMessageBox.StandardButton.Discard
