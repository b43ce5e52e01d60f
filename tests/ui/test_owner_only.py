"""Owner-only everywhere the journal's data or whereabouts go: 0600 files, 0700
folders, set explicitly, so even a umask of 000 leaves nothing readable by others."""

import os
import stat

import pytest

from journal.storage import backups, db
from journal.rules import cards
from journal.writes import customers, drafts
from journal.io import exports
from ui.cards.card_printing import write_pdf
from ui.window.main_window import MainWindow
from ui.window.single_instance import JournalLock


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_every_file_lately_writes_is_owner_only(qtbot, lately_home, tmp_path, open_umask):
    path = db.default_path()
    lock = JournalLock(path)
    assert lock.acquire()
    assert mode(f"{path}.lock") == 0o600  # it names the process that has this journal open
    try:
        db.connect(path)
        ada = customers.create_customer(name="Ada Lovelace", address="1 Engine Lane")
        drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "Half a thought"})
        window = MainWindow(path, daily_backup=False, check_integrity=False, lock=lock)
        qtbot.addWidget(window)
        window.show()
        window.close()  # writes window.ini, and gives the lock back
        made = backups.make_backup(path, "manual")
        out = tmp_path / "exports"
        out.mkdir()
        exports.export_customers_csv(out / "customers.csv")
        exports.export_json(out / "journal.json")
        write_pdf(out / "cards.pdf", cards.build_cards("hand", customer_ids=[ada.id]))
        assert mode(lately_home) == 0o700
        assert mode(path) == mode(f"{path}-wal") == mode(f"{path}-shm") == 0o600  # drafts live in the journal
        assert mode(lately_home / "window.ini") == 0o600
        assert mode(made.path.parent) == 0o700 and mode(made.path) == 0o600
        assert {p.name: mode(p) for p in out.iterdir()} == {
            "customers.csv": 0o600, "journal.json": 0o600, "cards.pdf": 0o600}
    finally:
        lock.release()
        db.close()


def test_a_journal_in_a_folder_of_the_users_leaves_that_folder_alone(tmp_path, open_umask):
    documents = tmp_path / "Documents"
    documents.mkdir(mode=0o755)
    os.chmod(documents, 0o755)
    db.connect(documents / "new" / "journal.sqlite3")
    db.close()
    assert mode(documents) == 0o755  # the user's own folder
    assert mode(documents / "new") == 0o700 and mode(documents / "new" / "journal.sqlite3") == 0o600
