"""Edit ▸ MIDI Input: a MIDI keyboard plays into note input.

The menu lists the input ports when it opens (or says that there is no MIDI system, as on a machine
without an ALSA sequencer: the app runs as ever).  The chosen port's messages arrive on the MIDI system's
thread; ``receive`` — the port's callback — only emits a signal, so they are handled on the GUI thread,
where a ``ChordCollector`` makes them into keys and chords for ``NoteInput.enter``.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from ..errors import ChoraleError
from .actions import ActionRegistry
from .note_input import NoteInput
from .notifier import Notifier


class MidiKeyboard(QObject):
    """The window's MIDI input: its menu, the open port, and what a played key does."""

    received = Signal(object)   # a mido message, from whatever thread the port calls back on

    def __init__(self, note_input: NoteInput, registry: ActionRegistry, notifier: Notifier, parent: QWidget) -> None:
        super().__init__(parent)
        from ..io.midi_input import ChordCollector

        self.note_input, self.notifier = note_input, notifier
        self.collector = ChordCollector()
        self.port = None
        self.port_name = ""
        self.menu = QMenu("MIDI &Input", parent)
        self.menu.aboutToShow.connect(self.fill_menu)
        self.menu.menuAction().setStatusTip("Play notes into note input from a MIDI keyboard")
        registry.register("midi_input", self.menu.menuAction(), menu="&Edit")
        self.received.connect(self._handle)

    def receive(self, message) -> None:
        """The port's callback (any thread): pass the message on to the GUI thread."""
        self.received.emit(message)

    def fill_menu(self) -> None:
        """The ports there are now, the open one checked; or why there are none."""
        from ..io.midi_input import input_ports

        self.menu.clear()
        ports = input_ports()
        if ports.problem:
            self.menu.addAction(ports.problem[0].upper() + ports.problem[1:]).setEnabled(False)
            return
        group = QActionGroup(self.menu)
        for name in ("", *ports.names):
            act = self.menu.addAction(name or "None", lambda name=name: self.open(name))
            act.setCheckable(True)
            act.setChecked(name == self.port_name)
            group.addAction(act)
        if not ports.names:
            self.menu.addAction("No MIDI keyboard is connected").setEnabled(False)

    def open(self, name: str) -> bool:
        """Listen to the port ``name`` ('' closes the open one)."""
        from ..io.midi_input import open_port

        self.close()
        if not name:
            return True
        try:
            self.port = open_port(name, self.receive)
        except ChoraleError as exc:
            self.notifier.show_error(f"Could not open the MIDI input {name}", str(exc))
            return False
        self.port_name = name
        self.notifier.show_status(f"MIDI input: {name} — in note input (N) what you play is entered", 8000)
        return True

    def close(self) -> None:
        if self.port is not None:
            self.port.close()
        self.port, self.port_name = None, ""

    def _handle(self, message) -> None:
        for pitches in self.collector.feed(message, time.monotonic()):
            if self.note_input.active:
                self.note_input.enter(pitches)
            else:
                self.notifier.show_status("Turn on note input (N) to enter what you play", 5000)
