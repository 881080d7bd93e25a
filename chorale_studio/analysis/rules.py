"""The voice-leading rules, each a function from a score's sonorities (or notes) to Findings.

Choices a teacher could make differently, stated once here:

- Parallels and contrary fifths/octaves are checked for every pair of voices between
  consecutive sonorities, only when both voices sound in both and both change pitch.
  Intervals are measured between the two voices whichever is higher, modulo the octave,
  so a fifth moving to a twelfth is parallel fifths and unison to octave is octaves.
  Two voices that both leap by octaves keep their interval and are not a parallel.
- Hidden (direct) fifths/octaves follow the strict classical rule: only the outer voices
  (soprano and bass), similar motion into a perfect fifth or octave that was not already
  there, with a leap (more than a whole step) in the soprano.
- Crossing and spacing are states that may last several sonorities: each is reported once,
  where it begins.  Crossing and overlap look at neighbouring voices only.  An overlap that
  is also a crossing is reported as the crossing alone.
- Range and key are judged per note.
"""
from __future__ import annotations

from itertools import combinations
from typing import Iterator

from ..score import Key, Score, Voice, pitch_name
from .findings import (CONTRARY_FIFTHS, CONTRARY_OCTAVES, CROSSING, HIDDEN_FIFTHS, HIDDEN_OCTAVES, OUT_OF_KEY,
                       OVERLAP, PARALLEL_FIFTHS, PARALLEL_OCTAVES, RANGE, SEVERITY, SPACING, Finding, describe)
from .keys import allowed_pitch_classes
from .sonority import Sonority

PAIRS: tuple[tuple[Voice, Voice], ...] = tuple(combinations(Voice, 2))  # (upper, lower)
NEIGHBOURS: tuple[tuple[Voice, Voice], ...] = ((Voice.SOPRANO, Voice.ALTO), (Voice.ALTO, Voice.TENOR),
                                               (Voice.TENOR, Voice.BASS))
#: Widest allowed distance in semitones between neighbouring voices.
SPACING_LIMITS: dict[tuple[Voice, Voice], int] = {NEIGHBOURS[0]: 12, NEIGHBOURS[1]: 12, NEIGHBOURS[2]: 19}

_FIFTH, _OCTAVE = 7, 0
def _finding(score: Score, kind: str, voices: tuple[Voice, ...], step: int, detail: str = "") -> Finding:
    bar = score.bar_of(step)
    offset = step - bar * score.steps_per_bar
    per_beat = score.meter.steps_per_beat
    beat = f"{offset // per_beat + 1}"
    if offset % per_beat:
        beat += format(offset % per_beat / per_beat, "g").lstrip("0")  # 2.25, 2.5, 2.75
    return Finding(kind, voices, bar, step, describe(kind, voices, bar, beat, detail), SEVERITY[kind])


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def parallels(score: Score, chain: list[Sonority]) -> Iterator[Finding]:
    """Parallel and contrary fifths/octaves, and hidden fifths/octaves between the outer voices."""
    for before, after in zip(chain, chain[1:]):
        for upper, lower in PAIRS:
            a_hi, a_lo, b_hi, b_lo = before.pitch(upper), before.pitch(lower), after.pitch(upper), after.pitch(lower)
            if a_hi is None or a_lo is None or b_hi is None or b_lo is None:
                continue
            move_hi, move_lo = _sign(b_hi - a_hi), _sign(b_lo - a_lo)
            if not move_hi or not move_lo:
                continue
            if (b_hi - a_hi) % 12 == 0 and (b_lo - a_lo) % 12 == 0:
                continue  # both leap by octaves: the same interval re-voiced, not a new one
            was, now = abs(a_hi - a_lo) % 12, abs(b_hi - b_lo) % 12
            if now not in (_FIFTH, _OCTAVE):
                continue
            fifth = now == _FIFTH
            detail = f"{pitch_name(a_hi)}–{pitch_name(a_lo)} to {pitch_name(b_hi)}–{pitch_name(b_lo)}"
            if was == now:
                if move_hi == move_lo:
                    kind = PARALLEL_FIFTHS if fifth else PARALLEL_OCTAVES
                else:
                    kind = CONTRARY_FIFTHS if fifth else CONTRARY_OCTAVES
            elif ((upper, lower) == (Voice.SOPRANO, Voice.BASS) and move_hi == move_lo
                  and abs(b_hi - a_hi) > 2):
                kind = HIDDEN_FIFTHS if fifth else HIDDEN_OCTAVES
            else:
                continue
            yield _finding(score, kind, (upper, lower), after.step, detail)


def _crossed(s: Sonority, upper: Voice, lower: Voice) -> bool:
    hi, lo = s.pitch(upper), s.pitch(lower)
    return hi is not None and lo is not None and lo > hi


def crossings(score: Score, chain: list[Sonority]) -> Iterator[Finding]:
    """A lower voice above its upper neighbour, reported where the crossing begins."""
    for upper, lower in NEIGHBOURS:
        was = False
        for s in chain:
            now = _crossed(s, upper, lower)
            if now and not was:
                yield _finding(score, CROSSING, (upper, lower), s.step,
                               f"{pitch_name(s.pitch(lower))} above {pitch_name(s.pitch(upper))}")
            was = now


def overlaps(score: Score, chain: list[Sonority]) -> Iterator[Finding]:
    """A voice moving past the previous pitch of its neighbour without crossing it."""
    for before, after in zip(chain, chain[1:]):
        for upper, lower in NEIGHBOURS:
            a_hi, a_lo, b_hi, b_lo = before.pitch(upper), before.pitch(lower), after.pitch(upper), after.pitch(lower)
            if a_hi is None or a_lo is None or b_hi is None or b_lo is None or b_lo > b_hi:
                continue
            if (b_lo != a_lo and b_lo > a_hi) or (b_hi != a_hi and b_hi < a_lo):
                yield _finding(score, OVERLAP, (upper, lower), after.step,
                               f"{pitch_name(a_hi)}–{pitch_name(a_lo)} to {pitch_name(b_hi)}–{pitch_name(b_lo)}")


def spacing(score: Score, chain: list[Sonority]) -> Iterator[Finding]:
    """Neighbouring voices further apart than SPACING_LIMITS, reported where the gap opens."""
    for (upper, lower), limit in SPACING_LIMITS.items():
        was = False
        for s in chain:
            hi, lo = s.pitch(upper), s.pitch(lower)
            now = hi is not None and lo is not None and hi - lo > limit
            if now and not was:
                yield _finding(score, SPACING, (upper, lower), s.step, f"{hi - lo} semitones, at most {limit}")
            was = now


def ranges(score: Score) -> Iterator[Finding]:
    """Notes outside the voice's range as the score sets it."""
    for v, n in score.all_notes():
        if not score.in_range(v, n.pitch):
            lo, hi = score.ranges[v]
            yield _finding(score, RANGE, (v,), n.start,
                           f"{pitch_name(n.pitch)}, range {pitch_name(lo)}–{pitch_name(hi)}")


def out_of_key(score: Score, key: Key) -> Iterator[Finding]:
    """Notes whose pitch class is not in ``key`` (minor allows its raised sixth and seventh)."""
    allowed = allowed_pitch_classes(key)
    for v, n in score.all_notes():
        if n.pitch % 12 not in allowed:
            yield _finding(score, OUT_OF_KEY, (v,), n.start, f"{pitch_name(n.pitch)} in {key.name}")


def all_findings(score: Score, chain: list[Sonority], key: Key) -> list[Finding]:
    """Every finding of every rule, in time order."""
    found = [*parallels(score, chain), *crossings(score, chain), *overlaps(score, chain), *spacing(score, chain),
             *ranges(score), *out_of_key(score, key)]
    return sorted(found, key=lambda f: (f.step, f.voices, f.kind))
