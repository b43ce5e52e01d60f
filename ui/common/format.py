"""How dates, money and durations read on screen: in the user's locale (Qt's
QLocale, which follows the system), with money in the business's currency.

`install()` hands the locale's formatters to journal.rules.words, so the sentences the
core writes (the Lately panel's evidence) read the same as the rest of the window."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from PySide6.QtCore import QDate, QLocale, QTime

from journal.rules import words

_locale = QLocale()
_day_format = "d MMM yyyy"


def medium_date_format(locale: QLocale) -> str:
    """The locale's long date without the weekday and with the short month name:
    'MMM d, yyyy' (en_US), 'd MMM yyyy' (en_GB), 'd. MMM yyyy' (de_DE), 'yyyy年M月d日' (ja_JP).
    Qt has a long and a short format only; the short one is ambiguous ('3/11/26')."""
    long = locale.dateFormat(QLocale.FormatType.LongFormat)
    medium = re.sub(r"dddd[\s,.]*|[\s,]*dddd", "", long, count=1).replace("MMMM", "MMM").strip(" ,")
    return medium or "d MMM yyyy"


@lru_cache(maxsize=256)
def _currencies(language) -> dict[str, tuple[str, str]]:
    """ISO code -> (symbol, name), from the locales that use each currency; the
    user's own language first, then English, so '$' and 'US Dollar' rather
    than a name in Cherokee."""
    found: dict[str, tuple[int, str, str]] = {}
    for locale in QLocale.matchingLocales(QLocale.Language.AnyLanguage, QLocale.Script.AnyScript,
                                          QLocale.Country.AnyCountry):
        code = locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
        if not code:
            continue
        rank = 0 if locale.language() == language else 1 if locale.language() == QLocale.Language.English else 2
        if code not in found or rank < found[code][0]:
            found[code] = (rank, locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol),
                           locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyDisplayName))
    return {code: (symbol, name) for code, (_, symbol, name) in found.items()}


def currencies() -> list[tuple[str, str]]:
    """Every currency Qt knows, as (ISO code, 'EUR — Euro'), sorted by code."""
    table = _currencies(_locale.language())
    return [(code, f"{code} — {name}" if name else code) for code, (_, name) in sorted(table.items())]


def system_currency() -> str:
    """The ISO code of the system locale's currency; '' where it has none (the C locale)."""
    return QLocale().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)


def install(currency: str = "", locale: QLocale | None = None) -> None:
    """Format with `locale` (the system's by default) and show money in
    `currency` (an ISO code; '' for the locale's own)."""
    global _locale, _day_format
    _locale = QLocale(locale) if locale is not None else QLocale()
    _day_format = medium_date_format(_locale)
    _cached_day.cache_clear()
    # The C locale (LANG=C) groups no digits and has no currency: numbers then read
    # as in en_US ("1,234.50") rather than "1234.50".
    numbers = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates) \
        if _locale.language() == QLocale.Language.C else _locale
    own = _locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
    if own and currency in ("", own):
        # The locale's own symbol, or its ISO code where it has none ("12,50 CHF").
        symbol = _locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol) or own
    elif currency:
        symbol = _currencies(_locale.language()).get(currency, ("", ""))[0] or currency
    else:
        symbol = None  # no currency known: the amount alone

    def money_text(cents: int, loc=numbers, symbol=symbol) -> str:
        if symbol is None:
            return loc.toString(cents / 100, "f", 2)
        return loc.toCurrencyString(cents / 100, symbol, 2)

    words.use(day=_cached_day, number=lambda n, loc=numbers: loc.toString(n), money=money_text)
    global _currency_known
    _currency_known = symbol is not None


_currency_known = False


def currency_known() -> bool:
    """False while neither the system's locale nor the journal names a currency:
    amounts then read as bare numbers, and the places money is typed offer one."""
    return _currency_known


def date_format() -> str:
    """The display format of date editors: the same medium date as everywhere else."""
    return _day_format


def date_time_format() -> str:
    return f"{_day_format}, {_locale.timeFormat(QLocale.FormatType.ShortFormat)}"


@lru_cache(maxsize=4096)
def _cached_day(value: date) -> str:
    return _locale.toString(QDate(value.year, value.month, value.day), _day_format)


def day(value: date | datetime | None) -> str:
    return words.day(value)


def moment(value: datetime) -> str:
    time = _locale.toString(QTime(value.hour, value.minute), QLocale.FormatType.ShortFormat)
    return f"{day(value)}, {time}"


def month_title(year: int, month: int) -> str:
    return f"{_locale.standaloneMonthName(month, QLocale.FormatType.LongFormat)} {year}"


def money(cents: int) -> str:
    return words.money(cents)


def _span(days: int) -> tuple[int, str]:
    """A number of days as the unit a person would use: (3, "week")."""
    if days < 14:
        return days, "day"
    if days < 60:
        return days // 7, "week"
    if days < 730:
        return days // 30, "month"
    return days // 365, "year"


def ago(value: date | datetime | None, today: date) -> str:
    if value is None:
        return "never"
    days = today.toordinal() - value.toordinal()
    if days < 0:
        return "tomorrow" if days == -1 else f"in {words.plural(-days, 'day')}"
    if days in (0, 1):
        return ("today", "yesterday")[days]
    number, unit = _span(days)
    return f"{words.plural(number, unit)} ago"


_SHORT_UNITS = {"day": "d", "week": "wk", "month": "mo", "year": "yr"}


def ago_short(value: date | datetime | None, today: date) -> str:
    """'3 d', '5 wk', '4 mo', '2 yr': for narrow columns."""
    if value is None:
        return "—"
    days = today.toordinal() - value.toordinal()
    if days <= 1:
        return "ahead" if days < 0 else ("today", "yesterday")[days]
    number, unit = _span(days)
    return f"{number} {_SHORT_UNITS[unit]}"
