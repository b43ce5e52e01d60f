"""The connection graph on the scale journal (customers with connections only;
3,000 connections): data, a fresh igraph layout, the scene and its first
paint; then the cost of a zoom and of a pan frame.

    uv run python benchmarks/bench_graph.py

Targets: laid out and drawn in under 1 s; pan and zoom frames well under the
16 ms of a 60 Hz screen."""

from __future__ import annotations

import os
import statistics
import time

from _harness import scale_journal, table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main():
    from PySide6.QtWidgets import QApplication

    from journal import db, graph
    from ui import tasks
    from ui.graph_view import GraphWindow

    app = QApplication([])
    tasks.set_synchronous(True)
    db.connect(scale_journal(), check_integrity=False)
    rows = []
    started = time.perf_counter()
    data = graph.graph_data(connected_only=True)
    t_data = time.perf_counter() - started
    started = time.perf_counter()
    graph.layout(data)  # fresh, as on the first opening
    t_layout = time.perf_counter() - started
    rows += [(f"graph data ({len(data.nodes):,} customers, {len(data.edges):,} connections)", f"{t_data * 1000:.0f}"),
             ("fresh igraph layout", f"{t_layout * 1000:.0f}")]

    from journal.models import GraphPosition
    GraphPosition.delete().execute()  # the window lays out from scratch too
    started = time.perf_counter()
    window = GraphWindow()
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    window.view.viewport().grab()
    t_window = time.perf_counter() - started
    rows.append(("window: data + layout + scene + first paint", f"{t_window * 1000:.0f}"))

    view = window.view
    zooms = []
    for n in range(30):
        started = time.perf_counter()
        view.zoom(1.1 if n < 15 else 1 / 1.1)
        view.viewport().repaint()
        zooms.append((time.perf_counter() - started) * 1000)
    pans = []
    view.fit()
    view.zoom(3)  # panning happens zoomed in, where names show
    app.processEvents()
    bar = view.horizontalScrollBar()
    for n in range(30):
        started = time.perf_counter()
        bar.setValue(bar.value() + (15 if n < 15 else -15))
        app.processEvents()  # Qt scrolls the pixels it has and paints only the strip uncovered
        pans.append((time.perf_counter() - started) * 1000)
    rows += [("zoom frame (median of 30)", f"{statistics.median(zooms):.1f}"),
             ("pan frame (median of 30)", f"{statistics.median(pans):.1f}")]
    table(rows, ("connection graph", "ms"))
    print(f"\nlaid out and drawn: {'ok' if t_window < 1 else 'MISS'} (< 1 s)")
    del app


if __name__ == "__main__":
    main()
