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


def ago(value: date | datetime | None, today: date) -> str:
    if value is None:
        return "never"
    days = today.toordinal() - value.toordinal()
    if days < 0:
        return f"in {-days} days"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def money(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def ago_short(value: date | datetime | None, today: date) -> str:
    """'3 d', '5 wk', '4 mo', '2 yr': for narrow columns."""
    if value is None:
        return "—"
    days = today.toordinal() - value.toordinal()
    if days <= 0:
        return "today" if days == 0 else "ahead"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} d"
    if days < 60:
        return f"{days // 7} wk"
    if days < 730:
        return f"{days // 30} mo"
    return f"{days // 365} yr"
