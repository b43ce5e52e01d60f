"""Colours and the application palette. Follows the system's light or dark
scheme where Qt can tell, with the Fusion style as the common ground."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QStyle

# Kind classes, stages and cadence levels: one colour each, used everywhere.
CLASS_COLORS = {
    "value": "#2e9d6a", "reactive": "#d98b1c", "sales": "#3f7dd1", "neutral": "#7b8494",
    "purchase": "#8a5cc7", "connection": "#16a2a8", "stage": "#5d6b7a",
}
STAGE_COLORS = {"prospect": "#3f7dd1", "customer": "#2e9d6a", "former": "#8d939c"}
LEVEL_COLORS = {"due": "#c98a00", "overdue": "#d0463b"}
ACCENT = "#2e7d62"
# Where a line of text sits in its rectangle in the list painters.
LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply(app) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    if is_dark():
        base, window, text = QColor("#1f2226"), QColor("#2a2e33"), QColor("#e6e8eb")
        palette.setColor(QPalette.ColorRole.Window, window)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        palette.setColor(QPalette.ColorRole.Base, base)
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#262a2f"))
        palette.setColor(QPalette.ColorRole.Text, text)
        palette.setColor(QPalette.ColorRole.Button, window)
        palette.setColor(QPalette.ColorRole.ButtonText, text)
        palette.setColor(QPalette.ColorRole.ToolTipBase, window)
        palette.setColor(QPalette.ColorRole.ToolTipText, text)
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8b9199"))
        palette.setColor(QPalette.ColorRole.Mid, QColor("#3a3f45"))
    else:
        palette.setColor(QPalette.ColorRole.Window, QColor("#f4f5f7"))
        palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f8fa"))
        palette.setColor(QPalette.ColorRole.Button, QColor("#f4f5f7"))
        palette.setColor(QPalette.ColorRole.Mid, QColor("#d5d8dd"))
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8b9199"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    app.setPalette(palette)
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)


def muted(palette: QPalette) -> QColor:
    """Secondary text: between the text and the background."""
    a, b = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    return QColor((a.red() + b.red()) // 2, (a.green() + b.green()) // 2, (a.blue() + b.blue()) // 2)


def title_font(base: QFont, scale: float = 1.5, bold=True) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(bold)
    return font


def paint_row_background(painter, option, hover: bool = True) -> None:
    """The one look of a selected (and hovered) row in the painted lists."""
    palette = option.palette
    if option.state & QStyle.StateFlag.State_Selected:
        painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight).lighter(185))
    elif hover and option.state & QStyle.StateFlag.State_MouseOver:
        painter.fillRect(option.rect, palette.color(QPalette.ColorRole.AlternateBase))
