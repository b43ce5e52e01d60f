"""Every window and dialog opens in its first input, Tab walks its inputs in
the order they are on screen, and every underlined letter focuses its input:
driven by real key presses on whatever has focus, as a person would."""

from __future__ import annotations

import gc
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers, purchases
from ui.io.import_dialog import ImportDialog

from .focus_helpers import check_focus_chain, check_mnemonics, describe, focused, in_modal, press


def people():
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical Engines", interests="poetry",
                                    tags=["vip"])
    customers.create_customer(name="Bob Builder", company="Timber & Co")
    customers.create_customer(name="Grace Hopper", company="Navy Labs", stage="prospect")
    purchases.add_purchase(ada.id, date.today() - timedelta(days=40), "Oak table", 180_000)


def chain_and_letters(qtbot, first_of):
    def inspect(dialog):
        check_focus_chain(qtbot, dialog, first_of(dialog))
        check_mnemonics(qtbot, dialog)
    return inspect


def test_typing_a_name_and_enter_in_a_new_customer_saves_it_whole(qtbot, make_window):
    window = make_window(populate=people)

    def type_jane(dialog):
        gc.collect()
        assert focused() is dialog.name
        qtbot.keyClicks(QApplication.focusWidget(), "Jane Tester")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    in_modal(qtbot, lambda: press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier), type_jane)
    jane = customers.find_by_name("Jane Tester")
    assert jane is not None
    assert customers.find_by_name("Tester") is None
    assert window.current_customer() == jane.id


def test_new_customer_dialog(qtbot, make_window):
    window = make_window(populate=people)
    in_modal(qtbot, window.new_customer, chain_and_letters(qtbot, lambda d: d.name))


def test_quick_capture_without_and_with_a_customer(qtbot, make_window):
    window = make_window(populate=people)
    in_modal(qtbot, lambda: window.quick_capture(), chain_and_letters(qtbot, lambda d: d.customer))
    bob = customers.find_by_name("Bob Builder").id
    in_modal(qtbot, lambda: window.quick_capture(bob), chain_and_letters(qtbot, lambda d: d.summary))


def test_log_purchase_and_connect_dialogs(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Bob Builder").id)
    in_modal(qtbot, window.log_purchase, chain_and_letters(qtbot, lambda d: d.product))
    in_modal(qtbot, window.add_connection, chain_and_letters(qtbot, lambda d: d.other))


def test_settings_trash_and_search_dialogs(qtbot, make_window):
    window = make_window(populate=people)
    in_modal(qtbot, window.edit_settings, chain_and_letters(qtbot, lambda d: d.owner))
    in_modal(qtbot, window.open_trash, chain_and_letters(qtbot, lambda d: d.list))
    in_modal(qtbot, window.search_everything, chain_and_letters(qtbot, lambda d: d.box))


def test_snooze_date_dialog(qtbot, make_window):
    window = make_window(populate=people)
    qtbot.waitUntil(lambda: bool(window.lately.visible_items()))
    item = window.lately.visible_items()[0]
    in_modal(qtbot, lambda: window.lately._snooze_until(item), chain_and_letters(qtbot, lambda d: d.calendar))


def test_cards_window_and_its_template_dialog(qtbot, make_window):
    window = make_window(populate=people)
    press(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    cards = window.cards_window
    cards.activateWindow()
    qtbot.waitUntil(cards.isActiveWindow, timeout=3000)
    check_focus_chain(qtbot, cards, cards.occasion)
    check_mnemonics(qtbot, cards)
    cards.set_occasion("hand")  # the hand selection shows its picker instead of the dates
    cards.occasion.setFocus()
    check_focus_chain(qtbot, cards, cards.occasion)
    in_modal(qtbot, cards.edit_template, chain_and_letters(qtbot, lambda d: d.editor))


def test_graph_window(qtbot, make_window):
    window = make_window(populate=people)
    press(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    graph = window.graph_window
    graph.activateWindow()
    qtbot.waitUntil(graph.isActiveWindow, timeout=3000)
    qtbot.waitUntil(lambda: focused() is graph.view)  # opens on the graph: + − zoom, typing finds
    check_focus_chain(qtbot, graph, graph.view)
    check_mnemonics(qtbot, graph)


@pytest.mark.parametrize("name, what, text", [
    ("people.csv", "customers", "Name,Company,Email,Customer since\nJane Tester,Acme,jane@example.com,2024-03-01\n"),
    ("sales.csv", "purchases", "Customer,Date,Product,Amount\nJane Tester,2024-03-01,Oak table,\"1,250.00\"\n"),
    ("contacts.vcf", "customers", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Tester\r\nORG:Acme\r\nEND:VCARD\r\n"),
])
def test_import_dialog(qtbot, journal, tmp_path, name, what, text):
    source = tmp_path / name
    source.write_text(text)
    dialog = ImportDialog(source, what)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    first = dialog.skip if name.endswith(".vcf") else dialog.columns.cellWidget(0, 2)
    check_focus_chain(qtbot, dialog, first)
    check_mnemonics(qtbot, dialog)


def test_details_form_in_the_main_window(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    press(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    details = window.page.details
    assert focused() is details.fields["name"], describe(focused())
    seen = [focused()]
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if not details.isAncestorOf(focused()) or focused() is seen[-1]:
            break
        seen.append(focused())
    order = list(details.fields.values()) + [details.revert_button, details.save_button]
    assert seen == order, f"Tab went {[describe(w) for w in seen]}"
    details.fields["name"].setFocus()
    check_mnemonics(qtbot, window)


def test_main_window_opens_in_the_find_box_and_tabs_pane_by_pane(qtbot, make_window):
    from .focus_helpers import visual_order, walk_tabs

    window = make_window(populate=people)
    qtbot.waitUntil(lambda: focused() is not None)
    assert focused() is window.customer_list.filter_box
    chain = walk_tabs(qtbot)
    panes = [window.customer_list, window.page, window.lately]
    pane_of = [next(n for n, pane in enumerate(panes) if pane.isAncestorOf(w)) for w in chain]
    assert pane_of == sorted(pane_of) and set(pane_of) == {0, 1, 2}, "Tab goes left to right through the panes"
    for n, pane in enumerate(panes):
        inside = [w for w, p in zip(chain, pane_of) if p == n]
        assert inside == visual_order(pane, inside), [describe(w) for w in inside]
    assert chain[:2] == [window.customer_list.filter_box, window.customer_list.table]


def test_date_fields_take_tab_as_next_field_and_sections_by_arrows_and_typing(qtbot, make_window):
    from PySide6.QtWidgets import QDateTimeEdit

    window = make_window(populate=people)

    def drive(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
        when = dialog.when
        assert focused() is when
        assert when.currentSection() == QDateTimeEdit.Section.DaySection
        qtbot.keyClicks(QApplication.focusWidget(), "3")  # typing sets the day
        assert when.date().day() == 3
        for _ in range(4):  # the arrow keys walk the sections: "d MMM yyyy, HH:mm"
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
        assert when.currentSection() != QDateTimeEdit.Section.DaySection
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert focused() is dialog.summary
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
        assert focused() is when

    bob = customers.find_by_name("Bob Builder").id
    in_modal(qtbot, lambda: window.quick_capture(bob), drive)


def test_an_alt_letter_brings_a_field_below_into_view(qtbot, make_window):
    window = make_window(populate=people)
    window.resize(900, 600)  # the details form scrolls
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    press(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    details = window.page.details
    since = details.fields["customer_since"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert focused() is since
    viewport = details.scroll.viewport()
    top = since.mapTo(viewport, since.rect().topLeft()).y()
    assert 0 <= top and top + since.height() <= viewport.height()


def test_restore_a_backup_dialog(qtbot, make_window):
    window = make_window(populate=people)
    window.files.backup_now()
    in_modal(qtbot, window.files.choose_backup, chain_and_letters(qtbot, lambda d: d.list))


def test_alt_d_goes_to_the_chosen_direction(qtbot, make_window):
    window = make_window(populate=people)

    def drive(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        assert focused() is dialog.out_button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # arrows choose inside the group
        assert dialog.in_button.isChecked()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        assert focused() is dialog.in_button

    in_modal(qtbot, lambda: window.quick_capture(customers.find_by_name("Bob Builder").id), drive)


def test_edit_interaction_dialog(qtbot, make_window):
    from journal.writes import interactions

    window = make_window(populate=people)
    ada = customers.find_by_name("Ada Lovelace").id
    note = interactions.log_interaction(ada, "call", "out", "Called about the table")
    in_modal(qtbot, lambda: window.edit_interaction(note.id), chain_and_letters(qtbot, lambda d: d.summary))


def test_every_menu_gives_each_item_it_shows_its_own_alt_letter(qtbot, make_window):
    """Alt+F, then a letter, runs the item: two items with one letter would only
    move between them. Items hidden in turn (Protect / Remove protection) may share."""
    from PySide6.QtWidgets import QMenu

    window = make_window()

    def letters(menu: QMenu, where: str):
        seen = {}
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            text = action.text().replace("&&", "")
            if "&" in text:
                letter = text[text.index("&") + 1].lower()
                assert letter not in seen, f"{where}: {seen[letter]!r} and {action.text()!r} share Alt+{letter}"
                seen[letter] = action.text()
            if action.menu():
                letters(action.menu(), f"{where} › {action.text()}")

    for action in window.menuBar().actions():
        letters(action.menu(), action.text())
