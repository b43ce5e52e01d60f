"""Icons for interaction kinds and timeline entries, painted at run time: a
coloured disc (the kind's class) with a glyph, so they follow the palette and
need no image files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

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


def paint_disc(painter: QPainter, rect: QRectF, kind: str) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color_for(kind)))
    painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setPixelSize(max(int(rect.height() * 0.55), 8))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(GLYPH_COLOR))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, GLYPHS.get(kind, "•"))
    painter.restore()


@lru_cache(maxsize=None)
def kind_icon(kind: str, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_disc(painter, QRectF(1, 1, size - 2, size - 2), kind)
    painter.end()
    return QIcon(pixmap)


ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"  # drawn by resources/make_icons.py


def app_icon() -> QIcon:
    """The window icon from its files; QIcon reads each size only when it is needed."""
    icon = QIcon()
    for path in sorted(ICON_DIR.glob("lately-*.png")):
        size = int(path.stem.split("-")[1])
        icon.addFile(str(path), QSize(size, size))
    return icon
