"""The timeline by keyboard, as found by trying the app in a real window: Tab
into it, Down through the entries (never onto a month's heading, where Enter
and Delete did nothing and nothing showed where the cursor was), Enter to edit,
Delete and keep your place."""

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from journal.reads.timeline import TimelineEntry
from journal.writes import customers, interactions
from ui.common import theme
from ui.timeline.timeline_view import ENTRY_ROLE, IS_MONTH_ROLE

from .test_appearance import restore_look  # noqa: F401 - the palette is global: put back after the dark one
from .test_main_window import drive_dialog, timeline_titles


def ada_over_three_months():
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical Engines")
    now = datetime.now()
    now = (now.replace(day=1) - timedelta(days=1)).replace(day=15, hour=12)  # the 15th of last month: past
    for months_ago, title in ((0, "Coffee at the harbour"), (0, "Sent a poem"), (1, "Called about the table"),
                              (2, "Met at the fair")):
        interactions.log_interaction(ada.id, "meeting", "out", title, occurred_at=now - timedelta(days=31 * months_ago)
                                     - timedelta(hours=len(title)))
    return ada


def current_title(timeline):
    entry = timeline.list.currentIndex().data(ENTRY_ROLE)
    return entry.title if isinstance(entry, TimelineEntry) else None


def tab_into_timeline(qtbot, window):
    """From the filter chips (where Tab comes from on the customer page) into the feed."""
    timeline = window.page.timeline
    chip = timeline.filter_group.button(0)
    chip.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is chip)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is timeline.list
    return timeline


def ring_on(timeline, row):
    ring = theme.focus_ring(timeline.list.palette())
    rect = timeline.list.visualRect(timeline.model.index(row))
    image = timeline.list.viewport().grab().toImage()
    return all(image.pixelColor(x, y) == ring for x, y in (
        (rect.center().x(), rect.top()), (rect.center().x(), rect.bottom() - 1), (rect.left(), rect.center().y())))


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK])
def test_tab_into_the_timeline_shows_where_the_keys_act(qtbot, make_window, restore_look, scheme):
    window = make_window(populate=ada_over_three_months)
    if scheme == theme.DARK:
        window.appearance_actions[theme.DARK].trigger()
        qtbot.waitUntil(lambda: theme.scheme_of(window.page.timeline.list.palette()) == theme.DARK, timeout=2000)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    timeline = tab_into_timeline(qtbot, window)
    assert current_title(timeline) == "Sent a poem"  # the newest entry, not the month heading above it
    row = timeline.list.currentIndex().row()
    assert ring_on(timeline, row) and not ring_on(timeline, row + 1)
    palette = timeline.list.palette()
    assert theme.contrast(theme.focus_ring(palette), palette.color(QPalette.ColorRole.Base)) >= 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert ring_on(timeline, timeline.list.currentIndex().row()) and not ring_on(timeline, row)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)  # the ring leaves with the focus
    assert QApplication.focusWidget() is not timeline.list
    assert not any(ring_on(timeline, r) for r in range(timeline.model.rowCount()))


def test_down_and_up_go_from_entry_to_entry_over_the_month_headings(qtbot, make_window):
    window = make_window(populate=ada_over_three_months)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    timeline = tab_into_timeline(qtbot, window)
    assert any(timeline.model.index(r).data(IS_MONTH_ROLE) for r in range(1, timeline.model.rowCount()))
    seen = [current_title(timeline)]
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        seen.append(current_title(timeline))
    assert seen == timeline_titles(window)  # every press lands on the next entry, none on a heading
    assert timeline.list.selectionModel().isSelected(timeline.list.currentIndex())  # and shows it
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # past the last: stays on it
    assert current_title(timeline) == "Met at the fair"
    for expected in reversed(seen[:-1]):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
        assert current_title(timeline) == expected
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # above the first: the heading is no stop
    assert current_title(timeline) == "Sent a poem"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    assert current_title(timeline) == "Met at the fair"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Home)
    assert current_title(timeline) == "Sent a poem"


def test_enter_edits_the_entry_reached_with_down_and_delete_keeps_your_place(qtbot, make_window):
    window = make_window(populate=ada_over_three_months)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    timeline = tab_into_timeline(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # over the heading of last month
    assert current_title(timeline) == "Called about the table"
    opened = []

    def edit(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        opened.append(dialog.summary.text())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
        qtbot.keyClicks(QApplication.focusWidget(), " legs")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    drive_dialog(qtbot, edit)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert opened == ["Called about the table"]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is timeline.list)
    assert current_title(timeline) == "Called about the table legs"  # still where you were

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert "Called about the table legs" not in timeline_titles(window)
    assert QApplication.focusWidget() is timeline.list
    assert current_title(timeline) == "Met at the fair"  # the next one, ready for the next key
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert timeline_titles(window) == ["Sent a poem", "Coffee at the harbour"]
    assert current_title(timeline) == "Coffee at the harbour"  # the last one gone: the one above
