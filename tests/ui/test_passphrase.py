"""Passphrase protection driven as a person would: File › Protect with a
passphrase…, typing it twice, opening a protected journal at start and from
File › Open, a wrong passphrase, Cancel, changing and removing the protection."""

import gc
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from journal.storage import backups, crypto, db
from journal.writes import customers
from ui.window import app as app_module
from ui.files.passphrase_dialog import MISMATCH, PassphraseDialog
from ui.window.single_instance import JournalLock

from .test_main_window import people

PASSPHRASE = "Brass lantern 42"
NAMES = ["Ada Lovelace", "Bob Builder", "Grace Hopper"]


@pytest.fixture(autouse=True)
def nothing_known():
    crypto.forget()
    yield
    crypto.forget()


class Driver:
    """Runs `fill(dialog)` once the next modal passphrase dialog is open; a
    failure closes the dialog and is raised again by check()."""

    def __init__(self, qtbot, fill):
        self.qtbot, self.fill, self.error, self.ran = qtbot, fill, None, False
        QTimer.singleShot(0, self._run)

    def _run(self):
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, PassphraseDialog), f"a passphrase dialog should be open, not {dialog}"
            dialog.activateWindow()
            self.qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
            gc.collect()
            self.fill(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised in check()
            self.error = exc
            if isinstance(dialog, QDialog) and dialog.isVisible():
                QDialog.reject(dialog)
        finally:
            self.ran = True

    def check(self):
        assert self.ran, "no dialog opened"
        if self.error:
            raise self.error


def type_into_focus(qtbot, text: str, then=Qt.Key.Key_Tab):
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit) and field.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(field, text)
    if then is not None:
        qtbot.keyClick(field, then)


def every_file(folder: Path):
    return [p for p in folder.rglob("*") if p.is_file()]


def assert_never_written(*folders: Path, secrets=(PASSPHRASE,)):
    for path in [p for folder in folders for p in every_file(folder)]:
        data = path.read_bytes()
        for secret in secrets:
            for form in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                assert form not in data, f"the passphrase is in {path}"


def protect_from_the_menu(qtbot, window, passphrase=PASSPHRASE):
    def fill(dialog):
        assert dialog.new.hasFocus()
        type_into_focus(qtbot, passphrase)
        type_into_focus(qtbot, passphrase[:-1] + "x", then=Qt.Key.Key_Return)  # a slip of the finger
        assert dialog.isVisible() and dialog.error.isVisible() and dialog.error.text() == MISMATCH
        assert dialog.repeat.hasFocus() and dialog.repeat.selectedText() == passphrase[:-1] + "x"
        type_into_focus(qtbot, passphrase, then=Qt.Key.Key_Return)  # typed over the selection

    driver = Driver(qtbot, fill)
    window.actions.protect.trigger()
    driver.check()


def test_protect_from_the_file_menu_then_write(qtbot, make_window, tmp_path, lately_home, no_modal_boxes):
    window = make_window(populate=people)
    window.actions.backup_now.trigger()
    assert window.actions.protect.isVisible() and not window.actions.remove_protection.isVisible()
    protect_from_the_menu(qtbot, window)

    path = window.journal_path
    assert crypto.is_encrypted(path)
    assert [crypto.is_encrypted(b.path) for b in backups.list_backups(path)] == [True]
    assert "protected with a passphrase" in window.statusBar().currentMessage()
    assert window.statusBar().currentMessage().endswith(", and so is its backup.")  # one: not "its 1 backups"
    assert not window.actions.protect.isVisible() and window.actions.change_passphrase.isVisible()
    assert window.actions.remove_protection.isVisible() and not no_modal_boxes
    assert window.customer_list.model.rowCount() == 3  # the window goes on with the journal as it was
    customers.create_customer(name="Zebedee Quartermaine")  # written into the encrypted WAL
    window.actions.backup_now.trigger()
    names = NAMES + ["Zebedee Quartermaine", "Analytical Engines", "Oak table"]
    for file in every_file(tmp_path):
        data = file.read_bytes()
        assert not [n for n in names if n.encode() in data], file.name
    window.close()
    assert_never_written(tmp_path, lately_home)


def test_a_protected_journal_asks_at_start_refuses_a_wrong_passphrase_and_cancel_leaves_it(qtbot, tmp_path):
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    people()
    db.close()
    crypto.change_protection(path, None, PASSPHRASE)
    crypto.forget()  # as when Lately starts again
    before = path.read_bytes()

    def give_up(dialog):
        assert dialog.current.hasFocus() and dialog.windowTitle() == "Open a protected journal"
        type_into_focus(qtbot, "brass lantern 42", then=Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.error.text() == "That passphrase does not open this journal."
        assert dialog.current.hasFocus() and dialog.current.selectedText() == "brass lantern 42"
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    driver = Driver(qtbot, give_up)
    assert app_module.open_with_recovery(path) is None
    driver.check()
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]
    assert JournalLock(path).acquire()  # the lock was given back

    def open_it(dialog):
        type_into_focus(qtbot, "wrong passphrase", then=Qt.Key.Key_Return)
        assert dialog.error.isVisible()
        type_into_focus(qtbot, PASSPHRASE, then=Qt.Key.Key_Return)  # over the selected wrong one

    driver = Driver(qtbot, open_it)
    opened = app_module.open_with_recovery(path)
    driver.check()
    try:
        assert opened is not None and opened.lock is not None
        assert sorted(c.name for c in customers.list_customers()) == NAMES
    finally:
        opened.release()
        db.close()


def test_file_open_asks_for_the_passphrase_and_cancel_keeps_the_current_journal(qtbot, make_window, tmp_path):
    other = tmp_path / "other.sqlite3"
    db.connect(other)
    customers.create_customer(name="Otto Other")
    db.close()
    crypto.change_protection(other, None, PASSPHRASE)
    crypto.forget()
    window = make_window(populate=people)
    before = other.read_bytes()

    driver = Driver(qtbot, lambda dialog: qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape))
    window.files.switch_journal(other)
    driver.check()
    assert window.journal_path.name == "journal.sqlite3" and window.customer_list.model.rowCount() == 3
    assert other.read_bytes() == before and customers.list_customers()[0].name == "Ada Lovelace"

    driver = Driver(qtbot, lambda dialog: type_into_focus(qtbot, PASSPHRASE, then=Qt.Key.Key_Return))
    window.files.switch_journal(other)
    driver.check()
    assert window.journal_path == other and window.customer_list.model.rowCount() == 1
    assert window.actions.remove_protection.isVisible() and not window.actions.protect.isVisible()
    window.files.switch_journal(tmp_path / "journal.sqlite3")  # a plain journal: nothing asked
    assert window.customer_list.model.rowCount() == 3 and window.actions.protect.isVisible()


def test_change_then_remove_the_protection_from_the_file_menu(qtbot, make_window, tmp_path, lately_home):
    window = make_window(populate=people)
    protect_from_the_menu(qtbot, window)
    window.actions.backup_now.trigger()
    path = window.journal_path

    def change(dialog):
        assert dialog.current.hasFocus()
        type_into_focus(qtbot, "not it at all", then=Qt.Key.Key_Return)
        assert dialog.error.text() == "That passphrase does not open this journal." and dialog.current.hasFocus()
        type_into_focus(qtbot, PASSPHRASE)
        assert dialog.new.hasFocus()
        type_into_focus(qtbot, "short", then=Qt.Key.Key_Return)
        assert "at least 8 characters" in dialog.error.text() and dialog.new.hasFocus()
        type_into_focus(qtbot, "Copper kettle 7")
        type_into_focus(qtbot, "Copper kettle 7", then=Qt.Key.Key_Return)

    driver = Driver(qtbot, change)
    window.actions.change_passphrase.trigger()
    driver.check()
    assert crypto.opens(path, "Copper kettle 7") and not crypto.opens(path, PASSPHRASE)
    assert all(crypto.opens(b.path, "Copper kettle 7") for b in backups.list_backups(path))
    assert window.customer_list.model.rowCount() == 3

    def remove(dialog):
        type_into_focus(qtbot, "Copper kettle 7", then=Qt.Key.Key_Return)

    driver = Driver(qtbot, remove)
    window.actions.remove_protection.trigger()
    driver.check()
    assert path.read_bytes().startswith(crypto.SQLITE_HEADER)
    assert all(b.path.read_bytes().startswith(crypto.SQLITE_HEADER) for b in backups.list_backups(path))
    assert window.actions.protect.isVisible() and window.customer_list.model.rowCount() == 3
    assert "no longer protected" in window.statusBar().currentMessage()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert window.findChildren(PassphraseDialog) == []  # no typed passphrase lingers in a hidden dialog
    window.close()
    assert_never_written(tmp_path, lately_home, secrets=(PASSPHRASE, "Copper kettle 7"))


def test_cancel_in_the_protect_dialog_changes_nothing(qtbot, make_window):
    window = make_window(populate=people)
    before = window.journal_path.read_bytes()
    driver = Driver(qtbot, lambda dialog: (type_into_focus(qtbot, PASSPHRASE),
                                    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)))
    window.actions.protect.trigger()
    driver.check()
    assert window.journal_path.read_bytes() == before and window.actions.protect.isVisible()
    assert window.customer_list.model.rowCount() == 3


def test_restore_a_backup_of_a_protected_journal(qtbot, make_window, monkeypatch):
    from ui.files import recovery

    window = make_window(populate=people)
    protect_from_the_menu(qtbot, window)
    window.actions.backup_now.trigger()
    customers.create_customer(name="Added after the backup")
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(recovery.RestoreDialog, "exec", lambda self: True)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.files.choose_backup()
    names = sorted(c.name for c in customers.list_customers())
    assert names == NAMES and window.customer_list.model.rowCount() == 3
    assert crypto.is_encrypted(window.journal_path) and window.actions.change_passphrase.isVisible()
    assert all(crypto.is_encrypted(b.path) for b in backups.list_backups(window.journal_path))
    assert {b.reason for b in backups.list_backups(window.journal_path)} == {"manual", "before-restore"}


def test_protecting_a_journal_another_process_is_reading_says_so_and_goes_on(qtbot, make_window, no_modal_boxes):
    import subprocess
    import sys

    window = make_window(populate=people)
    code = ("import sqlite3, sys\n"
            f"con = sqlite3.connect({str(window.journal_path)!r})\n"
            "con.execute('BEGIN'); con.execute('SELECT count(*) FROM customer').fetchone()\n"
            "print('reading', flush=True); sys.stdin.read()\n")
    reader = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "reading"
        customers.create_customer(name="Written while it reads")  # frames in the WAL the reader holds on to
        protect_from_the_menu(qtbot, window)
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    [(kind, _title, text)] = no_modal_boxes
    assert kind == "warning" and "in use" in text and "nothing was changed" in text
    assert not crypto.is_encrypted(window.journal_path) and window.actions.protect.isVisible()
    assert window.customer_list.model.rowCount() == 4  # the window goes on with the journal as it was
    customers.create_customer(name="And after")
    assert len(customers.list_customers()) == 5


def test_a_damaged_protected_journal_at_start_offers_its_backups(qtbot, tmp_path, monkeypatch):
    import os

    from ui.files import recovery

    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    people()
    db.close()
    crypto.change_protection(path, None, PASSPHRASE)
    db.connect(path)
    backups.make_backup(path, "manual")
    db.close()
    data = bytearray(path.read_bytes())
    data[:4096] = os.urandom(4096)
    path.write_bytes(data)
    crypto.forget()
    asked = []

    def choose(parent, journal_path, problem):
        asked.append(problem)
        return recovery.RESTORE, backups.newest_sound_backup(journal_path)

    monkeypatch.setattr(recovery, "choose_recovery", choose)
    driver = Driver(qtbot, lambda dialog: type_into_focus(qtbot, PASSPHRASE, then=Qt.Key.Key_Return))
    opened = app_module.open_with_recovery(path)
    driver.check()
    try:
        assert opened is not None and "so the file is damaged" in asked[0]
        assert sorted(c.name for c in customers.list_customers()) == NAMES
        [aside] = [p for p in tmp_path.iterdir() if "damaged" in p.name]
        assert aside.read_bytes() == data  # kept as it was, to be rescued
    finally:
        opened.release()
        db.close()
