"""An amount nobody could have meant, typed in the purchase dialog: a message
beside the amount, the dialog stays open with what was typed, nothing saved."""

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from journal.writes import customers
from journal.storage.models import Purchase

from ui.common.forms import ErrorLabel

from .test_main_window import drive_dialog, people, press


def test_a_4301_digit_amount_or_1e3_gets_a_message_and_saves_nothing(qtbot, make_window):
    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    before = Purchase.select().count()
    seen = {}

    def tab_to(widget):
        for _ in range(6):
            if QApplication.focusWidget() is widget:
                return
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is widget, QApplication.focusWidget()

    def fill(dialog):
        gc.collect()
        qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()), timeout=2000)
        assert QApplication.focusWidget() is dialog.product  # the form opens in its first field
        qtbot.keyClicks(QApplication.focusWidget(), "Walnut desk")
        tab_to(dialog.amount)
        amount = QApplication.focusWidget()
        assert isinstance(amount, QLineEdit) and amount is dialog.amount
        qtbot.keyClicks(amount, "9" * 4301)
        qtbot.keyClick(amount, Qt.Key.Key_Return)
        seen["huge"] = dialog.errors.messages()
        shown = [label for label in dialog.findChildren(ErrorLabel) if label.isVisible()]
        seen["fits"] = [label.height() >= label.heightForWidth(label.width()) for label in shown]
        seen["open"] = dialog.isVisible()
        seen["focus"] = QApplication.focusWidget() is dialog.amount
        seen["kept"] = len(dialog.amount.text())
        seen["saved"] = Purchase.select().count()
        dialog.amount.selectAll()
        qtbot.keyClicks(QApplication.focusWidget(), "1e3")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["1e3"] = dialog.errors.messages()
        dialog.amount.selectAll()
        qtbot.keyClicks(QApplication.focusWidget(), "1,250.00")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    driver = drive_dialog(qtbot, fill)
    press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    driver.check()
    assert seen["huge"] == ["Amount: 4,301 digits is implausibly large"]
    assert seen["fits"] == [True]  # the whole message can be read
    assert seen["open"] and seen["focus"] and seen["kept"] == 4301 and seen["saved"] == before
    assert seen["1e3"] == ["Amount: '1e3' is not an amount of money"]
    assert Purchase.select().count() == before + 1
    assert Purchase.select().order_by(Purchase.id.desc()).first().amount_cents == 125_000
