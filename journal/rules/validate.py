"""Turning user input into clean values, or a ValidationError naming the field.

Every public write service checks its input here before it touches the
journal, so anything a caller passes is either saved or refused with a
ValidationError; nothing else escapes (tests/journal/test_fuzz.py enumerates
the services, benchmarks/soak_services.py runs 20,000 generated calls)."""

from datetime import date, datetime
import math
import re

from journal.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ID = 2**63 - 1  # SQLite's INTEGER
MAX_DIGITS = 18  # a whole number typed with more digits is a mistake, and int() of 4,301+ digits fails


def shown(value, limit: int = 40) -> str:
    """A value as quoted in a message: its repr, cut short (a pasted novel or a
    number of 5,000 digits must not become the message)."""
    try:
        text = repr(value)
    except Exception:  # a caller's object whose repr fails: name its type
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fields(values: dict, rules: dict, what: str) -> dict:
    """Clean each value by its field's rule; a field with no rule is refused."""
    if not isinstance(values, dict):
        raise ValidationError(what.split()[-1], f"must be given as named fields, not {type(values).__name__}")
    unknown = set(values) - set(rules)
    if unknown:
        raise ValidationError(str(sorted(map(str, unknown))[0]), f"is not {what} field")
    return {key: rules[key](value) for key, value in values.items()}


def text(field: str, value, *, required=False, max_len=10_000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be text, not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: not text any file or database can hold
        raise ValidationError(field, f"contains a character that is not valid text (at position {exc.start})") from None
    value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not value:
        raise ValidationError(field, "must not be empty")
    if len(value) > max_len:
        raise ValidationError(field, f"is too long ({len(value)} characters, at most {max_len})")
    return value


def choice(field: str, value, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(sorted(allowed))
        raise ValidationError(field, f"unknown value {shown(value)} (expected one of: {options})")
    return value


def ident(field: str, value) -> int:
    """The id of a row: a whole number SQLite can hold. (A missing row is the
    service's NotFound or ValidationError; this refuses what cannot be an id.)"""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"{shown(value)} is not an id")
    if not 1 <= value <= MAX_ID:
        raise ValidationError(field, f"there is no {field} with id {shown(value)}")
    return int(value)


def idents(field: str, values) -> list[int]:
    """Many ids at once (taking back an import): a list, a tuple or a set of ids."""
    if not isinstance(values, (list, tuple, set, frozenset, range)):
        raise ValidationError(field, f"must be a list of ids, not {type(values).__name__}")
    return [ident(field, v) for v in values]


def flag(field: str, value) -> bool:
    """Yes or no: True or False (or 1 and 0), never a truthy string like "no"."""
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise ValidationError(field, f"{shown(value)} is not yes or no")


def names(field: str, value, *, max_len=60) -> tuple[str, ...]:
    """A list of short names (tags): "a, b" or ["a", "b"]; blanks are dropped,
    repeats kept once, anything that is not text refused."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        raise ValidationError(field, "must be a list of names")
    cleaned = (text(field, item, max_len=max_len) if isinstance(item, str) else _not_text(field, item)
               for item in value)
    return tuple(dict.fromkeys(name for name in cleaned if name))


def _not_text(field, item):
    raise ValidationError(field, f"{shown(item)} is not a name")


def finite_number(field: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(field, f"{shown(value)} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) > 1e12:
        raise ValidationError(field, f"{shown(value)} is out of range")
    return number


def email(field: str, value) -> str:
    value = text(field, value, max_len=320)
    if value and not _EMAIL.match(value):
        raise ValidationError(field, f"{shown(value)} is not an email address")
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
            raise ValidationError(field, f"{shown(value)} is not a date (use YYYY-MM-DD)") from None
    else:
        raise ValidationError(field, f"{shown(value)} is not a date")
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
            raise ValidationError(field, f"{shown(value)} is not a date and time (use YYYY-MM-DD HH:MM)") from None
    else:
        raise ValidationError(field, f"{shown(value)} is not a date and time")
    if result.tzinfo is not None:
        _check_year(field, result)  # before converting: 9999-12-31T23:59:59-14:00 has no local time
        try:
            result = result.astimezone().replace(tzinfo=None)
        except (OverflowError, ValueError, OSError):
            raise ValidationError(field, f"{shown(value)} has no local time") from None
    _check_year(field, result)
    return result.replace(microsecond=0)


def whole_number(field: str, value, *, minimum=None, maximum=None, required=True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(field, f"{shown(value)} is not a whole number")
    if isinstance(value, str):
        digits = value.strip().lstrip("+-").replace("_", "")
        if len(digits) > MAX_DIGITS:
            raise ValidationError(field, f"{shown(value)} has too many digits")
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(field, f"{shown(value)} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ValidationError(field, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return number
