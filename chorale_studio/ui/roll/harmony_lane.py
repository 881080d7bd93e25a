"""The harmony lane under the note canvas: the Roman numeral of every chord at its beat, the key where
it changes, the cadence at each phrase end.

It reads one analysis module (``analysis.harmony``) and follows the document: the numerals are worked
out again when the score changes, and for the candidate the roll shows while one is browsed.  A
click on a numeral selects the notes sounding on its beat.

The composer's chord plan (``Score.plan``) shows on the lane's top line, in the plan colour, above what
the music sounds: a double-click on a beat types a planned chord there ('V6/5', or 'D: V7' with a key),
the context menu imports a RomanText file as the plan or clears it.  Edits go through the editor.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QContextMenuEvent, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QSizePolicy, QWidget

from ...analysis.harmony import Harmony, harmony, where
from ...errors import ChoraleError
from ...score import Key, Score, ScoreError, Voice
from .. import theme
from ..editor import ScoreEditor
from ..notation.pane import with_preview
from .margins import draw_edge
from .view import RollView

HARMONY_LANE_HEIGHT = 54


class HarmonyLane(QWidget):
    """Roman numerals aligned with the beats of the roll; click one to select its beat's notes."""

    def __init__(self, editor: ScoreEditor, view: RollView) -> None:
        super().__init__()
        self.editor, self.doc, self.view = editor, editor.doc, view
        self.setFixedHeight(HARMONY_LANE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip("The harmony as Roman numerals: the key where it changes, the cadence at each "
                        "phrase end · click a numeral to select the notes of its beat · double-click a beat "
                        "to plan its chord · right-click to import or clear a chord plan")
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

    # ---- the chord plan ---------------------------------------------------------------------------------
    def beat_at(self, x: float) -> int | None:
        score = self.doc.score
        step = self.view.step_at(x)
        if not 0 <= step < score.total_steps:
            return None
        beat = score.meter.steps_per_beat
        return int(step // beat * beat)

    def plan_at(self, step: int, text: str) -> bool:
        """Plan the chord ``text`` ('V6/5', 'd: V7'; empty: none) at ``step``, in the key it names, else in
        the key the plan or the analysis has there."""
        text = text.strip()
        if not text:
            return self.editor.plan_chords({step: None}, f"No planned chord at {where(self.doc.score, step)}")
        named = re.match(r"^([A-Ga-g][#b-]?):\s*(\S+)$", text)
        if named:
            tonic = named.group(1).replace("-", "b")
            try:
                key = Key.parse(f"{tonic.upper()} {'major' if tonic[0].isupper() else 'minor'}")
            except ScoreError as exc:
                self.editor.failed.emit("Could not plan the chord", str(exc))
                return False
            text = named.group(2)
        else:
            key = self._key_at(step)
        return self.editor.plan_chords({step: (key, text)}, f"Plan {text} at {where(self.doc.score, step)}")

    def _key_at(self, step: int) -> Key:
        score = self.doc.score
        planned = [s for s in score.plan if s <= step]
        if planned:
            return score.plan[max(planned)][0]
        found = harmony(score).at(step)
        return found.key if found is not None else score.key

    def import_plan(self, path: str | Path) -> bool:
        """Make a RomanText file's chords the plan of the bars it names."""
        from ...io.romantext import read_romantext
        score = self.doc.score
        try:
            chords = read_romantext(Path(path).read_text(encoding="utf-8"), score)
        except (ChoraleError, OSError, UnicodeDecodeError) as exc:
            self.editor.failed.emit(f"Could not import {Path(path).name}", str(exc))
            return False
        bars = {score.bar_of(c.step) for c in chords}
        change: dict = {s: None for s in score.plan if score.bar_of(s) in bars}
        change.update({c.step: (c.key, c.figure) for c in chords})
        return self.editor.plan_chords(change, f"Import chord plan {Path(path).name}")

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        step = self.beat_at(event.position().x())
        if step is None:
            return
        planned = self.doc.score.plan.get(step)
        text, ok = QInputDialog.getText(
            self, "Plan a chord", f"Chord at {where(self.doc.score, step)} (in {self._key_at(step).name}; "
            "write 'D: V7' for another key, nothing for none):", text=planned[1] if planned else "")
        if ok:
            self.plan_at(step, text)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction("Import Chord Plan (RomanText)…", self._choose_plan_file)
        clear = menu.addAction("Clear the Chord Plan", lambda: self.editor.plan_chords(
            {s: None for s in self.doc.score.plan}, "Clear the chord plan"))
        clear.setEnabled(bool(self.doc.score.plan))
        menu.exec(event.globalPos())

    def _choose_plan_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import Chord Plan", "", "RomanText (*.rntxt *.txt)")
        if path:
            self.import_plan(path)

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
                p.drawText(QRectF(x, 13, 80, 12), Qt.AlignLeft | Qt.AlignTop,
                           f"{tonic if chord.key.mode == 'major' else tonic.lower()}:")
            p.setFont(figure_font)
            p.setPen(theme.RULER_TEXT)
            p.drawText(QRectF(x, 24, width + 2, 16), Qt.AlignLeft | Qt.AlignVCenter, chord.figure)
            if chord.cadence:
                p.setFont(small_font)
                p.setPen(theme.FERMATA)
                p.drawText(QRectF(x, h - 13, 60, 12), Qt.AlignLeft | Qt.AlignTop, chord.cadence)
        p.setFont(small_font)
        p.setPen(theme.PLANNED_CHORD)
        for step, (_, text) in sorted(self.doc.score.plan.items()):
            x = view.x_of(step) + 3
            if -40 < x < self.width():
                p.drawText(QRectF(x, 1, 80, 12), Qt.AlignLeft | Qt.AlignTop, "▸ " + text)
        draw_edge(p, self)
