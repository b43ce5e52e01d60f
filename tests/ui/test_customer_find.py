"""The customer list's find box when it matches nobody, typed in a shown window."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .test_main_window import people, press, visible_names


def test_a_find_that_matches_nobody_says_so_in_the_list(qtbot, make_window):
    window = make_window(populate=people)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is found.filter_box
    assert not found.no_match.isVisible()
    qtbot.keyClicks(QApplication.focusWidget(), "zzq")
    assert visible_names(window) == []
    assert found.no_match.isVisible()
    assert "No customer matches “zzq”" in found.no_match.text()
    # In the list's place, whole.
    viewport = found.table.viewport()
    assert found.no_match.parent() is viewport and viewport.rect().contains(found.no_match.geometry())
    assert found.no_match.sizeHint().height() <= found.no_match.height()
    assert QApplication.focusWidget() is found.filter_box  # typing goes on
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    assert len(visible_names(window)) == 3 and not found.no_match.isVisible()
    qtbot.keyClicks(QApplication.focusWidget(), "timber")  # a match: no message
    assert visible_names(window) == ["Bob Builder"] and not found.no_match.isVisible()
    qtbot.keyClicks(QApplication.focusWidget(), " <b>x")  # said as typed, never read as markup
    assert found.no_match.isVisible() and "“timber &lt;b&gt;x”" in found.no_match.text()


CUSTOMER_ACTIONS = ("log_purchase", "connect", "edit_details", "archive", "delete_customer", "add_to_cards",
                    "merge_with")


def test_a_find_that_matches_nobody_leaves_no_customer_on_the_page_until_it_is_cleared(qtbot, make_window):
    window = make_window(populate=people)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is found.filter_box
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # Bob Builder, not the first row
    assert window.page.isVisible() and window.page.header.name.text() == "Bob Builder"
    bob = window.current.id

    qtbot.keyClicks(QApplication.focusWidget(), "zzq")
    # Nobody is shown as if found: the page says why it is empty, and what brings the customer back.
    assert window.current.id is None
    assert not window.page.isVisible() and window.no_selection.isVisible()
    said = window.no_selection.text()
    assert "No customer matches “zzq”" in said and "Escape" in said and "Bob Builder" in said
    assert not any(getattr(window.actions, name).isEnabled() for name in CUSTOMER_ACTIONS)
    assert window.actions.quick_capture.isEnabled()  # quick capture asks whom
    assert QApplication.focusWidget() is found.filter_box  # typing goes on
    qtbot.keyClicks(QApplication.focusWidget(), " <b>")
    assert "“zzq &lt;b&gt;”" in window.no_selection.text()  # said as typed, never read as markup

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # clears the find
    assert found.filter_box.text() == "" and len(visible_names(window)) == 3
    assert QApplication.focusWidget() is found.filter_box
    assert window.current.id == bob and window.page.isVisible()
    assert window.page.header.name.text() == "Bob Builder"
    assert found.model.id_at(found.table.currentIndex().row()) == bob
    assert all(getattr(window.actions, name).isEnabled() for name in CUSTOMER_ACTIONS)

    # Ctrl+Z in the box takes the clearing back, and nobody is shown again.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert found.filter_box.text() == "zzq <b>" and window.current.id is None and window.no_selection.isVisible()

    # Emptied by hand, the same customer comes back too.
    for _ in range(len("zzq <b>")):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    assert window.current.id == bob and window.page.header.name.text() == "Bob Builder"


def test_a_find_that_matches_others_shows_the_first_of_them_and_escape_keeps_it(qtbot, make_window):
    window = make_window(populate=people)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "grace")
    assert window.page.header.name.text() == "Grace Hopper"
    qtbot.keyClicks(QApplication.focusWidget(), "zz")  # then nobody
    assert window.current.id is None and "Grace Hopper" in window.no_selection.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.page.header.name.text() == "Grace Hopper" and len(visible_names(window)) == 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # an empty box: nothing more happens
    assert found.filter_box.text() == "" and window.page.header.name.text() == "Grace Hopper"


def test_opening_a_customer_from_the_panel_while_the_find_matches_nobody_shows_that_customer(qtbot, make_window,
                                                                                              monkeypatch):
    from ui.lately.lately_panel import ITEM_ROLE

    window = make_window(populate=people)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "grace")
    grace = window.current.id
    qtbot.keyClicks(QApplication.focusWidget(), "zz")
    assert window.current.id is None
    panel = window.lately
    wanted = next(i for i in range(panel.model.rowCount()) if panel.model.index(i, 0).data(ITEM_ROLE).customer_id != grace)
    chosen = panel.model.index(wanted, 0).data(ITEM_ROLE).customer_id
    loads = []
    show = window.page.show_customer
    monkeypatch.setattr(window.page, "show_customer", lambda cid, *a, **k: (loads.append(cid), show(cid, *a, **k)))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Home)
    for _ in range(wanted):
        qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    # The find is emptied so the customer shows; the one shown before the find does not come back instead.
    assert found.filter_box.text() == ""
    assert window.current.id == chosen == found.current_id()
    assert window.page.isVisible() and window.page.customer_id == chosen
    assert set(loads) == {chosen}  # never Grace's page on the way


def test_another_journal_opens_with_everyone_whatever_the_find_said(qtbot, make_window, tmp_path):
    """A find that matched nobody, then File › Open of another journal: the new
    journal shows everyone and its first customer, and Escape in the box never
    brings back a customer of the journal before (nor one with that id)."""
    from journal.storage import db
    from journal.writes import customers

    other = tmp_path / "other.sqlite3"
    db.connect(other)
    for name in ("Otto Other", "Olga Other", "Oscar Other", "Ozzy Other"):
        customers.create_customer(name=name)
    db.close()
    window = make_window(populate=people)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "zzq")
    assert found.why_nobody() and window.current.id is None
    window.files.switch_journal(other)
    assert window.journal_path == other
    assert found.filter_box.text() == "" and not found.why_nobody()
    assert len(visible_names(window)) == 4 and window.page.header.name.text() == visible_names(window)[0]
    first = visible_names(window)[0]
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "qx")  # no letter of it in any name here: nobody from the start
    assert f"go back to {first}" in found.why_nobody()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.page.header.name.text() == first
