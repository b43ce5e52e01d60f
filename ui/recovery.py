"""When a journal cannot be trusted: say what is wrong and which backups exist,
and offer to restore the newest good one or to open another file. Also the
dialog that restores a chosen backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QVBoxLayout,
)

from journal import backups

RESTORE, OTHER, QUIT = "restore", "other", "quit"


def choose_recovery(parent, journal_path: Path, problem: str) -> tuple[str, object]:
    """Ask what to do about a damaged journal: (RESTORE, Backup), (OTHER, Path) or (QUIT, None)."""
    found = backups.list_backups(journal_path)
    good = backups.newest_sound_backup(journal_path)
    lines = [f"<p>{problem}</p>", "<p>The file has not been changed.</p>"]
    if found:
        listed = "".join(f"<li>{b.label}</li>" for b in found[:5])
        more = f"<li>… and {len(found) - 5} older</li>" if len(found) > 5 else ""
        lines.append(f"<p>Backups in {backups.backups_dir(journal_path)}:</p><ul>{listed}{more}</ul>")
    else:
        lines.append("<p>There are no backups of this journal yet.</p>")
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("The journal cannot be opened safely")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText("\n".join(lines))
    restore = (box.addButton(f"Restore the backup from {good.label}", QMessageBox.ButtonRole.AcceptRole)
               if good else None)
    other = box.addButton("Open another journal…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Quit" if parent is None else "Close", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return RESTORE, good
    if clicked is other:
        path, _ = QFileDialog.getOpenFileName(parent, "Open journal", str(Path(journal_path).parent),
                                              "Lately journals (*.sqlite3 *.db);;All files (*)")
        return (OTHER, Path(path)) if path else (QUIT, None)
    return QUIT, None


class RestoreDialog(QDialog):
    """Pick a backup to put in place of the journal."""

    def __init__(self, journal_path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.setMinimumWidth(460)
        self.list = QListWidget()
        for backup in backups.list_backups(journal_path):
            item = QListWidgetItem(f"{backup.label}   ·   {backup.size / 1_048_576:.1f} MB")
            item.setData(Qt.ItemDataRole.UserRole, backup)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        explain = QLabel("Your journal as it is now is backed up first, so restoring can itself be undone "
                         "by restoring that backup.")
        explain.setWordWrap(True)
        empty = QLabel("There are no backups yet. Use File › Back up now to make one.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(self.list.count() > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.list if self.list.count() else empty)
        layout.addWidget(explain)
        layout.addWidget(buttons)
        from .forms import buttons_left_to_right, chain_tabs

        if self.list.count():  # (with no backups the list is not shown)
            chain_tabs(self.list, *buttons_left_to_right(buttons))  # "Restore" was added after "Cancel"
            self.list.setFocus()

    def chosen(self) -> backups.Backup | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
