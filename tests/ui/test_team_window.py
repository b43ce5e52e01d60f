"""The window on a team journal, against a real PostgreSQL server: a journal
moved there from the File menu opens as the team journal, Back up now writes
a checked snapshot file, Connect opens it again, and an unreachable server at
start-up is said in the Connect dialog."""

import gc

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from journal.storage import backups, db, team
from journal.io import demo
from tests.journal.test_move import TODAY, table_rows
from tests.team_server import closed_port, colleague_login, fresh_database, needs_server  # noqa: F401 (a fixture)
from ui.files import team_mode

from .focus_helpers import in_modal

pytestmark = [pytest.mark.real_threads, needs_server]


@pytest.fixture
def open_answers(monkeypatch):
    """A person who answers Open when asked to open the moved journal."""
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def statuses(window):
    said = []
    window.events.status.connect(said.append)
    return said


def type_and_connect(qtbot, location):
    def inspect(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.url
        gc.collect()
        qtbot.keyClicks(dialog.url, location)
        qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    return inspect


def test_move_to_a_server_then_work_and_back_up_there(make_window, qtbot, pg_server, open_answers):
    window = make_window(populate=lambda: demo.populate(40, today=TODAY))
    file_rows = table_rows(window.journal_path)
    listed = window.customer_list.model.rowCount()
    location = fresh_database(pg_server, "window")
    said = statuses(window)
    in_modal(qtbot, window.actions.move_to_server.trigger, type_and_connect(qtbot, location))
    qtbot.waitUntil(lambda: window.files.session.is_server, timeout=60_000)
    assert any("every table's row count and checksum match" in s for s in said)
    assert window.windowTitle().endswith("(team journal)")
    assert team.place(location).dbname in window.windowTitle()
    assert window.customer_list.model.rowCount() == listed
    assert table_rows(location) == file_rows
    assert not window.actions.protect.isVisible() and not window.actions.restore_backup.isEnabled()
    assert window.actions.move_to_file.isVisible() and not window.actions.move_to_server.isVisible()

    # Back up now: a snapshot of the server's journal as a journal file, owner-only.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: any(s.startswith("Backed up to") for s in said), timeout=60_000)
    [made] = backups.list_backups(window.journal_path)
    assert made.reason == "team" and (made.path.stat().st_mode & 0o777) == 0o600
    assert (made.path.parent.stat().st_mode & 0o777) == 0o700
    assert table_rows(made.path) == table_rows(location)


def demo_on_server(pg_server, tmp_path, name: str, customers: int = 20) -> str:
    """A demo journal moved into a new database on the test server; its location."""
    from journal.io import move

    source = tmp_path / "source.sqlite3"
    db.connect(source)
    demo.populate(customers, today=TODAY)
    db.close()
    location = fresh_database(pg_server, name)
    move.move_journal(str(source), location)
    return location


def test_connect_opens_a_team_journal_and_open_goes_back_to_a_file(make_window, qtbot, pg_server, tmp_path):
    location = demo_on_server(pg_server, tmp_path, "connect")
    window = make_window(tmp_path / "mine.sqlite3")
    assert window.customer_list.model.rowCount() == 0
    in_modal(qtbot, window.actions.connect_team.trigger, type_and_connect(qtbot, location))
    assert window.files.session.is_server and window.files.session.is_at(location)
    assert window.customer_list.model.rowCount() == 20
    window.files.switch_journal(tmp_path / "mine.sqlite3")
    assert not window.files.session.is_server and window.customer_list.model.rowCount() == 0
    assert window.windowTitle() == "mine.sqlite3"


def when_the_connect_dialog_asks(inspect) -> None:
    """Run inspect(dialog) once the Connect dialog is up: connecting comes first,
    in a thread behind a progress dialog, so look again until it is."""
    from ui.files.team_dialogs import ConnectDialog

    def look():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ConnectDialog):
            inspect(dialog)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def test_an_unreachable_server_at_start_is_said_in_the_connect_dialog(qtbot):
    location = f"postgresql://ada@127.0.0.1:{closed_port()}/shop"
    seen = {}

    def asked(dialog):
        seen["problem"] = dialog.error.text()
        dialog.reject()  # the person gives up

    when_the_connect_dialog_asks(asked)
    assert team_mode.open_at_start(location) is None  # nothing opened
    assert "cannot reach the team journal shop on 127.0.0.1" in seen["problem"]


def test_a_journal_protected_with_a_passphrase_moves_to_a_server_from_the_window(
        make_window, qtbot, pg_server, open_answers, lately_home, monkeypatch):
    """The move runs in a second process, which cannot know the passphrase the
    window was given: it reaches it through the process's standard input (a
    pipe), never its command line, its environment or a file."""
    from journal.storage import crypto
    from tests.ui.test_passphrase import PASSPHRASE, assert_never_written, protect_from_the_menu

    crypto.forget()
    window = make_window(populate=lambda: demo.populate(30, today=TODAY))
    try:
        protect_from_the_menu(qtbot, window)
        qtbot.waitUntil(lambda: "protected with a passphrase" in window.statusBar().currentMessage(), timeout=30_000)
        assert window.files.session.is_protected()
        file_rows = table_rows(window.journal_path)  # this process was given the passphrase
        location = fresh_database(pg_server, "protected")
        said = statuses(window)
        started = []
        real_run_move = team_mode.run_move

        def watched(*args, **kwargs):
            process = real_run_move(*args, **kwargs)
            started.append((list(process.arguments()), process.processEnvironment().toStringList()))
            return process

        monkeypatch.setattr(team_mode, "run_move", watched)
        in_modal(qtbot, window.actions.move_to_server.trigger, type_and_connect(qtbot, location))
        qtbot.waitUntil(lambda: window.files.session.is_server, timeout=60_000)
        assert any("every table's row count and checksum match" in s for s in said), said
        [(arguments, environment)] = started
        assert "--passphrase-stdin" in arguments
        assert not any(PASSPHRASE in a for a in arguments) and not any(PASSPHRASE in e for e in environment)
        assert table_rows(location) == file_rows
        assert_never_written(lately_home, window.journal_path.parent)
    finally:
        crypto.forget()


class ServerAway:
    """A real fault on the test server: every connection to the team journal's
    database terminated (pg_terminate_backend, from a second connection) and,
    while `away`, new ones refused, as when the server is down."""

    def __init__(self, pg_server, location):
        from psycopg.conninfo import conninfo_to_dict

        self.admin = pg_server.admin
        self.name = conninfo_to_dict(location)["dbname"]

    def cut(self, *, away: bool):
        if away:
            self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        cut = self.admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = %s AND pid <> pg_backend_pid()", (self.name,)).fetchone()[0]
        assert cut >= 1  # the window's own connection, at least

    def back(self):
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


def test_a_lost_connection_is_said_keeps_the_typing_and_connects_again(make_window, qtbot, pg_server, tmp_path):
    from journal.storage.models import Interaction

    from .test_main_window import drive_dialog, press

    location = demo_on_server(pg_server, tmp_path, "lost")
    window = make_window(tmp_path / "mine.sqlite3")
    assert team_mode.switch_to_team(window, location, None)
    server = ServerAway(pg_server, location)
    where = team.place(location).title
    window.open_customer(1)

    # The backend terminated while the server stays up: Lately connects again at once, nobody is bothered.
    server.cut(away=False)
    window.events.changed.emit(None)
    assert window.customer_list.model.rowCount() == 20

    seen = {}

    def fill(dialog):
        qtbot.keyClicks(dialog.summary, "Call about the boat")
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.notes, "She wants the blue sails after all")
        server.cut(away=True)  # the server goes away while the note is typed
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)  # Enter saves: it cannot
        seen["message"] = dialog.general_error.text()
        seen["open"] = dialog.isVisible()
        seen["typed"] = (dialog.summary.text(), dialog.notes.toPlainText())
        server.back()
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)  # the server is back: Enter again saves
        seen["closed"] = not dialog.isVisible()

    drive_dialog(qtbot, fill)
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert f"lost its connection to the team journal {where}" in seen["message"], seen["message"]
    assert "what you typed is still on screen" in seen["message"] and "Traceback" not in seen["message"]
    assert seen["open"] and seen["typed"] == ("Call about the boat", "She wants the blue sails after all")
    assert seen["closed"]
    assert Interaction.select().where(Interaction.summary == "Call about the boat").count() == 1

    # Away while nothing is being saved: the views cannot read; a message with Retry, which connects again.
    from ui.files import recovery

    watch = recovery.watch_database_errors(window)
    server.cut(away=True)
    asked = {}

    def when_asked():
        box = getattr(window, "lost_connection_box", None)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, when_asked)
            return
        asked["text"], asked["details"] = box.text(), box.detailedText()
        server.back()
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Retry is the default button

    QTimer.singleShot(0, when_asked)
    window.events.changed.emit(None)
    qtbot.waitUntil(lambda: "text" in asked, timeout=20_000)
    qtbot.waitUntil(lambda: window.lost_connection_box is None, timeout=20_000)
    assert f"lost its connection to the team journal {where}" in asked["text"]
    for said in (seen["message"], asked["text"]):  # in plain words; libpq's are behind Show Details
        assert not any(word in said for word in ("FATAL", "connection failed", "socket", ".s.PGSQL")), said
        assert "the server takes no connections to it just now" in said  # (the test's way of being away)
    assert "not currently accepting connections" in asked["details"]
    qtbot.waitUntil(lambda: window.customer_list.model.rowCount() == 20, timeout=20_000)
    assert window.isEnabled() and window.files.session.is_server
    watch.uninstall()


def test_the_team_journal_last_open_is_opened_again_at_start(make_window, qtbot, pg_server, tmp_path):
    from ui.files.team_dialogs import last_team_location

    location = demo_on_server(pg_server, tmp_path, "again", customers=12)
    window = make_window(tmp_path / "mine.sqlite3")
    assert last_team_location() is None  # on a file: the file journal opens at start, as ever
    in_modal(qtbot, window.actions.connect_team.trigger, type_and_connect(qtbot, location))
    assert window.files.session.is_server and last_team_location() == location
    window.files.switch_journal(tmp_path / "mine.sqlite3")
    assert last_team_location() is None
    assert team_mode.switch_to_team(window, location, None) and last_team_location() == location
    window.close()  # the day ends; the next morning Lately starts without --db

    session = team_mode.open_at_start(last_team_location(), offer_file=True)
    try:
        assert session.is_server and session.is_at(location)
        from journal.storage.models import Customer

        assert Customer.select().count() == 12
    finally:
        session.end()


def test_a_last_team_journal_that_does_not_answer_offers_the_file_journal_instead(qtbot):
    location = f"postgresql://ada@127.0.0.1:{closed_port()}/shop"
    seen = {}

    def asked(dialog):
        dialog.activateWindow()
        seen["problem"] = dialog.error.text()
        seen["offered"] = dialog.file_button.isVisible() and dialog.file_button.text()
        # The keys go where focus is once the dialog has it (on a loaded machine, not at once).
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                        and QApplication.focusWidget().window() is dialog, timeout=5000)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)

    when_the_connect_dialog_asks(asked)
    assert team_mode.open_at_start(location, offer_file=True) == team_mode.OPEN_FILE
    assert "cannot reach the team journal shop on 127.0.0.1" in seen["problem"]
    assert seen["offered"] == "Open a &file journal instead"


def test_a_half_typed_note_moves_to_the_server_with_the_journal(make_window, qtbot, pg_server, open_answers,
                                                                colleague_login):
    """Lately was killed while a note was typed; the person then moves the
    journal to the team server under their own login and opens it there: the
    note is offered there, continues in quick capture, and is saved there."""
    from PySide6.QtWidgets import QMessageBox as Box

    from journal.storage.models import Interaction
    from journal.writes import drafts
    from ui.capture.capture import CaptureDialog

    from .modal_helpers import when_open

    window = make_window(populate=lambda: demo.populate(20, today=TODAY))
    name = window.customer_list.model.index(0, 0).data()
    drafts.save_draft(drafts.QUICK_CAPTURE, {"customer_text": name, "kind": "call", "direction": "out",
                                             "summary": "Rang about the oak table", "notes": "Wants it by May"})
    location = colleague_login.at(fresh_database(pg_server, "draft_moves"))
    seen = {}

    def continued(dialog):
        seen["typed"] = (dialog.customer.text(), dialog.summary.text(), dialog.notes.toPlainText())
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)  # Enter saves it

    # Looked for while the move runs in its second process (up to a minute), then in turn.
    when_open(qtbot, Box, lambda box: (seen.setdefault("asked", box.text()), qtbot.keyClick(box, Qt.Key.Key_Return)),
              attempts=3000)
    when_open(qtbot, CaptureDialog, continued, attempts=3000)
    in_modal(qtbot, window.actions.move_to_server.trigger, type_and_connect(qtbot, location))
    qtbot.waitUntil(lambda: window.files.session.is_server, timeout=60_000)
    qtbot.waitUntil(lambda: "typed" in seen, timeout=20_000)
    assert "You were writing a note about" in seen["asked"] and name in seen["asked"]
    assert seen["typed"] == (name, "Rang about the oak table", "Wants it by May")
    qtbot.waitUntil(lambda: window.capture_dialog is None, timeout=20_000)
    saved = Interaction.get(Interaction.summary == "Rang about the oak table")
    assert saved.notes == "Wants it by May" and saved.written_by == colleague_login.role
    assert drafts.load_draft(drafts.QUICK_CAPTURE) is None
