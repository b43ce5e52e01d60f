"""Drawing thank-you cards (one per page, A6 or US 4x6) and the list of cards
with addresses, for the printer, the print preview and PDF. QPdfWriter works
off the GUI thread, so hundreds of cards become a PDF behind a progress bar."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter

from journal.rules.cards import Card
from journal.errors import JournalError

from ui.common.theme import PRINT_COLORS

CARD_SIZES = {
    "A6 (105 × 148 mm)": QPageSize(QPageSize.PageSizeId.A6),
    "US 4 × 6 in": QPageSize(QSizeF(4, 6), QPageSize.Unit.Inch, "4 x 6 in"),
}
LIST_SIZE = QPageSize(QPageSize.PageSizeId.A4)
CARDS, LIST = "cards", "list"


def page_layout(kind: str, size: str) -> QPageLayout:
    page = CARD_SIZES[size] if kind == CARDS else LIST_SIZE
    margins = QMarginsF(12, 14, 12, 12) if kind == CARDS else QMarginsF(16, 16, 16, 16)
    return QPageLayout(page, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)


def draw(device, cards: list[Card], kind: str, progress=None) -> None:
    """Paint onto a paged device (QPrinter or QPdfWriter) whose layout is set."""
    painter = QPainter(device)
    if not painter.isActive():
        raise JournalError("The printer or file could not be opened for drawing.")
    try:
        if kind == CARDS:
            _cards(device, painter, cards, progress)
        else:
            _list(device, painter, cards, progress)
    finally:
        painter.end()


def _area(device, painter) -> QRectF:
    layout = device.pageLayout()
    rect = layout.paintRectPixels(device.resolution())
    return QRectF(0, 0, rect.width(), rect.height())


def _cards(device, painter, cards, progress):
    for n, card in enumerate(cards):
        if n:
            device.newPage()
        area = _area(device, painter)
        font = QFont("DejaVu Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        size = 13.0
        while size > 7:  # the longest messages get a smaller type, never a cut
            font.setPointSizeF(size)
            needed = QFontMetricsF(font, device).boundingRect(area, Qt.TextFlag.TextWordWrap, card.message)
            if needed.height() <= area.height():
                break
            size -= 0.5
        painter.setFont(font)
        painter.setPen(QColor(PRINT_COLORS["text"]))
        painter.drawText(area, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         card.message)
        _tick(progress, n + 1, len(cards))


def list_fonts() -> tuple[QFont, QFont, QFont]:
    """The list's fonts: names and the heading, addresses, messages."""
    name_font, text_font, small = QFont("DejaVu Sans"), QFont("DejaVu Sans"), QFont("DejaVu Sans")
    name_font.setPointSizeF(11)
    name_font.setBold(True)
    text_font.setPointSizeF(9.5)
    small.setPointSizeF(8.5)
    return name_font, text_font, small


def list_heading(cards: list[Card]) -> str:
    heading = f"Thank-you cards: {len(cards)}"
    missing = sum(1 for c in cards if not c.has_address)
    if missing:
        heading += f" — {missing} without a postal address"
    return heading


def _list(device, painter, cards, progress):
    area = _area(device, painter)
    name_font, text_font, small = list_fonts()
    surface = painter.device()  # measured where it is drawn: the PDF's or the printer's resolution
    y = area.top()
    painter.setFont(name_font)
    heading = list_heading(cards)
    heading_metrics = QFontMetricsF(name_font, surface)
    # As tall as the font needs at the device's resolution: a fixed height cut the descenders at 300 dpi.
    heading_rect = heading_metrics.boundingRect(QRectF(area.left(), y, area.width(), area.height()),
                                                Qt.TextFlag.TextWordWrap, heading)
    painter.setPen(QColor(PRINT_COLORS["text"]))
    painter.drawText(QRectF(area.left(), y, area.width(), heading_rect.height() + heading_metrics.descent()),
                     Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, heading)
    y += heading_rect.height() + heading_metrics.height()
    column = area.width() * 0.36
    for n, card in enumerate(cards):
        address = card.address if card.has_address else "NO POSTAL ADDRESS"
        left = QFontMetricsF(text_font, surface).boundingRect(QRectF(0, 0, column - 20, 10_000),
                                                             Qt.TextFlag.TextWordWrap, address)
        right = QFontMetricsF(small, surface).boundingRect(QRectF(0, 0, area.width() - column, 10_000),
                                                          Qt.TextFlag.TextWordWrap, card.message)
        name_height = QFontMetricsF(name_font, surface).height()
        height = max(name_height + left.height(), right.height()) + name_height * 0.8
        if y + height > area.bottom() and y > area.top() + name_height * 3:
            device.newPage()
            y = area.top()
        painter.setFont(name_font)
        painter.setPen(QColor(PRINT_COLORS["text"]))
        painter.drawText(QRectF(area.left(), y, column - 20, name_height), Qt.AlignmentFlag.AlignLeft, card.name)
        painter.setFont(text_font)
        painter.setPen(QColor(PRINT_COLORS["text"] if card.has_address else PRINT_COLORS["warning"]))
        painter.drawText(QRectF(area.left(), y + name_height, column - 20, left.height() + 2), Qt.TextFlag.TextWordWrap,
                         address)
        painter.setFont(small)
        painter.setPen(QColor(PRINT_COLORS["message"]))
        painter.drawText(QRectF(area.left() + column, y, area.width() - column, right.height() + 2),
                         Qt.TextFlag.TextWordWrap, card.message)
        y += height
        painter.setPen(QColor(PRINT_COLORS["rule"]))
        painter.drawLine(area.left(), y - name_height * 0.4, area.right(), y - name_height * 0.4)
        _tick(progress, n + 1, len(cards))


def _tick(progress, done, total):
    if progress and progress(done, total) is False:
        raise JournalError("Cancelled; no PDF was written.")


def write_pdf(path: Path, cards: list[Card], kind: str = CARDS, size: str = "A6 (105 × 148 mm)",
              progress=None) -> Path:
    """A PDF of the cards or of the list, written beside the target and renamed."""
    if not cards:
        raise JournalError("There are no cards to put in a PDF.")
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    writer = QPdfWriter(str(partial))
    writer.setResolution(300)
    writer.setTitle("Thank-you cards" if kind == CARDS else "Thank-you card list")
    writer.setCreator("Lately")
    writer.setPageLayout(page_layout(kind, size))
    try:
        draw(writer, cards, kind, progress)
        del writer  # flushes and closes the file
        os.chmod(partial, 0o600)  # owner-only, like every file with the journal's data
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path
