"""How the note canvas is painted, layer by layer: rows, grid, locks, notes, ghost notes, markers.

Plain functions of a QPainter, the document and the shared ``RollView``; only what is on
screen is painted, so a long chorale scrolls as fast as a short one.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen

from ...score import Note, Voice, pitch_name
from .. import theme
from ..document import ScoreDocument
from .view import BLACK_KEYS, RollView


def paint_background(p: QPainter, doc: ScoreDocument, view: RollView, w: float, h: float) -> float:
    """Rows (black-key rows darker), the active voice's range, octave lines, the pickup and the grid;
    returns the width the music takes on screen."""
    score = view.shown(doc.score)
    p.fillRect(QRectF(0, 0, w, h), theme.BACKGROUND)
    top, bottom = view.pitch_at(h), view.pitch_at(0)
    music_w = max(0.0, min(w, view.x_of(score.total_steps)))
    for pitch in range(top, bottom + 1):
        p.fillRect(QRectF(0, view.y_of(pitch), music_w, view.row_height),
                   theme.ROW_BLACK if pitch % 12 in BLACK_KEYS else theme.ROW_WHITE)
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
    if score.pickup:   # before the pickup: the part of bar 0 that holds no music
        p.fillRect(QRectF(view.x_of(0), 0, view.x_of(score.steps_per_bar - score.pickup) - view.x_of(0), h),
                   theme.BEFORE_PICKUP)
    _paint_grid(p, doc, view, h, music_w)
    return music_w


def _paint_grid(p: QPainter, doc: ScoreDocument, view: RollView, h: float, music_w: float) -> None:
    score = view.shown(doc.score)
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


def paint_locks(p: QPainter, doc: ScoreDocument, view: RollView, w: float, h: float) -> None:
    """Locked cells hatched: a whole locked bar grey from top to bottom, a locked cell across its voice's range."""
    score = view.shown(doc.score)
    for b in view.visible_bars(score, w):
        x0, x1 = view.bar_edges(score, b)
        if score.bar_locked(b):
            p.fillRect(QRectF(x0, 0, x1 - x0, h), theme.LOCKED_BAR_TINT)
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


def paint_past_end(p: QPainter, doc: ScoreDocument, view: RollView, w: float, h: float) -> None:
    end_x = view.x_of(view.shown(doc.score).total_steps)
    if end_x < w:
        p.fillRect(QRectF(max(0.0, end_x), 0, w - max(0.0, end_x), h), theme.PAST_END)


def paint_notes(p: QPainter, doc: ScoreDocument, view: RollView, w: float, hidden=frozenset(),
                preview=()) -> None:
    """The score's notes, the active voice on top; ``hidden`` ones faded, ``preview`` ones over them all."""
    score = view.shown(doc.score)
    p.setRenderHint(QPainter.Antialiasing)
    s0, s1 = int(view.step_at(0)), int(math.ceil(view.step_at(w)))
    font = QFont(p.font())
    font.setPixelSize(max(7, min(10, int(view.row_height) - 2)))
    font.setBold(True)
    p.setFont(font)
    order = [v for v in reversed(Voice) if v != doc.active_voice] + [doc.active_voice]
    for v in order:
        if not doc.is_visible(v):
            continue
        for n in score.notes_between(v, s0, s1):
            if view.ghost_cells and (v, score.bar_of(n.start)) in view.ghost_cells:
                continue   # being rewritten: the ghost layer shows what comes instead
            _paint_note(p, doc, view, v, n, ghost=(v, n) in hidden)
    for v, n in preview:
        _paint_note(p, doc, view, v, n, selected=True)


def _paint_note(p: QPainter, doc: ScoreDocument, view: RollView, v: Voice, n: Note, *,
                selected: bool | None = None, ghost: bool = False) -> None:
    rect = view.note_rect(n)
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
        p.setPen(theme.NOTE_LABEL)
        p.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignLeft | Qt.AlignVCenter,
                   pitch_name(n.pitch, doc.score.key.fifths < 0))


def paint_ghosts(p: QPainter, doc: ScoreDocument, view: RollView, w: float, h: float) -> None:
    """Notes not yet in the score, dashed: translucent while streaming, full colour as a candidate."""
    if not view.ghost_notes and not view.ghost_cells:
        return
    for b in {b for _, b in view.ghost_cells}:   # the bars being written
        x0, x1 = view.bar_edges(view.shown(doc.score), b)
        p.fillRect(QRectF(x0, 0, x1 - x0, h), theme.GHOST_BARS)
    s0, s1 = view.step_at(0), view.step_at(w)
    for v, n in view.ghost_notes:
        if n.end < s0 or n.start > s1 or not doc.is_visible(v):
            continue
        rect = view.note_rect(n)
        base = theme.VOICE_COLORS[v]
        fill = QColor(base)
        fill.setAlpha(215 if view.ghost_solid else 110)
        p.setPen(QPen(base.lighter(150), 1.3, Qt.DashLine))
        p.setBrush(fill)
        radius = min(4.0, rect.height() / 2.5)
        p.drawRoundedRect(rect, radius, radius)


def paint_target(p: QPainter, doc: ScoreDocument, view: RollView, w: float, h: float) -> None:
    """The cells Fill would write now, outlined: a selected bar from top to bottom, a note's cell across its
    voice's range.  Hidden while generation draws its own."""
    if not view.target_cells or view.ghost_cells:
        return
    score = doc.score
    bars = view.visible_bars(score, w)
    whole = {b for b in bars if all((v, b) in view.target_cells for v in Voice if doc.is_visible(v))}
    p.setPen(QPen(theme.TARGET_EDGE, 1.2, Qt.DashLine))
    for v, b in sorted(view.target_cells):
        if b not in bars or b in whole:
            continue
        lo, hi = score.ranges[v]
        x0, x1 = view.bar_edges(score, b)
        area = QRectF(x0 + 1, view.y_of(hi), x1 - x0 - 2, (hi - lo + 1) * view.row_height)
        p.fillRect(area, theme.TARGET_FILL)
        p.drawRect(area)
    for b in whole:
        x0, x1 = view.bar_edges(score, b)
        p.fillRect(QRectF(x0, 0, x1 - x0, h), theme.TARGET_FILL)
        p.drawRect(QRectF(x0 + 1, 1, x1 - x0 - 2, h - 2))


def paint_fermatas(p: QPainter, doc: ScoreDocument, view: RollView, h: float) -> None:
    """A line down the roll at every phrase end."""
    p.setPen(QPen(theme.FERMATA, 1.5, Qt.DotLine))
    for step in view.shown(doc.score).fermatas:
        x = view.x_of(step)
        p.drawLine(QPointF(x, 0), QPointF(x, h))


def _marker_place(view: RollView, marker) -> tuple[float, list[float]]:
    """The x of a marker's rings and the y of each."""
    x = view.x_of(marker.step) + view.marker_radius() * 0.8
    return x, [view.y_of(pitch) + view.row_height / 2 for _, pitch in marker.notes]


def paint_markers(p: QPainter, view: RollView, w: float) -> None:
    """Each finding: rings on the notes it concerns, joined by a line, in its rule family's colour."""
    r = view.marker_radius()
    for m in view.markers:
        x, ys = _marker_place(view, m)
        if x < -r or x > w + r:
            continue
        pen = QPen(m.color, 2.0)
        p.setPen(pen)
        p.setBrush(Qt.NoBrush)
        if len(ys) > 1:
            p.setPen(QPen(m.color, 1.5, Qt.DotLine))
            p.drawLine(QPointF(x, min(ys) + r), QPointF(x, max(ys) - r))
            p.setPen(pen)
        for y in ys:
            p.drawEllipse(QPointF(x, y), r, r)


def marker_at(view: RollView, pos: QPointF):
    """The voice-leading marker under ``pos``, if any."""
    r = view.marker_radius()
    for m in view.markers:
        x, ys = _marker_place(view, m)
        if abs(pos.x() - x) <= r + 2 and min(ys) - r - 2 <= pos.y() <= max(ys) + r + 2:
            return m
    return None


def paint_input_cursor(p: QPainter, doc: ScoreDocument, view: RollView, h: float) -> None:
    """Note input's cursor: the length the next note will take, in its voice's colour, over the voice's range."""
    if view.input_cursor is None:
        return
    step, voice, length = view.input_cursor
    low, high = doc.score.ranges[voice]
    color = QColor(theme.VOICE_COLORS[voice])
    x0, x1 = view.x_of(step), view.x_of(step + length)
    top, bottom = view.y_of(high), view.y_of(low - 1)
    color.setAlpha(60)
    p.fillRect(QRectF(x0, top, x1 - x0, bottom - top), color)
    color.setAlpha(255)
    p.setPen(QPen(color, 2.5))
    p.drawLine(QPointF(x0, 0), QPointF(x0, h))


def paint_band_and_playhead(p: QPainter, view: RollView, band: QRectF | None, h: float) -> None:
    if band is not None:
        p.setPen(QPen(theme.RUBBER_BAND_EDGE, 1))
        p.setBrush(theme.RUBBER_BAND)
        p.drawRect(band)
    x = view.x_of(view.playhead)
    p.setPen(QPen(theme.PLAYHEAD, 1.5))
    p.drawLine(QPointF(x, 0), QPointF(x, h))

