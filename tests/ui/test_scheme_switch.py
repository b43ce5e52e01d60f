"""View › Appearance while a window that stays open (the thank-you cards) shows
red or green words: they take the new scheme's colour, never keep the old
one (the light scheme's dark red reads at under 3:1 on the dark window)."""

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from ui.common import theme
from ui.common.forms import ErrorLabel

from .test_appearance import restore_look  # noqa: F401 - a fixture
from .test_cards_view import shop


def colour_of(label) -> QColor:
    label.ensurePolished()
    return label.palette().color(label.foregroundRole())


@pytest.mark.parametrize("first, then", [(theme.LIGHT, theme.DARK), (theme.DARK, theme.LIGHT)])
def test_the_cards_warnings_follow_the_scheme(first, then, qtbot, make_window, restore_look):  # noqa: F811
    window = make_window(populate=shop)  # Bob Builder has no postal address
    window.appearance_actions[first].trigger()
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.recipients.count() == 2, timeout=5000)
    bob = next(view.recipients.item(r) for r in range(2) if "no postal address" in view.recipients.item(r).text())
    assert colour_of(view.warning) == QColor(theme.TEXT_COLORS["overdue"][first])
    assert bob.foreground().color() == QColor(theme.TEXT_COLORS["overdue"][first])

    window.appearance_actions[then].trigger()  # the cards window stays open
    red = QColor(theme.TEXT_COLORS["overdue"][then])
    assert colour_of(view.warning) == red
    assert bob.foreground().color() == red
    base = QApplication.palette().color(view.recipients.viewport().backgroundRole())
    assert theme.contrast(red, base) >= 4.5
    view.close()


def test_an_error_after_a_success_is_red_again_and_follows_the_scheme(qtbot, make_window, restore_look):  # noqa: F811
    window = make_window()
    window.appearance_actions[theme.LIGHT].trigger()
    label = ErrorLabel(window)
    label.show_message("Saved cards.pdf", tone="success")
    assert colour_of(label) == QColor(theme.TEXT_COLORS["success"][theme.LIGHT])
    label.show_message("The disk is full")
    assert colour_of(label) == QColor(theme.TEXT_COLORS["overdue"][theme.LIGHT])
    window.appearance_actions[theme.DARK].trigger()
    assert colour_of(label) == QColor(theme.TEXT_COLORS["overdue"][theme.DARK])
