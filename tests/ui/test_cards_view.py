"""The cards window on a real journal: occasions, editing, PDF, mark as sent."""

from datetime import date, timedelta

from PySide6.QtCore import Qt
import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pypdf import PdfReader

from journal.writes import customers, drafts, purchases, settings
from journal.storage.models import Interaction, Purchase
from ui.common import tasks


def shop():
    settings.update_settings(owner_name="Alex", signature="Warmly,\nAlex")
    ada = customers.create_customer(name="Ada Lovelace", address="12 Marylebone Road\nLondon")
    bob = customers.create_customer(name="Bob Builder")
    purchases.add_purchase(ada.id, date.today() - timedelta(days=6), "Oak table", 180_000)
    purchases.add_purchase(bob.id, date.today() - timedelta(days=5), "Lamp", 8_900)


def test_edit_export_and_mark_cards_as_sent(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(populate=shop)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "cards.pdf"), ""))
    window.actions.cards.trigger()
    view = window.cards_window
    assert view.current_occasion() == "purchases"
    assert [view.recipients.item(i).text() for i in range(view.recipients.count())] == [
        "Ada Lovelace", "⚠ Bob Builder — no postal address"]
    assert view.warning.text() == "1 without a postal address: Bob Builder"
    assert view.message.toPlainText().startswith("Dear Ada,")
    view.message.setPlainText("Dear Ada, the table looks wonderful in your hall. Alex")
    view.recipients.setCurrentRow(1)
    view.recipients.setCurrentRow(0)
    assert view.message.toPlainText() == "Dear Ada, the table looks wonderful in your hall. Alex"
    assert view.edited_note.text() == "Edited by hand"

    view.do_pdf()
    text = " ".join(page.extract_text() for page in PdfReader(str(tmp_path / "cards.pdf")).pages)
    assert "wonderful" in text and "Bob" in text

    view.do_sent()
    sent = Interaction.select().where(Interaction.summary == "Thank-you card sent", Interaction.deleted_at.is_null())
    assert sent.count() == 2
    assert "wonderful" in sent.where(Interaction.customer == customers.find_by_name("Ada Lovelace").id).get().notes
    assert Purchase.select().where(Purchase.thanked_by.is_null()).count() == 0
    assert view.recipients.count() == 0 and "No one to thank" in view.count.text()
    qtbot.waitUntil(lambda: not [i for i in window.lately.visible_items() if i.reason == "unthanked_purchase"])
    assert "Ctrl+Z to undo" in window.statusBar().currentMessage()
    assert drafts.load_draft(drafts.THANK_YOU_CARDS) is None  # sent: no hand-written message is pending

    # Marked by mistake: Ctrl+Z in the cards window takes it all back, the hand-written message too.
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    view.recipients.setFocus()
    qtbot.keyClick(view.recipients, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sent.count() == 0 and Purchase.select().where(Purchase.thanked_by.is_null()).count() == 2
    assert [view.recipients.item(i).text() for i in range(view.recipients.count())] == [
        "Ada Lovelace", "⚠ Bob Builder — no postal address"]
    view.recipients.setCurrentRow(0)
    assert "wonderful" in view.message.toPlainText()
    qtbot.waitUntil(lambda: any(i.reason == "unthanked_purchase" for i in window.lately.visible_items()))
    window.actions.redo.trigger()
    assert sent.count() == 2 and view.recipients.count() == 0


def test_an_unknown_placeholder_is_refused_and_nothing_printed(qtbot, make_window):
    window = make_window(populate=shop)
    from ui.cards.cards_view import TemplateDialog

    dialog = TemplateDialog(window)
    qtbot.addWidget(dialog)
    dialog.editor.setPlainText("Dear {{ nick }}")
    dialog.accept()
    assert "unknown placeholder {{ nick }}" in dialog.error.text()
    assert "nick" not in settings.get_settings().card_template


def test_card_link_in_the_lately_panel_adds_the_customer(qtbot, make_window):
    window = make_window(populate=shop)
    qtbot.waitUntil(lambda: any(i.customer_name == "Ada Lovelace" for i in window.lately.visible_items()))
    item = next(i for i in window.lately.visible_items() if i.customer_name == "Ada Lovelace")
    window.lately.card_requested.emit(item)
    view = window.cards_window
    assert view.recipients.currentItem().text() == "Ada Lovelace"


@pytest.mark.real_threads
def test_card_link_selects_the_card_once_the_cards_are_written_off_the_gui_thread(qtbot, make_window):
    """The cards are written on a worker thread: the link waits for them (it
    raised StopIteration on the empty list before), and a customer the occasion
    has no card for is added by hand."""
    window = make_window(populate=shop)
    qtbot.waitUntil(lambda: any(i.customer_name == "Ada Lovelace" for i in window.lately.visible_items()), timeout=5000)
    ada = next(i for i in window.lately.visible_items() if i.customer_name == "Ada Lovelace")
    window.lately.card_requested.emit(ada)
    view = window.cards_window

    def selected():
        row = view.recipients.currentRow()
        return view.cards[row].customer_id if 0 <= row < len(view.cards) else None

    qtbot.waitUntil(lambda: selected() == ada.customer_id, timeout=5000)
    assert view.current_occasion() == "purchases"
    carol = customers.create_customer(name="Carol Singer", address="1 High Street\nBath")  # no card this occasion
    view.show_customer(carol.id)
    qtbot.waitUntil(lambda: selected() == carol.id, timeout=5000)
    assert view.current_occasion() == "hand" and carol.id in view.hand_picked


def test_hand_selection_from_the_customer_list(qtbot, make_window):
    window = make_window(populate=shop)
    window.open_customer(customers.find_by_name("Bob Builder").id)
    window.actions.add_to_cards.trigger()
    view = window.cards_window
    assert view.current_occasion() == "hand"
    assert [c.name for c in view.cards] == ["Bob Builder"]
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    window.actions.add_to_cards.trigger()
    assert [c.name for c in view.cards] == ["Ada Lovelace", "Bob Builder"]


def test_hand_written_messages_and_choices_survive_closing_the_window(qtbot, make_window):
    window = make_window(populate=shop)
    window.actions.cards.trigger()
    view = window.cards_window
    view.recipients.setCurrentRow(0)
    view.message.setPlainText("Dear Ada, the table looks wonderful in your hall. Alex")
    bob = customers.find_by_name("Bob Builder").id
    view.add_customer(bob)  # a hand selection too
    view.close()
    assert window.cards_window is None

    window.actions.cards.trigger()  # a new window, as after a restart
    view = window.cards_window
    assert view.hand_picked == [bob]
    view.set_occasion("purchases")
    assert view.cards[0].name == "Ada Lovelace" and view.cards[0].edited
    view.recipients.setCurrentRow(0)
    assert view.message.toPlainText() == "Dear Ada, the table looks wonderful in your hall. Alex"
    assert view.edited_note.text() == "Edited by hand"


@pytest.mark.real_threads
def test_cards_are_prepared_off_the_gui_thread_and_only_the_newest_choice_shows(qtbot, make_window):
    """At tens of thousands of customers finding and writing the cards takes
    seconds; it runs on a worker thread, the window says it is at work, and
    choosing occasions quickly shows the last one chosen, not whichever
    finished last."""
    window = make_window(populate=shop)
    window.actions.cards.trigger()
    view = window.cards_window
    assert view.count.text() == "Finding whom to thank…"  # not built on the GUI thread
    assert not view.buttons["print"].isEnabled()
    qtbot.waitUntil(lambda: view.count.text() == "2 cards", timeout=10_000)
    assert view.buttons["print"].isEnabled()

    view.occasion.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.occasion)
    assert view.message.toPlainText().startswith("Dear Ada")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # welcome
    # The purchases' cards leave at once: no letter shown under another occasion's name.
    assert view.count.text() == "Finding whom to thank…"
    assert view.recipients.count() == 0 and view.message.toPlainText() == "" and view.card_title.text() == ""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # quarterly
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)  # chosen by hand: no one yet
    assert view.current_occasion() == "hand"
    qtbot.waitUntil(lambda: "No one to thank" in view.count.text(), timeout=10_000)
    tasks.wait_for_background(10_000)
    QApplication.processEvents()  # the finished older builds report now (and are ignored)
    assert view.recipients.count() == 0 and "No one to thank" in view.count.text()
