"""The graph written to a PNG or SVG file off the GUI thread.

A QGraphicsScene may only be rendered on the GUI thread, but painting on a
QImage or a QSvgGenerator may happen on any thread; so the file is painted
from the canvas's arrays, as the scene would render them (names and arrows
at any zoom), from a snapshot taken on the GUI thread: a node dragged while
the file is written does not move in it."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QRunnable, QSize, QThreadPool, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from ui.graph.canvas import GraphModel, Palette, paint_chosen, paint_graph

PNG_SCALE = 2  # pixels of the PNG per pixel of the view: sharp when printed or zoomed


@dataclass
class GraphFile:
    """What to write: everything painting needs, nothing of the window."""
    kind: str  # "png" or "svg"
    path: Path
    model: GraphModel  # a snapshot
    palette: Palette
    chosen: int | None  # the ringed customer's place in the model
    size: QSize  # the view's, in pixels
    source: QRectF  # the part of the graph in view, in scene units


def write_graph(job: GraphFile) -> Path:
    """Paint the file and make it the owner's only. Raises OSError when it cannot be written."""
    width, height = job.size.width(), job.size.height()
    if job.kind == "png":
        image = QImage(job.size * PNG_SCALE, QImage.Format.Format_ARGB32)
        image.fill(job.palette.canvas)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _paint(painter, job, QRectF(image.rect()))
        painter.end()
        if not image.save(str(job.path)):
            raise OSError(0, "the folder cannot be written to, or the disk is full")
    else:
        generator = QSvgGenerator()
        generator.setFileName(str(job.path))
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle("Who referred whom")
        painter = QPainter(generator)
        if not painter.isActive():  # the SVG engine could not open the file
            raise OSError(0, "the folder cannot be written to")
        _paint(painter, job, QRectF(0, 0, width, height))
        painter.end()
    job.path.chmod(0o600)  # customer names: the owner's only
    return job.path


def _paint(painter: QPainter, job: GraphFile, target: QRectF) -> None:
    """`job.source` into `target` keeping its proportions, as QGraphicsScene.render does."""
    source = job.source
    ratio = min(target.width() / source.width(), target.height() / source.height())
    painter.setClipRect(target)
    painter.translate(target.topLeft())
    painter.scale(ratio, ratio)
    painter.translate(-source.topLeft())
    paint_graph(painter, job.model, job.palette, source, ratio, everything=True)
    if job.chosen is not None and job.model.shown[job.chosen]:
        paint_chosen(painter, job.model, job.palette, job.chosen)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Writing(QRunnable):
    def __init__(self, job: GraphFile, relay: _Relay):
        super().__init__()
        self.job, self.relay = job, relay

    def run(self):
        try:
            path = write_graph(self.job)
        except BaseException as error:  # noqa: BLE001 - said in the window, never lost in a thread
            error.formatted = traceback.format_exc()
            signal, value = self.relay.failed, error
        else:
            signal, value = self.relay.done, path
        try:
            signal.emit(value)
        except RuntimeError:  # the application is closing
            pass


class GraphWriter:
    """One file at a time, on a thread of its own (not the database's pool: no
    connection is needed, and a team journal's server is never asked)."""

    def __init__(self):
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._running: set = set()

    def start(self, job: GraphFile, on_done, on_error) -> None:
        relay = _Relay()
        task = _Writing(job, relay)
        task.setAutoDelete(False)
        kept = (relay, task)
        self._running.add(kept)  # alive until it reports back

        def finished(callback):
            def call(value):
                self._running.discard(kept)
                # The thread pool keeps a task it does not delete, and the relay's
                # connections hold this closure from the Qt side: without this, every
                # export kept its snapshot of the graph for as long as the app ran.
                task.job = task.relay = None
                relay.deleteLater()
                callback(value)
            return call

        relay.done.connect(finished(on_done))
        relay.failed.connect(finished(on_error))
        self.pool.start(task)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 10_000) -> bool:
        """A file being written is finished before the window goes."""
        return self.pool.waitForDone(msecs)
