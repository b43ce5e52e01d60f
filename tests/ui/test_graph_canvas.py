"""The graph drawn from arrays, as a person uses it: dragging a customer, Enter
on the chosen one, hovering a connection, the colours on screen in the light
and the dark scheme, and a graph too big to paint every frame (a picture made
off the GUI thread when zoomed out, painted directly when zoomed in)."""

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip

from journal.reads import graph
from journal.writes import customers
from ui.common import theme
from ui.graph.canvas import DIRECT, SMALLEST_LABEL_SCALE, GraphModel
from ui.graph.graph_view import GraphView

from .test_appearance import restore_look  # noqa: F401 - a fixture
from .test_graph_detail import press_until, to_the_graph
from .test_graph_view import node_point, window_with_graph


def drag(view, start: QPoint, end: QPoint, steps=5):
    """Press, move in a few steps and release, as a hand does."""
    viewport = view.viewport()

    def send(kind, point, buttons):
        QApplication.sendEvent(viewport, QMouseEvent(kind, QPointF(point), QPointF(viewport.mapToGlobal(point)),
                                                     Qt.MouseButton.LeftButton, buttons,
                                                     Qt.KeyboardModifier.NoModifier))

    send(QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for n in range(1, steps + 1):
        send(QEvent.Type.MouseMove, start + (end - start) * (n / steps), Qt.MouseButton.LeftButton)
    send(QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def colour_at(view, point: QPoint) -> QColor:
    return view.viewport().grab().toImage().pixelColor(point)


def near(a: QColor, b: QColor, slack=12) -> bool:
    return all(abs(x - y) <= slack for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


def stage_colour(view, customer_id) -> QColor:
    model = view.model
    return QColor(theme.STAGE_COLORS[model.stage[model.index[customer_id]]])


def test_dragging_a_customer_moves_them_and_the_place_is_kept(qtbot, make_window):
    window, g = window_with_graph(make_window)
    qtbot.waitExposed(g)
    view = g.view
    cy = customers.find_by_name("Cy").id
    opened_before = window.page.header.name.text()
    start = node_point(view, "Cy")
    end = start + QPoint(0, 90)
    assert near(colour_at(view, start), stage_colour(view, cy))
    drag(view, start, end)
    scale = view.transform().m11()
    before = g.positions and graph.saved_positions()[cy]
    assert window.page.header.name.text() == opened_before  # a drag is not a click: nobody opened
    place = view.place_of(cy)
    assert view.mapFromScene(place) == end
    assert math.isclose(graph.saved_positions()[cy][1], place.y()) and before == (place.x(), place.y())
    assert near(colour_at(view, end), stage_colour(view, cy))  # drawn where it was dropped
    assert not near(colour_at(view, start), stage_colour(view, cy))  # and no longer where it was
    assert scale > 0
    g.size_by.setCurrentIndex(1)  # sized the other way: still where it was dropped
    assert view.place_of(cy) == place
    g.close()
    again = window.open_graph()
    assert again.view.place_of(cy) == place


def test_enter_opens_the_chosen_customer(qtbot, make_window):
    window, g = window_with_graph(make_window)
    view = g.view
    to_the_graph(qtbot, g)
    view.centre_on(customers.find_by_name("Cy").id)  # as the find box does
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.page.header.name.text() == "Cy"


def test_hovering_a_connection_says_who_and_how(qtbot, make_window):
    _, g = window_with_graph(make_window)
    qtbot.waitExposed(g)
    view = g.view
    a, b = node_point(view, "Ada"), node_point(view, "Bob")
    middle = (a + b) / 2
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, middle,
                                                       view.viewport().mapToGlobal(middle)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text().startswith("Ada → Bob: Referred")


def test_the_graph_follows_the_light_and_dark_scheme(qtbot, make_window, restore_look):
    theme.apply(restore_look, theme.LIGHT)
    _, g = window_with_graph(make_window)
    qtbot.waitExposed(g)
    view = g.view
    corner = QPoint(3, 3)
    assert near(colour_at(view, corner), QColor(theme.GRAPH_COLORS["canvas"][theme.LIGHT]), 2)
    bob = customers.find_by_name("Bob").id
    assert near(colour_at(view, node_point(view, "Bob")), stage_colour(view, bob))
    theme.apply(restore_look, theme.DARK)
    qtbot.waitUntil(lambda: near(colour_at(view, corner), QColor(theme.GRAPH_COLORS["canvas"][theme.DARK]), 2),
                    timeout=2000)
    assert near(colour_at(view, node_point(view, "Bob")), stage_colour(view, bob))
    assert view.canvas.palette.label.color() == QColor(theme.GRAPH_COLORS["label"][theme.DARK])


# -- a graph too big to paint every frame -------------------------------------------------------------------
def big_model(side=30):
    """side² customers on a grid, each connected to the one on their right: rows of chains."""
    nodes = [(n, f"Customer {n}", ("prospect", "customer", "former")[n % 3], n * 100) for n in range(side * side)]
    edges = [(n, n, n + 1, ("referred", "introduced", "colleague")[n % 3])
             for n in range(side * side) if (n + 1) % side]
    data = graph.build(nodes, edges)
    positions = {n: ((n % side) * 70.0, (n // side) * 70.0) for n in range(side * side)}
    return GraphModel(data, positions, "value")


def big_view_shown(qtbot) -> GraphView:
    """big_model() in a shown view, fitted: zoomed far out."""
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_model(big_model())
    view.fit()
    return view


def big_view_drawn(qtbot) -> GraphView:
    """big_view_shown(), once its first picture is on screen."""
    view = big_view_shown(qtbot)
    view.viewport().grab()
    qtbot.waitUntil(lambda: view.canvas.picture is not None, timeout=10000)
    return view


def test_a_big_graph_zoomed_out_shows_a_picture_made_off_the_gui_thread(qtbot):
    view = big_view_shown(qtbot)
    canvas = view.canvas
    assert view.model.count_in(view.visible_rect()) > DIRECT
    view.viewport().grab()  # the first frame: no picture made on the GUI thread, the view says it is drawing
    assert canvas.last.mode == "waiting" and canvas.picture is None and canvas.making
    assert view.hint_drawn == "Drawing the graph…"
    qtbot.waitUntil(lambda: canvas.picture is not None, timeout=10000)
    view.viewport().grab()
    assert view.hint_drawn is None
    middle = 15 * 30 + 16  # a customer (n % 3 == 1) in the middle, big enough to be a disc, not a dot
    here = view.mapFromScene(view.place_of(middle))
    assert near(colour_at(view, here), QColor(theme.STAGE_COLORS["customer"]))
    assert canvas.last.mode == "picture" and canvas.last.names == []  # zoomed out: dots, no names
    made = canvas.made
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    view.viewport().grab()
    assert canvas.last.mode == "picture"  # the last picture, scaled, until a sharp one is made
    qtbot.waitUntil(lambda: canvas.made > made and not canvas.making, timeout=10000)
    sharp = canvas.picture
    assert math.isclose(sharp.detail, view.transform().m11(), rel_tol=0.03)
    here = view.mapFromScene(view.place_of(middle))
    assert near(colour_at(view, here), QColor(theme.STAGE_COLORS["customer"]))

    here = view.mapFromScene(view.place_of(61))  # second row, second column: a small one
    with qtbot.waitSignal(view.node_clicked) as clicked:  # a dot still answers the mouse
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=here)
    assert clicked.args == [61] and view.chosen == 61
    view.viewport().grab()
    assert canvas.last.names == ["Customer 61"]  # the chosen one is named at any zoom

    press_until(qtbot, view, Qt.Key.Key_Plus, lambda: view.transform().m11() >= 1.2)
    view.centerOn(view.place_of(61))
    view.viewport().grab()
    assert canvas.last.mode == "direct" and "Customer 61" in canvas.last.names and canvas.last.styled
    assert view.transform().m11() >= SMALLEST_LABEL_SCALE and len(canvas.last.names) > 3


def test_dragging_in_a_big_graph_zoomed_out(qtbot):
    view = big_view_drawn(qtbot)
    moved = []
    view.moved.connect(lambda cid, x, y: moved.append((cid, x, y)))
    start = view.mapFromScene(view.place_of(61))
    view.viewport().grab()
    drag(view, start, start + QPoint(0, 40))
    assert moved and moved[0][0] == 61
    assert view.model.lifted is None and view.mapFromScene(view.place_of(61)) == start + QPoint(0, 40)
    assert view.model.node_at(view.place_of(61)) == 61  # found at its new place
    view.viewport().grab()  # the picture before the drop, with the node on top, until a new one is made
    qtbot.waitUntil(lambda: view.canvas.picture.version == view.model.version, timeout=10000)
    assert view.canvas.picture.lifted is None
    assert near(colour_at(view, start + QPoint(0, 40)), QColor(theme.STAGE_COLORS["customer"]), 60)


def test_finding_a_customer_without_connections_shows_everyone_and_centres_on_them(qtbot, make_window):
    from .test_pickers import choose_second, focused

    window, g = window_with_graph(make_window)
    customers.create_customer(name="Dee Dee")  # Dee and Dee Dee: the list opens to choose from
    g.activateWindow()
    qtbot.waitUntil(lambda: focused() is g.view, timeout=2000)  # opens on the graph: + − zoom at once
    qtbot.keyClick(g.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is g.search
    dee = customers.find_by_name("Dee").id
    assert dee not in g.view.customers()  # only customers with connections, at first
    choose_second(qtbot, g.search, "Dee", ["Dee", "Dee Dee"])
    qtbot.waitUntil(lambda: g.view.chosen == customers.find_by_name("Dee Dee").id, timeout=3000)
    assert not g.connected_only.isChecked() and dee in g.view.customers()
    place = g.view.mapFromScene(g.view.place_of(g.view.chosen))
    assert g.view.viewport().rect().contains(place)  # in view, and named
    g.view.viewport().grab()
    assert "Dee Dee" in g.view.canvas.last.names



def test_an_empty_graph_says_how_to_connect_customers(qtbot, make_window):
    window = make_window(populate=lambda: customers.create_customer(name="Ada"))
    g = window.open_graph()
    qtbot.waitExposed(g)
    qtbot.waitUntil(lambda: g.view.model is not None, timeout=3000)
    g.view.viewport().grab()
    assert "Customer › Connect…" in g.view.hint_drawn and g.status.text() == "0 customers, 0 connections"
    g.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is g.view, timeout=2000)
    for key in (Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_0, Qt.Key.Key_Return):  # nothing to zoom or open
        qtbot.keyClick(QApplication.focusWidget(), key)
    g.connected_only.setChecked(False)  # Ada, on her own: no hint
    qtbot.waitUntil(lambda: len(g.view.customers()) == 1, timeout=3000)
    g.view.viewport().grab()
    assert g.view.hint_drawn is None and g.view.canvas.last.nodes == 1


def test_right_click_on_a_customer_offers_their_network(qtbot, make_window):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent

    _, g = window_with_graph(make_window)
    qtbot.waitExposed(g)
    view = g.view
    seen = []

    def choose_third():
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, choose_third)
            return
        seen.extend(action.text() for action in menu.actions())
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Return):
            qtbot.keyClick(menu, key)

    QTimer.singleShot(0, choose_third)
    point = node_point(view, "Ada")
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                                                              view.viewport().mapToGlobal(point)))
    assert seen == ["Open customer", "Connect to…", "Show the network around them"]
    assert view.chosen == customers.find_by_name("Ada").id and g.ego_depth.value() == 2
    assert g.visible_customers() == {customers.find_by_name(n).id for n in ("Ada", "Bob", "Cy")}


def test_the_graph_opens_ready_to_zoom_and_typing_a_name_finds_them(qtbot, make_window):
    """+ and − zoom as soon as the window is up (the help line says so); the
    first letters typed on the graph go on in the find box, whose list opens."""
    from PySide6.QtWidgets import QAbstractItemView

    from .test_pickers import focused

    window, g = window_with_graph(make_window)
    g.activateWindow()
    qtbot.waitUntil(lambda: focused() is g.view, timeout=2000)
    scale = g.view.transform().m11()
    qtbot.keyClick(focused(), Qt.Key.Key_Plus)
    assert g.view.transform().m11() > scale and g.search.text() == ""
    qtbot.keyClicks(focused(), "De")
    assert focused() is g.search and g.search.text() == "De"
    popup = g.search.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert isinstance(popup, QAbstractItemView)


def test_a_big_graphs_first_picture_is_made_once(qtbot):
    """Frames painted while the first picture is being made ask for the same
    picture: it is made once, not again once it is back."""
    view = big_view_shown(qtbot)
    canvas = view.canvas
    view.viewport().grab()
    view.viewport().grab()  # a second frame before the picture is back (an expose, a tooltip)
    qtbot.waitUntil(lambda: canvas.picture is not None and not canvas.making, timeout=10000)
    assert canvas.made == 1 and not canvas._rest.isActive()  # and no second one on its way


def test_a_picture_of_the_graph_before_a_reload_is_never_shown_as_current(qtbot):
    """Every model starts at version 0: a picture made for the model before a
    reload is not taken as the new model's."""
    view = big_view_shown(qtbot)
    canvas = view.canvas
    view.viewport().grab()  # the first model's picture asked for
    view.set_model(big_model(side=31))  # reloaded meanwhile (Only customers with connections, a new layout)
    view.fit()
    qtbot.waitUntil(lambda: canvas.picture is not None and not canvas.making, timeout=10000)
    assert canvas.picture.models == canvas._models
    assert canvas.picture.frame.nodes == 31 * 31  # the new model's customers, not the 30 * 30 before
