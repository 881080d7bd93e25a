"""Start the window: `chorale-studio [FILE]` ends up in ``run_app``.

Only Qt and the score model load before the window is on screen; leftover recovery files are
offered, then the file given on the command line is opened, the synthesizer started and the model
loaded on the generation worker, right after the first paint.  Diagnostics (log file, crash dialog)
are installed first.

``on_shown`` is for whoever embeds the app (the tests' driver, the startup benchmark): it is called
with the window once the event loop has painted it, and nothing else is done at start then.
"""
from __future__ import annotations

import sys
from typing import Callable

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .. import diagnostics
from . import theme
from .main_window import APP_NAME, ORGANIZATION, MainWindow


def run_app(file: str | None = None, on_shown: Callable[[MainWindow], object] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    diagnostics.install()
    theme.apply_theme(app)
    window = MainWindow()
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

