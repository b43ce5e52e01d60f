"""Connections between customers: who referred whom, whom I introduced, colleagues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from journal.writes import changes
from journal.rules import validate
from journal.errors import NotFound, ValidationError
from journal.rules.kinds import CONNECTION_KINDS, SYMMETRIC_CONNECTIONS
from journal.storage.models import Connection, Customer, now


@dataclass(frozen=True)
class ConnectionData:
    id: int
    source_id: int
    target_id: int
    kind: str
    connected_on: date
    note: str
    thanked_by: int | None


def _existing(source_id, target_id, kind):
    pair = (Connection.source == source_id) & (Connection.target == target_id)
    if kind in SYMMETRIC_CONNECTIONS:
        pair |= (Connection.source == target_id) & (Connection.target == source_id)
    return Connection.select().where(pair, Connection.kind == kind, Connection.deleted_at.is_null()).first()


def _name(customer_id) -> str:
    row = Customer.get_or_none((Customer.id == customer_id) & Customer.deleted_at.is_null())
    if row is None:
        raise ValidationError("customer", f"there is no customer with id {customer_id}")
    return row.name


def add_connection(source_id: int, target_id: int, kind: str, *, connected_on=None, note: str = "") -> ConnectionData:
    kind = validate.choice("connection kind", kind, CONNECTION_KINDS)
    on = validate.as_date("connection date", connected_on, required=False) or date.today()
    note = validate.text("note", note, max_len=2_000)
    source_id, target_id = validate.ident("customer", source_id), validate.ident("customer", target_id)
    if source_id == target_id:
        raise ValidationError("connection", "a customer cannot be connected to themselves")
    with changes.recording():
        source, target = _name(source_id), _name(target_id)
        if _existing(source_id, target_id, kind):
            raise ValidationError("connection", f"{source} and {target} are already connected as {kind}")
        row = Connection.create(source=source_id, target=target_id, kind=kind, connected_on=on, note=note)
        changes.created(Connection, row.id)
    return _to_data(row)


def delete_connection(connection_id: int) -> changes.ChangeSet:
    connection_id = validate.ident("connection", connection_id)
    with changes.recording() as recorded:
        row = Connection.get_or_none((Connection.id == connection_id) & Connection.deleted_at.is_null())
        if row is None:
            raise NotFound("connection", connection_id)
        changes.watch(Connection, row.id)
        row.deleted_at = now()
        row.save()
    return recorded.changeset


def restore_connection(connection_id: int) -> ConnectionData:
    connection_id = validate.ident("connection", connection_id)
    with changes.recording():
        row = Connection.get_or_none((Connection.id == connection_id) & Connection.deleted_at.is_null(False))
        if row is None:
            raise NotFound("connection", connection_id)
        changes.watch(Connection, row.id)
        if _existing(row.source_id, row.target_id, row.kind):
            raise ValidationError("connection", "an identical connection was added since this one was deleted")
        row.deleted_at = None
        row.save()
    return _to_data(row)


def connections_of(customer_id: int) -> list[ConnectionData]:
    query = (Connection.select()
             .where((Connection.source == customer_id) | (Connection.target == customer_id),
                    Connection.deleted_at.is_null())
             .order_by(Connection.connected_on.desc()))
    return [_to_data(row) for row in query]


def _to_data(row: Connection) -> ConnectionData:
    return ConnectionData(row.id, row.source_id, row.target_id, row.kind, row.connected_on, row.note, row.thanked_by_id)
