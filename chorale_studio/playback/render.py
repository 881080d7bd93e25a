"""Offline rendering of a Score to audio samples or a WAV file, with no audio device.

The synth is pulled in blocks that end exactly at the next event's sample, so
each note is sent at its own sample position.  (FluidSynth itself starts
voices on its internal 64-sample block grid, so a note may sound up to 64
samples — 1.5 ms at 44.1 kHz — after its ideal time.)

The file holds the music and nothing more: its length is bars × steps per bar
at the score's tempo, to the sample.  The last notes are released at the end
and the final 10 ms fade out so the cut does not click.
"""
from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np

from ..errors import ChoraleError
from ..score.model import Score
from .schedule import Mix, schedule, step_sample
from .soundfonts import require_soundfont
from .synth import DEFAULT_GAIN, ChoirSynth

FADE_SECONDS = 0.010


def render_samples(score: Score, soundfont: str | os.PathLike | None = None, sample_rate: int = 44100,
                   mix: Mix | None = None, gain: float = DEFAULT_GAIN) -> np.ndarray:
    """The whole piece as int16 stereo frames, shape (frames, 2)."""
    if not 8000 <= sample_rate <= 192000:
        raise ChoraleError(f"sample rate {sample_rate} Hz is outside 8000–192000")
    font = require_soundfont(soundfont)
    total = step_sample(score.total_steps, score.tempo, sample_rate)
    out = np.empty((total, 2), dtype=np.int16)
    synth = ChoirSynth(font, sample_rate=sample_rate, mix=mix, gain=gain)
    try:
        mix = synth.mix
        written = 0
        for event in schedule(score):
            if not mix.audible(event.channel):
                continue
            at = min(step_sample(event.step, score.tempo, sample_rate), total)
            if at > written:
                out[written:at] = synth.samples(at - written)
                written = at
            synth.play(event)
        if total > written:
            out[written:] = synth.samples(total - written)
    finally:
        synth.close()
    fade = min(total, int(FADE_SECONDS * sample_rate))
    if fade:
        out[total - fade:] = (out[total - fade:] * np.linspace(1.0, 0.0, fade)[:, None]).astype(np.int16)
    return out


def write_wav(frames: np.ndarray, path: str | os.PathLike, sample_rate: int) -> Path:
    """Write int16 stereo frames as a 16-bit PCM WAV file."""
    path = Path(path)
    try:
        with wave.open(str(path), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(sample_rate)
            w.writeframes(np.ascontiguousarray(frames, dtype="<i2").tobytes())
    except OSError as exc:
        raise ChoraleError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def render_wav(score: Score, path: str | os.PathLike, soundfont: str | os.PathLike | None = None,
               sample_rate: int = 44100, mix: Mix | None = None) -> Path:
    """Render ``score`` offline to a 16-bit stereo WAV at ``path``; the soundfont is found if not given."""
    return write_wav(render_samples(score, soundfont, sample_rate, mix), path, sample_rate)
