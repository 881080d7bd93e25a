"""Undoable edits: each user action is one QUndoCommand whose redo/undo call only Score methods.

A drag in the piano roll is previewed without touching the score and pushed
as one command on release, so it is one undo step.  Tempo changes from the
spin box merge while the user keeps turning it.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from PySide6.QtGui import QUndoCommand

from ..score import Cell, Note, Score, Voice
from .document import ScoreDocument, SelectedNote

VoiceNotes = Mapping[Voice, Iterable[Note]]


class NotesCommand(QUndoCommand):
    """Replace the notes of some voices (draw, move, resize, delete, paste, arrow moves)."""

    def __init__(self, doc: ScoreDocument, after: VoiceNotes, text: str,
                 select_after: Iterable[SelectedNote] = ()) -> None:
        super().__init__(text)
        self.doc = doc
        self.after = {Voice(v): tuple(ns) for v, ns in after.items()}
        self.before = {v: doc.score.notes(v) for v in self.after}
        self.select_before = doc.selection
        self.select_after = frozenset(select_after)

    def _apply(self, notes: Mapping[Voice, tuple[Note, ...]], selection: frozenset[SelectedNote]) -> None:
        for v, ns in notes.items():
            self.doc.score.set_notes(v, ns)
        self.doc.scoreChanged.emit()
        self.doc.select(selection)
        self.doc.prune_selection()

    def redo(self) -> None:
        self._apply(self.after, self.select_after)

    def undo(self) -> None:
        self._apply(self.before, self.select_before)


class LockCommand(QUndoCommand):
    """Lock or unlock voice-bar cells; undo restores each cell's previous state."""

    def __init__(self, doc: ScoreDocument, cells: Iterable[Cell], locked: bool, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.cells = {(Voice(v), b) for v, b in cells}
        self.locked = locked
        self.were_locked = {c for c in self.cells if doc.score.is_locked(*c)}

    def redo(self) -> None:
        self.doc.score.set_locked(self.cells, self.locked)
        self.doc.locksChanged.emit()

    def undo(self) -> None:
        self.doc.score.set_locked(self.cells, False)
        self.doc.score.set_locked(self.were_locked, True)
        self.doc.locksChanged.emit()


class ReplaceCellsCommand(QUndoCommand):
    """Put new music into voice-bar cells in one step (applying a generated candidate)."""

    def __init__(self, doc: ScoreDocument, cells: Iterable[Cell], notes_by_cell: Mapping[Cell, Iterable[Note]],
                 text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.cells = [(Voice(v), b) for v, b in cells]
        self.notes_by_cell = {(Voice(v), b): tuple(ns) for (v, b), ns in notes_by_cell.items()}
        self.before = {v: doc.score.notes(v) for v in {v for v, _ in self.cells}}
        # Refuse a candidate that does not fit now rather than failing later inside the undo stack.
        doc.snapshot().replace_cells(self.cells, self.notes_by_cell)

    def redo(self) -> None:
        self.doc.score.replace_cells(self.cells, self.notes_by_cell)
        self.doc.scoreChanged.emit()
        self.doc.prune_selection()

    def undo(self) -> None:
        for v, ns in self.before.items():
            self.doc.score.set_notes(v, ns)
        self.doc.scoreChanged.emit()
        self.doc.prune_selection()


def _assign(target: Score, source: Score) -> None:
    """Make ``target`` hold the same piece as ``source`` (the live Score object stays the same)."""
    target.bars = source.bars
    target.meter = source.meter
    target.key = source.key
    target.tempo = source.tempo
    target.title = source.title
    target.pickup = source.pickup
    target.ranges = dict(source.ranges)
    for v in Voice:
        target.set_notes(v, source.notes(v))
    target.set_locked(set(target.locks), False)
    target.set_locked(source.locks, True)


class PieceCommand(QUndoCommand):
    """A whole-piece change (key, meter, insert or delete bars): swaps before/after states."""

    def __init__(self, doc: ScoreDocument, after: Score, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = doc.snapshot()
        self.after = after.copy()

    def _apply(self, state: Score) -> None:
        _assign(self.doc.score, state)
        self.doc.prune_selection()
        self.doc.scoreChanged.emit()
        self.doc.locksChanged.emit()

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


class TempoCommand(QUndoCommand):
    """Change the tempo; successive changes merge into one undo step."""

    ID = 1001

    def __init__(self, doc: ScoreDocument, bpm: float) -> None:
        super().__init__(f"Tempo {bpm:g}")
        self.doc = doc
        self.old = float(doc.score.tempo)
        self.new = float(bpm)

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TempoCommand):
            return False
        self.new = other.new
        self.setText(f"Tempo {self.new:g}")
        return True

    def _apply(self, bpm: float) -> None:
        self.doc.score.tempo = bpm
        self.doc.scoreChanged.emit()

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


# ---- monophonic editing: what a voice holds after a new note lands on it --------------------------
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


def meter_changed(score: Score, meter) -> Score:
    """The piece in another meter: notes stay at their steps, bars are re-counted to hold them all."""
    out = score.copy()
    out.meter = meter
    out.pickup = 0
    last = max((n.end for _, n in score.all_notes()), default=0)
    out.bars = max(1, -(-max(last, score.total_steps) // meter.steps_per_bar))
    for v in Voice:
        out.set_notes(v, score.notes(v))
    out.set_locked(set(out.locks), False)
    return out
