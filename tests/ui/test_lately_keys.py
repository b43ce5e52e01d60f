"""The Lately panel by keyboard and after its items change, in a shown window."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.lately.lately_panel import ITEM_ROLE

from .test_lately_panel import click_link, journal_with_needs, reasons
from .test_main_window import drive_dialog


def highlighted(panel):
    """The customers whose rows are highlighted (selected), and the current row's customer."""
    selected = [i.data(ITEM_ROLE).customer_name for i in panel.list.selectionModel().selectedIndexes()]
    current = panel.list.currentIndex()
    return selected, current.data(ITEM_ROLE).customer_name if current.isValid() else None


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
        assert menu.activeAction().text() == "For a week"
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
