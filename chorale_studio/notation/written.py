"""What a voice's bar looks like on paper: its notes and rests as written values, tied where one
sung note needs more than one written value (across a barline, or a length no single value has).

Values follow the beat, as an engraver would write them: a note starting off the beat is written
up to the next beat and tied on (an eighth tied to an eighth, not a syncopated quarter); rests
show where the beats and the middle of a 4/4 bar fall.  Each written element has an id that names
the score note it belongs to, so a click on the engraving finds the note in the score, and the
engraving's elements can be counted against the score.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..score import Note, Score, Voice
from .spelling import Spelled, spell

#: (steps, MEI dur, dots, the steps the value's start must fall on within the bar), longest first.
_NOTE_VALUES = ((16, 1, 0, 16), (12, 2, 1, 4), (8, 2, 0, 4), (6, 4, 1, 4), (4, 4, 0, 4), (3, 8, 1, 4),
                (2, 8, 0, 2), (1, 16, 0, 1))
_REST_VALUES = ((8, 2, 0, 8), (4, 4, 0, 4), (2, 8, 0, 2), (1, 16, 0, 1))


@dataclass(frozen=True)
class Written:
    """One written note or rest of one voice in one bar.

    ``spelled`` is None for a rest; ``note_start`` is the start step of the score note it writes
    (None for a rest).  ``full_bar`` marks the whole-bar rest of a silent bar."""

    id: str
    voice: Voice
    bar: int
    start: int
    steps: int
    dur: int
    dots: int
    spelled: Spelled | None = None
    note_start: int | None = None
    tie_in: bool = False
    tie_out: bool = False
    full_bar: bool = False

    @property
    def is_rest(self) -> bool:
        return self.spelled is None

    @property
    def end(self) -> int:
        return self.start + self.steps


def note_id(voice: Voice, note_start: int, written_start: int) -> str:
    """The id of the written value at ``written_start`` of the note of ``voice`` starting at ``note_start``."""
    return f"n-{voice.short}-{note_start}-{written_start}"


def rest_id(voice: Voice, start: int) -> str:
    return f"r-{voice.short}-{start}"


def written_start(element_id: str) -> int:
    """The step where the written note or rest of this id begins."""
    return int(element_id.rpartition("-")[2])


def parse_note_id(text: str) -> tuple[Voice, int] | None:
    """(voice, start step of the score note) from a note id; None for anything else."""
    parts = text.split("-")
    if len(parts) != 4 or parts[0] != "n" or parts[1] not in "SATB" or not parts[1]:
        return None
    try:
        return Voice.parse(parts[1]), int(parts[2])
    except ValueError:
        return None


def values(position: int, length: int, notes: bool = True) -> list[tuple[int, int, int]]:
    """(steps, dur, dots) of the written values that fill ``length`` steps from ``position`` (steps
    into the bar); a note's values are tied together."""
    table = _NOTE_VALUES if notes else _REST_VALUES
    out = []
    while length > 0:
        steps, dur, dots, _ = next(v for v in table if v[0] <= length and position % v[3] == 0)
        out.append((steps, dur, dots))
        position += steps
        length -= steps
    return out


def bar_start(score: Score, bar: int) -> int:
    """Where the written bar begins: bar 0 of a piece with a pickup holds only its last ``pickup`` steps."""
    return score.written_span(bar)[0]


def write_bar(score: Score, voice: Voice, bar: int, notes: list[Note] | None = None) -> list[Written]:
    """The written notes and rests of ``voice`` in ``bar`` (``notes``: what the voice sings there,
    by default the score's), in time order."""
    spb = score.steps_per_bar
    first, bar_end = score.written_span(bar)
    notes = score.notes_between(voice, first, bar_end) if notes is None else notes
    out: list[Written] = []
    now = first
    for n in notes:
        start, end = max(n.start, first), min(n.end, bar_end)
        if start >= end:
            continue
        if start > now:
            out += _rests(voice, bar, now, start - now, spb)
        pieces = values(start - bar * spb, end - start)
        spelled = spell(n.pitch, score.key)
        for k, (steps, dur, dots) in enumerate(pieces):
            out.append(Written(note_id(voice, n.start, start), voice, bar, start, steps, dur, dots, spelled,
                               n.start, tie_in=(k > 0 or n.start < first), tie_out=(k < len(pieces) - 1 or n.end > end)))
            start += steps
        now = end
    if not out and bar_end - first == spb:
        return [Written(rest_id(voice, first), voice, bar, first, spb, 1, 0, full_bar=True)]
    if now < bar_end:
        out += _rests(voice, bar, now, bar_end - now, spb)
    return out


def _rests(voice: Voice, bar: int, start: int, length: int, spb: int) -> list[Written]:
    out = []
    for steps, dur, dots in values(start - bar * spb, length, notes=False):
        out.append(Written(rest_id(voice, start), voice, bar, start, steps, dur, dots))
        start += steps
    return out


def written_note_count(score: Score) -> int:
    """How many noteheads the engraving of ``score`` has: each note once, and again for each tie."""
    return sum(1 for bar in range(score.bars) for v in Voice for w in write_bar(score, v, bar) if not w.is_rest)
