"""When a journal cannot be trusted: say what is wrong and which backups exist,
and offer to restore the newest good one or to open another file. Also the
dialog that restores a chosen backup."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import shiboken6
from peewee import DatabaseError
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QVBoxLayout,
)

from journal.storage import backups
from journal.errors import DiskFull

RESTORE, OTHER, QUIT, NEW = "restore", "other", "quit", "new"


def choose_recovery(parent, journal_path: Path, problem: str) -> tuple[str, object]:
    """Ask what to do about a damaged journal: (RESTORE, Backup), (OTHER, Path) or (QUIT, None)."""
    found = [b for b in backups.list_backups(journal_path) if not b.damaged]  # damaged copies are no help here
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
        path = ask_for_journal(parent, Path(journal_path).parent)
        return (OTHER, path) if path else (QUIT, None)
    return QUIT, None


def ask_for_journal(parent, folder: Path) -> Path | None:
    """File › Open's question, also asked when a journal cannot be opened: which journal file."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open journal", str(folder),
                                          "Lately journals (*.sqlite3 *.db);;All files (*)")
    return Path(path) if path else None


def choose_for_empty(parent, journal_path: Path) -> tuple[str, object]:
    """An empty (0-byte) journal file: (NEW, None) to start a new journal in it,
    (RESTORE, Backup), (OTHER, Path) or (QUIT, None).

    Never silently: a file chosen by name that turns out empty is as often a
    journal lost by a failed copy or sync as a file made on purpose, and a new
    journal put in its place would hide that. So say it, offer the newest sound
    backup first when there is one, and starting afresh in the file is a choice."""
    good = backups.newest_sound_backup(journal_path)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("The journal file is empty")
    box.setText(f"{Path(journal_path).name} is empty (0 bytes): it holds no journal.")
    box.setInformativeText(
        ("If it was your journal, it was lost before Lately opened it: the backup from "
         f"{good.label} holds it as it was then." if good else
         "If it was your journal, it was lost before Lately opened it, and there is no backup of it.")
        + f"\n\nThe file is in {Path(journal_path).parent}.")
    restore = (box.addButton(f"Restore the backup from {good.label}", QMessageBox.ButtonRole.AcceptRole)
               if good else None)
    new = box.addButton("Start a new journal in it", QMessageBox.ButtonRole.ActionRole)
    other = box.addButton("Open another journal…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Quit" if parent is None else "Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or other)  # never the one that makes the loss final by a stray Enter
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return RESTORE, good
    if clicked is new:
        return NEW, None
    if clicked is other:
        path = ask_for_journal(parent, Path(journal_path).parent)
        return (OTHER, path) if path else (QUIT, None)
    return QUIT, None


class RestoreDialog(QDialog):
    """Pick a backup to put in place of the journal."""

    def __init__(self, journal_path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.setMinimumWidth(460)
        self.list = QListWidget()
        for backup in backups.list_backups(journal_path):
            if backup.damaged:  # a copy of a journal that was already damaged is kept, never offered
                continue
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
        from ui.common.forms import buttons_left_to_right, chain_tabs

        if self.list.count():  # (with no backups the list is not shown)
            chain_tabs(self.list, *buttons_left_to_right(buttons))  # "Restore" was added after "Cancel"
            self.list.setFocus()

    def chosen(self) -> backups.Backup | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


# -- database errors met after start ------------------------------------------------------------
# The start checks only the header, so a damaged page can first be read by any view at any time.
# Whatever reads it, the error ends here: one place, installed once on the window, reached from
# Qt slots and overrides (through sys.excepthook, where PySide6 reports them) and from the
# background-task relay (ui/common/tasks.py). No view catches these errors itself.

# SQLite result codes (the low byte) that say "not the file's fault": busy, locked, read-only, full.
_NOT_DAMAGE = {5, 6, 8, 13}
_watch: DatabaseErrorWatch | None = None


def is_database_error(error: BaseException) -> bool:
    return isinstance(error, (DatabaseError, sqlite3.DatabaseError))


def is_damage(error: BaseException) -> bool:
    """A database error that says the file itself cannot be read as it should."""
    if not is_database_error(error) or isinstance(error, DiskFull):
        return False
    original = error.args[0] if error.args and isinstance(error.args[0], sqlite3.Error) else error
    code = getattr(original, "sqlite_errorcode", None)
    if code is None:
        return "busy" not in str(error).lower() and "locked" not in str(error).lower()
    return (code & 0xFF) not in _NOT_DAMAGE


class DatabaseErrorWatch(QObject):
    """Takes every database error nobody handled and offers the window's recovery
    (the same dialog as for damage found at open); other database errors get a
    named message. The process never ends on them."""

    def __init__(self, window=None):
        super().__init__()
        self.window = None
        self._offering = False
        self._previous = sys.excepthook
        sys.excepthook = self._hook
        if window is not None:
            self.attach(window)

    def attach(self, window):
        """Errors met before the window existed (while it loads) are offered once it does."""
        self.window = window
        window.destroyed.connect(self.uninstall)

    def uninstall(self, *_):
        global _watch
        if sys.excepthook == self._hook:
            sys.excepthook = self._previous
        if _watch is self:
            _watch = None

    def _hook(self, kind, value, traceback):
        if not self.met(value):
            self._previous(kind, value, traceback)

    def met(self, error: BaseException) -> bool:
        """True when `error` was a database error and is now being dealt with."""
        if not is_database_error(error):
            return False
        if self.window is not None and not shiboken6.isValid(self.window):  # its window is gone
            self.uninstall()
            return False
        if not self._offering:  # errors met while the dialog is up are the same damage
            self._offering = True
            QTimer.singleShot(0, self, lambda: self._offer(error))
        return True

    def _offer(self, error: BaseException):
        if self.window is None:  # not yet built: offered when the event loop runs, after it is
            QTimer.singleShot(0, self, lambda: self._offer(error))
            return
        try:
            if self.window.files.session.is_server:  # a server's error is not a damaged file
                return _server_error(self.window, error)
            name = self.window.journal_path.name
            if is_damage(error):
                self.window.recover(f"Lately could not read {name}: SQLite reports \u201c{error}\u201d. "
                                    "Part of the file is damaged.")
            else:
                QMessageBox.warning(self.window, "Lately", f"Lately could not read {name} ({error}). "
                                    "Nothing was changed; try again in a moment.")
        finally:
            self._offering = False


def watch_database_errors(window=None) -> DatabaseErrorWatch:
    """Route every unhandled database error to `window`'s recovery. Called before
    the window is built (then again with it), errors met while it loads are kept."""
    global _watch
    if _watch is not None and window is not None and _watch.window is None:
        _watch.attach(window)
        return _watch
    if _watch is not None:
        _watch.uninstall()
    _watch = DatabaseErrorWatch(window)
    return _watch


def stop_watching() -> None:
    if _watch is not None:
        _watch.uninstall()


def database_error_met(error: BaseException) -> bool:
    """For the background-task relay: True when the watch took `error`."""
    return _watch is not None and _watch.met(error)


def _server_error(window, error: BaseException) -> None:
    """A database error nobody handled, on a team journal: most often the
    connection to the server was lost. Nothing to recover on this computer."""
    from journal.storage import team

    where = team.place(window.files.session.location).title
    if team.is_connection_lost(error):
        said = team.lost_message(window.files.session.location, error, saving=False)
        box = QMessageBox(QMessageBox.Icon.Warning, "Lately", said, parent=window)
        box.setDetailedText(team.lost_details(error))  # the server's own words, behind Show Details
        retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setDefaultButton(retry)
        window.lost_connection_box = box  # reachable by tests
        box.exec()
        window.lost_connection_box = None
        if box.clickedButton() is retry:  # the views read again, which connects again (or says it is still away)
            QTimer.singleShot(0, window, lambda: window.events.changed.emit(None))
        return
    QMessageBox.warning(window, "Lately", f"The team journal {where} did not "
                        f"answer as it should ({' '.join(str(error).split())}). What was not saved is still on screen. If "
                        "the connection was lost, check the network, then connect again (File › Connect to a "
                        "team journal…).")
