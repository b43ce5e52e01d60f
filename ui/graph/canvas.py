"""The graph drawn from arrays: one item paints every customer and connection,
finding what is in view through a grid of cells (no Qt item per node or edge:
30,000 of each took seconds to build and a second a frame to paint).

Level of detail: zoomed out, customers are dots and connections plain thin
lines; names show where they can be read; dashes and arrowheads where the
connections in view are few enough to see them. When much is in view, a frame
shows a picture of the graph made off the GUI thread (scaled while zooming,
made sharp again once the zoom rests); when little is, it paints directly."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, QRunnable, QThreadPool, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from journal.reads import graph
from ui.common import theme
from ui.common.theme import EDGE_COLORS, STAGE_COLORS
from ui.graph.names import Placed, place_names

EDGE_STYLES = {  # colour, pen style, arrow
    "referred": (EDGE_COLORS["referred"], Qt.PenStyle.SolidLine, True),
    "introduced": (EDGE_COLORS["introduced"], Qt.PenStyle.DashLine, False),
    "colleague": (EDGE_COLORS["colleague"], Qt.PenStyle.DotLine, False),
}
KINDS = tuple(EDGE_STYLES)

LABEL_FONT = QFont()
LABEL_FONT.setPointSizeF(7.5)
# Zoomed out below this, the names grow in the scene to stay as big on screen as at it
# (at the zoom that fits the demo in a 1366 × 768 window they were 7 pixels tall).
NAME_FLOOR = 1.0
_GROWN_FONTS: dict[float, QFont] = {}

# Level of detail: the zoom (view pixels per scene unit) from which edges show
# their style (dashes, arrowheads); a name shows from its node's label_scale.
EDGE_STYLE_SCALE = 0.5
SMALLEST_LABEL_SCALE = 9 / 22  # the biggest node's (radius 6 + 16)
SMOOTH_SCALE = 0.25  # antialiasing from this zoom: below it thousands of dots cost more and show no curves
CELL = 256.0  # scene units: the side of a square of the grid of nodes and edges by place
MOST_STYLED = 1500  # more customers than this in view: too crowded for dashes and arrowheads to be seen
DIRECT = 700  # customers + connections in view up to which a frame paints them itself, not a picture
REACH = 130  # how far a name may stick out beside its node, in scene units
MARGIN = 0.25  # a picture covers the view and this much of its size around it, for panning
RESTING_MS = 60  # the zoom or pan rests this long before a sharper picture is made


def node_radius(amount: int, biggest: int) -> float:
    return 6 + 16 * math.sqrt(max(amount, 0) / (biggest or 1))


@dataclass
class Frame:
    """What one paint showed, for the tests and the benchmark (what a person sees)."""
    detail: float = 0.0
    mode: str = "direct"  # or "picture"
    names: list[str] = field(default_factory=list)
    edges: list[int] = field(default_factory=list)  # the model's edges drawn
    styled: bool = False  # ... in their own style (dashes, arrowheads), or as plain thin lines
    nodes: int = 0
    name_pixels: float = 0.0  # how tall a line of the names drawn is on screen
    name_rects: list[tuple[float, float, float, float]] = field(default_factory=list)  # where (scene units)
    name_over: list[bool] = field(default_factory=list)  # ... over the rim of a disc, on an opaque backing


class GraphModel:
    """The nodes and edges as arrays, with the grid that finds them by place.
    Positions change only through move() (a node dragged) and drop()."""

    def __init__(self, data: graph.GraphData, positions: dict[int, tuple[float, float]], size_by: str):
        nodes = list(data.nodes.values())
        self.ids = [n.id for n in nodes]
        self.index = {cid: i for i, cid in enumerate(self.ids)}
        self.nodes = nodes
        self._size(size_by)
        self.stage = [n.stage if n.stage in STAGE_COLORS else "former" for n in nodes]
        self.xs = [float(positions.get(cid, (0.0, 0.0))[0]) for cid in self.ids]
        self.ys = [float(positions.get(cid, (0.0, 0.0))[1]) for cid in self.ids]
        self.shown = [True] * len(nodes)
        index = self.index
        self.edges = [(index[e.source], index[e.target], e) for e in data.edges
                      if e.source in index and e.target in index]
        self.edges_of: list[list[int]] = [[] for _ in nodes]
        for k, (a, b, _e) in enumerate(self.edges):
            self.edges_of[a].append(k)
            self.edges_of[b].append(k)
        self.version = 0  # goes up whenever what a picture shows changes
        self.lifted: int | None = None  # a node being dragged: drawn over the picture, not in it
        self.name_width: dict[int, float] = {}
        self.index_places()

    def _size(self, size_by: str) -> None:
        """Node sizes by lifetime value ("value") or referrals made."""
        self.size_by = size_by
        amounts = [n.lifetime_cents if size_by == "value" else n.referrals_made for n in self.nodes]
        biggest = max(amounts, default=1) or 1
        self.radius = [node_radius(amount, biggest) for amount in amounts]
        self.label_scale = [9 / max(r, 8) for r in self.radius]  # the zoom from which a name can be read

    def resize(self, size_by: str) -> None:
        self._size(size_by)
        for members in self.cells.values():
            members.sort(key=self.label_scale.__getitem__)
        self.version += 1

    # -- the grid -----------------------------------------------------------------------------------
    def index_places(self) -> None:
        """Nodes by the cell of their centre (biggest first in each), edges by
        every cell their line passes through."""
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i in range(len(self.ids)):
            self.cells.setdefault((int(self.xs[i] // CELL), int(self.ys[i] // CELL)), []).append(i)
        for members in self.cells.values():
            members.sort(key=self.label_scale.__getitem__)
        self.edge_cells: dict[tuple[int, int], list[int]] = {}
        for k in range(len(self.edges)):
            for cell in self._cells_of_edge(k):
                self.edge_cells.setdefault(cell, []).append(k)
        self.bounds = self._bounds()

    def _cells_of_edge(self, k: int) -> set[tuple[int, int]]:
        a, b, _ = self.edges[k]
        x1, y1, x2, y2 = self.xs[a], self.ys[a], self.xs[b], self.ys[b]
        first, last = (int(x1 // CELL), int(y1 // CELL)), (int(x2 // CELL), int(y2 // CELL))
        if abs(first[0] - last[0]) + abs(first[1] - last[1]) <= 1:  # most lines: within a cell or two
            return {first, last}
        steps = max(1, int(math.hypot(x2 - x1, y2 - y1) // (CELL / 2)) + 1)
        return {(int((x1 + (x2 - x1) * s / steps) // CELL), int((y1 + (y2 - y1) * s / steps) // CELL))
                for s in range(steps + 1)}

    def _bounds(self) -> QRectF:
        if not self.ids:
            return QRectF(0, 0, 1, 1)
        return QRectF(min(self.xs), min(self.ys), max(self.xs) - min(self.xs), max(self.ys) - min(self.ys))

    def _cell_range(self, rect: QRectF):
        return (range(int(rect.left() // CELL) - 1, int(rect.right() // CELL) + 2),
                range(int(rect.top() // CELL) - 1, int(rect.bottom() // CELL) + 2))

    def count_in(self, rect: QRectF) -> int:
        """Nodes and edges in the cells around `rect` (an estimate: by cells, not one by one)."""
        columns, rows = self._cell_range(rect)
        if len(columns) * len(rows) > len(self.cells) + len(self.edge_cells):
            return len(self.ids) + len(self.edges)
        cells, edge_cells = self.cells, self.edge_cells
        return sum(len(cells.get((cx, cy), ())) + len(edge_cells.get((cx, cy), ())) for cx in columns for cy in rows)

    def nodes_in(self, rect: QRectF) -> list[int]:
        """The shown nodes whose disc may reach into `rect`, biggest first within each cell."""
        grown = rect.adjusted(-22, -22, 22, 22)
        left, top, right, bottom = grown.left(), grown.top(), grown.right(), grown.bottom()
        xs, ys, shown = self.xs, self.ys, self.shown
        columns, rows = self._cell_range(rect)
        if len(columns) * len(rows) > len(self.cells):
            found = [i for i in range(len(self.ids)) if shown[i] and left <= xs[i] <= right and top <= ys[i] <= bottom]
        else:
            found = [i for cx in columns for cy in rows for i in self.cells.get((cx, cy), ())
                     if shown[i] and left <= xs[i] <= right and top <= ys[i] <= bottom]
        lifted = self.lifted
        if lifted is not None and shown[lifted] and lifted not in found and left <= xs[lifted] <= right \
                and top <= ys[lifted] <= bottom:
            found.append(lifted)  # dragged out of its cell
        return found

    def edges_in(self, rect: QRectF) -> list[int]:
        columns, rows = self._cell_range(rect)
        if len(columns) * len(rows) > len(self.edge_cells):
            found = range(len(self.edges))
        else:
            found = {k for cx in columns for cy in rows for k in self.edge_cells.get((cx, cy), ())}
        shown = self.shown
        edges = self.edges
        result = [k for k in found if shown[edges[k][0]] and shown[edges[k][1]]]
        if self.lifted is not None:
            result = list(set(result) | {k for k in self.edges_of[self.lifted]
                                         if shown[edges[k][0]] and shown[edges[k][1]]})
        return result

    def readable_in(self, rect: QRectF, detail: float) -> list[int]:
        """The shown nodes in `rect` whose names can be read at this zoom: work in
        proportion to those (each cell lists its biggest first)."""
        found = []
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        xs, ys, shown, scale = self.xs, self.ys, self.shown, self.label_scale
        columns, rows = self._cell_range(rect)
        for cx in columns:
            for cy in rows:
                for i in self.cells.get((cx, cy), ()):
                    if scale[i] > detail:
                        break
                    if shown[i] and left <= xs[i] <= right and top <= ys[i] <= bottom:
                        found.append(i)
        return found

    # -- finding by the mouse ------------------------------------------------------------------------
    def node_at(self, point: QPointF, slack: float = 0.0) -> int | None:
        """The shown node under `point` (the nearest, when discs overlap); slack
        widens a disc too small on screen to be hit."""
        x, y = point.x(), point.y()
        best, best_distance = None, math.inf
        cx, cy = int(x // CELL), int(y // CELL)
        for column in (cx - 1, cx, cx + 1):
            for row in (cy - 1, cy, cy + 1):
                for i in self.cells.get((column, row), ()):
                    distance = math.hypot(self.xs[i] - x, self.ys[i] - y)
                    if self.shown[i] and distance <= self.radius[i] + slack and distance < best_distance:
                        best, best_distance = i, distance
        lifted = self.lifted
        if lifted is not None and math.hypot(self.xs[lifted] - x, self.ys[lifted] - y) <= self.radius[lifted] + slack:
            return lifted
        return best

    def edge_at(self, point: QPointF, slack: float) -> int | None:
        x, y = point.x(), point.y()
        best, best_distance = None, slack
        cx, cy = int(x // CELL), int(y // CELL)
        near = {k for column in (cx - 1, cx, cx + 1) for row in (cy - 1, cy, cy + 1)
                for k in self.edge_cells.get((column, row), ())}  # a line's samples are half a cell apart
        for k in near:
            a, b, _ = self.edges[k]
            if not (self.shown[a] and self.shown[b]):
                continue
            distance = _to_segment(x, y, self.xs[a], self.ys[a], self.xs[b], self.ys[b])
            if distance <= best_distance:
                best, best_distance = k, distance
        return best

    # -- changes ------------------------------------------------------------------------------------------
    def move(self, i: int, x: float, y: float) -> None:
        """A node dragged: it is drawn over the picture until dropped."""
        self.xs[i], self.ys[i] = x, y

    def drop(self, i: int) -> None:
        """Put a dragged node back in the grid (and its edges) where it now is."""
        for members in self.cells.values():
            if i in members:
                members.remove(i)
                break
        members = self.cells.setdefault((int(self.xs[i] // CELL), int(self.ys[i] // CELL)), [])
        members.append(i)
        members.sort(key=self.label_scale.__getitem__)
        for k in self.edges_of[i]:
            for members in self.edge_cells.values():
                if k in members:
                    members.remove(k)
            for cell in self._cells_of_edge(k):
                self.edge_cells.setdefault(cell, []).append(k)
        self.bounds = self._bounds()
        self.version += 1

    def snapshot(self) -> GraphModel:
        """A copy another thread may paint from (an exported file) while the person
        goes on dragging and filtering: what moves or changes in place is copied."""
        copy = object.__new__(GraphModel)
        copy.__dict__.update(self.__dict__)
        copy.xs, copy.ys, copy.shown = list(self.xs), list(self.ys), list(self.shown)
        copy.cells = {cell: list(members) for cell, members in self.cells.items()}
        copy.edge_cells = {cell: list(members) for cell, members in self.edge_cells.items()}
        copy.name_width = dict(self.name_width)
        return copy

    def show_only(self, wanted: set[int] | None) -> None:
        """Show the customers in `wanted` (their ids), or everyone for None."""
        self.shown = [True] * len(self.ids) if wanted is None else [cid in wanted for cid in self.ids]
        self.version += 1


def _to_segment(px, py, x1, y1, x2, y2) -> float:
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / length))
    return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


# -- painting --------------------------------------------------------------------------------------------
class Palette:
    """Pens and brushes, made on the GUI thread (theme colours) and only read by painters."""

    def __init__(self):
        self.brushes = {stage: QBrush(QColor(colour)) for stage, colour in STAGE_COLORS.items()}
        self.colours = {stage: QColor(colour) for stage, colour in STAGE_COLORS.items()}
        self.outline = QPen(theme.graph_color("outline"), 1.5)
        self.selected = QPen(theme.graph_color("selected"), 3)
        self.label = QPen(theme.graph_color("label"))
        self.canvas = theme.graph_color("canvas")
        self.plain, self.styled, self.arrow = {}, {}, {}
        for kind, (colour, style, _arrow) in EDGE_STYLES.items():
            plain, styled = QPen(QColor(colour), 1.0), QPen(QColor(colour), 1.6, style)
            plain.setCosmetic(True)
            styled.setCosmetic(True)
            self.plain[kind], self.styled[kind], self.arrow[kind] = plain, styled, QBrush(QColor(colour))
        self.line_height = QFontMetricsF(LABEL_FONT).height()
        backing = QColor(self.canvas)
        backing.setAlpha(200)  # lines under a name fade; the name reads
        self.backing = QBrush(backing)
        self.solid_backing = QBrush(self.canvas)


def paint_graph(painter: QPainter, model: GraphModel, palette: Palette, rect: QRectF, detail: float, *,
                everything: bool = False, skip_lifted: bool = False, names_rect: QRectF | None = None) -> Frame:
    """Paint the part of the graph in `rect` (scene units) at `detail` (device
    pixels per scene unit). everything: names and arrows at any zoom (an exported file).
    skip_lifted: leave out the node being dragged and its edges (a picture).
    names_rect: where the names are placed, when more than `rect` (the view, of which
    `rect` is the part being painted)."""
    frame = Frame(detail=detail)
    lifted = model.lifted if skip_lifted else None
    nodes = model.nodes_in(rect)
    edges = model.edges_in(rect)
    if lifted is not None:
        nodes = [i for i in nodes if i != lifted]
        gone = set(model.edges_of[lifted])
        edges = [k for k in edges if k not in gone]
    styled = everything or (detail >= EDGE_STYLE_SCALE and len(nodes) <= MOST_STYLED)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, everything or detail >= SMOOTH_SCALE)
    _paint_edges(painter, model, palette, edges, styled, frame)
    _paint_nodes(painter, model, palette, nodes, detail, everything)
    frame.nodes = len(nodes)
    # The names are placed over a region the same from frame to frame (the view, not
    # the strip a scroll exposed), so a name does not move or split as the view pans.
    around = rect if names_rect is None else names_rect
    if everything:
        readable = nodes
    elif detail >= SMALLEST_LABEL_SCALE:
        readable = [i for i in model.readable_in(around.adjusted(-REACH, -24, REACH, 24), detail) if i != lifted]
    else:
        readable = []
    if readable:
        # In a file too, a name that would cover a node or a name already written is
        # left out: where thousands crowd, all of them are a smudge.
        grow = 1.0 if everything else name_growth(detail)
        # Names of nodes just outside are placed too (they reach in): so are their neighbours' discs.
        known = around.adjusted(-2 * REACH, -48, 2 * REACH, 48)
        obstacles = [i for i in model.nodes_in(known) if i != lifted]
        placed = paint_names(painter, model, palette, readable, obstacles=obstacles, grow=grow,
                             known=None if everything else known.getCoords(), quick=everything)
        frame.names = [model.nodes[p.node].name for p in placed]
        frame.name_rects = [p.rect for p in placed]
        frame.name_over = [p.forced for p in placed]
        frame.name_pixels = palette.line_height * grow * detail
    return frame


def name_growth(detail: float) -> float:
    """How much bigger than LABEL_FONT, in the scene, a name is drawn at this zoom."""
    return max(1.0, NAME_FLOOR / detail) if detail > 0 else 1.0


def _name_font(grow: float) -> QFont:
    grow = round(grow, 2)  # a few fonts, reused frame after frame
    font = _GROWN_FONTS.get(grow)
    if font is None:
        font = QFont(LABEL_FONT)
        font.setPointSizeF(LABEL_FONT.pointSizeF() * grow)
        _GROWN_FONTS[grow] = font
    return font


def _paint_edges(painter, model, palette, edges, styled, frame):
    xs, ys, radius, all_edges = model.xs, model.ys, model.radius, model.edges
    by_kind: dict[str, list[int]] = {}
    for k in edges:
        by_kind.setdefault(all_edges[k][2].kind, []).append(k)
    for kind, members in by_kind.items():
        if kind not in EDGE_STYLES:
            continue
        frame.edges.extend(members)
        frame.styled = styled
        if not styled:
            painter.setPen(palette.plain[kind])
            painter.drawLines([QLineF(xs[a], ys[a], xs[b], ys[b]) for a, b, _ in map(all_edges.__getitem__, members)])
            continue
        painter.setPen(palette.styled[kind])
        arrows = []
        lines = []
        for k in members:
            a, b, _ = all_edges[k]
            x1, y1, x2, y2 = xs[a], ys[a], xs[b], ys[b]
            length = math.hypot(x2 - x1, y2 - y1)
            if length > radius[a] + radius[b]:  # from rim to rim
                ux, uy = (x2 - x1) / length, (y2 - y1) / length
                x1, y1, x2, y2 = x1 + ux * radius[a], y1 + uy * radius[a], x2 - ux * radius[b], y2 - uy * radius[b]
                if EDGE_STYLES[kind][2] and length - radius[a] - radius[b] > 12:
                    arrows.append(_arrowhead(x1, y1, x2, y2))
            lines.append(QLineF(x1, y1, x2, y2))
        painter.drawLines(lines)
        if arrows:
            painter.setBrush(palette.arrow[kind])
            for arrow in arrows:
                painter.drawPolygon(arrow)


def _arrowhead(x1, y1, x2, y2, size=8.0) -> QPolygonF:
    angle = math.atan2(-(y2 - y1), x2 - x1)
    tip = QPointF(x2, y2)
    return QPolygonF([
        tip,
        tip + QPointF(math.sin(angle - math.pi / 3) * size, math.cos(angle - math.pi / 3) * size),
        tip + QPointF(math.sin(angle - 2 * math.pi / 3) * size, math.cos(angle - 2 * math.pi / 3) * size),
    ])


def _paint_nodes(painter, model, palette, nodes, detail, everything):
    xs, ys, radius, stage = model.xs, model.ys, model.radius, model.stage
    dots: dict[tuple[str, int], list[QPointF]] = {}
    discs: dict[str, list[int]] = {}
    for i in nodes:
        across = 2 * radius[i] * detail
        if across < 4 and not everything:  # a dot a few pixels across: no outline to see
            dots.setdefault((stage[i], max(1, round(across))), []).append(QPointF(xs[i], ys[i]))
        else:
            discs.setdefault(stage[i], []).append(i)
    for (stage_name, across), points in dots.items():
        pen = QPen(palette.colours[stage_name], across)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap if across > 2 else Qt.PenCapStyle.SquareCap)
        painter.setPen(pen)
        painter.drawPoints(QPolygonF(points))
    if discs:
        painter.setPen(palette.outline)
        for stage_name, members in discs.items():
            painter.setBrush(palette.brushes[stage_name])
            for i in members:
                painter.drawEllipse(QPointF(xs[i], ys[i]), radius[i], radius[i])


def paint_chosen(painter, model, palette, i: int) -> None:
    """The chosen customer's ring."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(palette.selected)
    painter.setBrush(palette.brushes[model.stage[i]])
    painter.drawEllipse(QPointF(model.xs[i], model.ys[i]), model.radius[i], model.radius[i])


def paint_names(painter, model, palette, nodes, *, obstacles=(), first=None, grow=1.0, forced=(),
                before=(), known=None, quick=False) -> list[Placed]:
    """Names beside their nodes, most valuable first (`first`, the chosen
    customer, before all): each where it covers no other node and no name
    already placed (names.py), or left out. `forced` nodes are named wherever
    they cover least, on an opaque backing (pointed at, chosen). `before`: the
    rectangles of names already drawn there (a picture's), kept clear.
    grow: the names this much bigger than LABEL_FONT (zoomed out, see name_growth)."""
    metrics = QFontMetricsF(LABEL_FONT)
    width_of = model.name_width
    pad = 2 * grow  # the backing a little wider than the text
    widths = {}
    for i in nodes:
        width = width_of.get(i)
        if width is None:
            width = width_of[i] = metrics.horizontalAdvance(model.nodes[i].name)
        widths[i] = width * grow + 2 * pad
    radius = model.radius
    order = sorted(nodes, key=lambda i: (i != first, -radius[i], i))
    placed = place_names(model.xs, model.ys, radius, order, widths, palette.line_height * grow,
                         obstacles, forced=set(forced), before=before, known=known, quick=quick)
    if not placed:
        return placed
    painter.save()
    painter.setFont(LABEL_FONT if grow == 1.0 else _name_font(grow))
    painter.setPen(Qt.PenStyle.NoPen)
    for name in placed:  # a backing, so a line passing under a name does not cross its letters
        painter.setBrush(palette.solid_backing if name.forced else palette.backing)
        painter.drawRoundedRect(QRectF(*name.rect), 2 * grow, 2 * grow)
    painter.setPen(palette.label)
    for name in placed:
        painter.drawText(QRectF(*name.rect), Qt.AlignmentFlag.AlignCenter, model.nodes[name.node].name)
    painter.restore()
    return placed


# -- pictures made off the GUI thread ----------------------------------------------------------------------
@dataclass
class Picture:
    image: QImage
    rect: QRectF  # the part of the scene it shows
    detail: float  # its pixels per scene unit
    version: int
    frame: Frame
    lifted: int | None
    ms: float = 0.0  # how long it took to make
    models: int = -1  # the canvas's count of models given when it was asked for (GraphCanvas._is_current)


def make_picture(model: GraphModel, palette: Palette, rect: QRectF, detail: float) -> Picture:
    """The graph in `rect` as an image `detail` pixels per scene unit."""
    version, lifted = model.version, model.lifted
    width, height = max(1, math.ceil(rect.width() * detail)), max(1, math.ceil(rect.height() * detail))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(palette.canvas)
    painter = QPainter(image)
    painter.scale(detail, detail)
    painter.translate(-rect.topLeft())
    frame = paint_graph(painter, model, palette, rect, detail, skip_lifted=True)
    painter.end()
    frame.mode = "picture"
    return Picture(image, QRectF(rect), detail, version, frame, lifted)


class _Relay(QObject):
    done = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn, relay):
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self):
        try:
            result = self.fn()
        except Exception:  # noqa: BLE001 - a picture not made: the next paint asks again
            result = None
        try:
            self.relay.done.emit(result)
        except RuntimeError:  # the window closed meanwhile
            pass


class GraphCanvas(QGraphicsItem):
    """The one item that draws the graph. A frame paints directly when little
    is in view; otherwise it shows the latest picture (scaled while zooming) and
    asks, once the view rests, for a sharp one made on a thread of its own."""

    def __init__(self, view):
        super().__init__()
        self.view = view
        self.model: GraphModel | None = None
        self.palette = Palette()
        self.picture: Picture | None = None
        self.exporting = False
        self.last = Frame()
        self.making = False  # a picture is being made
        self._again = False  # a different picture asked for while one was being made
        self._making_for = None  # what the picture being made is for (_make_sharp)
        self._models = 0  # models given so far: a picture of an earlier one is never current
        self._stale_ok = False  # an out-of-date picture may be shown meanwhile (a node moved)
        self.made = 0  # pictures made (the tests and the benchmark wait on this)
        self.last_making_ms = 0.0
        self._bounds = QRectF()
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        # Children of the view, so they go with it: their connections to this item's
        # methods are references Python's collector cannot see, and held the item, its
        # model and every closed graph window's arrays for as long as the app ran.
        self._relay = _Relay(view)
        self._relay.done.connect(self._picture_made)
        self._rest = QTimer(view)
        self._rest.setSingleShot(True)
        self._rest.setInterval(RESTING_MS)
        self._rest.timeout.connect(self._make_sharp)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # the exposed rect
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view handles the mouse

    def set_model(self, model: GraphModel | None) -> None:
        self._models += 1
        self.prepareGeometryChange()
        self.model, self.picture, self.palette = model, None, Palette()
        self._stale_ok = False
        self._bounds = model.bounds.adjusted(-REACH - 40, -40, REACH + 40, 60) if model else QRectF()
        self.update()

    def moved(self) -> None:
        """A node lifted to be dragged, or dropped: the picture is out of date, but
        only there. It is shown until a new one is made off the GUI thread (with
        thousands in view, making one takes longer than a hand waits)."""
        self._stale_ok = True
        self.changed()

    def changed(self) -> None:
        """The model changed (a filter, a node dropped): the picture is out of date."""
        if self.model is not None:
            bounds = self.model.bounds.adjusted(-REACH - 40, -40, REACH + 40, 60)
            if not self._bounds.contains(bounds):
                self.prepareGeometryChange()
                self._bounds = self._bounds.united(bounds)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    # -- a frame --------------------------------------------------------------------------------------------
    def paint(self, painter, option, widget=None):
        model = self.model
        if model is None:
            return
        detail = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        exposed = option.exposedRect
        if self.exporting or widget is None:
            if painter.hasClipping():  # the part of the scene going into the file
                exposed = exposed.intersected(painter.clipBoundingRect())
            self.last = paint_graph(painter, model, self.palette, exposed, detail, everything=self.exporting)
            self._paint_on_top(painter, detail, names=False)
            return
        visible = self.view.visible_rect()
        if model.count_in(visible) <= DIRECT:
            self.last = paint_graph(painter, model, self.palette, exposed, detail, names_rect=visible)
            self._paint_on_top(painter, detail, names=True)
            return
        wanted = detail * (widget.devicePixelRatioF() if widget is not None else 1.0)
        picture = self.picture
        current = picture is not None and self._is_current(picture)
        if picture is None:
            # None yet (just opened, or the colours changed): made off the GUI thread at
            # once; at 30,000 customers making it here held the window 0.1-0.4 s. The
            # view says it is drawing meanwhile (GraphView.drawForeground).
            self.last = Frame(detail, "waiting")
            self._rest.stop()
            self._make_sharp()
            return
        requested = not (current or self._stale_ok)
        if requested:
            # What it shows changed (a filter, sizes): the last picture is shown until
            # the new one, made off the GUI thread at once, takes its place.
            self._rest.stop()
            self._make_sharp()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, abs(picture.detail / wanted - 1) > 0.01)
        painter.drawImage(picture.rect, picture.image)
        painter.restore()
        self.last = Frame(detail, "picture", list(picture.frame.names), picture.frame.edges, picture.frame.styled,
                          picture.frame.nodes, name_rects=list(picture.frame.name_rects),
                          name_over=list(picture.frame.name_over))
        if model.lifted is not None:
            self._paint_lifted(painter, detail)
        self._paint_on_top(painter, detail, names=True)
        sharp = abs(picture.detail / wanted - 1) < 0.03
        if not requested and not (current and sharp and picture.rect.contains(self._around(visible, 0.0))):
            self._rest.start()  # once the view rests, a picture that fits it

    def _paint_lifted(self, painter, detail):
        model = self.model
        i = model.lifted
        if not model.shown[i]:
            return
        frame = Frame()
        edges = [k for k in model.edges_of[i] if model.shown[model.edges[k][0]] and model.shown[model.edges[k][1]]]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, detail >= SMOOTH_SCALE)
        _paint_edges(painter, model, self.palette, edges, detail >= EDGE_STYLE_SCALE, frame)
        _paint_nodes(painter, model, self.palette, [i], detail, False)

    def _paint_on_top(self, painter, detail, *, names):
        """The chosen customer: ringed, and named at any zoom; the one pointed at,
        named too. A name left out where it had no free place shows so, on an
        opaque backing beside the names drawn (self.last.name_rects)."""
        model = self.model
        chosen = model.index.get(self.view.chosen)
        if chosen is not None and model.shown[chosen]:
            paint_chosen(painter, model, self.palette, chosen)
        else:
            chosen = None
        if not names:
            return
        pointed = getattr(self.view, "pointed", None)
        if pointed is not None and (pointed >= len(model.ids) or not model.shown[pointed]):
            pointed = None
        named = set(self.last.names)
        wanted = [i for i in dict.fromkeys((chosen, pointed)) if i is not None and model.nodes[i].name not in named]
        if not wanted:
            return
        grow = name_growth(detail)
        near = QRectF()
        for i in wanted:
            reach = model.radius[i] + REACH
            near = near.united(QRectF(model.xs[i] - reach, model.ys[i] - reach, 2 * reach, 2 * reach))
        placed = paint_names(painter, model, self.palette, wanted, obstacles=model.nodes_in(near), first=chosen,
                             grow=grow, forced=wanted, before=self.last.name_rects)
        self.last.names.extend(model.nodes[p.node].name for p in placed)
        self.last.name_rects.extend(p.rect for p in placed)
        self.last.name_over.extend(p.forced for p in placed)
        self.last.name_pixels = max(self.last.name_pixels, self.palette.line_height * grow * detail)

    # -- pictures -----------------------------------------------------------------------------------------
    def _around(self, visible: QRectF, margin: float = MARGIN) -> QRectF:
        """The view and a margin around it for panning, within the graph."""
        grown = visible.adjusted(-visible.width() * margin, -visible.height() * margin,
                                 visible.width() * margin, visible.height() * margin)
        inside = grown.intersected(self._bounds)
        return inside if not inside.isEmpty() else visible

    def _is_current(self, picture: Picture) -> bool:
        """`picture` shows the model as it is now (not an earlier model's same version)."""
        model = self.model
        return (picture.models == self._models and picture.version == model.version
                and picture.lifted == model.lifted)

    @property
    def waiting(self) -> bool:
        """The graph is too big to paint each frame and its first picture is being made."""
        return self.model is not None and self.picture is None and self.last.mode == "waiting"

    def _make_sharp(self):
        from shiboken6 import isValid

        if self.model is None or not isValid(self.view):  # the window closed while a picture was on its way
            return
        widget = self.view.viewport()
        visible = self.view.visible_rect()
        wanted = self.view.transform().m11() * widget.devicePixelRatioF()
        model, palette, rect = self.model, self.palette, self._around(visible)
        wanted_for = (self._models, model.version, model.lifted, rect.getRect(), wanted, palette)
        if self.making:
            # Made again once this one is back (_picture_made), if it is not what is being made already.
            self._again = self._again or wanted_for != self._making_for
            return
        self.making, self._making_for = True, wanted_for
        started = time.perf_counter()
        models = self._models

        def work():
            picture = make_picture(model, palette, rect, wanted)
            picture.ms = (time.perf_counter() - started) * 1000
            picture.models = models
            return picture

        self._pool.start(_Job(work, self._relay))

    def _picture_made(self, picture):
        self.making = False
        again, self._again = self._again, False
        if picture is None or self.model is None:
            if again:
                self._rest.start()
            return
        self.made += 1
        self.last_making_ms = picture.ms
        current = self._is_current(picture)
        if current or (self._stale_ok and picture.models == self._models):  # never an earlier model's
            self.picture = picture
            self._stale_ok = self._stale_ok and not current
            self.update()
        if not current or again:
            self._rest.start()  # the graph or the view changed meanwhile: make it again

    def wait(self, msecs: int = 5000) -> bool:
        """Let a picture being made finish (closing the window, the tests)."""
        return self._pool.waitForDone(msecs)
