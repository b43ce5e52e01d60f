"""CSV import of customers and purchases, as real spreadsheets export them:
a UTF-8 byte-order mark or Latin-1, commas or semicolons or tabs, quoted new
lines, thousands separators, day-first or month-first dates. Columns are mapped
by their headings (and can be remapped), every row is checked first, and the
import is one transaction: all the good rows or none of them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .. import customers, interactions, purchases, summary
from .. import errors
from ..errors import JournalError, ValidationError
from ..models import Customer, Purchase, database

CUSTOMER_FIELDS = {
    "name": ("name", "full name", "customer", "customer name", "contact", "contact name", "nom", "naam"),
    "first_name": ("first name", "firstname", "given name", "vorname", "prénom", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nachname"),
    "company": ("company", "organisation", "organization", "business", "firm", "firma", "employer"),
    "email": ("email", "e-mail", "email address", "mail"),
    "phone": ("phone", "telephone", "tel", "mobile", "phone number", "cell", "telefon"),
    "address": ("address", "postal address", "street", "street address", "adresse"),
    "interests": ("interests", "topics", "hobbies", "interest"),
    "stage": ("stage", "status", "type"),
    "account_manager": ("account manager", "manager", "owner", "rep", "sales rep"),
    "customer_since": ("customer since", "since", "first purchase", "joined", "created", "start date", "kunde seit",
                       "client depuis"),
    "tags": ("tags", "labels", "groups", "categories"),
}
PURCHASE_FIELDS = {
    "customer": CUSTOMER_FIELDS["name"] + ("client",),
    "email": CUSTOMER_FIELDS["email"],
    "purchased_on": ("date", "purchase date", "order date", "purchased", "datum"),
    "product": ("product", "item", "description", "article", "produkt"),
    "amount": ("amount", "total", "price", "value", "sum", "betrag"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y",
                "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # without the heading row
    encoding: str
    delimiter: str


def read_table(data: bytes) -> Table:
    """Decode and split a CSV file, whatever spreadsheet wrote it."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252", errors="replace"), "Latin-1 (Windows)"
    if not text.strip():
        raise JournalError("The file is empty.")
    sample = text[:20_000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t", key=lambda d: sample.split("\n", 1)[0].count(d))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise JournalError("The file has no rows.")
    return Table([h.strip() for h in rows[0]], rows[1:], encoding, delimiter)


def _normal(heading: str) -> str:
    return re.sub(r"[^a-z0-9éèäöüß ]+", " ", heading.casefold()).strip()


def guess_mapping(headers: list[str], fields: dict) -> dict[int, str | None]:
    """Column index -> field, by heading; each field at most once."""
    mapping, used = {}, set()
    for index, heading in enumerate(headers):
        key = _normal(heading)
        match = next((f for f, names in fields.items()
                      if f not in used and (key == f.replace("_", " ") or key in {_normal(n) for n in names})), None)
        mapping[index] = match
        if match:
            used.add(match)
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


@dataclass
class Plan:
    """What an import would do, shown before anything is written."""

    new: list[tuple[int, dict]] = field(default_factory=list)
    duplicates: list[tuple[int, dict, int, str]] = field(default_factory=list)  # line, values, existing id, why
    problems: list[Problem] = field(default_factory=list)


def _values(row: list[str], mapping: dict[int, str | None]) -> dict[str, str]:
    values = {}
    for index, target in mapping.items():
        if target and index < len(row) and row[index].strip():
            values[target] = row[index].strip()
    return values


def plan_customers(table: Table, mapping: dict[int, str | None], date_format: str | None = None) -> Plan:
    plan = Plan()
    by_email = {e.casefold(): cid for cid, e in Customer.select(Customer.id, Customer.email)
                .where(Customer.deleted_at.is_null(), Customer.email != "").tuples()}
    by_name = {(r.name.casefold(), r.company.casefold()): r.id for r in customers.list_customers(include_archived=True)}
    seen_in_file = {}
    for number, row in enumerate(table.rows, start=2):
        values = _values(row, mapping)
        first, last = values.pop("first_name", ""), values.pop("last_name", "")
        if not values.get("name") and (first or last):
            values["name"] = f"{first} {last}".strip()
        try:
            if "customer_since" in values:
                values["customer_since"] = parse_date(values["customer_since"], date_format, "customer since")
            if "stage" in values:
                values["stage"] = _stage(values["stage"])
            if "tags" in values:
                values["tags"] = [t for t in re.split(r"[,;]", values["tags"]) if t.strip()]
            customers.validate_fields(values)
            if not values.get("name"):
                raise ValidationError("name", "must not be empty")
        except ValidationError as error:
            plan.problems.append(Problem(number, str(error)))
            continue
        email = values.get("email", "").casefold()
        key = (values["name"].casefold(), values.get("company", "").casefold())
        if email and email in by_email:
            plan.duplicates.append((number, values, by_email[email], "same email as an existing customer"))
        elif key in by_name:
            plan.duplicates.append((number, values, by_name[key], "same name and company as an existing customer"))
        elif (email and email in seen_in_file) or key in seen_in_file:
            plan.problems.append(Problem(number, f"repeats line {seen_in_file.get(email) or seen_in_file[key]}"))
        else:
            plan.new.append((number, values))
            seen_in_file[key] = number
            if email:
                seen_in_file[email] = number
    return plan


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


class Cancelled(errors.Cancelled):
    def __init__(self):
        super().__init__("The import was cancelled; nothing was imported.")


def import_customers(plan: Plan, *, duplicates: str = "skip", progress=None) -> Report:
    """Write the plan in one transaction. duplicates="merge" fills the existing
    customer's empty fields from the file; "skip" leaves them alone."""
    report = Report(problems=list(plan.problems))
    total = len(plan.new) + len(plan.duplicates)
    with database.atomic():
        for start in range(0, len(plan.new), 100):  # in batches, so progress can be shown and cancel is heard
            batch = [dict(values) for _, values in plan.new[start:start + 100]]
            notes = [values.pop("_note", None) for values in batch]
            created = customers.create_customers(batch)
            for customer_id, note in zip(created, notes):
                if note:
                    interactions.log_interaction(customer_id, "note", "out", "Notes from their contact card",
                                                 notes=note)
            report.customer_ids += created
            report.created += len(created)
            _tick(progress, report.created, total)
        for done, (_, values, existing, _) in enumerate(plan.duplicates, start=len(plan.new) + 1):
            if duplicates == "merge":
                current = customers.get_customer(existing)
                values = dict(values)
                values.pop("_note", None)
                fill = {k: v for k, v in values.items() if k != "tags" and not getattr(current, k)}
                if values.get("tags"):
                    fill["tags"] = list(dict.fromkeys(list(current.tags) + list(values["tags"])))
                if fill:
                    before = {k: list(current.tags) if k == "tags" else getattr(current, k) for k in fill}
                    customers.update_customer(existing, **fill)
                    report.merges.append((existing, before, fill))
                report.merged += 1
            else:
                report.skipped += 1
            _tick(progress, done, total)
    return report


def _tick(progress, done, total):
    if progress and progress(done, total) is False:
        raise Cancelled()


def plan_purchases(table: Table, mapping: dict[int, str | None], date_format: str | None = None,
                   decimal: str | None = None) -> Plan:
    plan = Plan()
    by_email = {e.casefold(): cid for cid, e in Customer.select(Customer.id, Customer.email)
                .where(Customer.deleted_at.is_null(), Customer.email != "").tuples()}
    by_name = {}
    for row in customers.list_customers(include_archived=True):
        by_name.setdefault(row.name.casefold(), []).append(row.id)
    for number, row in enumerate(table.rows, start=2):
        values = _values(row, mapping)
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
            record = purchases.validate_purchase(dict(
                purchased_on=parse_date(values.get("purchased_on", ""), date_format, "purchase date"),
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
    with database.atomic():
        for done, (_, values) in enumerate(plan.new, start=1):
            values = dict(values)
            cid = values.pop("customer_id")
            report.purchase_ids.append(Purchase.create(customer=cid, **values).id)
            touched.add(cid)
            report.created += 1
            _tick(progress, done, len(plan.new))
        summary.refresh(*touched)
    return report


def undo_import(report: Report) -> None:
    """Take an import back in one transaction: what it created goes to the trash
    (Edit › Trash still has it) and the customers it filled in get their old values."""
    with database.atomic():
        purchases.delete_purchases(report.purchase_ids)
        customers.delete_customers(report.customer_ids)
        for customer_id, before, _ in reversed(report.merges):
            customers.update_customer(customer_id, **before)


def redo_import(report: Report) -> None:
    with database.atomic():
        customers.restore_customers(report.customer_ids)
        purchases.restore_purchases(report.purchase_ids)
        for customer_id, _, after in report.merges:
            customers.update_customer(customer_id, **after)
