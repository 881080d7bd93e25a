"""The note canvas: the grid and the notes of all four voices.

A press picks a gesture (``gestures``): on a note's edge resize, on a note move, with Ctrl or
Shift on empty space a rubber band, elsewhere draw.  Keys choose the voice, move and delete the
selection through the editor; the wheel asks the roll to scroll or zoom.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...score import Note, Voice, pitch_name
from ..editor import ScoreEditor
from . import painting
from .gestures import BandSelect, DrawNote, Gesture, MoveNotes, ResizeNotes
from .view import EDGE_GRAB_PX, RollView

VOICE_KEYS = {Qt.Key_1: Voice.SOPRANO, Qt.Key_2: Voice.ALTO, Qt.Key_3: Voice.TENOR, Qt.Key_4: Voice.BASS}


class NoteCanvas(QWidget):
    """The grid and the notes: draw, move, resize, delete, select; wheel scrolls and zooms."""

    hoverChanged = Signal(int, int)               # step, pitch under the mouse
    zoomRequested = Signal(object, float, float)  # Qt.Horizontal or Qt.Vertical, factor, anchor (pixels)
    scrollRequested = Signal(int, int)            # by dx, dy pixels
    menuRequested = Signal(bool, int, QPoint)     # right-click: on a note?, the step, the global position

    def __init__(self, editor: ScoreEditor, view: RollView) -> None:
        super().__init__()
        self.editor, self.doc, self.view = editor, editor.doc, view
        self.gesture: Gesture | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(200, 120)

    def hit(self, pos: QPointF) -> tuple[Voice, Note, bool] | None:
        """The note under ``pos`` (active voice first) and whether ``pos`` is on its right edge."""
        doc, view = self.doc, self.view
        step = int(view.step_at(pos.x()))
        pitch = view.pitch_at(pos.y())
        for v in [doc.active_voice] + [v for v in Voice if v != doc.active_voice]:
            if not doc.is_visible(v):
                continue
            n = doc.score.note_at(v, step)
            if n is None and pos.x() > 0:   # just past the end: still the resize handle of the note before
                n = doc.score.note_at(v, int(view.step_at(pos.x() - EDGE_GRAB_PX)))
            if n is not None and n.pitch == pitch:
                # Inside a short note the handle shrinks, so that the note can still be grabbed to move.
                width = view.x_of(n.end) - view.x_of(n.start)
                inside = view.x_of(n.end) - pos.x()
                on_edge = -EDGE_GRAB_PX <= inside <= min(EDGE_GRAB_PX, width / 3)
                if on_edge or n.start <= step < n.end:
                    return v, n, on_edge
        return None

    def marker_at(self, pos: QPointF):
        """The voice-leading marker under ``pos``, if any."""
        return painting.marker_at(self.view, pos)

    # ---- mouse ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        pos = event.position()
        hit = self.hit(pos)
        if event.button() == Qt.RightButton:   # the note's (or the place's) actions, the note selected first
            if hit and (hit[0], hit[1]) not in self.doc.selection:
                self.doc.select([(hit[0], hit[1])])
            self.menuRequested.emit(hit is not None, max(0, int(self.view.step_at(pos.x()))),
                                    event.globalPosition().toPoint())
            return
        if event.button() == Qt.LeftButton:
            self.gesture = self._gesture_for(pos, hit, event.modifiers())
            self.update()

    def _gesture_for(self, pos: QPointF, hit, mods) -> Gesture | None:
        doc, view = self.doc, self.view
        if hit:
            v, n, on_edge = hit
            if mods & Qt.ControlModifier:
                doc.toggle_selected((v, n))
                return None
            doc.set_active_voice(v)
            if (v, n) not in doc.selection:
                doc.select([(v, n)])
            grab = ResizeNotes if on_edge else MoveNotes
            return grab(self.editor, view, sorted(doc.selection), n, pos)
        if mods & (Qt.ControlModifier | Qt.ShiftModifier):
            return BandSelect(self.editor, view, pos)
        start = view.snapped(view.step_at(pos.x()))
        if start >= doc.score.total_steps:
            return None
        voice, pitch = doc.active_voice, view.pitch_at(pos.y())
        if not doc.score.in_range(voice, pitch):
            lo, hi = doc.score.ranges[voice]
            self.editor.message.emit(f"{pitch_name(pitch)} is outside the {voice.label.lower()}'s range "
                                     f"({pitch_name(lo)}–{pitch_name(hi)}): nothing drawn")
            return None
        return DrawNote(self.editor, view, voice, start, pitch)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        self.hoverChanged.emit(max(0, int(self.view.step_at(pos.x()))), self.view.pitch_at(pos.y()))
        if self.gesture is None:
            hit = self.hit(pos)
            self.setCursor(Qt.SizeHorCursor if hit and hit[2] else Qt.OpenHandCursor if hit else Qt.CrossCursor)
            return
        self.gesture.move(pos, event.modifiers())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        gesture, self.gesture = self.gesture, None
        if gesture is not None:
            gesture.finish()
            self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        mods = event.modifiers()
        if mods & Qt.ControlModifier and mods & Qt.ShiftModifier:
            self.zoomRequested.emit(Qt.Vertical, 1.15 if delta > 0 else 1 / 1.15, event.position().y())
        elif mods & Qt.ControlModifier:
            self.zoomRequested.emit(Qt.Horizontal, 1.2 if delta > 0 else 1 / 1.2, event.position().x())
        elif mods & Qt.ShiftModifier or event.angleDelta().x():
            self.scrollRequested.emit(-delta, 0)
        else:
            self.scrollRequested.emit(0, -(delta // 2))
        event.accept()

    # ---- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, shift = event.key(), bool(event.modifiers() & Qt.ShiftModifier)
        editor, doc = self.editor, self.doc
        if key in VOICE_KEYS:
            doc.set_active_voice(VOICE_KEYS[key])
        elif key in (Qt.Key_Up, Qt.Key_Down):
            editor.shift_selected(0, (12 if shift else 1) * (1 if key == Qt.Key_Up else -1))
        elif key in (Qt.Key_Left, Qt.Key_Right) and shift and doc.selected_bars and not doc.selection:
            self._extend_bars(1 if key == Qt.Key_Right else -1)
        elif key in (Qt.Key_Left, Qt.Key_Right):
            amount = doc.score.steps_per_bar if shift else self.view.snap
            editor.shift_selected(amount * (1 if key == Qt.Key_Right else -1), 0)
        elif key in (Qt.Key_Delete, Qt.Key_Backspace):
            editor.delete_selected()
        elif key == Qt.Key_Escape:
            if self.gesture is not None:
                self.gesture.cancel()
                self.gesture = None
                self.update()
            else:
                doc.clear_selection()
        else:
            super().keyPressEvent(event)

    def _extend_bars(self, by: int) -> None:
        """Shift+→ takes in the next bar, Shift+← gives back the last (or takes in the one before a single bar)."""
        bars, last = self.doc.selected_bars, self.doc.score.bars - 1
        first, end = min(bars), max(bars)
        if by > 0 or first == end:
            first, end = (first, min(last, end + 1)) if by > 0 else (max(0, first - 1), end)
        else:
            end -= 1
        self.doc.select_bars(range(first, end + 1))

    # ---- painting -------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        doc, view, g = self.doc, self.view, self.gesture
        w, h = self.width(), self.height()
        painting.paint_background(p, doc, view, w, h)
        painting.paint_locks(p, doc, view, w, h)
        painting.paint_target(p, doc, view, w, h)
        painting.paint_fermatas(p, doc, view, h)
        painting.paint_past_end(p, doc, view, w, h)
        painting.paint_notes(p, doc, view, w, g.hidden if g else frozenset(), g.preview if g else ())
        painting.paint_ghosts(p, doc, view, w, h)
        painting.paint_markers(p, view, w)
        painting.paint_input_cursor(p, doc, view, h)
        painting.paint_band_and_playhead(p, view, g.band if g else None, h)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.ToolTip:
            m = self.marker_at(QPointF(event.pos()))
            if m is not None:
                QToolTip.showText(event.globalPos(), m.finding.message, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
