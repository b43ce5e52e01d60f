"""Words and numbers as a person writes them.

The core writes some sentences itself (the Lately panel's evidence, reports).
How a date, a number or a sum of money reads belongs to the user's locale and
the business's currency, which only the app knows: it calls `use()` at start
(and when the currency setting changes) with formatters built on Qt's QLocale.
Tests and the command line get the plain defaults below: unambiguous, and the
same on every machine."""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable

_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _plain_day(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month]} {value.year}"


def _plain_number(value: int) -> str:
    return f"{value:,}"


def _plain_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) / 100:,.2f}"


_day: Callable[[date], str] = _plain_day
_number: Callable[[int], str] = _plain_number
_money: Callable[[int], str] = _plain_money


def use(*, day: Callable[[date], str] | None = None, number: Callable[[int], str] | None = None,
        money: Callable[[int], str] | None = None) -> None:
    """Format dates, whole numbers and money with these from now on; None
    puts back the plain default."""
    global _day, _number, _money
    _day = day or _plain_day
    _number = number or _plain_number
    _money = money or _plain_money


def day(value: date | datetime | None) -> str:
    """A calendar day in the user's medium format: '5 Mar 2026', 'Mar 5, 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _day(value)


def number(value: int) -> str:
    """A whole number with the locale's digit grouping: '5,000', '5.000'."""
    return _number(value)


def money(cents: int) -> str:
    """An amount in the business's currency: '€492.00', '492,00 €'."""
    return _money(cents)


# Plurals: English has two forms; the irregular ones Lately uses are listed.
_IRREGULAR = {"entry": "entries", "person": "people", "company": "companies", "reply": "replies",
              "this": "these", "is": "are", "was": "were", "has": "have"}


def plural_of(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The word alone, agreeing with count: noun(1, 'card') -> 'card'."""
    return singular if count == 1 else (plural or plural_of(singular))


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun: '1 customer', '2 customers', '5,000 customers'."""
    return f"{number(count)} {noun(count, singular, plural)}"


def listed(things) -> str:
    """Things as a sentence lists them: 'a', 'a and b', 'a, b and c'."""
    things = list(things)
    return things[0] if len(things) == 1 else f"{', '.join(things[:-1])} and {things[-1]}" if things else ""
