"""Start the window: `chorale-studio [FILE]` ends up in ``run_app``.

Only Qt and the score model load before the window is on screen; leftover recovery files are
offered, then the file given on the command line is opened, and the synthesizer started, right
after the first paint.  Diagnostics (log file, crash dialog) are installed first.

``on_shown`` is for whoever embeds the app (the tests' driver, the startup benchmark): it is called
with the window once the event loop has painted it, and nothing else is done at start then.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Callable

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .. import diagnostics
from . import theme
from .main_window import APP_NAME, ORGANIZATION, MainWindow

STARTUP_ENV = "CHORALE_STUDIO_STARTUP_T0"


def run_app(file: str | None = None, on_shown: Callable[[MainWindow], object] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    diagnostics.install()
    theme.apply_theme(app)
    window = MainWindow()
    window.show()
    t0 = os.environ.get(STARTUP_ENV)
    if t0 and on_shown is None:
        on_shown = _report_startup(float(t0))
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


def _report_startup(t0: float) -> Callable[[MainWindow], None]:
    """``benchmarks/startup.py`` starts the real command with $CHORALE_STUDIO_STARTUP_T0 (its launch time):
    print how long the window took to appear, and quit."""
    def report(window: MainWindow) -> None:
        print(f"window shown after {time.time() - t0:.3f} s", flush=True)
        QApplication.instance().quit()
    return report
