"""The window's journal-wide work: opening another journal or the demo, the
background integrity check and recovery, backups and restore, passphrase
protection, imports and exports. A QObject the main window owns: it holds the
journal session (journal/session.py) and tells the window by signal when
another journal, or the same one again, is open; it never touches the
window's widgets (the window is only the parent of its dialogs)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from journal.storage import db, team
from journal.errors import JournalEmpty, JournalError, JournalLocked
from journal.session import Journal
from journal.rules import words

from ui.files import team_mode
from ui.common.tasks import run_in_background, run_with_progress, wait_for_background


class JournalFiles(QObject):
    """`session` is the open journal; `events` and `undo_stack` are the window's
    (status messages, errors and changes go out through events; an import is
    one undo step)."""

    opened = Signal()  # another journal is open, or this one was restored: what the window showed is gone
    reopened = Signal()  # the same journal, open again as it was (after its protection changed)
    raise_requested = Signal()  # a second launch of Lately asked for this journal's window

    def __init__(self, session: Journal, window, events, undo_stack):
        super().__init__(window)
        self.window = window  # the parent of every dialog asked from here
        self.events = events
        self.undo_stack = undo_stack
        self.session = session
        self.before_demo: Path | None = None  # the journal file open when the demo was chosen
        self._hear_second_launches(session)
        from ui.files.team_dialogs import remember_last

        remember_last(session)  # the next start opens this journal again if it is a team journal

    def _hear_second_launches(self, session: Journal):
        if session.lock is not None:
            session.lock.raise_requested.connect(self.raise_requested)

    def listen(self):
        """From now on a second launch on this journal brings the window to the front."""
        if self.session.lock is not None:
            self.session.lock.listen()

    def release(self):
        """The window closes: give the journal's lock back."""
        self.session.release()

    def is_protected(self) -> bool:
        return self.session.is_protected()

    def choose_journal(self):
        from ui.files.recovery import ask_for_journal

        path = ask_for_journal(self.window, self.session.path.parent)
        if path:
            self.switch_journal(path)

    def create_journal(self):
        path, _ = QFileDialog.getSaveFileName(self.window, "New journal",
                                              str(self.session.path.parent / "journal.sqlite3"),
                                              "Lately journals (*.sqlite3)")
        if path:
            if Path(path).exists():
                QMessageBox.warning(self.window, "Lately",
                                    f"{path} already exists. Choose a new name for a new journal.")
                return
            self.switch_journal(Path(path))

    def open_demo(self):
        before = None if (self.session.demo or self.session.is_server) else self.session.path
        if self.switch_journal(db.demo_path(), demo=True) and before is not None:
            self.before_demo = before

    def leave_demo(self):
        """File › Leave the demo journal: back to the journal open before it (its
        file may sit in a hidden folder a file dialog does not show), or, when
        Lately started on the demo, to the person's own journal."""
        self.switch_journal(self.before_demo or db.default_path())

    def switch_journal(self, path: Path, demo: bool = False, new_in_empty: bool = False) -> bool:
        from ui.window.single_instance import JournalLock

        if self.session.is_at(path):
            return False
        return self.switch_to(Journal(path, demo=demo, lock=JournalLock(path)), new_in_empty=new_in_empty)

    def switch_to(self, new: Journal, new_in_empty: bool = False) -> bool:
        """Put the window on the journal `new` (not yet locked nor open). When it
        cannot be opened, the journal open before stays, and why is said. True
        when the window is on `new`."""
        try:
            new.acquire()
        except JournalLocked as error:
            QMessageBox.warning(self.window, "Lately", str(error))
            return False
        if not self._unlock(new.path):  # a protected journal: its passphrase first; Cancel changes nothing
            new.release()
            return False
        previous = self.session
        colleagues = getattr(self.window, "colleagues", None)
        if colleagues is not None:
            colleagues.stop()  # nothing heard of the journal closing reaches the one opening (follow() starts again)
        wait_for_background()
        previous.close()  # its lock is kept until the new one is open: a failure goes back to it
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            new.open(new_in_empty=new_in_empty)
        except JournalError as error:
            QApplication.restoreOverrideCursor()
            new.release()
            previous.open()
            if isinstance(error, JournalEmpty):
                self._empty_journal_chosen(new.path, new.demo)
            elif new.is_server and team.is_connection_error(error):  # said plainly, not in libpq's words
                from ui.files.team_dialogs import say_connect_problem

                say_connect_problem(self.window, team.connect_problem(new.location, error))
            else:
                QMessageBox.critical(self.window, "Could not open the journal", str(error))
            return False
        QApplication.restoreOverrideCursor()
        previous.release()
        self.session = new
        from ui.files.team_dialogs import remember_last

        remember_last(new)
        self._hear_second_launches(new)
        self.listen()
        self.opened.emit()
        return True

    def _empty_journal_chosen(self, path: Path, demo: bool):
        from journal.storage import backups

        from ui.files.recovery import NEW, OTHER, RESTORE, choose_for_empty

        choice, value = choose_for_empty(self.window, path)
        if choice == NEW:
            self.switch_journal(path, demo, new_in_empty=True)
        elif choice == RESTORE:
            backups.restore(value, path)  # the empty file is kept aside, as a damaged one would be
            self.switch_journal(path, demo)
        elif choice == OTHER:
            self.switch_journal(value)

    def check_integrity(self):
        def done(problem):
            if problem:
                self.recover(f"SQLite reports damage in {self.session.name}: {problem}")

        run_in_background(self.session.check, done, lambda exc: done(str(exc)))

    def recover(self, problem: str):
        from ui.files.recovery import OTHER, RESTORE, choose_recovery

        choice, value = choose_recovery(self.window, self.session.path, problem)
        if choice == RESTORE:
            self.restore_from(value)
        elif choice == OTHER:
            self.switch_journal(value)

    # -- backups -------------------------------------------------------------------------------------
    def daily_backup(self):
        from journal.storage import backups

        path, keep = self.session.path, self.session.backups_kept()
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
                self.events.error.emit(f"{what}: {error}")
        return failed

    def backup_now(self):
        """A backup with progress and Cancel; the copy is checked before it counts."""
        from journal.storage import backups

        if self.session.is_server:  # a snapshot of the server's journal, as a journal file
            return team_mode.back_up(self.window)
        path, keep = self.session.path, self.session.backups_kept()

        def work(progress):
            made = backups.make_backup(path, "manual", progress=progress)
            backups.prune(path, keep)
            return made

        self.backup_task = run_with_progress(  # reachable by tests
            self.window, "Backing up the journal…", work,
            lambda made: self.events.status.emit(f"Backed up to {made.path}"),
            self._backup_failed("The backup failed"),
            on_cancelled=lambda: self.events.status.emit("The backup was cancelled; nothing was written"))

    def choose_backup(self):
        from ui.files.recovery import RestoreDialog

        dialog = RestoreDialog(self.session.path, self.window)
        chosen = dialog.chosen() if dialog.exec() else None
        dialog.deleteLater()
        if chosen:
            backup = chosen
            answer = QMessageBox.question(
                self.window, "Restore this backup?",
                f"Put the backup from {backup.label} in place of your journal? "
                "Your journal as it is now is backed up first.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Yes:
                self.restore_from(backup)

    def restore_from(self, backup):
        wait_for_background()
        try:
            kept = self.session.restore(backup)  # opened again either way: restored, or as it was
        except JournalError as error:
            self.events.error.emit(str(error))
            return
        self.opened.emit()
        where = f" The journal as it was is kept as {kept.name}." if kept else ""
        self.events.status.emit(f"Restored the backup from {backup.label}.{where}")

    # -- passphrase protection -----------------------------------------------------------------------
    def _unlock(self, path: Path) -> bool:
        from ui.files.passphrase_dialog import unlock_if_needed

        return unlock_if_needed(self.window, path)

    def protect_journal(self):
        from journal.storage import backups

        from ui.files.passphrase_dialog import ask_to_protect

        path = self.session.path
        passphrase = ask_to_protect(self.window, path, len(backups.list_backups(path)))
        if passphrase is not None:
            self._change_protection(None, passphrase, "Encrypting the journal…",
                                    "The journal is protected with a passphrase")

    def change_passphrase(self):
        from ui.files.passphrase_dialog import ask_to_change

        answer = ask_to_change(self.window, self.session.path)
        if answer is not None:
            self._change_protection(*answer, "Changing the passphrase…", "The passphrase is changed")

    def remove_protection(self):
        from ui.files.passphrase_dialog import ask_to_remove

        passphrase = ask_to_remove(self.window, self.session.path)
        if passphrase is not None:
            self._change_protection(passphrase, None, "Removing the protection…",
                                    "The journal is no longer protected with a passphrase")

    def _change_protection(self, old, new, title: str, done_text: str):
        """Write the journal anew off the GUI thread. Meanwhile the window is
        connected to no file at all, so nothing can read or write the journal
        while it is replaced; then it is opened again, in its new form."""
        session = self.session
        if not wait_for_background():  # a backup, say: its connection must be gone before the file is replaced
            self.events.error.emit("Lately is still busy with the journal (a backup or an import). "
                                   "Nothing was changed; try again in a moment.")
            return
        session.set_aside()

        def reopen():
            try:
                session.open()
            except JournalError as error:  # checked before it replaced the journal, but the disk has the last word
                self.recover(str(error))
                return
            self.reopened.emit()

        def finished(report):
            reopen()
            if report.left_as_they_were:
                names = ", ".join(p.name for p in report.left_as_they_were)
                QMessageBox.warning(self.window, "Some backups were left as they were",
                                    f"{done_text}, but these backups could not be read with the old passphrase "
                                    f"or could not be rewritten, and are left as they were: {names}")
            moved = len(report.backups)
            also = {0: "", 1: ", and so is its backup"}.get(moved, f", and so are its {words.plural(moved, 'backup')}")
            self.events.status.emit(f"{done_text}{also}.")

        def failed(error):
            reopen()
            self.events.error.emit(str(error) if isinstance(error, JournalError) else f"{title[:-1]} failed: {error}")

        run_with_progress(self.window, title, lambda progress: session.change_protection(old, new, progress),
                          finished, failed)

    # -- imports and exports -------------------------------------------------------------------------
    def import_file(self, what: str = "customers"):
        from ui.io.import_dialog import CUSTOMERS, ImportDialog, report_text

        filters = ("Contacts (*.csv *.vcf *.vcard);;Spreadsheet CSV (*.csv);;vCard (*.vcf *.vcard)"
                   if what == CUSTOMERS else "Spreadsheet CSV (*.csv)")
        path, _ = QFileDialog.getOpenFileName(self.window, f"Import {what}", str(Path.home()), filters)
        if not path:
            return
        try:
            dialog = ImportDialog(Path(path), what, self.window)
        except (JournalError, OSError) as error:
            QMessageBox.warning(self.window, "Cannot import this file", str(error))
            return

        def imported(report):
            from ui.common import commands

            if report.customer_ids or report.purchase_ids or report.merges:
                commands.perform(self.undo_stack, commands.Imported(self.events, report, what))
                self.events.status.emit(f"Imported {report.created} {what} — Ctrl+Z to undo")
                if report.customer_ids and self.window.current_customer() is None:
                    self.window.open_customer(report.customer_ids[0])  # not an empty page: the file's first
            else:
                self.events.status.emit(f"Imported no {what}")

        dialog.imported.connect(imported)
        self.import_dialog = dialog  # reachable by tests
        dialog.exec()
        self.import_dialog = None
        report = getattr(dialog, "report", None)
        dialog.deleteLater()  # a child of the window: it would stay, hidden, as long as the window
        if report is not None:  # once the import window is closed: one window at a time, never one over another
            QMessageBox.information(self.window, "Import finished", report_text(report, what))

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
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(Path.home() / name), filters)
        if not path:
            return
        self.export_task = run_with_progress(
            self.window, f"{title}…", lambda progress: export_cancellably(export, Path(path), progress),
            lambda _: self.events.status.emit(f"Saved {path}"),
            lambda error: self.events.error.emit(f"{title} failed: {error}"),
            on_cancelled=lambda: self.events.status.emit(f"{title} cancelled; no file was written"))

    def import_journal_json(self):
        from journal.io import exports

        path, _ = QFileDialog.getOpenFileName(self.window, "Import a whole journal", str(Path.home()), "JSON (*.json)")
        if not path:
            return
        self.import_task = run_with_progress(
            self.window, "Importing the journal…", lambda progress: exports.import_json(Path(path), progress),
            lambda counts: (self.events.changed.emit(None),
                            self.events.status.emit(f"Imported {words.plural(counts.get('customer', 0), 'customer')}")),
            lambda error: self.events.error.emit(str(error)), writes=True,
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
