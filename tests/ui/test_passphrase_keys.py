"""The passphrase and team-journal dialogs by keyboard, as found by trying the app in a real
window: in "Protect the journal with a passphrase", Tab from "Repeat it" went to
Cancel (made first, drawn last) and Enter there cancelled without a word — a
person believed the journal was encrypted when nothing had been done."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from ui.files.passphrase_dialog import PassphraseDialog

from .focus_helpers import check_focus_chain, check_mnemonics, focused


def shown(qtbot, **kinds):
    dialog = PassphraseDialog(None, "Protect the journal with a passphrase", "<p>journal.sqlite3</p>", "Protect",
                              **kinds)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


@pytest.mark.parametrize("kinds", [dict(new=True), dict(current=True, new=True), dict(current=True)],
                         ids=["protect", "change", "unlock or remove"])
def test_tab_goes_through_the_fields_then_the_buttons_as_drawn(qtbot, kinds):
    dialog = shown(qtbot, **kinds)
    check_focus_chain(qtbot, dialog, dialog.fields()[0])
    check_mnemonics(qtbot, dialog)


def test_typing_twice_tab_and_enter_protects(qtbot):
    dialog = shown(qtbot, new=True)
    qtbot.keyClicks(focused(), "correct horse battery")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "correct horse battery")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.accept_button  # the next button is the one drawn next: Protect
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.new.text() == "correct horse battery"


def test_connect_to_a_team_journal_tabs_to_connect_before_cancel(qtbot, lately_home):
    from ui.files.team_dialogs import ConnectDialog

    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    chain = check_focus_chain(qtbot, dialog, dialog.host)
    assert chain.index(dialog.connect_button) == chain.index(dialog.url) + 1  # the last field, then Connect
