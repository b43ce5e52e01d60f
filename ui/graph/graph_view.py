"""The referral-connection graph: customers as nodes (size by lifetime value or
referrals made, colour by stage), connections as typed directed edges, laid
out off the GUI thread and kept where they were; zoom, pan, search, the
network around one customer, filters, top referrers, export as PNG or SVG."""

from __future__ import annotations

import bisect
import math
from collections import deque
from pathlib import Path

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPolygonF, QStaticText,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem,
    QGraphicsScene, QGraphicsView, QHBoxLayout, QHeaderView, QLabel, QMenu, QPushButton,
    QSpinBox, QSplitter, QStyleOptionGraphicsItem, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from journal.reads import graph
from journal.storage.private import restrict
from journal.rules.kinds import CONNECTION_KINDS, STAGES
from journal.rules import words

from ui.common import format as fmt
from ui.common import theme

from ui.common.forms import buddy_label, chain_tabs
from ui.common.pickers import CustomerPicker
from ui.common.tasks import run_in_background
from ui.common.theme import EDGE_COLORS, STAGE_COLORS

EDGE_STYLES = {  # colour, pen style, arrow
    "referred": (EDGE_COLORS["referred"], Qt.PenStyle.SolidLine, True),
    "introduced": (EDGE_COLORS["introduced"], Qt.PenStyle.DashLine, False),
    "colleague": (EDGE_COLORS["colleague"], Qt.PenStyle.DotLine, False),
}


_STAGE_BRUSHES = {stage: QBrush(QColor(colour)) for stage, colour in STAGE_COLORS.items()}


def _outline_pen() -> QPen:
    return QPen(theme.graph_color("outline"), 1.5)


def _selected_pen() -> QPen:
    return QPen(theme.graph_color("selected"), 3)
_LABEL_FONT = QFont()
_LABEL_FONT.setPointSizeF(7.5)

# Level of detail: the zoom (view pixels per scene unit) from which edges show
# their style (dashes, arrowheads); a name shows from its node's label_scale.
EDGE_STYLE_SCALE = 0.5
SMALLEST_LABEL_SCALE = 9 / 22  # the biggest node's (radius 6 + 16)
SMOOTH_SCALE = 0.25  # antialiasing from this zoom: below it thousands of dots cost more and show no curves
CELL = 256.0  # scene units: the side of a square of GraphView's index of nodes by place
MOST_STYLED = 1500  # more customers than this in view: too crowded for dashes and arrowheads to be seen


class NodeItem(QGraphicsEllipseItem):
    """Painted by Qt itself (no Python paint()), so thousands redraw quickly
    while zooming; Python only runs when a node is moved or clicked."""

    def __init__(self, node: graph.Node, radius: float, view, place=(0.0, 0.0)):
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.node, self.radius, self.view = node, radius, view
        self.edges: list[EdgeItem] = []
        self.setPos(*place)  # before asking for geometry changes: no Python call per node while building
        self.at = (float(place[0]), float(place[1]))  # the place, read from Python without asking Qt
        self.shown = True  # isVisible(), kept by show_node for the same reason
        flag = QGraphicsItem.GraphicsItemFlag
        self.setFlags(flag.ItemIsMovable | flag.ItemSendsGeometryChanges)
        self.setBrush(_STAGE_BRUSHES.get(node.stage) or QBrush(QColor(STAGE_COLORS["former"])))
        self.setPen(view.outline_pen)
        self.setZValue(1)
        # The zoom at which the name becomes readable (drawn by NameLayer).
        self.label_scale = 9 / max(radius, 8)
        self.label: QStaticText | None = None  # laid out when first drawn

    def tip(self) -> str:
        node = self.node
        return (f"{node.name}\n{STAGES.get(node.stage, node.stage)} · {fmt.money(node.lifetime_cents)}"
                f" · {words.plural(node.referrals_made, 'referral')}")

    def show_node(self, shown: bool) -> None:
        self.shown = shown
        self.setVisible(shown)

    def set_chosen(self, chosen: bool) -> None:
        self.setPen(_selected_pen() if chosen else _outline_pen())
        self.setZValue(2 if chosen else 1)
        self.view.names.update(self.label_area())

    def label_area(self) -> QRectF:
        """Where the node and its name are drawn, in scene coordinates."""
        width = max(2 * self.radius, self.label.size().width() if self.label else 240) + 4
        return QRectF(self.x() - width / 2, self.y() - self.radius - 2, width, 2 * self.radius + 20)

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            self.view.names.update(self.label_area())  # where the name was
        elif change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.at = (self.x(), self.y())
            for edge in self.edges:
                edge.adjust()
            self.view.place(self)
            self.view.names.include(self.label_area())
        return super().itemChange(change, value)

    def mousePressEvent(self, event):
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:  # Shift-drag: connect to another customer
            self.view.start_link(self)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):
        moved = event.buttonDownScenePos(Qt.MouseButton.LeftButton) != event.scenePos()
        super().mouseReleaseEvent(event)
        if moved:
            self.view.node_moved(self)
        else:
            self.view.choose(self.node.id)
            self.view.node_clicked.emit(self.node.id)


def _edge_pens() -> dict[str, tuple[QPen, QPen]]:
    """Per kind: (a plain thin line, for zoomed out; its own style, where it can be seen)."""
    pens = {}
    for kind, (color, style, _arrow) in EDGE_STYLES.items():
        plain, styled = QPen(QColor(color), 1.0), QPen(QColor(color), 1.6, style)
        plain.setCosmetic(True)
        styled.setCosmetic(True)
        pens[kind] = (plain, styled)
    return pens


_EDGE_PENS = _edge_pens()


class EdgeItem(QGraphicsPathItem):
    """A line, with an arrowhead for a referral, as one path Qt paints itself.
    Zoomed out it is a plain thin line (dashes and arrowheads of thousands of
    edges would cost every frame and could not be seen); GraphView styles the
    edges in view once they can be seen."""

    def __init__(self, edge: graph.Edge, source: NodeItem, target: NodeItem):
        super().__init__()
        self.edge, self.source, self.target = edge, source, target
        source.edges.append(self)
        target.edges.append(self)
        color, _style, self.arrow = EDGE_STYLES[edge.kind]
        self.styled = False
        self.setPen(_EDGE_PENS[edge.kind][0])
        self.setBrush(QColor(color))
        self.setZValue(0)
        self.adjust()

    def tip(self) -> str:
        return f"{self.source.node.name} → {self.target.node.name}: {CONNECTION_KINDS[self.edge.kind]}"

    def set_styled(self, styled: bool) -> None:
        if styled != self.styled:
            self.styled = styled
            self.setPen(_EDGE_PENS[self.edge.kind][1 if styled else 0])
            self.adjust()

    def adjust(self):
        line = QLineF(self.source.pos(), self.target.pos())
        length = line.length()
        if length > self.source.radius + self.target.radius:
            line = QLineF(line.pointAt(self.source.radius / length), line.pointAt(1 - self.target.radius / length))
        path = QPainterPath(line.p1())
        path.lineTo(line.p2())
        if self.styled and self.arrow and line.length() > 12:
            angle = math.atan2(-line.dy(), line.dx())
            tip, size = line.p2(), 8
            path.addPolygon(QPolygonF([
                tip,
                tip + QPointF(math.sin(angle - math.pi / 3) * size, math.cos(angle - math.pi / 3) * size),
                tip + QPointF(math.sin(angle - 2 * math.pi / 3) * size, math.cos(angle - 2 * math.pi / 3) * size),
                tip,
            ]))
        self.setPath(path)


class NameLayer(QGraphicsItem):
    """Every customer's name, drawn in one paint over the nodes in the exposed
    part of the view, and only where names can be read: zoomed out it draws the
    chosen customer's name alone, without looking at any other node; zoomed in,
    a name that would overlap one already drawn (bigger customers first) is left
    out, so a crowded corner is not a smudge of text."""

    REACH = 130  # how far a name may stick out beside its node, in scene units

    def __init__(self, view):
        super().__init__()
        self.view = view
        self._bounds = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # the exposed rect, to draw only that
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(3)
        self._line = QFontMetricsF(_LABEL_FONT).height()
        self._pen = QPen(theme.graph_color("label"))
        self.drawn: list[str] = []  # the names of the last paint, for tests and the benchmark
        self.last_detail = 0.0

    def boundingRect(self) -> QRectF:
        return self._bounds

    def include(self, rect: QRectF) -> None:
        if not self._bounds.contains(rect):
            self.prepareGeometryChange()
            self._bounds = self._bounds.united(rect)
        self.update(rect)

    def reset_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._bounds = rect

    def paint(self, painter, option, widget=None):
        detail = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        self.last_detail = detail
        view = self.view
        chosen = view.nodes.get(view.chosen)
        everyone = view.exporting
        if everyone:  # every name in the file (the scene answers no questions while it renders)
            items = [item for item in view.nodes.values() if item.isVisible()]
        elif detail < SMALLEST_LABEL_SCALE:
            items = [chosen] if chosen is not None and chosen.isVisible() else []
        else:
            items = view.readable_nodes(option.exposedRect.adjusted(-self.REACH, -24, self.REACH, 24), detail)
            if chosen is not None and chosen.isVisible() and chosen not in items:
                items.append(chosen)
            items.sort(key=lambda item: (item is not chosen, -item.radius))
        self.drawn = []
        if not items:
            return
        painter.setFont(_LABEL_FONT)
        painter.setPen(self._pen)
        # A grid of cells a name tall: a name is left out when a cell it covers
        # was taken by a name already drawn (roughly: they would overlap).
        taken, line, width = set(), self._line, 2 * self._line
        for item in items:
            if item.label is None:
                item.label = QStaticText(item.node.name)
                item.label.setTextFormat(Qt.TextFormat.PlainText)
                item.label.prepare(font=_LABEL_FONT)
            x, y = item.at
            half = item.label.size().width() / 2
            top = y + item.radius + 1
            if not everyone:
                row = int(top // line)
                cells = [(r, c) for r in (row, row + 1) for c in range(int((x - half) // width), int((x + half) // width) + 1)]
                if any(cell in taken for cell in cells):
                    continue
                taken.update(cells)
            painter.drawStaticText(QPointF(x - half, top), item.label)
            self.drawn.append(item.node.name)


class GraphView(QGraphicsView):
    """Wheel zooms around the mouse, dragging empty space pans; + - 0 on the keyboard."""

    node_clicked = Signal(int)
    link_requested = Signal(int, int)  # source, target
    moved = Signal(int, float, float)
    chosen_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState
                                  | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setBackgroundBrush(theme.graph_color("canvas"))
        self.nodes: dict[int, NodeItem] = {}
        self.chosen: int | None = None
        self.exporting = False
        self._link = None
        self._link_from = None
        self.outline_pen = _outline_pen()  # one pen for every node (made again at each redraw: the theme may change)
        self.names = NameLayer(self)
        self.scene().addItem(self.names)
        self.styled: set[EdgeItem] = set()
        self.cells: dict[tuple[int, int], list[NodeItem]] = {}  # nodes by place, biggest first in each
        self.cell_of: dict[NodeItem, tuple[int, int]] = {}
        self.edges: list[EdgeItem] = []
        self.ego_applied = False  # some customers hidden by 'around the selected'

    def wheelEvent(self, event):
        self.zoom(1.0015 ** event.angleDelta().y())

    def zoom(self, factor: float):
        scale = self.transform().m11() * factor
        if 0.02 < scale < 8:
            self.scale(factor, factor)
            self.update_labels()

    def clear(self):
        """An empty scene, but for the layer of names."""
        scene = self.scene()
        scene.removeItem(self.names)
        scene.clear()
        scene.addItem(self.names)
        self.nodes, self.styled, self.cells, self.cell_of, self.edges = {}, set(), {}, {}, []

    def index_places(self) -> None:
        """The index of nodes by place, made afresh (after building the scene)."""
        self.cells, self.cell_of = {}, {}
        for item in self.nodes.values():
            cell = (int(item.at[0] // CELL), int(item.at[1] // CELL))
            self.cell_of[item] = cell
            self.cells.setdefault(cell, []).append(item)
        for members in self.cells.values():
            members.sort(key=lambda member: member.label_scale)

    def place(self, item: NodeItem) -> None:
        """Keep the index of nodes by place up to date after one moved."""
        cell = (int(item.at[0] // CELL), int(item.at[1] // CELL))
        before = self.cell_of.get(item)
        if before == cell or before is None:
            return
        self.cells[before].remove(item)
        self.cell_of[item] = cell
        members = self.cells.setdefault(cell, [])
        members.insert(bisect.bisect([member.label_scale for member in members], item.label_scale), item)

    def edges_in(self, area: QRectF) -> set[EdgeItem]:
        """The edges of the customers in `area`; none when more than MOST_STYLED
        customers are there (counted by squares of the index, not one by one)."""
        squares = [(cx, cy) for cx in range(int(area.left() // CELL), int(area.right() // CELL) + 1)
                   for cy in range(int(area.top() // CELL), int(area.bottom() // CELL) + 1)]
        if sum(len(self.cells.get(square, ())) for square in squares) > MOST_STYLED:
            return set()
        return {edge for square in squares for item in self.cells.get(square, ()) for edge in item.edges}

    def readable_nodes(self, area: QRectF, detail: float) -> list[NodeItem]:
        """The shown nodes in `area` whose names can be read at this zoom: work in
        proportion to those, not to the graph (each square lists its biggest first)."""
        found = []
        left, top, right, bottom = area.left(), area.top(), area.right(), area.bottom()
        for cx in range(int(left // CELL), int(right // CELL) + 1):
            for cy in range(int(top // CELL), int(bottom // CELL) + 1):
                for item in self.cells.get((cx, cy), ()):
                    if item.label_scale > detail:
                        break
                    x, y = item.at
                    if left <= x <= right and top <= y <= bottom and item.shown:
                        found.append(item)
        return found

    def update_labels(self):
        """Names and edge styles where they can be read (NameLayer draws the names
        when it paints): the edges in view get their style once zoomed in enough,
        and lose it when zoomed out; work in proportion to what is in view."""
        self.names.update()
        self.restyle_edges()

    def restyle_edges(self):
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.exporting or self.transform().m11() >= SMOOTH_SCALE)
        if self.exporting:
            wanted = set(self.edges)
        elif self.transform().m11() >= EDGE_STYLE_SCALE:
            wanted = self.edges_in(self.mapToScene(self.viewport().rect()).boundingRect())
        else:
            wanted = set()
        for edge in self.styled - wanted:
            edge.set_styled(False)
        for edge in wanted - self.styled:
            edge.set_styled(True)
        self.styled = wanted

    def viewportEvent(self, event):
        # A tooltip is written when it is asked for, not for each of 60,000 items when drawing.
        if event.type() == QEvent.Type.ToolTip:
            item = next((i for i in self.items(event.pos()) if isinstance(i, (NodeItem, EdgeItem))), None)
            if item is not None and not item.toolTip():
                item.setToolTip(item.tip())
        return super().viewportEvent(event)

    def scrollContentsBy(self, dx, dy):
        super().scrollContentsBy(dx, dy)
        if self.transform().m11() >= EDGE_STYLE_SCALE:
            self.restyle_edges()  # edges coming into view get their style (the names scroll with the picture)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.update_labels()

    def choose(self, customer_id: int | None):
        before, self.chosen = self.chosen, customer_id
        if before in self.nodes:
            self.nodes[before].set_chosen(False)
        if customer_id in self.nodes:
            self.nodes[customer_id].set_chosen(True)
        self.chosen_changed.emit()

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif event.key() == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif event.key() == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def fit(self):
        shown = [n for n in self.nodes.values() if n.shown]
        if shown:
            left, right = min(n.at[0] - n.radius for n in shown), max(n.at[0] + n.radius for n in shown)
            top, bottom = min(n.at[1] - n.radius for n in shown), max(n.at[1] + n.radius for n in shown)
            rect = QRectF(left, top, right - left, bottom - top)
            self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
            self.update_labels()

    def centre_on(self, customer_id: int):
        item = self.nodes.get(customer_id)
        if item:
            self.choose(customer_id)
            if self.transform().m11() < 0.8:
                self.resetTransform()
                self.update_labels()
            self.centerOn(item)

    def node_moved(self, item: NodeItem):
        self.moved.emit(item.node.id, item.x(), item.y())

    # -- drawing a new connection ---------------------------------------------------------------
    def start_link(self, item: NodeItem):
        self._link_from = item
        pen = QPen(QColor(EDGE_STYLES["referred"][0]), 2, Qt.PenStyle.DashLine)
        self._link = self.scene().addLine(QLineF(item.pos(), item.pos()), pen)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def mouseMoveEvent(self, event):
        if self._link is not None:
            self._link.setLine(QLineF(self._link_from.pos(), self.mapToScene(event.position().toPoint())))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        if self._link is not None:
            target = next((i for i in self.items(event.position().toPoint()) if isinstance(i, NodeItem)), None)
            self.scene().removeItem(self._link)
            self._link = None
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            if target is not None:
                self.link_requested.emit(self._link_from.node.id, target.node.id)
            return
        super().mouseReleaseEvent(event)


class GraphWindow(QDialog):
    """Emits what the user asks for; the main window writes through the journal."""

    customer_chosen = Signal(int)
    connect_requested = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Who referred whom")
        screen = self.screen().availableGeometry() if self.screen() else None
        # Never taller or wider than the screen (1366 × 768 laptops included).
        self.resize(min(1280, int(screen.width() * 0.94)) if screen else 1280,
                    min(820, int(screen.height() * 0.9)) if screen else 820)
        self.data: graph.GraphData | None = None
        self.positions: dict[int, tuple[float, float]] = {}
        self.view = GraphView()
        self.view.node_clicked.connect(self.customer_chosen)
        self.view.link_requested.connect(self.connect_requested)
        self.view.moved.connect(lambda cid, x, y: graph.save_positions({cid: (x, y)}))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.search = CustomerPicker()
        self.search.setPlaceholderText("Find a customer in the graph…")
        self.search.returnPressed.connect(self._find)
        self.search.picked.connect(self._find)
        self.size_by = QComboBox()
        self.size_by.addItem("Lifetime value", "value")
        self.size_by.addItem("Referrals made", "referrals")
        self.size_by.currentIndexChanged.connect(self.redraw)
        self.connected_only = QCheckBox("Only customers with connections")
        self.connected_only.setChecked(True)
        self.connected_only.toggled.connect(self.reload)
        self.kind_boxes = {}
        for kind, label in CONNECTION_KINDS.items():
            box = QCheckBox(label.split(" (")[0])
            box.setChecked(True)
            box.toggled.connect(self.reload)
            self.kind_boxes[kind] = box
        self.ego_depth = QSpinBox(minimum=0, maximum=6, specialValueText="everyone", suffix=" steps")
        self.ego_depth.setToolTip("Show only the network around the selected customer, this many steps out")
        self.ego_depth.valueChanged.connect(self.apply_ego)
        self.view.chosen_changed.connect(self.apply_ego)
        buttons = {}
        for key, text in (("fit", "Fit"), ("arrange", "Re-arrange"), ("png", "PNG…"), ("svg", "SVG…")):
            buttons[key] = QPushButton(text)
        buttons["fit"].clicked.connect(self.view.fit)
        buttons["arrange"].clicked.connect(lambda: self.reload(rearrange=True))
        buttons["png"].clicked.connect(lambda: self.export("png"))
        buttons["svg"].clicked.connect(lambda: self.export("svg"))
        self.status = QLabel()
        self.legend = QLabel(self._legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.referrers = QTableWidget(0, 4)
        self.referrers.setHorizontalHeaderLabels(["Top referrers", "Referred", "Their revenue", "Down the chain"])
        self.referrers.verticalHeader().hide()
        self.referrers.setTabKeyNavigation(False)
        self.referrers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.referrers.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.referrers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.referrers.setHorizontalHeaderLabels(["Top referrers", "Sent", "Their revenue", "With theirs"])
        self.referrers.horizontalHeaderItem(3).setToolTip("Revenue from everyone they referred, down the chain")
        self.referrers.cellClicked.connect(lambda row, _: self.view.centre_on(
            self.referrers.item(row, 0).data(Qt.ItemDataRole.UserRole)))

        side = QWidget()
        form = QFormLayout(side)
        form.addRow(self.search)
        form.addRow(buddy_label("Si&ze by", self.size_by), self.size_by)
        form.addRow(self.connected_only)
        for box in self.kind_boxes.values():
            form.addRow(box)
        form.addRow(buddy_label("&Around the selected", self.ego_depth), self.ego_depth)
        row = QHBoxLayout()
        for key in ("fit", "arrange", "png", "svg"):
            row.addWidget(buttons[key])
        form.addRow(row)
        form.addRow(self.legend)
        form.addRow(self.referrers)
        self.referrers.setMinimumHeight(200)
        form.addRow(self.status)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setSizes([900, 380])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        help_text = QLabel("Click a customer to open them · drag to move · Shift-drag from one customer to another "
                           "to connect them · wheel or + − to zoom, 0 to fit")
        layout.addWidget(help_text)
        chain_tabs(self.view, self.search, self.size_by, self.connected_only, *self.kind_boxes.values(),
                   self.ego_depth, *(buttons[key] for key in ("fit", "arrange", "png", "svg")), self.referrers)
        self.search.setFocus()  # opens ready to find someone
        self.reload()

    @staticmethod
    def _legend_html() -> str:
        stages = " ".join(f"<span style='color:{STAGE_COLORS[k]}'>●</span> {v}" for k, v in STAGES.items())
        lines = {"referred": "━━▶", "introduced": "╍╍", "colleague": "┈┈"}
        kinds = " ".join(f"<span style='color:{EDGE_STYLES[k][0]}'>{lines[k]}</span> {CONNECTION_KINDS[k].split(' (')[0]}"
                         for k in CONNECTION_KINDS)
        return f"{stages}<br>{kinds}"

    # -- data -----------------------------------------------------------------------------------------
    def reload(self, *_, rearrange=False):
        kinds = tuple(k for k, box in self.kind_boxes.items() if box.isChecked())
        connected = self.connected_only.isChecked()
        self.status.setText("Laying out…")

        def work():
            data = graph.graph_data(connected_only=connected, kinds=kinds or ("none",))
            known = graph.saved_positions()
            positions = graph.layout(data, known, rearrange=rearrange)
            # Known positions were kept as they are: only new (or re-arranged) ones need writing.
            graph.save_positions(positions if rearrange else
                                 {cid: xy for cid, xy in positions.items() if cid not in known})
            return data, positions

        run_in_background(work, self._laid_out, lambda error: self.status.setText(f"Could not draw: {error}"),
                          writes=True)

    def _laid_out(self, result):
        self.data, self.positions = result
        self.redraw(fit=True)
        top = graph.top_referrers(self.data, limit=15)
        self.referrers.setRowCount(len(top))
        for n, r in enumerate(top):
            name = QTableWidgetItem(r.name)
            name.setData(Qt.ItemDataRole.UserRole, r.customer_id)
            self.referrers.setItem(n, 0, name)
            for col, text in ((1, words.number(r.referrals_made)), (2, fmt.money(r.direct_revenue_cents)),
                              (3, fmt.money(r.chain_revenue_cents))):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.referrers.setItem(n, col, item)
        self.fit_referrer_columns()

    def fit_referrer_columns(self):
        """Every heading and figure whole: the table asks for the width they need;
        the names take what is left."""
        table = self.referrers
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnsToContents()
        needed = sum(header.sectionSize(c) for c in range(table.columnCount()))
        needed += table.verticalScrollBar().sizeHint().width() + 2 * table.frameWidth() + 4
        table.setMinimumWidth(needed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, table.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def redraw(self, *_, fit=False):
        if self.data is None:
            return
        scene = self.view.scene()
        self.view.clear()
        self.view.outline_pen = _outline_pen()
        chosen, self.view.chosen = self.view.chosen, None
        by = self.size_by.currentData()
        biggest = max((n.lifetime_cents if by == "value" else n.referrals_made for n in self.data.nodes.values()),
                      default=1) or 1
        for cid, node in self.data.nodes.items():
            amount = node.lifetime_cents if by == "value" else node.referrals_made
            item = NodeItem(node, 6 + 16 * math.sqrt(amount / biggest), self.view,
                            self.positions.get(cid, (0.0, 0.0)))
            scene.addItem(item)
            self.view.nodes[cid] = item
        self.view.index_places()
        for edge in self.data.edges:
            if edge.source in self.view.nodes and edge.target in self.view.nodes:
                item = EdgeItem(edge, self.view.nodes[edge.source], self.view.nodes[edge.target])
                scene.addItem(item)
                self.view.edges.append(item)
        places = list(self.positions.values()) or [(0.0, 0.0)]
        xs, ys = [x for x, _ in places], [y for _, y in places]
        self.view.names.reset_bounds(QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(
            -NameLayer.REACH - 30, -30, NameLayer.REACH + 30, 50))
        self.status.setText(f"{words.plural(len(self.data.nodes), 'customer')}, "
                            f"{words.plural(len(self.data.edges), 'connection')}")
        if fit:
            self.view.fit()
        else:
            self.view.update_labels()
        if chosen in self.view.nodes:
            self.view.choose(chosen)
        self.apply_ego()

    def apply_ego(self):
        """Show only customers within N steps of the selected one (0: everyone)."""
        depth = self.ego_depth.value()
        if not depth or self.view.chosen not in self.view.nodes or self.data is None:
            if self.view.ego_applied:  # (nothing to walk through when nobody was hidden)
                for item in self.view.nodes.values():
                    item.show_node(True)
                for item in self.view.edges:
                    item.setVisible(True)
                self.view.ego_applied = False
                self.view.names.update()
            return
        adjacency = {cid: set() for cid in self.view.nodes}
        for e in self.data.edges:
            if e.source in adjacency and e.target in adjacency:
                adjacency[e.source].add(e.target)
                adjacency[e.target].add(e.source)
        start = self.view.chosen
        seen, queue = {start: 0}, deque([start])
        while queue:
            cid = queue.popleft()
            if seen[cid] < depth:
                for other in adjacency[cid] - seen.keys():
                    seen[other] = seen[cid] + 1
                    queue.append(other)
        for cid, item in self.view.nodes.items():
            item.show_node(cid in seen)
        for item in self.view.edges:
            item.setVisible(item.source.shown and item.target.shown)
        self.view.ego_applied = True
        self.view.names.update()

    def visible_customers(self) -> set[int]:
        return {cid for cid, item in self.view.nodes.items() if item.isVisible()}

    def _find(self):
        try:
            cid = self.search.customer_id()
        except Exception:  # noqa: BLE001 - the picker explains itself in its text
            return
        if cid not in self.view.nodes:
            self.connected_only.setChecked(False)
        self.view.centre_on(cid)

    def _context_menu(self, pos):
        item = next((i for i in self.view.items(pos) if isinstance(i, NodeItem)), None)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction("Open customer", lambda: self.customer_chosen.emit(item.node.id))
        menu.addAction("Connect to…", lambda: self.connect_requested.emit(item.node.id, 0))
        menu.addAction("Show the network around them", lambda: (self.view.centre_on(item.node.id),
                                                                 self.ego_depth.setValue(self.ego_depth.value() or 2)))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- export ------------------------------------------------------------------------------------------
    def export(self, kind: str, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export the graph", str(Path.home() / f"lately-graph.{kind}"),
                                                  "PNG image (*.png)" if kind == "png" else "SVG drawing (*.svg)")
            if not path:
                return None
        target = self.view.viewport().rect()
        source = self.view.mapToScene(target).boundingRect()
        # Every name and arrow in the file, at any zoom.
        self.view.exporting = True
        self.view.update_labels()
        try:
            self._render(kind, path, target, source)
            Path(path).chmod(0o600)  # customer names: the owner's only
        finally:
            self.view.exporting = False
            self.view.update_labels()
        return Path(path)

    def _render(self, kind, path, target, source):
        if kind == "png":
            image = QImage(target.size() * 2, QImage.Format.Format_ARGB32)
            image.fill(theme.graph_color("canvas"))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.view.scene().render(painter, QRectF(image.rect()), source)
            painter.end()
            image.save(path)
            restrict(Path(path))  # owner-only, like every file with the journal's data
        else:
            generator = QSvgGenerator()
            generator.setFileName(path)
            generator.setSize(QSize(target.width(), target.height()))
            generator.setViewBox(QRectF(0, 0, target.width(), target.height()))
            generator.setTitle("Who referred whom")
            painter = QPainter(generator)
            self.view.scene().render(painter, QRectF(0, 0, target.width(), target.height()), source)
            painter.end()
            restrict(Path(path))
