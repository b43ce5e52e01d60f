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
