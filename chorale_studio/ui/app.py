"""Start the window: `chorale-studio [FILE]` ends up in ``run_app``.

Only Qt and the score model load before the window is on screen; the file
given on the command line is opened, and the synthesizer started, right after
the first paint.  With ``CHORALE_STUDIO_STARTUP_T0`` set (a ``time.time()``
taken by whoever launched the process) the app prints how long the window took
to appear and quits: ``benchmarks/startup.py`` uses it.

At start, diagnostics (log file, crash dialog) are installed and leftover
recovery files are offered before the command-line file is opened.
``CHORALE_STUDIO_TEST_EDIT=1`` is a test hook: right after the window appears
it draws one soprano note and prints ``test edit done`` (the crash-recovery
test kills the process after it).
"""
from __future__ import annotations

import os
import sys
import time

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .. import diagnostics
from ..score import Note, Voice
from . import theme
from .main_window import APP_NAME, ORGANIZATION, MainWindow
from .recovery import offer_recovery

STARTUP_ENV = "CHORALE_STUDIO_STARTUP_T0"
TEST_EDIT_ENV = "CHORALE_STUDIO_TEST_EDIT"


def run_app(file: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    diagnostics.install()
    theme.apply_theme(app)
    window = MainWindow()
    window.show()
    t0 = os.environ.get(STARTUP_ENV)
    if t0:
        # Reached once the event loop has painted the shown window.
        QTimer.singleShot(0, lambda: (print(f"window shown after {time.time() - float(t0):.3f} s", flush=True),
                                      app.quit()))
    else:
        QTimer.singleShot(0, window.connect_playback)
        QTimer.singleShot(0, lambda: offer_recovery(window) or (file and window.open_file(file)))
        if os.environ.get(TEST_EDIT_ENV):
            QTimer.singleShot(0, lambda: _test_edit(window))
    try:
        return app.exec()
    finally:
        # Destroy the window while Python is still whole; left to interpreter shutdown, PySide
        # can crash freeing it.
        shiboken6.delete(window)


def _test_edit(window: MainWindow) -> None:
    window.roll.draw_note(Voice.SOPRANO, Note(start=0, length=8, pitch=74))
    print("test edit done", flush=True)
