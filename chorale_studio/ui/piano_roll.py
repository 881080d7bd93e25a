"""The piano roll: keyboard, bar ruler, lock lane and the note canvas of all four voices.

Custom painting on plain QWidgets (no QGraphicsScene): the roll only ever
paints what is on screen, from the document's Score, so a long chorale scrolls
as fast as a short one.  All parts share one ``RollView`` (zoom and scroll),
and every edit goes to the document as one undo command.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QContextMenuEvent, QFont, QKeyEvent, QMouseEvent, QPainter,
                           QPainterPath, QPaintEvent, QPen, QWheelEvent)
from PySide6.QtWidgets import QGridLayout, QMenu, QScrollBar, QSizePolicy, QToolTip, QWidget

from ..score import Cell, Note, Voice, pitch_name
from . import theme
from .commands import LockCommand, NotesCommand, placed
from .document import ScoreDocument, SelectedNote

LOWEST_PITCH = 21    # A0
HIGHEST_PITCH = 108  # C8
KEYBOARD_WIDTH = 58
RULER_HEIGHT = 24
LOCK_LANE_HEIGHT = 22
EDGE_GRAB_PX = 6     # how close to a note's right edge the resize handle is
SNAP_CHOICES: dict[str, int] = {"1/16": 1, "1/8": 2, "1/4": 4}
_BLACK = {1, 3, 6, 8, 10}


class RollView(QObject):
    """Zoom and scroll shared by the ruler, lock lane, keyboard and canvas."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.px_per_step = 10.0
        self.row_height = 12.0
        self.x_offset = 0.0
        self.y_offset = 0.0

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


@dataclass
class _Drag:
    """A mouse gesture in progress; the score changes only when it ends."""

    kind: str                      # "draw", "move", "resize" or "band"
    origin: QPointF
    origin_step: float
    origin_pitch: int
    voice: Voice = Voice.SOPRANO
    originals: list[SelectedNote] = field(default_factory=list)
    preview: list[SelectedNote] = field(default_factory=list)
    anchor: SelectedNote | None = None


class PianoRoll(QWidget):
    """The editor of notes and locks.  Public API used by the window and by generation."""

    hoverChanged = Signal(int, int)     # step, pitch under the mouse
    seekRequested = Signal(float)       # the user clicked the ruler at this step
    message = Signal(str)               # a short note for the status bar
    snapChanged = Signal(int)

    def __init__(self, doc: ScoreDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.view = RollView()
        self.snap = 1
        self.playhead = 0.0
        # Generation's layers: notes not in the score (streamed or a candidate) and voice-leading markers.
        self.ghost_notes: tuple[SelectedNote, ...] = ()
        self.ghost_cells: frozenset[Cell] = frozenset()
        self.ghost_solid = False
        self.markers: list = []
        self.ruler = TimeRuler(self)
        self.lock_lane = LockLane(self)
        self.keyboard = Keyboard(self)
        self.canvas = NoteCanvas(self)
        self.hbar = QScrollBar(Qt.Horizontal)
        self.vbar = QScrollBar(Qt.Vertical)
        corner_top = _Corner("", theme.RULER_BG)
        corner_lock = _Corner("LOCKS", theme.LOCK_LANE_BG)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(corner_top, 0, 0)
        grid.addWidget(self.ruler, 0, 1)
        grid.addWidget(corner_lock, 1, 0)
        grid.addWidget(self.lock_lane, 1, 1)
        grid.addWidget(self.keyboard, 2, 0)
        grid.addWidget(self.canvas, 2, 1)
        grid.addWidget(self.vbar, 2, 2)
        grid.addWidget(self.hbar, 3, 1)
        self.hbar.valueChanged.connect(self._scrolled_x)
        self.vbar.valueChanged.connect(self._scrolled_y)
        self.view.changed.connect(self._repaint_all)
        doc.scoreChanged.connect(self._score_changed)
        doc.locksChanged.connect(self._repaint_all)
        doc.selectionChanged.connect(self._repaint_all)
        doc.activeVoiceChanged.connect(self._repaint_all)
        doc.mixChanged.connect(self._repaint_all)
        self.setFocusProxy(self.canvas)
        self.center_on_pitch(66)

    # ---- public API ----------------------------------------------------------------------------
    def selected_notes(self) -> set[SelectedNote]:
        return set(self.doc.selection)

    def selected_bars(self) -> set[int]:
        return set(self.doc.selected_bars)

    def selected_cells(self) -> set[Cell]:
        """Cells chosen for work: every visible voice of the selected bars, and the cells of selected notes."""
        score = self.doc.score
        visible = [v for v in Voice if self.doc.is_visible(v)]
        cells = {(v, b) for b in self.doc.selected_bars for v in visible}
        for v, n in self.doc.selection:
            cells |= {(v, b) for b in range(score.bar_of(n.start), score.bar_of(n.end - 1) + 1)}
        return cells

    def set_playhead(self, step: float) -> None:
        """Move the playhead line (playback calls this many times a second)."""
        self.playhead = float(step)
        x = self.view.x_of(self.playhead)
        if x > self.canvas.width() - 20 or x < 0:   # keep a playing cursor on screen, a page at a time
            self.hbar.setValue(int(self.playhead * self.view.px_per_step - 40))
        self.canvas.update()
        self.ruler.update()

    def set_ghost_notes(self, notes, cells=frozenset(), *, solid: bool = False) -> None:
        """Show ``notes`` in place of the score's notes in ``cells``, without changing the score:
        translucent while they stream in, ``solid`` for a finished candidate."""
        self.ghost_notes = tuple(notes)
        self.ghost_cells = frozenset(cells)
        self.ghost_solid = solid
        self._update_scrollbars()
        self.canvas.update()

    def clear_ghost_notes(self) -> None:
        self.set_ghost_notes((), frozenset())

    def set_markers(self, markers) -> None:
        """Voice-leading markers (ui.overlay.Marker) to draw over the notes."""
        self.markers = list(markers)
        self.canvas.update()

    def set_snap(self, steps: int) -> None:
        if steps not in SNAP_CHOICES.values():
            raise ValueError(f"snap {steps} is not one of {sorted(SNAP_CHOICES.values())}")
        self.snap = steps
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

    def fit_to_window(self) -> None:
        """Show the whole piece across, and the pitches the voices use (or their ranges) top to bottom."""
        score = self.doc.score
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

    # ---- edits (each one undo step) --------------------------------------------------------------
    def delete_selected(self) -> None:
        sel = self.doc.selection
        if not sel:
            return
        voices = {v for v, _ in sel}
        after = {v: [n for n in self.doc.score.notes(v) if (v, n) not in sel] for v in voices}
        self.doc.push(NotesCommand(self.doc, after, f"Delete {len(sel)} note(s)"))

    def delete_note(self, voice: Voice, note: Note) -> None:
        after = {voice: [n for n in self.doc.score.notes(voice) if n != note]}
        self.doc.push(NotesCommand(self.doc, after, "Delete note"))

    def shift_selected(self, steps: int, semitones: int) -> None:
        """Move the selected notes in time and pitch; refused (with a message) if any would leave the piece."""
        sel = sorted(self.doc.selection)
        if not sel:
            return
        total = self.doc.score.total_steps
        if any(not (0 <= n.start + steps and n.end + steps <= total and 0 <= n.pitch + semitones <= 127)
               for _, n in sel):
            self.message.emit("The notes cannot move past the edge of the piece")
            return
        moved = [(v, n.with_(start=n.start + steps, pitch=n.pitch + semitones)) for v, n in sel]
        self.commit_moved(sel, moved, "Move notes")

    def commit_moved(self, originals: list[SelectedNote], moved: list[SelectedNote], text: str) -> None:
        """Replace ``originals`` by ``moved``; what the moved notes land on in their voice is trimmed."""
        if sorted(originals) == sorted(moved):
            return
        score = self.doc.score
        after = {}
        for v in {v for v, _ in originals}:
            gone = {n for w, n in originals if w == v}
            keep = [n for n in score.notes(v) if n not in gone]
            after[v] = placed(score, v, keep, [n for w, n in moved if w == v])
        self.doc.push(NotesCommand(self.doc, after, text, select_after=moved))

    def draw_note(self, voice: Voice, note: Note) -> None:
        """Add a note to ``voice``, trimming or replacing what it covers (voices are monophonic)."""
        after = {voice: placed(self.doc.score, voice, self.doc.score.notes(voice), [note])}
        name = pitch_name(note.pitch, self.doc.score.key.fifths < 0)
        self.doc.push(NotesCommand(self.doc, after, f"Draw {voice.label.lower()} {name}",
                                   select_after=[(voice, note)]))

    def toggle_bar_lock(self, bar: int) -> None:
        score = self.doc.score
        lock = not score.bar_locked(bar)
        self.doc.push(LockCommand(self.doc, [(v, bar) for v in Voice], lock,
                                  f"{'Lock' if lock else 'Unlock'} bar {bar + 1}"))

    def toggle_cell_lock(self, voice: Voice, bar: int) -> None:
        lock = not self.doc.score.is_locked(voice, bar)
        self.doc.push(LockCommand(self.doc, [(voice, bar)], lock,
                                  f"{'Lock' if lock else 'Unlock'} {voice.label.lower()} in bar {bar + 1}"))

    # ---- internals ------------------------------------------------------------------------------
    def _score_changed(self) -> None:
        self._update_scrollbars()
        self._repaint_all()

    def _repaint_all(self) -> None:
        for w in (self.ruler, self.lock_lane, self.keyboard, self.canvas):
            w.update()

    def _scrolled_x(self, value: int) -> None:
        self.view.x_offset = float(value)
        self.view.changed.emit()

    def _scrolled_y(self, value: int) -> None:
        self.view.y_offset = float(value)
        self.view.changed.emit()

    def _update_scrollbars(self) -> None:
        v = self.view
        ghost_end = max((n.end for _, n in self.ghost_notes), default=0)   # a continuation runs past the end
        content_w = max(self.doc.score.total_steps, ghost_end) * v.px_per_step + 40
        self.hbar.setRange(0, max(0, int(content_w - self.canvas.width())))
        self.hbar.setPageStep(max(1, self.canvas.width()))
        self.vbar.setRange(0, max(0, int(v.content_height - self.canvas.height())))
        self.vbar.setPageStep(max(1, self.canvas.height()))
        self.hbar.setSingleStep(int(max(1, v.px_per_step * 4)))
        self.vbar.setSingleStep(int(max(1, v.row_height * 2)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_scrollbars()


class _Corner(QWidget):
    def __init__(self, text: str, color: QColor) -> None:
        super().__init__()
        self.text, self.color = text, color
        self.setFixedWidth(KEYBOARD_WIDTH)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.color)
        if self.text:
            f = p.font()
            f.setPixelSize(9)
            f.setBold(True)
            p.setFont(f)
            p.setPen(QColor("#8a909c"))
            p.drawText(self.rect().adjusted(0, 0, -6, 0), Qt.AlignRight | Qt.AlignVCenter, self.text)
        p.setPen(QColor("#15171b"))
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())


class TimeRuler(QWidget):
    """Bar numbers and beat ticks; click or drag to select bars and move the playhead."""

    def __init__(self, roll: PianoRoll) -> None:
        super().__init__()
        self.roll = roll
        self.setFixedHeight(RULER_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self._anchor_bar: int | None = None

    def _bar_at(self, x: float) -> int:
        score = self.roll.doc.score
        return max(0, min(score.bars - 1, int(self.roll.view.step_at(x) // score.steps_per_bar)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton:
            return
        bar = self._bar_at(event.position().x())
        doc = self.roll.doc
        if event.modifiers() & Qt.ShiftModifier and doc.selected_bars:
            self._anchor_bar = min(doc.selected_bars)
        else:
            self._anchor_bar = bar
        self._select_to(bar)
        step = max(0.0, self.roll.view.step_at(event.position().x()))
        snap = self.roll.snap
        self.roll.seekRequested.emit(float(min(doc.score.total_steps, round(step / snap) * snap)))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._anchor_bar is not None and event.buttons() & Qt.LeftButton:
            self._select_to(self._bar_at(event.position().x()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._anchor_bar = None

    def _select_to(self, bar: int) -> None:
        a = self._anchor_bar if self._anchor_bar is not None else bar
        self.roll.doc.select_bars(range(min(a, bar), max(a, bar) + 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.RULER_BG)
        roll, view, score = self.roll, self.roll.view, self.roll.doc.score
        spb, spbeat = score.steps_per_bar, score.meter.steps_per_beat
        first = max(0, int(view.step_at(0) // spb))
        last = min(score.bars - 1, int(view.step_at(self.width()) // spb))
        h = self.height()
        for b in sorted(roll.doc.selected_bars):
            if first <= b <= last:
                x0, x1 = view.x_of(b * spb), view.x_of((b + 1) * spb)
                p.fillRect(QRectF(x0, 0, x1 - x0, h), theme.RULER_SELECTED)
        font = QFont(p.font())
        font.setPixelSize(11)
        font.setBold(True)
        p.setFont(font)
        for b in range(first, last + 1):
            x = view.x_of(b * spb)
            p.setPen(theme.LINE_BAR)
            p.drawLine(QPointF(x, 0), QPointF(x, h))
            p.setPen(theme.RULER_TEXT)
            p.drawText(QRectF(x + 4, 0, 60, h - 6), Qt.AlignLeft | Qt.AlignVCenter, str(b + 1))
            p.setPen(theme.LINE_BEAT.lighter(160))
            for beat in range(1, spb // spbeat):
                bx = view.x_of(b * spb + beat * spbeat)
                p.drawLine(QPointF(bx, h - 7), QPointF(bx, h))
        end = view.x_of(score.total_steps)
        p.setPen(theme.LINE_BAR)
        p.drawLine(QPointF(end, 0), QPointF(end, h))
        # The playhead as a small downward triangle.
        x = view.x_of(roll.playhead)
        path = QPainterPath()
        path.moveTo(x - 6, h - 10)
        path.lineTo(x + 6, h - 10)
        path.lineTo(x, h)
        path.closeSubpath()
        p.fillPath(path, theme.PLAYHEAD)
        p.setPen(QColor("#15171b"))
        p.drawLine(0, h - 1, self.width(), h - 1)


class LockLane(QWidget):
    """One strip per bar under the ruler: click locks/unlocks the whole bar, Alt-click one cell."""

    def __init__(self, roll: PianoRoll) -> None:
        super().__init__()
        self.roll = roll
        self.setFixedHeight(LOCK_LANE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip("Click: lock or unlock the bar · Alt-click: lock only the active voice · "
                        "right-click: choose voices")

    def bar_at(self, x: float) -> int | None:
        score = self.roll.doc.score
        step = self.roll.view.step_at(x)
        if not 0 <= step < score.total_steps:
            return None
        return int(step // score.steps_per_bar)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        bar = self.bar_at(event.position().x())
        if bar is None or event.button() != Qt.LeftButton:
            return
        if event.modifiers() & Qt.AltModifier:
            self.roll.toggle_cell_lock(self.roll.doc.active_voice, bar)
        else:
            self.roll.toggle_bar_lock(bar)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        bar = self.bar_at(event.pos().x())
        if bar is None:
            return
        score = self.roll.doc.score
        menu = QMenu(self)
        whole = menu.addAction(f"{'Unlock' if score.bar_locked(bar) else 'Lock'} bar {bar + 1}")
        whole.triggered.connect(lambda: self.roll.toggle_bar_lock(bar))
        menu.addSeparator()
        for v in Voice:
            act = menu.addAction(f"Lock {v.label.lower()} in bar {bar + 1}")
            act.setCheckable(True)
            act.setChecked(score.is_locked(v, bar))
            act.triggered.connect(lambda _checked, v=v: self.roll.toggle_cell_lock(v, bar))
        menu.exec(event.globalPos())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), theme.LOCK_LANE_BG)
        view, score = self.roll.view, self.roll.doc.score
        spb = score.steps_per_bar
        h = self.height()
        first = max(0, int(view.step_at(0) // spb))
        last = min(score.bars - 1, int(view.step_at(self.width()) // spb))
        stripe = (h - 6) / 4
        for b in range(first, last + 1):
            x0, x1 = view.x_of(b * spb), view.x_of((b + 1) * spb)
            p.setPen(theme.LINE_BAR)
            p.drawLine(QPointF(x0, 0), QPointF(x0, h))
            locked = [v for v in Voice if score.is_locked(v, b)]
            if len(locked) == 4:
                p.fillRect(QRectF(x0 + 1, 1, x1 - x0 - 1, h - 2), QColor("#3b3f4a"))
                _draw_padlock(p, (x0 + x1) / 2, h / 2, QColor("#f0f0f0"))
                continue
            for v in locked:  # one coloured stripe per locked voice, soprano on top
                y = 3 + v.value * stripe
                p.fillRect(QRectF(x0 + 4, y, x1 - x0 - 8, stripe - 1), theme.VOICE_COLORS[v])
            if locked:
                _draw_padlock(p, x0 + 10, h / 2, QColor("#e0e0e0"), small=True)
        p.setPen(QColor("#15171b"))
        p.drawLine(0, h - 1, self.width(), h - 1)


def _draw_padlock(p: QPainter, cx: float, cy: float, color: QColor, small: bool = False) -> None:
    """A padlock drawn with lines, so it needs no icon font."""
    s = 0.7 if small else 1.0
    body = QRectF(cx - 5 * s, cy - 1 * s, 10 * s, 7 * s)
    p.setPen(QPen(color, 1.6 * s))
    p.setBrush(Qt.NoBrush)
    p.drawArc(QRectF(cx - 3.5 * s, cy - 7 * s, 7 * s, 9 * s), 0, 180 * 16)
    p.setPen(Qt.NoPen)
    p.setBrush(color)
    p.drawRoundedRect(body, 1.5 * s, 1.5 * s)
    p.setBrush(Qt.NoBrush)


class Keyboard(QWidget):
    """A vertical piano keyboard with every C labelled (C4 = middle C)."""

    def __init__(self, roll: PianoRoll) -> None:
        super().__init__()
        self.roll = roll
        self.setFixedWidth(KEYBOARD_WIDTH)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.roll.canvas.wheelEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        view = self.roll.view
        w = self.width()
        p.fillRect(self.rect(), theme.KEY_WHITE)
        font = QFont(p.font())
        font.setPixelSize(max(8, min(11, int(view.row_height) - 1)))
        p.setFont(font)
        top, bottom = view.pitch_at(self.height()), view.pitch_at(0)
        active = self.roll.doc.active_voice
        lo, hi = self.roll.doc.score.ranges[active]
        for pitch in range(top, bottom + 1):
            y = view.y_of(pitch)
            rh = view.row_height
            if pitch % 12 in _BLACK:
                p.fillRect(QRectF(0, y, w * 0.62, rh), theme.KEY_BLACK)
            else:
                # A hairline between neighbouring white keys (B–C and E–F have no black key between).
                if pitch % 12 in (0, 5):
                    p.setPen(QColor("#9a9ca3"))
                    p.drawLine(QPointF(0, y + rh), QPointF(w, y + rh))
            if lo <= pitch <= hi:   # the active voice's range marked along the keys' edge
                p.fillRect(QRectF(w - 5, y, 4, rh), theme.VOICE_COLORS[active])
            if pitch % 12 == 0:
                p.setPen(theme.KEY_LABEL)
                p.drawText(QRectF(0, y - 2, w - 8, rh + 4), Qt.AlignRight | Qt.AlignVCenter, pitch_name(pitch))
        p.setPen(QColor("#15171b"))
        p.drawLine(w - 1, 0, w - 1, self.height())


class NoteCanvas(QWidget):
    """The grid and the notes: draw, move, resize, delete, select; wheel scrolls and zooms."""

    def __init__(self, roll: PianoRoll) -> None:
        super().__init__()
        self.roll = roll
        self.drag: _Drag | None = None
        self.band: QRectF | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(200, 120)

    # ---- geometry helpers -----------------------------------------------------------------------
    def note_rect(self, note: Note) -> QRectF:
        v = self.roll.view
        x0, x1 = v.x_of(note.start), v.x_of(note.end)
        return QRectF(x0 + 0.5, v.y_of(note.pitch) + 0.5, max(3.0, x1 - x0 - 1), v.row_height - 1)

    def hit(self, pos: QPointF) -> tuple[Voice, Note, bool] | None:
        """The note under ``pos`` (active voice first) and whether ``pos`` is on its right edge."""
        doc = self.roll.doc
        view = self.roll.view
        step = int(view.step_at(pos.x()))
        pitch = view.pitch_at(pos.y())
        order = [doc.active_voice] + [v for v in Voice if v != doc.active_voice]
        for v in order:
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

    def _snapped(self, step: float) -> int:
        s = self.roll.snap
        return int(math.floor(step / s) * s)

    # ---- mouse ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        roll, doc = self.roll, self.roll.doc
        pos = event.position()
        hit = self.hit(pos)
        if event.button() == Qt.RightButton:
            if hit:
                roll.delete_note(hit[0], hit[1])
            return
        if event.button() != Qt.LeftButton:
            return
        mods = event.modifiers()
        step, pitch = roll.view.step_at(pos.x()), roll.view.pitch_at(pos.y())
        if hit:
            v, n, on_edge = hit
            if mods & Qt.ControlModifier:
                doc.toggle_selected((v, n))
                return
            doc.set_active_voice(v)
            if (v, n) not in doc.selection:
                doc.select([(v, n)])
            originals = sorted(doc.selection)
            self.drag = _Drag("resize" if on_edge else "move", pos, step, pitch, v, originals, list(originals),
                              anchor=(v, n))
        elif mods & (Qt.ControlModifier | Qt.ShiftModifier):
            self.drag = _Drag("band", pos, step, pitch)
            self.band = QRectF(pos, pos)
        else:
            start = self._snapped(step)
            if start >= doc.score.total_steps:
                return
            v = doc.active_voice
            note = Note(start=start, length=min(roll.snap, doc.score.total_steps - start), pitch=pitch)
            self.drag = _Drag("draw", pos, step, pitch, v, [], [(v, note)])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        roll = self.roll
        step, pitch = roll.view.step_at(pos.x()), roll.view.pitch_at(pos.y())
        roll.hoverChanged.emit(max(0, int(step)), pitch)
        d = self.drag
        if d is None:
            hit = self.hit(pos)
            self.setCursor(Qt.SizeHorCursor if hit and hit[2] else Qt.OpenHandCursor if hit else Qt.CrossCursor)
            return
        total = roll.doc.score.total_steps
        snap = roll.snap
        if d.kind == "draw":
            (v, n), = d.preview
            end = max(n.start + snap, int(math.ceil(step / snap) * snap))
            d.preview = [(v, n.with_(length=min(end, total) - n.start))]
        elif d.kind == "move":
            _, a = d.anchor
            new_start = int(round((a.start + step - d.origin_step) / snap) * snap)
            dt = new_start - a.start
            dp = pitch - d.origin_pitch
            # Clamp the whole group so that every note stays inside the piece and the MIDI range.
            dt = max(dt, -min(n.start for _, n in d.originals))
            dt = min(dt, total - max(n.end for _, n in d.originals))
            dp = max(dp, -min(n.pitch for _, n in d.originals))
            dp = min(dp, 127 - max(n.pitch for _, n in d.originals))
            d.preview = [(v, n.with_(start=n.start + dt, pitch=n.pitch + dp)) for v, n in d.originals]
        elif d.kind == "resize":
            _, a = d.anchor
            new_end = int(round((a.end + step - d.origin_step) / snap) * snap)
            dl = new_end - a.end
            d.preview = [(v, n.with_(length=max(1, min(n.length + dl, total - n.start))))
                         for v, n in d.originals]
        elif d.kind == "band":
            self.band = QRectF(d.origin, pos).normalized()
            self._select_in_band(event.modifiers())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        d, self.drag, self.band = self.drag, None, None
        if d is None:
            return
        roll = self.roll
        if d.kind == "draw":
            (v, n), = d.preview
            roll.draw_note(v, n)
        elif d.kind == "move":
            roll.commit_moved(d.originals, d.preview, "Move notes" if len(d.originals) > 1 else "Move note")
        elif d.kind == "resize":
            roll.commit_moved(d.originals, d.preview, "Resize notes" if len(d.originals) > 1 else "Resize note")
        self.update()

    def _select_in_band(self, mods) -> None:
        doc = self.roll.doc
        view = self.roll.view
        s0, s1 = view.step_at(self.band.left()), view.step_at(self.band.right())
        hits = []
        for v in Voice:
            if not doc.is_visible(v):
                continue
            for n in doc.score.notes_between(v, int(s0), int(math.ceil(s1))):
                if self.note_rect(n).intersects(self.band):
                    hits.append((v, n))
        doc.select(hits)

    def wheelEvent(self, event: QWheelEvent) -> None:
        roll = self.roll
        delta = event.angleDelta().y() or event.angleDelta().x()
        mods = event.modifiers()
        if mods & Qt.ControlModifier and mods & Qt.ShiftModifier:
            roll.zoom_vertical(1.15 if delta > 0 else 1 / 1.15, event.position().y())
        elif mods & Qt.ControlModifier:
            roll.zoom_horizontal(1.2 if delta > 0 else 1 / 1.2, event.position().x())
        elif mods & Qt.ShiftModifier or event.angleDelta().x():
            roll.hbar.setValue(roll.hbar.value() - delta)
        else:
            roll.vbar.setValue(roll.vbar.value() - delta // 2)
        event.accept()

    # ---- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        roll, doc = self.roll, self.roll.doc
        key, shift = event.key(), bool(event.modifiers() & Qt.ShiftModifier)
        voice_keys = {Qt.Key_1: Voice.SOPRANO, Qt.Key_2: Voice.ALTO, Qt.Key_3: Voice.TENOR, Qt.Key_4: Voice.BASS}
        if key in voice_keys:
            doc.set_active_voice(voice_keys[key])
        elif key in (Qt.Key_Up, Qt.Key_Down):
            roll.shift_selected(0, (12 if shift else 1) * (1 if key == Qt.Key_Up else -1))
        elif key in (Qt.Key_Left, Qt.Key_Right):
            amount = doc.score.steps_per_bar if shift else roll.snap
            roll.shift_selected(amount * (1 if key == Qt.Key_Right else -1), 0)
        elif key in (Qt.Key_Delete, Qt.Key_Backspace):
            roll.delete_selected()
        elif key == Qt.Key_Escape:
            if self.drag is not None:
                self.drag, self.band = None, None
                self.update()
            else:
                doc.clear_selection()
        else:
            super().keyPressEvent(event)

    # ---- painting -------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        roll, view, doc = self.roll, self.roll.view, self.roll.doc
        score = doc.score
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), theme.BACKGROUND)
        top, bottom = view.pitch_at(h), view.pitch_at(0)
        end_x = view.x_of(score.total_steps)
        music_w = max(0.0, min(w, end_x))
        # Rows: black-key rows darker, octave lines under every C.
        for pitch in range(top, bottom + 1):
            y = view.y_of(pitch)
            p.fillRect(QRectF(0, y, music_w, view.row_height),
                       theme.ROW_BLACK if pitch % 12 in _BLACK else theme.ROW_WHITE)
        active = doc.active_voice
        lo, hi = score.ranges[active]
        shade = QColor(theme.VOICE_COLORS[active])
        shade.setAlpha(22)
        p.fillRect(QRectF(0, view.y_of(hi), music_w, (hi - lo + 1) * view.row_height), shade)
        p.setPen(theme.LINE_OCTAVE)
        for pitch in range(top, bottom + 1):
            if pitch % 12 == 0:
                y = view.y_of(pitch) + view.row_height
                p.drawLine(QPointF(0, y), QPointF(music_w, y))
        # Before the pickup: the part of bar 0 that holds no music.
        if score.pickup:
            p.fillRect(QRectF(view.x_of(0), 0, view.x_of(score.steps_per_bar - score.pickup) - view.x_of(0), h),
                       QColor(0, 0, 0, 90))
        self._paint_grid(p, h, music_w)
        self._paint_locks(p, h)
        if end_x < w:
            p.fillRect(QRectF(max(0.0, end_x), 0, w - max(0.0, end_x), h), QColor("#141519"))
        self._paint_notes(p)
        self._paint_ghosts(p)
        self._paint_markers(p)
        if self.band is not None:
            p.setPen(QPen(QColor(150, 190, 255), 1))
            p.setBrush(theme.RUBBER_BAND)
            p.drawRect(self.band)
        x = view.x_of(roll.playhead)
        p.setPen(QPen(theme.PLAYHEAD, 1.5))
        p.drawLine(QPointF(x, 0), QPointF(x, h))

    def _paint_grid(self, p: QPainter, h: int, music_w: float) -> None:
        view, score = self.roll.view, self.roll.doc.score
        spb, spbeat = score.steps_per_bar, score.meter.steps_per_beat
        first = max(0, int(view.step_at(0)))
        last = min(score.total_steps, int(view.step_at(music_w)) + 1)
        show_steps = view.px_per_step >= 5
        for step in range(first, last + 1):
            if step % spb == 0:
                pen = QPen(theme.LINE_BAR, 1.4)
            elif step % spbeat == 0:
                pen = QPen(theme.LINE_BEAT, 1)
            elif show_steps:
                pen = QPen(theme.LINE_STEP, 1)
            else:
                continue
            p.setPen(pen)
            x = round(view.x_of(step)) + 0.5
            p.drawLine(QPointF(x, 0), QPointF(x, h))

    def _paint_locks(self, p: QPainter, h: int) -> None:
        """Locked cells hatched: a whole locked bar grey from top to bottom, a locked cell across its voice's range."""
        view, doc = self.roll.view, self.roll.doc
        score = doc.score
        spb = score.steps_per_bar
        first = max(0, int(view.step_at(0) // spb))
        last = min(score.bars - 1, int(view.step_at(self.width()) // spb))
        for b in range(first, last + 1):
            x0, x1 = view.x_of(b * spb), view.x_of((b + 1) * spb)
            if score.bar_locked(b):
                p.fillRect(QRectF(x0, 0, x1 - x0, h), QColor(160, 170, 190, 28))
                p.fillRect(QRectF(x0, 0, x1 - x0, h), QBrush(theme.LOCK_HATCH, Qt.BDiagPattern))
                continue
            for v in Voice:
                if not score.is_locked(v, b) or not doc.is_visible(v):
                    continue
                lo, hi = score.ranges[v]
                c = QColor(theme.VOICE_COLORS[v])
                c.setAlpha(110 if v == doc.active_voice else 55)
                area = QRectF(x0, view.y_of(hi), x1 - x0, (hi - lo + 1) * view.row_height)
                tint = QColor(c)
                tint.setAlpha(18)
                p.fillRect(area, tint)
                p.fillRect(area, QBrush(c, Qt.BDiagPattern))

    def _paint_notes(self, p: QPainter) -> None:
        roll, view, doc = self.roll, self.roll.view, self.roll.doc
        score = doc.score
        p.setRenderHint(QPainter.Antialiasing)
        s0, s1 = int(view.step_at(0)), int(math.ceil(view.step_at(self.width())))
        hidden: set[SelectedNote] = set(self.drag.originals) if self.drag and self.drag.kind != "band" else set()
        preview = self.drag.preview if self.drag and self.drag.kind != "band" else []
        font = QFont(p.font())
        font.setPixelSize(max(7, min(10, int(view.row_height) - 2)))
        font.setBold(True)
        p.setFont(font)
        order = [v for v in reversed(Voice) if v != doc.active_voice] + [doc.active_voice]
        for v in order:
            if not doc.is_visible(v):
                continue
            for n in score.notes_between(v, s0, s1):
                if roll.ghost_cells and (v, score.bar_of(n.start)) in roll.ghost_cells:
                    continue   # being rewritten: the ghost layer shows what comes instead
                if (v, n) in hidden:
                    self._paint_note(p, v, n, ghost=True)
                else:
                    self._paint_note(p, v, n)
        for v, n in preview:
            self._paint_note(p, v, n, selected=True)

    def _paint_note(self, p: QPainter, v: Voice, n: Note, *, selected: bool | None = None,
                    ghost: bool = False) -> None:
        doc = self.roll.doc
        rect = self.note_rect(n)
        base = theme.VOICE_COLORS[v]
        active = v == doc.active_voice
        if selected is None:
            selected = (v, n) in doc.selection
        # Other voices keep their hue but darker, so all four stay apart while the active one stands out.
        fill = QColor(base) if active else base.darker(165)
        fill.setAlpha(40 if ghost else 235 if active else 215)
        border = QColor(theme.SELECTION) if selected else base.lighter(135) if active else base.darker(115)
        p.setPen(QPen(border, 2.0 if selected else 1.0))
        p.setBrush(fill)
        radius = min(4.0, rect.height() / 2.5)
        p.drawRoundedRect(rect, radius, radius)
        if active and rect.width() >= 26 and rect.height() >= 9 and not ghost:
            p.setPen(QColor(20, 20, 24, 220))
            p.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignLeft | Qt.AlignVCenter,
                       pitch_name(n.pitch, doc.score.key.fifths < 0))

    def _paint_ghosts(self, p: QPainter) -> None:
        """Notes not yet in the score, dashed: translucent while streaming, full colour as a candidate."""
        roll, view = self.roll, self.roll.view
        if not roll.ghost_notes and not roll.ghost_cells:
            return
        spb = roll.doc.score.steps_per_bar
        bars = {b for _, b in roll.ghost_cells}
        tint = QColor(61, 125, 216, 26)
        for b in bars:   # the bars being written
            x0, x1 = view.x_of(b * spb), view.x_of((b + 1) * spb)
            p.fillRect(QRectF(x0, 0, x1 - x0, self.height()), tint)
        s0, s1 = view.step_at(0), view.step_at(self.width())
        for v, n in roll.ghost_notes:
            if n.end < s0 or n.start > s1 or not roll.doc.is_visible(v):
                continue
            rect = self.note_rect(n)
            base = theme.VOICE_COLORS[v]
            fill = QColor(base)
            fill.setAlpha(215 if roll.ghost_solid else 110)
            p.setPen(QPen(base.lighter(150), 1.3, Qt.DashLine))
            p.setBrush(fill)
            radius = min(4.0, rect.height() / 2.5)
            p.drawRoundedRect(rect, radius, radius)

    def _paint_markers(self, p: QPainter) -> None:
        """Each finding: rings on the notes it concerns, joined by a line, in its rule family's colour."""
        view = self.roll.view
        r = max(4.0, min(9.0, view.row_height * 0.75))
        for m in self.roll.markers:
            x = view.x_of(m.step) + r * 0.8
            if x < -r or x > self.width() + r:
                continue
            ys = [view.y_of(pitch) + view.row_height / 2 for _, pitch in m.notes]
            pen = QPen(m.color, 2.0)
            p.setPen(pen)
            p.setBrush(Qt.NoBrush)
            if len(ys) > 1:
                p.setPen(QPen(m.color, 1.5, Qt.DotLine))
                p.drawLine(QPointF(x, min(ys) + r), QPointF(x, max(ys) - r))
                p.setPen(pen)
            for y in ys:
                p.drawEllipse(QPointF(x, y), r, r)

    def marker_at(self, pos: QPointF):
        """The voice-leading marker under ``pos``, if any."""
        view = self.roll.view
        r = max(4.0, min(9.0, view.row_height * 0.75))
        for m in self.roll.markers:
            x = view.x_of(m.step) + r * 0.8
            ys = [view.y_of(pitch) + view.row_height / 2 for _, pitch in m.notes]
            if abs(pos.x() - x) <= r + 2 and min(ys) - r - 2 <= pos.y() <= max(ys) + r + 2:
                return m
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.ToolTip:
            m = self.marker_at(QPointF(event.pos()))
            if m is not None:
                QToolTip.showText(event.globalPos(), m.finding.message, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
