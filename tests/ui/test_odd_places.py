"""Starting in odd places: a read-only folder or disk, a read-only journal, an
empty (0-byte) file. Each gets its own message; nothing crashes and nothing is
changed without asking."""

import hashlib
import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from journal.storage import backups, db
from journal.writes import customers
from journal.errors import JournalEmpty, JournalReadOnly
from journal.storage.models import Customer
from ui.window import app as app_module
from ui.files import recovery
from ui.window.single_instance import JournalLock

from ..small_disk import read_only_disk


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def a_journal(folder):
    db.connect(folder / "journal.sqlite3")
    customers.create_customer(name="Ada")
    db.close()


def test_start_in_a_read_only_folder_says_so(qtbot, tmp_path, no_modal_boxes):
    with read_only_disk(tmp_path / "ro") as folder:
        assert app_module.open_with_recovery(folder / "journal.sqlite3") is None
        [(kind, _, text)] = no_modal_boxes
        assert kind == "critical" and "read-only" in text and str(folder) in text
        assert "already open" not in text
        assert os.listdir(folder) == []


def test_start_on_a_journal_in_a_read_only_folder_says_so(tmp_path, no_modal_boxes):
    with read_only_disk(tmp_path / "ro", a_journal) as folder:
        before = digest(folder / "journal.sqlite3")
        assert app_module.open_with_recovery(folder / "journal.sqlite3") is None
        [(kind, _, text)] = no_modal_boxes
        assert kind == "critical" and "read-only" in text and "damaged" not in text
        assert digest(folder / "journal.sqlite3") == before


def test_a_read_only_journal_through_the_service_is_named_read_only(tmp_path):
    with read_only_disk(tmp_path / "ro", a_journal) as folder:
        before = digest(folder / "journal.sqlite3")
        with pytest.raises(JournalReadOnly) as caught:
            db.connect(folder / "journal.sqlite3")
        assert "journal.sqlite3 is read-only: it is on a read-only disk" in str(caught.value)
        assert "damaged" not in str(caught.value)
        assert digest(folder / "journal.sqlite3") == before


@pytest.mark.skipif(os.geteuid() == 0, reason="file permissions do not stop root; the read-only disk tests cover it")
def test_a_journal_file_without_write_permission_is_named_read_only(tmp_path):
    a_journal(tmp_path)
    path = tmp_path / "journal.sqlite3"
    os.chmod(path, 0o400)
    with pytest.raises(JournalReadOnly, match="its file permissions do not allow changes"):
        db.connect(path)


def test_an_empty_file_is_never_silently_made_a_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(JournalEmpty, match=r"journal.sqlite3 is empty \(0 bytes\)"):
        db.connect(path)
    assert path.stat().st_size == 0
    db.connect(path, new_in_empty=True)  # when the person says so
    customers.create_customer(name="Ada")
    db.close()


def when_the_box_is_up(act):
    """Run act(box) once the message box is open (as a person answers it)."""
    def check():
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is not None:
            try:
                act(box)
            except BaseException:
                box.reject()  # the test fails instead of hanging
                raise
        else:
            QTimer.singleShot(20, check)
    QTimer.singleShot(0, check)


def answer_with(button_text, seen):
    def act(box):
        seen.append((box.text(), box.informativeText(), [b.text() for b in box.buttons()],
                     box.defaultButton().text()))
        next(b for b in box.buttons() if b.text() == button_text).click()
    when_the_box_is_up(act)


def test_starting_on_an_empty_file_asks_and_can_start_a_new_journal_in_it(qtbot, tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    seen = []
    answer_with("Start a new journal in it", seen)
    session = app_module.open_with_recovery(path)
    try:
        [(text, more, buttons, default)] = seen
        assert text == "journal.sqlite3 is empty (0 bytes): it holds no journal."
        assert "there is no backup" in more
        assert sorted(buttons) == ["Open another journal…", "Quit", "Start a new journal in it"]
        assert default == "Open another journal…"  # a stray Enter does not make a loss final
        assert Customer.select().count() == 0 and path.stat().st_size + os.path.getsize(f"{path}-wal") > 0
    finally:
        session.release()
        db.close()


def test_an_empty_default_journal_with_backups_offers_the_newest_one(qtbot, tmp_path):
    path = tmp_path / "journal.sqlite3"
    a_journal(tmp_path)
    backups.make_backup(path, "daily")
    path.write_bytes(b"")  # lost by a failed sync
    seen = []
    when_the_box_is_up(lambda box: seen.append([b.text() for b in box.buttons()]) or box.defaultButton().click())
    session = app_module.open_with_recovery(path)
    try:
        assert seen[0][0].startswith("Restore the backup from ")
        assert [c.name for c in Customer.select()] == ["Ada"]  # the default answer restores
        assert any("damaged" in p.name for p in tmp_path.iterdir())  # the empty file is kept aside
    finally:
        session.release()
        db.close()


def test_quitting_at_an_empty_file_leaves_it_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    monkeypatch.setattr(recovery, "choose_for_empty", lambda *a: (recovery.QUIT, None))
    assert app_module.open_with_recovery(path) is None
    assert path.stat().st_size == 0 and JournalLock(path).acquire()


def test_start_on_a_full_disk_says_the_disk_is_full(qtbot, tmp_path, no_modal_boxes):
    from ..small_disk import fill, small_disk

    with small_disk(tmp_path / "disk") as folder:
        a_journal(folder)
        before = digest(folder / "journal.sqlite3")
        fill(folder)
        assert app_module.open_with_recovery(folder / "journal.sqlite3") is None
        [(kind, _, text)] = no_modal_boxes
        assert kind == "critical" and text.startswith("The disk is full: ") and "already open" not in text
        assert digest(folder / "journal.sqlite3") == before
