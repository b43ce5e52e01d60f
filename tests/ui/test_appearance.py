"""View › Appearance, and every colour the app shows text in, held to WCAG AA
(4.5:1) in the light and the dark scheme."""

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QRadioButton, QStyleFactory

from journal.storage import db
from ui.common import theme

AA = 4.5
SCHEMES = (theme.LIGHT, theme.DARK)
Role, Group = QPalette.ColorRole, QPalette.ColorGroup
# Text role on background role, as Qt's widgets draw them.
PAIRS = [(Role.Text, Role.Base), (Role.Text, Role.AlternateBase), (Role.WindowText, Role.Window),
         (Role.ButtonText, Role.Button), (Role.HighlightedText, Role.Highlight), (Role.Link, Role.Base),
         (Role.Link, Role.Window), (Role.PlaceholderText, Role.Base), (Role.ToolTipText, Role.ToolTipBase)]


@pytest.fixture
def restore_look():
    """The application's palette is global: put it back for the tests after this one."""
    app = QApplication.instance()
    palette, appearance, style = app.palette(), app.property("lately_appearance"), app.style().name()
    yield app
    app.setPalette(palette)
    app.setProperty("lately_appearance", appearance)
    if theme._style is not None:  # the other tests paint with the plain style, as before
        app.setStyle(QStyleFactory.create(style))
        theme._style = None


@pytest.mark.parametrize("scheme", SCHEMES)
def test_palette_roles_meet_aa(scheme):
    palette = theme.palette_for(scheme)
    for group in (Group.Active, Group.Inactive):
        for text, background in PAIRS:
            ratio = theme.contrast(palette.color(group, text), palette.color(group, background))
            assert ratio >= AA, f"{scheme}: {text.name} on {background.name} is {ratio:.2f}:1"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_disabled_text_looks_disabled_but_is_still_visible(scheme):
    palette = theme.palette_for(scheme)
    for text, background in ((Role.Text, Role.Base), (Role.WindowText, Role.Window), (Role.ButtonText, Role.Button)):
        enabled = palette.color(Group.Active, text)
        disabled = palette.color(Group.Disabled, text)
        # Clearly dimmer than enabled text (the undo button, a disabled date) …
        assert theme.contrast(enabled, disabled) >= 2.0, f"{scheme}: disabled {text.name} looks enabled"
        assert (theme.contrast(disabled, palette.color(Group.Disabled, background))
                < theme.contrast(enabled, palette.color(Group.Active, background)) / 2)
        # … but not gone.
        assert theme.contrast(disabled, palette.color(Group.Disabled, background)) >= 1.8
    # A disabled field loses its white (or black) well, so it reads as not editable.
    assert palette.color(Group.Disabled, Role.Base) != palette.color(Group.Active, Role.Base)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_text_colour_is_readable_on_every_row(scheme):
    for name, by_scheme in theme.TEXT_COLORS.items():
        for where, backgrounds in theme.ROW_BACKGROUNDS.items():
            ratio = theme.contrast(by_scheme[scheme], backgrounds[scheme])
            assert ratio >= AA, f"{scheme}: {name} on the {where} row is {ratio:.2f}:1"
    palette = theme.palette_for(scheme)
    text = palette.color(Role.Text)
    for where, backgrounds in theme.ROW_BACKGROUNDS.items():  # plain text on the painted rows
        assert theme.contrast(text, backgrounds[scheme]) >= AA, where
    # Search: the matched word on its highlight, and grey dates on a selected (mint) row.
    assert theme.contrast(text, theme.MATCH_BACKGROUND[scheme]) >= AA
    assert theme.contrast(theme.TEXT_COLORS["muted"][scheme], theme.ROW_BACKGROUNDS["selected"][scheme]) >= AA
    # What the palette gives the painted lists is what this table says.
    assert palette.color(Role.Base) == QColor(theme.ROW_BACKGROUNDS["base"][scheme])
    assert palette.color(Role.AlternateBase) == QColor(theme.ROW_BACKGROUNDS["alternate"][scheme])
    assert palette.color(Role.Link) == QColor(theme.TEXT_COLORS["link"][scheme])
    graph = theme.GRAPH_COLORS
    assert theme.contrast(graph["label"][scheme], graph["canvas"][scheme]) >= AA


def test_fixed_colours_meet_aa():
    for stage, chip in theme.STAGE_CHIP_COLORS.items():  # white bold text on the stage chip
        assert theme.contrast("#ffffff", chip) >= AA, stage
    for name in ("text", "message", "warning"):  # on paper
        assert theme.contrast(theme.PRINT_COLORS[name], theme.PAPER) >= AA, name


def test_shapes_stand_out_where_they_are_drawn():
    """Seen in a real window: the white glyph on an orange (reactive) disc, a
    former customer's grey node and the orange 'introduced' line on the light
    graph were each under 3:1, the least for shapes a person must tell apart."""
    for klass, disc in theme.CLASS_COLORS.items():
        assert theme.contrast(theme.GLYPH_COLOR, disc) >= 3.0, klass
    for scheme in SCHEMES:
        canvas = theme.GRAPH_COLORS["canvas"][scheme]
        for name, colour in [*theme.STAGE_COLORS.items(), *theme.EDGE_COLORS.items()]:
            assert theme.contrast(colour, canvas) >= 3.0, f"{scheme}: {name}"


def test_colours_live_in_the_theme_only():
    """So the tests above see every one: no colour literal anywhere else in ui/."""
    literal = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|QColor\(\s*[\"'\d]|color:\s*[a-z]+\b")
    found = []
    for path in sorted(Path(theme.__file__).parent.parent.glob("*/*.py")):
        if path.name == "theme.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line):
                found.append(f"{path.parent.name}/{path.name}:{number}: {line.strip()}")
    assert found == []


def test_view_appearance_switches_and_is_remembered(qtbot, make_window, restore_look):
    app = restore_look
    window = make_window()
    menu = window.view_menu
    appearance = next(a.menu() for a in menu.actions() if a.menu() and "Appearance" in a.text().replace("&", ""))
    assert [a.text().replace("&", "") for a in appearance.actions()] == ["System", "Light", "Dark"]
    assert window.appearance_actions[theme.SYSTEM].isChecked()

    window.appearance_actions[theme.DARK].trigger()
    assert theme.scheme_of(app.palette()) == theme.DARK
    assert app.palette().color(Role.Base) == QColor(theme.PALETTES[theme.DARK][Role.Base][0])
    assert window.appearance_actions[theme.DARK].isChecked()
    settings = QSettings(str(db.data_dir() / "window.ini"), QSettings.Format.IniFormat)
    assert settings.value("appearance") == "dark"
    # The painted lists follow: the panel's links are the dark scheme's.
    qtbot.waitUntil(lambda: theme.scheme_of(window.lately.list.palette()) == theme.DARK, timeout=2000)
    assert theme.color("link", window.lately.list.palette()) == QColor(theme.TEXT_COLORS["link"][theme.DARK])
    # So does the customer's header, whose cards are drawn from a style sheet.
    name = window.page.header.name
    window_colour = app.palette().color(Role.Window)
    qtbot.waitUntil(lambda: theme.contrast(name.palette().color(name.foregroundRole()), window_colour) >= AA,
                    timeout=2000)
    assert theme.PALETTES[theme.DARK][Role.Base][0] in window.page.header.styleSheet()

    window.appearance_actions[theme.LIGHT].trigger()
    assert theme.scheme_of(app.palette()) == theme.LIGHT
    window.close()
    second = make_window()
    assert second.appearance_actions[theme.LIGHT].isChecked()  # remembered for the next start


def test_system_follows_the_desktop_scheme(restore_look):
    app = restore_look
    theme.apply(app, theme.SYSTEM)
    assert theme.scheme_of(app.palette()) == theme.system_scheme()


def ring_contrast(scheme: str, enabled: bool) -> float:
    """The strongest contrast between a radio button's drawn indicator and the window."""
    palette = theme.palette_for(scheme)
    button = QRadioButton("Phone")
    button.setPalette(palette)
    button.setEnabled(enabled)
    button.resize(button.sizeHint())
    image = button.grab().toImage()
    window = palette.color(Role.Window)
    indicator = min(button.height(), 24)  # the ring sits at the left, before the label
    return max(theme.contrast(image.pixelColor(x, y), window) for x in range(indicator) for y in range(image.height()))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_radio_buttons_are_visible(scheme, restore_look):
    theme.apply(restore_look, scheme)
    assert ring_contrast(scheme, enabled=True) >= 3.0  # WCAG's 3:1 for the parts of a control
    assert ring_contrast(scheme, enabled=False) >= 1.5


@pytest.mark.parametrize("scheme", SCHEMES)
def test_filter_chips_read_the_right_way_round(scheme, qtbot, make_window, restore_look):
    """The timeline's All / Value given / Reactive / Sales: the chip in use is the
    one that stands out, in the accent, on either scheme (Fusion drew it a shade
    darker than the others, which on the dark scheme read as the one not in use)."""
    from ui.timeline.timeline_view import TimelineView

    from .test_main_window import people

    palette = theme.palette_for(scheme)
    on_text, on = theme.filter_chip_colors(palette, True)
    off_text, off = theme.filter_chip_colors(palette, False)
    assert theme.contrast(on_text, on) >= AA and theme.contrast(off_text, off) >= AA
    assert on == palette.color(Role.Highlight)
    assert theme.contrast(on, off) >= 1.8, f"{scheme}: the chip in use hardly differs from the others"
    assert theme.contrast(on, palette.color(Role.Window)) > theme.contrast(off, palette.color(Role.Window))

    window = make_window(populate=people)
    other = theme.LIGHT if scheme == theme.DARK else theme.DARK
    window.appearance_actions[other].trigger()
    window.appearance_actions[scheme].trigger()  # the chips follow a change of scheme
    chips = window.findChild(TimelineView).filter_group.buttons()
    assert chips[0].isChecked() and not chips[1].isChecked()

    def drawn(chip):
        image = chip.grab().toImage()
        return image.pixelColor(4, image.height() // 2)

    assert drawn(chips[0]) == on and drawn(chips[1]) == off


def strongest_contrast(image, against) -> float:
    return max(theme.contrast(image.pixelColor(x, y), against) for x in range(image.width())
               for y in range(image.height()) if image.pixelColor(x, y).alpha() == 255)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_lately_docks_float_and_close_buttons_show(scheme, qtbot, make_window, restore_look):
    """Fusion's grey pictures on the dock's title bar all but vanished on dark."""
    from PySide6.QtWidgets import QAbstractButton

    window = make_window()
    window.appearance_actions[scheme].trigger()
    buttons = {b.objectName(): b for b in window.lately.findChildren(QAbstractButton)
               if b.objectName() in ("qt_dockwidget_floatbutton", "qt_dockwidget_closebutton")}
    assert set(buttons) == {"qt_dockwidget_floatbutton", "qt_dockwidget_closebutton"}
    window_colour = QApplication.instance().palette().color(Role.Window)
    for name, button in buttons.items():
        assert button.isVisible()
        qtbot.waitUntil(lambda: theme.scheme_of(button.palette()) == scheme, timeout=2000)
        image = button.grab().toImage()
        ratio = strongest_contrast(image, window_colour)
        assert ratio >= 3.0, f"{scheme}: the dock's {name} is drawn at {ratio:.2f}:1 on the window"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_selected_tab_stands_out(scheme, qtbot, make_window, restore_look):
    """Timeline / Details: the tab in use carries a bar the others do not, at 3:1
    on the window, and it moves with the arrow keys."""
    from .test_main_window import people

    palette = theme.palette_for(scheme)
    assert theme.contrast(theme.tab_mark(palette), palette.color(Role.Window)) >= 3.0
    window = make_window(populate=people)
    window.appearance_actions[scheme].trigger()
    bar = window.page.tabs.tabBar()
    qtbot.waitUntil(lambda: theme.scheme_of(bar.palette()) == scheme, timeout=2000)
    bar.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar, timeout=2000)

    def mark_contrast():
        """The strongest contrast of the top rows of the selected tab with those of the other."""
        image = bar.grab().toImage()
        selected, other = bar.tabRect(bar.currentIndex()), bar.tabRect(1 - bar.currentIndex())
        top = min(selected.top(), other.top())
        width = min(selected.width(), other.width()) - 8
        return max(theme.contrast(image.pixelColor(selected.left() + 4 + x, top + y),
                                  image.pixelColor(other.left() + 4 + x, top + y))
                   for x in range(width) for y in range(4))

    assert bar.currentIndex() == 0 and mark_contrast() >= 3.0, f"{scheme}: Timeline hardly stands out"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert bar.currentIndex() == 1 and window.page.tabs.currentWidget() is window.page.details_tab
    assert mark_contrast() >= 3.0, f"{scheme}: Details hardly stands out"


def test_details_tab_built_by_the_arrow_keys_logs_no_tab_order_warnings(qtbot, make_window, restore_look, qtlog):
    """Switching to Dark and moving Timeline → Details with the arrow keys used
    to log "QWidget::setTabOrder: 'first' and 'second' must be in the same window"
    fifteen times: the details form chained its fields before they were in it."""
    from .test_main_window import people

    window = make_window(populate=people)
    window.appearance_actions[theme.DARK].trigger()
    bar = window.page.tabs.tabBar()
    bar.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert window.page.tabs.currentWidget() is window.page.details_tab
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert [r.message for r in qtlog.records if "setTabOrder" in r.message] == []
    # The order itself is the one on screen: Name, Company, … and Save last.
    form = window.page.details
    name = form.fields["name"]
    name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.fields["company"]
    form.fields["customer_since"].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.save_button


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_menu_stands_apart_from_the_list_it_opens_over(scheme, qtbot, make_window, restore_look):
    """Seen in a real window on dark: File and Customer menus were painted in
    the customer list's own colour and melted into the rows under them."""
    from PySide6.QtWidgets import QMenu

    window = make_window()
    window.appearance_actions[scheme].trigger()
    menu = QMenu(window)
    menu.addAction("New customer…")
    greyed = menu.addAction("Undo")
    greyed.setEnabled(False)
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(menu)
    image = menu.grab().toImage()
    fill = image.pixelColor(image.width() - 4, image.height() // 2)  # right of the words, inside the frame
    lists = [QApplication.palette().color(Group.Active, role) for role in (Role.Base, Role.AlternateBase, Role.Window)]
    if scheme == theme.DARK:
        assert all(fill.lightness() - colour.lightness() >= 15 for colour in lists), fill.name()
    for group, least in ((Group.Active, AA), (Group.Disabled, 3.0)):
        text = menu.palette().color(group, Role.Text)
        assert theme.contrast(text, fill) >= least, f"{scheme}: {group.name} items at {theme.contrast(text, fill):.2f}:1"
    menu.close()
