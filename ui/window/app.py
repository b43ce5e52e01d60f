"""Starting the application: the Qt application, the look, the journal, the window."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from journal.storage import db
from journal.errors import JournalDamaged, JournalEmpty, JournalLocked, JournalReadOnly, JournalTooNew
from journal.session import Journal

from ui.window.single_instance import SHOWN_ELSEWHERE  # noqa: E402,F401 (callers and tests read it here)


def run(db_path: str | None = None, demo: bool = False, measure_startup: bool = False) -> int:
    """Open the window; with `measure_startup`, print the moment (Unix time) the
    window was first painted with the journal loaded, then close it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from ui.common import theme
    from ui.common.icons import app_icon
    from ui.window.main_window import MainWindow

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Lately")
    app.setApplicationDisplayName("Lately")
    app.setWindowIcon(app_icon())
    theme.apply(app)
    close_on_terminate(app)
    from ui.window import panes

    panes.install_menu_key()  # Shift+F10 in the start-up's dialogs too (unlock, connect, recovery)

    from journal.storage import team

    if db_path and team.is_server(db_path):
        return _run_on_server(app, db_path, measure_startup)
    if not db_path and not demo:  # the window was last on a team journal: that one again
        from ui.files.team_dialogs import last_team_location

        last = last_team_location()
        if last:
            done = _run_on_server(app, last, measure_startup, offer_file=True)
            if done is not None:
                return done  # else the person chose their journal file instead
    path = db.demo_path() if demo else Path(db_path).expanduser() if db_path else db.default_path()
    window = None
    while window is None:
        session = open_with_recovery(path, demo)
        if session is None:
            return 1
        if session is SHOWN_ELSEWHERE:
            return 0  # the running window was brought to the front
        path = session.path  # (recovery may have chosen another file)
        from ui.files.recovery import watch_database_errors

        watch_database_errors()  # from here on, damage read by any view reaches the recovery dialog
        try:
            window = MainWindow(session)
        except Exception as error:  # a damaged page read while the window loads its first view
            from ui.files.recovery import is_database_error

            if not is_database_error(error):
                raise
            session.end()
            path = _recover_at_start(path, f"Lately could not read {path.name}: SQLite reports \u201c{error}\u201d.")
            if path is None:
                return 1
    watch_database_errors(window)
    if measure_startup:
        def report():
            painted = time.time()
            print(f"listed {window.customer_list.model.rowCount()} customers, "
                  f"{window.page.timeline.model.rowCount()} timeline rows on screen")
            print(f"{painted:.6f}", flush=True)
            window.close()

        window.first_painted.connect(report)
    window.show()
    return app.exec()


def close_on_terminate(app) -> None:
    """SIGTERM (a logout, a shutdown, `kill`), SIGHUP (the terminal it was
    started from closed) and SIGINT (Ctrl+C there) close Lately as Quit does: the note being written is
    kept as a draft, the window's layout and last customer are saved, the
    journal's lock is given back. Left to Python's default the process just
    died (Ctrl+C: with a KeyboardInterrupt traceback), and the next start came
    back with the old layout and a stale lock.
    A signal only wakes the event loop (a socket written by Python's signal
    machinery); the closing runs there, on the GUI thread, as a menu action would."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier, QTimer

    if getattr(app, "_lately_terminate", None) is not None:
        return
    read_end, write_end = socket.socketpair()
    for end in (read_end, write_end):
        end.setblocking(False)
    try:
        signal.set_wakeup_fd(write_end.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread (an embedding); leave the defaults
        return
    caught = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    for number in caught:
        signal.signal(number, lambda *_: None)  # the wake-up byte does the work, in the event loop

    def woke():
        try:
            numbers = read_end.recv(64)
        except BlockingIOError:
            return
        if any(n in caught for n in numbers):
            QTimer.singleShot(0, lambda: _close_everything(app))

    notifier = QSocketNotifier(read_end.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(woke)
    app._lately_terminate = (read_end, write_end, notifier)  # kept alive with the application


def _close_everything(app) -> None:
    from ui.window.main_window import MainWindow

    for window in [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]:
        capture = getattr(window, "capture_dialog", None)
        if capture is not None:
            capture.save_draft()  # what was typed in the last moments, before the draft timer fired
        window.close()  # the layout, the last customer, background work finished, the lock given back
    app.exit(0)  # and any dialog still open (its own event loop) with it, asking nothing


def open_with_recovery(path: Path, demo: bool = False):
    """Lock and open the journal at `path`, offering a backup or another file when
    it is damaged. Returns the open session (a Journal), SHOWN_ELSEWHERE when
    another window has it and came to the front, or None when the user gave up."""
    from PySide6.QtWidgets import QMessageBox

    from ui.window.single_instance import JournalLock, ask_running_instance_to_show

    new_in_empty = False
    while True:
        session = Journal(path, demo=demo, lock=JournalLock(path))
        try:
            session.acquire()
        except OSError as error:  # the folder cannot even be made
            QMessageBox.critical(None, "Lately", f"Lately cannot open a journal in {Path(path).parent}: "
                                 f"{error.strerror or error}. Choose a folder you can write to.")
            return None
        except JournalLocked as error:
            if not error.by_another:
                QMessageBox.critical(None, "Lately", str(error))
                return None
            if ask_running_instance_to_show(path):
                return SHOWN_ELSEWHERE
            QMessageBox.warning(None, "Lately", str(error))
            return None
        if session.needs_passphrase():  # (the dialog's module loads only for a protected journal)
            from ui.files.passphrase_dialog import ask_to_unlock

            if not ask_to_unlock(None, path):  # the user cancelled: the file is untouched
                session.release()
                return None
        try:
            session.open(new_in_empty=new_in_empty)
            return session
        except (JournalTooNew, JournalReadOnly) as error:
            session.release()
            QMessageBox.critical(None, "Lately", str(error))
            return None
        except JournalEmpty:
            session.release()
            from journal.storage import backups

            from ui.files.recovery import NEW, OTHER, RESTORE, choose_for_empty

            choice, value = choose_for_empty(None, path)
            if choice == NEW:
                new_in_empty = True
            elif choice == RESTORE:
                backups.restore(value, path)
            elif choice == OTHER:
                path = value
            else:
                return None
        except JournalDamaged as error:
            session.release()
            path = _recover_at_start(path, str(error))
            if path is None:
                return None


def _recover_at_start(path: Path, problem: str) -> Path | None:
    """Offer a backup or another file; the path to open next, or None to give up."""
    from journal.storage import backups

    from ui.files.recovery import OTHER, RESTORE, choose_recovery

    choice, value = choose_recovery(None, path, problem)
    if choice == RESTORE:
        backups.restore(value, path)
        return path
    if choice == OTHER:
        return value
    return None


def _run_on_server(app, location: str, measure_startup: bool = False, offer_file: bool = False) -> int | None:
    """`lately --db postgresql://…`: the window on a team journal. With
    offer_file, None when the person chose to open the file journal instead."""
    import time

    from ui.window.main_window import MainWindow
    from ui.files.team_mode import OPEN_FILE, open_at_start

    session = open_at_start(location, offer_file=offer_file)
    if session is OPEN_FILE:
        return None
    if session is None:
        return 1
    if session is SHOWN_ELSEWHERE:
        return 0  # the running window was brought to the front
    from ui.files.recovery import watch_database_errors

    watch_database_errors()
    window = MainWindow(session, check_integrity=False, daily_backup=False)
    watch_database_errors(window)
    if measure_startup:
        def report():
            print(f"{time.time():.6f}", flush=True)
            window.close()

        window.first_painted.connect(report)
    window.show()
    return app.exec()
