"""A customer's other e-mail addresses, phones and postal addresses, each with
its label ("home", "work", "mobile"...), beyond the primary ones on the
customer that the lists, cards and exports use.

As plain data a contact is a (kind, label, value) tuple; a customer's are kept
in the order they were written (a contact card's order)."""

from __future__ import annotations

from journal.rules import validate
from journal.errors import ValidationError
from journal.storage.models import ContactPoint

KINDS = {"email": "E-mail", "phone": "Phone", "address": "Address"}
# The labels contact cards use, in the words the details form shows; any other
# label the user types is kept as typed.
LABELS = ("home", "work", "mobile", "fax", "other")


def clean(value) -> tuple[tuple[str, str, str], ...]:
    """The contacts checked and tidied: known kind, e-mail addresses that are
    e-mail addresses, empty values dropped, exact repeats dropped."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise ValidationError("contacts", "must be a list of (kind, label, value)")
    result = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise ValidationError("contacts", f"entry {n} must be (kind, label, value)")
        kind, label, text = item
        if kind not in KINDS:
            raise ValidationError("contacts", f"entry {n}: unknown kind {kind!r} (email, phone or address)")
        label = validate.text("contacts", label, max_len=60).lower()
        if kind == "email":
            try:
                text = validate.email("email", text)
            except ValidationError as error:
                raise ValidationError("contacts", f"entry {n}: {error.reason}") from None
        else:
            text = validate.text("contacts", text, max_len=200 if kind == "phone" else 10_000)
        if text and (kind, label, text) not in result:
            result.append((kind, label, text))
    return tuple(result)


def of(customer_id: int) -> tuple[tuple[str, str, str], ...]:
    return tuple(ContactPoint.select(ContactPoint.kind, ContactPoint.label, ContactPoint.value)
                 .where(ContactPoint.customer == customer_id)
                 .order_by(ContactPoint.position, ContactPoint.id).tuples())


def of_many(customer_ids) -> dict[int, tuple[tuple[str, str, str], ...]]:
    ids, result = list(customer_ids), {}
    for start in range(0, len(ids), 500):
        query = (ContactPoint.select(ContactPoint.customer_id, ContactPoint.kind, ContactPoint.label,
                                     ContactPoint.value)
                 .where(ContactPoint.customer.in_(ids[start:start + 500]))
                 .order_by(ContactPoint.customer, ContactPoint.position, ContactPoint.id).tuples())
        for cid, kind, label, value in query:
            result.setdefault(cid, []).append((kind, label, value))
    return {cid: tuple(points) for cid, points in result.items()}


def replace(customer_id: int, points) -> None:
    """Set a customer's contacts to exactly these (cleaned by the caller, inside its transaction)."""
    from journal.writes import changes

    changes.watch_where(ContactPoint, ContactPoint.customer == customer_id)
    ContactPoint.delete().where(ContactPoint.customer == customer_id).execute()
    add(customer_id, points)
    changes.created_where(ContactPoint, ContactPoint.customer == customer_id)


def add(customer_id: int, points, start: int = 0) -> None:
    rows = [{"customer": customer_id, "kind": kind, "label": label, "value": value, "position": start + n}
            for n, (kind, label, value) in enumerate(points)]
    for first in range(0, len(rows), 300):
        ContactPoint.insert_many(rows[first:first + 300]).execute()


def store_imported(customer_ids, contact_lists) -> None:
    """After an import created these customers: the other contacts their rows
    carried (a vCard's second address, work phone...). Inside the import's transaction."""
    for customer_id, points in zip(customer_ids, contact_lists):
        if points:
            add(customer_id, clean(points))


def added_to(current, points) -> tuple[tuple[str, str, str], ...] | None:
    """A customer's contacts with these added (those it lacks), for an import that
    fills in an existing customer; None when nothing is new."""
    new = [p for p in clean(points) if p not in current]
    return tuple(current) + tuple(new) if new else None


def describe(point: tuple[str, str, str]) -> str:
    """"Work e-mail: a@example.org" — for notes, reports and the details list."""
    kind, label, value = point
    words = KINDS[kind] if not label else f"{label.capitalize()} {KINDS[kind].lower()}"
    return f"{words}: {value}"
