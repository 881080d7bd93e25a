"""Chord plans the sampler obeys: the composer's Roman numerals (``Score.plan``) as rules on the notes.

A planned chord sounds from its onset until the next planned chord (or, where the plan stops, the end
of its bar).  Written voices start their notes on its onset and on its beats with its tones — the
bass with the planned bass (the inversion), the voices together completing the chord (a seventh chord
may leave out its fifth) — while notes between the beats are free: passing and neighbour notes, as
the style puts them.  An upper voice may hold a note over the onset when it can resolve by step to a
chord tone (a prepared suspension); no other note foreign to the chord is held over one of its beats.

``check`` refuses, before any sampling, a plan the given voices contradict, naming bar and beat.
The rules have the interface of ``cadence.PhraseEnd`` (``pitches``, ``banned_rests``,
``banned_lengths``, ``may_end``), so the engine asks them with the phrase ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ..analysis import harmony
from ..analysis.harmony import FigureError
from ..score import Cell, Score, Voice, pitch_name
from .cadence import Phrasing, others
from .requests import GenerationError


@dataclass(frozen=True)
class PlannedChord:
    """One chord of the plan in window steps (``analysis.harmony.PlannedChord`` there in piece steps)."""

    at: int
    until: int
    pcs: frozenset[int]
    bass: int
    required: frozenset[int]   # what must sound at the onset: all tones, a seventh chord's fifth excepted


def chords(score: Score) -> list[harmony.PlannedChord]:
    """The score's planned chords; a figure this program cannot read is a GenerationError naming its place."""
    try:
        return harmony.planned_chords(score)
    except FigureError as exc:
        raise GenerationError(f"the chord plan at {exc}") from None


def phrasing(ends: tuple, score: Score, first_bar: int, bars: int) -> Phrasing | None:
    """The rules a window's sampling asks: its phrase ends (``cadence.py``) and the chord plan's."""
    # The plan before the phrase ends: it is the composer's.  The strict rules still come first (the sampler
    # asks them before these): with strict voice leading on, a planned chord gives way to parallel fifths.
    ends = rules(score, first_bar, bars) + ends
    return Phrasing(ends) if ends else None


def rules(score: Score, first_bar: int, bars: int) -> tuple["PlanRules", ...]:
    """The plan's rules for a window of ``bars`` bars from ``first_bar`` (none where nothing is planned)."""
    if not score.plan:
        return ()
    spb = score.steps_per_bar
    lo, hi = first_bar * spb, (first_bar + bars) * spb
    inside = tuple(PlannedChord(c.at - lo, c.until - lo, c.pcs, c.bass, c.required)
                   for c in chords(score) if lo <= c.at < hi)
    return (PlanRules(inside, score.meter.steps_per_beat),) if inside else ()


def check(score: Score, targets: Iterable[Cell]) -> None:
    """Refuse a plan the given (not written) voices contradict: a planned chord whose onset finds a given
    note outside it that does not move on by step (as a passing or neighbour note or a suspension does),
    or a given bass other than the planned one."""
    written = set(targets)
    for c in chords(score):
        at, figure, pcs, bass, key = c.at, c.figure, c.pcs, c.bass, c.key
        bar = score.bar_of(at)
        names = "–".join(_name(pc, key) for pc in _ordered(pcs, bass))
        for voice in Voice:
            if (voice, bar) in written:
                continue
            note = score.note_at(voice, at)
            if note is None:
                continue
            if voice == Voice.BASS and note.pitch % 12 != bass:
                raise GenerationError(
                    f"the chord plan cannot be kept at {harmony.where(score, at)}: {figure} in {key.name} ({names}) "
                    f"needs {_name(bass, key)} in the bass, but the bass sings "
                    f"{pitch_name(note.pitch, flats=key.fifths < 0)}; change the plan or let the bass be written")
            if note.pitch % 12 in pcs:
                continue
            following = score.note_at(voice, note.end)
            if following is not None and abs(following.pitch - note.pitch) <= 2:
                continue   # a non-chord tone on the beat that moves on by step: passing, neighbour, suspension
            raise GenerationError(
                f"the chord plan cannot be kept at {harmony.where(score, at)}: {figure} in {key.name} ({names}) "
                f"does not hold the {voice.label.lower()}'s {pitch_name(note.pitch, flats=key.fifths < 0)}; change the plan or "
                f"let the {voice.label.lower()} be written")


def _name(pc: int, key) -> str:
    """A pitch class named as the key would (flats in flat keys): 'Bb', 'F#'."""
    return pitch_name(60 + pc, flats=key.fifths < 0)[:-1]


def _ordered(pcs: frozenset[int], bass: int) -> list[int]:
    return sorted(pcs, key=lambda pc: (pc - bass) % 12)


@dataclass(frozen=True)
class PlanRules:
    """The rules of every planned chord a window writes (interface of ``cadence.PhraseEnd``)."""

    chords: tuple[PlannedChord, ...]
    beat: int

    def _at(self, step: int) -> PlannedChord | None:
        return next((c for c in self.chords if c.at <= step < c.until), None)

    def pitches(self, voice: Voice, step: int, candidates: Iterable[int],
                sounding: Mapping[Voice, int | None]) -> set[int] | None:
        chord = self._at(step)
        if chord is None or (step != chord.at and step % self.beat):
            return None   # no plan here, or between the beats: passing and neighbour notes are free
        candidates = list(candidates)
        if voice == Voice.BASS:
            pcs = {chord.bass} if step == chord.at else set(chord.pcs)
        else:
            pcs = set(chord.pcs)
            if step == chord.at:
                known, unknown = others(voice, sounding)
                complete = {pc for pc in pcs if len(chord.required - known - {pc}) <= unknown}
                if any(p % 12 in complete for p in candidates):
                    pcs = complete
        return {p for p in candidates if p % 12 in pcs} or None

    def banned_rests(self, step: int, lengths: Iterable[int]) -> set[int]:
        return {d for d in lengths for c in self.chords if step <= c.at < step + d}

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int],
                       start: int | None = None, sounding=None) -> set[int]:
        """Lengths that would hold ``pitch`` over a beat of a planned chord it does not belong to (in the
        bass: over the onset, anything but the planned bass).  Only a prepared suspension may: an upper
        voice's note of the chord before, held over the onset, that can fall a step into the chord; it
        resolves half a beat later."""
        start = step if start is None else start
        lengths = list(lengths)
        out: set[int] = set()
        for i, c in enumerate(self.chords):
            first_beat = c.at - c.at % self.beat + self.beat
            beats = [b for b in range(first_beat, c.until, self.beat) if pitch % 12 not in c.pcs]
            before = self.chords[i - 1] if i and self.chords[i - 1].until == c.at else None
            onset_fits = pitch % 12 == c.bass if voice == Voice.BASS else pitch % 12 in c.pcs
            if onset_fits and voice != Voice.BASS and before is not None and pitch % 12 not in c.required \
                    and c.required - before.pcs:
                beats.append(c.at)   # V, then V7: the fifth held over gives way to the seventh coming in
            if not onset_fits:
                resolution = c.at + max(1, self.beat // 2)
                suspended = (voice != Voice.BASS and before is not None and before.at <= start < c.at
                             and resolution < c.until   # the chord lasts beyond its resolution
                             and pitch % 12 in before.pcs and any((pitch - k) % 12 in c.pcs for k in (1, 2)))
                if suspended:
                    beats.append(resolution)   # held over the onset, resolved half a beat on
                else:
                    beats.append(c.at)
            for beat in beats:
                if start < beat == step:
                    return set(lengths)   # the note must end here
                out |= {d for d in lengths if step < beat < step + d}
        return out

    def may_end(self, step: int) -> bool:
        return True

