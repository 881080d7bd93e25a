"""The chorale as a composer reads it: engraved notation (verovio), closed or open score.

``mei`` writes the piece as MEI (spelled in its key, tied, beamed, coloured where asked),
``engrave`` has verovio lay it out as SVG and reports where every note and bar landed, and
``commands`` is ``chorale-studio engrave``.  No Qt here, except ``pdf``: the thin edge that prints
the SVG pages with Qt's PDF writer.
"""
from .engrave import EngraveError, EngraveOptions, Engraver, Engraving
from .mei import Layout, mei_document

__all__ = ["EngraveError", "EngraveOptions", "Engraver", "Engraving", "Layout", "mei_document"]
