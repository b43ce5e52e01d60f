"""vCard import as address books really write it: 2.1 (Outlook, Android),
3.0 (Apple, Google, Evolution) and 4.0 (Thunderbird and newer phones).

Each card is read on its own (vcard_lines splits the file and decodes each
card's lines: quoted-printable, CHARSET, folds), so one broken card is
reported by its position ("Card 4 (Jörg Müller): …") and the others are
still imported.

Every e-mail address, phone and postal address is kept with its label: the
preferred (or first) of each goes to the customer's own field, the others
become the customer's other contacts (journal.writes.contacts). ORG keeps its units:
the organisation is the company, the departments go in the card's note, as do
job title, birthday, web sites and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from journal.rules import validate
from journal.errors import JournalError, ValidationError
from journal.io.csv_import import Plan, Problem
from journal.io.vcard_lines import Line, properties, split_cards, split_value, unescape

_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")


@dataclass
class Card:
    """One contact card as read: its place in the file and what it holds."""

    position: int  # 1 for the first card in the file
    line: int  # the file line where BEGIN:VCARD stands
    name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    tags: list[str] = field(default_factory=list)
    contacts: list[tuple[str, str, str]] = field(default_factory=list)  # the others: (kind, label, value)
    notes: list[str] = field(default_factory=list)  # lines for the customer's timeline note
    warnings: list[str] = field(default_factory=list)

    @property
    def who(self) -> str:
        return f"Card {self.position}" + (f" ({self.name})" if self.name else "")


@dataclass
class CardFile:
    cards: list[Card]  # the cards that could be read
    problems: list[Problem]  # cards that could not: line = where the card begins


def _types(line: Line) -> set[str]:
    found = set()
    for value in line.params.get("TYPE", []):
        found |= {t.strip().strip('"').lower() for t in value.split(",") if t.strip()}
    return found


def _preferred(line) -> bool:
    return "pref" in _types(line) or any(v.strip() == "1" for v in line.params.get("PREF", []))


def _label(line, labels: dict[str, str], kind: str) -> str:
    if line.group and line.group.lower() in labels:
        return labels[line.group.lower()]
    types = _types(line)
    words = []
    for word in ("home", "work"):
        if word in types:
            words.append(word)
    if kind == "phone":
        if types & {"cell", "mobile", "iphone"}:
            words.append("mobile")
        for word in ("fax", "pager", "main", "car", "video", "text", "textphone"):
            if word in types:
                words.append(word)
    if "other" in types and not words:
        words.append("other")
    return " ".join(words)


def _address_text(value: str) -> str:
    """An ADR value (post box; extended; street; locality; region; code; country)
    as the lines of an envelope: street lines, then code and city, region, country."""
    raw = (split_value(value, unescape=False) + [""] * 7)[:7]
    # An unescaped comma separates the lines of one part (3.0, 4.0: "Works,Unit 3").
    box, extended, street = ("\n".join(split_value(part, ",")) for part in raw[:3])
    city, region, code, country = (unescape(part) for part in raw[3:])
    lines = []
    for piece in (extended, street, box):
        lines += [line.strip() for line in piece.splitlines() if line.strip()]
    lines += _locality(city, region, code, country)
    return "\n".join(lines)


_CITY_REGION_CODE = {"us", "usa", "u.s.a.", "united states", "united states of america", "canada", "ca",
                     "australia", "au"}
_CITY_THEN_CODE = {"uk", "gb", "united kingdom", "great britain", "england", "scotland", "wales", "ireland"}


def _locality(city: str, region: str, code: str, country: str) -> list[str]:
    """Town, region and postcode in the order the country's post expects them."""
    where = country.casefold().strip()
    if where in _CITY_REGION_CODE or (not where and len(region) == 2 and region.isupper()):
        line = ", ".join(p for p in (city, " ".join(p for p in (region, code) if p)) if p)
        return [p for p in (line, country) if p]
    if where in _CITY_THEN_CODE:
        return [p for p in (city, region, code, country) if p]
    return [p for p in (" ".join(p for p in (code, city) if p), region, country) if p]


def _read_card(position: int, start: int, lines: list[bytes], complete: bool) -> Card:
    card = Card(position, start)
    text_lines, card.warnings = properties(lines)
    if not complete:
        card.warnings.append("it has no END:VCARD (the file may be cut off)")
    labels = {}
    for line in text_lines:
        if line.name == "X-ABLABEL" and line.group:
            text = unescape(line.value)
            match = _APPLE_LABEL.match(text)
            labels[line.group.lower()] = (match.group(1) if match else text).lower()
    emails, phones, addresses, notes = [], [], [], []
    fn = n = org = ""
    labelled_address = []
    for line in text_lines:
        name, value = line.name, line.value
        if name == "FN":
            fn = fn or unescape(value)
        elif name == "N":
            n = n or value
        elif name == "ORG":
            org = org or value
        elif name == "EMAIL":
            address = unescape(value)
            if address.lower().startswith("mailto:"):
                address = address[7:]
            if address:
                emails.append((_preferred(line), _label(line, labels, "email"), address))
        elif name == "TEL":
            number = unescape(value)
            if number.lower().startswith("tel:"):
                number = number[4:].replace(";ext=", " ext. ")
            if number:
                phones.append((_preferred(line), _label(line, labels, "phone"), number))
        elif name == "ADR":
            text = _address_text(value)
            if text:
                addresses.append((_preferred(line), _label(line, labels, "address"), text))
        elif name == "LABEL":
            labelled_address.append((_preferred(line), _label(line, labels, "address"), unescape(value)))
        elif name == "NOTE":
            notes.append(unescape(value))
        elif name == "CATEGORIES":
            card.tags += [t for t in split_value(value, ",") if t and t != "myContacts"]  # Google's every-contact group
        elif name in ("TITLE", "ROLE", "NICKNAME", "BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "URL", "IMPP",
                      "X-SKYPE", "X-AIM", "X-JABBER", "X-ABDATE"):
            words = {"TITLE": "Job title", "ROLE": "Role", "NICKNAME": "Nickname", "BDAY": "Birthday",
                     "ANNIVERSARY": "Anniversary", "X-ANNIVERSARY": "Anniversary", "URL": "Web site",
                     "IMPP": "Chat", "X-SKYPE": "Skype", "X-AIM": "AIM", "X-JABBER": "Jabber", "X-ABDATE": "Date"}
            shown = unescape(value)
            if shown:
                label = labels.get((line.group or "").lower())
                card.notes.append(f"{words[name]}{f' ({label})' if label else ''}: {shown}")
    if not addresses:
        addresses = [a for a in labelled_address if a[2]]
    # The organisation's name may hold commas ("Company, The"): only ';' separates its units.
    units = [u for u in split_value(org)] if org else []
    card.company = units[0] if units else ""
    departments = [u for u in units[1:] if u]
    if departments:
        card.notes.insert(0, "Department: " + " / ".join(departments))
    card.name = fn or _name_from_n(n) or card.company or (emails[0][2] if emails else "")
    _choose(card, "email", emails)
    _choose(card, "phone", phones)
    _choose(card, "address", addresses)
    main = [f"{entry[1]} {kind}" for kind, found in (("e-mail", emails), ("phone", phones), ("address", addresses))
            for entry in [next((e for e in found if e[0]), found[0] if found else None)] if entry and entry[1]]
    card.notes += [n for n in notes if n]
    if main:  # the customer's own e-mail, phone and address have no label of their own
        card.notes.append("Labels on the card of the main ones: " + ", ".join(main))
    _fit_fields(card)
    return card


def _fit_fields(card: Card) -> None:
    """What the customer's fields cannot hold goes whole into the note, so the
    card is imported rather than refused for one long value."""
    for attribute, limit in (("name", 200), ("company", 200), ("phone", 200)):
        value = getattr(card, attribute)
        if len(value) > limit:
            card.notes.append(f"{attribute.capitalize()} in full: {value}")
            card.warnings.append(f"its {attribute} is longer than {limit} characters; cut, and kept whole in the note")
            setattr(card, attribute, value[:limit].rstrip())
    long_tags = [t for t in card.tags if len(t) > 60]
    if long_tags:
        card.tags = [t for t in card.tags if len(t) <= 60]
        card.notes.append("Categories: " + ", ".join(long_tags))
        card.warnings.append("a category longer than 60 characters is kept in the note, not as a tag")
    for point in list(card.contacts):
        if point[0] == "phone" and len(point[2]) > 200:
            card.contacts.remove(point)
            card.notes.append(f"Phone ({point[1] or 'other'}): {point[2]}")
            card.warnings.append("a phone longer than 200 characters is kept in the note")
    card.contacts = [(kind, label[:60], value) for kind, label, value in card.contacts]


def _choose(card: Card, kind: str, found: list[tuple[bool, str, str]]) -> None:
    """The preferred one (else the first) for the customer's own field, the
    others, without repeats, as other contacts. E-mail addresses that are not
    e-mail addresses go to the note, with a warning."""
    if kind == "email":
        good = []
        for entry in found:
            try:
                validate.email("email", entry[2])
                good.append(entry)
            except ValidationError:
                card.warnings.append(f"e-mail {entry[2]!r} is not an e-mail address; kept in the note")
                card.notes.append(f"E-mail as written on the card: {entry[2]}")
        found = good
    if not found:
        return
    primary = next((entry for entry in found if entry[0]), found[0])
    setattr(card, kind, primary[2])
    seen = {primary[2].casefold()}
    for _, label, value in found:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            card.contacts.append((kind, label, value))


def _name_from_n(value: str) -> str:
    if not value:
        return ""
    family, given, additional, prefix, suffix = (split_value(value) + [""] * 5)[:5]
    return " ".join(p for p in (prefix, given, additional, family, suffix) if p).strip()


def _name_in(lines: list[bytes]) -> str:
    """The FN of a card that could not be read, to name it in the report."""
    for line in lines:
        match = re.match(rb"^(?:\w+\.)?FN[;:]", line, re.IGNORECASE)
        if match:
            return line.split(b":", 1)[-1].decode("utf-8", errors="replace").strip()
    return ""


def read_card_file(data: bytes) -> CardFile:
    """Every card of the file, each read on its own. Raises JournalError only
    when the file holds no card at all."""
    pieces = split_cards(data)
    if not pieces:
        raise JournalError("No contact cards were found in the file (no BEGIN:VCARD line).")
    cards, problems = [], []
    for position, (start, lines, complete) in enumerate(pieces, start=1):
        try:
            card = _read_card(position, start, lines, complete)
        except Exception as exc:  # noqa: BLE001 - one card's surprise must not cost the others
            who = Card(position, start, name=_name_in(lines)).who
            problems.append(Problem(start, f"{who}: could not be read ({exc}) — not imported"))
            continue
        if not card.name:
            problems.append(Problem(start, f"{card.who}: has no name, organisation or e-mail — not imported"))
            continue
        cards.append(card)
    return CardFile(cards, problems)


def read_cards(data: bytes) -> list[Card]:
    """The cards that could be read (see read_card_file for the ones that could not)."""
    return read_card_file(data).cards


def plan_cards(data: bytes) -> Plan:
    """The same kind of plan as a CSV import, so the same preview and import
    apply; lines are where each card begins in the file, and messages name the
    card ("Card 4 (Jörg Müller): …"). A card's notes, departments, job title and
    the like become an internal note on the customer's timeline; its other
    e-mail addresses, phones and addresses are stored as the customer's other
    contacts (values["_contacts"]), each with its label."""
    from journal.io.csv_import import Table, plan_customers

    read = read_card_file(data)
    cards = read.cards
    columns = ["name", "company", "email", "phone", "address", "tags"]
    table = Table(columns, [[getattr(c, k) if k != "tags" else ", ".join(c.tags) for k in columns] for c in cards],
                  "UTF-8", ",")
    plan = plan_customers(table, {i: c for i, c in enumerate(columns)})
    plan.note_title = "Notes from their contact card"
    by_row = {row: card for row, card in enumerate(cards, start=2)}  # plan_customers numbers rows from 2

    def relabel(row: int, message: str, problem: Problem) -> Problem:
        # plan_customers speaks of table rows; here they are cards ("repeats line 3" -> "repeats card 2 (…)")
        message = re.sub(r"\bline (\d+)", lambda m: by_row[int(m.group(1))].who.replace("Card", "card")
                         if int(m.group(1)) in by_row else m.group(0), message)
        card = by_row[row]
        return replace(problem, line=card.line, message=f"{card.who}: {message}")

    plan.problems = sorted(read.problems + [relabel(p.line, p.message, p) for p in plan.problems],
                           key=lambda p: p.line)
    def with_extras(card, values: dict) -> dict:
        """The card's note (job title, departments, NOTE…) and other contacts go with
        its values, for a new customer and for one it is merged into alike."""
        values = dict(values)
        note = "\n".join(card.notes)
        if card.warnings:
            note += ("\n\n" if note else "") + "When imported: " + "; ".join(card.warnings)
            plan.warnings.append(Problem(card.line, f"{card.who}: imported, but " + "; ".join(card.warnings)))
        if note:
            values["_note"] = note
        if card.contacts:
            values["_contacts"] = list(card.contacts)
        return values

    plan.new = [(by_row[row].line, with_extras(by_row[row], values)) for row, values in plan.new]
    plan.duplicates = [(by_row[row].line, with_extras(by_row[row], values), existing, why)
                       for row, values, existing, why in plan.duplicates]
    plan.problems.sort(key=lambda p: p.line)
    return plan
