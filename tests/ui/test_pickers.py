"""Every customer picker completes on any part of a name or company as you
type, from the journal, and Down, Up and Enter choose from the list."""

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal import customers, search
from ui.pickers import CHOICE_ROLE, CustomerPicker


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
