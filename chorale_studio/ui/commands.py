"""Undoable edits: each user action is one QUndoCommand whose redo/undo call only Score methods.

Only ``ui.editor.ScoreEditor`` makes these commands (a test holds every other module to it): views
and features call the editor.  A drag in the piano roll is previewed without touching the score and
pushed as one command on release, so it is one undo step.  Tempo changes from the spin box merge
while the user keeps turning it.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from PySide6.QtGui import QUndoCommand

from ..score import Cell, Note, Score, Voice
from ..score.edits import VoiceNotes, assign
from .document import ScoreDocument, SelectedNote


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


class PieceCommand(QUndoCommand):
    """A whole-piece change (key, meter, transposition, insert or delete bars): swaps before/after states.

    ``new_piece``: the change is another piece (an accepted new chorale), no longer the file's: the
    document forgets its path (the title says "Untitled") until undo brings the file's piece back."""

    def __init__(self, doc: ScoreDocument, after: Score, text: str, *, new_piece: bool = False) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = doc.snapshot()
        self.after = after.copy()
        self.path_before = doc.path
        self.new_piece = new_piece

    def _apply(self, state: Score, path) -> None:
        assign(self.doc.score, state)
        self.doc.prune_selection()
        self.doc.scoreChanged.emit()
        self.doc.locksChanged.emit()
        if self.new_piece:
            self.doc.path = path
            self.doc.fileChanged.emit()

    def redo(self) -> None:
        self._apply(self.after, None)

    def undo(self) -> None:
        self._apply(self.before, self.path_before)


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
