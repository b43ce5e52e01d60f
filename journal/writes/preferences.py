"""What the settings dialog saves, in one transaction: the owner's settings
and each tag's cadence. Above both `settings` and `customers` (customers read
the settings), so neither imports the other round a circle."""

from __future__ import annotations

from journal.writes import changes, customers
from journal.errors import ValidationError
from journal.writes.settings import Settings, update_settings


def save_settings(values: dict, tag_cadences: dict[str, object] | None = None,
                  expected: dict | None = None) -> Settings:
    """What the settings dialog saves, all of it or none of it: the owner's
    settings and each tag's cadence (None or "" = the tag has none). A bad value
    anywhere raises ValidationError and nothing is stored. `expected`: the
    settings as the dialog showed them; one a colleague changed since is
    refused (ChangedSince, update_settings), and nothing is stored."""
    if not isinstance(values, dict) or not isinstance(tag_cadences, (dict, type(None))):
        raise ValidationError("settings", "are not a set of named values")
    with changes.recording():
        saved = update_settings(expected, **values)
        for name, days in (tag_cadences or {}).items():
            customers.set_tag_cadence(name, None if days is None or (isinstance(days, str) and not days.strip()) else days)
    return saved
