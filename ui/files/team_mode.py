"""The window on a team journal: starting on one (--db postgresql://…),
connecting to one from File, moving a journal to a server and back, and Back
up now on a server. The journal is on the server; on this computer a team
journal has only a folder of its own (team.local_path) for its backups, its
one-window lock and the window's remembered state. Its password stays in
memory (and in the keyring when asked), never in a file.

A move or a team backup runs as Lately's own command line in a second process
(`lately move`), reporting progress line by line: the models are bound to one
database per process, and a move binds them to its target, so in-process it
would pull the window's journal from under it. Cancel stops that process at
its next batch; its one transaction rolls back and the target stays empty."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton

from journal.storage import team

PROJECT = Path(__file__).resolve().parents[2]


# --- the window's team journal ------------------------------------------------------------------

def is_team(window) -> bool:
    return window.files.session.is_server


def update_actions(window) -> None:
    """Passphrase protection and restoring a backup are for journal files; a
    journal moves to a server from a file, and to a file from a server."""
    on_server = is_team(window)
    a = window.actions
    for action in (a.protect, a.change_passphrase, a.remove_protection):
        if on_server:
            action.setVisible(False)
            action.setEnabled(False)
    a.restore_backup.setEnabled(not on_server)
    a.move_to_server.setVisible(not on_server)
    a.move_to_server.setEnabled(not on_server)
    a.move_to_file.setVisible(on_server)
    a.move_to_file.setEnabled(on_server)


def connect_from_window(window) -> None:
    """File › Connect to a team journal…"""
    from ui.files.team_dialogs import ConnectDialog

    dialog = ConnectDialog(window)
    window.connect_dialog = dialog  # reachable by tests
    if not dialog.exec():
        return
    location, password, found = dialog.location, dialog.password, dialog.probe
    if found.state == team.EMPTY:
        where = team.place(location).title
        box = QMessageBox(QMessageBox.Icon.Question, "An empty database",
                          f"{where} is empty: it holds no journal yet.", parent=window)
        box.setInformativeText("Move this journal there (everything in it, checked table by table), or start "
                               "an empty team journal?")
        move = box.addButton("&Move this journal there", QMessageBox.ButtonRole.AcceptRole)
        new = box.addButton("Start an &empty team journal", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(move)
        box.exec()
        if box.clickedButton() is move:
            move_to(window, location, password)
            return
        if box.clickedButton() is not new:
            return
    switch_to_team(window, location, password)


def switch_to_team(window, location: str, password: str | None) -> bool:
    """Put the window on the team journal at `location`; on failure the journal
    it had stays open and the reason is said (JournalFiles.switch_to)."""
    from journal.session import Journal

    from ui.window.single_instance import JournalLock

    if is_team(window) and window.files.session.is_at(location):
        return True
    return window.files.switch_to(Journal(location, password=password, lock=JournalLock(team.local_path(location))))


# --- starting on a server -----------------------------------------------------------------------

OPEN_FILE = "open a file journal instead"


def open_at_start(location: str, offer_file: bool = False):
    """Connect before the window exists, in a thread behind a small progress
    dialog; on a problem the Connect dialog shows it and lets it be corrected.
    Returns the open session, SHOWN_ELSEWHERE when another window has it and
    came to the front, or None when the person gave up. With offer_file (the
    team journal last open, reopened at start) the dialog also offers to open
    the file journal instead: OPEN_FILE."""
    from journal.session import Journal

    from ui.window.single_instance import SHOWN_ELSEWHERE
    from ui.window.single_instance import JournalLock, ask_running_instance_to_show
    from ui.files.team_dialogs import ConnectDialog

    password = None
    problem = ""
    try:
        from journal.storage import passwords

        # A password in the location itself (never kept), else the keyring's; else libpq's own (~/.pgpass).
        password = team.parameters(location).get("password") or passwords.recall(team.place(location).key)
    except team.BadLocation as error:
        problem = str(error)
        found = None
    while True:
        if not problem:
            found, problem = _probe_with_progress(location, password)
        if problem:
            dialog = ConnectDialog(None, location, problem, offer_file=offer_file)
            if not dialog.exec():
                return OPEN_FILE if dialog.chose_file else None
            location, password, found, problem = dialog.location, dialog.password, dialog.probe, ""
        if found.state == team.FOREIGN:
            problem = (f"{team.place(location).title} holds other tables, not a Lately journal. "
                       "Choose the team journal's database.")
            continue
        lock = JournalLock(team.local_path(location))
        if not lock.acquire():
            if ask_running_instance_to_show(team.local_path(location)):
                return SHOWN_ELSEWHERE
            QMessageBox.warning(None, "Lately", f"{team.place(location).title} is already open in Lately "
                                f"({lock.owner()}).")
            return None
        session = Journal(location, password=password, lock=lock, locked=True)
        try:
            session.open()
        except Exception as error:  # noqa: BLE001 - the dialog says it; the person may correct it
            lock.release()
            from journal.errors import JournalError

            problem = team.connect_problem(location, error) if team.is_connection_error(error) \
                else str(error) if isinstance(error, JournalError) else team.unreachable_message(location, error)
            continue
        from ui.files.team_dialogs import remember_location

        remember_location(location)
        return session


def _probe_with_progress(location: str, password):
    """(Probe, None) or (None, the problem: words or a team.ConnectProblem): never blocks the event loop."""
    from PySide6.QtCore import QEventLoop

    from ui.files.team_dialogs import run_in_thread

    answer = {}
    loop = QEventLoop()
    dialog = QProgressDialog(f"Connecting to {team.place(location).title}…", "Cancel", 0, 0)
    dialog.setWindowTitle("Lately")
    dialog.setMinimumDuration(300)

    def finished(found, error):
        answer["found"], answer["error"] = found, error
        loop.quit()

    def cancelled():
        answer["cancelled"] = True
        loop.quit()

    relay = run_in_thread(lambda: team.probe(location, password), finished)
    dialog.canceled.connect(cancelled)
    loop.exec()
    dialog.reset()
    dialog.deleteLater()
    if answer.get("cancelled"):
        relay.finished.disconnect()
        return None, "Connecting was cancelled."
    if answer["error"] is not None:
        return None, team.connect_problem(location, answer["error"])
    return answer["found"], None


# --- moving and backing up, in a second process ---------------------------------------------------

def run_move(parent, heading: str, source: str, target: str, password: str | None, on_done,
             on_failed, on_cancelled, *, passphrase: str | None = None):
    """`lately move --from SOURCE --to TARGET --progress` behind a progress
    dialog with Cancel. The password reaches the process in its environment
    (PGPASSWORD, which libpq reads), never on its command line; a protected
    journal file's passphrase through its standard input, a pipe."""
    process = QProcess(parent)
    env = QProcessEnvironment.systemEnvironment()
    if password:
        env.insert("PGPASSWORD", password)
    env.insert("PYTHONPATH", os.pathsep.join(p for p in (str(PROJECT), env.value("PYTHONPATH", "")) if p))
    process.setProcessEnvironment(env)
    process.setWorkingDirectory(str(PROJECT))
    dialog = QProgressDialog(heading, "Cancel", 0, 100, parent)
    dialog.setWindowTitle("Lately")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    state = {"cancelling": False, "out": "", "said": ""}

    def read():
        if not state.get("listening"):
            # Its first line comes once it listens for Cancel: a Cancel pressed before
            # then is sent now, so the move always stops the clean way (rolled back).
            state["listening"] = True
            if state["cancelling"]:
                process.terminate()
        state["out"] += bytes(process.readAllStandardOutput()).decode("utf-8", "replace")
        *lines, state["out"] = state["out"].split("\n")
        for line in lines:
            if line.startswith("progress "):
                _, done, total, *table = line.split(" ")
                if not state["cancelling"]:
                    dialog.setMaximum(max(int(total), 1))
                    dialog.setValue(min(int(done), int(total)))
                    dialog.setLabelText(f"{heading}\n{table[0].replace('_', ' ') if table else ''}")
            elif line.strip() and line.strip() != "listening":
                state["said"] = line.strip()

    def finished(code, _status):
        read()
        state["said"] = state["said"] or state["out"].strip()
        errors = bytes(process.readAllStandardError()).decode("utf-8", "replace").strip()
        cancelled = state["cancelling"]
        state["finished"] = True  # closing the dialog says "canceled" too: not a Cancel any more
        dialog.reset()
        dialog.close()
        dialog.deleteLater()
        process.deleteLater()
        if parent is not None:
            parent.move_process = None
        if code == 0:  # done before it heard the Cancel: it is done
            on_done(state["said"])
        elif cancelled or code == 130:
            on_cancelled()
        else:
            lines = [line.removeprefix("lately: ") for line in errors.splitlines() if line.strip()]
            on_failed(" ".join(lines[-3:]) or f"The move stopped (status {code}); nothing was changed.")

    def cancel():
        if state["cancelling"] or state.get("finished"):
            return
        state["cancelling"] = True
        dialog.setLabelText(f"{heading}\nCancelling… nothing of it is kept.")
        button = dialog.findChild(QPushButton)
        if button is not None:
            button.setEnabled(False)
        dialog.show()
        if state.get("listening"):
            process.terminate()  # SIGTERM: the move stops at its next batch and rolls back

    process.readyReadStandardOutput.connect(read)
    process.finished.connect(finished)
    dialog.canceled.connect(cancel)
    process.start(sys.executable, ["-c", "import sys; from journal.io import cli; sys.exit(cli.main(sys.argv[1:]))",
                                   "move", "--from", source, "--to", target, "--progress",
                                   *(["--passphrase-stdin"] if passphrase else [])])
    if passphrase:
        process.write((passphrase + "\n").encode("utf-8"))  # buffered by Qt until the process has started
        process.closeWriteChannel()
    if parent is not None:
        parent.move_process = process  # reachable by tests
        parent.move_dialog = dialog
    return process


def move_to_server(window) -> None:
    """File › Move this journal to a team server…: choose an empty database, move, offer to open it."""
    from ui.files.team_dialogs import ConnectDialog

    dialog = ConnectDialog(window)
    dialog.setWindowTitle("Move this journal to a team server")
    dialog.connect_button.setText("&Next")
    window.connect_dialog = dialog
    if not dialog.exec():
        return
    if dialog.probe.state != team.EMPTY:
        QMessageBox.warning(window, "Lately", f"{team.place(dialog.location).title} is not empty: it already holds "
                            "a journal. Lately moves a journal only into an empty database, so nothing there is "
                            "overwritten. Create a new database for it (README, Team mode).")
        return
    move_to(window, dialog.location, dialog.password)


def _offer_to_open(window, said: str, title: str, question: str, open_it) -> None:
    """A move or copy is done: say so, and offer to open where it went."""
    window.events.status.emit(said)
    answer = QMessageBox.question(window, title, question,
                                  QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
    if answer == QMessageBox.StandardButton.Open:
        open_it()


def move_to(window, location: str, password: str | None) -> None:
    where = team.place(location).title

    def done(said):
        _offer_to_open(window, said, "Moved", f"The journal is on {where} now; every table was checked.\n\nOpen "
                       "the team journal now? (Your journal file stays as it is; from now on, write in the team "
                       "journal.)", lambda: switch_to_team(window, location, password))

    session = window.files.session
    run_move(window, f"Moving the journal to {where}…", str(session.path), location, password, done,
             lambda message: window._show_error(message),
             lambda: window.events.status.emit(f"The move was cancelled; {where} is as empty as it was."),
             passphrase=session.passphrase())


def move_to_file(window) -> None:
    """File › Move this team journal to a file…: a new journal file, checked table by table."""
    session = window.files.session
    suggested = Path.home() / f"{team.place(session.location).dbname or 'journal'}.sqlite3"
    path, _ = QFileDialog.getSaveFileName(window, "Move the team journal to a file", str(suggested),
                                          "Lately journals (*.sqlite3)")
    if not path:
        return
    path = Path(path)

    def done(said):
        _offer_to_open(window, said, "Copied", f"The team journal is copied to {path}; every table was checked."
                       "\n\nOpen that file now? (The team journal stays on the server.)",
                       lambda: window.files.switch_journal(path))

    run_move(window, f"Copying the team journal to {path.name}…", session.location, str(path),
             session.password, done, lambda message: window._show_error(message),
             lambda: window.events.status.emit("The copy was cancelled; no file was made."))


def back_up(window) -> None:
    """File › Back up now on a team journal: one REPEATABLE READ snapshot of the
    whole journal, written as a journal file (owner-only) into this team
    journal's backups folder, where it can be opened or moved back."""
    from journal.storage import backups

    session = window.files.session
    folder = backups.backups_dir(session.path)
    name = backups._name(session.path, datetime.now().replace(microsecond=0), "team")
    from journal.storage.private import make_folder

    make_folder(folder)
    target = folder / name
    run_move(window, "Backing up the team journal…", session.location, str(target), session.password,
             lambda said: window.events.status.emit(f"Backed up to {target}"),
             lambda message: window._show_error(f"The backup failed: {message}"),
             lambda: window.events.status.emit("The backup was cancelled; nothing was written"))
