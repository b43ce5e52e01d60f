"""vCard import (versions 2.1, 3.0 and 4.0; one or many cards per file) with
vobject: names, organisation, emails, phones, postal addresses and notes."""

from __future__ import annotations

import vobject

from ..errors import JournalError
from .csv_import import Plan


def _text(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if str(v).strip())
    return str(value or "").strip()


def _address(adr) -> str:
    value = adr.value
    parts = [value.street, value.extended, value.box, " ".join(p for p in (value.code, value.city) if p),
             value.region, value.country]
    return "\n".join(_text(p) for p in parts if _text(p))


def read_cards(data: bytes) -> list[dict]:
    """Customer values from every card in the file."""
    text = data.decode("utf-8-sig", errors="replace")
    cards = []
    try:
        for card in vobject.readComponents(text, ignoreUnreadable=True):
            if card.name != "VCARD":
                continue
            contents = card.contents
            name = _text(contents["fn"][0].value) if "fn" in contents else ""
            if not name and "n" in contents:
                n = contents["n"][0].value
                name = " ".join(p for p in (_text(n.prefix), _text(n.given), _text(n.additional), _text(n.family))
                                if p)
            org = contents.get("org", [])
            emails = [_text(e.value) for e in contents.get("email", [])]
            phones = [_text(t.value) for t in contents.get("tel", [])]
            notes = [_text(n.value) for n in contents.get("note", [])]
            cards.append({
                "name": name,
                "company": _text(org[0].value[0] if isinstance(org[0].value, list) else org[0].value) if org else "",
                "email": emails[0] if emails else "",
                "phone": ", ".join(p for p in phones if p),
                "address": _address(contents["adr"][0]) if "adr" in contents else "",
                "interests": "",
                "notes": "\n".join(n for n in notes if n),
                "other_emails": emails[1:],
            })
    except Exception as exc:  # noqa: BLE001 - vobject raises many kinds for a broken file
        raise JournalError(f"This is not a vCard file vobject can read: {exc}") from exc
    if not cards:
        raise JournalError("No contact cards were found in the file.")
    return cards


def plan_cards(data: bytes) -> Plan:
    """The same kind of plan as a CSV import, so the same preview and import
    apply. A card's notes become an internal note on the customer's timeline."""
    from .csv_import import Table, plan_customers

    cards = read_cards(data)
    columns = ["name", "company", "email", "phone", "address"]
    table = Table(columns, [[card[c] for c in columns] for card in cards], "UTF-8", ",")
    plan = plan_customers(table, {i: c for i, c in enumerate(columns)})
    notes = {}
    for line, card in enumerate(cards, start=2):
        extra = [card["notes"]] if card["notes"] else []
        if card["other_emails"]:
            extra.append("Other email addresses: " + ", ".join(card["other_emails"]))
        notes[line] = "\n\n".join(extra)
    for line, values in plan.new:
        if notes.get(line):
            values["_note"] = notes[line]
    return plan
