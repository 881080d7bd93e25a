"""The engraved pages on screen, and what is drawn over them: locked staves, the bars a candidate
fills, selected notes, voice-leading marks and the playhead.  A click on a notehead asks for that
note to be selected; the pane turns that into a selection of the document.

The engraving itself is a finished image (drawn on the engraving thread); everything over it is
painted here from the positions the engraving reports, so selecting a note or moving the
playhead never waits for verovio.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...notation.engrave import BarBox, Engraving
from ...notation.mei import Layout, staff_of
from ...notation.written import written_start
from ...score import Cell, Voice
from .. import theme
from .worker import EngravedPages

PAGE_GAP = 12   # pixels between printed pages stacked in the pane


class ScoreView(QWidget):
    """The pages one under the other, with the overlays; sized to the engraving's height."""

    noteClicked = Signal(int, int, bool)   # voice, start step of the score note, add to the selection

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: EngravedPages | None = None
        self.selected: set[tuple[Voice, int]] = set()
        self.locked: set[Cell] = set()
        self.candidate_cells: frozenset[Cell] = frozenset()
        self.marks: list[tuple[Voice, int, int, QColor]] = []   # voice, note start, step, colour
        self.playhead: float | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setAttribute(Qt.WA_OpaquePaintEvent)

    # ---- state -----------------------------------------------------------------------------------
    @property
    def engraving(self) -> Engraving | None:
        return self.pages.engraving if self.pages is not None else None

    @property
    def layout_kind(self) -> Layout:
        return self.pages.job.options.layout if self.pages is not None else Layout.CLOSED

    def show_pages(self, pages: EngravedPages) -> None:
        self.pages = pages
        self.setFixedHeight(int(sum(h for _, h in pages.engraving.sizes) + PAGE_GAP * (len(pages.images) - 1)))
        self.update()

    def page_top(self, page: int) -> float:
        sizes = self.engraving.sizes if self.engraving else ()
        return sum(h for _, h in sizes[:page]) + PAGE_GAP * page

    def bar_rect(self, bar: int) -> QRectF | None:
        """Where ``bar`` is in this widget (all its staves)."""
        box = self.engraving.bar_box(bar) if self.engraving else None
        if box is None:
            return None
        top = self.page_top(box.page)
        return QRectF(box.left, top + box.top, box.right - box.left, box.bottom - box.top)

    def sizeHint(self) -> QSize:
        return QSize(800, self.height() or 200)

    # ---- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(event.rect(), theme.NOTATION_PAPER)
        if self.pages is None:
            return
        for page, image in enumerate(self.pages.images):
            p.drawImage(QPointF(0, self.page_top(page)), image)
        p.setRenderHint(QPainter.Antialiasing)
        g = self.engraving
        for (voice, bar), color, edge in self._tinted_cells():
            box = g.bar_box(bar)
            if box is not None:
                rect = self._staff_rect(box, voice)
                p.fillRect(rect, color)
                if edge is not None:
                    p.setPen(QPen(edge, 1.5))
                    p.drawLine(rect.topLeft(), rect.topRight())
        ring = g.staff_space * 0.95
        for voice, start in self.selected:
            for mark in g.marks_of(voice, start):
                p.setPen(QPen(theme.NOTATION_SELECTED, 2))
                p.setBrush(Qt.NoBrush)
                p.drawEllipse(self._head_centre(mark), ring, ring * 0.8)
        for voice, start, step, color in self.marks:
            mark = max((m for m in g.marks_of(voice, start) if written_start(m.id) <= step),
                       key=lambda m: written_start(m.id), default=None)
            if mark is not None:
                p.setPen(QPen(color, 2.2))
                p.setBrush(Qt.NoBrush)
                p.drawEllipse(self._head_centre(mark), ring * 1.2, ring * 1.2)
        if self.playhead is not None and (at := g.x_of(self.playhead)) is not None:
            box, x = at
            top = self.page_top(box.page)
            p.setPen(QPen(theme.NOTATION_PLAYHEAD, 2))
            p.drawLine(QPointF(x, top + box.top - g.staff_space * 2), QPointF(x, top + box.bottom + g.staff_space * 2))

    def _tinted_cells(self):
        for cell in self.locked:
            yield cell, theme.NOTATION_LOCKED, theme.NOTATION_LOCK_EDGE
        for cell in self.candidate_cells:
            yield cell, theme.NOTATION_CANDIDATE_BARS, None

    def _staff_rect(self, box: BarBox, voice: Voice) -> QRectF:
        """The part of ``box`` where ``voice`` is written: its staff, and its half of a shared staff."""
        space = self.engraving.staff_space
        top, bottom = box.staves[staff_of(voice, self.layout_kind) - 1]
        shared = self.layout_kind is Layout.CLOSED
        if shared and voice in (Voice.SOPRANO, Voice.TENOR):
            top, bottom = top - space * 2, (top + bottom) / 2
        elif shared:
            top, bottom = (top + bottom) / 2, bottom + space * 2
        else:
            top, bottom = top - space, bottom + space
        page_top = self.page_top(box.page)
        return QRectF(box.left, page_top + top, box.right - box.left, bottom - top)

    def _head_centre(self, mark) -> QPointF:
        return QPointF(mark.x + self.engraving.staff_space * 0.6, self.page_top(mark.page) + mark.y)

    # ---- clicks ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        g = self.engraving
        if g is None or event.button() != Qt.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position()
        page = max((i for i in range(len(g.pages)) if self.page_top(i) <= pos.y()), default=0)
        found = g.note_at(page, pos.x(), pos.y() - self.page_top(page))
        if found is not None:
            add = bool(event.modifiers() & (Qt.ControlModifier | Qt.ShiftModifier))
            self.noteClicked.emit(int(found[0]), found[1], add)
        event.accept()
