"""The Lately panel's Show box: each reason with how many items it has.

The panel is narrow (340 pixels at first) and the reasons are long ("Never
contacted since the first sale"); with tens of thousands of items the counts
are five digits. The count is what the box is read for, so it is never cut:
the closed box shortens the reason ("Never contacted since th… (1,204)"), and
the open list is as wide as its longest entry needs, wider than the box when
it must (it opens over the customer's page; Qt keeps it on the screen)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QApplication, QComboBox, QStyle, QStyledItemDelegate, QStyleOptionComboBox, QStyleOptionViewItem, QStylePainter,
)

from ui.common.theme import LEFT_MIDDLE

LABEL_ROLE = Qt.ItemDataRole.UserRole + 1  # the reason's words, without the count
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2  # the count, as written ("1,204")


def fitted(metrics: QFontMetrics, label: str, count: str, room: int) -> str:
    """`label (count)` in `room` pixels: the label shortened, never the count."""
    whole = f"{label} ({count})"
    if metrics.horizontalAdvance(whole) <= room:
        return whole
    tail = f" ({count})"
    return metrics.elidedText(label, Qt.TextElideMode.ElideRight, max(room - metrics.horizontalAdvance(tail), 0)) + tail


class ReasonRow(QStyledItemDelegate):
    """A row of the open list: the entry with room around it, as wide as its
    text needs (sizeHint). Drawn fitted like the closed box, so on a screen too
    narrow for the list it is the reason that is shortened, not the count."""

    PAD = 8  # each side, as a menu's items have

    def sizeHint(self, option, index):
        metrics = QFontMetrics(option.font)
        return QSize(metrics.horizontalAdvance(index.data() or "") + 2 * self.PAD, metrics.height() + 8)

    def text_rect(self, option) -> QRect:
        return option.rect.adjusted(self.PAD, 0, -self.PAD, 0)

    def shown_text(self, option, index) -> str:
        """What the row says in `option.rect`."""
        label, count = index.data(LABEL_ROLE), index.data(COUNT_ROLE)
        if label is None or count is None:
            return index.data() or ""
        return fitted(QFontMetrics(option.font), label, count, self.text_rect(option).width())

    def paint(self, painter, option, index):
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""  # the style paints the row (hover, selection); the text is fitted here
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setFont(item.font)
        painter.setPen(item.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.drawText(self.text_rect(item), LEFT_MIDDLE, self.shown_text(item, index))
        painter.restore()


class ReasonBox(QComboBox):
    """A combo box of reasons and counts (add_reason); its text and data are
    the usual ones ("Follow-up due (3)", the reason's key)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        # The box fits the panel, whatever its entries: they are fitted to it (a box as wide as its
        # longest entry would hold the panel, or the window, wider than the person made it).
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        # The open list's rows measure their text (sizeHint) and draw it in what they measured: the
        # combo box's own menu-like delegate measures no text, and its style clips it some 20 pixels
        # short of the list's edge, where the count is.
        self.setItemDelegate(ReasonRow(self))

    def add_reason(self, label: str, count: str, key) -> None:
        self.addItem(f"{label} ({count})", key)
        self.setItemData(self.count() - 1, label, LABEL_ROLE)
        self.setItemData(self.count() - 1, count, COUNT_ROLE)

    # -- the closed box ------------------------------------------------------------------------
    def text_room(self) -> int:
        """How wide the text of the closed box may be: the style's text field,
        less the pixel it keeps on each side (QCommonStyle's CE_ComboBoxLabel)."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        return field.width() - 2

    def shown_text(self) -> str:
        """What the closed box says: the chosen entry, fitted to its width."""
        index = self.currentIndex()
        if index < 0:
            return ""
        label, count = self.itemData(index, LABEL_ROLE), self.itemData(index, COUNT_ROLE)
        if label is None or count is None:
            return self.itemText(index)
        return fitted(self.fontMetrics(), label, count, self.text_room())

    def paintEvent(self, event):
        # As QComboBox paints itself, with the text fitted first: the style would cut it at the edge.
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    # -- the open list -------------------------------------------------------------------------
    def popup_width_needed(self) -> int:
        """The open list's width for its longest entry to show whole: what the
        list's own delegate asks for each entry, and the list's frame and scroll bar."""
        view = self.view()
        widest = max((view.sizeHintForIndex(self.model().index(row, 0)).width() for row in range(self.count())),
                     default=0)
        bar = view.verticalScrollBar()
        scrolls = view.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff and (
            bar.isVisible() or self.count() > self.maxVisibleItems())
        return widest + 2 * view.frameWidth() + (bar.sizeHint().width() if scrolls else 0)

    def showPopup(self):
        # Qt opens the list as wide as the closed box (wider only in styles that open it as a menu).
        self.view().setMinimumWidth(self.popup_width_needed())
        super().showPopup()
