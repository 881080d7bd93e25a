"""The piano roll: keyboard, bar ruler, lock lane and the note canvas of all four voices.

Custom painting on plain QWidgets (no QGraphicsScene), from the document's Score.  The parts live
in ``ui.roll``; this widget lays them out, owns the scroll bars and the shared ``RollView``, and is
what the window and generation talk to.  The roll never changes the piece itself: its gestures and
keys call the ``ScoreEditor``, and it repaints when the document says something changed.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from ..score import Cell, Voice
from . import theme
from .document import SelectedNote
from .editor import ScoreEditor
from .roll.canvas import NoteCanvas
from .roll.harmony_lane import HarmonyLane
from .roll.margins import Corner, Keyboard, LockLane, TimeRuler
from .roll.view import HIGHEST_PITCH, LOWEST_PITCH, SNAP_CHOICES, RollView

__all__ = ["PianoRoll", "SNAP_CHOICES"]


def _from_view(name: str) -> property:
    return property(lambda roll: getattr(roll.view, name), doc=f"The view's {name} (read-only here).")


class PianoRoll(QWidget):
    """The editor of notes and locks.  Public API used by the window and by generation."""

    hoverChanged = Signal(int, int)     # step, pitch under the mouse
    seekRequested = Signal(float)       # the user clicked the ruler at this step
    snapChanged = Signal(int)
    noteMenuRequested = Signal(bool, int, QPoint)   # right-click on the canvas: on a note?, step, global position
    barMenuRequested = Signal(int, QPoint)          # right-click on the ruler: bar, global position

    def __init__(self, editor: ScoreEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.doc = doc = editor.doc
        self.view = RollView()
        self.canvas = NoteCanvas(editor, self.view)
        self.ruler = TimeRuler(doc, self.view)
        self.lock_lane = LockLane(editor, self.view)
        self.keyboard = Keyboard(doc, self.view, self.canvas)
        self.harmony_lane = HarmonyLane(editor, self.view)
        self.hbar = QScrollBar(Qt.Horizontal)
        self.vbar = QScrollBar(Qt.Vertical)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(Corner("", theme.RULER_BG), 0, 0)
        grid.addWidget(self.ruler, 0, 1)
        grid.addWidget(Corner("LOCKS", theme.LOCK_LANE_BG), 1, 0)
        grid.addWidget(self.lock_lane, 1, 1)
        grid.addWidget(self.keyboard, 2, 0)
        grid.addWidget(self.canvas, 2, 1)
        grid.addWidget(self.vbar, 2, 2)
        grid.addWidget(Corner("HARMONY", theme.LOCK_LANE_BG), 3, 0)
        grid.addWidget(self.harmony_lane, 3, 1)
        grid.addWidget(self.hbar, 4, 1)
        self.hbar.valueChanged.connect(self._scrolled_x)
        self.vbar.valueChanged.connect(self._scrolled_y)
        self.view.changed.connect(self._repaint_all)
        self.ruler.seekRequested.connect(self.seekRequested)
        self.canvas.hoverChanged.connect(self.hoverChanged)
        self.canvas.zoomRequested.connect(self._zoom)
        self.canvas.scrollRequested.connect(self._scroll_by)
        self.canvas.menuRequested.connect(self.noteMenuRequested)
        self.ruler.barMenuRequested.connect(self.barMenuRequested)
        doc.scoreChanged.connect(self._score_changed)
        for signal in (doc.locksChanged, doc.activeVoiceChanged):
            signal.connect(self._repaint_all)
        for signal in (doc.selectionChanged, doc.mixChanged, doc.locksChanged):
            signal.connect(self._target_changed)
        self.setFocusProxy(self.canvas)
        self.center_on_pitch(66)

    # ---- state shared with the parts (read here, kept in the view) ---------------------------------
    snap = _from_view("snap")
    playhead = _from_view("playhead")
    ghost_notes = _from_view("ghost_notes")
    markers = _from_view("markers")

    # ---- selection -----------------------------------------------------------------------------
    def selected_notes(self) -> set[SelectedNote]:
        return set(self.doc.selection)

    def selected_bars(self) -> set[int]:
        return set(self.doc.selected_bars)

    def selected_cells(self) -> set[Cell]:
        """The cells Fill writes, from the one visible selection: every visible voice of the bars selected in
        the ruler, else the cells of the selected notes (the document keeps only one of the two)."""
        score = self.doc.score
        if self.doc.selected_bars:
            visible = [v for v in Voice if self.doc.is_visible(v)]
            return {(v, b) for b in self.doc.selected_bars for v in visible}
        return {(v, b) for v, n in self.doc.selection
                for b in range(score.bar_of(n.start), score.bar_of(n.end - 1) + 1)}

    def _target_changed(self) -> None:
        self.view.target_cells = frozenset(c for c in self.selected_cells() if c not in self.doc.score.locks)
        self._repaint_all()

    # ---- playhead and generation's layers --------------------------------------------------------
    def set_playhead(self, step: float) -> None:
        """Move the playhead line (playback calls this many times a second)."""
        self.view.playhead = float(step)
        x = self.view.x_of(self.view.playhead)
        if x > self.canvas.width() - 20 or x < 0:   # keep a playing cursor on screen, a page at a time
            self.hbar.setValue(int(self.view.playhead * self.view.px_per_step - 40))
        self.canvas.update()
        self.ruler.update()

    def set_input_cursor(self, cursor) -> None:
        """Note input's (step, voice, length), kept in view; None hides it."""
        self.view.input_cursor = cursor
        if cursor is not None:
            x = self.view.x_of(cursor[0])
            if x > self.canvas.width() - 40 or x < 0:
                self.hbar.setValue(int(cursor[0] * self.view.px_per_step - 40))
        self.canvas.update()

    def set_ghost_notes(self, notes, cells=frozenset(), *, solid: bool = False) -> None:
        """Show ``notes`` in place of the score's notes in ``cells``, without changing the score:
        translucent while they stream in, ``solid`` for a finished candidate."""
        self.view.ghost_notes = tuple(notes)
        self.view.ghost_cells = frozenset(cells)
        self.view.ghost_solid = solid
        self._update_scrollbars()
        self.canvas.update()
        if solid or not cells:   # a candidate to judge, or none any more: name its chords
            self.harmony_lane.refresh()

    def set_preview_piece(self, piece) -> None:
        """Draw ``piece``'s grid, bar numbers and locks instead of the document's (None: the document's again):
        a new chorale in its own key and meter, or the piece with the bars a continuation is writing."""
        self.view.piece = piece
        self._update_scrollbars()
        self.harmony_lane.refresh()
        self._repaint_all()

    def reveal_bars(self, first: int, end: int) -> None:
        """Scroll (and zoom out if they do not fit) so that bars ``first`` … ``end - 1`` are in view."""
        v = self.view
        spb = v.shown(self.doc.score).steps_per_bar
        width = max(1, self.canvas.width() - 12)
        needed = (end - first) * spb * v.px_per_step
        if needed > width:
            v.px_per_step = max(2.0, width / ((end - first) * spb))
            self._update_scrollbars()
        x0, x1 = first * spb * v.px_per_step, end * spb * v.px_per_step
        if x0 < self.hbar.value():
            self.hbar.setValue(int(max(0.0, x0 - 6)))
        elif x1 > self.hbar.value() + width:
            self.hbar.setValue(int(min(x0, x1 - width + 6)))
        v.changed.emit()

    def clear_ghost_notes(self) -> None:
        self.set_ghost_notes((), frozenset())

    def set_markers(self, markers) -> None:
        """Voice-leading markers (ui.overlay.Marker) to draw over the notes."""
        self.view.markers = list(markers)
        self.canvas.update()

    # ---- snap, zoom and scroll -------------------------------------------------------------------
    def set_snap(self, steps: int) -> None:
        if steps not in SNAP_CHOICES.values():
            raise ValueError(f"snap {steps} is not one of {sorted(SNAP_CHOICES.values())}")
        self.view.snap = steps
        self.snapChanged.emit(steps)

    def zoom_horizontal(self, factor: float, anchor_x: float | None = None) -> None:
        v = self.view
        anchor_x = self.canvas.width() / 2 if anchor_x is None else anchor_x
        step = v.step_at(anchor_x)
        v.px_per_step = max(2.0, min(80.0, v.px_per_step * factor))
        self._update_scrollbars()
        self.hbar.setValue(int(step * v.px_per_step - anchor_x))
        v.changed.emit()

    def zoom_vertical(self, factor: float, anchor_y: float | None = None) -> None:
        v = self.view
        anchor_y = self.canvas.height() / 2 if anchor_y is None else anchor_y
        row = (anchor_y + v.y_offset) / v.row_height
        v.row_height = max(5.0, min(40.0, v.row_height * factor))
        self._update_scrollbars()
        self.vbar.setValue(int(row * v.row_height - anchor_y))
        v.changed.emit()

    def _zoom(self, orientation, factor: float, anchor: float) -> None:
        (self.zoom_vertical if orientation == Qt.Vertical else self.zoom_horizontal)(factor, anchor)

    def _scroll_by(self, dx: int, dy: int) -> None:
        self.hbar.setValue(self.hbar.value() + dx)
        self.vbar.setValue(self.vbar.value() + dy)

    def fit_to_window(self) -> None:
        """Show the whole piece across, and the pitches the voices use (or their ranges) top to bottom."""
        score = self.view.shown(self.doc.score)
        v = self.view
        v.px_per_step = max(2.0, (self.canvas.width() - 12) / max(1, score.total_steps))
        pitches = [n.pitch for _, n in score.all_notes()] or [p for r in score.ranges.values() for p in r]
        lo, hi = max(LOWEST_PITCH, min(pitches) - 2), min(HIGHEST_PITCH, max(pitches) + 2)
        v.row_height = max(5.0, min(40.0, self.canvas.height() / (hi - lo + 1)))
        self._update_scrollbars()
        self.hbar.setValue(0)
        self.vbar.setValue(int((HIGHEST_PITCH - hi) * v.row_height))
        v.changed.emit()

    def center_on_pitch(self, pitch: int) -> None:
        self._update_scrollbars()
        self.vbar.setValue(int((HIGHEST_PITCH - pitch) * self.view.row_height - self.canvas.height() / 2))

    # ---- internals ------------------------------------------------------------------------------
    def _score_changed(self) -> None:
        self._update_scrollbars()
        self._target_changed()

    def _repaint_all(self) -> None:
        for w in (self.ruler, self.lock_lane, self.keyboard, self.canvas, self.harmony_lane):
            w.update()

    def _scrolled_x(self, value: int) -> None:
        self.view.x_offset = float(value)
        self.view.changed.emit()

    def _scrolled_y(self, value: int) -> None:
        self.view.y_offset = float(value)
        self.view.changed.emit()

    def _update_scrollbars(self) -> None:
        v = self.view
        ghost_end = max((n.end for _, n in v.ghost_notes), default=0)   # a continuation runs past the end
        content_w = max(v.shown(self.doc.score).total_steps, ghost_end) * v.px_per_step + 40
        self.hbar.setRange(0, max(0, int(content_w - self.canvas.width())))
        self.hbar.setPageStep(max(1, self.canvas.width()))
        self.vbar.setRange(0, max(0, int(v.content_height - self.canvas.height())))
        self.vbar.setPageStep(max(1, self.canvas.height()))
        self.hbar.setSingleStep(int(max(1, v.px_per_step * 4)))
        self.vbar.setSingleStep(int(max(1, v.row_height * 2)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scrollbars()
