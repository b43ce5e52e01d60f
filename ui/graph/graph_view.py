"""The referral-connection graph: customers as nodes (size by lifetime value or
referrals made, colour by stage), connections as typed directed edges, laid
out off the GUI thread and kept where they were; zoom, pan, search, the
network around one customer, filters, top referrers, export as PNG or SVG.
The drawing itself, from arrays, is in canvas.py."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGraphicsScene, QGraphicsView,
    QHBoxLayout, QHeaderView, QLabel, QMenu, QMessageBox, QPushButton, QSpinBox, QSplitter, QTableWidget,
    QTableWidgetItem, QToolTip, QVBoxLayout, QWidget,
)

from journal.errors import ValidationError
from journal.reads import graph
from journal.rules.kinds import CONNECTION_KINDS, STAGES
from journal.rules import words

from ui.common import format as fmt
from ui.common import theme

from ui.common.forms import ErrorLabel, buddy_label, chain_tabs
from ui.common.pickers import CustomerPicker
from ui.common.tasks import run_in_background
from ui.common.theme import STAGE_COLORS
from ui.graph.canvas import EDGE_STYLES, REACH, GraphCanvas, GraphModel
from ui.graph.export import GraphFile, GraphWriter


class GraphView(QGraphicsView):
    """Wheel zooms around the mouse, dragging empty space pans, dragging a
    customer moves them (Shift-drag to another connects the two); + - 0 on the
    keyboard, Enter opens the chosen customer. The graph itself is one item
    (GraphCanvas) drawn from arrays."""

    node_clicked = Signal(int)
    link_requested = Signal(int, int)  # source, target
    find_box = None  # where letters typed on the graph go (the window's find box)
    moved = Signal(int, float, float)
    chosen_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # one item and, at times, a line
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setBackgroundBrush(theme.graph_color("canvas"))
        self.canvas = GraphCanvas(self)
        self.scene().addItem(self.canvas)
        self.chosen: int | None = None
        self.pointed: int | None = None  # the node under the mouse (an index into the model)
        self._link = None
        self._link_from: int | None = None
        self._press: tuple[int, QPointF, QPointF] | None = None  # node, where pressed, offset from its centre
        self._dragging = False
        self.hint_drawn: str | None = None  # the empty state's words, as last painted

    def changeEvent(self, event):
        if event.type() == QEvent.Type.PaletteChange:  # light or dark: the graph's own colours follow
            self.setBackgroundBrush(theme.graph_color("canvas"))
            self.canvas.set_model(self.model)
        super().changeEvent(event)

    def empty_hint(self) -> str | None:
        """What the canvas says when it has no one to show (None when it has)."""
        model = self.model
        if model is None or any(model.shown):
            return None
        return ("No connections to show yet. Record a referral, an introduction or colleagues with "
                "Customer › Connect… (Ctrl+Shift+K), and they appear here.")

    def drawForeground(self, painter, rect):
        hint = self.empty_hint()
        if hint is None and self.canvas.waiting:  # a big graph's first picture, made off the GUI thread
            hint = "Drawing the graph…"
        self.hint_drawn = hint
        if hint:  # in the middle of the view, at any zoom
            painter.save()
            painter.resetTransform()
            painter.setPen(theme.graph_color("label"))
            area = QRectF(self.viewport().rect()).adjusted(40, 40, -40, -40)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, hint)
            painter.restore()

    # -- what is where ----------------------------------------------------------------------------------
    @property
    def model(self) -> GraphModel | None:
        return self.canvas.model

    def set_model(self, model: GraphModel | None) -> None:
        self.setBackgroundBrush(theme.graph_color("canvas"))
        self.pointed = None  # an index into the model before
        self.canvas.set_model(model)
        if model is not None and model.ids:
            self.setSceneRect(self.canvas.boundingRect().adjusted(-400, -400, 400, 400))
        elif model is not None:  # nobody: nothing to scroll to
            self.setSceneRect(QRectF(-1, -1, 2, 2))

    def customers(self) -> set[int]:
        return set(self.model.ids) if self.model else set()

    def place_of(self, customer_id: int) -> QPointF | None:
        i = self.model.index.get(customer_id) if self.model else None
        return None if i is None else QPointF(self.model.xs[i], self.model.ys[i])

    def visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def node_at(self, point: QPoint) -> int | None:
        """The customer under a point of the viewport (a dot too small to aim at counts a few pixels wider)."""
        if self.model is None:
            return None
        return self.model.node_at(self.mapToScene(point), slack=3 / self.transform().m11())

    # -- zoom ----------------------------------------------------------------------------------------------
    def wheelEvent(self, event):
        self.zoom(1.0015 ** event.angleDelta().y())

    def zoom(self, factor: float):
        scale = self.transform().m11() * factor
        if 0.02 < scale < 8:
            self.scale(factor, factor)

    def fit(self):
        model = self.model
        if model is None:
            return
        shown = [i for i in range(len(model.ids)) if model.shown[i]]
        if shown:
            left = min(model.xs[i] - model.radius[i] for i in shown)
            right = max(model.xs[i] + model.radius[i] for i in shown)
            top = min(model.ys[i] - model.radius[i] for i in shown)
            bottom = max(model.ys[i] + model.radius[i] for i in shown)
            self.fitInView(QRectF(left, top, right - left, bottom - top).adjusted(-40, -40, 40, 40),
                           Qt.AspectRatioMode.KeepAspectRatio)

    def centre_on(self, customer_id: int):
        place = self.place_of(customer_id)
        if place is not None:
            self.choose(customer_id)
            if self.transform().m11() < 0.8:
                self.resetTransform()
            self.centerOn(place)

    def choose(self, customer_id: int | None):
        before, self.chosen = self.chosen, customer_id
        for cid in (before, customer_id):
            place = self.place_of(cid) if cid is not None else None
            if place is not None:  # the ring and the name, which reaches wider than the node
                self.canvas.update(QRectF(place.x() - REACH - 30, place.y() - 30, 2 * REACH + 60, 100))  # a grown name too
        self.chosen_changed.emit()

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
            # The keys zoom around the middle of the view, wherever the mouse is.
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.zoom(0.8 if event.key() == Qt.Key.Key_Minus else 1.25)
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        elif event.key() == Qt.Key.Key_0:
            self.fit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.chosen in self.customers():
            self.node_clicked.emit(self.chosen)
        elif self.find_box is not None and event.text().isalpha() and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            # Typing a name finds them: the letters go on in the find box.
            self.find_box.setFocus()
            QApplication.sendEvent(self.find_box, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(),
                                                            event.text()))
        else:
            super().keyPressEvent(event)

    # -- tooltips ------------------------------------------------------------------------------------------
    def tip_at(self, point: QPoint) -> str | None:
        """A customer's name, stage, value and referrals, or a connection's ends and kind."""
        model = self.model
        if model is None:
            return None
        i = self.node_at(point)
        if i is not None:
            node = model.nodes[i]
            return (f"{node.name}\n{STAGES.get(node.stage, node.stage)} · {fmt.money(node.lifetime_cents)}"
                    f" · {words.plural(node.referrals_made, 'referral')}")
        k = model.edge_at(self.mapToScene(point), 4 / self.transform().m11())
        if k is not None:
            a, b, edge = model.edges[k]
            return f"{model.nodes[a].name} → {model.nodes[b].name}: {CONNECTION_KINDS[edge.kind]}"
        return None

    def viewportEvent(self, event):
        # A tooltip is written when it is asked for, for what is under the mouse.
        if event.type() == QEvent.Type.ToolTip:
            text = self.tip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # -- the mouse: choose, move, connect -----------------------------------------------------------------
    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and self.model is not None:
            i = self.node_at(event.position().toPoint())
            if i is not None:
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:  # Shift-drag: connect to another
                    self.start_link(i)
                else:
                    at = self.mapToScene(event.position().toPoint())
                    self._press = (i, event.position(), at - QPointF(self.model.xs[i], self.model.ys[i]))
                    self._dragging = False
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._link is not None:
            self._link.setLine(QLineF(self.place_of(self.model.ids[self._link_from]),
                                      self.mapToScene(event.position().toPoint())))
            return
        if self._press is not None:
            i, start, offset = self._press
            if not self._dragging and (event.position() - start).manhattanLength() < QApplication.startDragDistance():
                return
            model = self.model
            if not self._dragging:
                self._dragging = True
                model.lifted = i  # drawn over the picture while it moves
                self.canvas.moved()
            before = QRectF(model.xs[i] - REACH, model.ys[i] - 30, 2 * REACH, 70)
            at = self.mapToScene(event.position().toPoint()) - offset
            model.move(i, at.x(), at.y())
            self.canvas.update(before.united(QRectF(at.x() - REACH, at.y() - 30, 2 * REACH, 70)))
            for k in model.edges_of[i]:  # its lines, from the other end
                a, b, _ = model.edges[k]
                self.canvas.update(QRectF(QPointF(model.xs[a], model.ys[a]), QPointF(model.xs[b], model.ys[b]))
                                   .normalized().adjusted(-30, -30, 30, 30))
            self.viewport().update()
            return
        if not event.buttons():
            self.point_at(self.node_at(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def point_at(self, i: int | None) -> None:
        """The customer under the mouse: their name shows, even where it had no room."""
        if i != self.pointed:
            self.pointed = i
            self.viewport().update()

    def leaveEvent(self, event):
        self.point_at(None)
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event):
        if self._link is not None:
            target = self.node_at(event.position().toPoint())
            self.scene().removeItem(self._link)
            self._link = None
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            if target is not None:
                self.link_requested.emit(self.model.ids[self._link_from], self.model.ids[target])
            return
        if self._press is not None:
            i = self._press[0]
            self._press = None
            model = self.model
            cid = model.ids[i]
            if self._dragging:
                self._dragging = False
                model.drop(i)
                model.lifted = None
                self.canvas.moved()
                self.moved.emit(cid, model.xs[i], model.ys[i])
            else:
                self.choose(cid)
                self.node_clicked.emit(cid)
            return
        super().mouseReleaseEvent(event)

    # -- drawing a new connection ---------------------------------------------------------------
    def start_link(self, i: int):
        self._link_from = i
        pen = QPen(QColor(EDGE_STYLES["referred"][0]), 2, Qt.PenStyle.DashLine)
        place = self.place_of(self.model.ids[i])
        self._link = self.scene().addLine(QLineF(place, place), pen)
        self._link.setZValue(1)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)


class GraphWindow(QDialog):
    """Emits what the user asks for; the main window writes through the journal."""

    customer_chosen = Signal(int)
    connect_requested = Signal(int, int)
    exported = Signal(object)  # the file written, or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Who referred whom")
        screen = self.screen().availableGeometry() if self.screen() else None
        # Never taller or wider than the screen (1366 × 768 laptops included).
        self.resize(min(1280, int(screen.width() * 0.94)) if screen else 1280,
                    min(820, int(screen.height() * 0.9)) if screen else 820)
        self.data: graph.GraphData | None = None
        self._finding: int | None = None
        self.positions: dict[int, tuple[float, float]] = {}
        self.view = GraphView()
        self.view.node_clicked.connect(self.customer_chosen)
        self.view.link_requested.connect(self.connect_requested)
        self.view.moved.connect(self._moved)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.search = CustomerPicker()
        self.search.setPlaceholderText("Find a customer in the graph…")
        self.search.returnPressed.connect(self._find)
        self.search.picked.connect(self._find)
        self.find_error = ErrorLabel()  # "No customer matches …", under the find box until it is typed in again
        self.search.textEdited.connect(lambda _: self.find_error.clear_message())
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
        self.export_buttons = (buttons["png"], buttons["svg"])
        for button in self.export_buttons:  # a click leaves the keys where they were (+ − still zoom the graph)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.writer = GraphWriter()
        self.status = QLabel()
        self.status.setWordWrap(True)  # "Saved the graph as … in …" fits the side panel
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
        form.addRow(self.find_error)
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
                           "to connect them · wheel or + − to zoom, 0 to fit · type a name or Ctrl+F to find")
        layout.addWidget(help_text)
        chain_tabs(self.view, self.search, self.size_by, self.connected_only, *self.kind_boxes.values(),
                   self.ego_depth, *(buttons[key] for key in ("fit", "arrange", "png", "svg")), self.referrers)
        # Opens on the graph, so + − and 0 zoom at once; Ctrl+F, or typing a name, finds someone.
        self.view.find_box = self.search
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self,
                  lambda: (self.search.setFocus(Qt.FocusReason.ShortcutFocusReason), self.search.selectAll()))
        self.view.setFocus()
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

        by = self.size_by.currentData()

        def work():  # the arrays and the grid are made here too, not on the GUI thread
            data = graph.graph_data(connected_only=connected, kinds=kinds or ("none",))
            known = graph.saved_positions()
            positions = graph.layout(data, known, rearrange=rearrange)
            # Known positions were kept as they are: only new (or re-arranged) ones need writing.
            new = positions if rearrange else {cid: xy for cid, xy in positions.items() if cid not in known}
            return data, positions, new, GraphModel(data, positions, by), graph.top_referrers(data, limit=15)

        run_in_background(work, self._laid_out, lambda error: self.status.setText(f"Could not draw: {error}"),
                          writes=True, owner=self)

    def _laid_out(self, result):
        self.data, self.positions, new, model, top = result
        if new:  # written after the graph is shown (30,000 places take a second); the write pool keeps the order
            run_in_background(lambda: graph.save_positions(new), None,
                              lambda error: self.status.setText(f"Could not keep the places: {error}"), writes=True,
                              owner=self)
        if model.size_by != self.size_by.currentData():  # changed while it was being laid out
            model.resize(self.size_by.currentData())
        self._show(model, fit=True)
        finding, self._finding = self._finding, None
        if finding is not None:
            self.view.centre_on(finding)
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

    def redraw(self, *_):
        """Sized by the other measure (or in the other scheme's colours): the same places."""
        model = self.view.model
        if model is not None:
            model.resize(self.size_by.currentData())
            self._show(model)

    def _show(self, model: GraphModel, fit=False):
        self.view.set_model(model)
        self.status.setText(f"{words.plural(len(model.ids), 'customer')}, "
                            f"{words.plural(len(model.edges), 'connection')}")
        if fit:
            self.view.fit()
        self.apply_ego()

    def _moved(self, cid: int, x: float, y: float):
        self.positions[cid] = (x, y)
        graph.save_positions({cid: (x, y)})

    def apply_ego(self):
        """Show only customers within N steps of the selected one (0: everyone)."""
        model = self.view.model
        depth = self.ego_depth.value()
        if model is None:
            return
        start = model.index.get(self.view.chosen)
        if not depth or start is None:
            if not all(model.shown):  # (nothing to walk through when nobody was hidden)
                model.show_only(None)
                self.view.canvas.changed()
            return
        seen, queue = {start: 0}, deque([start])
        while queue:
            i = queue.popleft()
            if seen[i] < depth:
                for k in model.edges_of[i]:
                    a, b, _ = model.edges[k]
                    other = b if a == i else a
                    if other not in seen:
                        seen[other] = seen[i] + 1
                        queue.append(other)
        model.show_only({model.ids[i] for i in seen})
        self.view.canvas.changed()

    def visible_customers(self) -> set[int]:
        model = self.view.model
        return {cid for cid, shown in zip(model.ids, model.shown) if shown} if model else set()

    def _find(self):
        try:
            cid = self.search.customer_id()
        except ValidationError as error:  # nobody, or several (their list opens to choose from)
            self.find_error.show_message(error.reason[:1].upper() + error.reason[1:] + ".")
            return
        self.find_error.clear_message()
        if cid not in self.view.customers() and self.connected_only.isChecked():
            self._finding = cid  # centred on once the graph with everyone is laid out
            self.connected_only.setChecked(False)
            return
        self.view.centre_on(cid)

    def _context_menu(self, pos):
        i = self.view.node_at(pos)
        if i is None:
            return
        cid = self.view.model.ids[i]
        menu = QMenu(self)
        menu.addAction("Open customer", lambda: self.customer_chosen.emit(cid))
        menu.addAction("Connect to…", lambda: self.connect_requested.emit(cid, 0))
        menu.addAction("Show the network around them", lambda: (self.view.centre_on(cid),
                                                                 self.ego_depth.setValue(self.ego_depth.value() or 2)))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def done(self, result):
        self.view.canvas.wait()  # a picture being made finishes before the window goes
        self.writer.wait()  # and a file being written
        super().done(result)

    # -- export ------------------------------------------------------------------------------------------
    def export(self, kind: str, path: str | None = None) -> bool:
        """Write what is in view to a PNG or SVG file, off the GUI thread (a second
        at 30,000 customers): the window stays usable meanwhile, with a busy
        cursor and a line saying so. `exported` tells when it is done (with the
        path, or None when it could not be written). False when nothing was started."""
        if self.writer.busy:
            return False
        before = self.focusWidget()  # where the keys go back to when the file is written
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export the graph", str(Path.home() / f"lately-graph.{kind}"),
                                                  "PNG image (*.png)" if kind == "png" else "SVG drawing (*.svg)")
            if not path:
                return False
        model = self.view.model
        if model is None:
            return False
        target = self.view.viewport().rect()
        job = GraphFile(kind, Path(path), model.snapshot(), self.view.canvas.palette, model.index.get(self.view.chosen),
                        target.size(), self.view.mapToScene(target).boundingRect())
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        for button in self.export_buttons:
            button.setEnabled(False)
        self.status.setToolTip("")
        self.status.setText(f"Saving the graph as {job.path.name}…")
        # Where Qt puts the keys when the focused button is disabled (at once, or when this window is
        # active again after the file dialog): the next input that takes Tab.
        moved_to = before.nextInFocusChain() if before in self.export_buttons else None
        while moved_to is not None and moved_to is not before and not (
                moved_to.isEnabled() and moved_to.isVisible() and moved_to.window() is self
                and moved_to.focusPolicy() & Qt.FocusPolicy.TabFocus):
            moved_to = moved_to.nextInFocusChain()

        def finished(text: str):
            QApplication.restoreOverrideCursor()
            for button in self.export_buttons:
                button.setEnabled(True)
            self.status.setText(text)
            self.status.setToolTip(str(job.path))
            # The focus goes back where it was, unless the user has put it somewhere since.
            if before is not None and before.window() is self and self.focusWidget() in (before, moved_to, None):
                before.setFocus(Qt.FocusReason.OtherFocusReason)

        def done(written):
            finished(f"Saved the graph as {job.path.name} in {self._folder_words(job.path)}.")
            self.exported.emit(written)

        def failed(error):
            reason = error.strerror or str(error) if isinstance(error, OSError) else str(error)
            finished(f"Not saved: {job.path.name} could not be written ({reason}).")
            QMessageBox.warning(self, "Export the graph", f"The graph could not be saved as {path}: {reason}")
            self.exported.emit(None)

        self.writer.start(job, done, failed)
        return True

    def _folder_words(self, path: Path) -> str:
        """The folder a file went to, shortened in the middle to fit the side panel (the tooltip has it whole)."""
        return self.status.fontMetrics().elidedText(str(path.parent), Qt.TextElideMode.ElideMiddle, 260)
