"""Colours, the application palette and the appearance setting (System, Light,
Dark). Every colour the app paints text or rows with lives here, one value per
scheme, so a test can check each against the backgrounds it is drawn on."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOptionToolButton, QTabBar,
)

# Kind classes, stages and cadence levels: one hue each, for icons, graph nodes
# and colour bars (shapes, never text on the page's background). The white glyph
# on each kind's disc, and each node and line on the graph's canvas, reads at 3:1
# or more (tests/ui/test_appearance.py).
CLASS_COLORS = {
    "value": "#2e9d6a", "reactive": "#c27410", "sales": "#3f7dd1", "neutral": "#7b8494",
    "purchase": "#8a5cc7", "connection": "#139196", "stage": "#5d6b7a",
}
STAGE_COLORS = {"prospect": "#3f7dd1", "customer": "#2e9d6a", "former": "#838a94"}
# The stage chip: white bold text on these, in both schemes.
STAGE_CHIP_COLORS = {"prospect": "#2d62ad", "customer": "#1f7550", "former": "#5f6670"}
STAGE_CHIP_TEXT = "#ffffff"
GLYPH_COLOR = "#ffffff"  # the symbol on a kind's disc
# The graph's connection lines: referred, introduced (dashed), colleagues (dotted).
EDGE_COLORS = {"referred": "#2e7d62", "introduced": "#c27410", "colleague": "#7b8494"}
# Colour bars for cadence levels (text in these levels uses TEXT_COLORS["due"/"overdue"]).
LEVEL_COLORS = {"due": "#c98a00", "overdue": "#d0463b"}
ACCENT = "#2e7d62"
# Where a line of text sits in its rectangle in the list painters.
LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

LIGHT, DARK, SYSTEM = "light", "dark", "system"
APPEARANCES = {SYSTEM: "&System", LIGHT: "&Light", DARK: "&Dark"}

# The palette of each scheme: role -> (active, disabled). Disabled text is kept
# clearly dimmer than enabled text, and a disabled field loses its white base.
PALETTES = {
    LIGHT: {
        QPalette.ColorRole.Window: ("#f4f5f7", "#f4f5f7"),
        QPalette.ColorRole.WindowText: ("#1d1f23", "#9ba1a9"),
        QPalette.ColorRole.Base: ("#ffffff", "#eceef1"),
        QPalette.ColorRole.AlternateBase: ("#f5f6f8", "#eceef1"),
        QPalette.ColorRole.Text: ("#1d1f23", "#9ba1a9"),
        QPalette.ColorRole.Button: ("#f4f5f7", "#eceef1"),
        QPalette.ColorRole.ButtonText: ("#1d1f23", "#9ba1a9"),
        QPalette.ColorRole.ToolTipBase: ("#ffffff", "#ffffff"),
        QPalette.ColorRole.ToolTipText: ("#1d1f23", "#1d1f23"),
        QPalette.ColorRole.PlaceholderText: ("#5d6470", "#9ba1a9"),
        QPalette.ColorRole.Mid: ("#c9cdd3", "#d5d8dd"),
        QPalette.ColorRole.Highlight: ("#2e7d62", "#b9c9c2"),
        QPalette.ColorRole.HighlightedText: ("#ffffff", "#ffffff"),
        QPalette.ColorRole.Link: ("#1e6b51", "#9ba1a9"),
        QPalette.ColorRole.LinkVisited: ("#1e6b51", "#9ba1a9"),
        QPalette.ColorRole.BrightText: ("#ffffff", "#ffffff"),
    },
    DARK: {
        QPalette.ColorRole.Window: ("#2a2e33", "#2a2e33"),
        QPalette.ColorRole.WindowText: ("#e6e8eb", "#7a8088"),
        QPalette.ColorRole.Base: ("#1f2226", "#2a2e33"),
        QPalette.ColorRole.AlternateBase: ("#25292e", "#2a2e33"),
        QPalette.ColorRole.Text: ("#e6e8eb", "#7a8088"),
        QPalette.ColorRole.Button: ("#353a40", "#2e3237"),
        QPalette.ColorRole.ButtonText: ("#e6e8eb", "#7a8088"),
        QPalette.ColorRole.ToolTipBase: ("#353a40", "#353a40"),
        QPalette.ColorRole.ToolTipText: ("#e6e8eb", "#e6e8eb"),
        QPalette.ColorRole.PlaceholderText: ("#a4abb4", "#6b7178"),
        QPalette.ColorRole.Mid: ("#4a5058", "#3a3f45"),
        QPalette.ColorRole.Light: ("#4a5058", "#3a3f45"),
        QPalette.ColorRole.Midlight: ("#40454c", "#35393f"),
        QPalette.ColorRole.Dark: ("#17191c", "#17191c"),
        QPalette.ColorRole.Shadow: ("#0d0e10", "#0d0e10"),
        QPalette.ColorRole.Highlight: ("#2e7d62", "#3b4d46"),
        QPalette.ColorRole.HighlightedText: ("#ffffff", "#a4abb4"),
        QPalette.ColorRole.Link: ("#7dd3ae", "#7a8088"),
        QPalette.ColorRole.LinkVisited: ("#7dd3ae", "#7a8088"),
        QPalette.ColorRole.BrightText: ("#ffffff", "#ffffff"),
    },
}

# Text the app paints itself, by meaning, per scheme. Each is read on every row
# background below (tests/ui/test_appearance.py holds them to 4.5:1).
TEXT_COLORS = {
    "muted": {LIGHT: "#5d6470", DARK: "#aab1ba"},      # dates, evidence, secondary lines
    "link": {LIGHT: "#1e6b51", DARK: "#7dd3ae"},       # the Lately panel's action links
    "due": {LIGHT: "#8a5a00", DARK: "#e8b04a"},        # cadence due (amber)
    "overdue": {LIGHT: "#bf3328", DARK: "#ff8f85"},    # cadence overdue, errors (red)
    "info": {LIGHT: "#2a62b0", DARK: "#8ab8f5"},       # a suggestion that can wait (blue)
    "success": {LIGHT: "#1e6b51", DARK: "#7dd3ae"},
}
# Backgrounds the painted lists put under that text.
ROW_BACKGROUNDS = {
    "base": {LIGHT: "#ffffff", DARK: "#1f2226"},
    "alternate": {LIGHT: "#f5f6f8", DARK: "#25292e"},
    "selected": {LIGHT: "#d6ede3", DARK: "#1c4033"},   # a selected row in the painted lists
    "window": {LIGHT: "#f4f5f7", DARK: "#2a2e33"},
}
# Under a matched word in search results, with Text on it.
MATCH_BACKGROUND = {LIGHT: "#ffe27a", DARK: "#6b5510"}
# The graph's canvas and what is drawn on it.
GRAPH_COLORS = {
    "canvas": {LIGHT: "#fbfbfd", DARK: "#1b1e21"},
    "label": {LIGHT: "#1d1f23", DARK: "#e6e8eb"},
    "outline": {LIGHT: "#ffffff", DARK: "#1b1e21"},
    "selected": {LIGHT: "#1d1f23", DARK: "#ffffff"},
}
# The bar on the selected tab (Timeline / Details), which Fusion draws only a
# shade lighter than the others: it reads at 3:1 on the window in each scheme.
TAB_MARK = {LIGHT: "#2e7d62", DARK: "#7dd3ae"}
# Under a menu's items: on dark, a shade above the lists and the window it opens
# over (Fusion paints it in the list colour, so a menu melted into the list under it).
MENU_BACKGROUND = {LIGHT: "#ffffff", DARK: "#353a40"}
MENU_DISABLED_TEXT = {LIGHT: "#80868e", DARK: "#8f959d"}  # greyed items (Undo, nothing to undo), still read on it
# On paper (cards and the card list): always dark on white.
PRINT_COLORS = {"text": "#1d1d1f", "message": "#3a3a3c", "warning": "#b3261e", "rule": "#c7c7cc"}
PAPER = "#ffffff"

_SETTINGS_KEY = "appearance"
_style = None


class _Notifier(QObject):
    changed = Signal(str)  # the scheme now in use


_notifier = None


def notifier() -> _Notifier:
    """Tells widgets that build style sheets from colours to build them again."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


# -- which scheme ---------------------------------------------------------------------------------
def system_scheme() -> str:
    hints = QGuiApplication.styleHints()
    return DARK if hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT


def scheme_of(palette: QPalette | None = None) -> str:
    """The scheme a palette belongs to (the application's when none is given)."""
    if palette is None:
        palette = QGuiApplication.palette()
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def is_dark() -> bool:
    return scheme_of() == DARK


_QCOLORS: dict[tuple[str, str], QColor] = {}


def color(name: str, palette: QPalette | None = None) -> QColor:
    """A named text colour for the scheme of `palette` (or of the application)."""
    key = (name, scheme_of(palette))
    found = _QCOLORS.get(key)
    if found is None:  # painters ask for these for every row they draw
        found = _QCOLORS[key] = QColor(TEXT_COLORS[name][key[1]])
    return found


def graph_color(name: str) -> QColor:
    return QColor(GRAPH_COLORS[name][scheme_of()])


def selected_row(palette: QPalette) -> QColor:
    return QColor(ROW_BACKGROUNDS["selected"][scheme_of(palette)])


def match_background(palette: QPalette) -> QColor:
    return QColor(MATCH_BACKGROUND[scheme_of(palette)])


# -- the palette ------------------------------------------------------------------------------------
def palette_for(scheme: str) -> QPalette:
    palette = QPalette()
    for role, (active, disabled) in PALETTES[scheme].items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, role, QColor(active))
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def menu_palette(scheme: str) -> QPalette:
    palette = palette_for(scheme)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        palette.setColor(group, QPalette.ColorRole.Base, QColor(MENU_BACKGROUND[scheme]))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(MENU_DISABLED_TEXT[scheme]))
    return palette


_DOCK_BUTTONS = ("qt_dockwidget_floatbutton", "qt_dockwidget_closebutton")  # a dock's title bar buttons
_TAB_SIDE = {  # where the mark goes on a selected tab, by the tab bar's shape
    QTabBar.Shape.RoundedNorth: "top", QTabBar.Shape.TriangularNorth: "top",
    QTabBar.Shape.RoundedSouth: "bottom", QTabBar.Shape.TriangularSouth: "bottom",
    QTabBar.Shape.RoundedWest: "left", QTabBar.Shape.TriangularWest: "left",
    QTabBar.Shape.RoundedEast: "right", QTabBar.Shape.TriangularEast: "right",
}


def tab_mark(palette: QPalette) -> QColor:
    return QColor(TAB_MARK[scheme_of(palette)])


class _Style(QProxyStyle):
    """Fusion, with check and radio indicators given an outline that shows on
    either scheme (Fusion darkens the window colour, invisible on dark); the
    selected tab marked with a bar; a dock's float and close buttons drawn in
    the window's text colour (Fusion's grey pictures vanish on dark)."""

    def drawControl(self, element, option, painter, widget=None):
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_TabBarTabShape and option.state & QStyle.StateFlag.State_Selected:
            rect, side = option.rect, _TAB_SIDE.get(option.shape, "top")
            thick = 3
            bar = {"top": rect.adjusted(1, 0, -1, -(rect.height() - thick)),
                   "bottom": rect.adjusted(1, rect.height() - thick, -1, 0),
                   "left": rect.adjusted(0, 1, -(rect.width() - thick), -1),
                   "right": rect.adjusted(rect.width() - thick, 1, 0, -1)}[side]
            painter.fillRect(bar, tab_mark(option.palette))

    def drawComplexControl(self, control, option, painter, widget=None):
        if (control != QStyle.ComplexControl.CC_ToolButton or widget is None
                or widget.objectName() not in _DOCK_BUTTONS):
            super().drawComplexControl(control, option, painter, widget)
            return
        plain = QStyleOptionToolButton(option)
        plain.icon = QIcon()  # the frame as Fusion draws it, the picture ours
        super().drawComplexControl(control, plain, painter, widget)
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        side = max(6, min(option.iconSize.width(), option.rect.width() - 4, option.rect.height() - 4))
        box = QRectF(0, 0, side, side)
        box.moveCenter(QRectF(option.rect).center())
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        painter.setPen(QPen(option.palette.color(group, QPalette.ColorRole.WindowText), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if widget.objectName() == _DOCK_BUTTONS[1]:  # close: a cross
            painter.drawLine(box.topLeft(), box.bottomRight())
            painter.drawLine(box.topRight(), box.bottomLeft())
        else:  # float: two windows, one over the other
            step = side / 3
            painter.drawRect(box.adjusted(0, step, -step, 0))
            painter.drawPolyline([QPointF(box.left() + step, box.top() + step), QPointF(box.left() + step, box.top()),
                                  box.topRight(), QPointF(box.right(), box.bottom() - step),
                                  QPointF(box.right() - step, box.bottom() - step)])
        painter.restore()

    def drawPrimitive(self, element, option, painter, widget=None):
        super().drawPrimitive(element, option, painter, widget)
        if element not in (QStyle.PrimitiveElement.PE_IndicatorRadioButton,
                           QStyle.PrimitiveElement.PE_IndicatorCheckBox):
            return
        palette = option.palette
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        edge = QColor(palette.color(group, QPalette.ColorRole.PlaceholderText))
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(edge)
        rect = option.rect.adjusted(1, 1, -1, -1)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 2, 2)
        painter.restore()


def chosen_appearance() -> str:
    value = str(_settings().value(_SETTINGS_KEY, SYSTEM) or SYSTEM)
    return value if value in APPEARANCES else SYSTEM


def _settings() -> QSettings:
    from journal.storage import db

    return QSettings(str(db.data_dir() / "window.ini"), QSettings.Format.IniFormat)


def apply(app, appearance: str | None = None) -> None:
    """Style, palette and font for `appearance` (the remembered one when None);
    System follows the desktop's light or dark scheme as it changes."""
    appearance = appearance or chosen_appearance()
    global _style
    if _style is None:
        _style = _Style(QStyleFactory.create("Fusion"))  # kept: the application does not own it for Python
        app.setStyle(_style)
    scheme = system_scheme() if appearance == SYSTEM else appearance
    app.setProperty("lately_appearance", appearance)
    app.setPalette(palette_for(scheme))
    app.setPalette(menu_palette(scheme), "QMenu")
    notifier().changed.emit(scheme)
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    _follow_system(app)


def _follow_system(app) -> None:
    if app.property("lately_follows_system"):
        return
    app.setProperty("lately_follows_system", True)

    def changed(_scheme):
        if app.property("lately_appearance") == SYSTEM:
            apply(app, SYSTEM)

    QGuiApplication.styleHints().colorSchemeChanged.connect(changed)


def set_appearance(appearance: str) -> None:
    """Remember the choice and switch to it now."""
    settings = _settings()
    settings.setValue(_SETTINGS_KEY, appearance)
    settings.sync()
    apply(QApplication.instance(), appearance)


# -- helpers for painters ------------------------------------------------------------------------------
def muted(palette: QPalette) -> QColor:
    """Secondary text, still readable (4.5:1) on rows and selections."""
    return color("muted", palette)


def title_font(base: QFont, scale: float = 1.5, bold=True) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(bold)
    return font


def focus_ring(palette: QPalette) -> QColor:
    """The ring around the current row of a painted list while it has the keyboard
    focus: the text colour, which shows on a plain row and on a selected one,
    light or dark (as the filter chips' focus ring)."""
    return palette.color(QPalette.ColorRole.Text)


def paint_focus_ring(painter, option, width: int = 2) -> None:
    """The ring, if this row is the current one of a list with the keyboard focus."""
    if option.state & QStyle.StateFlag.State_HasFocus:
        painter.save()
        painter.setPen(QPen(focus_ring(option.palette), width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = width // 2
        painter.drawRect(option.rect.adjusted(half, half, -half - 1, -half - 1))
        painter.restore()


def paint_row_background(painter, option, hover: bool = True) -> None:
    """The one look of a selected (and hovered) row in the painted lists."""
    palette = option.palette
    if option.state & QStyle.StateFlag.State_Selected:
        painter.fillRect(option.rect, selected_row(palette))
    elif hover and option.state & QStyle.StateFlag.State_MouseOver:
        painter.fillRect(option.rect, palette.color(QPalette.ColorRole.AlternateBase))


def filter_chip_colors(palette: QPalette, checked: bool) -> tuple[QColor, QColor]:
    """(text, background) of a filter chip, such as the timeline's All / Value
    given / Reactive / Sales: the one in use in the accent, the others as plain
    buttons. Fusion draws a checked button a shade darker than the others, which
    on the dark scheme reads the wrong way round (the darker one looks off)."""
    if checked:
        return palette.color(QPalette.ColorRole.HighlightedText), palette.color(QPalette.ColorRole.Highlight)
    return palette.color(QPalette.ColorRole.ButtonText), palette.color(QPalette.ColorRole.Button)


def filter_chip_style(palette: QPalette, selector: str) -> str:
    """A style sheet for the chips `selector` picks, built from `palette`."""
    text, background = (c.name() for c in filter_chip_colors(palette, False))
    on_text, on_background = (c.name() for c in filter_chip_colors(palette, True))
    edge = palette.color(QPalette.ColorRole.Mid).name()
    focus = palette.color(QPalette.ColorRole.Text).name()  # a ring that shows on the accent and off it
    return (f"{selector} {{ color: {text}; background: {background}; border: 1px solid {edge};"
            f" border-radius: 4px; padding: 2px 8px; }}"
            f"{selector}:hover {{ border-color: {on_background}; }}"
            f"{selector}:checked {{ color: {on_text}; background: {on_background}; border-color: {on_background}; }}"
            f"{selector}:focus {{ border: 2px solid {focus}; padding: 1px 7px; }}")


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    def luminance(c):
        c = QColor(c)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)

