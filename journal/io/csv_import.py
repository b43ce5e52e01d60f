"""CSV import of customers and purchases, as real spreadsheets and contact
exports write them (reading the bytes is csv_read's job). Columns are mapped by
their headings (and can be remapped), every row is checked first, and the
import is one transaction.

Nothing in the file is silently lost: a value that cannot be read (an e-mail
without a domain, a date that is no date) is left out of its row, the row is
imported and the report names the line; a Notes column becomes a note on the
customer's timeline, and the columns nobody mapped can be kept in that note.
Large files stream: rows are read from the file in passes, planned row by row
and written in bulk, many rows to a statement."""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import islice

from journal import errors
from journal.writes import changes, contacts, customers, purchases
from journal.reads import summary
from journal.errors import ValidationError
from journal.storage.models import Company, Customer, CustomerSummary, CustomerTag, Interaction, Purchase, Tag, database, now
from journal.io.csv_read import SAMPLE_ROWS, Table, read_table  # noqa: F401  (read_table and Table are this module's API)
from journal.io.exports import from_spreadsheet_cell

ADDRESS_PARTS = ("street", "house_number", "postcode", "city", "region", "country")
CUSTOMER_FIELDS = {
    "name": ("name", "full name", "customer", "customer name", "contact", "contact name", "display name", "nom",
             "naam"),
    "name_prefix": ("name prefix", "prefix", "salutation", "honorific", "anrede"),
    "first_name": ("first name", "firstname", "given name", "vorname", "prénom", "prenom", "first"),
    "middle_name": ("middle name", "additional name", "second name", "weitere vornamen"),
    "last_name": ("last name", "lastname", "surname", "family name", "nachname", "nom de famille"),
    "name_suffix": ("name suffix", "suffix"),
    "company": ("company", "organisation", "organization", "business", "firm", "firma", "employer", "company name",
                "organization name", "organization 1 name", "unternehmen"),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail", "e-mail 1 - value", "email 1 - value",
              "primary email", "e-mail-adresse", "email address 1"),
    "phone": ("phone", "telephone", "tel", "mobile", "phone number", "cell", "telefon", "business phone",
              "mobile phone", "primary phone", "home phone", "phone 1 - value", "mobiltelefon", "handy",
              "telefon geschäftlich"),
    "address": ("address", "postal address", "street address", "adresse", "mailing address", "full address",
                "address 1 - formatted", "anschrift"),
    "street": ("street", "business street", "home street", "address 1 - street", "straße", "strasse",
               "address line 1", "rue"),
    "house_number": ("house number", "house no", "street number", "hausnummer", "hausnr", "numéro"),
    "postcode": ("postcode", "postal code", "post code", "zip", "zip code", "zipcode", "plz", "postleitzahl",
                 "business postal code", "home postal code", "address 1 - postal code", "code postal"),
    "city": ("city", "town", "ort", "stadt", "business city", "home city", "address 1 - city", "ville", "locality",
             "wohnort"),
    "region": ("region", "state", "province", "county", "bundesland", "business state", "home state",
               "address 1 - region", "state/province"),
    "country": ("country", "country/region", "land", "business country/region", "home country/region",
                "business country", "address 1 - country", "pays"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "remark", "memo", "notiz", "notizen", "bemerkung",
              "bemerkungen", "anmerkung", "anmerkungen", "kommentar", "kommentare"),
    "interests": ("interests", "topics", "hobbies", "interest"),
    "stage": ("stage", "status", "type"),
    "account_manager": ("account manager", "manager", "owner", "rep", "sales rep"),
    "customer_since": ("customer since", "since", "first purchase", "joined", "created", "start date", "kunde seit",
                       "client depuis"),
    "tags": ("tags", "labels", "groups", "categories", "group membership", "kategorien"),
}
PURCHASE_FIELDS = {
    "customer": CUSTOMER_FIELDS["name"] + ("client",),
    "email": CUSTOMER_FIELDS["email"],
    "purchased_on": ("date", "purchase date", "order date", "purchased", "datum"),
    "product": ("product", "item", "description", "article", "produkt"),
    "amount": ("amount", "total", "price", "value", "sum", "betrag"),
}
# How a field is called in a message about its value (the user's words).
FIELD_WORDS = {
    "name": "name", "company": "company", "email": "e-mail", "phone": "phone", "address": "postal address",
    "interests": "interests", "stage": "stage", "account_manager": "account manager",
    "customer_since": "customer since", "tags": "tag", "notes": "note",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y",
                "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")
# Values contact programs write into columns nobody filled in (Outlook: "0/0/00"
# birthdays, "Normal" priority…): not worth a line in a note.
EMPTY_WORDS = frozenset({"0/0/00", "0.0.00", "00.00.0000", "normal", "unspecified", "false", "keine angabe"})
# Columns Outlook's contact export (File › Open & Export › Export to a file ›
# Comma Separated Values) writes about its own records, not about the person:
# how each e-mail address is routed ("SMTP", "EX") and the display name Outlook
# made from it ("Jörg Müller (joerg@…)"), its free/busy and directory servers,
# the item's priority, sensitivity and private flag, and the initials it works
# out from the name. Left out of the note: they tell the owner nothing.
# (Its address, phone, e-mail 2 and 3 and other columns are information, and
# land in their fields or in the note.)
OUTLOOK_METADATA = frozenset({
    "e mail type", "e mail 2 type", "e mail 3 type", "e mail display name", "e mail 2 display name",
    "e mail 3 display name", "internet free busy", "directory server", "priority", "sensitivity", "private",
    "initials"})
# Headings only Outlook's export has: a file with one of them is taken for one.
OUTLOOK_SIGNS = frozenset({"e mail type", "e mail display name"})
NAME_PARTS = ("name_prefix", "first_name", "middle_name", "last_name", "name_suffix")
_SINGLE = ("name", "company", "email", "phone", "stage", "account_manager", "customer_since") + NAME_PARTS
_TEXT_LIMITS = {"name": 200, "company": 200, "phone": 200, "account_manager": 200, "address": 10_000,
                "interests": 10_000}
NOTE_LIMIT = 100_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BATCH = 500
PROGRESS_EVERY = 5000  # rows planned between progress reports (and chances to cancel)


def _normal(heading: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9éèäöüß ]+", " ", heading.casefold()).split())


def guess_mapping(headers: list[str], fields: dict) -> dict[int, str | None]:
    """Column index -> field, by heading; each field at most once."""
    names = {f: {_normal(n) for n in synonyms} | {_normal(f.replace("_", " "))} for f, synonyms in fields.items()}
    mapping, used = {}, set()
    for index, heading in enumerate(headers):
        key = _normal(heading)
        match = next((f for f in fields if f not in used and key in names[f]), None)
        mapping[index] = match
        if match:
            used.add(match)
    # A contact export with both a formatted address and its parts: the parts say more.
    if used & {"street", "city", "postcode"}:
        for index, target in mapping.items():
            if target == "address" and "formatted" in headers[index].casefold():
                mapping[index] = None
    return mapping


def guess_date_format(values: list[str]) -> str | None:
    """The first format that reads every non-empty value (ISO first, then day-first)."""
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        return None
    for fmt in DATE_FORMATS:
        try:
            for value in values:
                datetime.strptime(value, fmt)
        except ValueError:
            continue
        return fmt
    return None


def parse_date(value: str, fmt: str | None, field_name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    for candidate in ([fmt] if fmt else []) + list(DATE_FORMATS):
        try:
            return datetime.strptime(value, candidate).date()
        except ValueError:
            continue
    raise ValidationError(field_name, f"{value!r} is not a date this file uses")


@dataclass
class Problem:
    line: int  # as a spreadsheet numbers it: the heading is line 1
    message: str
    imported: bool = False  # True: the row was imported without the value named


@dataclass
class Plan:
    """What an import would do, shown before anything is written. A row's values
    may carry extras under `_`-prefixed keys: `_note` becomes a note on the
    customer's timeline; any other goes to store_customer_extras()."""

    new: list[tuple[int, dict]] = field(default_factory=list)
    duplicates: list[tuple[int, dict, int, str]] = field(default_factory=list)  # line, values, existing id, why
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # imported, but worth a look (a vCard's charset)
    note_title: str = "Notes from the imported file"

    @property
    def refused(self) -> list[Problem]:
        return [p for p in self.problems if not p.imported]

    @property
    def partial(self) -> list[Problem]:
        return [p for p in self.problems if p.imported]


# -- from cells to a customer's values ------------------------------------------------------------------

class _Columns:
    """The mapping, prepared once for a pass over many rows."""

    def __init__(self, headers: list[str], mapping: dict[int, str | None], keep_unmapped: bool):
        self.headers = headers
        self.by_field: dict[str, list[int]] = {}
        for index in sorted(mapping):
            if mapping[index]:
                self.by_field.setdefault(mapping[index], []).append(index)
        self.single = [(f, ix[0]) for f, ix in self.by_field.items() if len(ix) == 1 and f not in ADDRESS_PARTS]
        self.several = [(f, ix) for f, ix in self.by_field.items() if len(ix) > 1 and f not in ADDRESS_PARTS]
        self.parts = [(f, self.by_field[f]) for f in ADDRESS_PARTS if f in self.by_field]
        outlook = bool(OUTLOOK_SIGNS & {_normal(h) for h in headers})
        self.unmapped = ([i for i in range(len(headers)) if not mapping.get(i)
                          and not (self.parts and "formatted" in headers[i].casefold())  # the parts say it
                          and not (outlook and _normal(headers[i]) in OUTLOOK_METADATA)]
                         if keep_unmapped else [])
        self.width = max([len(headers)] + [i + 1 for i in mapping])
        present = set(self.by_field) | {"name"} | ({"address"} if self.parts else set())
        self.checks = tuple(k for k in _CHECKED if k in present)

    def heading(self, index: int) -> str:
        heading = self.headers[index] if index < len(self.headers) else ""
        return heading or f"Column {index + 1}"


def _raw_values(row: list[str], columns: _Columns) -> tuple[dict, list[str]]:
    """The mapped values of a row, several columns of one field joined, and the
    lines for its note (columns left over)."""
    # Lately's own exports write "'+44 20…" so no spreadsheet takes it for a formula: read it back as it was.
    # A NUL is no text (PostgreSQL refuses it): dropped from every cell, as validate.text does.
    cells = [from_spreadsheet_cell(cell) if cell[:1] == "'" else cell
             for cell in ((c.replace("\x00", "") if "\x00" in c else c).strip() for c in row)]
    if len(cells) < columns.width:
        cells += [""] * (columns.width - len(cells))
    values, leftovers = {}, []
    for target, index in columns.single:
        value = cells[index]
        if value:
            values[target] = value
    for target, indexes in columns.several:
        found = [(i, cells[i]) for i in indexes if cells[i]]
        if not found:
            continue
        if target in ("address", "notes", "interests"):
            values[target] = "\n".join(v for _, v in found)
        elif target == "tags":
            values[target] = ",".join(v for _, v in found)
        else:  # one value fits the field; the others are kept in the note
            values[target] = found[0][1]
            leftovers += [f"{columns.heading(i)}: {v}" for i, v in found[1:]]
    if columns.parts:
        parts = {}
        for target, indexes in columns.parts:
            value = cells[indexes[0]] if len(indexes) == 1 else " ".join(cells[i] for i in indexes if cells[i])
            if value:
                parts[target] = value
        if parts:
            joined = format_address(parts)
            values["address"] = f"{values['address']}\n{joined}" if "address" in values else joined
    for index in columns.unmapped:
        value = cells[index]
        if value and value.casefold() not in EMPTY_WORDS:
            leftovers.append(f"{columns.heading(index)}: {value}")
    return values, leftovers


_NUMBER_FIRST = {"us", "usa", "united states", "united states of america", "uk", "gb", "united kingdom",
                 "england", "scotland", "wales", "ireland", "canada", "ca", "australia", "au", "new zealand", "nz",
                 "france", "fr", "india", "in", "philippines"}
_CITY_REGION_POSTCODE = {"us", "usa", "united states", "united states of america", "canada", "ca", "australia",
                         "au"}
_POSTCODE_LINE = {"uk", "gb", "united kingdom", "england", "scotland", "wales"}


def format_address(parts: dict[str, str]) -> str:
    """Street, house number, postcode, city, region and country as the lines of
    a postal address, in the order that country writes them."""
    street, number = parts.get("street", ""), parts.get("house_number", "")
    postcode, city = parts.get("postcode", ""), parts.get("city", "")
    region, country = parts.get("region", ""), parts.get("country", "")
    where = country.casefold().strip(" .")
    first = " ".join(filter(None, (number, street) if where in _NUMBER_FIRST else (street, number)))
    if where in _CITY_REGION_POSTCODE:
        town = ", ".join(filter(None, (city, " ".join(filter(None, (region, postcode))))))
        lines = [first, town]
    elif where in _POSTCODE_LINE:
        lines = [first, city, region, postcode]
    else:
        lines = [first, " ".join(filter(None, (postcode, city))), region]
    return "\n".join(line for line in lines + [country] if line)


def _name(values: dict) -> None:
    if not any(p in values for p in NAME_PARTS):
        return
    parts = [values.pop(p, "") for p in NAME_PARTS]
    if not values.get("name") and any(parts[1:4]):
        values["name"] = " ".join(p for p in parts if p)


_CHECKED = ("name", "company", "email", "phone", "address", "interests", "stage", "account_manager",
            "customer_since", "tags")


def _clean_row(values: dict, date_format: str | None, checks=_CHECKED) -> list[tuple[str, str, str]]:
    """Check each value on its own; a bad one leaves the row. Returns (field,
    value as written, why) for each value left out. Plain short text, by far
    the most, is taken as it is without a call per value."""
    dropped = []
    for key in checks:
        value = values.get(key)
        if not value:
            continue
        try:
            if key in _TEXT_LIMITS:
                if len(value) > _TEXT_LIMITS[key] or "\r" in value or "\x00" in value:
                    values[key] = customers.validate_fields({key: value})[key]
            elif key == "email":
                if len(value) > 320 or not _EMAIL.match(value):
                    raise ValidationError("email", "is not an e-mail address")
            elif key == "customer_since":
                values[key] = _not_after_today(_date(value, date_format), "customer since", value)
            elif key == "stage":
                values[key] = _stage(value)
            elif key == "tags":
                values[key] = _tags(value, dropped)
        except ValidationError as error:
            del values[key]
            dropped.append((key, value, _why(key, value, error)))
    return dropped


@lru_cache(maxsize=4096)  # a file repeats its dates; strptime is slow
def _date(value: str, date_format: str | None) -> date | None:
    return customers.validate_fields({"customer_since": parse_date(value, date_format, "customer since")})[
        "customer_since"]


def _not_after_today(day: date | None, field_name: str, written: str) -> date | None:
    """A day from a file that is after today is no fact yet, as quick capture will
    not log one: refused as a bad value is, with the line and why."""
    if day is not None and day > date.today():
        raise ValidationError(field_name, f"{written.strip()!r} is in the future")
    return day


def _why(key: str, value: str, error: ValidationError) -> str:
    word = FIELD_WORDS.get(key, key.replace("_", " "))
    shown = value if len(value) <= 60 else value[:57] + "…"
    if key == "email":
        return f"e-mail {shown!r} is not an e-mail address"
    if key == "customer_since":
        if error.reason.endswith("is in the future"):
            return f"customer since {shown!r} is in the future"
        return f"customer since {shown!r} is not a date this file uses"
    if key == "stage":
        return f"stage {shown!r} is not one Lately knows (prospect, customer or former)"
    if "too long" in error.reason:
        return f"{word} {error.reason}"
    return f"{word} {shown!r}: {error.reason}"


_TAG_SEPARATORS = re.compile(r"[,;:*]")


def _tags(text: str, dropped: list) -> list[str]:
    """Tags as spreadsheets and contact exports list them: commas, semicolons,
    Google's ' ::: ' with its own '* myContacts' group left out."""
    if len(text) <= 60 and not _TAG_SEPARATORS.search(text):
        return [text]
    names = []
    for tag in re.split(r"[,;]|:::", text):
        tag = tag.strip().lstrip("*").strip()
        if not tag or tag.casefold().replace(" ", "") in ("mycontacts", "starred"):
            continue
        if len(tag) > 60:
            dropped.append(("tags", tag, f"tag {tag[:40]!r}… is too long (at most 60 characters)"))
            continue
        names.append(tag)
    return list(dict.fromkeys(names))


def _note(notes: str, leftovers: list[str], dropped: list[tuple[str, str, str]], keep: bool) -> str:
    lines = [notes] if notes else []
    if keep:
        lines += leftovers
        lines += [f"Not imported ({why}): {value}" for _, value, why in dropped if len(value) <= 10_000]
    return "\n".join(lines)


class StreamedRows(Sequence):
    """The new rows of a plan over a file: their line numbers only, the values
    read again from the file, row by row, when the import writes them. So a
    300,000-row file is never held in memory as 300,000 dicts."""

    def __init__(self, table: Table, derive):
        self.table, self._derive = table, derive
        self.lines = array("q")

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self):
        lines, k = self.lines, 0
        if not lines:
            return
        for number, row in self.table.iter_rows():
            if number == lines[k]:
                values, _ = self._derive(number, row)
                yield number, values
                k += 1
                if k == len(lines):
                    return

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(islice(self, *index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return next(islice(self, index, None))


def plan_customers(table: Table, mapping: dict[int, str | None], date_format: str | None = None, *,
                   keep_unmapped: bool = False, skip_bad_rows: bool = False, progress=None) -> Plan:
    """Check every row without writing. A value that cannot be read is left out
    of its row (or, with skip_bad_rows, the row is left out); keep_unmapped keeps
    the columns nobody mapped in the customer's note. Over a file read by
    read_table, plan.new keeps line numbers and the import reads the rows again."""
    plan = Plan()
    by_email = {e.casefold(): cid for cid, e in Customer.select(Customer.id, Customer.email)
                .where(Customer.deleted_at.is_null(), Customer.email != "").tuples()}
    by_name = {(name.casefold(), company.casefold()): cid for cid, name, company in customers.names_and_companies()}
    # Seen in this file, by the hash of the e-mail or of (name, company): a 300,000-row
    # file keeps ints, not strings (two different keys sharing a 64-bit hash is not a worry).
    seen_in_file: dict[int, int] = {}
    columns = _Columns(table.headers, mapping, keep_unmapped)

    def derive(number, row):
        return _customer_values(number, row, columns, date_format, keep_unmapped, skip_bad_rows)

    streamed = StreamedRows(table, derive) if table.streamed else None
    if streamed is not None:
        plan.new = streamed
    for read, (number, row) in enumerate(table.iter_rows(), start=1):
        if read % PROGRESS_EVERY == 0:
            _tick(progress, read, table.row_count or 0)
        values, problems = derive(number, row)
        plan.problems += problems
        if values is None:
            continue
        email = values.get("email", "").casefold()
        name_key = (values["name"].casefold(), values.get("company", "").casefold())
        key, mail = hash(name_key), (hash(email) if email else None)
        if email and email in by_email:
            plan.duplicates.append((number, values, by_email[email], "same e-mail as an existing customer"))
        elif name_key in by_name:
            plan.duplicates.append((number, values, by_name[name_key], "same name and company as an existing customer"))
        elif (mail is not None and mail in seen_in_file) or key in seen_in_file:
            earlier = seen_in_file.get(mail) if mail is not None and mail in seen_in_file else seen_in_file[key]
            plan.problems.append(Problem(number, f"repeats line {earlier} — left out"))
        else:
            if streamed is not None:
                streamed.lines.append(number)
            else:
                plan.new.append((number, values))
            seen_in_file[key] = number
            if mail is not None:
                seen_in_file[mail] = number
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _customer_values(number: int, row: list[str], columns: _Columns, date_format, keep_unmapped: bool,
                     skip_bad_rows: bool) -> tuple[dict | None, list[Problem]]:
    """One row: its clean values (None when it is left out) and what was wrong with it."""
    values, leftovers = _raw_values(row, columns)
    _name(values)
    dropped = _clean_row(values, date_format, columns.checks)
    if not values.get("name"):
        why = next((why for key, _, why in dropped if key == "name"), "no name, and a customer needs one")
        return None, [Problem(number, f"{why} — left out")]
    if dropped and skip_bad_rows:
        return None, [Problem(number, "; ".join(why for _, _, why in dropped) + " — row skipped")]
    problems = [Problem(number, f"{why} — imported without it", imported=True) for _, _, why in dropped]
    note = _note(values.pop("notes", ""), leftovers, dropped, keep_unmapped)
    if note:
        if len(note) > NOTE_LIMIT:
            problems.append(Problem(number, f"the note is too long ({len(note):,} characters, at most "
                                            f"{NOTE_LIMIT:,}) — imported without it", imported=True))
        else:
            values["_note"] = note
    return values, problems


STAGE_WORDS = {
    "prospect": ("prospect", "lead", "potential"),
    "customer": ("customer", "client", "active", "yes"),
    "former": ("former", "lost", "inactive", "churned", "ex"),
}


def _stage(text: str) -> str:
    lowered = text.casefold().strip()
    for stage, words in STAGE_WORDS.items():
        if lowered in words or stage in lowered:
            return stage
    raise ValidationError("stage", f"unknown stage {text!r} (use prospect, customer or former)")


# -- writing ------------------------------------------------------------------------------------------------

@dataclass
class Report:
    created: int = 0
    merged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    # What the import wrote, so undo_import() can take it back:
    customer_ids: list[int] = field(default_factory=list)  # customers it created
    purchase_ids: list[int] = field(default_factory=list)  # purchases it created
    merges: list[tuple[int, dict, dict]] = field(default_factory=list)  # (customer, fields before, after)
    note_ids: list[int] = field(default_factory=list)  # notes it put on customers already in the journal
    # The rows it changed with their versions (journal.writes.changes), or after an undo
    # what the undo changed: undo and redo check them first, so neither
    # overwrites a change made since.
    changeset: object = None
    # What each fill-in of `merges` changed (journal.writes.changes), or after an undo
    # what its undo changed: they are put back exactly, never blindly.
    merge_changes: list = field(default_factory=list)


class Cancelled(errors.Cancelled):
    def __init__(self):
        super().__init__("The import was cancelled; nothing was imported.")


_CUSTOMER_COLUMNS = (Customer.name, Customer.company, Customer.email, Customer.phone, Customer.address,
                     Customer.channel, Customer.stage, Customer.interests, Customer.account_manager,
                     Customer.account_manager_phone, Customer.cadence_days, Customer.customer_since,
                     Customer.created_at, Customer.updated_at, Customer.archived)
_NOTE_COLUMNS = (Interaction.customer, Interaction.occurred_at, Interaction.kind, Interaction.direction,
                 Interaction.summary, Interaction.notes, Interaction.created_at, Interaction.updated_at,
                 Interaction.follow_up_done)


def store_customer_extras(customer_id: int, extras: dict) -> str:
    """The one place where a new customer's extras are stored: the `_`-prefixed
    keys of its values other than `_note` (a contact card's further addresses,
    e-mails and phones…), inside the import's transaction. Returns the text of
    what it did not store, which goes into the customer's note, so nothing is
    lost. A contact card's other contacts (`_contacts`) are stored as the
    customer's contact points; any other extra is kept as text."""
    lines = []
    for key, value in extras.items():
        if key == "_contacts":  # a contact card's other e-mails, phones and addresses, with their labels
            contacts.store_imported([customer_id], [value])
            continue
        label = key.lstrip("_").replace("_", " ").capitalize()
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value if str(v).strip())
        if str(value).strip():
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _insert(model, fields, records: list[tuple], returning: bool = False) -> list[int]:
    """Many rows in one INSERT statement, built once per shape: Peewee's own
    insert_many spends more time building the SQL than SQLite spends running it.
    With returning, the new ids in insertion order (each new row gets the next id)."""
    if not records:
        return []
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    row = "(" + ", ".join([database.param] * len(fields)) + ")"
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES {", ".join([row] * len(records))}'
    params = [value for record in records for value in record]
    if returning:
        return sorted(r[0] for r in database.execute_sql(sql + f' RETURNING "{model._meta.primary_key.column_name}"',
                                                         params).fetchall())
    database.execute_sql(sql, params)
    return []


def _ids_for(names, known, model, stamp) -> None:
    """Companies or tags by name (ignoring case), the new ones created together."""
    new = list(dict.fromkeys(n for n in names if n and n.casefold() not in known.ids))
    new = list({n.casefold(): n for n in reversed(new)}.values())[::-1]  # "VIP" and "vip" are one
    for start in range(0, len(new), BATCH):
        chunk = new[start:start + BATCH]
        if model is Company:
            moment = Company.created_at.db_value(stamp)
            ids = _insert(model, (Company.name, Company.created_at), [(n, moment) for n in chunk], returning=True)
        else:
            ids = _insert(model, (model.name,), [(n,) for n in chunk], returning=True)
        known.ids.update(zip((n.casefold() for n in chunk), ids))


def _insert_customers(rows: list[dict], companies, tags, stamp, title: str) -> list[int]:
    """New customers in bulk: one statement per table for the batch, summaries
    for the batch at once (the search index follows by its triggers)."""
    _ids_for((v.get("company") for v in rows), companies, Company, stamp)
    _ids_for((t for v in rows for t in v.get("tags", ())), tags, Tag, stamp)
    moment = Customer.created_at.db_value(stamp)
    if isinstance(moment, datetime):  # as the sqlite3 adapter writes it, once, not once a cell
        moment = moment.isoformat(" ")
    since = Customer.customer_since.db_value
    records = []
    for values in rows:
        company = values.get("company")
        records.append((
            values["name"], companies.ids[company.casefold()] if company else None, values.get("email", ""),
            values.get("phone", ""), values.get("address", ""), values.get("channel", "email"),
            values.get("stage", "customer"), values.get("interests", ""), values.get("account_manager", ""),
            values.get("account_manager_phone", ""), values.get("cadence_days"),
            since(values["customer_since"]) if values.get("customer_since") else None, moment, moment, False))
    ids = _insert(Customer, _CUSTOMER_COLUMNS, records, returning=True)
    links, notes = [], []
    for customer_id, values in zip(ids, rows):
        for tag_id in dict.fromkeys(tags.ids[name.casefold()] for name in values.get("tags", ())):
            links.append((customer_id, tag_id))
        note = values.get("_note", "")
        extras = {k: v for k, v in values.items() if k.startswith("_") and k != "_note"}
        if extras:
            note = "\n\n".join(filter(None, (note, store_customer_extras(customer_id, extras))))
        if note:
            notes.append((customer_id, moment, "note", "out", title, _clean_note(note), moment, moment, False))
    _insert(CustomerTag, (CustomerTag.customer, CustomerTag.tag), links)
    _insert(Interaction, _NOTE_COLUMNS, notes)  # the search index follows by its triggers
    _insert_summaries(ids, {note[0] for note in notes}, stamp)
    return ids


def _insert_summaries(ids: list[int], with_note: set[int], stamp) -> None:
    """The summary rows of new customers, from summary.compute over what they
    have: at most the one note this import gave them, and no purchases."""
    fields = [f for f in CustomerSummary._meta.sorted_fields if f.name != "customer"]
    facts = {}
    for noted in (False, True):
        computed = summary.compute([(stamp, "note", "out")] if noted else [], [])
        facts[noted] = tuple(f.db_value(computed[f.name]) for f in fields)
    _insert(CustomerSummary, [CustomerSummary.customer] + fields,
            [(cid,) + facts[cid in with_note] for cid in ids])


def import_customers(plan: Plan, *, duplicates: str = "skip", progress=None) -> Report:
    """Write the plan in one transaction. duplicates="merge" merges each row into
    the customer already in the journal: empty fields filled from the file, the
    values that differ kept in a note on that customer; "skip" leaves them alone."""
    report = Report(problems=list(plan.problems))
    total = len(plan.new) + len(plan.duplicates)
    stamp = now()
    with changes.recording() as recorded:
        companies, tags = customers._Names(Company), customers._Names(Tag)
        rows = iter(plan.new)  # a file's rows are read again here, batch by batch
        while batch := [values for _, values in islice(rows, BATCH)]:  # progress shown, Cancel heard
            created = _insert_customers(batch, companies, tags, stamp, plan.note_title)
            _record_created(created)
            report.customer_ids += created
            report.created += len(created)
            _tick(progress, report.created, total)
        for done, (line, values, existing, _) in enumerate(plan.duplicates, start=len(plan.new) + 1):
            if duplicates == "merge":
                _merge(existing, values, line, stamp, report)
                report.merged += 1
            else:
                report.skipped += 1
            if done % 100 == 0 or done == total:
                _tick(progress, done, total)
        if report.note_ids:
            changes.created(Interaction, *report.note_ids, fields=("deleted_at",))
            summary.refresh(*{existing for _, _, existing, _ in plan.duplicates})
    report.changeset = recorded.changeset
    return report


def _record_created(ids: list[int]) -> None:
    """New customers, described short (an import may bring hundreds of
    thousands): their tags, contacts and note are theirs, and go to the trash
    and come back with them, so the customers alone say what the import made."""
    changes.created(Customer, *ids, fields=("deleted_at",))


def _merge(existing: int, values: dict, line: int, stamp, report: Report) -> None:
    current = customers.get_customer(existing)
    fields = {k: v for k, v in values.items() if not k.startswith("_")}
    fill = {k: v for k, v in fields.items() if k != "tags" and not getattr(current, k)}
    if fields.get("tags"):
        together = list(dict.fromkeys(list(current.tags) + list(fields["tags"])))
        if len(together) > len(current.tags):
            fill["tags"] = together
    differing = [f"{FIELD_WORDS.get(k, k).capitalize()}: {_shown(v)} (the journal keeps {_shown(getattr(current, k))})"
                 for k, v in fields.items()
                 if k != "tags" and k not in fill and _differs(getattr(current, k), v)]
    extras = {k: v for k, v in values.items() if k.startswith("_") and k != "_note"}
    more_contacts = contacts.added_to(current.contacts, extras.pop("_contacts", ()))
    if more_contacts:  # through update_customer, so the import's undo takes them back too
        fill["contacts"] = more_contacts
    text = "\n\n".join(filter(None, (
        f"Line {line} of the imported file holds other values:\n" + "\n".join(differing) if differing else "",
        values.get("_note", ""), store_customer_extras(existing, extras) if extras else "")))
    if fill:
        before = {k: list(current.tags) if k == "tags" else getattr(current, k) for k in fill}
        with changes.recording() as filled:
            customers.update_customer(existing, **fill)
        report.merges.append((existing, before, fill))
        report.merge_changes.append(filled.changeset)
    if text:
        note_id = Interaction.insert(
            customer=existing, occurred_at=stamp, kind="note", direction="out",
            summary="Merged from an imported file", notes=_clean_note(text), created_at=stamp,
            updated_at=stamp).execute()
        report.note_ids.append(note_id)


def _clean_note(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()[:NOTE_LIMIT]


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _differs(current, new) -> bool:
    if isinstance(current, str) and isinstance(new, str):
        return " ".join(current.casefold().split()) != " ".join(new.casefold().split())
    return current != new


def _tick(progress, done, total):
    if progress and progress(done, total) is False:
        raise Cancelled()


def plan_purchases(table: Table, mapping: dict[int, str | None], date_format: str | None = None,
                   decimal: str | None = None, *, progress=None) -> Plan:
    plan = Plan()
    by_email = {e.casefold(): cid for cid, e in Customer.select(Customer.id, Customer.email)
                .where(Customer.deleted_at.is_null(), Customer.email != "").tuples()}
    by_name = {}
    for cid, name, _ in customers.names_and_companies():
        by_name.setdefault(name.casefold(), []).append(cid)
    columns = _Columns(table.headers, mapping, keep_unmapped=False)
    for read, (number, row) in enumerate(table.iter_rows(), start=1):
        if read % PROGRESS_EVERY == 0:
            _tick(progress, read, table.row_count or 0)
        values, _ = _raw_values(row, columns)
        try:
            cid = None
            if values.get("email"):
                cid = by_email.get(values["email"].casefold())
            if cid is None and values.get("customer"):
                found = by_name.get(values["customer"].casefold(), [])
                if len(found) > 1:
                    raise ValidationError("customer", f"{len(found)} customers are called {values['customer']!r}; "
                                                      "add an email column to tell them apart")
                cid = found[0] if found else None
            if cid is None:
                who = values.get("customer") or values.get("email") or "(no customer)"
                raise ValidationError("customer", f"no customer {who!r} in the journal; import customers first")
            written = values.get("purchased_on", "")
            record = purchases.validate_purchase(dict(
                purchased_on=_not_after_today(parse_date(written, date_format, "purchase date"), "purchase date",
                                              written),
                product=values.get("product", ""),
                amount_cents=purchases.parse_amount(values.get("amount", ""), decimal),
            ))
        except ValidationError as error:
            plan.problems.append(Problem(number, str(error)))
            continue
        plan.new.append((number, dict(record, customer_id=cid)))
    return plan


def import_purchases(plan: Plan, *, progress=None) -> Report:
    report = Report(problems=list(plan.problems))
    touched = set()
    stamp = now()
    columns = (Purchase.customer, Purchase.purchased_on, Purchase.product, Purchase.amount_cents, Purchase.created_at)
    with changes.recording() as recorded:
        for start in range(0, len(plan.new), BATCH):
            batch = [values for _, values in plan.new[start:start + BATCH]]
            rows = [(v["customer_id"], v["purchased_on"], v["product"], v["amount_cents"], stamp) for v in batch]
            report.purchase_ids += sorted(r[0] for r in Purchase.insert_many(rows, fields=columns)
                                          .returning(Purchase.id).tuples().execute())
            touched.update(v["customer_id"] for v in batch)
            report.created += len(batch)
            _tick(progress, report.created, len(plan.new))
        changes.created(Purchase, *report.purchase_ids, fields=("deleted_at",))
        summary.refresh(*touched)
    report.changeset = recorded.changeset
    return report


def undo_import(report: Report) -> None:
    """Take an import back in one transaction: what it created goes to the trash
    (Edit › Trash still has it) and the customers it filled in get their old values.
    Refused (ChangedSince, nothing written) when a row it wrote was changed since."""
    with changes.recording() as recorded:
        if isinstance(report.changeset, changes.ChangeSet):
            changes.check(report.changeset)
        purchases.delete_purchases(report.purchase_ids)
        customers.delete_customers(report.customer_ids)
        if len(report.merge_changes) == len(report.merges):
            report.merge_changes = [changes.undo(c) for c in reversed(report.merge_changes)][::-1]
        else:  # a report from before changes were described
            for customer_id, before, _ in reversed(report.merges):
                customers.update_customer(customer_id, **before)
        _set_notes_deleted(report.note_ids, now())
    report.changeset = recorded.changeset


def redo_import(report: Report) -> None:
    with changes.recording() as recorded:
        if isinstance(report.changeset, changes.ChangeSet):
            changes.check(report.changeset)
        customers.restore_customers(report.customer_ids)
        purchases.restore_purchases(report.purchase_ids)
        if len(report.merge_changes) == len(report.merges):
            report.merge_changes = [changes.redo(c) for c in report.merge_changes]
        else:
            for customer_id, _, after in report.merges:
                customers.update_customer(customer_id, **after)
        _set_notes_deleted(report.note_ids, None)
    report.changeset = recorded.changeset


def _set_notes_deleted(note_ids: list[int], moment) -> None:
    for start in range(0, len(note_ids), BATCH):
        ids = note_ids[start:start + BATCH]
        changes.watch(Interaction, *ids, fields=("deleted_at",))
        Interaction.update(deleted_at=moment).where(Interaction.id.in_(ids)).execute()
        summary.refresh(*[c for (c,) in Interaction.select(Interaction.customer_id)
                          .where(Interaction.id.in_(ids)).tuples()])

