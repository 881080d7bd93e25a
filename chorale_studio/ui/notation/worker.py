"""Engraving off the GUI thread: on a thread of its own the MEI is written and sent to verovio in a
process of its own (``notation.process``: verovio holds the interpreter lock while it works), and Qt
draws the SVG that comes back into an image; the pane receives the finished pages by a queued signal.

Requests coalesce: while one engraving runs, only the newest request waits, so a burst of edits
(a drag, an undo run, streamed candidate notes) costs at most one engraving more.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from PySide6.QtCore import QObject, QRectF, QThread, Signal, Slot
from PySide6.QtGui import QImage, QPainter

from ...errors import ChoraleError
from ...notation import EngraveOptions, Engraver, Engraving
from ...notation.process import EngraverProcess, separate_process_possible
from ...notation.qt import load_text_font, svg_renderer
from ...score import Cell, Score
from .. import theme
from ..worker import stop_thread


@dataclass(frozen=True)
class EngraveJob:
    """One engraving to make: a snapshot of the music (candidate notes already in place), how to lay
    it out, the coloured cells, and the device pixel ratio to draw at."""

    score: Score
    options: EngraveOptions
    colors: Mapping[Cell, str]
    pixel_ratio: float = 1.0


@dataclass(frozen=True)
class EngravedPages:
    job: EngraveJob
    engraving: Engraving
    images: tuple[QImage, ...]


def draw_pages(engraving: Engraving, pixel_ratio: float = 1.0) -> tuple[QImage, ...]:
    """Each SVG page drawn on paper, at ``pixel_ratio`` device pixels per pixel, its words in the font
    verovio measured them with (``notation.qt``)."""
    images = []
    for svg, (w, h) in zip(engraving.pages, engraving.sizes):
        image = QImage(max(1, round(w * pixel_ratio)), max(1, round(h * pixel_ratio)),
                       QImage.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(pixel_ratio)
        image.fill(theme.NOTATION_PAPER)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        svg_renderer(svg).render(painter, QRectF(0, 0, w, h))
        painter.end()
        images.append(image)
    return tuple(images)


class EngraveWorker(QObject):
    """Lives on the engraving thread; owns the engraver (verovio's process, or its toolkit)."""

    done = Signal(object)          # EngravedPages
    failed = Signal(object, str)   # the job, what went wrong

    def __init__(self, separate_process: bool = True) -> None:
        super().__init__()
        self._engraver: Engraver | EngraverProcess | None = None
        self._separate = separate_process and separate_process_possible()

    @Slot(object)
    def engrave(self, job: EngraveJob) -> None:
        try:
            if self._engraver is None:
                self._engraver = self._start()
            engraving = self._engraver.engrave(job.score, job.options, job.colors)
            self.done.emit(EngravedPages(job, engraving, draw_pages(engraving, job.pixel_ratio)))
        except (ChoraleError, ValueError, RuntimeError) as exc:
            self.failed.emit(job, str(exc))

    def _start(self) -> Engraver | EngraverProcess:
        if self._separate:
            try:
                return EngraverProcess()
            except OSError:   # no process to be had: engrave here, with short stalls
                pass
        return Engraver()

    def end_process(self) -> None:
        """End the engraving process at once (any thread): an engraving in progress fails at once
        instead of being waited for — the window is closing and nobody will see it."""
        if isinstance(self._engraver, EngraverProcess):
            self._engraver.terminate()

    def close(self) -> None:
        if isinstance(self._engraver, EngraverProcess):
            self._engraver.close()
        self._engraver = None


class EngraveRunner(QObject):
    """The GUI side of the engraving thread: ``request`` a job, receive ``engraved``."""

    engraved = Signal(object)      # EngravedPages
    failed = Signal(str)
    _run = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("engraving")
        self.worker = EngraveWorker()
        self.worker.moveToThread(self.thread)
        self._run.connect(self.worker.engrave)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self._busy = False
        self._waiting: EngraveJob | None = None
        # The thread and the process end with their owner, even one that is never closed.
        self.destroyed.connect(lambda *_, worker=self.worker, thread=self.thread: _stop(worker, thread))

    @property
    def busy(self) -> bool:
        return self._busy

    def request(self, job: EngraveJob) -> None:
        if self._busy:
            self._waiting = job
            return
        self._busy = True
        if not self.thread.isRunning():   # started by the first engraving: a hidden pane costs nothing
            load_text_font()              # Qt's font database is filled on the GUI thread
            self.thread.start()
        self._run.emit(job)

    @Slot(object)
    def _done(self, pages: EngravedPages) -> None:
        self._next()
        self.engraved.emit(pages)

    @Slot(object, str)
    def _failed(self, _job: EngraveJob, message: str) -> None:
        self._next()
        self.failed.emit(message)

    def _next(self) -> None:
        self._busy = False
        if self._waiting is not None:
            job, self._waiting = self._waiting, None
            self.request(job)

    def shutdown(self) -> None:
        self._waiting = None
        _stop(self.worker, self.thread)


def _stop(worker: EngraveWorker, thread: QThread, timeout_ms: int = 100) -> None:
    worker.end_process()
    try:
        ended = stop_thread(thread, timeout_ms)
    except RuntimeError:   # Qt has already deleted the thread object
        ended = True
    if ended:   # (a thread still starting the process keeps it: the app's process ends without waiting)
        worker.close()
