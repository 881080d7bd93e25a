"""The generation worker: the loaded model and the running request live on a QThread of their own.

``GenerationWorker`` is a QObject moved to a worker thread.  It loads the model folder lazily
(the first request, or an explicit "load this folder"), answers immutable requests with
``generation.engine.generate`` and reports back only by signals, which Qt queues to the GUI
thread: it never touches a widget.  torch is imported here, inside the worker's slots, so the
window opens without it (transformers never: the model runs on the project's own decoder).

``GenerationRunner`` is the GUI side: it owns the thread and the worker, starts jobs, cancels
(a thread-safe flag the engine polls at every step) and shuts the thread down within a second
when the window closes.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..errors import ChoraleError, ModelFolderError

#: At most this many progress reports per second reach the GUI thread (the engine reports far more often).
PROGRESS_PER_SECOND = 20
LOAD_STAGES = 3


class GenerationWorker(QObject):
    """Owns the model; every slot runs on the worker thread."""

    status = Signal(str)                    # "Loading model…", "Writing…"
    loading = Signal(int, int, str)         # stage, stages, what the model load is doing
    modelLoaded = Signal(str, object)       # folder, Capabilities
    modelFailed = Signal(str, str)          # folder, what is wrong with it
    progress = Signal(int, int, object)     # words done, words expected, notes so far (tuple of (Voice, Note))
    finished = Signal(object, object)       # request, GenerationResult
    failed = Signal(object, str)            # request, message
    cancelled = Signal(object)              # request

    def __init__(self, cancel_flag: threading.Event) -> None:
        super().__init__()
        self._cancel = cancel_flag
        self._model = None
        self._folder: Path | None = None

    def _ensure_model(self, folder: Path):
        if self._model is None or self._folder != folder:
            self.loading.emit(0, LOAD_STAGES, "starting PyTorch")
            from ..generation import preload
            from ..generation.model import ChoraleModel

            preload.start().join()   # torch, imported without stalling the window (begun at launch)

            try:
                self.loading.emit(1, LOAD_STAGES, "reading the model")
                model = ChoraleModel.load(folder)
                self.loading.emit(2, LOAD_STAGES, "warming up")
                _warm_up(model)
            except ChoraleError:
                raise
            except Exception as exc:   # a folder can break in ways the loader does not name; never wedge
                raise ModelFolderError(f"the model in {folder} could not be loaded "
                                       f"({type(exc).__name__}: {' '.join(str(exc).split())})") from None
            _leave_a_core_to_the_window()
            self._model, self._folder = model, folder
            self.modelLoaded.emit(str(folder), model.capabilities)
        return self._model

    @Slot(str)
    def load(self, folder: str) -> None:
        """Load ``folder`` now (the model chooser); the model in use stays if it is not a model folder."""
        try:
            self._ensure_model(Path(folder))
        except ChoraleError as exc:
            self.modelFailed.emit(folder, str(exc))

    @Slot(object, str)
    def run(self, request, folder: str) -> None:
        """Answer ``request`` with the model in ``folder``: finished, failed or cancelled is always emitted."""
        from ..generation.requests import GenerationCancelled

        try:
            model = self._ensure_model(Path(folder))
        except ChoraleError as exc:
            self.modelFailed.emit(folder, str(exc))
            self.failed.emit(request, str(exc))
            return
        if self._cancel.is_set():
            self.cancelled.emit(request)
            return
        from ..generation.engine import generate

        self.status.emit("Writing…")
        last = [0.0]

        def report(p) -> None:
            now = time.monotonic()
            if now - last[0] >= 1.0 / PROGRESS_PER_SECOND or p.words >= p.expected:
                last[0] = now
                self.progress.emit(p.words, p.expected, p.notes)

        try:
            result = generate(model, request, progress=report, cancelled=self._cancel.is_set)
        except GenerationCancelled:
            self.cancelled.emit(request)
        except ChoraleError as exc:
            self.failed.emit(request, str(exc))
        except Exception as exc:   # a bug must not kill the worker thread silently: say it
            self.failed.emit(request, f"generation failed: {type(exc).__name__}: {exc}")
        else:
            self.finished.emit(request, result)


def _warm_up(model) -> None:
    """One short forward pass, so that the first request does not pay for PyTorch's first call."""
    from ..tokens import vocab as V

    model.decoder([model.ids([V.PIECE_START])], capacity=8).prefill()


def _leave_a_core_to_the_window() -> None:
    """Sample on all cores but one, so the GUI thread never waits for a CPU to paint."""
    import os

    import torch

    torch.set_num_threads(max(1, min(torch.get_num_threads(), (os.cpu_count() or 1) - 1)))


class GenerationRunner(QObject):
    """The GUI thread's handle on the worker: start, cancel, shut down.  One job at a time.

    The worker's signals arrive (queued) at the runner's ``@Slot`` relays, which re-emit them on
    the GUI thread: PySide6 delivers cross-thread signals safely only to declared slots, so
    windows and lambdas connect to the runner's signals, never to the worker's.
    """

    status = Signal(str)
    loading = Signal(int, int, str)
    modelLoaded = Signal(str, object)
    modelFailed = Signal(str, str)
    progress = Signal(int, int, object)
    finished = Signal(object, object)
    failed = Signal(object, str)
    cancelled = Signal(object)
    _run = Signal(object, str)
    _load = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel_flag = threading.Event()
        self.thread = QThread()
        self.thread.setObjectName("generation")
        self.worker = GenerationWorker(self.cancel_flag)
        self.worker.moveToThread(self.thread)
        self._run.connect(self.worker.run)      # queued: the receiver lives on the worker thread
        self._load.connect(self.worker.load)
        w = self.worker
        w.status.connect(self._on_status)
        w.loading.connect(self._on_loading)
        w.modelLoaded.connect(self._on_model_loaded)
        w.modelFailed.connect(self._on_model_failed)
        w.progress.connect(self._on_progress)
        w.finished.connect(self._on_finished)
        w.failed.connect(self._on_failed)
        w.cancelled.connect(self._on_cancelled)
        self.busy = False
        self.thread.start()

    @Slot(str)
    def _on_status(self, text: str) -> None:
        self.status.emit(text)

    @Slot(int, int, str)
    def _on_loading(self, stage: int, stages: int, text: str) -> None:
        self.loading.emit(stage, stages, text)

    @Slot(str, object)
    def _on_model_loaded(self, folder: str, capabilities) -> None:
        self.modelLoaded.emit(folder, capabilities)

    @Slot(str, str)
    def _on_model_failed(self, folder: str, message: str) -> None:
        self.modelFailed.emit(folder, message)

    @Slot(int, int, object)
    def _on_progress(self, words: int, expected: int, notes) -> None:
        self.progress.emit(words, expected, notes)

    @Slot(object, object)
    def _on_finished(self, request, result) -> None:
        self.busy = False
        self.finished.emit(request, result)

    @Slot(object, str)
    def _on_failed(self, request, message: str) -> None:
        self.busy = False
        self.failed.emit(request, message)

    @Slot(object)
    def _on_cancelled(self, request) -> None:
        self.busy = False
        self.cancelled.emit(request)

    def start(self, request, folder: str | Path) -> bool:
        """Queue ``request``; False (and nothing queued) while another one is running."""
        if self.busy:
            return False
        self.busy = True
        self.cancel_flag.clear()
        self._run.emit(request, str(folder))
        return True

    def load(self, folder: str | Path) -> None:
        self._load.emit(str(folder))

    def cancel(self) -> None:
        """Ask the running job to stop; it answers with ``worker.cancelled`` at its next step."""
        if self.busy:
            self.cancel_flag.set()

    def shutdown(self, timeout_ms: int = 50) -> bool:
        """Cancel, stop the thread's event loop and wait for it; True when the thread has ended.

        A cancelled request stops at its next word (milliseconds); a model load cannot be interrupted,
        and nobody needs it once the window is closing, so it is not waited for."""
        self.cancel_flag.set()
        return stop_thread(self.thread, timeout_ms)


def stop_thread(thread: QThread, timeout_ms: int) -> bool:
    """Quit ``thread``'s event loop and wait for it at most ``timeout_ms``; True when it has ended.  One still
    busy (a model load, a process being started) is kept alive until it ends, rather than destroyed while it
    runs (which aborts the process); the app's process ends without waiting for it."""
    thread.quit()
    ended = thread.wait(timeout_ms)
    if not ended:
        _STILL_RUNNING.add(thread)
        thread.finished.connect(lambda t=thread: _STILL_RUNNING.discard(t))
    return ended


_STILL_RUNNING: set[QThread] = set()
