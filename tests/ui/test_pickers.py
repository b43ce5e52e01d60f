"""Every customer picker completes on any part of a name or company as you
type, from the journal, and Down, Up and Enter choose from the list."""

import gc
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers
from journal.reads import search
from ui.common.pickers import CHOICE_ROLE, CustomerPicker


def people():
    customers.create_customer(name="Martha Mullins", company="Acme Bakery")
    customers.create_customer(name="Jane Tester", company="Mullin & Co")
    customers.create_customer(name="Ada Lovelace", company="Analytical Engines")
    customers.create_customer(name="Élodie Durand", company="")


def shown_rows(picker):
    popup = picker.completer().popup()
    model = popup.model()
    return [model.index(row, 0).data(CHOICE_ROLE).name for row in range(model.rowCount())]


def type_into_focus(qtbot, text):
    gc.collect()  # a completer model without an owner would be gone now
    qtbot.keyClicks(QApplication.focusWidget(), text)


def test_complete_customers_finds_any_part_of_name_or_company(journal):
    people()
    assert [c.name for c in search.complete_customers("ullin")] == ["Jane Tester", "Martha Mullins"]
    assert [c.name for c in search.complete_customers("mar")] == ["Martha Mullins"]
    assert [c.name for c in search.complete_customers("jane mull")] == ["Jane Tester"]
    assert [c.name for c in search.complete_customers("ÉLO")] == ["Élodie Durand"]
    assert [c.name for c in search.complete_customers("Martha Mullins — Acme Bakery")] == ["Martha Mullins"]
    assert [c.name for c in search.complete_customers("an")] == ["Ada Lovelace", "Jane Tester", "Élodie Durand"]
    assert search.complete_customers("50%_") == []
    assert [c.name for c in search.complete_customers("mar\x00tha \"\x00")] == ["Martha Mullins"]
    martha = customers.find_by_name("Martha Mullins").id
    assert [c.name for c in search.complete_customers("ullin", exclude=martha)] == ["Jane Tester"]


def test_the_names_index_follows_renames_companies_and_deletions(journal):
    people()
    jane = customers.find_by_name("Jane Tester").id
    customers.update_customer(jane, name="Janet Quill", company="Zebra Works")
    assert search.complete_customers("ullin") == [search.complete_customers("Martha")[0]]
    assert [c.name for c in search.complete_customers("zebra")] == ["Janet Quill"]
    customers.delete_customer(jane)
    assert search.complete_customers("zebra") == []


def test_a_picker_shows_matches_as_you_type_and_down_enter_picks(qtbot, journal):
    people()
    picker = CustomerPicker()
    qtbot.addWidget(picker)
    picker.show()
    picker.activateWindow()
    picker.setFocus()
    qtbot.waitUntil(picker.hasFocus)
    type_into_focus(qtbot, "ullin")
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert shown_rows(picker) == ["Jane Tester", "Martha Mullins"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Up)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert picker.text() == "Martha Mullins — Acme Bakery"
    assert picker.customer_id() == customers.find_by_name("Martha Mullins").id


# -- in the windows that have one ------------------------------------------------------------------


from journal.storage.models import Interaction  # noqa: E402

from .focus_helpers import focused, in_modal, press  # noqa: E402


def keys(qtbot, window, key, modifier=Qt.KeyboardModifier.ControlModifier):
    press(qtbot, window, key, modifier)


def choose_second(qtbot, picker, text, expected):
    """Type into the focused picker, see the list, take its second row with Down, Down, Up, Down, Enter."""
    assert focused() is picker
    type_into_focus(qtbot, text)
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert shown_rows(picker) == expected
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Return):
        qtbot.keyClick(popup, key)
    assert not popup.isVisible()


def test_quick_capture_picks_from_the_list_and_saves(qtbot, make_window):
    window = make_window(populate=people)

    def drive(dialog):
        assert focused() is dialog.summary  # the customer selected in the list is filled in
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        choose_second(qtbot, dialog.customer, "ullin", ["Jane Tester", "Martha Mullins"])
        assert dialog.customer.text() == "Martha Mullins — Acme Bakery"
        assert dialog.isVisible()  # Enter chose a customer; it did not save yet
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        assert focused() is dialog.summary
        qtbot.keyClicks(QApplication.focusWidget(), "Talked about cakes")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert not dialog.isVisible()

    in_modal(qtbot, lambda: keys(qtbot, window, Qt.Key.Key_L), drive)
    martha = customers.find_by_name("Martha Mullins").id
    assert [i.summary for i in Interaction.select().where(Interaction.customer == martha)] == ["Talked about cakes"]


def test_an_ambiguous_customer_opens_the_list_to_choose_from(qtbot, make_window):
    window = make_window(populate=people)

    def drive(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_into_focus(qtbot, "ullin")
        popup = dialog.customer.completer().popup()
        qtbot.waitUntil(popup.isVisible, timeout=2000)
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
        assert not popup.isVisible()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible()
        assert dialog.errors.messages() == ["Customer: 2 customers match “ullin”: choose one from the list"]
        qtbot.waitUntil(popup.isVisible, timeout=2000)
        assert shown_rows(dialog.customer) == ["Jane Tester", "Martha Mullins"]
        assert focused() is dialog.customer

    in_modal(qtbot, lambda: keys(qtbot, window, Qt.Key.Key_L), drive)


def test_connect_offers_everyone_but_the_customer_themselves(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Martha Mullins").id)

    def drive(dialog):
        type_into_focus(qtbot, "ullin")
        popup = dialog.other.completer().popup()
        qtbot.waitUntil(popup.isVisible, timeout=2000)
        assert shown_rows(dialog.other) == ["Jane Tester"]
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert dialog.other.text() == "Jane Tester — Mullin & Co"

    in_modal(qtbot, lambda: keys(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
                                 | Qt.KeyboardModifier.ShiftModifier), drive)


def test_cards_hand_selection_adds_the_customer_picked_from_the_list(qtbot, make_window):
    window = make_window(populate=people)
    keys(qtbot, window, Qt.Key.Key_T)
    cards = window.cards_window
    cards.set_occasion("hand")
    cards.activateWindow()
    qtbot.waitUntil(cards.isActiveWindow, timeout=2000)
    cards.picker.setFocus()
    choose_second(qtbot, cards.picker, "ullin", ["Jane Tester", "Martha Mullins"])
    qtbot.waitUntil(lambda: [c.name for c in cards.cards] == ["Martha Mullins"], timeout=2000)
    assert cards.picker.text() == ""


def test_graph_find_centres_on_the_customer_picked(qtbot, make_window):
    window = make_window(populate=people)
    keys(qtbot, window, Qt.Key.Key_G)
    graph = window.graph_window
    graph.activateWindow()
    qtbot.waitUntil(lambda: focused() is graph.view, timeout=2000)  # opens on the graph
    qtbot.keyClick(focused(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is graph.search
    choose_second(qtbot, graph.search, "ullin", ["Jane Tester", "Martha Mullins"])
    qtbot.waitUntil(lambda: graph.view.chosen == customers.find_by_name("Martha Mullins").id, timeout=2000)


def test_search_finds_customers_by_any_part_and_enter_opens_one(qtbot, make_window):
    window = make_window(populate=people)

    def drive(dialog):
        type_into_focus(qtbot, "ullin")
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=2000)
        assert dialog.stack.currentWidget() is dialog.list and dialog.list.isVisible()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert not dialog.isVisible()

    in_modal(qtbot, lambda: keys(qtbot, window, Qt.Key.Key_K), drive)
    assert window.current_customer() == customers.find_by_name("Martha Mullins").id


def test_an_upgraded_journal_completes_its_existing_customers(tmp_path):
    import shutil

    from journal.storage import db, migrations

    path = tmp_path / "journal.sqlite3"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "journal_v1.sqlite3", path)
    database = db.connect(path)
    try:
        assert migrations.current_version(database) == migrations.LATEST
        assert [c.label for c in search.complete_customers("avy la")] == ["Grace Hopper — Navy Labs"]
        assert [c.name for c in search.complete_customers("urin")] == ["Alan Turing"]
    finally:
        db.close()
