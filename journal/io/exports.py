"""Taking everything out: customers and interactions as CSV for spreadsheets,
the whole journal as one JSON file that a fresh journal imports back to the
same state, and open follow-ups as an iCalendar file for calendar programs."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import JOIN, PeeweeException

from journal import __version__
from journal.storage import private
from journal.reads import summary
from journal.errors import JournalError
from journal.rules.kinds import KINDS
from journal.storage.models import (
    Company, Connection, ContactPoint, Customer, CustomerSummary, CustomerTag, Draft, GraphPosition,
    Interaction, NotDuplicate, Purchase, SchemaVersion, Setting, Snooze, StageChange, Tag, database,
)

# Every table, in the order rows can be inserted: each after those it refers to.
# The schema version is the file's own "schema" entry instead of a table;
# tests/journal/test_exports.py fails when a model is in neither.
JSON_TABLES = (Setting, Company, Tag, Customer, CustomerTag, Interaction, Purchase, Connection, StageChange, Snooze,
               Draft, GraphPosition, ContactPoint, CustomerSummary, NotDuplicate)
NOT_IN_JSON = (SchemaVersion,)
# Tables whose rows make a journal "not empty" for a whole-journal import.
_CONTENT = (Company, Tag, Customer, Interaction, Purchase, Connection, ContactPoint)
FORMAT = "lately-journal"

# OWASP, CSV injection: a cell a spreadsheet would take for a formula or a
# command starts with one of these. Such a cell is written with a leading
# apostrophe, which spreadsheets show as text; Lately's own import takes it off.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-\d+(?:[.,]\d+)?")


def spreadsheet_cell(value) -> str:
    """A CSV cell no spreadsheet runs as a formula: "=1+1" is written "'=1+1",
    "+44 20 7946 0958" as "'+44 20 7946 0958" (text, still readable, not a sum).
    A cell that already starts with an apostrophe before one of those gets one
    more, so reading back (from_spreadsheet_cell) gives exactly the original."""
    text = "" if value is None else str(value)
    if _NEGATIVE_NUMBER.fullmatch(text):
        return text
    if text.startswith(_FORMULA_START) or (text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START)):
        return "'" + text
    return text


def from_spreadsheet_cell(text: str) -> str:
    """The value spreadsheet_cell() was given (for Lately's CSV import)."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text


class SafeWriter:
    """csv.writer that neutralises every cell (spreadsheet_cell)."""

    def __init__(self, handle):
        self._out = csv.writer(handle)

    def writerow(self, row):
        self._out.writerow([spreadsheet_cell(cell) for cell in row])


def open_private(path: Path, binary: bool = False, encoding: str = "utf-8"):
    """A new file only its owner can read (0600): exports hold customer data."""
    if binary:
        return open(path, "wb", opener=private.opener)
    return open(path, "w", encoding=encoding, newline="", opener=private.opener)


def _write_atomically(path: Path, write, binary: bool = False) -> None:
    """Write to a temporary file beside the target, then rename: a failed or
    cancelled export never leaves half a file where the user expects one.
    CSV gets a byte-order mark so spreadsheet programs read it as UTF-8. The
    file is the owner's only (0600)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        handle = open_private(partial, binary, "utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8")
        with handle:
            write(handle)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _tick(progress, done, total):
    if progress and progress(done, total) is False:
        raise JournalError("The export was cancelled; no file was written.")


def export_customers_csv(path: Path, progress=None) -> int:
    from journal.writes.customers import _tags_of, customer_since

    rows = list(Customer.select(Customer, Company.name.alias("company_name"),
                                CustomerSummary.first_purchase_on.alias("first_purchase_on"))
                .join(Company, JOIN.LEFT_OUTER, on=(Customer.company == Company.id))
                .switch(Customer)
                .join(CustomerSummary, JOIN.LEFT_OUTER, on=(CustomerSummary.customer == Customer.id))
                .where(Customer.deleted_at.is_null()).order_by(Customer.name).objects())
    from journal.writes.contacts import describe, of_many

    tags = _tags_of([c.id for c in rows])
    others = of_many([c.id for c in rows])
    columns = ("name", "company", "email", "phone", "address", "other_contacts", "channel", "stage", "interests",
               "tags", "account_manager", "account_manager_phone", "cadence_days", "customer_since", "archived")

    def write(handle):
        out = SafeWriter(handle)
        out.writerow(columns)
        for n, c in enumerate(rows, start=1):
            other = "\n".join(describe(p).replace("\n", ", ") for p in others.get(c.id, ()))
            out.writerow([c.name, c.company_name or "", c.email, c.phone, c.address, other, c.channel, c.stage,
                          c.interests,
                          ", ".join(tags.get(c.id, ())), c.account_manager, c.account_manager_phone,
                          c.cadence_days or "",
                          # as the app shows it: recorded, else from the first purchase or when they were added
                          customer_since(c.customer_since, c.first_purchase_on, c.created_at, c.stage) or "",
                          "yes" if c.archived else ""])
            if n % 500 == 0:
                _tick(progress, n, len(rows))

    _write_atomically(path, write)
    return len(rows)


def export_interactions_csv(path: Path, progress=None) -> int:
    query = (Interaction.select(Interaction, Customer.name)
             .join(Customer).where(Interaction.deleted_at.is_null(), Customer.deleted_at.is_null())
             .order_by(Interaction.occurred_at))
    total = query.count()

    def write(handle):
        out = SafeWriter(handle)
        out.writerow(("customer", "when", "kind", "direction", "summary", "notes", "follow_up_on", "follow_up_done"))
        for n, row in enumerate(query.iterator(), start=1):
            out.writerow([row.customer.name, f"{row.occurred_at:%Y-%m-%d %H:%M}", KINDS[row.kind].label,
                          "I reached out" if row.direction == "out" else "They reached out", row.summary, row.notes,
                          row.follow_up_on or "", "yes" if row.follow_up_done else ""])
            if n % 500 == 0:
                _tick(progress, n, total)

    _write_atomically(path, write)
    return total


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def journal_to_dict() -> dict:
    from journal.storage.db import snapshot

    with snapshot():  # one consistent view
        tables = {}
        for model in JSON_TABLES:
            columns = [f.column_name for f in model._meta.sorted_fields]
            rows = model.select().order_by(*model._meta.sorted_fields).tuples()  # the same order every time
            tables[model._meta.table_name] = {"columns": columns,
                                              "rows": [[_jsonable(v) for v in row] for row in rows]}
    from journal.storage.migrations import LATEST

    return {"format": FORMAT, "version": 1, "schema": LATEST, "written_by": f"Lately {__version__}",
            "tables": tables}


def export_json(path: Path) -> None:
    data = journal_to_dict()
    _write_atomically(path, lambda handle: json.dump(data, handle, ensure_ascii=False, indent=1))


def import_json(path: Path, progress=None) -> dict[str, int]:
    """Load a JSON export into this journal, which must be empty: all of it or none."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise JournalError(f"{Path(path).name} is not a Lately JSON export: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise JournalError(f"{Path(path).name} is not a Lately JSON export.")
    held = [model._meta.table_name.replace("_", " ") for model in _CONTENT if model.select().exists()]
    if held:
        raise JournalError(
            "A whole-journal JSON file goes into an empty journal only, so that nothing in it is mixed up or "
            f"overwritten; this journal already holds rows ({', '.join(held)}). Create a new journal "
            "(File › New journal) and import the file there. Nothing was imported.")
    from journal.storage.migrations import LATEST

    if not isinstance(data.get("tables"), dict):
        raise JournalError(f"{Path(path).name} is not a Lately JSON export (it has no tables).")
    if isinstance(data.get("schema"), int) and data["schema"] > LATEST:
        raise JournalError(f"{Path(path).name} was written by a newer Lately (schema {data['schema']}); "
                           "update Lately to import it. Nothing was imported.")
    counts = {}
    with database.atomic():
        for n, model in enumerate(JSON_TABLES, start=1):
            table = data["tables"].get(model._meta.table_name)
            if not table:
                continue
            by_column = {f.column_name: f for f in model._meta.sorted_fields}
            unknown = [c for c in table["columns"] if c not in by_column]
            if unknown:
                raise JournalError(f"The export has columns this version does not know: {unknown}")
            fields = [by_column[c] for c in table["columns"]]
            if model in (Setting, Draft, CustomerSummary):  # a new journal's defaults give way to the file's
                model.delete().execute()
            try:
                rows = [[f.python_value(v) if isinstance(v, str) else v for f, v in zip(fields, row)]
                        for row in table["rows"]]
                for start in range(0, len(rows), 500):
                    model.insert_many(rows[start:start + 500], fields=fields).execute()
            except (PeeweeException, ValueError, TypeError) as error:
                raise JournalError(f"{Path(path).name} is damaged in its {model._meta.table_name} table ({error}); "
                                   "nothing was imported.") from error
            counts[model._meta.table_name] = len(rows)
            _tick(progress, n, len(JSON_TABLES))
        summary.rebuild_all()
    return counts


def export_follow_ups_ics(path: Path) -> int:
    """Open follow-ups as all-day to-dos in an iCalendar file."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//Lately {__version__}//follow-ups//EN")
    calendar.add("version", "2.0")
    query = (Interaction.select(Interaction, Customer.name).join(Customer)
             .where(Interaction.follow_up_on.is_null(False), Interaction.follow_up_done == False,  # noqa: E712
                    Interaction.deleted_at.is_null(), Customer.deleted_at.is_null())
             .order_by(Interaction.follow_up_on))
    count = 0
    for row in query:
        event = Event()
        event.add("uid", f"follow-up-{row.id}@lately.local")
        event.add("summary", f"Follow up with {row.customer.name}: {row.summary}")
        event.add("dtstart", row.follow_up_on)
        event.add("dtend", row.follow_up_on + timedelta(days=1))
        event.add("dtstamp", datetime.now().astimezone())
        if row.notes:
            event.add("description", row.notes)
        calendar.add_component(event)
        count += 1
    _write_atomically(path, lambda handle: handle.write(calendar.to_ical()), binary=True)
    return count
