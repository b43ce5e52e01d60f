"""A full disk or a read-only journal while saving: a clear message, nothing
already saved is lost, and what was typed stays in the dialog."""

from PySide6.QtCore import Qt

from journal.writes import customers
from journal.storage.models import Interaction, database

from .test_main_window import drive_dialog, people


def fill_disk():
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")


def test_full_disk_keeps_the_note_and_says_why(qtbot, make_window):
    window = make_window(populate=people)
    before = Interaction.select().count()
    seen = {}

    def fill(dialog):
        dialog.summary.setText("Long lunch")
        dialog.notes.setPlainText("Every word of this matters. " * 400)
        fill_disk()
        dialog.accept()
        seen["message"] = dialog.general_error.text()
        seen["open"] = dialog.isVisible()
        seen["notes"] = dialog.notes.toPlainText()
        database.execute_sql("PRAGMA max_page_count = 1073741823")  # space freed
        dialog.accept()

    drive_dialog(qtbot, fill)
    window.quick_capture(customers.find_by_name("Ada Lovelace").id)
    assert seen["message"].startswith("The disk is full: ") and "nothing was saved" in seen["message"]
    assert seen["open"] and seen["notes"].startswith("Every word of this matters.")
    assert Interaction.select().count() == before + 1
    assert Interaction.get(Interaction.summary == "Long lunch").notes == seen["notes"].strip()


def test_read_only_journal_on_the_details_form(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Bob Builder").id)
    details = window.page.details
    details.fields["interests"].setText("timber, chess")
    database.execute_sql("PRAGMA query_only = 1")
    try:
        qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
        assert "read-only" in details.general_error.text()
        assert details.fields["interests"].text() == "timber, chess"
        assert customers.find_by_name("Bob Builder").interests == ""
    finally:
        database.execute_sql("PRAGMA query_only = 0")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    assert customers.find_by_name("Bob Builder").interests == "timber, chess"


def test_a_real_full_disk_in_quick_capture_keeps_the_note(qtbot, make_window, tmp_path):
    from ..small_disk import fill, small_disk

    with small_disk(tmp_path / "disk") as disk:
        window = make_window(disk / "journal.sqlite3", populate=people)
        before = Interaction.select().count()
        typed = "Every word of this matters. " * 4
        seen = {}

        def type_and_save(dialog):
            assert dialog.focusWidget() is dialog.summary
            qtbot.keyClicks(dialog.summary, "Long lunch")
            qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)  # to the notes
            assert dialog.focusWidget() is dialog.notes
            qtbot.keyClicks(dialog.notes, typed)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # as after a restart: no room left in the WAL
            seen["filler"] = fill(disk)
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            seen["message"] = dialog.general_error.text()
            seen["open"] = dialog.isVisible()
            seen["notes"] = dialog.notes.toPlainText()
            seen["summary"] = dialog.summary.text()
            seen["filler"].unlink()  # space freed: the same note saves
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            assert not dialog.isVisible(), f"the dialog stayed open: {dialog.general_error.text()}"

        drive_dialog(qtbot, type_and_save)
        window.quick_capture(customers.find_by_name("Ada Lovelace").id)
        assert seen["message"].startswith("The disk is full: ") and "nothing was saved" in seen["message"], seen
        assert "cannot rollback" not in seen["message"]
        assert seen["open"] and seen["summary"] == "Long lunch" and seen["notes"] == typed
        assert Interaction.select().count() == before + 1
        assert Interaction.get(Interaction.summary == "Long lunch").notes == typed.strip()
        window.close()
