"""Which customer the keys act on, as found by a new user in a real window: after
Ctrl+F, a find and Enter, or Tab from the find box into the list, the list looked
just as it did while the keys were still in the find box. A ring round the whole
current row says it, in light and dark, and goes when the focus leaves."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from ui.common import theme
from ui.customers.customer_list import COMPANY, NAME

from .test_appearance import restore_look  # noqa: F401 - the palette is global: put back after the dark one
from .test_main_window import people, press


def ring_on(found, row):
    """The ring's colour along the top and bottom of `row`, across the name and
    company, and down its left side."""
    table = found.table
    ring = theme.focus_ring(table.palette())
    image = table.viewport().grab().toImage()
    name, company = (table.visualRect(found.model.index(row, c)) for c in (NAME, COMPANY))
    points = [(r.center().x(), y) for r in (name, company) for y in (r.top(), r.bottom())]
    points.append((name.left(), name.center().y()))
    return all(image.pixelColor(x, y) == ring for x, y in points)


def in_dark(qtbot, window):
    window.appearance_actions[theme.DARK].trigger()
    qtbot.waitUntil(lambda: theme.scheme_of(window.customer_list.table.palette()) == theme.DARK, timeout=2000)


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK])
def test_find_and_enter_shows_which_customer_the_keys_act_on(qtbot, make_window, restore_look, scheme):
    window = make_window(populate=people)
    if scheme == theme.DARK:
        in_dark(qtbot, window)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "o")  # Ada Lovelace, Bob Builder, Grace Hopper
    assert QApplication.focusWidget() is found.filter_box
    assert not any(ring_on(found, r) for r in range(found.model.rowCount()))  # the keys are in the box
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is found.table
    row = found.table.currentIndex().row()
    assert ring_on(found, row) and not ring_on(found, row + 1)
    palette = found.table.palette()
    for behind in (QPalette.ColorRole.Base, QPalette.ColorRole.Highlight):  # off the row and on the selected one
        assert theme.contrast(theme.focus_ring(palette), palette.color(behind)) >= 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert found.table.currentIndex().row() == row + 1
    assert ring_on(found, row + 1) and not ring_on(found, row)
    assert window.page.header.name.text() == found.model.index(row + 1, NAME).data()  # the ring is on the one shown
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)  # back to the find box: the ring goes
    assert QApplication.focusWidget() is found.filter_box
    assert not any(ring_on(found, r) for r in range(found.model.rowCount()))


def test_tab_from_the_find_box_into_the_list_shows_the_ring_on_the_selected_customer(qtbot, make_window):
    window = make_window(populate=people)
    found = window.customer_list
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "grace")
    assert window.page.header.name.text() == "Grace Hopper"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is found.table
    row = found.table.currentIndex().row()
    assert found.model.index(row, NAME).data() == "Grace Hopper"
    assert found.table.selectionModel().isRowSelected(row)  # the selection is where the ring is
    assert ring_on(found, row)
