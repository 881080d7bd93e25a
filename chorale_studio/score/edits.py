"""What the editor's gestures do to a piece, as plain functions: no Qt, no undo stack.

Each function answers "what would the voices hold after this edit?" and leaves
the score it is given unchanged; ``ui.editor`` turns the answer into one undo
command.  The rule behind most of them: a voice sings one note at a time, so a
note laid over others trims or replaces what it covers.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from .model import Key, Meter, Note, Score, ScoreError, Voice

VoiceNote = tuple[Voice, Note]
VoiceNotes = Mapping[Voice, Iterable[Note]]


def placed(score: Score, voice: Voice, keep: Iterable[Note], new: Iterable[Note]) -> tuple[Note, ...]:
    """The notes of ``voice`` when ``new`` notes are laid over ``keep``: whatever they cover is trimmed.

    The score's own ``clear_range`` does the trimming, on a scratch copy, so
    the rule "a voice sings one note at a time" lives in one place.
    """
    scratch = Score(bars=score.bars, meter=score.meter)
    scratch.set_notes(voice, keep)
    for n in new:
        scratch.clear_range(voice, n.start, n.end)
        scratch.add_note(voice, n)
    return scratch.notes(voice)


def laid_over(score: Score, notes: Iterable[VoiceNote]) -> dict[Voice, tuple[Note, ...]]:
    """Each touched voice after ``notes`` are laid over it (drawing, pasting)."""
    notes = list(notes)
    return {v: placed(score, v, score.notes(v), [n for w, n in notes if w == v]) for v in {v for v, _ in notes}}


def cleared(score: Score, voice: Voice, start: int, end: int) -> dict[Voice, tuple[Note, ...]]:
    """``voice`` with [start, end) silent: notes inside removed, notes reaching in trimmed (entering a rest)."""
    scratch = Score(bars=score.bars, meter=score.meter)
    scratch.set_notes(voice, score.notes(voice))
    scratch.clear_range(voice, start, end)
    return {voice: scratch.notes(voice)}


def without(score: Score, notes: Iterable[VoiceNote]) -> dict[Voice, tuple[Note, ...]]:
    """Each touched voice with ``notes`` removed (deleting)."""
    gone = set(notes)
    return {v: tuple(n for n in score.notes(v) if (v, n) not in gone) for v in {v for v, _ in gone}}


def replaced(score: Score, originals: Iterable[VoiceNote], moved: Iterable[VoiceNote]) -> dict[Voice, tuple[Note, ...]]:
    """Each voice of ``originals`` once they are replaced by ``moved`` (moving, resizing); what the moved
    notes land on in their voice is trimmed."""
    originals, moved = list(originals), list(moved)
    after = {}
    for v in {v for v, _ in originals}:
        gone = {n for w, n in originals if w == v}
        keep = [n for n in score.notes(v) if n not in gone]
        after[v] = placed(score, v, keep, [n for w, n in moved if w == v])
    return after


def shifted(score: Score, notes: Iterable[VoiceNote], steps: int, semitones: int) -> list[VoiceNote] | None:
    """``notes`` moved by ``steps`` and ``semitones``; None when any would leave the piece or the MIDI range."""
    notes = sorted(notes)
    total = score.total_steps
    if any(not (0 <= n.start + steps and n.end + steps <= total and 0 <= n.pitch + semitones <= 127)
           for _, n in notes):
        return None
    return [(v, n.with_(start=n.start + steps, pitch=n.pitch + semitones)) for v, n in notes]


def pasted(score: Score, copied: Iterable[VoiceNote], at: int) -> list[VoiceNote]:
    """The ``copied`` notes moved so that the first starts at step ``at``; what would start past the end
    is left out and what would run past it is shortened."""
    copied = list(copied)
    if not copied:
        return []
    first = min(n.start for _, n in copied)
    out = []
    for v, n in copied:
        start = n.start - first + at
        if start < score.total_steps:
            out.append((v, Note(start=start, length=min(n.length, score.total_steps - start), pitch=n.pitch)))
    return out


def with_meter(score: Score, meter: Meter) -> Score:
    """The piece in another meter: notes stay at their steps, bars are re-counted to hold them all,
    and bar locks are cleared (the bars they named are gone)."""
    out = score.copy()
    out.meter = meter
    out.pickup = 0
    last = max((n.end for _, n in score.all_notes()), default=0)
    out.bars = max(1, -(-max(last, score.total_steps) // meter.steps_per_bar))
    for v in Voice:
        out.set_notes(v, score.notes(v))
    out.locks = set()
    out.fermatas = {f for f in score.fermatas if f < out.total_steps}
    return out


def transposed(score: Score, semitones: int, key: Key | None = None) -> Score:
    """The piece moved by ``semitones``, its key signature with it (or ``key``, when the composer chose
    the key to land in); refused when a note would leave the MIDI range."""
    if any(not 0 <= n.pitch + semitones <= 127 for _, n in score.all_notes()):
        raise ScoreError(f"moving by {semitones:+d} semitones would take notes beyond the MIDI range")
    out = score.transposed(semitones)
    if key is not None:
        out.key = key
    return out


def semitones_between(source: Key, target: Key) -> int:
    """The shortest move (−6 … +5 semitones) from ``source``'s tonic to ``target``'s."""
    return (target.tonic - source.tonic + 6) % 12 - 6


def out_of_range(score: Score) -> list[VoiceNote]:
    """The notes that lie outside their voice's range."""
    return [(v, n) for v, n in score.all_notes() if not score.in_range(v, n.pitch)]


def with_bars_inserted(score: Score, at: int, count: int) -> Score:
    out = score.copy()
    out.insert_bars(at, count)
    return out


def with_bars_deleted(score: Score, at: int, count: int) -> Score:
    out = score.copy()
    out.delete_bars(at, count)
    return out


def continued(score: Score, continuation: Score, cells: Iterable[tuple[Voice, int]]) -> Score:
    """``score`` with the bars ``continuation`` adds after it, holding the continuation's notes in ``cells``.

    ``continuation`` must be ``score``'s piece continued: as many bars or more, the same first bars.
    """
    if continuation.bars < score.bars:
        raise ScoreError(f"a continuation of {continuation.bars} bars is shorter than the piece's {score.bars}")
    cells = sorted(cells)
    out = score.copy()
    if continuation.bars > score.bars:
        out.insert_bars(out.bars, continuation.bars - score.bars)
    out.replace_cells(cells, {cell: continuation.notes_in_cell(*cell) for cell in cells})
    out.fermatas |= {f for f in continuation.fermatas if f >= score.total_steps}   # its phrase ends come along
    return out


def assign(target: Score, source: Score) -> None:
    """Make ``target`` hold the same piece as ``source`` (for an object that others hold on to)."""
    target.bars = source.bars
    target.meter = source.meter
    target.key = source.key
    target.tempo = source.tempo
    target.title = source.title
    target.pickup = source.pickup
    target.ranges = dict(source.ranges)
    for v in Voice:
        target.set_notes(v, source.notes(v))
    target.locks = set(source.locks)
    target.fermatas = set(source.fermatas)
    target.plan = dict(source.plan)

