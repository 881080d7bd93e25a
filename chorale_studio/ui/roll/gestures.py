"""The mouse gestures of the note canvas, one class each: draw a note, move notes, resize notes,
select with a rubber band.

A gesture starts on a mouse press, follows the mouse (``move``) with a preview that leaves the
score alone, and ends with ``finish`` — one call to the editor, so one undo step — or with
``cancel`` (Escape), which changes nothing.  The canvas paints ``hidden`` notes faded, the
``preview`` notes on top and the ``band`` rectangle.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF

from ...score import Note, Voice
from ..document import ScoreDocument, SelectedNote
from ..editor import ScoreEditor
from .view import RollView


class Gesture:
    """A mouse gesture in progress; the piece changes only when it finishes."""

    def __init__(self, editor: ScoreEditor, view: RollView) -> None:
        self.editor = editor
        self.view = view
        self.hidden: frozenset[SelectedNote] = frozenset()
        self.preview: list[SelectedNote] = []
        self.band: QRectF | None = None

    @property
    def total_steps(self) -> int:
        return self.editor.score.total_steps

    def move(self, pos: QPointF, modifiers) -> None:
        """Follow the mouse to ``pos``."""

    def finish(self) -> None:
        """The mouse was released: make the edit."""

    def cancel(self) -> None:
        """Escape: drop the preview; nothing was changed."""


class DrawNote(Gesture):
    """Press on empty space and drag right: a note of the active voice, as long as the drag (on the snap grid)."""

    def __init__(self, editor: ScoreEditor, view: RollView, voice: Voice, start: int, pitch: int) -> None:
        super().__init__(editor, view)
        length = min(view.snap, self.total_steps - start)
        self.preview = [(voice, Note(start=start, length=length, pitch=pitch))]

    def move(self, pos: QPointF, modifiers) -> None:
        (v, n), = self.preview
        snap = self.view.snap
        end = max(n.start + snap, int(math.ceil(self.view.step_at(pos.x()) / snap) * snap))
        self.preview = [(v, n.with_(length=min(end, self.total_steps) - n.start))]

    def finish(self) -> None:
        (v, n), = self.preview
        self.editor.draw_note(v, n)


class _Grab(Gesture):
    """A press on a note: the selection follows the mouse, measured from the grabbed note."""

    one, many = "", ""   # the undo step's name for one note and for several

    def __init__(self, editor: ScoreEditor, view: RollView, originals: list[SelectedNote], anchor: Note,
                 origin: QPointF) -> None:
        super().__init__(editor, view)
        self.originals = originals
        self.anchor = anchor
        self.origin_step = view.step_at(origin.x())
        self.origin_pitch = view.pitch_at(origin.y())
        self.hidden = frozenset(originals)
        self.preview = list(originals)

    def _snapped_delta(self, edge: int, pos: QPointF) -> int:
        """How far (in steps, on the snap grid) the grabbed note's ``edge`` follows the mouse."""
        snap = self.view.snap
        return int(round((edge + self.view.step_at(pos.x()) - self.origin_step) / snap) * snap) - edge

    def finish(self) -> None:
        self.editor.replace_notes(self.originals, self.preview, self.many if len(self.originals) > 1 else self.one)


class MoveNotes(_Grab):
    """Drag a note: the selected notes move in time and pitch together, all kept inside the piece."""

    one, many = "Move note", "Move notes"

    def move(self, pos: QPointF, modifiers) -> None:
        notes = [n for _, n in self.originals]
        dt = self._snapped_delta(self.anchor.start, pos)
        dp = self.view.pitch_at(pos.y()) - self.origin_pitch
        # Clamp the whole group so that every note stays inside the piece and the MIDI range.
        dt = min(max(dt, -min(n.start for n in notes)), self.total_steps - max(n.end for n in notes))
        dp = min(max(dp, -min(n.pitch for n in notes)), 127 - max(n.pitch for n in notes))
        self.preview = [(v, n.with_(start=n.start + dt, pitch=n.pitch + dp)) for v, n in self.originals]


class ResizeNotes(_Grab):
    """Drag a note's right edge: the selected notes get longer or shorter by the same amount."""

    one, many = "Resize note", "Resize notes"

    def move(self, pos: QPointF, modifiers) -> None:
        dl = self._snapped_delta(self.anchor.end, pos)
        self.preview = [(v, n.with_(length=max(1, min(n.length + dl, self.total_steps - n.start))))
                        for v, n in self.originals]


class BandSelect(Gesture):
    """Ctrl- or Shift-drag on empty space: the notes of the visible voices inside the rectangle are selected."""

    def __init__(self, editor: ScoreEditor, view: RollView, origin: QPointF) -> None:
        super().__init__(editor, view)
        self.origin = origin
        self.band = QRectF(origin, origin)

    def move(self, pos: QPointF, modifiers) -> None:
        self.band = QRectF(self.origin, pos).normalized()
        doc: ScoreDocument = self.editor.doc
        s0, s1 = self.view.step_at(self.band.left()), self.view.step_at(self.band.right())
        doc.select((v, n) for v in Voice if doc.is_visible(v)
                   for n in doc.score.notes_between(v, int(s0), int(math.ceil(s1)))
                   if self.view.note_rect(n).intersects(self.band))
