"""Words and numbers on screen as a person writes them: the title once, one
empty state at a time, plurals, the business's currency, the cadence's source."""

from datetime import date, timedelta

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QComboBox

from journal.writes import customers, purchases, settings
from ui.common import format as fmt

from .test_main_window import dialogs_checked, drive_dialog, press  # noqa: F401 - the fixture checks every dialog driven


def test_the_title_names_the_journal_once(make_window):
    window = make_window()
    # The platform adds the application's name ("journal.sqlite3 — Lately").
    assert window.windowTitle() == "journal.sqlite3"


def test_a_new_journal_shows_one_empty_state_at_a_time(qtbot, make_window):
    window = make_window()
    panel = window.lately
    qtbot.waitUntil(lambda: "customers" in panel.empty.text())
    assert window.central.currentWidget() is window.empty_state
    assert not panel.summary.isVisible() and not panel.filter_row.isVisible()
    assert "All caught up" not in panel.empty.text() and "No customers yet" not in panel.summary.text()

    customers.create_customer(name="Ada Lovelace")
    window.events.changed.emit(None)
    panel.refresh()
    qtbot.waitUntil(panel.summary.isVisible)
    assert "of your 1 customer had something" in panel.summary.text()
    assert "not heard from you" not in panel.summary.text()  # no sale yet: nobody silent since one
    assert panel.filter_row.isVisible()
    purchases.add_purchase(customers.find_by_name("Ada Lovelace").id, date.today() - timedelta(days=20), "Desk", 900)
    window.events.changed.emit(None)
    panel.refresh()
    qtbot.waitUntil(lambda: "not heard from you" in panel.summary.text())
    assert "<b>100%</b> has not heard from you since their first sale" in panel.summary.text()


def ada_with_purchase():
    ada = customers.create_customer(name="Ada Lovelace", tags=["vip"])
    customers.set_tag_cadence("vip", 30)
    purchases.add_purchase(ada.id, date.today() - timedelta(days=40), "Oak table", 49_200)


def test_the_header_names_the_cadence_tag_and_counts_in_the_singular(make_window):
    window = make_window(populate=ada_with_purchase)
    page = window.page.header
    assert "stay in touch every 30 days, from tag vip" in page.subtitle.text()
    assert "(default)" not in page.subtitle.text()
    assert page.purchases.value.text().startswith("1 purchase · 492.00 in all")


def test_money_is_shown_in_the_currency_chosen_in_settings(qtbot, make_window):
    window = make_window(populate=ada_with_purchase)

    def choose_us_dollars(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
        combo = QApplication.focusWidget()
        assert isinstance(combo, QComboBox) and combo is dialog.currency
        qtbot.keyClicks(combo, "USD")
        assert combo.currentData() == "USD"
        qtbot.keyClick(combo, Qt.Key.Key_Return)

    drive_dialog(qtbot, choose_us_dollars)
    press(qtbot, window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert settings.get_settings().currency == "USD"
    assert window.page.header.purchases.value.text().startswith("1 purchase · $492.00 in all")


def test_a_refused_currency_code_names_the_problem(journal):
    import pytest

    from journal.errors import ValidationError

    with pytest.raises(ValidationError, match="currency"):
        settings.update_settings(currency="E1R")
    assert settings.update_settings(currency="eur").currency == "EUR"


def test_dates_and_money_follow_the_locale():
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    fmt.install("", german)
    assert fmt.day(date(2026, 3, 5)) == "5. März 2026"
    assert fmt.money(123456) == "1.234,56\u00a0€"
    assert fmt.month_title(2026, 3) == "März 2026"
    fmt.install("USD", QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert fmt.day(date(2026, 3, 5)) == "Mar 5, 2026"
    assert fmt.money(123456) == "$1,234.56"
    fmt.install("", QLocale(QLocale.Language.French, QLocale.Country.Switzerland))
    assert fmt.money(1250).endswith("CHF")  # the locale has no symbol: its code


def test_the_medium_date_drops_the_weekday_and_shortens_the_month():
    def medium(language, country):
        return fmt.medium_date_format(QLocale(language, country))

    L, C = QLocale.Language, QLocale.Country
    assert medium(L.English, C.UnitedStates) == "MMM d, yyyy"
    assert medium(L.English, C.UnitedKingdom) == "d MMM yyyy"
    assert medium(L.German, C.Germany) == "d. MMM yyyy"
    assert medium(L.Japanese, C.Japan) == "yyyy年M月d日"
    assert medium(L.Spanish, C.Spain) == "d 'de' MMM 'de' yyyy"
