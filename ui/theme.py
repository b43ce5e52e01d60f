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


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply(app) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    if is_dark():
        base, window, text = QColor("#1f2226"), QColor("#2a2e33"), QColor("#e6e8eb")
        palette.setColor(QPalette.Window, window)
        palette.setColor(QPalette.WindowText, text)
        palette.setColor(QPalette.Base, base)
        palette.setColor(QPalette.AlternateBase, QColor("#262a2f"))
        palette.setColor(QPalette.Text, text)
        palette.setColor(QPalette.Button, window)
        palette.setColor(QPalette.ButtonText, text)
        palette.setColor(QPalette.ToolTipBase, window)
        palette.setColor(QPalette.ToolTipText, text)
        palette.setColor(QPalette.PlaceholderText, QColor("#8b9199"))
        palette.setColor(QPalette.Mid, QColor("#3a3f45"))
    else:
        palette.setColor(QPalette.Window, QColor("#f4f5f7"))
        palette.setColor(QPalette.Base, QColor("#ffffff"))
        palette.setColor(QPalette.AlternateBase, QColor("#f7f8fa"))
        palette.setColor(QPalette.Button, QColor("#f4f5f7"))
        palette.setColor(QPalette.Mid, QColor("#d5d8dd"))
        palette.setColor(QPalette.PlaceholderText, QColor("#8b9199"))
    palette.setColor(QPalette.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.Link, QColor(ACCENT))
    app.setPalette(palette)
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)


def muted(palette: QPalette) -> QColor:
    """Secondary text: between the text and the background."""
    a, b = palette.color(QPalette.Text), palette.color(QPalette.Base)
    return QColor((a.red() + b.red()) // 2, (a.green() + b.green()) // 2, (a.blue() + b.blue()) // 2)


def title_font(base: QFont, scale: float = 1.5, bold=True) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * scale)
    font.setBold(bold)
    return font


def paint_row_background(painter, option, hover: bool = True) -> None:
    """The one look of a selected (and hovered) row in the painted lists."""
    palette = option.palette
    if option.state & QStyle.State_Selected:
        painter.fillRect(option.rect, palette.color(QPalette.Highlight).lighter(185))
    elif hover and option.state & QStyle.State_MouseOver:
        painter.fillRect(option.rect, palette.color(QPalette.AlternateBase))
