"""Drafts of what is being typed in a dialog, saved as it is typed, so a crash
or a kill never loses a note. One draft per key."""

from __future__ import annotations

import json

from journal.writes import changes
from journal.rules import validate
from journal.errors import ValidationError
from journal.storage.models import Draft, me, now, upsert

QUICK_CAPTURE = "quick_capture"  # the quick-capture dialog's draft
THANK_YOU_CARDS = "thank_you_cards"  # messages written by hand in the cards window, and its hand selection


def _key(key) -> str:
    """The draft's row: on a team journal, the person's own (a colleague's note
    being typed, in a dialog of the same name, is theirs: never offered to
    another, never overwritten by another's typing)."""
    key = validate.text("draft", key, required=True, max_len=200)
    who = me()
    return f"{key}@{who}" if who else key


def every_key(key: str) -> list[str]:
    """The rows of a dialog's drafts: on a team journal, every person's."""
    key = validate.text("draft", key, required=True, max_len=200)
    return [k for (k,) in Draft.select(Draft.key).tuples() if k == key or k.startswith(f"{key}@")]


def save_draft(key: str, values: dict) -> changes.ChangeSet:
    key = _key(key)
    if not isinstance(values, dict):
        raise ValidationError("draft", f"must be named fields, not {type(values).__name__}")
    try:
        payload = json.dumps(values, default=str, ensure_ascii=False)
    except (TypeError, ValueError) as exc:  # a cycle, or a number of 4,301+ digits
        raise ValidationError("draft", f"cannot be saved ({exc})") from None
    validate.text("draft", payload, max_len=10_000_000)  # refuses lone surrogates, which SQLite cannot store
    with changes.recording() as recorded:
        changes.watch(Draft, key)
        upsert(Draft, ("key",), key=key, payload=payload, saved_at=now())
    return recorded.changeset


def load_draft(key: str) -> dict | None:
    key = _key(key)
    row = Draft.get_or_none(Draft.key == key)
    if row is None:
        return None
    try:
        return json.loads(row.payload)
    except ValueError:
        return None


def discard_draft(key: str) -> changes.ChangeSet:
    key = _key(key)
    with changes.recording() as recorded:
        changes.watch(Draft, key)
        Draft.delete().where(Draft.key == key).execute()
    return recorded.changeset
