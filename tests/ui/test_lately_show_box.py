"""The Lately panel's Show box at the panel's first width, on a laptop's screen
and a large one, light and dark: every entry is readable with its count, in the
closed box (the reason shortened, never the count) and in the open list (whole,
wider than the box when it must be). Measured with the fonts' metrics against
the room the box and the list give their text, not by comparing pixels."""

import shutil
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from journal.storage import db
from journal.writes import customers, purchases
from ui.common import theme
from ui.lately.reason_box import COUNT_ROLE, LABEL_ROLE

from .test_appearance import restore_look  # noqa: F401 - the palette is global: put back after the dark one
from .test_nothing_clipped import WINDOWS, demo_window  # noqa: F401 - the demo journal in the first window's size


@pytest.fixture(scope="module")
def thousands_in_need(tmp_path_factory):
    """1,200 customers who bought a month ago, never thanked nor contacted nor
    welcomed: four-digit counts beside the longest reason, "Never contacted
    since the first sale (1,200)". Made once, copied for each test."""
    path = tmp_path_factory.mktemp("show-box") / "journal.sqlite3"
    db.connect(path)
    try:
        ids = customers.create_customers([{"name": f"Customer {n:04}"} for n in range(1200)])
        for customer_id in ids:
            purchases.add_purchase(customer_id, date.today() - timedelta(days=30), "Chair", 10_000)
    finally:
        db.close()
    return path


def entries(box):
    return [(box.itemData(row, LABEL_ROLE), box.itemData(row, COUNT_ROLE)) for row in range(box.count())]


@pytest.fixture
def larger_font():
    """Text a quarter larger, as a person who needs larger text sets it: the
    application's font is global, put back after."""
    app = QApplication.instance()
    font = app.font()
    larger = type(font)(font)
    larger.setPointSizeF(font.pointSizeF() * 1.25)
    app.setFont(larger)
    yield larger
    app.setFont(font)


@pytest.mark.parametrize("size", sorted(WINDOWS))
@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK])
def test_every_entry_of_the_show_box_is_readable_with_its_count(qtbot, make_window, restore_look, tmp_path,
                                                                 thousands_in_need, size, scheme):
    window = thousands_window(make_window, tmp_path, thousands_in_need, WINDOWS[size])
    show_box_read_by_keys(qtbot, window, scheme)


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK])
def test_the_demo_journals_twelve_entries_are_readable(qtbot, demo_window, restore_look, scheme):
    """Every reason at once: more entries than the open list shows without its scroll bar."""
    assert demo_window.lately.reasons.count() == 12
    show_box_read_by_keys(qtbot, demo_window, scheme)


def test_with_larger_text_the_open_list_is_wider_than_the_box(qtbot, make_window, restore_look, tmp_path,
                                                                thousands_in_need, larger_font):
    """With text a quarter larger the longest entry is wider than the box: the
    open list is as wide as it needs, wider than the box (before, the list's
    rows did not measure their text: it was as wide as the box and cut the
    count off)."""
    window = thousands_window(make_window, tmp_path, thousands_in_need, WINDOWS["1366x768"])
    box = show_box_read_by_keys(qtbot, window, theme.LIGHT)
    assert box.font().pointSizeF() == larger_font.pointSizeF()
    assert box.view().sizeHintForIndex(box.model().index(1, 0)).width() > box.width()


def thousands_window(make_window, tmp_path, journal, size):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(journal, path)
    window = make_window(path=path)
    window.resize(*size)
    assert entries(window.lately.reasons) == [
        ("Everything", "3,600"), ("Never contacted since the first sale", "1,200"), ("Purchase not thanked", "1,200"),
        ("New customer to welcome", "1,200")]
    return window


def show_box_read_by_keys(qtbot, window, scheme):
    """Each entry chosen by keys and read in the closed box, then the list
    opened by keys and each entry read in it; the box."""
    panel = window.lately
    if scheme == theme.DARK:
        window.appearance_actions[theme.DARK].trigger()
        qtbot.waitUntil(lambda: theme.scheme_of(panel.list.palette()) == theme.DARK, timeout=2000)
    qtbot.waitUntil(lambda: panel.width() <= 340)  # the panel's first width, the window grown around it
    box = panel.reasons
    metrics = box.fontMetrics()
    assert max(metrics.horizontalAdvance(box.itemText(row)) for row in range(box.count())) > box.text_room()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    box.setFocus(Qt.FocusReason.TabFocusReason)  # as Tab brings a person there
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box)
    for row, (label, count) in enumerate(entries(box)):
        if row:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # Show › the next reason
        assert box.currentIndex() == row
        shown = box.shown_text()
        assert shown.endswith(f" ({count})"), shown  # the count whole, at the end
        assert label.startswith(shown.removesuffix(f" ({count})").removesuffix("…"))  # the reason, shortened
        assert metrics.horizontalAdvance(shown) <= box.text_room()  # and all of it inside the box

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # open the list
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    try:
        screen = box.screen().availableGeometry()
        assert screen.contains(view.window().frameGeometry()), (screen, view.window().frameGeometry())
        delegate = view.itemDelegate()
        for row in range(box.count()):
            index = box.model().index(row, 0)
            assert view.sizeHintForIndex(index).width() <= view.viewport().width(), index.data()
            option = QStyleOptionViewItem()
            view.initViewItemOption(option)
            option.rect = view.visualRect(index)
            assert delegate.shown_text(option, index) == index.data() == "{} ({})".format(*entries(box)[row])
    finally:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    return box
