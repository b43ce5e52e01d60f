"""A real full disk (a 2 MB tmpfs): the save fails with the disk-full error,
never "cannot rollback - no transaction is active", nothing is half-saved, and
once space is freed the same write succeeds."""

import pytest

from journal.writes import customers, interactions
from journal.storage import db
from journal.errors import DiskFull
from journal.storage.models import Interaction

from ..small_disk import fill, small_disk


def test_a_real_full_disk_says_the_disk_is_full(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db.connect(disk / "journal.sqlite3")
        try:
            ada = customers.create_customer(name="Ada")
            interactions.log_interaction(ada.id, "meeting", "out", "First lunch")
            filler = fill(disk)
            for attempt in range(3):  # every attempt, not only the first, says why
                with pytest.raises(DiskFull) as caught:
                    interactions.log_interaction(ada.id, "meeting", "out", "Long lunch", notes="x" * 90_000)
                message = str(caught.value)
                assert message.startswith("The disk is full: ") and str(disk) in message
                assert "nothing was saved" in message and "what you typed is kept" in message
                assert "cannot rollback" not in message
            assert [i.summary for i in Interaction.select()] == ["First lunch"]
            assert db.integrity_problem() is None
            filler.unlink()
            interactions.log_interaction(ada.id, "meeting", "out", "Long lunch", notes="x" * 90_000)
            assert Interaction.select().count() == 2
        finally:
            db.close()


def test_a_second_rollback_after_sqlite_rolled_back_is_not_sent(journal):
    # SQLite ends the transaction itself after SQLITE_FULL; the error that did it must reach the caller.
    database = db.database.obj
    with pytest.raises(ValueError, match="the first error"), database.atomic():
        customers.create_customer(name="Ada")
        database.execute_sql("ROLLBACK")  # as SQLite does after a full disk
        raise ValueError("the first error")
    assert customers.find_by_name("Ada") is None
