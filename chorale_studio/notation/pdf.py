"""Printing the engraving: each SVG page onto a PDF page with Qt's PDF writer.

One of the two modules of ``notation`` that use Qt, with ``qt.py`` that draws a page (as
``playback/qt.py`` is for playback): verovio draws SVG, and Qt's SVG renderer and PDF writer are already
in the app, so no other library is needed.  Qt is imported when a PDF is written, never by the rest of
``notation``.
"""
from __future__ import annotations

from pathlib import Path

from ..io.atomic import atomic_write_bytes
from .engrave import Engraving
from .qt import svg_renderer


def pdf_bytes(engraving: Engraving) -> bytes:
    """The pages as a PDF document, one PDF page per engraved page, the page's shape kept."""
    from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    _application()   # text on the page needs fonts, which need an application
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    writer.setCreator("Chorale Studio")
    painter = None
    for number, (svg, (w, h)) in enumerate(zip(engraving.pages, engraving.sizes)):
        # Verovio's units are tenths of a millimetre at 100 %: an A4 page is 2100 × 2970.
        size = QPageSize(QSizeF(w / 10, h / 10), QPageSize.Millimeter)
        layout = QPageLayout(size, QPageLayout.Portrait, QMarginsF(0, 0, 0, 0))
        if number == 0:
            writer.setPageLayout(layout)
            painter = QPainter(writer)
        else:
            writer.setPageLayout(layout)
            writer.newPage()
        target = QRectF(0, 0, writer.width(), writer.height())
        svg_renderer(svg).render(painter, target)
    if painter is not None:
        painter.end()
    buffer.close()
    return bytes(buffer.data())


def write_pdf(engraving: Engraving, path: str | Path) -> None:
    atomic_write_bytes(Path(path), pdf_bytes(engraving))


_APPLICATION = []   # the one made here, kept for the life of the process


def _application() -> None:
    import os

    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")   # a script or test without a display
        _APPLICATION.append(QGuiApplication([]))
