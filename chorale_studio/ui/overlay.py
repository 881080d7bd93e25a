"""The voice-leading overlay: parallels, crossings, spacing and range problems marked on the piano roll.

The findings come from ``analysis.analyze`` on the piece the composer is looking at: the document's
score, or, while generation shows a piece of its own (a candidate being browsed, a new piece being
written), that piece, so that the rings and the legend judge what is on screen.  They are recomputed
a moment after the score stops changing (a short single-shot timer), so a burst of edits or an undo
run costs one analysis, and never while the overlay is switched off.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from ..analysis import Finding, analyze
from ..analysis import findings as F
from ..score import Score, Voice
from . import theme
from .document import ScoreDocument

#: The rules the overlay shows, by family; each family has its colour on the roll (theme.OVERLAY_COLORS).
FAMILIES: dict[str, tuple[str, ...]] = {
    "parallels": (F.PARALLEL_FIFTHS, F.PARALLEL_OCTAVES, F.CONTRARY_FIFTHS, F.CONTRARY_OCTAVES,
                  F.HIDDEN_FIFTHS, F.HIDDEN_OCTAVES),
    "crossing": (F.CROSSING, F.OVERLAP),
    "spacing": (F.SPACING,),
    "range": (F.RANGE,),
}
_FAMILY_OF = {kind: family for family, kinds in FAMILIES.items() for kind in kinds}
DEBOUNCE_MS = 120


@dataclass(frozen=True)
class Marker:
    """Where one finding is drawn: its step and the (voice, pitch) of each note it concerns."""

    finding: Finding
    family: str
    step: int
    notes: tuple[tuple[Voice, int], ...]

    @property
    def color(self) -> QColor:
        return theme.OVERLAY_COLORS[self.family]


def markers_of(doc_score, found) -> list[Marker]:
    """Markers for the findings the overlay shows, with the pitches sounding at each finding's step."""
    out = []
    for f in found:
        family = _FAMILY_OF.get(f.kind)
        if family is None:
            continue
        notes = tuple((v, p) for v in f.voices if (p := doc_score.pitch_at(v, f.step)) is not None)
        if notes:
            out.append(Marker(f, family, f.step, notes))
    return out


class VoiceLeadingOverlay(QObject):
    """Keeps the markers of the piece shown (the document's, or generation's) up to date while enabled."""

    changed = Signal()

    def __init__(self, doc: ScoreDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.enabled = False
        self.markers: list[Marker] = []
        self._piece: Score | None = None   # generation's piece on screen instead of the document's
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        doc.scoreChanged.connect(self._score_changed)

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        if self.enabled:
            self.refresh()
        else:
            self._timer.stop()
            self.markers = []
            self.changed.emit()

    def shown(self) -> Score:
        """The piece being judged: generation's, while it shows one, else the document's."""
        return self._piece if self._piece is not None else self.doc.score

    def show_piece(self, piece: Score | None) -> None:
        """Judge ``piece`` (a candidate as accepting it would make the piece) instead of the document;
        None: the document again."""
        self._piece = piece
        if self.enabled:
            self.refresh()
        else:
            self.changed.emit()   # the legend counts what is shown even with the rings off

    def _score_changed(self) -> None:
        if self.enabled and self._piece is None:
            self._timer.start()

    def refresh(self) -> None:
        """Analyse the score now."""
        score = self.shown()
        self.markers = markers_of(score, analyze(score).findings) if self.enabled else []
        self.changed.emit()
