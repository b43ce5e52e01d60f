"""Icons for interaction kinds and timeline entries, painted at run time: a
coloured disc (the kind's class) with a glyph, so they follow the palette and
need no image files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap

from journal.rules.kinds import KINDS

from ui.common.theme import CLASS_COLORS, GLYPH_COLOR

GLYPHS = {
    "thank_you_card": "✉", "welcome_kit": "⌂", "gift": "♥", "article": "¶", "introduction": "⇄",
    "check_in": "☺", "feedback": "?", "support": "⚙", "urgent": "!", "pitch": "★", "quote": "≈",
    "negotiation": "⚖", "meeting": "☕", "call": "☎", "email": "@", "message": "✎", "note": "✍",
    "purchase": "$", "referred": "→", "introduced": "⇄", "colleague": "≡", "stage": "◆",
}


def color_for(kind: str) -> str:
    if kind in KINDS:
        return CLASS_COLORS[KINDS[kind].klass]
    if kind == "purchase":
        return CLASS_COLORS["purchase"]
    if kind in ("referred", "introduced", "colleague"):
        return CLASS_COLORS["connection"]
    return CLASS_COLORS["stage"]


def paint_disc(painter: QPainter, rect: QRectF, kind: str, glyph: float = 0.55) -> None:
    """The kind's disc and glyph; glyph: its height as a part of the disc's."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color_for(kind)))
    painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setPixelSize(max(round(rect.height() * glyph), 8))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(GLYPH_COLOR))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, GLYPHS.get(kind, "•"))
    painter.restore()


KIND_SIZES = (16, 20, 24, 32, 48)  # each painted at its own size: a 32 px one shrunk to 16 lost its glyph


@lru_cache(maxsize=None)
def kind_icon(kind: str, size: int = 32) -> QIcon:
    icon = QIcon()
    for side in sorted({*KIND_SIZES, size}):
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        if side <= 20:  # small: the disc fills the square, the glyph as big as it reads
            paint_disc(painter, QRectF(0, 0, side, side), kind, glyph=0.72)
        else:
            paint_disc(painter, QRectF(1, 1, side - 2, side - 2), kind)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"  # drawn by resources/make_icons.py


def app_icon() -> QIcon:
    """The window icon from its files; QIcon reads each size only when it is needed."""
    icon = QIcon()
    for path in sorted(ICON_DIR.glob("lately-*.png")):
        size = int(path.stem.split("-")[1])
        icon.addFile(str(path), QSize(size, size))
    return icon


# -- the toolbar's and menus' pictures -----------------------------------------------------------------------
ACTION_DIR = ICON_DIR / "actions"  # line drawings on a 24-unit grid, stroke="currentColor"
ACTION_SIZES = (16, 20, 32, 40)  # a menu's, the toolbar's, and both on a 2x screen
# How wide a line is on screen at each size: the drawings' 2 units would be 1.3 px
# at 16 px, thin and grey; kept at 1.5 px or more, they read as sharply as text.
_STROKE_PIXELS = {16: 1.5, 20: 1.75, 24: 2.0}


def line_icon(name: str, palette: QPalette | None = None) -> QIcon:
    """resources/icons/actions/<name>.svg drawn in the palette's text colour (dimmed
    when disabled), each size drawn on its own so small ones stay crisp."""
    from PySide6.QtGui import QGuiApplication

    palette = palette or QGuiApplication.palette()
    return _line_icon(name, palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText).name(),
                      palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name())


@lru_cache(maxsize=64)
def _line_icon(name: str, colour: str, disabled: str) -> QIcon:
    from PySide6.QtSvg import QSvgRenderer

    drawing = (ACTION_DIR / f"{name}.svg").read_text(encoding="utf-8")
    icon = QIcon()
    for size in ACTION_SIZES:
        pixels = _STROKE_PIXELS.get(size, size / 12)
        stroke = f'stroke-width="{pixels * 24 / size:.3f}"'
        # Active and Selected (hovered, a menu's current row) fall back to Normal: the same ink.
        for mode, ink in ((QIcon.Mode.Normal, colour), (QIcon.Mode.Disabled, disabled)):
            svg = drawing.replace("currentColor", ink).replace('stroke-width="2"', stroke)
            renderer = QSvgRenderer(svg.encode("utf-8"))
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon


# The main window's actions and their drawings.
ACTION_ICONS = {"quick_capture": "log-interaction", "new_customer": "new-customer", "search": "search",
                "cards": "thank-you-cards", "graph": "referral-graph", "undo": "undo", "redo": "redo"}


def dress_actions(actions, toolbar) -> None:
    """Give the actions their pictures, and draw them again when the scheme changes
    (light or dark); the toolbar shows each picture with its words beside it."""
    from ui.common import theme

    toolbar.setIconSize(QSize(20, 20))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    dresser = _Dresser(actions, toolbar)  # the toolbar's child: gone with it, and so is the connection
    dresser.dress()
    theme.notifier().changed.connect(dresser.dress)


class _Dresser(QObject):
    def __init__(self, actions, parent):
        super().__init__(parent)
        self.actions = actions

    def dress(self, *_):
        for attribute, name in ACTION_ICONS.items():
            action = getattr(self.actions, attribute, None)
            if action is not None:
                action.setIcon(line_icon(name))
