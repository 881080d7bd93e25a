"""How a feature tells the composer something without knowing the window: a status line, an error, a note.

Features (generation, recovery) get a ``Notifier`` and emit; the window shows the messages (status
bar, a window-modal message box), so a feature can be tested, or moved, without a window.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Notifier(QObject):
    status = Signal(str, int)   # text, milliseconds it stays (0: until the next one)
    error = Signal(str, str)    # title, message: something the composer asked for did not happen
    info = Signal(str, str)     # title, message: worth reading, nothing went wrong

    def show_status(self, text: str, ms: int = 5000) -> None:
        self.status.emit(text, ms)

    def show_error(self, title: str, message: str) -> None:
        self.error.emit(title, message)

    def show_info(self, title: str, message: str) -> None:
        self.info.emit(title, message)
