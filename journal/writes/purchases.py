"""Purchases, in integer cents."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from journal.writes import changes
from journal.reads import summary
from journal.rules import validate
from journal.errors import NotFound, ValidationError
from journal.storage.models import Customer, Purchase

MAX_CENTS = 10**13  # a hundred billion: anything above is a typing mistake


@dataclass(frozen=True)
class PurchaseData:
    id: int
    customer_id: int
    purchased_on: date
    product: str
    amount_cents: int
    thanked_by: int | None


_LETTER = r"[^\W\d_]"
# A currency written as letters before or after the number ("USD 12", "12 kr", "R 100").
_CURRENCY_WORD = re.compile(rf"^\s*{_LETTER}{{1,3}}\.?|{_LETTER}{{1,3}}\.?\s*$")


def parse_amount(text: str, decimal: str | None = None) -> int:
    """'1,234.50', '1.234,50', '1 234', '€12' -> cents. With decimal=None the last
    separator followed by one or two digits is the decimal point and the others
    group thousands; decimal="." or "," says which it is (for '1,234' or '1.5').
    Letters inside the number are refused ('1e3' is not 1,300.00)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text * 100
    if isinstance(text, float):
        if not (math.isfinite(text) and abs(text) < 1e15):
            raise ValidationError("amount", f"{validate.shown(text)} is not an amount of money")
        text = f"{text:.2f}"
    if not isinstance(text, str):
        raise ValidationError("amount", f"{validate.shown(text)} is not an amount of money")
    raw = text.strip()
    if re.search(_LETTER, _CURRENCY_WORD.sub("", raw, count=2)):
        raise ValidationError("amount", f"{validate.shown(raw)} is not an amount of money")
    cleaned = re.sub(r"[^\d,.\-]", "", raw.replace("\u2212", "-"))
    if not re.search(r"\d", cleaned) or cleaned.count("-") > 1 or "-" in cleaned[1:]:
        raise ValidationError("amount", f"{validate.shown(raw)} is not an amount of money")
    digit_count = len(re.sub(r"\D", "", cleaned))
    if digit_count > validate.MAX_DIGITS:  # not quoted: it would not fit beside the field
        raise ValidationError("amount", f"{digit_count:,} digits is implausibly large")
    negative = cleaned.startswith("-")
    digits = cleaned.lstrip("-")
    if decimal in (".", ","):
        grouping = "," if decimal == "." else "."
        digits = digits.replace(grouping, "")
        if digits.count(decimal) > 1:
            raise ValidationError("amount", f"{validate.shown(raw)} has more than one decimal separator {decimal!r}")
        whole, _, fraction = digits.partition(decimal)
        if len(fraction) > 2:
            raise ValidationError("amount", f"{validate.shown(raw)} has more than two decimals")
        return _to_cents(raw, whole, fraction, negative)
    match = re.match(r"^(.*?)[.,](\d{1,2})$", digits)
    whole, fraction = (match.group(1), match.group(2)) if match else (digits, "")
    return _to_cents(raw, re.sub(r"[.,]", "", whole), fraction, negative)


def _to_cents(raw: str, whole: str, fraction: str, negative: bool) -> int:
    whole = whole or "0"
    if not whole.isdecimal() or (fraction and not fraction.isdecimal()):
        raise ValidationError("amount", f"{validate.shown(raw)} is not an amount of money")
    cents = int(whole) * 100 + int(fraction.ljust(2, "0") or 0)
    return -cents if negative else cents


def _cents(value) -> int:
    cents = validate.whole_number("amount", value)
    if cents < 0:
        raise ValidationError("amount", "must not be negative")
    if cents > MAX_CENTS:
        raise ValidationError("amount", "is implausibly large")
    return cents


_RULES = {
    "purchased_on": lambda v: validate.as_date("purchase date", v),
    "product": lambda v: validate.text("product", v, required=True, max_len=200),
    "amount_cents": _cents,
}


def _clean(values: dict) -> dict:
    return validate.fields(values, _RULES, "a purchase")


def validate_purchase(values: dict) -> dict:
    """Check purchase fields without writing (for previews); returns them cleaned."""
    return _clean(values)


def add_purchase(customer_id: int, purchased_on, product: str, amount_cents: int) -> PurchaseData:
    clean = _clean(dict(purchased_on=purchased_on, product=product, amount_cents=amount_cents))
    customer_id = validate.ident("customer", customer_id)
    with changes.recording():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is not None and customer.deleted_at is not None:  # since the purchase was begun, say
            raise ValidationError("customer", f"{customer.name} is in the trash now: Edit › Trash brings them back")
        if customer is None:
            raise ValidationError("customer", f"there is no customer with id {customer_id}")
        row = Purchase.create(customer=customer_id, **clean)
        changes.created(Purchase, row.id)
        summary.refresh(customer_id)
    return _to_data(row)


def _row(purchase_id, *, deleted=False) -> Purchase:
    purchase_id = validate.ident("purchase", purchase_id)
    row = Purchase.get_or_none((Purchase.id == purchase_id) & Purchase.deleted_at.is_null(not deleted))
    if row is None:
        raise NotFound("purchase", purchase_id)
    return row


def update_purchase(purchase_id: int, **values) -> PurchaseData:
    clean = _clean(values)
    with changes.recording():
        row = _row(purchase_id)
        changes.watch(Purchase, row.id)
        for key, value in clean.items():
            setattr(row, key, value)
        row.save()
        summary.refresh(row.customer_id)
    return _to_data(row)


def delete_purchase(purchase_id: int) -> changes.ChangeSet:
    from journal.storage.models import now

    with changes.recording() as recorded:
        row = _row(purchase_id)
        changes.watch(Purchase, row.id)
        row.deleted_at = now()
        row.save()
        summary.refresh(row.customer_id)
    return recorded.changeset


def restore_purchase(purchase_id: int) -> PurchaseData:
    with changes.recording():
        row = _row(purchase_id, deleted=True)
        changes.watch(Purchase, row.id)
        row.deleted_at = None
        row.save()
        summary.refresh(row.customer_id)
    return _to_data(row)


def delete_purchases(purchase_ids) -> changes.ChangeSet:
    """Move many purchases to the trash in one transaction (taking back an import)."""
    return _set_deleted(validate.idents("purchase", purchase_ids), deleted=True)


def restore_purchases(purchase_ids) -> changes.ChangeSet:
    return _set_deleted(validate.idents("purchase", purchase_ids), deleted=False)


def _set_deleted(ids: list[int], deleted: bool) -> changes.ChangeSet:
    from journal.storage.models import now

    moment = now() if deleted else None
    with changes.recording() as recorded:
        touched = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            changes.watch(Purchase, *chunk, fields=("deleted_at",))
            touched.update(c for (c,) in Purchase.select(Purchase.customer_id).where(Purchase.id.in_(chunk)).tuples())
            Purchase.update(deleted_at=moment).where(Purchase.id.in_(chunk)).execute()
        summary.refresh(*touched)
    return recorded.changeset


def purchases_of(customer_id: int) -> list[PurchaseData]:
    query = (Purchase.select()
             .where(Purchase.customer == customer_id, Purchase.deleted_at.is_null())
             .order_by(Purchase.purchased_on.desc(), Purchase.id.desc()))
    return [_to_data(row) for row in query]


def _to_data(row: Purchase) -> PurchaseData:
    return PurchaseData(row.id, row.customer_id, row.purchased_on, row.product, row.amount_cents, row.thanked_by_id)


def format_cents(cents: int) -> str:
    return f"{cents / 100:,.2f}"
