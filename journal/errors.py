"""The errors the core raises on purpose; anything else is a bug."""

from peewee import OperationalError


class JournalError(Exception):
    """Base for every error the journal raises for the user to read."""


class ValidationError(JournalError, ValueError):
    """Input that cannot be saved. Names the field and the reason."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field.replace('_', ' ').capitalize()}: {reason}")


class NotFound(JournalError, LookupError):
    def __init__(self, what: str, ident):
        self.what = what
        self.ident = ident
        super().__init__(f"No {what} with id {ident}")


class JournalDamaged(JournalError):
    """The file is not a journal, or SQLite reports it as corrupt."""


class JournalTooNew(JournalError):
    """The file was written by a newer Lately; we never migrate backwards."""


class DiskFull(JournalError, OperationalError):
    """SQLite could not write: the disk (or the journal's filesystem) is full.
    Also an OperationalError, so code that catches database errors still does."""


class JournalReadOnly(JournalError):
    """The journal's file, folder or disk cannot be written, so it cannot be opened there."""


class ServerUnavailable(JournalError):
    """A journal on a PostgreSQL server could not be reached or logged in to;
    the message says which server and why, in the server's own words."""


class JournalEmpty(JournalError):
    """The file is empty (0 bytes): no journal, but not to be made one without asking."""

class Cancelled(JournalError):
    """The person pressed Cancel: the work stopped and its transaction rolled back."""

    def __init__(self, message: str = "Cancelled; nothing was changed."):
        super().__init__(message)
