"""Drawing an engraved page with Qt's SVG renderer (the score pane's images, the PDF's pages), its
words in the font verovio measured them with.

Verovio lays text out with the metrics of Times (Liberation Serif's) and names the font
``"Times, serif"``; Qt's SVG renderer reads that as one family name, finds none, and draws the words
in the default sans-serif font, a fifth wider.  Here verovio's own Liberation Serif is given to Qt once
and the page names it, so a Roman numeral ends where verovio left room for it.
"""
from __future__ import annotations

import threading

from .engrave import TEXT_FONT, VEROVIO_TEXT_FONT, text_font_faces

_LOCK = threading.Lock()
_LOADED: list[bool] = []


def load_text_font() -> bool:
    """Give Qt verovio's text font (once; a QGuiApplication must exist).  False where Qt could not
    read it: words are then drawn in the nearest font Qt finds for Times."""
    with _LOCK:
        if not _LOADED:
            from PySide6.QtGui import QFontDatabase

            ids = [QFontDatabase.addApplicationFontFromData(face) for face in text_font_faces()]
            _LOADED.append(any(i >= 0 and TEXT_FONT in QFontDatabase.applicationFontFamilies(i) for i in ids))
        return _LOADED[0]


def for_qt(svg: str) -> str:
    """The page with its words in one font family Qt can find (Qt reads no list of families)."""
    family = TEXT_FONT if load_text_font() else "Times"
    return svg.replace(VEROVIO_TEXT_FONT, f'font-family="{family}"')


def svg_renderer(svg: str):
    """Qt's renderer for an engraved page (SVG text)."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    return QSvgRenderer(QByteArray(for_qt(svg).encode("utf-8")))
