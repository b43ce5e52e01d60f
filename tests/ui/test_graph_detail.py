"""Level of detail in the graph, driven by the keys and the wheel a person uses:
zoomed out no names are drawn and edges are plain lines; zoomed in the names
and the edges' dashes and arrowheads come back."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QWheelEvent
from PySide6.QtWidgets import QApplication

from ui.graph.canvas import EDGE_STYLE_SCALE, LABEL_FONT, SMALLEST_LABEL_SCALE

from .test_graph_view import window_with_graph


def painted(view):
    """Paint the view as the screen would, and say which names it drew."""
    view.viewport().grab()
    return view.canvas.last.names


def styled(view):
    """Whether the lines just painted showed their dashes and arrowheads."""
    view.viewport().grab()
    return view.canvas.last.styled and len(view.canvas.last.edges) > 0


def to_the_graph(qtbot, g):
    """The window opens on the graph, so + − and 0 zoom at once."""
    g.activateWindow()
    qtbot.waitUntil(g.isActiveWindow, timeout=2000)
    assert QApplication.focusWidget() is g.view


def press_until(qtbot, view, key, done):
    for _ in range(60):
        if done():
            return
        qtbot.keyClick(QApplication.focusWidget(), key)
    raise AssertionError(f"zoom stopped at {view.transform().m11()}")


def wheel(view, steps):
    viewport = view.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_zoomed_out_no_names_and_plain_edges_zoomed_in_both(qtbot, make_window):
    _, g = window_with_graph(make_window)
    view = g.view
    to_the_graph(qtbot, g)
    assert view.chosen is None

    press_until(qtbot, view, Qt.Key.Key_Minus, lambda: view.transform().m11() < SMALLEST_LABEL_SCALE * 0.8)
    assert painted(view) == []
    assert view.canvas.last.detail < SMALLEST_LABEL_SCALE  # painted, at a low level of detail
    assert len(view.canvas.last.edges) == 2 and not styled(view)

    press_until(qtbot, view, Qt.Key.Key_Plus, lambda: view.transform().m11() >= 1.2)
    view.centerOn(view.place_of(next(iter(view.customers()))))
    assert sorted(painted(view)) == ["Ada", "Bob", "Cy"]
    assert styled(view) and EDGE_STYLE_SCALE <= 1.2

    wheel(view, -12)  # the wheel zooms out the same way
    assert view.transform().m11() < SMALLEST_LABEL_SCALE
    assert painted(view) == [] and not styled(view)


def test_zoomed_out_the_names_drawn_stay_as_big_on_screen(qtbot, make_window):
    """Seen in a real window: at the zoom that fits the demo into a 1366 × 768
    window the names were drawn 7 pixels tall, hard to read. Zoomed out, the
    names still drawn keep the size they have at 100 %."""
    _, g = window_with_graph(make_window)
    view = g.view
    to_the_graph(qtbot, g)
    at_full_size = QFontMetricsF(LABEL_FONT).height()
    press_until(qtbot, view, Qt.Key.Key_Plus, lambda: view.transform().m11() >= 1.0)
    press_until(qtbot, view, Qt.Key.Key_Minus, lambda: view.transform().m11() < 0.7)
    assert view.transform().m11() >= SMALLEST_LABEL_SCALE
    view.centerOn(view.place_of(next(iter(view.customers()))))
    assert painted(view), "no names drawn at this zoom: the test saw nothing"
    assert view.canvas.last.name_pixels >= at_full_size - 0.01
    cy = next(cid for cid in view.customers() if view.model.nodes[view.model.index[cid]].name == "Cy")
    press_until(qtbot, view, Qt.Key.Key_Minus, lambda: view.transform().m11() < SMALLEST_LABEL_SCALE * 0.8)
    view.choose(cy)
    assert painted(view) == ["Cy"]  # the chosen one, named at any zoom, as big too
    assert view.canvas.last.name_pixels >= at_full_size - 0.01


def test_the_chosen_customer_keeps_their_name_zoomed_out(qtbot, make_window):
    _, g = window_with_graph(make_window)
    view = g.view
    to_the_graph(qtbot, g)
    press_until(qtbot, view, Qt.Key.Key_Minus, lambda: view.transform().m11() < SMALLEST_LABEL_SCALE * 0.8)
    cy = next(cid for cid in view.customers() if view.model.nodes[view.model.index[cid]].name == "Cy")
    view.choose(cy)
    assert painted(view) == ["Cy"]


def test_a_customers_tooltip_is_written_when_the_mouse_asks(qtbot, make_window):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from .test_graph_view import node_point

    _, g = window_with_graph(make_window)
    qtbot.waitExposed(g)
    point = node_point(g.view, "Bob")
    QApplication.sendEvent(g.view.viewport(),
                           QHelpEvent(QEvent.Type.ToolTip, point, g.view.viewport().mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text().startswith("Bob\nCustomer · ") and "0 referrals" in QToolTip.text()
