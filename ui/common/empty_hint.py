"""A few words in the middle of an empty list ("The trash is empty"), so an
empty list reads as finished rather than as a white box that failed to load."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QAbstractItemView

from ui.common.theme import muted

MARGIN = 16


class EmptyHint(QObject):
    """Paints `text` in the view's muted text colour while its model has no rows
    (nothing when the text is empty). Follows the scheme: the colour is taken
    from the view's palette at each paint."""

    def __init__(self, view: QAbstractItemView, text: str = ""):
        super().__init__(view)
        self.view = view
        self.text = text
        view.viewport().installEventFilter(self)

    def set_text(self, text: str) -> None:
        self.text = text
        self.view.viewport().update()

    def showing(self) -> bool:
        model = self.view.model()
        return bool(self.text) and model is not None and model.rowCount(self.view.rootIndex()) == 0

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is self.view.viewport() and self.showing():
            painter = QPainter(watched)
            painter.setPen(muted(watched.palette()))
            painter.setFont(self.view.font())
            painter.drawText(watched.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text)
            painter.end()
            return True  # an empty view has nothing of its own to paint
        return False
