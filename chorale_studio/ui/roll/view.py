"""What every part of the piano roll shares: zoom and scroll, the snap grid, the playhead, and the
layers generation draws over the notes (ghost notes, voice-leading markers); with the geometry that
turns steps and pitches into pixels and back."""
from __future__ import annotations

import math

from PySide6.QtCore import QObject, QRectF, Signal

from ...score import Cell, Note, Score, Voice
from ..document import SelectedNote

LOWEST_PITCH = 21    # A0
HIGHEST_PITCH = 108  # C8
KEYBOARD_WIDTH = 58
RULER_HEIGHT = 24
LOCK_LANE_HEIGHT = 22
EDGE_GRAB_PX = 6     # how close to a note's right edge the resize handle is
SNAP_CHOICES: dict[str, int] = {"1/16": 1, "1/8": 2, "1/4": 4}
BLACK_KEYS = {1, 3, 6, 8, 10}   # pitch classes


class RollView(QObject):
    """Zoom, scroll, snap, playhead and the generation layers, shared by the ruler, lock lane, keyboard
    and canvas; ``changed`` asks them all to repaint."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.px_per_step = 10.0
        self.row_height = 12.0
        self.x_offset = 0.0
        self.y_offset = 0.0
        self.snap = 4       # a click draws a quarter note; the toolbar offers finer grids
        self.playhead = 0.0
        # Generation's layers: notes not in the score (streamed or a candidate) and voice-leading markers.
        self.ghost_notes: tuple[SelectedNote, ...] = ()
        self.ghost_cells: frozenset[Cell] = frozenset()
        self.ghost_solid = False
        self.markers: list = []
        # A piece shown in place of the document's while it is written or chosen (a new chorale in its own
        # key and meter, a piece with the bars a continuation adds): its grid, bar numbers and locks.
        self.piece: Score | None = None
        self.target_cells: frozenset[Cell] = frozenset()   # what Fill would write now: the selection's cells
        self.input_cursor: tuple[int, Voice, int] | None = None   # note input's (step, voice, length) while on

    def shown(self, score: Score) -> Score:
        """The piece the roll draws: the previewed one, else ``score`` (the document's)."""
        return self.piece if self.piece is not None else score

    # ---- steps and pitches to pixels ------------------------------------------------------------
    def x_of(self, step: float) -> float:
        return step * self.px_per_step - self.x_offset

    def step_at(self, x: float) -> float:
        return (x + self.x_offset) / self.px_per_step

    def y_of(self, pitch: int) -> float:
        """Top edge of the row of ``pitch``."""
        return (HIGHEST_PITCH - pitch) * self.row_height - self.y_offset

    def pitch_at(self, y: float) -> int:
        p = HIGHEST_PITCH - math.floor((y + self.y_offset) / self.row_height)
        return max(LOWEST_PITCH, min(HIGHEST_PITCH, p))

    @property
    def content_height(self) -> float:
        return (HIGHEST_PITCH - LOWEST_PITCH + 1) * self.row_height

    def note_rect(self, note: Note) -> QRectF:
        x0, x1 = self.x_of(note.start), self.x_of(note.end)
        return QRectF(x0 + 0.5, self.y_of(note.pitch) + 0.5, max(3.0, x1 - x0 - 1), self.row_height - 1)

    def visible_bars(self, score: Score, width: float) -> range:
        """The bars of ``score`` that show in ``width`` pixels."""
        spb = score.steps_per_bar
        return range(max(0, int(self.step_at(0) // spb)), min(score.bars - 1, int(self.step_at(width) // spb)) + 1)

    def bar_edges(self, score: Score, bar: int) -> tuple[float, float]:
        """Left and right x of ``bar``."""
        spb = score.steps_per_bar
        return self.x_of(bar * spb), self.x_of((bar + 1) * spb)

    def snapped(self, step: float) -> int:
        """``step`` rounded down to the snap grid."""
        return int(math.floor(step / self.snap) * self.snap)

    def marker_radius(self) -> float:
        return max(4.0, min(9.0, self.row_height * 0.75))
