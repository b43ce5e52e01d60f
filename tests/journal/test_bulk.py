"""Many new rows in a few statements (journal.storage.bulk), on both backends:
the values stored as Peewee stores them, the defaults filled in, the new ids in
the order of the rows."""

from datetime import datetime

from journal.storage import bulk
from journal.storage.models import Interaction, database

from .helpers import customer


def test_rows_are_stored_as_given_with_their_defaults_and_ids_in_order(journal):
    ada, bob = customer("Ada Lovelace"), customer("Bob Builder")
    when = datetime(2026, 6, 15, 12, 30, 5, 250_000)
    texts = ["100% oak, 5 %s off", "quote 'single' and \"double\"", "ünïcödé — “curly”", "%(name)s ? $1 :x", ""]
    rows = [dict(customer=(ada if n % 2 else bob).id, occurred_at=when, kind="note", direction="out",
                 summary=f"Note {n}", notes=text) for n, text in enumerate(texts * 60)]  # 300 rows: several statements
    with database.atomic():
        ids = bulk.insert_rows(Interaction, rows, returning=True)
    assert len(ids) == len(rows) == len(set(ids)) and ids == sorted(ids)
    stored = {r.id: r for r in Interaction.select().where(Interaction.id.in_(ids))}
    for row_id, row in zip(ids, rows):
        got = stored[row_id]
        assert (got.customer_id, got.occurred_at, got.summary, got.notes) == \
            (row["customer"], when, row["summary"], row["notes"])
        assert got.version == 1 and got.follow_up_done is False and got.deleted_at is None
        assert got.created_at is not None and got.created_at == got.updated_at


def test_nothing_to_insert_is_no_statement(journal):
    assert bulk.insert_rows(Interaction, [], returning=True) == []
