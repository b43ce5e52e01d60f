"""The Lately panel by keyboard and after its items change, in a shown window."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from ui.common import theme
from ui.lately.lately_panel import ITEM_ROLE, focus_ring

from .test_appearance import restore_look  # noqa: F401 - the palette is global: put back after the dark one

from .test_lately_panel import click_link, journal_with_needs, reasons
from .test_main_window import drive_dialog


def highlighted(panel):
    """The customers whose rows are highlighted (selected), and the current row's customer."""
    selected = [i.data(ITEM_ROLE).customer_name for i in panel.list.selectionModel().selectedIndexes()]
    current = panel.list.currentIndex()
    return selected, current.data(ITEM_ROLE).customer_name if current.isValid() else None


def choose_from_the_menu(qtbot, choose):
    """Shift+F10 on what has the focus (a Lately item: its menu, as the Menu key
    opens it); `choose(menu)` picks from it by keys while it is open (it is
    modal). A failure there closes the menus, not to leave the test waiting."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu

    def run():
        try:
            qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
            choose(QApplication.activePopupWidget())
        finally:
            while QApplication.activePopupWidget() is not None:
                QApplication.activePopupWidget().close()

    QTimer.singleShot(0, run)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)


def test_logging_an_item_never_highlights_another_customer(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    row = [i.customer_name for i in panel.visible_items()].index("Peter Promise")
    assert row + 1 < len(panel.visible_items())  # someone else is below him

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter saves

    drive_dialog(qtbot, fill)
    click_link(qtbot, panel, row, "log")
    qtbot.waitUntil(lambda: ("Peter Promise", "follow_up_due") not in reasons(panel))
    assert window.page.header.name.text() == "Peter Promise"
    assert highlighted(panel) == ([], None)


def test_snoozing_the_shown_customer_highlights_nobody_else(qtbot, make_window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu

    window = make_window(populate=journal_with_needs)
    panel = window.lately
    row = [i.customer_name for i in panel.visible_items()].index("Peter Promise")
    window.open_customer(panel.visible_items()[row].customer_id)
    chose = []

    def choose_a_week():  # the menu is modal: chosen by keys while it is open
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        menu = QApplication.activePopupWidget()
        assert menu.isVisible()
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        assert menu.activeAction().text() == "For a &week"
        qtbot.keyClick(menu, Qt.Key.Key_Return)
        chose.append(True)

    QTimer.singleShot(0, choose_a_week)
    click_link(qtbot, panel, row, "snooze")
    qtbot.waitUntil(lambda: ("Peter Promise", "follow_up_due") not in reasons(panel))
    assert chose and window.page.header.name.text() == "Peter Promise"
    assert highlighted(panel) == ([], None)


def test_logging_one_of_two_items_keeps_the_customers_other_one_highlighted(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    row = [i.reason for i in panel.visible_items()].index("never_contacted")

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    drive_dialog(qtbot, fill)
    click_link(qtbot, panel, row, "log")
    qtbot.waitUntil(lambda: ("Sally Silent", "never_contacted") not in reasons(panel))
    assert window.page.header.name.text() == "Sally Silent"
    selected, current = highlighted(panel)
    assert selected == ["Sally Silent"] and current in (None, "Sally Silent")


def many_needs():
    from datetime import date, timedelta

    from journal.writes import customers, purchases

    for n in range(30):
        c = customers.create_customer(name=f"Person {n:02}")
        purchases.add_purchase(c.id, date.today() - timedelta(days=60 + n), "Oak table", 90_000)


def test_choosing_another_reason_shows_the_top_of_the_list(qtbot, make_window):
    from PySide6.QtCore import QPoint

    window = make_window(populate=many_needs)
    panel = window.lately
    bar = panel.list.verticalScrollBar()
    panel.reasons.setFocus(Qt.FocusReason.TabFocusReason)  # as Tab brings a person there
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reasons)
    assert panel.reasons.currentText().startswith("Everything")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # Show › the first reason
    assert not panel.reasons.currentText().startswith("Everything")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.list
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)  # down the list
    qtbot.waitUntil(lambda: bar.value() > 0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is panel.reasons
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # Show › Everything
    assert panel.reasons.currentText().startswith("Everything")
    assert bar.value() == 0
    top = panel.list.indexAt(QPoint(2, 2))
    assert top.row() == 0 and top.data(ITEM_ROLE) == panel.visible_items()[0]


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK])
def test_the_list_by_keyboard_shows_its_current_row(qtbot, make_window, restore_look, scheme):
    """Tab into the list: a ring shows the row Down and Enter act on, the first
    when nobody in the list is the customer shown; Down then goes to the next."""
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    if scheme == theme.DARK:
        window.appearance_actions[theme.DARK].trigger()
        qtbot.waitUntil(lambda: theme.scheme_of(panel.list.palette()) == theme.DARK, timeout=2000)
    window.open_customer(ben_id(window))  # he needs nothing: no row is highlighted
    assert highlighted(panel) == ([], None)
    panel.reasons.setFocus(Qt.FocusReason.TabFocusReason)  # as Tab brings a person there
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.reasons)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.list
    assert panel.list.currentIndex().row() == 0  # focus arriving makes the first item current
    ring = focus_ring(panel.list.palette())

    def ring_on(row):
        rect = panel.list.visualRect(panel.model.index(row, 0))
        image = panel.list.viewport().grab().toImage()
        return all(image.pixelColor(x, y) == ring for x, y in (
            (rect.center().x(), rect.top()), (rect.center().x(), rect.bottom() - 1), (rect.left(), rect.center().y())))

    assert ring_on(0) and not ring_on(1)
    assert theme.contrast(ring, panel.list.palette().color(QPalette.ColorRole.Base)) >= 3
    assert theme.contrast(ring, theme.selected_row(panel.list.palette())) >= 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert panel.list.currentIndex().row() == 1 and ring_on(1) and not ring_on(0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert panel.list.currentIndex().row() == 0 and ring_on(0)  # selected now, and still ringed
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)  # the ring leaves with the focus
    assert QApplication.focusWidget() is panel.reasons and not ring_on(0)


def test_the_first_down_in_a_list_with_no_current_row_goes_to_the_first_item(qtbot, make_window):
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    window.open_customer(ben_id(window))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.list.viewport().rect().bottomLeft() + QPoint(2, -2))  # below the items
    assert QApplication.focusWidget() is panel.list and not panel.list.currentIndex().isValid()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert panel.list.currentIndex().row() == 0


def ben_id(window):
    from journal.storage.models import Customer

    return Customer.get(Customer.name == "Ben Boats").id


def test_the_items_menu_is_chosen_from_by_its_letters(qtbot, make_window):
    """Shift+F10 (as the Menu key) on an item opens its menu; each choice has a letter: S opens
    Snooze, W snoozes for a week."""
    window = make_window(populate=journal_with_needs)
    panel = window.lately
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Home)
    item = panel.list.currentIndex().data(ITEM_ROLE)
    seen = []

    def choose(menu):
        seen.append([a.text() for a in menu.actions()])
        qtbot.keyClick(menu, Qt.Key.Key_S)
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not menu, timeout=2000)
        snooze = QApplication.activePopupWidget()
        seen.append([a.text() for a in snooze.actions()])
        qtbot.keyClick(snooze, Qt.Key.Key_W)

    assert QApplication.focusWidget() is panel.list
    choose_from_the_menu(qtbot, choose)
    assert seen == [["&Log what I did…", "&Open customer", "Add to the thank-you &cards", "&Snooze"],
                    ["For a &week", "For a &month", "For &three months", "Until a &date…"]]
    qtbot.waitUntil(lambda: (item.customer_name, item.reason) not in reasons(panel))
