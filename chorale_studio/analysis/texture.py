"""What a musician hears in four voices, counted so that a passage compares with the corpus: full
chords on the beats, unisons, crossings, registers, rhythm and rests.

The rule checker (``rules.py``) lists single errors; these are rates.  A fill can break no rule and
still be bad music: the alto, tenor and bass on one pitch, or a chord with no third on every beat.
Counts are kept in a ``Texture`` that adds up over pieces, so a benchmark can compare generated
bars with the same bars of the corpus.

- *frames*: sixteenth steps where at least two voices sound; a frame is a *unison* frame when two
  voices sound the same pitch, a *crossing* frame when a lower voice sounds above a higher one.
- *beats*: beat onsets where all four voices sound; a beat is *complete* when its pitch classes
  are exactly a triad (major, minor, diminished, augmented) or a seventh chord (dominant, minor,
  major, half-diminished, diminished).  The *chord type* of a beat is its pitch-class set up to
  transposition ("0-4-7" is any major triad, "0-7" an open fifth).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..score import Score, Voice
from .findings import CONTRARY_FIFTHS, CONTRARY_OCTAVES, PARALLEL_FIFTHS, PARALLEL_OCTAVES
from .rules import parallels
from .sonority import Sonority, sonorities

PARALLEL_KINDS = (PARALLEL_FIFTHS, PARALLEL_OCTAVES, CONTRARY_FIFTHS, CONTRARY_OCTAVES)


def chord_type(pitch_classes) -> tuple[int, ...]:
    """The set's intervals above its best root: the smallest rotation, so every transposition agrees."""
    pcs = sorted(set(p % 12 for p in pitch_classes))
    return min(tuple(sorted((p - r) % 12 for p in pcs)) for r in pcs)


_NAMED = {
    (0, 4, 7): "major triad", (0, 3, 7): "minor triad", (0, 3, 6): "diminished triad",
    (0, 4, 8): "augmented triad", (0, 4, 7, 10): "dominant seventh", (0, 3, 7, 10): "minor seventh",
    (0, 4, 7, 11): "major seventh", (0, 3, 6, 10): "half-diminished seventh", (0, 3, 6, 9): "diminished seventh",
}
#: Chord type → name, for the complete triads and seventh chords.
COMPLETE: dict[tuple[int, ...], str] = {chord_type(k): v for k, v in _NAMED.items()}


def type_name(t: tuple[int, ...]) -> str:
    return COMPLETE.get(t) or "-".join(map(str, t))


@dataclass
class Texture:
    """Counts over one or more passages; ``figures()`` turns them into rates."""

    frames: int = 0
    unison_frames: int = 0
    crossing_frames: int = 0
    beats: int = 0                      # beat onsets where all four voices sound
    complete_beats: int = 0
    unison_beats: int = 0               # beat onsets where two voices sing the same pitch
    all_beats: int = 0                  # every beat onset in the passages
    chord_types: Counter = field(default_factory=Counter)
    pitch_sum: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    notes: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    rest_steps: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    steps: int = 0
    changes: int = 0                    # sonority changes
    parallels: Counter = field(default_factory=Counter)

    def add(self, other: "Texture") -> "Texture":
        for name in ("frames", "unison_frames", "crossing_frames", "beats", "complete_beats", "unison_beats",
                     "all_beats", "steps", "changes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.chord_types.update(other.chord_types)
        self.parallels.update(other.parallels)
        for v in range(4):
            self.pitch_sum[v] += other.pitch_sum[v]
            self.notes[v] += other.notes[v]
            self.rest_steps[v] += other.rest_steps[v]
        return self

    def figures(self) -> dict:
        def share(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        per_beat = max(1, self.all_beats)
        return {
            "unison": share(self.unison_frames, self.frames),
            "crossing": share(self.crossing_frames, self.frames),
            "complete_chords": share(self.complete_beats, self.beats),
            "mean_pitch": {v.short: round(self.pitch_sum[v] / self.notes[v], 2) if self.notes[v] else None
                           for v in Voice},
            "onsets_per_beat": {v.short: round(self.notes[v] / per_beat, 3) for v in Voice},
            "rests": round(sum(self.rest_steps) / (4 * self.steps), 4) if self.steps else 0.0,
            "parallels_per_100_changes": round(100.0 * sum(self.parallels.values()) / self.changes, 3)
            if self.changes else 0.0,
            "parallels": {k: self.parallels.get(k, 0) for k in PARALLEL_KINDS},
            "beats": self.beats,
        }

    def distribution(self) -> dict[tuple[int, ...], float]:
        total = sum(self.chord_types.values())
        return {t: n / total for t, n in self.chord_types.items()} if total else {}


def chord_distance(a: Texture, b: Texture) -> float:
    """Total-variation distance between the chord-type distributions of two textures (0 same, 1 disjoint)."""
    da, db = a.distribution(), b.distribution()
    return round(0.5 * sum(abs(da.get(t, 0.0) - db.get(t, 0.0)) for t in set(da) | set(db)), 4)


def texture(score: Score, start: int | None = None, end: int | None = None,
            voices: frozenset[Voice] | None = None, chain: list[Sonority] | None = None) -> Texture:
    """The counts of steps [start, end) of ``score`` (the whole piece by default).

    With ``voices`` (the voices a generator wrote), only parallels involving one of them count:
    the faults of the music it was given are not its own.  ``chain`` is the score's sonorities, when
    the caller has them already."""
    start = 0 if start is None else max(0, start)
    end = score.total_steps if end is None else min(end, score.total_steps)
    out = Texture()
    if end <= start:
        return out
    lines = [[None] * (end - start) for _ in Voice]
    for v in Voice:
        for n in score.notes_between(v, start, end):
            a, b = max(n.start, start), min(n.end, end)
            lines[v][a - start:b - start] = [n.pitch] * (b - a)
            if n.start >= start:
                out.pitch_sum[v] += n.pitch
                out.notes[v] += 1
    per_beat = score.meter.steps_per_beat
    out.steps = end - start
    for i in range(end - start):
        now = [line[i] for line in lines]
        for v in Voice:
            if now[v] is None:
                out.rest_steps[v] += 1
        sounding = [p for p in now if p is not None]
        if len(sounding) >= 2:
            out.frames += 1
            if len(set(sounding)) < len(sounding):
                out.unison_frames += 1
            if any(now[u] is not None and now[w] is not None and now[w] > now[u]
                   for u in range(4) for w in range(u + 1, 4)):
                out.crossing_frames += 1
        if (start + i) % per_beat == 0:
            out.all_beats += 1
            if len(set(sounding)) < len(sounding):
                out.unison_beats += 1
            if len(sounding) == 4:
                out.beats += 1
                t = chord_type(sounding)
                out.chord_types[t] += 1
                if t in COMPLETE:
                    out.complete_beats += 1
    chain = sonorities(score) if chain is None else chain
    out.changes = sum(1 for s in chain if start <= s.step < end)
    out.parallels.update(f.kind for f in parallels(score, chain) if f.kind in PARALLEL_KINDS and start <= f.step < end
                         and (voices is None or voices & set(f.voices)))
    return out
