"""Draw the app icon into resources/icons/ (run again after changing it).

    uv run python resources/make_icons.py

The app loads these files (QIcon reads each size only when asked for it)
instead of painting five pixmaps at every start, which took 12 ms."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (16, 32, 64, 128, 256)


def draw(size: int):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#2e7d62"))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
    font = QFont()
    font.setPixelSize(int(size * 0.62))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "L")
    painter.end()
    return pixmap


def main():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - pixmaps need an application
    for size in SIZES:
        path = HERE / "icons" / f"lately-{size}.png"
        draw(size).save(str(path))
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
