"""The cards window by keys, as a new user found it: its buttons had no Alt
letters, and nothing said that the signature was empty until the printed
cards ended without one."""

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QMessageBox, QWidget

from journal.writes import customers, purchases, settings

from .focus_helpers import check_mnemonics, focused, mnemonic, tab_stops
from .modal_helpers import when_open
from .test_main_window import press


def shop(owner_name="", signature=""):
    def populate():
        settings.update_settings(owner_name=owner_name, signature=signature)
        ada = customers.create_customer(name="Ada Lovelace", address="12 Marylebone Road\nLondon")
        purchases.add_purchase(ada.id, date.today() - timedelta(days=6), "Oak table", 180_000)
    return populate


def open_cards(qtbot, window):
    press(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    cards = window.cards_window
    cards.activateWindow()
    qtbot.waitUntil(cards.isActiveWindow, timeout=3000)
    qtbot.waitUntil(lambda: cards.recipients.count() > 0, timeout=5000)
    return cards


def check_every_letter(qtbot, cards):
    """Every visible button has its letter, every input a label with one (or is
    a check box, its own label), and no letter is used twice."""
    visible = [w for w in cards.findChildren(QWidget) if w.isVisibleTo(cards)]
    for button in (w for w in visible if isinstance(w, QAbstractButton) and w.text()):
        assert mnemonic(button.text()), f"the button {button.text()!r} has no Alt letter"
    labelled = {label.buddy() for label in visible if isinstance(label, QLabel) and mnemonic(label.text())}
    for field in tab_stops(cards):
        if field.isVisibleTo(cards) and not isinstance(field, QAbstractButton):
            assert field in labelled, f"{field!r} has no label with an Alt letter"
    check_mnemonics(qtbot, cards)


def test_every_button_and_field_of_the_cards_window_has_its_own_alt_letter(qtbot, make_window):
    window = make_window(populate=shop("Alex", "Warmly,\nAlex"))
    cards = open_cards(qtbot, window)
    check_every_letter(qtbot, cards)
    qtbot.keyClick(focused(), Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # only those bought between…
    qtbot.waitUntil(lambda: cards.in_range.isChecked() and cards.start.isEnabled())  # (a click drawn out, as by hand)
    qtbot.keyClick(focused(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert focused() is cards.start
    cards.set_occasion("hand")  # the hand selection's picker and Add button
    qtbot.waitUntil(lambda: cards.hand_box.isVisible())
    check_every_letter(qtbot, cards)
    qtbot.keyClick(focused(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert focused() is cards.picker


def test_an_empty_signature_is_said_and_set_before_printing(qtbot, make_window, monkeypatch):
    from ui.window.settings_dialog import SettingsDialog

    window = make_window(populate=shop())  # a new user: no name, no signature
    cards = open_cards(qtbot, window)
    assert cards.unsigned.isVisible()
    assert "signature is empty" in cards.unsigned.text() and "Edit › Settings" in cards.unsigned.text()
    assert cards.message.toPlainText().rstrip().endswith("serves you well.")  # unsigned
    seen = {}

    def sign(dialog):
        seen["focus"] = focused()
        qtbot.keyClicks(focused(), "Warmly, Alex")
        dialog.accept()

    def answer(box):
        seen["question"] = box.text()
        when_open(qtbot, SettingsDialog, sign)
        qtbot.keyClick(box, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Set signature…

    when_open(qtbot, QMessageBox, answer)
    previewed = []
    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: previewed.append(self) or 0)
    qtbot.keyClick(focused(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Print preview…
    qtbot.waitUntil(lambda: "focus" in seen, timeout=5000)
    assert "signature is empty" in seen["question"]
    assert isinstance(seen["focus"].window(), SettingsDialog) and seen["focus"] is seen["focus"].window().signature
    assert not previewed  # first the signature, then a look at the cards, then print
    assert settings.get_settings().signature == "Warmly, Alex"
    qtbot.waitUntil(lambda: cards.message.toPlainText().rstrip().endswith("Warmly, Alex"), timeout=5000)
    assert not cards.unsigned.isVisible()
    cards.activateWindow()
    qtbot.waitUntil(cards.isActiveWindow, timeout=3000)
    qtbot.keyClick(focused(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(previewed), timeout=3000)  # signed: no question, straight to the preview


def test_unsigned_cards_still_print_when_the_user_says_so(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window(populate=shop())
    cards = open_cards(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "cards.pdf"), ""))
    when_open(qtbot, QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier))
    qtbot.keyClick(focused(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # Cards as PDF…
    qtbot.waitUntil(lambda: (tmp_path / "cards.pdf").exists(), timeout=10_000)


def test_a_name_without_a_signature_is_said_but_not_asked(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window(populate=shop(owner_name="Alex"))
    cards = open_cards(qtbot, window)
    assert cards.unsigned.isVisible() and "“Alex”" in cards.unsigned.text()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "cards.pdf"), ""))
    qtbot.keyClick(focused(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # no question: straight to the file
    qtbot.waitUntil(lambda: (tmp_path / "cards.pdf").exists(), timeout=10_000)
