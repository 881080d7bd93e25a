"""The main window as the UI tests open it: the user's settings out of reach, optionally the tiny
model chosen and a chorale loaded; closed without a save question afterwards."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from PySide6.QtCore import QSettings

from chorale_studio.ui.main_window import MainWindow, app_settings
from chorale_studio.ui.model_chooser import SETTINGS_KEY

TIMEOUT_MS = 60_000


@pytest.fixture(autouse=True)
def private_settings(tmp_path):
    """Keep the user's real settings (geometry, recent files, model folder) out of reach of the tests."""
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"


@contextmanager
def open_window(qtbot, *, model_dir=None, score=None, size=(1400, 850)):
    """A shown window (with ``model_dir`` chosen and ``score`` loaded, when given)."""
    if model_dir is not None:
        app_settings().setValue(SETTINGS_KEY, str(model_dir))
    w = MainWindow(audio="null")
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    if score is not None:
        w.doc.load(score)
    try:
        yield w
    finally:
        w.doc.undo_stack.setClean()   # nothing left to ask about when the window closes
        w.close()
        w.deleteLater()
