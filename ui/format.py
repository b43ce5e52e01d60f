"""How dates, money and durations read on screen."""

from __future__ import annotations

from datetime import date, datetime

_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {_MONTHS[value.month]} {value.year}"


def moment(value: datetime) -> str:
    return f"{day(value)}, {value:%H:%M}"


def month_title(year: int, month: int) -> str:
    return f"{_MONTH_NAMES[month]} {year}"


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
        return f"in {-days} days"
    if days in (0, 1):
        return ("today", "yesterday")[days]
    number, unit = _span(days)
    return f"{number} {unit}s ago"


def money(cents: int) -> str:
    return f"{cents / 100:,.2f}"


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
