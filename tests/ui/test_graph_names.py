"""Names on the graph can be read: in a crowded graph no name is drawn over
another customer or over another name (a name with no free place is left
out), at the zoom painted directly and in the picture made off the GUI thread;
the customer pointed at, or chosen, is named even where their name had no room."""

import math
import random

import pytest

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from journal.reads import graph
from ui.graph.canvas import DIRECT, GraphModel
from ui.graph.graph_view import GraphView
from ui.graph.names import _hits_disc, overlaps, place_names


FIRST = ["Ann", "Bartholomew", "Cy", "Dorothea", "Ed", "Francesca", "Gus", "Henrietta", "Ivo", "Jo"]
LAST = ["Li", "Montgomery-Smith", "Ng", "Oyelaran", "Pike", "Quintanilla", "Roe"]


def crowded_model(side=40, spacing=40.0):
    """side² customers scattered (seeded) at 40 units apart on average, as a
    layout crowds them: clumps and gaps; sizes from a dot to the biggest disc;
    names short and long, many too long to be written under each."""
    rng = random.Random(side)
    count = side * side
    nodes = [(n, f"{FIRST[n % 10]} {LAST[n % 7]} {n}", "customer", rng.randrange(0, 100000)) for n in range(count)]
    edges = [(n, n, n + 1, "referred") for n in range(count) if (n + 1) % side]
    data = graph.build(nodes, edges)
    positions = {n: (rng.uniform(0, side * spacing), rng.uniform(0, side * spacing)) for n in range(count)}
    return GraphModel(data, positions, "value")


def view_of(qtbot, model) -> GraphView:
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_model(model)
    return view


def at_zoom(view, zoom, centre=QPointF(800, 800)):
    view.resetTransform()
    view.scale(zoom, zoom)
    view.centerOn(centre)


def assert_readable(model, frame):
    """Each name drawn covers no other name; no one's disc but its own customer's,
    or, where a crowd left no free place (on an opaque backing), no disc's middle."""
    rects = frame.name_rects
    assert len(rects) == len(frame.names) == len(frame.name_over) > 3
    for n, a in enumerate(rects):
        for b in rects[n + 1:]:
            assert not overlaps(a, b), f"{a} and {b} overlap"
    by_name = {model.nodes[i].name: i for i in range(len(model.ids))}
    for name, (left, top, width, height), over in zip(frame.names, rects, frame.name_over):
        own = by_name[name]
        x, y, r = model.xs[own], model.ys[own], model.radius[own]
        # beside its own customer: touching the disc's neighbourhood
        assert _hits_disc(left, top, width, height, x, y, r + height), f"{name} is far from its customer"
        for j in model.nodes_in(QRectF(left, top, width, height)):
            if j == own:
                continue
            if over:
                assert not (left < model.xs[j] < left + width and top < model.ys[j] < top + height), \
                    f"{name} hides the middle of {model.nodes[j].name}"
            else:
                assert not _hits_disc(left, top, width, height, model.xs[j], model.ys[j], model.radius[j]), \
                    f"{name} is drawn over {model.nodes[j].name}"


def test_crowded_names_painted_directly_cover_no_customer_and_no_name(qtbot):
    model = crowded_model(side=14)
    view = view_of(qtbot, model)
    at_zoom(view, 1.2, QPointF(280, 280))
    assert model.count_in(view.visible_rect()) <= DIRECT  # painted on the GUI thread, frame by frame
    view.viewport().grab()
    frame = view.canvas.last
    assert frame.mode == "direct"
    assert_readable(model, frame)
    in_view = model.nodes_in(view.visible_rect())
    assert len(frame.names) < len(in_view)  # crowded: some left out rather than drawn over others
    by_name = {model.nodes[i].name: i for i in in_view}
    sizes = [model.radius[by_name[name]] for name, over in zip(frame.names, frame.name_over)
             if name in by_name and not over]
    assert sizes == sorted(sizes, reverse=True)  # the most valuable placed first

    # Panning repaints only the strip scrolled into view: the names stay where they were.
    before = dict(zip(frame.names, frame.name_rects))
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 15)
    view.viewport().grab()
    after = dict(zip(view.canvas.last.names, view.canvas.last.name_rects))
    kept = [name for name in before if name in after]
    assert len(kept) > len(before) * 0.8 and all(before[name] == after[name] for name in kept)


@pytest.mark.parametrize("zoom", [0.6, 1.2])
def test_crowded_names_in_the_picture_made_off_the_gui_thread_cover_no_customer_and_no_name(qtbot, zoom):
    model = crowded_model()
    view = view_of(qtbot, model)
    at_zoom(view, zoom)
    assert model.count_in(view.visible_rect()) > DIRECT
    view.viewport().grab()
    qtbot.waitUntil(lambda: view.canvas.picture is not None and not view.canvas.making, timeout=10000)
    view.viewport().grab()
    frame = view.canvas.last
    assert frame.mode == "picture"
    assert_readable(model, frame)


def point(view, at: QPoint):
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(QEvent.Type.MouseMove, QPointF(at), QPointF(viewport.mapToGlobal(at)),
                                                 Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                 Qt.KeyboardModifier.NoModifier))


@pytest.mark.parametrize("side", [14, 40])  # painted directly; a picture made off the GUI thread
def test_a_name_left_out_shows_when_pointed_at(qtbot, side):
    model = crowded_model(side)
    view = view_of(qtbot, model)
    at_zoom(view, 1.2, QPointF(280, 280))
    view.viewport().grab()
    qtbot.waitUntil(lambda: not view.canvas.waiting and not view.canvas.making, timeout=10000)
    view.viewport().grab()
    named = set(view.canvas.last.names)
    middle = view.visible_rect().center()
    unnamed = min((i for i in model.nodes_in(view.visible_rect()) if model.nodes[i].name not in named),
                  key=lambda i: math.hypot(model.xs[i] - middle.x(), model.ys[i] - middle.y()))
    name = model.nodes[unnamed].name
    point(view, view.mapFromScene(QPointF(model.xs[unnamed], model.ys[unnamed])))
    assert view.pointed == unnamed
    view.viewport().grab()
    frame = view.canvas.last
    assert name in frame.names
    left, top, width, height = frame.name_rects[frame.names.index(name)]
    assert _hits_disc(left, top, width, height, model.xs[unnamed], model.ys[unnamed], model.radius[unnamed] + height)
    point(view, QPoint(2, 2))  # away, over empty canvas: left out again
    view.viewport().grab()
    assert view.pointed is None and name not in view.canvas.last.names


def test_placing_names_in_a_random_crowd():
    """The placement alone, on a crowd of random discs: no name over another or
    over a disc; a forced name is placed even when nothing is free."""
    rng = random.Random(16)
    count = 600
    xs = [rng.uniform(0, 800) for _ in range(count)]
    ys = [rng.uniform(0, 800) for _ in range(count)]
    radius = [rng.uniform(3, 22) for _ in range(count)]
    widths = {i: rng.uniform(30, 140) for i in range(count)}
    order = sorted(range(count), key=lambda i: -radius[i])
    placed = place_names(xs, ys, radius, order, widths, 12.0, range(count), forced={order[-1]})
    free = [p for p in placed if not p.forced]
    assert 20 < len(free) < len(placed) < count  # some over rims in the crowd, most left out
    for over in (p for p in placed if p.forced and p.node != order[-1]):
        left, top, width, height = over.rect
        assert not any(left < xs[j] < left + width and top < ys[j] < top + height
                       for j in range(count) if j != over.node)
        for other in placed:
            if other is not over:
                assert not overlaps(over.rect, other.rect)
    for n, a in enumerate(free):
        left, top, width, height = a.rect
        apart = (left - 3, top - 3, width + 6, height + 6)  # a little space between: not read as one name
        for b in free[n + 1:]:
            assert not overlaps(apart, b.rect)
        for j in range(count):
            if j != a.node:
                assert not _hits_disc(*a.rect, xs[j], ys[j], radius[j])
    assert order[-1] in {p.node for p in placed}  # the smallest, forced: named wherever it covers least
