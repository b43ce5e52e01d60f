"""vCard import as address books really write it: 2.1 (Outlook, Android),
3.0 (Apple, Google, Evolution) and 4.0 (Thunderbird and newer phones).

The file is split into cards here, byte by byte, and each card is read on its
own, so one broken card is reported by its position ("Card 4 (Jörg Müller):
…") and the others are still imported. Before vobject reads a card's lines,
this module does what 2.1 writers need and vobject does not do reliably:
quoted-printable values with soft line breaks, 8-bit text in the card's
CHARSET (never "J�rg"; a warning when the character set had to be guessed),
and inline photos, which Lately does not keep, taken out so that a cut-off
photo cannot spoil the card's text.

Every e-mail address, phone and postal address is kept with its label: the
preferred (or first) of each goes to the customer's own field, the others
become the customer's other contacts (journal.contacts). ORG keeps its units:
the organisation is the company, the departments go in the card's note, as do
job title, birthday, web sites and notes."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from vobject.base import ParseError, parseLine

from .. import validate
from ..errors import JournalError, ValidationError
from .csv_import import Plan, Problem

# Properties Lately does not keep and that can be long or binary: skipped
# before parsing (a cut-off PHOTO is reported, not fatal).
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY", "X-MS-CARDPICTURE"}
_LATIN = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii",
          "iso-8859-15", "8859-1"}
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


# --- splitting the file into cards -------------------------------------------------------------

def _file_lines(data: bytes) -> list[bytes]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16").encode("utf-8")  # Windows Contacts may write UTF-16
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return re.split(rb"\r\n|\n|\r", data)


def _is(line: bytes, word: bytes) -> bool:
    return line.strip().upper().replace(b" ", b"") == word


def split_cards(data: bytes) -> list[tuple[int, list[bytes], bool]]:
    """(first line number, the card's lines between BEGIN and END, complete?)
    for every card. A card cut off by the end of the file or by the next
    BEGIN:VCARD is returned with complete=False."""
    cards, current, start, depth = [], None, 0, 0
    previous = b""
    for number, line in enumerate(_file_lines(data), start=1):
        if _is(line, b"BEGIN:VCARD"):
            if current is None:
                current, start, depth = [], number, 1
                previous = line
                continue
            if re.match(rb"^\s*(\w+\.)?AGENT[;:]", previous, re.IGNORECASE) and previous.rstrip().endswith(b":") \
                    or depth > 1:
                depth += 1  # a 2.1 AGENT card inside this one: not this customer's, left out
                continue
            else:  # the previous card never ended
                cards.append((start, current, False))
                current, start, depth = [], number, 1
                previous = line
                continue
        elif _is(line, b"END:VCARD") and current is not None:
            depth -= 1
            if depth == 0:
                cards.append((start, current, True))
                current = None
            continue
        if current is not None and depth == 1:
            current.append(line)
        previous = line
    if current is not None:
        cards.append((start, current, False))
    return cards


# --- one card's lines: unfolding, quoted-printable, character sets ------------------------------

_CONTENT_LINE = re.compile(rb"^\s*([A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", re.DOTALL)


def _logical_lines(lines: list[bytes]) -> list[bytes]:
    """Unfold: a line starting with a space or tab continues the one before
    (2.1, 3.0, 4.0); a quoted-printable value ending in '=' continues on the
    next line whatever it starts with (2.1 soft line break)."""
    result: list[bytes] = []
    soft = False
    for line in lines:
        if soft and result:
            result[-1] = result[-1][:-1] + line.lstrip(b" \t") if line[:1] in (b" ", b"\t") else \
                result[-1][:-1] + line
        elif line[:1] in (b" ", b"\t") and result:
            result[-1] += line[1:]
        elif not line.strip():
            soft = False
            continue
        else:
            result.append(line)
        last = result[-1]
        soft = last.endswith(b"=") and b"QUOTED-PRINTABLE" in last.split(b":", 1)[0].upper()
    return result


def _params(raw: bytes) -> dict[str, list[str]]:
    """2.1 bare parameters (;HOME;PREF) and name=value ones, upper-cased keys."""
    result: dict[str, list[str]] = {}
    for part in re.findall(rb';((?:[^;"]|"[^"]*")*)', raw):
        text = part.decode("ascii", errors="replace").strip()
        if not text:
            continue
        key, equals, value = text.partition("=")
        if not equals:
            key, value = "TYPE", key
        result.setdefault(key.strip().upper(), []).append(value.strip().strip('"'))
    return result


def _codec(charset: str) -> str:
    name = charset.strip().strip('"').lower()
    return "cp1252" if name in _LATIN else name


def _decode(raw: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text from a value's bytes, and a warning when the character set was a guess."""
    if charset:
        codec = _codec(charset)
        try:
            return raw.decode(codec), None
        except LookupError:
            pass
        except UnicodeDecodeError:
            if codec == "cp1252":  # the five bytes Windows-1252 leaves undefined
                return raw.decode("latin-1"), None
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        said = f"says {charset} but is not" if charset else "names no character set"
        return raw.decode("cp1252", errors="replace"), (
            f"its text {said}; read as Windows-1252 (Western European) — check accented letters")


class Line(NamedTuple):
    name: str  # upper case
    group: str  # lower case; "" for none
    params: dict[str, list[str]]  # upper-case keys; 2.1's bare parameters (;HOME;PREF) under TYPE
    value: str  # still escaped as the card has it (\\n, \\, \\;)


def _clean_lines(lines: list[bytes], card: Card) -> list[Line]:
    """The card's properties, each line read by vobject's line parser once
    its value is decoded; binary properties and unreadable lines left out
    (the latter reported)."""
    text_lines = []
    for line in _logical_lines(lines):
        match = _CONTENT_LINE.match(line)
        if not match:
            shown = line.decode("utf-8", errors="replace").strip()
            card.warnings.append(f"a line that is not a vCard property was left out: {shown[:60]!r}")
            continue
        group, name, raw_params, value = match.groups()
        name_text = name.decode("ascii").upper()
        params = _params(raw_params)
        types = {t.upper() for v in params.get("TYPE", []) for t in v.split(",")}
        encoding = (params.get("ENCODING", [""])[0] or ("QUOTED-PRINTABLE" if "QUOTED-PRINTABLE" in types else
                                                         "BASE64" if {"BASE64", "B"} & types else "")).upper()
        if name_text in _BINARY:
            if encoding in ("BASE64", "B") and value.strip():
                try:
                    base64.b64decode(re.sub(rb"\s+", b"", value), validate=True)
                except (binascii.Error, ValueError):
                    card.warnings.append(f"its {name_text.lower()} is cut off or damaged; "
                                         "imported without it (Lately keeps no photos)")
            continue
        if encoding == "QUOTED-PRINTABLE":
            value = quopri.decodestring(value)
        text, guessed = _decode(value, (params.get("CHARSET") or [None])[0])
        if guessed and guessed not in card.warnings:
            card.warnings.append(guessed)
        if encoding == "QUOTED-PRINTABLE":  # decoded line breaks become vCard escapes for vobject
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
        head = (group or b"").decode("ascii") + name_text
        kept = [f"{key}={','.join(values)}" for key, values in params.items()
                if key not in ("ENCODING", "CHARSET") and key != "TYPE"]
        plain_types = sorted(t for t in types if t not in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"))
        if plain_types:
            kept.append("TYPE=" + ",".join(plain_types))
        rebuilt = head + "".join(";" + k for k in kept) + ":" + text.replace("\r", "").replace("\n", "\\n")
        try:
            name_read, params_read, value_read, group_read = parseLine(rebuilt)
        except ParseError as error:
            card.warnings.append(f"a line vobject cannot read was left out ({error})")
            continue
        found: dict[str, list[str]] = {}
        for param in params_read:
            key, values = (param[0], param[1:]) if len(param) > 1 else ("TYPE", param)
            found.setdefault(key.upper(), []).extend(v.strip('"') for v in values)
        text_lines.append(Line(name_read.upper(), (group_read or "").lower(), found, value_read))
    return text_lines


# --- reading values ------------------------------------------------------------------------------

def _split(value: str, sep: str = ";", unescape: bool = True) -> list[str]:
    """Split a structured value at unescaped separators, then unescape (or keep
    the escapes, to split a part again at its commas)."""
    parts, current, escaped = [], [], False
    for ch in value:
        if escaped:
            current.append({"n": "\n", "N": "\n"}.get(ch, ch) if unescape else "\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _unescape(value: str) -> str:
    """A text value without its escapes (\\n, \\, \\; \\\\), lines trimmed."""
    text = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


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
    raw = (_split(value, unescape=False) + [""] * 7)[:7]
    # An unescaped comma separates the lines of one part (3.0, 4.0: "Works,Unit 3").
    box, extended, street = ("\n".join(_split(part, ",")) for part in raw[:3])
    city, region, code, country = (_unescape(part) for part in raw[3:])
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
    text_lines = _clean_lines(lines, card)
    if not complete:
        card.warnings.append("it has no END:VCARD (the file may be cut off); imported what it holds")
    labels = {}
    for line in text_lines:
        if line.name == "X-ABLABEL" and line.group:
            text = _unescape(line.value)
            match = _APPLE_LABEL.match(text)
            labels[line.group.lower()] = (match.group(1) if match else text).lower()
    emails, phones, addresses, notes = [], [], [], []
    fn = n = org = ""
    labelled_address = []
    for line in text_lines:
        name, value = line.name, line.value
        if name == "FN":
            fn = fn or _unescape(value)
        elif name == "N":
            n = n or value
        elif name == "ORG":
            org = org or value
        elif name == "EMAIL":
            address = _unescape(value)
            if address.lower().startswith("mailto:"):
                address = address[7:]
            if address:
                emails.append((_preferred(line), _label(line, labels, "email"), address))
        elif name == "TEL":
            number = _unescape(value)
            if number.lower().startswith("tel:"):
                number = number[4:].replace(";ext=", " ext. ")
            if number:
                phones.append((_preferred(line), _label(line, labels, "phone"), number))
        elif name == "ADR":
            text = _address_text(value)
            if text:
                addresses.append((_preferred(line), _label(line, labels, "address"), text))
        elif name == "LABEL":
            labelled_address.append((_preferred(line), _label(line, labels, "address"), _unescape(value)))
        elif name == "NOTE":
            notes.append(_unescape(value))
        elif name == "CATEGORIES":
            card.tags += [t for t in _split(value, ",") if t and t != "myContacts"]  # Google's every-contact group
        elif name in ("TITLE", "ROLE", "NICKNAME", "BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "URL", "IMPP",
                      "X-SKYPE", "X-AIM", "X-JABBER", "X-ABDATE"):
            words = {"TITLE": "Job title", "ROLE": "Role", "NICKNAME": "Nickname", "BDAY": "Birthday",
                     "ANNIVERSARY": "Anniversary", "X-ANNIVERSARY": "Anniversary", "URL": "Web site",
                     "IMPP": "Chat", "X-SKYPE": "Skype", "X-AIM": "AIM", "X-JABBER": "Jabber", "X-ABDATE": "Date"}
            shown = _unescape(value)
            if shown:
                label = labels.get((line.group or "").lower())
                card.notes.append(f"{words[name]}{f' ({label})' if label else ''}: {shown}")
    if not addresses:
        addresses = [a for a in labelled_address if a[2]]
    # The organisation's name may hold commas ("Company, The"): only ';' separates its units.
    units = [u for u in _split(org)] if org else []
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
    family, given, additional, prefix, suffix = (_split(value) + [""] * 5)[:5]
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
    from .csv_import import Table, plan_customers

    read = read_card_file(data)
    cards = read.cards
    columns = ["name", "company", "email", "phone", "address", "tags"]
    table = Table(columns, [[getattr(c, k) if k != "tags" else ", ".join(c.tags) for k in columns] for c in cards],
                  "UTF-8", ",")
    plan = plan_customers(table, {i: c for i, c in enumerate(columns)})
    by_row = {row: card for row, card in enumerate(cards, start=2)}  # plan_customers numbers rows from 2

    def relabel(row: int, message: str) -> Problem:
        # plan_customers speaks of table rows; here they are cards ("repeats line 3" -> "repeats card 2 (…)")
        message = re.sub(r"\bline (\d+)", lambda m: by_row[int(m.group(1))].who.replace("Card", "card")
                         if int(m.group(1)) in by_row else m.group(0), message)
        card = by_row[row]
        return Problem(card.line, f"{card.who}: {message}")

    plan.problems = sorted(read.problems + [relabel(p.line, p.message) for p in plan.problems],
                           key=lambda p: p.line)
    new = []
    for row, values in plan.new:
        card = by_row[row]
        note = "\n".join(card.notes)
        if card.warnings:
            note += ("\n\n" if note else "") + "When imported: " + "; ".join(card.warnings)
            plan.warnings.append(Problem(card.line, f"{card.who}: imported, but " + "; ".join(card.warnings)))
        if note:
            values["_note"] = note
        if card.contacts:
            values["_contacts"] = list(card.contacts)
        new.append((card.line, values))
    plan.new = new
    plan.duplicates = [(by_row[row].line, dict(values, **({"_contacts": list(by_row[row].contacts)}
                                                         if by_row[row].contacts else {})), existing, why)
                       for row, values, existing, why in plan.duplicates]
    plan.problems.sort(key=lambda p: p.line)
    return plan
