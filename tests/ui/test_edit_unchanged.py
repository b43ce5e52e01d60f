"""An entry opened to edit and left unchanged, as found by trying the app in a
real window: Enter on a note in the timeline, then Escape, asked "You have
written notes that are not saved. Discard them?" about the note's own notes,
which nobody had typed or changed. (A person quitting with that dialog open was
asked the same; the stalls benchmark hung on that unanswered question.)"""

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.storage.models import Interaction
from journal.writes import customers, interactions

from .test_main_window import drive_dialog, people, timeline_titles


def with_a_note():
    people()
    ada = customers.find_by_name("Ada Lovelace").id
    interactions.log_interaction(ada, "meeting", "out", "Met at the showroom", notes="Prefers mornings",
                                 occurred_at=datetime.now().replace(second=0, microsecond=0) - timedelta(days=2))


def open_the_note(qtbot, window, act):
    """Enter on the newest entry of Ada's timeline (Home goes to it), then act(dialog)."""
    row = Interaction.get(Interaction.summary == "Met at the showroom")
    window.open_customer(row.customer_id)
    timeline = window.page.timeline
    qtbot.waitUntil(lambda: timeline_titles(window)[:1] == ["Met at the showroom"])
    timeline.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is timeline.list)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Home)
    seen = {}

    def look(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        seen["title"] = dialog.windowTitle()
        seen["notes"] = dialog.notes.toPlainText()
        act(dialog)

    drive_dialog(qtbot, look)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert seen == {"title": "Edit interaction", "notes": "Prefers mornings"}
    assert window.capture_dialog is None  # the dialog closed
    return row


def test_escape_on_an_unchanged_entry_closes_without_asking(qtbot, make_window, no_modal_boxes):
    window = make_window(populate=with_a_note)

    def escape(dialog):
        assert dialog.isAncestorOf(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    row = open_the_note(qtbot, window, escape)
    assert no_modal_boxes == []
    again = Interaction.get_by_id(row.id)
    assert (again.summary, again.notes) == ("Met at the showroom", "Prefers mornings")


def test_escape_after_a_change_asks_before_it_is_dropped(qtbot, make_window, no_modal_boxes):
    window = make_window(populate=with_a_note)

    def change_then_escape(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # &Notes
        assert QApplication.focusWidget() is dialog.notes
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(QApplication.focusWidget(), ", never Mondays")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    row = open_the_note(qtbot, window, change_then_escape)  # the recorded answer is Discard
    assert [(kind, title) for kind, title, _ in no_modal_boxes] == [("question", "Discard your changes?")]
    assert Interaction.get_by_id(row.id).notes == "Prefers mornings"  # discarded, as answered
