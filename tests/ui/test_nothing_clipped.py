"""Nothing important cut off: the main window at the size a 1366 × 768 and a
1920 × 1080 screen give it, with the demo journal; the graph's table; the
heading of the cards list as printed."""

import pytest
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from journal.rules import cards
from journal.storage import db
from journal.io import demo
from ui.cards import card_printing
from ui.customers.customer_list import COLUMNS, COMPANY, KEY_COLUMNS, NAME, OVERDUE
from ui.window.main_window import MainWindow

CELL_MARGINS = 2 * (QApplication.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) \
    if QApplication.instance() else 6
# The window a first start gives on these screens (92% of the work area, under a title bar).
WINDOWS = {"1366x768": (1350, 720), "1920x1080": (1600, 966)}


@pytest.fixture(params=sorted(WINDOWS))
def demo_window(request, qtbot, tmp_path):
    path = tmp_path / "demo.sqlite3"
    db.connect(path)
    demo.populate()
    window = MainWindow(path, demo=True, daily_backup=False, check_integrity=False)
    qtbot.addWidget(window)
    window.resize(*WINDOWS[request.param])  # before it is shown, as on a first start
    with qtbot.waitSignal(window.first_painted, timeout=5000):
        window.show()
    qtbot.waitUntil(lambda: window.lately.model.rowCount() > 0, timeout=5000)
    yield window
    window.close()
    db.close()


def test_customer_list_shows_name_company_and_overdue_whole(qtbot, demo_window):
    window = demo_window
    table = window.customer_list.table
    model = window.customer_list.model
    header = table.horizontalHeader()
    cell = QFontMetrics(table.font())
    viewport = table.viewport().width

    def key_columns_on_screen():  # the window gives the list its room once laid out
        return all(header.sectionViewportPosition(c) + header.sectionSize(c) <= viewport() for c in KEY_COLUMNS)

    qtbot.waitUntil(key_columns_on_screen, timeout=3000)
    for column in KEY_COLUMNS:
        assert not header.isSectionHidden(column)
        # On screen without scrolling sideways …
        assert header.sectionViewportPosition(column) >= 0
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= viewport(), COLUMNS[column]
        assert QFontMetrics(header.font()).horizontalAdvance(COLUMNS[column]) + 16 <= header.sectionSize(column)
    # … and every customer's text whole in it.
    for row in range(model.rowCount()):
        for column in (NAME, COMPANY, OVERDUE):
            index = model.index(row, column)
            text = index.data()
            font = index.data(Qt.ItemDataRole.FontRole)  # bold when overdue
            metrics = QFontMetrics(font if isinstance(font, QFont) else table.font())
            assert metrics.horizontalAdvance(text or "") + CELL_MARGINS <= header.sectionSize(column), \
                f"{COLUMNS[column]}: {text!r} is cut"
    assert cell.height() <= table.verticalHeader().defaultSectionSize()


def test_other_columns_can_be_hidden_and_the_layout_comes_back(qtbot, demo_window, tmp_path):
    window = demo_window
    header = window.customer_list.table.horizontalHeader()
    header.customContextMenuRequested.emit(header.rect().center())
    menu = window.customer_list.header_menu
    qtbot.waitUntil(menu.isVisible)
    entries = {a.text(): a for a in menu.actions() if a.text()}
    assert not entries["Name"].isEnabled() and not entries["Overdue"].isEnabled()  # always shown
    shown_before = {title: not header.isSectionHidden(COLUMNS.index(title)) for title in ("Stage", "Since")}
    assert shown_before == {"Stage": False, "Since": False}  # hidden until asked for
    entries["Stage"].trigger()
    entries["Since"].trigger()
    assert not header.isSectionHidden(COLUMNS.index("Stage")) and not header.isSectionHidden(COLUMNS.index("Since"))
    entries["Since"].trigger()
    assert header.isSectionHidden(COLUMNS.index("Since"))
    header.moveSection(header.visualIndex(COLUMNS.index("Stage")), 1)  # dragged next to the name
    menu.close()
    path = window.journal_path
    window.close()
    again = MainWindow(path, demo=True, daily_backup=False, check_integrity=False)
    qtbot.addWidget(again)
    again_header = again.customer_list.table.horizontalHeader()
    assert not again_header.isSectionHidden(COLUMNS.index("Stage"))
    assert again_header.isSectionHidden(COLUMNS.index("Since"))
    assert again_header.visualIndex(COLUMNS.index("Stage")) == 1
    assert [again_header.visualIndex(c) for c in range(len(COLUMNS))] == \
        [header.visualIndex(c) for c in range(len(COLUMNS))]
    again.close()


def test_lately_items_wrap_their_evidence_and_suggestion(demo_window):
    panel = demo_window.lately
    view = panel.list
    delegate = panel.delegate
    wrapped = 0
    for row in range(panel.model.rowCount()):
        index = panel.model.index(row, 0)
        option = QStyleOptionViewItem()
        option.rect = view.visualRect(index)  # where the view draws it
        option.font = view.font()
        assert option.rect.right() <= view.viewport().width()
        item = index.data(panel.model.ROW_ROLE)
        links_top = min(rect.top() for _, rect in delegate.action_rects(option))
        parts = {}
        for part, font, text, drawn in delegate.text_rects(option, item):
            needs = QFontMetrics(font).boundingRect(QRect(0, 0, drawn.width(), 100_000), delegate.WRAP, text)
            assert needs.width() <= drawn.width() and needs.height() <= drawn.height(), (part, text)
            assert drawn.bottom() < links_top, f"{part} of {item.customer_name} runs into the links"
            parts[part] = (text, needs.height() > QFontMetrics(font).height())
        assert item.evidence in parts["evidence"][0] and item.suggestion in parts["suggestion"][0]
        wrapped += parts["evidence"][1] or parts["suggestion"][1]
    assert wrapped, "no item needed a second line: the test saw nothing"


def test_graph_table_headings_fit(qtbot, demo_window):
    graph = demo_window.open_graph()
    qtbot.waitExposed(graph)
    qtbot.waitUntil(lambda: graph.referrers.rowCount() > 0, timeout=5000)
    table = graph.referrers
    header = table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    for column in range(table.columnCount()):
        label = table.horizontalHeaderItem(column).text()
        assert metrics.horizontalAdvance(label) + margin <= header.sectionSize(column), label
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= table.viewport().width(), label
        for row in range(table.rowCount()):
            text = table.item(row, column).text()
            assert QFontMetrics(table.font()).horizontalAdvance(text) + CELL_MARGINS <= header.sectionSize(column)
    graph.close()


class ImagePage:
    """The first page of the list, drawn on an image at the PDF's 300 dpi."""

    DPI = 300

    def __init__(self):
        self.layout = card_printing.page_layout(card_printing.LIST, "")
        size = self.layout.paintRectPixels(self.DPI).size()
        self.image = QImage(size, QImage.Format.Format_RGB32)
        self.image.fill(0xFFFFFF)
        self.image.setDotsPerMeterX(round(self.DPI / 0.0254))
        self.image.setDotsPerMeterY(round(self.DPI / 0.0254))

    def pageLayout(self):
        return self.layout

    def resolution(self):
        return self.DPI

    def newPage(self):
        raise StopIteration  # one page is enough


def ink_rows(image: QImage, top: int, bottom: int) -> tuple[int, int]:
    rows = [y for y in range(top, min(bottom, image.height()))
            if any(image.pixelColor(x, y).lightness() < 160 for x in range(0, image.width() // 2, 2))]
    return rows[0], rows[-1]


def test_cards_list_heading_is_whole(qtbot, tmp_path):
    chosen = [cards.Card(n, f"Guy Pryor {n}", "1 Quay Street\nPortsmouth", "hand", "Dear Guy,\n\nthank you.")
              for n in range(3)]
    page = ImagePage()
    painter = QPainter(page.image)
    try:
        card_printing._list(page, painter, chosen, None)
    except StopIteration:
        pass
    finally:
        painter.end()
    heading = card_printing.list_heading(chosen)
    assert any(c in heading for c in "gjpqy")  # it has descenders to lose
    font = card_printing.list_fonts()[0]
    reference = QImage(page.image.size(), QImage.Format.Format_RGB32)
    reference.fill(0xFFFFFF)
    reference.setDotsPerMeterX(page.image.dotsPerMeterX())
    reference.setDotsPerMeterY(page.image.dotsPerMeterY())
    painter = QPainter(reference)
    painter.setFont(font)
    ascent = painter.fontMetrics().ascent()
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(QPointF(0, ascent), heading)  # unclipped
    line = painter.fontMetrics().height()
    painter.end()
    expected = ink_rows(reference, 0, 2 * line)
    assert ink_rows(page.image, 0, line + line // 2) == expected  # the same ink, top to the descenders' end
    # And in the PDF itself, the heading is there in full.
    from pypdf import PdfReader

    path = card_printing.write_pdf(tmp_path / "list.pdf", chosen, card_printing.LIST)
    assert heading.split() == PdfReader(str(path)).pages[0].extract_text().split()[:len(heading.split())]


def test_timeline_titles_and_details_wrap_inside_their_rows(demo_window):
    from ui.timeline.timeline_view import ENTRY_ROLE, IS_MONTH_ROLE

    timeline = demo_window.page.timeline
    view = timeline.list
    delegate = view.itemDelegate()
    model = view.model()
    assert model.rowCount() > 3
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(IS_MONTH_ROLE):
            continue
        rect = view.visualRect(index)
        entry = index.data(ENTRY_ROLE)
        used = delegate.PAD
        for font, text, height in delegate.blocks(entry, view.font(), rect.width()):
            width = delegate._text_width(rect.width())
            needs = QFontMetrics(font).boundingRect(QRect(0, 0, width, 100_000), delegate.WRAP, text)
            assert needs.width() <= width and needs.height() <= height, text
            used += height + 2
        assert used <= rect.height(), f"{entry.title} does not fit its row"
        assert rect.right() <= view.viewport().width()


def test_each_fact_card_keeps_its_value_under_its_caption(demo_window):
    """The four cards under a customer's name share a row: when one value wraps
    to more lines, the others grow with it, and their caption and value stay
    together at the top instead of drifting apart (a label given more height
    than its words need draws them in the middle of it)."""
    header = demo_window.page.header
    cards = (header.since, header.purchases, header.last_value, header.reciprocity)
    rows = {}
    for card in cards:
        rows.setdefault(card.y(), set()).add(card.height())
    assert all(len(heights) == 1 for heights in rows.values())  # a row, one height
    spacing = cards[0].layout().spacing()
    roomy = 0
    for card in cards:
        for label in (card.caption, card.value):
            assert label.height() <= label.heightForWidth(label.width()), f"{label.text()!r} floats in its room"
        gap = card.value.geometry().top() - card.caption.geometry().bottom() - 1
        assert gap <= spacing, f"{card.caption.text()}: {gap}px between the caption and its value"
        assert card.caption.geometry().top() <= card.contentsRect().top() + card.layout().contentsMargins().top()
        roomy += card.contentsRect().bottom() - card.value.geometry().bottom() > 12
    assert roomy, "no card was taller than its words: the test saw nothing"


def test_no_fact_card_squeezes_its_value_into_many_lines(demo_window):
    """Seen at 1366x768: four cards in a row, 'You reached out 10 times, they
    0 times' in four short lines and '2 purchases · $492.00 in all' in three.
    Where the row is that narrow the cards go two by two."""
    header = demo_window.page.header
    for card in (header.since, header.purchases, header.last_value, header.reciprocity):
        value = card.value
        lines = value.heightForWidth(value.width()) / value.fontMetrics().lineSpacing()
        assert lines < 2.5, f"{card.caption.text()}: {value.text()!r} takes {lines:.1f} lines"
        assert card.caption.heightForWidth(card.caption.width()) < 1.5 * card.caption.fontMetrics().lineSpacing()
