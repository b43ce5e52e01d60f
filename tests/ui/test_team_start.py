"""`lately --db postgresql://…` (main.py) on a server it cannot use: the Connect
dialog says why in plain words, and giving up there ends the program with a
non-zero status, never a traceback."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import main
from tests.team_server import closed_port, needs_server

from .test_appearance import restore_look  # noqa: F401 (a fixture: run() sets the application's look)
from .test_team_connect import RAW_WORDS
from .test_team_window import when_the_connect_dialog_asks

pytestmark = pytest.mark.real_threads  # connecting runs in a thread behind a progress dialog


@pytest.fixture
def left_as_found(restore_look):  # noqa: F811
    """run() sets the application's font, and its Connect dialog stays behind
    as the application's active window once given up: put both back, so the
    next test's keys reach its own windows."""
    import gc

    from PySide6.QtCore import QEvent

    from ui.files.team_dialogs import ConnectDialog

    font = restore_look.font()
    yield
    restore_look.setFont(font)
    gc.collect()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ConnectDialog):
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def start_and_give_up(qtbot, location) -> tuple[int, str]:
    seen = {}

    def asked(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        seen["problem"] = dialog.error.text()
        seen["shown"] = dialog.error.isVisible()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # the person gives up

    when_the_connect_dialog_asks(asked)
    status = main.main(["--db", location])
    assert seen["shown"]
    assert not any(word.lower() in seen["problem"].lower() for word in RAW_WORDS), seen["problem"]
    return status, seen["problem"]


def test_a_port_nothing_listens_on(qtbot, left_as_found, lately_home):
    port = closed_port()
    status, said = start_and_give_up(qtbot, f"postgresql://nobody@127.0.0.1:{port}/nothing")
    assert status == 1
    assert said.startswith(f"Lately cannot reach the team journal nothing on 127.0.0.1:{port}: nothing answers")


@needs_server
def test_a_database_the_real_server_does_not_have(qtbot, left_as_found, lately_home, pg_server):
    from psycopg.conninfo import conninfo_to_dict

    server = conninfo_to_dict(pg_server.admin_url)
    status, said = start_and_give_up(qtbot, f"postgresql://{server.get('user', 'postgres')}@/no_such_journal"
                                            f"?host={server['host']}&port={server.get('port', 5432)}")
    assert status == 1
    assert "has no database named “no_such_journal”" in said


def test_a_port_that_is_not_a_number(qtbot, left_as_found, lately_home):
    status, said = start_and_give_up(qtbot, "postgresql://ada@127.0.0.1:five/shop")
    assert status == 1
    assert said.startswith("The address given for the team journal shop says port “five”, which is not a port number")


