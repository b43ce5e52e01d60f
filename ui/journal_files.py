"""The main window's journal-wide actions: opening another journal or the
demo, the background integrity check and recovery, backups and restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from journal import db
from journal.errors import JournalEmpty, JournalError
from journal import words

from . import team_mode
from .tasks import run_in_background, run_with_progress, wait_for_background


class JournalFiles:
    """Mixed into MainWindow, whose journal_path, is_demo, lock, events,
    undo_stack and _load it uses."""

    def choose_journal(self):
        from .recovery import ask_for_journal

        path = ask_for_journal(self, self.journal_path.parent)
        if path:
            self.switch_journal(path)

    def create_journal(self):
        path, _ = QFileDialog.getSaveFileName(self, "New journal", str(self.journal_path.parent / "journal.sqlite3"),
                                              "Lately journals (*.sqlite3)")
        if path:
            if Path(path).exists():
                QMessageBox.warning(self, "Lately", f"{path} already exists. Choose a new name for a new journal.")
                return
            self.switch_journal(Path(path))

    def open_demo(self):
        self.switch_journal(db.demo_path(), demo=True)

    def switch_journal(self, path: Path, demo: bool = False, new_in_empty: bool = False):
        from .app import open_journal
        from .single_instance import JournalLock

        if Path(path).resolve() == self.journal_path.resolve():
            return
        lock = JournalLock(path)
        if not lock.acquire():
            QMessageBox.warning(self, "Lately", lock.cannot_write() or
                                f"{path} is already open in Lately ({lock.owner()}).")
            return
        if not self._unlock(path):  # a protected journal: its passphrase first; Cancel changes nothing
            lock.release()
            return
        previous, previous_demo = self.journal_path, self.is_demo
        wait_for_background()
        db.close()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            open_journal(path, demo=demo, new_in_empty=new_in_empty)
        except JournalError as error:
            QApplication.restoreOverrideCursor()
            lock.release()
            if self.team_location:  # back to the team journal it was on
                team_mode.reopen(previous, previous_demo, self.team_location, self.team_password)
            else:
                open_journal(previous, demo=previous_demo)
            if isinstance(error, JournalEmpty):
                self._empty_journal_chosen(Path(path), demo)
            else:
                QMessageBox.critical(self, "Could not open the journal", str(error))
            return
        QApplication.restoreOverrideCursor()
        if self.lock is not None:
            self.lock.release()
        self.lock = lock
        lock.listen()
        lock.raise_requested.connect(self.bring_to_front)
        self.journal_path, self.is_demo = Path(path), demo
        team_mode.left_team(self)
        self.undo_stack.clear()
        self.page_stack.setCurrentWidget(self.no_selection)
        self.page.customer_id = None
        self._load()
        self.journal_switched()

    def _empty_journal_chosen(self, path: Path, demo: bool):
        from journal import backups

        from .recovery import NEW, OTHER, RESTORE, choose_for_empty

        choice, value = choose_for_empty(self, path)
        if choice == NEW:
            self.switch_journal(path, demo, new_in_empty=True)
        elif choice == RESTORE:
            backups.restore(value, path)  # the empty file is kept aside, as a damaged one would be
            self.switch_journal(path, demo)
        elif choice == OTHER:
            self.switch_journal(value)

    def journal_switched(self):
        self.lately.refresh()
        self._update_protection_actions()

    def _check_integrity(self):
        def done(problem):
            if problem:
                self.recover(f"SQLite reports damage in {self.journal_path.name}: {problem}")

        run_in_background(db.integrity_problem, done, lambda exc: done(str(exc)))

    def recover(self, problem: str):
        from .recovery import OTHER, RESTORE, choose_recovery

        choice, value = choose_recovery(self, self.journal_path, problem)
        if choice == RESTORE:
            self.restore_from(value)
        elif choice == OTHER:
            self.switch_journal(value)

    # -- backups -------------------------------------------------------------------------------------
    def _keep(self) -> int:
        from journal import settings

        return settings.get_settings().backups_kept

    def _daily_backup(self):
        from journal import backups

        path, keep = self.journal_path, self._keep()
        run_in_background(lambda: backups.backup_if_due(path, keep),
                          lambda made: made and self.events.status.emit(f"Daily backup saved: {made.path.name}"),
                          self._backup_failed("The daily backup failed"))

    def _backup_failed(self, what: str):
        from journal.errors import JournalDamaged

        def failed(error):
            if isinstance(error, JournalDamaged):  # the copy found damage: the same recovery as at open
                self.recover(str(error))
            elif "cancelled" in str(error):
                self.events.status.emit("The backup was cancelled; nothing was changed.")
            else:
                self._show_error(f"{what}: {error}")
        return failed

    def backup_now(self):
        """A backup with progress and Cancel; the copy is checked before it counts."""
        from journal import backups

        if self.team_location:  # a snapshot of the server's journal, as a journal file
            return team_mode.back_up(self)
        path, keep = self.journal_path, self._keep()

        def work(progress):
            made = backups.make_backup(path, "manual", progress=progress)
            backups.prune(path, keep)
            return made

        self.backup_task = run_with_progress(  # reachable by tests
            self, "Backing up the journal…", work,
            lambda made: self.events.status.emit(f"Backed up to {made.path}"),
            self._backup_failed("The backup failed"),
            on_cancelled=lambda: self.events.status.emit("The backup was cancelled; nothing was written"))

    def choose_backup(self):
        from .recovery import RestoreDialog

        dialog = RestoreDialog(self.journal_path, self)
        if dialog.exec() and dialog.chosen():
            backup = dialog.chosen()
            answer = QMessageBox.question(
                self, "Restore this backup?",
                f"Put the backup from {backup.label} in place of your journal? "
                "Your journal as it is now is backed up first.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Yes:
                self.restore_from(backup)

    def restore_from(self, backup):
        from journal import backups

        from .app import open_journal

        wait_for_background()
        db.close()
        try:
            kept = backups.restore(backup, self.journal_path)
        except JournalError as error:
            open_journal(self.journal_path, demo=self.is_demo)
            self._show_error(str(error))
            return
        open_journal(self.journal_path, demo=self.is_demo)
        self.undo_stack.clear()
        self.page.customer_id = None
        self._load()
        self.journal_switched()
        where = f" The journal as it was is kept as {kept.name}." if kept else ""
        self.events.status.emit(f"Restored the backup from {backup.label}.{where}")


    # -- passphrase protection -----------------------------------------------------------------------
    def _unlock(self, path: Path) -> bool:
        from .passphrase_dialog import unlock_if_needed

        return unlock_if_needed(self, path)

    def _update_protection_actions(self):
        from journal import crypto

        protected = crypto.is_encrypted(self.journal_path)
        for action, shown in ((self.actions.protect, not protected), (self.actions.change_passphrase, protected),
                              (self.actions.remove_protection, protected)):
            action.setVisible(shown)
            action.setEnabled(shown)
        team_mode.update_actions(self)

    def protect_journal(self):
        from journal import backups

        from .passphrase_dialog import ask_to_protect

        passphrase = ask_to_protect(self, self.journal_path, len(backups.list_backups(self.journal_path)))
        if passphrase is not None:
            self._change_protection(None, passphrase, "Encrypting the journal…",
                                    "The journal is protected with a passphrase")

    def change_passphrase(self):
        from .passphrase_dialog import ask_to_change

        answer = ask_to_change(self, self.journal_path)
        if answer is not None:
            self._change_protection(*answer, "Changing the passphrase…", "The passphrase is changed")

    def remove_protection(self):
        from .passphrase_dialog import ask_to_remove

        passphrase = ask_to_remove(self, self.journal_path)
        if passphrase is not None:
            self._change_protection(passphrase, None, "Removing the protection…",
                                    "The journal is no longer protected with a passphrase")

    def _change_protection(self, old, new, title: str, done_text: str):
        """Write the journal anew off the GUI thread. Meanwhile the window is
        connected to no file at all, so nothing can read or write the journal
        while it is replaced; then it is opened again, in its new form."""
        from peewee import SqliteDatabase

        from journal import crypto
        from journal.models import database

        from .app import open_journal

        path, demo = self.journal_path, self.is_demo
        if not wait_for_background():  # a backup, say: its connection must be gone before the file is replaced
            self._show_error("Lately is still busy with the journal (a backup or an import). "
                             "Nothing was changed; try again in a moment.")
            return
        db.close()
        database.initialize(SqliteDatabase(":memory:"))

        def reopen():
            database.close()
            try:
                open_journal(path, demo=demo)
            except JournalError as error:  # checked before it replaced the journal, but the disk has the last word
                self.recover(str(error))
                return
            self._load()
            self.journal_switched()

        def finished(report):
            reopen()
            if report.left_as_they_were:
                names = ", ".join(p.name for p in report.left_as_they_were)
                QMessageBox.warning(self, "Some backups were left as they were",
                                    f"{done_text}, but these backups could not be read with the old passphrase "
                                    f"or could not be rewritten, and are left as they were: {names}")
            moved = len(report.backups)
            self.events.status.emit(f"{done_text}" + (f", and so are its {moved} backups." if moved else "."))

        def failed(error):
            reopen()
            self._show_error(str(error) if isinstance(error, JournalError) else f"{title[:-1]} failed: {error}")

        run_with_progress(self, title, lambda progress: crypto.change_protection(path, old, new, progress),
                          finished, failed)

    # -- imports and exports -------------------------------------------------------------------------
    def import_file(self, what: str = "customers"):
        from .import_dialog import CUSTOMERS, ImportDialog, report_text

        filters = ("Contacts (*.csv *.vcf *.vcard);;Spreadsheet CSV (*.csv);;vCard (*.vcf *.vcard)"
                   if what == CUSTOMERS else "Spreadsheet CSV (*.csv)")
        path, _ = QFileDialog.getOpenFileName(self, f"Import {what}", str(Path.home()), filters)
        if not path:
            return
        try:
            dialog = ImportDialog(Path(path), what, self)
        except (JournalError, OSError) as error:
            QMessageBox.warning(self, "Cannot import this file", str(error))
            return

        def imported(report):
            from . import commands

            if report.customer_ids or report.purchase_ids or report.merges:
                commands.perform(self.undo_stack, commands.Imported(self.events, report, what))
                self.events.status.emit(f"Imported {report.created} {what} — Ctrl+Z to undo")
            else:
                self.events.status.emit(f"Imported no {what}")
            QMessageBox.information(self, "Import finished", report_text(report, what))

        dialog.imported.connect(imported)
        self.import_dialog = dialog  # reachable by tests
        dialog.exec()
        self.import_dialog = None

    def export_file(self, kind: str):
        from journal.io import exports

        choices = {
            "customers": ("Export customers", "customers.csv", "CSV (*.csv)", exports.export_customers_csv),
            "interactions": ("Export interactions", "interactions.csv", "CSV (*.csv)",
                             exports.export_interactions_csv),
            "journal": ("Export the whole journal", "lately-journal.json", "JSON (*.json)",
                        lambda path, progress: exports.export_json(path)),
            "follow_ups": ("Export follow-ups to a calendar", "lately-follow-ups.ics", "iCalendar (*.ics)",
                           lambda path, progress: exports.export_follow_ups_ics(path)),
        }
        title, name, filters, export = choices[kind]
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / name), filters)
        if not path:
            return
        self.export_task = run_with_progress(
            self, f"{title}…", lambda progress: export_cancellably(export, Path(path), progress),
            lambda _: self.events.status.emit(f"Saved {path}"),
            lambda error: self._show_error(f"{title} failed: {error}"),
            on_cancelled=lambda: self.events.status.emit(f"{title} cancelled; no file was written"))

    def import_journal_json(self):
        from journal.io import exports

        path, _ = QFileDialog.getOpenFileName(self, "Import a whole journal", str(Path.home()), "JSON (*.json)")
        if not path:
            return
        self.import_task = run_with_progress(
            self, "Importing the journal…", lambda progress: exports.import_json(Path(path), progress),
            lambda counts: (self.events.changed.emit(None),
                            self.events.status.emit(f"Imported {words.plural(counts.get('customer', 0), 'customer')}")),
            lambda error: self._show_error(str(error)), writes=True,
            on_cancelled=lambda: self.events.status.emit("Import cancelled; the journal is as it was"))


def export_cancellably(export, path: Path, progress):
    """Run export(file, progress) into a hidden file beside the target and put it
    in place only if Cancel was not pressed meanwhile, so a cancelled export
    leaves no file behind, even an export that never reports progress itself."""
    progress(0, 1)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")  # same suffix: the exporter goes by it
    try:
        export(partial, progress)
        progress(1, 1)  # raises Cancelled if the person cancelled while it was written
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
