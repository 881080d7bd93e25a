"""The harmony lane under the note canvas: the Roman numeral of every chord at its beat, the key where
it changes, the cadence at each phrase end.

It reads one analysis module (``analysis.harmony``) and follows the document: the numerals are worked
out again when the score changes, and for the candidate the roll shows while one is browsed.  A
click on a numeral selects the notes sounding on its beat.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...analysis.harmony import Harmony, harmony
from ...score import Score, ScoreError, Voice
from .. import theme
from ..editor import ScoreEditor
from ..notation.pane import with_preview
from .margins import draw_edge
from .view import RollView

HARMONY_LANE_HEIGHT = 40


class HarmonyLane(QWidget):
    """Roman numerals aligned with the beats of the roll; click one to select its beat's notes."""

    def __init__(self, editor: ScoreEditor, view: RollView) -> None:
        super().__init__()
        self.doc, self.view = editor.doc, view
        self.setFixedHeight(HARMONY_LANE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip("The harmony as Roman numerals: the key where it changes, the cadence at each "
                        "phrase end · click a numeral to select the notes of its beat")
        self.chords: list[Harmony] = []
        self._boxes: list[tuple[QRectF, Harmony]] = []
        self.doc.scoreChanged.connect(self.refresh)
        self.refresh()

    def shown_score(self) -> Score:
        """The music the lane names: the document's, with the candidate (or streamed notes) in its bars."""
        view, score = self.view, self.view.shown(self.doc.score)
        if view.ghost_cells and view.ghost_solid:
            try:
                return with_preview(score, view.ghost_notes, view.ghost_cells)
            except ScoreError:
                pass
        return score

    def refresh(self) -> None:
        """Analyse again (after an edit, or when a candidate is shown or taken away)."""
        self.chords = harmony(self.shown_score()).chords
        self.update()

    def chord_at(self, x: float) -> Harmony | None:
        return next((h for box, h in self._boxes if box.left() <= x <= box.right()), None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton:
            return
        chord = self.chord_at(event.position().x())
        if chord is None:
            return
        score = self.doc.score
        beat_end = min(chord.end, (chord.step // score.meter.steps_per_beat + 1) * score.meter.steps_per_beat)
        self.doc.select((v, n) for v in Voice if self.doc.is_visible(v)
                        for n in score.notes_between(v, chord.step, beat_end))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.LOCK_LANE_BG)
        view, score = self.view, self.view.shown(self.doc.score)
        h = self.height()
        for b in view.visible_bars(score, self.width()):
            x = view.x_of(b * score.steps_per_bar)
            p.setPen(theme.LINE_BAR)
            p.drawLine(QPointF(x, 0), QPointF(x, h))
        figure_font, small_font = QFont(p.font()), QFont(p.font())
        figure_font.setPixelSize(13)
        small_font.setPixelSize(10)
        figure_metrics = QFontMetricsF(figure_font)
        self._boxes = []
        key, last_right = None, -1e9
        for chord in self.chords:
            x = view.x_of(chord.step) + 3
            width = figure_metrics.horizontalAdvance(chord.figure)
            new_key = chord.key != key
            key = chord.key
            if x + width < 0 or x > self.width() or x < last_right + 2:
                continue      # off screen, or no room beside the one before at this zoom
            box = QRectF(x - 2, 0, width + 4, h)
            self._boxes.append((box, chord))
            last_right = x + width
            if new_key:
                tonic = chord.key.name.split()[0]
                p.setFont(small_font)
                p.setPen(theme.CAPTION_TEXT)
                p.drawText(QRectF(x, 1, 80, 12), Qt.AlignLeft | Qt.AlignTop,
                           f"{tonic if chord.key.mode == 'major' else tonic.lower()}:")
            p.setFont(figure_font)
            p.setPen(theme.RULER_TEXT)
            p.drawText(QRectF(x, 12, width + 2, 16), Qt.AlignLeft | Qt.AlignVCenter, chord.figure)
            if chord.cadence:
                p.setFont(small_font)
                p.setPen(theme.FERMATA)
                p.drawText(QRectF(x, h - 13, 60, 12), Qt.AlignLeft | Qt.AlignTop, chord.cadence)
        draw_edge(p, self)
