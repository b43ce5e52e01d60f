"""“Continue your note?” at start, by keys: Escape continues the note (it
opens in quick capture) rather than doing nothing or losing it. Quick capture
keeps one draft: a note put off for later would be typed over by the next."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from journal.storage.models import Interaction
from journal.writes import customers, drafts
from ui.capture.capture import CaptureDialog

from .focus_helpers import focused
from .modal_helpers import when_open

NOTE = {"customer_text": "Ada Lovelace — Analytical Engines", "kind": "call", "direction": "in",
        "summary": "Rang about the table", "notes": "Typed before the crash", "occurred_at": "2026-01-02T10:00:00"}


def left_a_draft(draft):
    def populate():
        customers.create_customer(name="Ada Lovelace", company="Analytical Engines")
        drafts.save_draft(drafts.QUICK_CAPTURE, draft)
    return populate


def test_escape_on_continue_your_note_opens_it_and_nothing_is_lost(qtbot, make_window):
    seen = {}

    def escape(box):
        seen["question"] = box.text()
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)

    def capture(dialog):
        seen["notes"], seen["customer"] = dialog.notes.toPlainText(), dialog.customer.text()
        seen["kept meanwhile"] = drafts.load_draft(drafts.QUICK_CAPTURE)
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save

    when_open(qtbot, QMessageBox, escape)
    when_open(qtbot, CaptureDialog, capture)
    make_window(populate=left_a_draft(NOTE))
    qtbot.waitUntil(lambda: "notes" in seen, timeout=5000)
    assert "You were writing a note about Ada Lovelace" in seen["question"]
    assert seen["notes"] == "Typed before the crash" and seen["customer"] == NOTE["customer_text"]
    assert seen["kept meanwhile"]["notes"] == "Typed before the crash"
    qtbot.waitUntil(lambda: Interaction.select().where(Interaction.summary == "Rang about the table").exists(),
                    timeout=5000)
    assert drafts.load_draft(drafts.QUICK_CAPTURE) is None  # saved: nothing left over


def test_a_draft_of_only_a_summary_is_asked_about_before_escape_throws_it_away(qtbot, make_window, no_modal_boxes):
    opened = []

    def capture(dialog):
        opened.append(dialog.summary.text())
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)

    when_open(qtbot, QMessageBox, lambda box: qtbot.keyClick(focused(), Qt.Key.Key_Escape))
    when_open(qtbot, CaptureDialog, capture)
    make_window(populate=left_a_draft({"customer_text": "Ada Lovelace", "summary": "Half a thought"}))
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened == ["Half a thought"]
    assert ("question", "Discard this note?") in [(kind, title) for kind, title, _ in no_modal_boxes]


def test_a_summary_suggested_by_the_lately_panel_is_not_typed_text(qtbot, make_window, no_modal_boxes):
    window = make_window(populate=left_a_draft({}))  # no draft worth offering

    def capture(dialog):
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)

    when_open(qtbot, CaptureDialog, capture)
    window.quick_capture(customers.find_by_name("Ada Lovelace").id, kind="thank_you_card", summary="Sent a thank-you card")
    assert not no_modal_boxes  # closed at once, nothing asked
