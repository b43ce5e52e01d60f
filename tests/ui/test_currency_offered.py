"""On a system whose locale names no currency (LANG=C) and a journal that
names none, every amount read as a bare number. Lately now offers the currency
where money is first typed, the purchase dialog, and once chosen every amount
carries it: the customer page, the timeline and the Lately panel's words."""

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QComboBox

from journal.rules import words
from journal.writes import customers, settings
from journal.storage.models import Purchase
from journal.reads.timeline import TimelineEntry
from ui.common import format as fmt
from ui.timeline.timeline_view import ENTRY_ROLE, meta_text

from ui.customers.dialogs import PurchaseDialog

from .modal_helpers import when_open
from .test_main_window import people, press


@pytest.fixture
def no_currency_locale():
    before = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(before)
    fmt.install()


def log_purchase_by_keys(qtbot, window, product, amount, currency_keys=None):
    seen = {}

    def fill(dialog):
        seen["currency row"] = dialog.currency is not None and dialog.currency.isVisible()
        qtbot.keyClicks(QApplication.focusWidget(), product)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), amount)
        if currency_keys:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
            box = QApplication.focusWidget()
            seen["focus on currency"] = isinstance(box, QComboBox)
            qtbot.keyClicks(box, currency_keys)  # a combo box finds an item by its first letters
            seen["chosen"] = box.currentData()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        seen["open"] = dialog.isVisible()

    when_open(qtbot, PurchaseDialog, fill)
    press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "open" in seen, "the purchase dialog did not open, or was not filled"
    return seen


def test_the_first_purchase_offers_a_currency_and_every_amount_shows_it(qtbot, make_window, no_currency_locale):
    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    window.open_customer(ada)
    assert not fmt.currency_known()
    assert window.page.header.purchases.value.text() == "1 purchase · 1,800.00 in all"  # bare, as found

    seen = log_purchase_by_keys(qtbot, window, "Walnut desk", "25", currency_keys="EUR")
    assert seen == {"currency row": True, "focus on currency": True, "chosen": "EUR", "open": False}
    assert Purchase.select().where(Purchase.product == "Walnut desk").get().amount_cents == 2_500
    assert settings.get_settings().currency == "EUR"
    assert fmt.currency_known()
    assert window.page.header.purchases.value.text() == "2 purchases · €1,825.00 in all"
    assert words.money(180_000) == "€1,800.00"  # the Lately panel's words and the cards read the same
    model = window.page.timeline.model
    shown = [meta_text(e) for e in (model.index(r).data(ENTRY_ROLE) for r in range(model.rowCount()))
             if isinstance(e, TimelineEntry)]
    assert any("Purchase  ·  €25.00" in line for line in shown)  # the line under the purchase's title

    again = log_purchase_by_keys(qtbot, window, "Lamp", "10")  # known now: not asked again
    assert again == {"currency row": False, "open": False}


def test_left_without_a_currency_the_purchase_is_saved_and_nothing_is_set(qtbot, make_window, no_currency_locale):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    seen = log_purchase_by_keys(qtbot, window, "Walnut desk", "25")
    assert seen == {"currency row": True, "open": False}
    assert Purchase.select().where(Purchase.product == "Walnut desk").exists()
    assert settings.get_settings().currency == "" and not fmt.currency_known()
