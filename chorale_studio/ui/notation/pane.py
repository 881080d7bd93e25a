"""The score pane: the piece engraved as a composer reads it, kept up to date with every edit, lock,
undo and candidate, and linked to the roll (selection, playhead, scrolling, voice-leading marks).

It follows the document's signals like any other view; the window hands it generation's preview
(the notes, and the piece they belong to while a new piece or a continuation is written or chosen:
its key, meter, bars, locks and phrase ends), the markers and the transport's playhead.  The engraving is made on the engraving thread
(``worker``), only while the pane is visible, and again when its width changes.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...notation import EngraveOptions, Layout
from ...notation.engrave import SCREEN_SCALE
from ...score import Cell, Score, ScoreError, Voice
from .. import theme
from ..document import ScoreDocument, SelectedNote
from .view import ScoreView
from .worker import EngravedPages, EngraveJob, EngraveRunner

RESIZE_SETTLE_MS = 150   # re-engrave once the pane's width has settled
STREAM_MS = 400          # while notes stream in, engrave them this often (generation needs the CPU)
MARGIN = 8               # pixels left free of the page beside the scroll bar
#: The note sizes on offer: verovio's scale in percent (40: staff spaces of about 7 pixels).
SIZES = {"Small notes": 32, "Normal notes": SCREEN_SCALE, "Large notes": 52, "Very large notes": 66}


def with_preview(score: Score, notes, cells: frozenset[Cell]) -> Score:
    """A copy of ``score`` with ``notes`` ((voice, note) pairs) in place of what ``cells`` hold;
    bars are added when the notes run past the end (a continuation)."""
    trial = score.copy()
    last = max((b for _, b in cells), default=-1)
    if last >= trial.bars:
        trial.insert_bars(trial.bars, last + 1 - trial.bars)
    for v, b in cells:
        trial.clear_range(v, *trial.bar_span(b))
    for v in Voice:
        new = [n for voice, n in notes if voice == v]
        if new:
            trial.set_notes(v, [*trial.notes(v), *new])
    return trial


class ScorePane(QWidget):
    """The dock's content: a layout chooser and the scrolling engraving."""

    engraved = Signal()   # a new engraving is on screen (tests and benchmarks wait for it)
    notePicked = Signal()  # a click chose a note: the keys that edit it belong to the roll

    def __init__(self, doc: ScoreDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.layout_box = QComboBox()
        self.layout_box.addItem("Closed score (2 staves)", Layout.CLOSED)
        self.layout_box.addItem("Open score (4 staves)", Layout.OPEN)
        self.layout_box.setToolTip("Closed score: soprano and alto on the treble staff, tenor and bass on the bass "
                                   "staff. Open score: one staff per voice.")
        self.size_box = QComboBox()
        for name, scale in SIZES.items():
            self.size_box.addItem(name, scale)
        self.size_box.setCurrentIndex(list(SIZES.values()).index(SCREEN_SCALE))
        self.size_box.setToolTip("How large the notes are drawn")
        self.status = QLabel()
        self.status.setStyleSheet(theme.CAPTION_STYLE)
        self.view = ScoreView()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(True)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)   # a scroll bar coming and going would
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # change the width, and the layout
        self.scroll.setBackgroundRole(self.scroll.backgroundRole())
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.layout_box)
        bar.addWidget(self.size_box)
        bar.addWidget(self.status, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(bar)
        box.addWidget(self.scroll, 1)
        self.runner = EngraveRunner(self)
        self.runner.engraved.connect(self._engraved)
        self.runner.failed.connect(lambda message: self.status.setText(f"Cannot engrave: {message}"))
        self._preview: tuple = ((), frozenset())
        self._piece: Score | None = None      # generation's piece, engraved instead of the document's
        self._on_screen: Score | None = None   # the score on screen (with the preview's notes)
        self._markers: list = []
        self._stale = True
        self._now = QTimer(self, singleShot=True, interval=0)        # one engraving per burst of signals
        self._now.timeout.connect(self.engrave)
        self._settle = QTimer(self, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._settle.timeout.connect(self.engrave)
        self._stream = QTimer(self, singleShot=True, interval=STREAM_MS)
        self._stream.timeout.connect(self.refresh)
        self._width = 0
        self.layout_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.size_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.view.noteClicked.connect(self._note_clicked)
        doc.scoreChanged.connect(self.refresh)
        doc.locksChanged.connect(self._overlays_changed)
        doc.selectionChanged.connect(self._overlays_changed)

    # ---- what the window tells the pane ----------------------------------------------------------
    @property
    def layout_kind(self) -> Layout:
        return Layout(self.layout_box.currentData())

    def set_layout_kind(self, layout: Layout) -> None:
        self.layout_box.setCurrentIndex(self.layout_box.findData(Layout(layout)))

    def set_preview(self, notes, cells=frozenset(), solid: bool = False) -> None:
        """Generation's notes (streamed, or the candidate being browsed) in place of ``cells``."""
        preview = (tuple(notes), frozenset(cells))
        if preview == self._preview:
            return
        self._preview = preview
        if solid or not cells:
            self._stream.stop()
            self.refresh()
        elif not self._stream.isActive():
            self._stream.start()

    def set_piece(self, piece: Score | None) -> None:
        """Engrave ``piece`` (with the preview's notes) instead of the document's (None: the document's)."""
        if piece is not self._piece:
            self._piece = piece
            self.refresh()

    def shown(self) -> Score:
        """The piece the pane shows: generation's, else the document's."""
        return self._piece if self._piece is not None else self.doc.score

    def set_markers(self, markers) -> None:
        """The voice-leading overlay's markers (ui.overlay.Marker): a ring at each note concerned."""
        self._markers = list(markers)
        self._overlays_changed()

    def set_playhead(self, step: float) -> None:
        self.view.playhead = step if step > 0 else None
        if self.view.playhead is not None:
            self._keep_in_view(int(step // self.shown().steps_per_bar))
        self.view.update()

    def show_bars(self, bars: range) -> None:
        """Scroll so that the first of ``bars`` (what the roll shows) is in view."""
        if bars:
            self._keep_in_view(bars.start)

    # ---- engraving -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The music changed: engrave again (soon, once, and only when the pane can be seen)."""
        self._stale = True
        if self.isVisible():
            self._now.start()

    def engrave(self) -> None:
        """Engrave now (on the engraving thread)."""
        self._stale = False
        notes, cells = self._preview
        score = self.shown().copy()
        if self._piece is not None:   # a new piece replaces all of the old one: only its own bars are engraved
            cells = frozenset(c for c in cells if c[1] < score.bars)
        if cells:
            try:
                score = with_preview(score, notes, cells)
            except ScoreError:
                cells = frozenset()   # half-streamed notes that do not fit yet: show the score
        self._width = self.scroll.viewport().width()
        options = EngraveOptions(layout=self.layout_kind, width=max(200, self._width - MARGIN),
                                 scale=int(self.size_box.currentData()), numerals=True)
        colors = {cell: theme.NOTATION_CANDIDATE for cell in cells}
        self.runner.request(EngraveJob(score, options, colors, self.devicePixelRatioF()))

    def _engraved(self, pages: EngravedPages) -> None:
        self.view.candidate_cells = frozenset(pages.job.colors)
        self.view.show_pages(pages)
        score = self._on_screen = pages.job.score
        self._overlays_changed()
        self.status.setText(f"{score.key.name}, {score.meter}, {score.bars} bars")
        self.engraved.emit()

    def _overlays_changed(self) -> None:
        v = self.view
        v.selected = {(voice, n.start) for voice, n in self.doc.selection}
        v.locked = set(self.shown().locks)
        score = self._on_screen if self._on_screen is not None else self.doc.score   # the notes the rings circle
        v.marks = []
        for marker in self._markers:
            for voice, _pitch in marker.notes:
                n = score.note_at(voice, marker.step)
                if n is not None:
                    v.marks.append((voice, n.start, marker.step, marker.color))
        v.update()

    def _note_clicked(self, voice: int, start: int, add: bool) -> None:
        voice = Voice(voice)
        if any(v == voice and b == self.doc.score.bar_of(start) for v, b in self._preview[1]):
            return   # a candidate's note is not in the score yet
        note = next((n for n in self.doc.score.notes(voice) if n.start == start), None)
        if note is None:
            return
        item: SelectedNote = (voice, note)
        if add:
            self.doc.toggle_selected(item)
        else:
            self.doc.select([item])
        self.doc.set_active_voice(voice)
        self.notePicked.emit()

    def _keep_in_view(self, bar: int) -> None:
        """Scroll (only when needed) so that the system holding ``bar`` is in view."""
        rect = self.view.bar_rect(bar)
        if rect is None:
            return
        area = self.scroll.verticalScrollBar()
        top, height = area.value(), self.scroll.viewport().height()
        if rect.top() < top or rect.bottom() > top + height:
            area.setValue(int(rect.top() - self.view.engraving.staff_space * 4))

    # ---- Qt events -------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._now.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._width and abs(self.scroll.viewport().width() - self._width) > 4:
            self._settle.start()

    def shutdown(self) -> None:
        self.runner.shutdown()
