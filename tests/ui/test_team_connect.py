"""File › Connect to a team journal…, typed as a person types it: an
unreachable server is said in the dialog at once and the window keeps
answering; a password is kept only in a keyring, and only when asked."""

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.storage import passwords, team
from tests.team_server import closed_port, fresh_database, needs_server, password_login  # noqa: F401 - a fixture
from ui.files import team_dialogs
from ui.files.team_dialogs import ConnectDialog


def open_dialog(qtbot):
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def type_into(qtbot, text):
    gc.collect()
    qtbot.keyClicks(QApplication.focusWidget(), text)


def tab(qtbot):
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_an_unreachable_server_is_said_at_once_and_the_dialog_stays(qtbot, memory_keyring):
    dialog = open_dialog(qtbot)
    assert QApplication.focusWidget() is dialog.host
    type_into(qtbot, "127.0.0.1")
    tab(qtbot)
    type_into(qtbot, str(closed_port()))
    tab(qtbot)
    type_into(qtbot, "shop")
    tab(qtbot)
    type_into(qtbot, "ada")
    tab(qtbot)
    type_into(qtbot, "s3cret")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    # Connecting runs in a thread: the dialog says so while the event loop keeps running.
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=team.CONNECT_TIMEOUT * 1000 + 5000)
    assert "cannot reach the team journal shop on 127.0.0.1" in dialog.error.text()
    assert dialog.isVisible() and dialog.result() == 0
    assert QApplication.focusWidget() is dialog.host  # where to correct it
    assert memory_keyring.kept == {}  # a password is kept only once it worked


def test_a_missing_database_name_is_asked_for(qtbot):
    dialog = open_dialog(qtbot)
    type_into(qtbot, "db.example.com")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert "Which database?" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.dbname


def test_without_a_keyring_the_dialog_says_the_password_is_not_kept(qtbot, no_keyring):
    dialog = open_dialog(qtbot)
    assert dialog.keyring_note.isVisible() and "will not be remembered" in dialog.keyring_note.text()
    assert not dialog.keep.isEnabled()


@needs_server
def test_a_real_server_connects_and_the_password_goes_to_the_keyring_only(qtbot, memory_keyring, lately_home,
                                                                          pg_server):
    location = fresh_database(pg_server, "connect")
    dialog = open_dialog(qtbot)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # the URL field
    assert QApplication.focusWidget() is dialog.url
    type_into(qtbot, location)
    dialog.secret.setFocus()
    type_into(qtbot, "typed-password")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Re&member
    qtbot.waitUntil(dialog.keep.isChecked, timeout=2000)  # a mnemonic clicks the box as a mouse would: 0.1 s
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    assert dialog.probe.state == team.EMPTY
    assert dialog.password == "typed-password"
    key = team.place(location).key
    assert memory_keyring.kept == {(passwords.SERVICE, key): "typed-password"}
    assert team_dialogs.recent_locations() == [location]
    settings_text = (lately_home / "window.ini").read_text()
    assert "typed-password" not in settings_text and location.split("?")[0] in settings_text
    # The next time it is offered among the recent ones, with its password from the keyring.
    again = open_dialog(qtbot)
    assert again.recent.count() == 2
    assert QApplication.focusWidget() is again.recent
    qtbot.keyClick(again.recent, Qt.Key.Key_Down)
    assert team.parameters(again.typed_location()) == team.parameters(location)
    assert again.dbname.text() == team.place(location).dbname
    assert again.secret.text() == "typed-password" and again.keep.isChecked()


RAW_WORDS = ("FATAL", "connection failed", "psycopg", "fe_sendauth", "libpq", "socket", ".s.PGSQL")


def connect_by_keys(qtbot, dialog, host, port, dbname, user, password):
    """Type each field as a person does (Tab between them), then Enter."""
    assert QApplication.focusWidget() is dialog.host
    for n, text in enumerate((host, port, dbname, user, password)):
        if n:
            tab(qtbot)
        if text:
            type_into(qtbot, text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=team.CONNECT_TIMEOUT * 1000 + 5000)
    return dialog.error.text()


def details_by_keys(qtbot, dialog) -> str:
    """Show Details (Alt+T) and read what the server answered."""
    assert dialog.details_button.isVisible() and not dialog.details.isVisible()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.details.isVisible, timeout=2000)
    assert dialog.details_button.text() == "Hide De&tails"
    return dialog.details.toPlainText()


def socket_folder(pg_server) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(pg_server.admin_url)["host"]


def port_of(pg_server) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(pg_server.admin_url).get("port") or "")


@needs_server
def test_a_wrong_password_is_said_plainly_with_the_servers_words_behind_show_details(qtbot, memory_keyring,
                                                                                      pg_server, password_login):
    dialog = open_dialog(qtbot)
    said = connect_by_keys(qtbot, dialog, socket_folder(pg_server), port_of(pg_server), "postgres",
                           password_login.role, "wrong-password")
    assert said == (f"The server on this computer did not accept the password for the user {password_login.role}. "
                    "Type the password again (or correct it in your ~/.pgpass file); whoever runs the server can "
                    "set a new one.")
    assert not any(word.lower() in said.lower() for word in RAW_WORDS)
    assert QApplication.focusWidget() is dialog.secret  # where to correct it
    details = details_by_keys(qtbot, dialog)
    assert f'FATAL:  password authentication failed for user "{password_login.role}"' in details
    assert "wrong-password" not in details and "wrong-password" not in said
    assert dialog.isVisible() and dialog.result() == 0 and memory_keyring.kept == {}
    # Typing again hides the old problem and its details; the right password connects.
    dialog.secret.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_into(qtbot, password_login.password)
    assert not dialog.error.isVisible() and not dialog.details_button.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=team.CONNECT_TIMEOUT * 1000 + 5000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


@needs_server
def test_a_database_that_does_not_exist_is_said_plainly(qtbot, memory_keyring, pg_server):
    dialog = open_dialog(qtbot)
    said = connect_by_keys(qtbot, dialog, socket_folder(pg_server), port_of(pg_server), "no_such_journal",
                           "postgres", "")
    assert said == ("The server on this computer answered, but it has no database named \u201cno_such_journal\u201d. "
                    "Check the database name, or ask whoever runs the server to create it.")
    assert not any(word.lower() in said.lower() for word in RAW_WORDS)
    assert QApplication.focusWidget() is dialog.dbname
    assert 'FATAL:  database "no_such_journal" does not exist' in details_by_keys(qtbot, dialog)


def test_a_port_nothing_listens_on_is_said_plainly(qtbot, memory_keyring):
    port = closed_port()
    dialog = open_dialog(qtbot)
    said = connect_by_keys(qtbot, dialog, "127.0.0.1", str(port), "shop", "ada", "s3cret")
    assert said == (f"Lately cannot reach the team journal shop on 127.0.0.1:{port}: nothing answers on port {port} "
                    "there. Check the server's address and port, and that the server is running (whoever runs it "
                    "can tell).")
    assert not any(word.lower() in said.lower() for word in RAW_WORDS)
    assert QApplication.focusWidget() is dialog.host  # the address first, then the port beside it
    details = details_by_keys(qtbot, dialog)
    assert f'connection to server at "127.0.0.1", port {port} failed: Connection refused' in details
    assert "s3cret" not in details


def test_a_journal_that_cannot_be_opened_on_its_server_is_said_plainly_and_the_file_stays(qtbot, make_window):
    """Opening a team journal outside the Connect dialog (after moving one there):
    the box says it in plain words, the server's behind Show Details, and the
    window stays on the journal it had."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from ui.files import team_mode

    window = make_window()
    before = window.files.session.location
    port = closed_port()
    seen = {}

    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen["text"], seen["details"] = box.text(), box.detailedText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, answer)
    assert team_mode.switch_to_team(window, f"postgresql://ada@127.0.0.1:{port}/shop", "s3cret") is False
    assert seen["text"].startswith(f"Lately cannot reach the team journal shop on 127.0.0.1:{port}: nothing answers")
    assert not any(word.lower() in seen["text"].lower() for word in RAW_WORDS)
    assert "Connection refused" in seen["details"] and "s3cret" not in seen["details"]
    assert any("Show Details" in text for text in seen["buttons"])
    assert window.files.session.location == before


def test_the_dialog_without_recent_journals_logs_no_tab_order_warning(qtbot, qtlog):
    """Recent is shown only with recent team journals: without them it is not in
    the dialog, and chaining it logged "setTabOrder: 'first' and 'second' must be
    in the same window"."""
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    dialog = ConnectDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.recent.parent() is None  # no recent journals in this test's settings
    assert [r.message for r in qtlog.records if "setTabOrder" in r.message] == []


def test_a_typed_url_shows_in_the_fields_it_overrides_and_clearing_it_gives_them_back(qtbot):
    """The URL wins over host, port, database, user and SSL: while it is given,
    those fields show what it names, take no typing, and a line says why; the
    person's own values come back when the URL is cleared."""
    dialog = open_dialog(qtbot)
    type_into(qtbot, "127.0.0.1")
    tab(qtbot)
    tab(qtbot)
    type_into(qtbot, "shop")
    tab(qtbot)
    type_into(qtbot, "ada")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.url
    type_into(qtbot, "postgresql://ben@db.example.com:6543/other?sslmode=require")
    shown = (dialog.host.text(), dialog.port.text(), dialog.dbname.text(), dialog.user.text(),
             dialog.sslmode.currentText())
    assert shown == ("db.example.com", "6543", "other", "ben", "require")
    assert team.parameters(dialog.typed_location()) == {"host": "db.example.com", "port": "6543", "dbname": "other",
                                                        "user": "ben", "sslmode": "require"}  # what is shown is used
    assert not any(f.isEnabled() for f in (dialog.host, dialog.port, dialog.dbname, dialog.user, dialog.sslmode))
    assert dialog.url_note.isVisible() and "connects with the URL" in dialog.url_note.text()
    qtbot.waitUntil(lambda: dialog.url_note.height() >= dialog.url_note.heightForWidth(dialog.url_note.width()))
    assert dialog.secret.isEnabled()  # a password still goes with a URL
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() in (dialog.secret, dialog.keep)  # greyed fields are passed over
    # Half a URL names nothing yet: the fields say so rather than what was typed in them before.
    dialog.url.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_into(qtbot, "postg")
    assert (dialog.host.text(), dialog.dbname.text(), dialog.user.text()) == ("", "", "")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    assert (dialog.host.text(), dialog.port.text(), dialog.dbname.text(), dialog.user.text()) == \
        ("127.0.0.1", "", "shop", "ada")
    assert all(f.isEnabled() for f in (dialog.host, dialog.port, dialog.dbname, dialog.user, dialog.sslmode))
    assert not dialog.url_note.isVisible()
    assert team.parameters(dialog.typed_location()) == {"host": "127.0.0.1", "dbname": "shop", "user": "ada"}
