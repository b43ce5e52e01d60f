"""The connection graph on the scale journal (customers with connections only):
data, a fresh igraph layout, the window's scene and first paint; then frames
(zoom steps and pan steps, each painted) at several zoom levels, beside the
floor: a bare QGraphicsView with the same number of plain ellipse and line items
at the same places, painted the same way.

    nice uv run python benchmarks/bench_graph.py [--size 5k|50k]

Targets: laid out and drawn < 3 s at 30,000 customers / 30,000 connections;
zoom and pan frames < 16 ms (a 60 Hz screen)."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _harness import scale_journal, size_arg, table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYSIDE6_OPTION_PYTHON_ENUM", "0x11")

SCALES = (None, 0.1, 0.3, 0.6, 1.2)  # None: the whole graph fitted in the window


def frames(app, view, scale, steps=7):
    """Median ms of a zoom step (in then out) and of a pan step, each painted."""
    from PySide6.QtCore import Qt

    if scale is None:
        view.fitInView(view.scene().itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
    else:
        view.resetTransform()
        view.scale(scale, scale)
    view.viewport().repaint()
    settle(app, view)
    zooms, pans = [], []
    zoom = getattr(view, "zoom", None) or (lambda f: view.scale(f, f))
    for n in range(steps):
        started = time.perf_counter()
        zoom(1.05 if n % 2 == 0 else 1 / 1.05)
        view.viewport().repaint()
        zooms.append((time.perf_counter() - started) * 1000)
    bar = view.horizontalScrollBar()
    for n in range(steps):
        started = time.perf_counter()
        bar.setValue(bar.value() + (12 if n < steps // 2 else -12))
        view.viewport().repaint()
        pans.append((time.perf_counter() - started) * 1000)
    return statistics.median(zooms), statistics.median(pans)


FIRST_FRAMES = []  # how long each opening's first frame held the GUI thread, seconds


def until_drawn(app, window, started):
    """Seconds from `started` until the graph is laid out and painted."""
    while window.view.model is None:
        app.processEvents()
        time.sleep(0.002)
    frame = time.perf_counter()
    window.view.viewport().repaint()
    FIRST_FRAMES.append(time.perf_counter() - frame)
    canvas = getattr(window.view, "canvas", None)
    while canvas is not None and getattr(canvas, "waiting", False):  # a big graph's first picture, made off the GUI thread
        app.processEvents()
        time.sleep(0.002)
    window.view.viewport().repaint()
    return time.perf_counter() - started


def settle(app, view):
    """Until the graph's sharp picture for this view is made (the bare view has none)."""
    canvas = getattr(view, "canvas", None)
    while canvas is not None and (canvas.making or canvas._rest.isActive()):
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()
    view.viewport().repaint()


def bare_view(positions, edges):
    from PySide6.QtGui import QBrush, QColor, QPainter, QPen
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    view = QGraphicsView()
    scene = QGraphicsScene(view)
    view.setScene(scene)
    view.setRenderHints(QPainter.RenderHint.Antialiasing)
    pen, brush = QPen(QColor("#555"), 1.5), QBrush(QColor("#4a90d9"))
    for x, y in positions.values():
        item = scene.addEllipse(-8, -8, 16, 16, pen, brush)
        item.setPos(x, y)
    line = QPen(QColor("#888"), 1.0)
    line.setCosmetic(True)
    for e in edges:
        (x1, y1), (x2, y2) = positions[e.source], positions[e.target]
        scene.addLine(x1, y1, x2, y2, line)
    return view


def export_times(app, window, folder, repeat=5):
    """The graph fitted in the window saved as a PNG: before, the scene rendered on
    the GUI thread; now, a snapshot on the GUI thread and the painting on a thread
    of its own. Floor: an image of the same size, blank, saved."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    from ui.common import theme

    view = window.view
    view.fitInView(view.scene().itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
    settle(app, view)
    target = view.viewport().rect()
    source = view.mapToScene(target).boundingRect()
    before, gui, whole, floor = [], [], [], []
    written = []
    window.exported.connect(written.append)
    for n in range(repeat):
        started = time.perf_counter()
        image = QImage(target.size() * 2, QImage.Format.Format_ARGB32)
        image.fill(theme.graph_color("canvas"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.canvas.exporting = True
        view.scene().render(painter, QRectF(image.rect()), source)
        view.canvas.exporting = False
        painter.end()
        image.save(str(folder / f"before{n}.png"))
        before.append(time.perf_counter() - started)
        written.clear()
        started = time.perf_counter()
        window.export("png", str(folder / f"graph{n}.png"))
        gui.append(time.perf_counter() - started)
        while not written:
            app.processEvents()
            time.sleep(0.001)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        blank = QImage(target.size() * 2, QImage.Format.Format_ARGB32)
        blank.fill(theme.graph_color("canvas"))
        blank.save(str(folder / f"blank{n}.png"))
        floor.append(time.perf_counter() - started)
    ms = lambda samples: f"{statistics.median(samples) * 1000:.0f}"  # noqa: E731
    return [("export PNG, fitted: before, the scene rendered on the GUI thread", ms(before),
             ms(floor) + " (a blank PNG saved)"),
            ("  now: the GUI thread's part (a snapshot of the arrays)", ms(gui), ""),
            ("  now: until the file is written (painted off the GUI thread)", ms(whole), "")]


def main():
    from PySide6.QtWidgets import QApplication

    from journal.storage import db
    from journal.reads import graph
    from ui.common import tasks
    from ui.graph.graph_view import GraphWindow

    app = QApplication([])
    tasks.set_synchronous(True)
    size = size_arg()
    # The benchmark forgets the saved places (a fresh layout): on a copy, never the shared journal.
    folder = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    copy = folder / "journal.sqlite3"
    shutil.copyfile(scale_journal(size), copy)
    db.connect(copy, check_integrity=False)
    started = time.perf_counter()
    data = graph.graph_data(connected_only=True)
    t_data = time.perf_counter() - started
    started = time.perf_counter()
    graph.layout(data)  # fresh, as on the first opening
    t_layout = time.perf_counter() - started
    rows = [(f"graph data ({len(data.nodes):,} customers, {len(data.edges):,} connections)", f"{t_data * 1000:.0f}", ""),
            ("fresh igraph layout", f"{t_layout * 1000:.0f}", "")]

    from journal.storage.models import GraphPosition
    GraphPosition.delete().execute()  # the window lays out from scratch too
    # The window as the app opens it: data, layout and arrays on a thread, then drawn;
    # the new places are written after (timed apart).
    tasks.set_synchronous(False)
    started = time.perf_counter()
    window = GraphWindow()
    window.resize(1400, 900)
    window.show()
    t_window = until_drawn(app, window, started)
    started = time.perf_counter()
    tasks.wait_for_background(600_000)
    t_saved = time.perf_counter() - started
    started = time.perf_counter()
    window.view.set_model(None)
    window.reload()  # a second opening: the places are known
    t_again = until_drawn(app, window, started)
    tasks.wait_for_background(600_000)
    tasks.set_synchronous(True)

    view = window.view
    # Ours first, with the bare view not yet there: its paints of 60,000 items would hold
    # the GUI thread (and Python) while our pictures are being made.
    ours = {}
    for scale in SCALES:
        ours[scale] = frames(app, view, scale)
        last = view.canvas.last
        ours[scale] += (f"{last.mode}, {len(last.names)} names, {'styled' if last.styled else 'plain'} lines",
                        view.canvas.last_making_ms if last.mode == "picture" else None)
    rows += export_times(app, window, folder)
    window.hide()
    started = time.perf_counter()
    bare = bare_view(window.positions, window.data.edges)
    bare.resize(view.size())
    bare.show()
    app.processEvents()
    t_bare_scene = time.perf_counter() - started
    started = time.perf_counter()
    bare.viewport().repaint()
    t_bare = time.perf_counter() - started
    rows += [("window: data + layout + scene + first paint", f"{t_window * 1000:.0f}",
              f"{(t_data + t_layout + t_bare_scene + t_bare) * 1000:.0f} (data + layout + scene {t_bare_scene * 1000:.0f}"
              f" + paint {t_bare * 1000:.0f})"),
             ("  then its 30,000 new places written (the window is usable meanwhile)" if size == "50k" else
              "  then its new places written (the window is usable meanwhile)", f"{t_saved * 1000:.0f}", ""),
             ("opened again (places known)", f"{t_again * 1000:.0f}", ""),
             ("  the first frame of each opening, on the GUI thread (the picture is made off it)",
              " / ".join(f"{t * 1000:.0f}" for t in FIRST_FRAMES), "")]
    for scale in SCALES:
        zoom, pan, how, making = ours[scale]
        floor = frames(app, bare, scale)
        shown = "fitted" if scale is None else f"{scale}x"
        rows += [(f"zoom frame at {shown} ({how})", f"{zoom:.1f}", f"{floor[0]:.1f}"),
                 (f"pan frame at {shown}", f"{pan:.1f}", f"{floor[1]:.1f}")]
        if making is not None:
            rows.append((f"  its sharp picture, made off the GUI thread", f"{making:.0f}", ""))
    table(rows, (f"connection graph, {size} journal", "ms (median)", "floor: bare QGraphicsView ms"))
    print(f"\nlaid out and drawn: {'ok' if t_window < 3 else 'MISS'} (< 3 s)")
    window.close()
    db.close()
    shutil.rmtree(folder)
    del app


if __name__ == "__main__":
    main()
