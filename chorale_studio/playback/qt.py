"""The thin Qt face of the transport, for the editor window.

    controller = PlaybackController(score, soundfont=settings_value_or_None)
    controller.positionChanged.connect(piano_roll.set_playhead)   # float step, 40 times a second
    controller.stateChanged.connect(...)                           # "playing" / "paused" / "stopped"
    controller.availabilityChanged.connect(...)                    # (sound heard?, message to show)
    Space → controller.toggle(); "play from cursor" → controller.play(step)
    selection → controller.set_loop(first_step, end_step) / set_loop(None)
    tempo box → controller.set_tempo(bpm); mixer → controller.set_mix(Mix)
    every score edit → controller.set_score(score)
    on quit → controller.close()

Without libfluidsynth, a soundfont or an audio device the controller still
plays silently (the playhead moves and loops); ``available`` is False and
``message`` says what to install, so the window can show it and grey out what
it likes.  ``audio="null"`` asks for that silent mode on purpose (tests, CI).
The transport's state is polled by the timer, so no signal ever comes from a
non-GUI thread.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..score.model import Score
from .schedule import Mix
from .transport import PlaybackState, Transport

#: Playhead updates per second (the piano roll scrolls with them).
POSITION_HZ = 40


class PlaybackController(QObject):
    positionChanged = Signal(float)
    stateChanged = Signal(str)
    availabilityChanged = Signal(bool, str)

    def __init__(self, score: Score, soundfont: str | Path | None = None, audio: str = "auto",
                 parent: QObject | None = None, **transport_options) -> None:
        super().__init__(parent)
        self.transport = Transport(score, soundfont=soundfont, audio=audio, **transport_options)
        self._state = self.transport.state
        self._position = self.transport.position()
        self._timer = QTimer(self)
        self._timer.setInterval(1000 // POSITION_HZ)
        self._timer.timeout.connect(self._poll)
        # Queued so a window connecting after construction still hears the first word.
        QTimer.singleShot(0, lambda: self.availabilityChanged.emit(self.available, self.message))

    @property
    def available(self) -> bool:
        return self.transport.available

    @property
    def message(self) -> str:
        return self.transport.message

    def state(self) -> PlaybackState:
        return self.transport.state

    def position(self) -> float:
        return self.transport.position()

    def _poll(self) -> None:
        position, state = self.transport.position(), self.transport.state
        if position != self._position:
            self._position = position
            self.positionChanged.emit(position)
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)
        if state != PlaybackState.PLAYING:
            self._timer.stop()

    def _after_command(self) -> None:
        if self.transport.state == PlaybackState.PLAYING:
            self._timer.start()
        self._poll()

    @Slot()
    @Slot(float)
    def play(self, from_step: float | None = None) -> None:
        self.transport.play(from_step)
        self._after_command()

    @Slot()
    def pause(self) -> None:
        self.transport.pause()
        self._after_command()

    @Slot()
    def stop(self) -> None:
        self.transport.stop()
        self._after_command()

    @Slot()
    def toggle(self) -> None:
        self.transport.toggle()
        self._after_command()

    def set_loop(self, start_step: int | None, end_step: int | None = None) -> None:
        self.transport.set_loop(start_step, end_step)
        self._after_command()

    @Slot(float)
    def set_tempo(self, tempo: float) -> None:
        self.transport.set_tempo(tempo)

    def set_mix(self, mix: Mix) -> None:
        self.transport.set_mix(mix)

    def set_score(self, score: Score) -> None:
        self.transport.set_score(score)
        self._after_command()

    def close(self) -> None:
        self._timer.stop()
        self.transport.close()
