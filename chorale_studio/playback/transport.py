"""The real-time player: play, pause, stop, play from a step, loop bars, tempo and mix while playing.

No Qt here; ``qt.PlaybackController`` wraps it for the window.

Sound: a FluidSynth audio driver, chosen explicitly from a per-platform list
(the first that opens wins, FluidSynth's default is never used), renders the
synth.  Notes reach the synth through FluidSynth's sequencer, driven by the
synth's own sample clock, each at an absolute tick: a feeder thread keeps the
next ``LOOKAHEAD`` seconds scheduled, so timing is as exact as the audio
rendering and never depends on when Python wakes up.

Clock: the playhead is computed from an anchor (a step and the time it was
played) and the tempo.  With sound, time is the sequencer's tick (what the
synth has rendered); without sound — no library, no soundfont, no audio
device, or ``audio="null"`` on purpose (CI) — it is the system's monotonic
clock, so the playhead still moves, loops and stops as if the music sounded.

A tempo, loop or mix change while playing re-anchors at the current position
and schedules the rest afresh; notes already sounding go on.
"""
from __future__ import annotations

import math
import os
import sys
import threading
import time
from ctypes import c_int, c_short, c_void_p
from enum import Enum
from pathlib import Path
from typing import Iterator, Sequence

from ..score.model import Score
from .schedule import Mix, NoteEvent, schedule, seconds_step, step_seconds
from .soundfonts import require_soundfont
from .synth import ChoirSynth, PlaybackUnavailable

#: Seconds of music kept scheduled ahead of the synth.
LOOKAHEAD = 0.25
#: How often the feeder tops the schedule up (well under LOOKAHEAD).
FEED_INTERVAL = 0.05
#: Play starts this long after the command, so the first note is scheduled ahead like all the others
#: and not late by however long the synth takes to pick it up.
START_DELAY = 0.02



class PlaybackState(str, Enum):
    """Where the transport is; equal to its plain name ("playing"), which ``stateChanged`` carries."""

    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


STOPPED, PLAYING, PAUSED = PlaybackState.STOPPED, PlaybackState.PLAYING, PlaybackState.PAUSED


def platform_drivers(platform: str = sys.platform) -> tuple[str, ...]:
    """FluidSynth audio drivers to try on ``platform``, best first."""
    if platform.startswith("linux"):
        return ("pulseaudio", "pipewire", "alsa", "jack")
    if platform == "darwin":
        return ("coreaudio", "portaudio")
    if platform == "win32":
        return ("wasapi", "dsound", "waveout")
    return ("sdl2", "portaudio")


class _Sound:
    """A ChoirSynth with a running audio driver and a sample-clocked sequencer."""

    def __init__(self, synth: ChoirSynth, drivers: Sequence[str], settings: dict[str, object]) -> None:
        import fluidsynth as fl  # already loaded by ChoirSynth

        self.synth = synth
        fluid = synth.fluid
        for name, value in settings.items():
            fluid.setting(name, value)
        # Without this JACK tries to launch its own server when none runs, stalling for seconds.
        os.environ.setdefault("JACK_NO_START_SERVER", "1")
        for driver in drivers:
            fluid.setting("audio.driver", driver)
            fluid.audio_driver = fl.new_fluid_audio_driver(fluid.settings, fluid.synth)
            if fluid.audio_driver:
                self.driver = driver
                break
        else:
            raise PlaybackUnavailable(
                f"no audio output could be opened (tried {', '.join(drivers)}); "
                "check that a sound device or sound server is available")
        # use_system_timer=False: the sequencer's clock is the synth's rendered samples.
        self.sequencer = fl.Sequencer(time_scale=1000, use_system_timer=False)
        self.dest = self.sequencer.register_fluidsynth(fluid)
        self._remove_events = fl.cfunc("fluid_sequencer_remove_events", None, ("seq", c_void_p, 1),
                                       ("source", c_short, 1), ("dest", c_short, 1), ("type", c_int, 1))

    def now(self) -> float:
        return self.sequencer.get_tick() / 1000.0

    def send(self, at: float, event: NoteEvent) -> None:
        tick = max(0, round(at * 1000.0))
        if event.on:
            self.sequencer.note_on(tick, event.channel, event.pitch, event.velocity, dest=self.dest)
        else:
            self.sequencer.note_off(tick, event.channel, event.pitch, dest=self.dest)

    def cancel(self) -> None:
        """Forget every event scheduled but not yet played."""
        self._remove_events(self.sequencer.sequencer, -1, self.dest, -1)

    def close(self) -> None:
        import fluidsynth as fl

        # The driver's thread calls into the sequencer, so it goes first.
        fl.delete_fluid_audio_driver(self.synth.fluid.audio_driver)
        self.synth.fluid.audio_driver = None
        self.sequencer.delete()
        self.synth.close()


class Transport:
    """Plays a Score in real time.  All methods are thread-safe and return at once.

    Positions are in (fractional) sixteenth steps.  ``available`` says whether
    sound is heard; ``message`` says why not, or names the soundfont and driver.
    """

    def __init__(self, score: Score, *, soundfont: str | Path | None = None, mix: Mix | None = None,
                 audio: str = "auto", drivers: Sequence[str] | None = None,
                 driver_settings: dict[str, object] | None = None, sample_rate: int = 44100) -> None:
        """``audio="null"`` runs the clock only; otherwise ``drivers`` (default: ``platform_drivers()``)
        are tried in order.  ``driver_settings`` are extra FluidSynth settings for the driver,
        e.g. ``{"audio.file.name": "out.wav"}`` with ``drivers=["file"]``."""
        self._lock = threading.RLock()
        self._score = score.copy()
        self._mix = mix or Mix()
        self._tempo = float(score.tempo)
        self._loop: tuple[int, int] | None = None
        self._state = STOPPED
        self._start_step = 0.0
        self._anchor_step = 0.0
        self._anchor_time = 0.0
        self._sound: _Sound | None = None
        self._pending: Iterator[tuple[float, NoteEvent]] = iter(())
        self._next: tuple[float, NoteEvent] | None = None
        self._closing = threading.Event()
        if audio == "null":
            self.available, self.message = False, "silent mode: no audio output was asked for"
        else:
            self._open_sound(soundfont, drivers or platform_drivers(), driver_settings or {}, sample_rate)
        self._feeder: threading.Thread | None = None
        if self._sound is not None:
            self._feeder = threading.Thread(target=self._feed_loop, name="playback-feeder", daemon=True)
            self._feeder.start()

    def _open_sound(self, soundfont, drivers, settings, sample_rate) -> None:
        synth = None
        try:
            font = require_soundfont(soundfont)
            synth = ChoirSynth(font, sample_rate=sample_rate, mix=self._mix)
            self._sound = _Sound(synth, drivers, settings)
        except PlaybackUnavailable as exc:
            if synth is not None:
                synth.close()
            self.available, self.message = False, f"playback is silent: {exc}"
            return
        self.available = True
        self.message = f"playing with {font.name} through {self._sound.driver}"

    # ---- clock ------------------------------------------------------------------------------
    def _now(self) -> float:
        return self._sound.now() if self._sound else time.monotonic()

    def _unwrapped(self, now: float) -> float:
        """The step reached at ``now`` if the music ran on past the loop end without wrapping."""
        return self._anchor_step + seconds_step(max(0.0, now - self._anchor_time), self._tempo)

    def _fold(self, u: float) -> float:
        if self._loop and u >= self._loop[1]:
            a, b = self._loop
            return a + (u - b) % (b - a)
        return u

    def _advance(self) -> float:
        """The playhead now; reaching the end of the piece (with no loop) stops playback."""
        if self._state != PLAYING:
            return self._anchor_step
        u = self._unwrapped(self._now())
        if self._loop is None and u >= self._score.total_steps:
            self._halt(STOPPED)
            return self._anchor_step
        return self._fold(u)

    # ---- what to play ----------------------------------------------------------------------
    def _timeline(self, strike_sounding: bool) -> Iterator[tuple[float, NoteEvent]]:
        """(unwrapped step, event) pairs from the anchor on, passing through the loop forever."""
        start = self._anchor_step
        first_end = self._loop[1] if self._loop else self._score.total_steps
        for e in schedule(self._score, math.floor(start), first_end):
            if e.step < start and e.on and not strike_sounding:
                continue
            yield max(float(e.step), start), e
        if self._loop:
            a, b = self._loop
            loop_events = schedule(self._score, a, b)
            offset = b - a
            while loop_events:
                for e in loop_events:
                    yield float(e.step + offset), e
                offset += b - a

    def _reanchor(self, step: float, strike_sounding: bool) -> None:
        self._anchor_step = step
        self._anchor_time = self._now() + (START_DELAY if strike_sounding and self._sound else 0.0)
        if self._sound:
            self._sound.cancel()
            if strike_sounding:
                self._sound.synth.silence()
        self._pending, self._next = self._timeline(strike_sounding), None
        self._feed()

    def _feed(self) -> None:
        """Send every event due before now + LOOKAHEAD to the sequencer at its exact time."""
        if self._sound is None or self._state != PLAYING:
            return
        horizon = self._unwrapped(self._now() + LOOKAHEAD)
        while True:
            if self._next is None:
                self._next = next(self._pending, None)
                if self._next is None:
                    return
            u, event = self._next
            if u >= horizon:
                return
            self._sound.send(self._anchor_time + step_seconds(u - self._anchor_step, self._tempo), event)
            self._next = None

    def _feed_loop(self) -> None:
        while not self._closing.wait(FEED_INTERVAL):
            with self._lock:
                self._advance()
                self._feed()

    def _halt(self, state: PlaybackState) -> None:
        self._state = state
        if self._sound:
            self._sound.cancel()
            self._sound.synth.silence()
        self._pending, self._next = iter(()), None
        if state == STOPPED:
            self._anchor_step = self._start_step

    # ---- controls ------------------------------------------------------------------------
    def play(self, from_step: float | None = None) -> None:
        """Play from ``from_step`` (the cursor), else resume after a pause, else from where the last
        playback started.  With a loop set, a start outside the loop jumps to the loop's start."""
        with self._lock:
            if from_step is not None:
                self._start_step = float(from_step)
                step = self._start_step
            elif self._state == PAUSED:
                step = self._anchor_step
            elif self._state == PLAYING:
                return
            else:
                step = self._start_step
            step = min(max(step, 0.0), float(self._score.total_steps))
            if self._loop and not self._loop[0] <= step < self._loop[1]:
                step = float(self._loop[0])
            if self._loop is None and step >= self._score.total_steps:
                step = 0.0
            self._state = PLAYING
            self._reanchor(step, strike_sounding=True)

    def pause(self) -> None:
        with self._lock:
            if self._state == PLAYING:
                step = self._advance()
                if self._state == PLAYING:
                    self._halt(PAUSED)
                    self._anchor_step = step

    def stop(self) -> None:
        """Stop and put the playhead back where playback started."""
        with self._lock:
            self._halt(STOPPED)

    def toggle(self) -> None:
        """Space bar: stop when playing, play otherwise."""
        with self._lock:
            if self.state == PLAYING:
                self.stop()
            else:
                self.play()

    def set_loop(self, start_step: int | None, end_step: int | None = None) -> None:
        """Loop [start_step, end_step) (steps; e.g. the selected bars), or no loop when start_step is None."""
        with self._lock:
            here = self._advance()
            if start_step is None:
                self._loop = None
            else:
                end = self._score.total_steps if end_step is None else end_step
                a, b = max(0, int(start_step)), min(int(end), self._score.total_steps)
                if b <= a:
                    raise ValueError(f"a loop needs an end after its start, not {start_step}–{end_step}")
                self._loop = (a, b)
            if self._state == PLAYING:
                inside = self._loop is None or self._loop[0] <= here < self._loop[1]
                self._reanchor(here if inside else float(self._loop[0]), strike_sounding=not inside)

    def set_tempo(self, tempo: float) -> None:
        """Change the tempo (quarter notes per minute); takes effect at once while playing."""
        with self._lock:
            if not 20 <= tempo <= 300:
                raise ValueError(f"tempo {tempo} must be between 20 and 300")
            here = self._advance()
            self._tempo = float(tempo)
            if self._state == PLAYING:
                self._reanchor(here, strike_sounding=False)

    def set_mix(self, mix: Mix) -> None:
        """Mute, solo, volume, pan and program per voice; heard at once."""
        with self._lock:
            self._mix = mix
            if self._sound:
                self._sound.synth.set_mix(mix)

    def set_score(self, score: Score) -> None:
        """Play the edited score from here on (the transport keeps its own copy)."""
        with self._lock:
            here = self._advance()
            self._score = score.copy()
            if self._loop and self._loop[1] > score.total_steps:
                self._loop = None
            if self._state == PLAYING:
                self._reanchor(min(here, float(score.total_steps)), strike_sounding=True)
            elif self._anchor_step > score.total_steps:
                self._anchor_step = 0.0

    # ---- reading -------------------------------------------------------------------------
    def position(self) -> float:
        """The playhead in steps."""
        with self._lock:
            return self._advance()

    @property
    def state(self) -> PlaybackState:
        with self._lock:
            self._advance()
            return self._state

    @property
    def tempo(self) -> float:
        return self._tempo

    @property
    def loop(self) -> tuple[int, int] | None:
        return self._loop

    @property
    def mix(self) -> Mix:
        return self._mix

    def close(self) -> None:
        """Stop the sound and free the synth; the transport cannot be used afterwards."""
        self._closing.set()
        if self._feeder is not None:
            self._feeder.join()
        with self._lock:
            self._halt(STOPPED)
            if self._sound is not None:
                self._sound.close()
                self._sound = None
