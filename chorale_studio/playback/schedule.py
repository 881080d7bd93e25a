"""What to play and when: a Score turned into time-ordered note events, plus the per-voice mix.

Pure Python (no Qt, no FluidSynth), so both the offline renderer and the live
transport read the same list.  Events stay in integer sixteenth steps; the
tempo turns them into seconds or samples only at the edge (``step_seconds``,
``step_sample``) so a tempo change while playing needs no new schedule.

Each voice sings on its own MIDI channel (soprano 0 … bass 3).  The default
sound is General MIDI program 52, "Choir Aahs" (0-based numbering): voices
singing a chorale; a composer can pick another program per voice in the mix
(19, "Church Organ", is the other natural choice).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..score.model import Score, Voice

#: General MIDI program (0-based) every voice gets unless the mix says otherwise: Choir Aahs.
CHOIR_AAHS = 52
#: Velocity of every note: the score has no dynamics, so a steady mezzo-forte.
DEFAULT_VELOCITY = 80
#: Pan per voice (MIDI CC 10, 64 = centre): a choir spread gently left (high) to right (low).
DEFAULT_PAN = {Voice.SOPRANO: 48, Voice.ALTO: 58, Voice.TENOR: 70, Voice.BASS: 80}


@dataclass(frozen=True)
class VoiceMix:
    """How one voice sounds: muted or soloed, volume and pan (MIDI 0–127), GM program."""

    muted: bool = False
    solo: bool = False
    volume: int = 100
    pan: int = 64
    program: int = CHOIR_AAHS


@dataclass(frozen=True)
class Mix:
    """The mixer of the four voices.  Soloing any voice silences every voice not soloed."""

    soprano: VoiceMix = VoiceMix(pan=DEFAULT_PAN[Voice.SOPRANO])
    alto: VoiceMix = VoiceMix(pan=DEFAULT_PAN[Voice.ALTO])
    tenor: VoiceMix = VoiceMix(pan=DEFAULT_PAN[Voice.TENOR])
    bass: VoiceMix = VoiceMix(pan=DEFAULT_PAN[Voice.BASS])

    def __getitem__(self, voice: Voice) -> VoiceMix:
        return getattr(self, Voice(voice).name.lower())

    def with_voice(self, voice: Voice, **changes) -> "Mix":
        """This mix with one voice changed, e.g. ``mix.with_voice(Voice.BASS, solo=True)``."""
        name = Voice(voice).name.lower()
        return replace(self, **{name: replace(getattr(self, name), **changes)})

    def audible(self, voice: Voice) -> bool:
        if any(self[v].solo for v in Voice):
            return self[voice].solo and not self[voice].muted
        return not self[voice].muted

    def channel_volume(self, voice: Voice) -> int:
        """The MIDI volume (CC 7) the voice's channel gets: 0 when muted or out of the solo."""
        return self[voice].volume if self.audible(voice) else 0


@dataclass(frozen=True, order=True)
class NoteEvent:
    """One note-on or note-off at a step.  Sorting puts note-offs before note-ons at equal steps,
    so a repeated pitch is released before it is struck again."""

    step: int
    on: bool
    channel: int
    pitch: int
    velocity: int = 0


def channel_of(voice: Voice) -> int:
    return int(Voice(voice))


def schedule(score: Score, start_step: int = 0, end_step: int | None = None,
             velocity: int = DEFAULT_VELOCITY) -> list[NoteEvent]:
    """The note events of all four voices in [start_step, end_step), time-ordered.

    Notes are cut at both ends of the range: a note already sounding at
    ``start_step`` is struck there (playing from the cursor in mid-note sounds
    it), and a note still sounding at ``end_step`` is released there (a loop
    ends cleanly at its last barline).
    """
    end = score.total_steps if end_step is None else min(end_step, score.total_steps)
    events: list[NoteEvent] = []
    for voice in Voice:
        ch = channel_of(voice)
        for n in score.notes_between(voice, start_step, end):
            events.append(NoteEvent(max(n.start, start_step), True, ch, n.pitch, velocity))
            events.append(NoteEvent(min(n.end, end), False, ch, n.pitch))
    events.sort()
    return events


def step_seconds(step: float, tempo: float) -> float:
    """Seconds from step 0 to ``step`` at ``tempo`` quarter notes per minute (4 steps a quarter)."""
    return step * 15.0 / tempo


def step_sample(step: float, tempo: float, sample_rate: int) -> int:
    """The sample index at which ``step`` falls."""
    return round(step * 15.0 * sample_rate / tempo)


def seconds_step(seconds: float, tempo: float) -> float:
    return seconds * tempo / 15.0

