"""vCard files as bytes, into cards and their properties: the part of
reading a vCard that the writers' quirks live in. A file is split into cards
here (a card cut off by the file's end or by the next BEGIN:VCARD is still
returned, marked incomplete); a card's lines are unfolded (continuation lines,
and 2.1's quoted-printable soft line breaks, which vobject does not join),
quoted-printable is decoded and 8-bit text read in the card's CHARSET (with a
warning when it had to be guessed), and each line is then read by vobject's
line parser. Inline photos are left out before that, so a cut-off photo
cannot spoil a card's text."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from typing import NamedTuple

from vobject.base import ParseError, parseLine

# Properties Lately does not keep and that can be long or binary: skipped
# before parsing (a cut-off PHOTO is reported, not fatal).
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY", "X-MS-CARDPICTURE"}
_LATIN = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii",
          "iso-8859-15", "8859-1"}
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


def properties(lines: list[bytes]) -> tuple[list[Line], list[str]]:
    """A card's properties, each line read by vobject's line parser once its
    value is decoded, and warnings for what had to be guessed or left out:
    binary properties (a cut-off one is reported) and unreadable lines."""
    text_lines: list[Line] = []
    warnings: list[str] = []
    for line in _logical_lines(lines):
        match = _CONTENT_LINE.match(line)
        if not match:
            shown = line.decode("utf-8", errors="replace").strip()
            warnings.append(f"a line that is not a vCard property was left out: {shown[:60]!r}")
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
                    warnings.append(f"its {name_text.lower()} is cut off or damaged "
                                         "(Lately keeps no photos)")
            continue
        if encoding == "QUOTED-PRINTABLE":
            value = quopri.decodestring(value)
        text, guessed = _decode(value, (params.get("CHARSET") or [None])[0])
        if guessed and guessed not in warnings:
            warnings.append(guessed)
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
            warnings.append(f"a line vobject cannot read was left out ({error})")
            continue
        found: dict[str, list[str]] = {}
        for param in params_read:
            key, values = (param[0], param[1:]) if len(param) > 1 else ("TYPE", param)
            found.setdefault(key.upper(), []).extend(v.strip('"') for v in values)
        text_lines.append(Line(name_read.upper(), (group_read or "").lower(), found, value_read))
    return text_lines, warnings


# --- values: escapes and structure --------------------------------------------------------------

def split_value(value: str, sep: str = ";", unescape: bool = True) -> list[str]:
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


def unescape(value: str) -> str:
    """A text value without its escapes (\\n, \\, \\; \\\\), lines trimmed."""
    text = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    return "\n".join(line.strip() for line in text.splitlines()).strip()
