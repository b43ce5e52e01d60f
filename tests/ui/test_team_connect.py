"""File › Connect to a team journal…, typed as a person types it: an
unreachable server is said in the dialog at once and the window keeps
answering; a password is kept only in a keyring, and only when asked."""

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.storage import passwords, team
from tests.team_server import closed_port, fresh_database, needs_server
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
