"""Start the window: `chorale-studio [FILE]` ends up in ``run_app``.

Only Qt and the score model load before the window is on screen, with torch importing on a thread
of its own meanwhile (``generation.preload``); leftover recovery files are offered, then the file given on the command line is opened, the synthesizer started and the model
loaded on the generation worker, right after the first paint.  Diagnostics (log file, crash dialog)
are installed first.

``on_shown`` is for whoever embeds the app (the tests' driver, the startup benchmark): it is called
with the window once the event loop has painted it, and nothing else is done at start then.
"""
from __future__ import annotations

import atexit
import logging
import os
import sys
from typing import Callable

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .. import diagnostics
from ..generation import preload
from . import theme
from .main_window import APP_NAME, ORGANIZATION, MainWindow


def run_app(file: str | None = None, on_shown: Callable[[MainWindow], object] | None = None) -> int:
    # torch loads while the window is built and painted (it releases the interpreter lock for most of it).
    preload.start()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    diagnostics.install()
    theme.apply_theme(app)
    window = MainWindow()
    # A shown window must not wait for the dynamic loader, which torch's libraries hold meanwhile (at most
    # half a second more before it shows: on a quiet machine the window takes longer to build than they do).
    preload.wait_for_libraries(timeout=0.5)
    window.show()
    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window))
    else:
        QTimer.singleShot(0, window.connect_playback)
        QTimer.singleShot(0, lambda: window.recover_or_open(file))
        QTimer.singleShot(0, window.generation.preload)   # the model is ready before the first request
    try:
        return app.exec()
    finally:
        # Destroy the window while Python is still whole; left to interpreter shutdown, PySide
        # can crash freeing it.
        shiboken6.delete(window)



def quit_process(code: int) -> int:
    """End the app's process now that its window is gone and its work is saved.

    By then the settings are synced, saves and autosaves written, generation cancelled and playback
    stopped (``MainWindow.closeEvent``).  What is left is the interpreter's own teardown — freeing
    every module, torch's and music21's among them — which took half a second to several seconds
    and shows the composer nothing: skip it, after the exit handlers and with the output flushed.
    """
    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
