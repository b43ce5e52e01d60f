"""The graph on a hand-made journal, driven with the mouse."""

import threading

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog

from journal.writes import connections, customers, purchases
from journal.storage.models import Connection
from ui.common import theme

from .test_main_window import drive_dialog


def journal():
    a = customers.create_customer(name="Ada")
    b = customers.create_customer(name="Bob")
    c = customers.create_customer(name="Cy")
    customers.create_customer(name="Dee")
    purchases.add_purchase(b.id, "2026-01-01", "Table", 100_000)
    connections.add_connection(a.id, b.id, "referred")
    connections.add_connection(b.id, c.id, "introduced")


def ids(*names):
    return {customers.find_by_name(n).id for n in names}


def window_with_graph(make_window):
    window = make_window(populate=journal)
    graph_window = window.open_graph()
    graph_window.resize(1000, 700)
    return window, graph_window


def node_point(view, name):
    return view.mapFromScene(view.place_of(customers.find_by_name(name).id))


def drawn_edges(view):
    """Paint the view as the screen would: (from, to, kind) of each line drawn."""
    view.viewport().grab()
    model = view.model
    return sorted((model.nodes[a].name, model.nodes[b].name, edge.kind)
                  for a, b, edge in map(model.edges.__getitem__, view.canvas.last.edges))


def places(view):
    return {cid: (view.place_of(cid).x(), view.place_of(cid).y()) for cid in view.customers()}


def test_nodes_edges_legend_and_filters(qtbot, make_window):
    _, g = window_with_graph(make_window)
    assert g.view.customers() == ids("Ada", "Bob", "Cy")
    g.view.fit()
    assert drawn_edges(g.view) == [("Ada", "Bob", "referred"), ("Bob", "Cy", "introduced")]
    assert "Referred" in g.legend.text() and "Prospect" in g.legend.text()
    assert g.referrers.item(0, 0).text() == "Ada" and g.referrers.item(0, 2).text() == "1,000.00"
    g.connected_only.setChecked(False)
    assert g.view.customers() == ids("Ada", "Bob", "Cy", "Dee")
    g.kind_boxes["introduced"].setChecked(False)
    g.view.fit()
    assert drawn_edges(g.view) == [("Ada", "Bob", "referred")]
    g.kind_boxes["introduced"].setChecked(True)
    g.view.centre_on(customers.find_by_name("Ada").id)
    g.ego_depth.setValue(1)
    assert g.visible_customers() == ids("Ada", "Bob")
    assert drawn_edges(g.view) == [("Ada", "Bob", "referred")]  # Cy and the line to them are gone


def test_positions_are_kept_between_openings(qtbot, make_window):
    window, g = window_with_graph(make_window)
    before = places(g.view)
    g.close()
    again = window.open_graph()
    assert places(again.view) == before


def test_clicking_a_node_opens_the_customer(qtbot, make_window):
    window, g = window_with_graph(make_window)
    qtbot.mouseClick(g.view.viewport(), Qt.MouseButton.LeftButton, pos=node_point(g.view, "Cy"))
    assert window.page.header.name.text() == "Cy"


def shift_drag(view, start: QPoint, end: QPoint, modifiers=Qt.KeyboardModifier.ShiftModifier):
    viewport = view.viewport()
    for kind, point, buttons in ((QMouseEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
                                 (QMouseEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton),
                                 (QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)):
        event = QMouseEvent(kind, point, viewport.mapToGlobal(point), Qt.MouseButton.LeftButton, buttons,
                            modifiers)
        QApplication.sendEvent(viewport, event)


def test_shift_drag_between_customers_adds_a_connection(qtbot, make_window):
    _, g = window_with_graph(make_window)

    def confirm(dialog):
        assert dialog.other.text() == "Cy"
        dialog.kind.setCurrentIndex(dialog.kind.findData("colleague"))
        dialog.accept()

    drive_dialog(qtbot, confirm)
    shift_drag(g.view, node_point(g.view, "Ada"), node_point(g.view, "Cy"))
    assert Connection.select().where(Connection.kind == "colleague").count() == 1
    g.view.fit()
    assert ("Ada", "Cy", "colleague") in drawn_edges(g.view) and len(drawn_edges(g.view)) == 3


def test_a_connection_to_self_is_refused_with_a_message(qtbot, make_window, no_modal_boxes):
    _, g = window_with_graph(make_window)
    point = node_point(g.view, "Bob")
    shift_drag(g.view, point, point + QPoint(2, 1))
    assert no_modal_boxes[-1][2] == "Connection: a customer cannot be connected to themselves"
    assert Connection.select().count() == 2


def exported(qtbot, g, kind, path):
    """Export as the PNG…/SVG… button does, and wait for the file (written off the GUI thread)."""
    with qtbot.waitSignal(g.exported, timeout=20_000) as written:
        assert g.export(kind, str(path))
    return written.args[0]


def scene_rendered(g):
    """The PNG as it was made before, by rendering the scene on the GUI thread."""
    target = g.view.viewport().rect()
    source = g.view.mapToScene(target).boundingRect()
    image = QImage(target.size() * 2, QImage.Format.Format_ARGB32)
    image.fill(theme.graph_color("canvas"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    g.view.canvas.exporting = True
    g.view.scene().render(painter, QRectF(image.rect()), source)
    g.view.canvas.exporting = False
    painter.end()
    return image


def differing_pixels(one: QImage, other: QImage) -> float:
    one, other = (i.convertToFormat(QImage.Format.Format_ARGB32) for i in (one, other))
    assert one.size() == other.size()
    a, b = bytes(one.constBits()), bytes(other.constBits())
    return sum(a[n:n + 4] != b[n:n + 4] for n in range(0, len(a), 4)) / (len(a) // 4)


def test_export_png_and_svg(qtbot, make_window, tmp_path):
    _, g = window_with_graph(make_window)
    g.view.choose(customers.find_by_name("Bob").id)
    png = exported(qtbot, g, "png", tmp_path / "graph.png")
    svg = exported(qtbot, g, "svg", tmp_path / "graph.svg")
    assert png.stat().st_size > 1000
    assert png.stat().st_mode & 0o777 == 0o600 and svg.stat().st_mode & 0o777 == 0o600
    assert "<svg" in svg.read_text() and all(name in svg.read_text() for name in ("Ada", "Bob", "Cy"))
    image = QImage(str(png))
    assert image.size() == g.view.viewport().size() * 2
    assert len({image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}) > 10
    assert differing_pixels(image, scene_rendered(g)) < 0.001  # the file looks as the scene rendered it


def test_export_paints_off_the_gui_thread_while_the_window_stays_usable(qtbot, make_window, tmp_path, monkeypatch):
    from ui.graph import export

    _, g = window_with_graph(make_window)
    g.activateWindow()
    qtbot.waitUntil(g.isActiveWindow, timeout=2000)
    target = tmp_path / "graph.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    painting, resume, threads = threading.Event(), threading.Event(), []
    real = export.write_graph

    def writing(job):
        threads.append(threading.current_thread())
        painting.set()
        assert resume.wait(20), "the test never let the painting go on"
        return real(job)

    monkeypatch.setattr(export, "write_graph", writing)
    before = scene_rendered(g)
    png_button = g.export_buttons[0]
    png_button.setFocus()  # as by Tab
    with qtbot.waitSignal(g.exported, timeout=20_000) as written:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        qtbot.waitUntil(painting.is_set, timeout=10_000)
        assert threads[0] is not threading.main_thread()
        assert QApplication.overrideCursor().shape() == Qt.CursorShape.BusyCursor
        assert "Saving the graph as graph.png" in g.status.text() and not png_button.isEnabled()
        g.search.setFocus()  # as by a click: the window answers while the file is painted
        qtbot.keyClicks(QApplication.focusWidget(), "Cy")
        assert g.search.text() == "Cy"
        ada = customers.find_by_name("Ada").id
        was = places(g.view)[ada]
        start = node_point(g.view, "Ada")  # a node dragged meanwhile stays where it was in the file
        shift_drag(g.view, start, start + QPoint(60, 40), Qt.KeyboardModifier.NoModifier)
        assert places(g.view)[ada] != was
        resume.set()
    assert written.args[0] == target and target.exists()
    assert QApplication.overrideCursor() is None and png_button.isEnabled()
    assert differing_pixels(QImage(str(target)), before) < 0.001


def test_reopening_writes_only_new_positions(qtbot, make_window):
    from journal.reads import graph
    from journal.storage.models import database

    _, g = window_with_graph(make_window)
    before = graph.saved_positions()
    e = customers.create_customer(name="Eve")
    connections.add_connection(e.id, customers.find_by_name("Ada").id, "colleague")
    written = database.execute_sql("SELECT total_changes()").fetchone()[0]
    g.reload()  # background work runs inline in tests, on this connection
    assert database.execute_sql("SELECT total_changes()").fetchone()[0] - written == 1  # Eve's place only
    after = graph.saved_positions()
    assert set(after) - set(before) == {e.id} and all(after[cid] == xy for cid, xy in before.items())


def test_export_to_a_folder_that_is_not_there_says_so(qtbot, make_window, tmp_path, no_modal_boxes):
    _, g = window_with_graph(make_window)
    for kind in ("png", "svg"):
        target = tmp_path / "gone" / f"graph.{kind}"
        assert exported(qtbot, g, kind, target) is None
        assert no_modal_boxes[-1][:2] == ("warning", "Export the graph") and str(target) in no_modal_boxes[-1][2]
        assert not target.exists()
    assert QApplication.overrideCursor() is None  # the wait cursor went with the export


def graph_in_front(qtbot, make_window):
    """The graph as Ctrl+G opens it, in front, the keys on the canvas."""
    _, g = window_with_graph(make_window)
    g.activateWindow()
    qtbot.waitUntil(g.isActiveWindow, timeout=2000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is g.view, timeout=2000)
    return g


def test_export_says_where_the_file_went_and_the_keys_stay_on_the_graph(qtbot, make_window, tmp_path, monkeypatch):
    g = graph_in_front(qtbot, make_window)
    for button, kind in zip(g.export_buttons, ("png", "svg")):
        target = tmp_path / f"graph.{kind}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        with qtbot.waitSignal(g.exported, timeout=20_000) as written:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert written.args[0] == target and target.exists()
        assert g.status.text().startswith(f"Saved the graph as graph.{kind} in ")
        assert g.status.toolTip() == str(target)
        assert QApplication.focusWidget() is g.view  # not the Top referrers table
        scale = g.view.transform().m11()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Plus)
        assert g.view.transform().m11() > scale  # + still zooms the graph


def test_export_from_the_keyboard_leaves_the_focus_on_its_button(qtbot, make_window, tmp_path, monkeypatch):
    g = graph_in_front(qtbot, make_window)
    target = tmp_path / "graph.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    svg_button = g.export_buttons[1]
    while QApplication.focusWidget() is not svg_button:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    with qtbot.waitSignal(g.exported, timeout=20_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert target.exists() and "graph.svg" in g.status.text()
    assert QApplication.focusWidget() is svg_button


def test_export_that_cannot_be_written_says_so_in_the_window(qtbot, make_window, tmp_path, monkeypatch,
                                                             no_modal_boxes):
    g = graph_in_front(qtbot, make_window)
    target = tmp_path / "graph.png"
    target.mkdir()  # a folder of that name is where the file would go: no file can be written there
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(g.exported, timeout=20_000) as written:
        qtbot.mouseClick(g.export_buttons[0], Qt.MouseButton.LeftButton)
    assert written.args[0] is None and target.is_dir()
    assert g.status.text().startswith("Not saved: graph.png could not be written")
    assert no_modal_boxes[-1][:2] == ("warning", "Export the graph") and str(target) in no_modal_boxes[-1][2]
    assert QApplication.focusWidget() is g.view


def test_export_from_the_keyboard_keeps_the_focus_when_the_file_dialog_gave_it_back_late(
        qtbot, make_window, tmp_path, monkeypatch):
    """On a desktop the graph window is active again only after the file dialog has
    gone, when the button is already disabled: Qt then puts the keys on the next
    input (the Top referrers table) unless the export gives them back."""
    from PySide6.QtWidgets import QWidget

    g = graph_in_front(qtbot, make_window)
    target = tmp_path / "graph.png"
    dialog = QWidget()  # a real window of its own, in front while the name is chosen

    def choose(*args, **kwargs):
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    png_button = g.export_buttons[0]
    while QApplication.focusWidget() is not png_button:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    with qtbot.waitSignal(g.exported, timeout=20_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        dialog.close()  # the dialog goes; the graph window comes back to the front
        g.activateWindow()
        qtbot.waitUntil(g.isActiveWindow, timeout=2000)
    assert target.exists()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is png_button, timeout=2000)


def test_a_click_elsewhere_during_the_export_keeps_its_focus(qtbot, make_window, tmp_path, monkeypatch):
    from ui.graph import export

    g = graph_in_front(qtbot, make_window)
    target = tmp_path / "graph.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    painting, resume = threading.Event(), threading.Event()
    real = export.write_graph

    def writing(job):
        painting.set()
        assert resume.wait(20), "the test never let the painting go on"
        return real(job)

    monkeypatch.setattr(export, "write_graph", writing)
    with qtbot.waitSignal(g.exported, timeout=20_000):
        qtbot.mouseClick(g.export_buttons[0], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(painting.is_set, timeout=10_000)
        qtbot.mouseClick(g.search, Qt.MouseButton.LeftButton)  # the find box, while the file is painted
        assert QApplication.focusWidget() is g.search
        resume.set()
    assert target.exists() and QApplication.focusWidget() is g.search


def test_export_to_a_read_only_folder_says_so_and_keeps_the_keys_on_the_graph(qtbot, make_window, tmp_path,
                                                                              monkeypatch, no_modal_boxes):
    from ..small_disk import read_only_disk

    g = graph_in_front(qtbot, make_window)
    with read_only_disk(tmp_path / "ro") as folder:
        for button, kind in zip(g.export_buttons, ("png", "svg")):
            target = folder / f"graph.{kind}"
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
            with qtbot.waitSignal(g.exported, timeout=20_000) as written:
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert written.args[0] is None and not target.exists()
            assert g.status.text().startswith(f"Not saved: graph.{kind} could not be written")
            assert no_modal_boxes[-1][:2] == ("warning", "Export the graph") and str(target) in no_modal_boxes[-1][2]
            assert "cannot be written to" in no_modal_boxes[-1][2]
            assert QApplication.focusWidget() is g.view and QApplication.overrideCursor() is None


def test_an_export_lets_go_of_its_snapshot_once_written(qtbot, make_window, tmp_path):
    """The file is painted from a snapshot of the graph's arrays: once written,
    nothing keeps that snapshot (each export used to keep its own for as long as
    the app ran, held by the thread pool's task)."""
    import gc
    import weakref

    from ui.graph import canvas

    _, g = window_with_graph(make_window)
    snapshots = []
    original = canvas.GraphModel.snapshot

    def snapshot(model):
        copy = original(model)
        snapshots.append(weakref.ref(copy))
        return copy

    canvas.GraphModel.snapshot = snapshot
    try:
        for n in range(2):
            assert exported(qtbot, g, "png", tmp_path / f"graph{n}.png").exists()
    finally:
        canvas.GraphModel.snapshot = original
    assert len(snapshots) == 2

    def let_go():
        gc.collect()
        return all(ref() is None for ref in snapshots)

    qtbot.waitUntil(let_go, timeout=5000)  # waiting lets Qt delete the relays


def test_finding_nobody_in_the_graph_says_so_beside_the_find_box(qtbot, make_window):
    """Found in a real window: a name that matches nobody, then Enter, did nothing
    at all — no message, no popup — as if the key had not been pressed."""
    g = graph_in_front(qtbot, make_window)
    qtbot.keyClicks(QApplication.focusWidget(), "Zed")  # typed on the graph: the letters go to the find box
    assert QApplication.focusWidget() is g.search and g.search.text() == "Zed"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert g.find_error.isVisible() and g.find_error.text() == "No customer matches “Zed”."
    assert QApplication.focusWidget() is g.search  # to correct it where it is
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    assert not g.find_error.isVisible()  # typing again takes the message away
    g.search.selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "Cy")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)  # the names found, to choose from
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Return)  # a person's Enter goes to the list
    qtbot.waitUntil(lambda: g.view.chosen == customers.find_by_name("Cy").id, timeout=3000)
    assert not g.find_error.isVisible()
