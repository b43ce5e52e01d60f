"""Drafts of what is being typed in a dialog, saved as it is typed, so a crash
or a kill never loses a note. One draft per key."""

from __future__ import annotations

import json

from .models import Draft, database, now, upsert

QUICK_CAPTURE = "quick_capture"  # the quick-capture dialog's draft
THANK_YOU_CARDS = "thank_you_cards"  # messages written by hand in the cards window, and its hand selection


def save_draft(key: str, values: dict) -> None:
    payload = json.dumps(values, default=str, ensure_ascii=False)
    with database.atomic():
        upsert(Draft, ("key",), key=key, payload=payload, saved_at=now())


def load_draft(key: str) -> dict | None:
    row = Draft.get_or_none(Draft.key == key)
    if row is None:
        return None
    try:
        return json.loads(row.payload)
    except ValueError:
        return None


def discard_draft(key: str) -> None:
    Draft.delete().where(Draft.key == key).execute()
