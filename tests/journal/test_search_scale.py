"""Search at two million notes: notes come newest written first, the order the
index keeps, so a common word's first page does not rank every match."""

import pytest

from journal.reads import search
from journal.storage.models import Interaction, database

from .helpers import customer, log


def steps(fn):
    """SQLite's own count of the steps `fn` made (not time: the same on any machine)."""
    counted = [0]

    def count():
        counted[0] += 1
        return 0
    connection = database.connection()
    connection.set_progress_handler(count, 1)
    try:
        result = fn()
    finally:
        connection.set_progress_handler(None, 1)
    return result, counted[0]


def test_notes_come_newest_written_first(journal):
    ada = customer("Ada Lovelace")
    first = log(ada, summary="Walnut walnut walnut table", ago=1)  # the more relevant, and the later date
    second = log(ada, summary="Walnut shelf", ago=30)  # written later
    hits = search.search("walnut")
    assert [h.interaction_id for h in hits] == [second.id, first.id]
    assert all(search.MARK_START in h.snippet for h in hits)


@pytest.mark.sqlite_only  # counts SQLite's own steps (a progress handler), which a server has not
def test_a_common_word_reads_a_page_not_every_match(journal):
    ada = customer("Ada Lovelace")
    log(ada, summary="Delivered the oak table")

    def bulk(count):
        rows = [dict(customer=ada.id, occurred_at="2026-01-01 10:00:00", kind="call", direction="out",
                     summary=f"Showroom visit {n}", notes="", created_at="2026-01-01 10:00:00",
                     updated_at="2026-01-01 10:00:00") for n in range(count)]
        with database.atomic():
            for start in range(0, count, 500):
                Interaction.insert_many(rows[start:start + 500]).execute()

    bulk(200)
    hits, few = steps(lambda: search.search("showroom", 50))
    assert len(hits) == 50 and all(not h.is_customer for h in hits)
    bulk(4000)
    hits, many = steps(lambda: search.search("showroom", 50))
    assert len(hits) == 50 and hits[0].snippet.startswith(f"{search.MARK_START}Showroom{search.MARK_END} visit 3999")
    assert many < few * 3  # twenty times the matches, not twenty times the work


def test_one_letter_finds_that_word_in_notes_not_every_word_it_begins(journal):
    ada = customer("Zed Quill")
    log(ada, summary="Plan B agreed")
    log(ada, summary="Big budget")
    assert [h.snippet for h in search.search("b") if not h.is_customer] == [
        f"Plan {search.MARK_START}B{search.MARK_END} agreed"]
    assert len([h for h in search.search("bu") if not h.is_customer]) == 1  # two letters: a prefix again
