"""The margins around the note canvas: the bar ruler on top, the lock lane under it, the keyboard on the
left and the corners between them.  Each paints from the document and the shared ``RollView``."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from ...score import Voice, pitch_name
from .. import theme
from ..document import ScoreDocument
from ..editor import ScoreEditor
from .view import BLACK_KEYS, KEYBOARD_WIDTH, LOCK_LANE_HEIGHT, RULER_HEIGHT, RollView


def draw_edge(p: QPainter, widget: QWidget, *, right: bool = False) -> None:
    """The dark line that parts a margin from its neighbour (below it, or to its right)."""
    p.setPen(theme.EDGE_LINE)
    if right:
        p.drawLine(widget.width() - 1, 0, widget.width() - 1, widget.height())
    else:
        p.drawLine(0, widget.height() - 1, widget.width(), widget.height() - 1)


class Corner(QWidget):
    """The space left of the ruler and of the lock lane, with an optional caption."""

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
            p.setPen(theme.CAPTION_TEXT)
            p.drawText(self.rect().adjusted(0, 0, -6, 0), Qt.AlignRight | Qt.AlignVCenter, self.text)
        draw_edge(p, self, right=True)


class TimeRuler(QWidget):
    """Bar numbers, beat ticks and phrase ends; click or drag to select bars and move the playhead,
    right-click for what can be done with the bars."""

    seekRequested = Signal(float)   # the user clicked at this step (on the snap grid)
    barMenuRequested = Signal(int, QPoint)   # right-click on this bar, at this global position

    def __init__(self, doc: ScoreDocument, view: RollView) -> None:
        super().__init__()
        self.doc, self.view = doc, view
        self.setFixedHeight(RULER_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self._anchor_bar: int | None = None

    def _bar_at(self, x: float) -> int:
        score = self.doc.score
        return max(0, min(score.bars - 1, int(self.view.step_at(x) // score.steps_per_bar)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton:
            return
        bar = self._bar_at(event.position().x())
        if event.modifiers() & Qt.ShiftModifier and self.doc.selected_bars:
            self._anchor_bar = min(self.doc.selected_bars)
        else:
            self._anchor_bar = bar
        self._select_to(bar)
        step = max(0.0, self.view.step_at(event.position().x()))
        snap = self.view.snap
        self.seekRequested.emit(float(min(self.doc.score.total_steps, round(step / snap) * snap)))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        bar = self._bar_at(event.pos().x())
        if bar not in self.doc.selected_bars:
            self.doc.select_bars([bar])
        self.barMenuRequested.emit(bar, event.globalPos())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._anchor_bar is not None and event.buttons() & Qt.LeftButton:
            self._select_to(self._bar_at(event.position().x()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._anchor_bar = None

    def _select_to(self, bar: int) -> None:
        a = self._anchor_bar if self._anchor_bar is not None else bar
        self.doc.select_bars(range(min(a, bar), max(a, bar) + 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.RULER_BG)
        view, score = self.view, self.view.shown(self.doc.score)
        spb, spbeat = score.steps_per_bar, score.meter.steps_per_beat
        bars = view.visible_bars(score, self.width())
        h = self.height()
        for b in sorted(self.doc.selected_bars):
            if b in bars:
                x0, x1 = view.bar_edges(score, b)
                p.fillRect(QRectF(x0, 0, x1 - x0, h), theme.RULER_SELECTED)
        font = QFont(p.font())
        font.setPixelSize(11)
        font.setBold(True)
        p.setFont(font)
        for b in bars:
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
        for step in score.fermatas:
            draw_fermata(p, view.x_of(step), h / 2, theme.FERMATA)
        # The playhead as a small downward triangle.
        x = view.x_of(view.playhead)
        path = QPainterPath()
        path.moveTo(x - 6, h - 10)
        path.lineTo(x + 6, h - 10)
        path.lineTo(x, h)
        path.closeSubpath()
        p.fillPath(path, theme.PLAYHEAD)
        draw_edge(p, self)


class LockLane(QWidget):
    """One strip per bar under the ruler: click locks/unlocks the whole bar, Alt-click one cell."""

    def __init__(self, editor: ScoreEditor, view: RollView) -> None:
        super().__init__()
        self.editor, self.doc, self.view = editor, editor.doc, view
        self.setFixedHeight(LOCK_LANE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip("Click: lock or unlock the bar · Alt-click: lock only the active voice · "
                        "right-click: choose voices")

    def bar_at(self, x: float) -> int | None:
        score = self.doc.score
        step = self.view.step_at(x)
        if not 0 <= step < score.total_steps:
            return None
        return int(step // score.steps_per_bar)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        bar = self.bar_at(event.position().x())
        if bar is None or event.button() != Qt.LeftButton:
            return
        if event.modifiers() & Qt.AltModifier:
            self.editor.toggle_cell_lock(self.doc.active_voice, bar)
        else:
            self.editor.toggle_bar_lock(bar)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        bar = self.bar_at(event.pos().x())
        if bar is None:
            return
        score = self.doc.score
        menu = QMenu(self)
        whole = menu.addAction(f"{'Unlock' if score.bar_locked(bar) else 'Lock'} bar {bar + 1}")
        whole.triggered.connect(lambda: self.editor.toggle_bar_lock(bar))
        menu.addSeparator()
        for v in Voice:
            act = menu.addAction(f"Lock {v.label.lower()} in bar {bar + 1}")
            act.setCheckable(True)
            act.setChecked(score.is_locked(v, bar))
            act.triggered.connect(lambda _checked, v=v: self.editor.toggle_cell_lock(v, bar))
        menu.exec(event.globalPos())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), theme.LOCK_LANE_BG)
        view, score = self.view, self.view.shown(self.doc.score)
        h = self.height()
        stripe = (h - 6) / 4
        for b in view.visible_bars(score, self.width()):
            x0, x1 = view.bar_edges(score, b)
            p.setPen(theme.LINE_BAR)
            p.drawLine(QPointF(x0, 0), QPointF(x0, h))
            locked = [v for v in Voice if score.is_locked(v, b)]
            if len(locked) == 4:
                p.fillRect(QRectF(x0 + 1, 1, x1 - x0 - 1, h - 2), theme.LOCKED_BAR)
                draw_padlock(p, (x0 + x1) / 2, h / 2, theme.PADLOCK)
                continue
            for v in locked:  # one coloured stripe per locked voice, soprano on top
                y = 3 + v.value * stripe
                p.fillRect(QRectF(x0 + 4, y, x1 - x0 - 8, stripe - 1), theme.VOICE_COLORS[v])
            if locked:
                draw_padlock(p, x0 + 10, h / 2, theme.PADLOCK_SMALL, small=True)
        draw_edge(p, self)


def draw_fermata(p: QPainter, x: float, y: float, color: QColor) -> None:
    """A fermata (an arc over a dot) centred on ``x``, drawn with lines so it needs no music font."""
    p.save()
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QPen(color, 1.6))
    p.setBrush(Qt.NoBrush)
    p.drawArc(QRectF(x - 6, y - 5, 12, 12), 0, 180 * 16)
    p.setPen(Qt.NoPen)
    p.setBrush(color)
    p.drawEllipse(QPointF(x, y + 2), 1.6, 1.6)
    p.restore()


def draw_padlock(p: QPainter, cx: float, cy: float, color: QColor, small: bool = False) -> None:
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
    """A vertical piano keyboard with every C labelled (C4 = middle C); the wheel scrolls the canvas."""

    def __init__(self, doc: ScoreDocument, view: RollView, wheel_target: QWidget) -> None:
        super().__init__()
        self.doc, self.view, self.wheel_target = doc, view, wheel_target
        self.setFixedWidth(KEYBOARD_WIDTH)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)

    def wheelEvent(self, event) -> None:
        self.wheel_target.wheelEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        view = self.view
        w = self.width()
        p.fillRect(self.rect(), theme.KEY_WHITE)
        font = QFont(p.font())
        font.setPixelSize(max(8, min(11, int(view.row_height) - 1)))
        p.setFont(font)
        top, bottom = view.pitch_at(self.height()), view.pitch_at(0)
        active = self.doc.active_voice
        lo, hi = self.doc.score.ranges[active]
        for pitch in range(top, bottom + 1):
            y = view.y_of(pitch)
            rh = view.row_height
            if pitch % 12 in BLACK_KEYS:
                p.fillRect(QRectF(0, y, w * 0.62, rh), theme.KEY_BLACK)
            elif pitch % 12 in (0, 5):
                # A hairline between neighbouring white keys (B–C and E–F have no black key between).
                p.setPen(theme.KEY_SEPARATOR)
                p.drawLine(QPointF(0, y + rh), QPointF(w, y + rh))
            if lo <= pitch <= hi:   # the active voice's range marked along the keys' edge
                p.fillRect(QRectF(w - 5, y, 4, rh), theme.VOICE_COLORS[active])
            if pitch % 12 == 0:
                p.setPen(theme.KEY_LABEL)
                p.drawText(QRectF(0, y - 2, w - 8, rh + 4), Qt.AlignRight | Qt.AlignVCenter, pitch_name(pitch))
        draw_edge(p, self, right=True)
