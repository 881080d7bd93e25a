"""A MIDI keyboard as an input device (mido, python-rtmidi): which input ports there are, and which
pitches a player's key presses mean — a single key or a chord.

Nothing here knows Qt: the window opens a port with ``open_port`` and hands every message to a
``ChordCollector``, which says when a key or a chord is complete.  A machine without a MIDI system
(no ALSA sequencer, no CoreMIDI) is an answer, not an error: ``input_ports`` says why there are none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import mido

from ..errors import ChoraleError

#: Keys struck within this many seconds of the first one belong to its chord.
CHORD_WINDOW_S = 0.08


@dataclass(frozen=True)
class Ports:
    """The MIDI input ports by name, or why there are none to be had (``problem``, '' when the system works)."""

    names: tuple[str, ...] = ()
    problem: str = ""


def input_ports() -> Ports:
    """The input ports the MIDI system offers now; a missing or broken MIDI system gives its reason."""
    try:
        return Ports(tuple(mido.get_input_names()))
    except Exception as exc:  # noqa: BLE001 — rtmidi raises its own SystemError, ImportError, OSError…
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return Ports(problem=f"no MIDI system on this computer ({reason})")


def open_port(name: str, callback: Callable[[mido.Message], None]):
    """Open the input port ``name``; ``callback`` receives each message on the MIDI system's own thread."""
    try:
        return mido.open_input(name, callback=callback)
    except Exception as exc:  # noqa: BLE001 — rtmidi's own errors: the port went away, the system refused it
        raise ChoraleError(f"could not open the MIDI input {name!r} ({' '.join(str(exc).split()) or type(exc).__name__})"
                           ) from None


@dataclass
class ChordCollector:
    """Turns key presses into entries: a key, or keys struck together (within ``window`` seconds), is one
    entry, complete when all its keys are up again or the next key is struck after the window."""

    window: float = CHORD_WINDOW_S
    _pending: list[int] = field(default_factory=list)
    _started: float = 0.0
    _held: set[int] = field(default_factory=set)

    def feed(self, message: mido.Message, now: float) -> list[list[int]]:
        """The entries (pitches, in the order struck) that ``message``, arriving at ``now`` seconds, completes."""
        done: list[list[int]] = []
        if message.type == "note_on" and message.velocity > 0:
            if self._pending and now - self._started > self.window:
                done.append(self._pending)
                self._pending = []
            if not self._pending:
                self._started = now
            if message.note not in self._pending:
                self._pending.append(message.note)
            self._held.add(message.note)
        elif message.type in ("note_off", "note_on"):
            self._held.discard(message.note)
            if not self._held and self._pending:
                done.append(self._pending)
                self._pending = []
        return done
