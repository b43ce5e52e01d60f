"""Turning user input into clean values, or a ValidationError naming the field."""

from datetime import date, datetime
import re

from .errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fields(values: dict, rules: dict, what: str) -> dict:
    """Clean each value by its field's rule; a field with no rule is refused."""
    unknown = set(values) - set(rules)
    if unknown:
        raise ValidationError(sorted(unknown)[0], f"is not {what} field")
    return {key: rules[key](value) for key, value in values.items()}


def text(field: str, value, *, required=False, max_len=10_000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be text, not {type(value).__name__}")
    value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not value:
        raise ValidationError(field, "must not be empty")
    if len(value) > max_len:
        raise ValidationError(field, f"is too long ({len(value)} characters, at most {max_len})")
    return value


def choice(field: str, value, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(sorted(allowed))
        raise ValidationError(field, f"unknown value {value!r} (expected one of: {options})")
    return value


def email(field: str, value) -> str:
    value = text(field, value, max_len=320)
    if value and not _EMAIL.match(value):
        raise ValidationError(field, f"{value!r} is not an email address")
    return value


def as_date(field: str, value, *, required=True) -> date | None:
    if value is None or value == "":
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        try:
            result = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, f"{value!r} is not a date (use YYYY-MM-DD)") from None
    else:
        raise ValidationError(field, f"{value!r} is not a date")
    _check_year(field, result)
    return result


def _check_year(field, value):
    if not 1900 <= value.year <= 2200:
        raise ValidationError(field, f"{value:%Y-%m-%d} is outside the years 1900-2200")


def as_datetime(field: str, value, *, required=True) -> datetime | None:
    if value is None or value == "":
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, f"{value!r} is not a date and time (use YYYY-MM-DD HH:MM)") from None
    else:
        raise ValidationError(field, f"{value!r} is not a date and time")
    if result.tzinfo is not None:
        result = result.astimezone().replace(tzinfo=None)
    _check_year(field, result)
    return result.replace(microsecond=0)


def whole_number(field: str, value, *, minimum=None, maximum=None, required=True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(field, f"{value!r} is not a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ValidationError(field, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return number
