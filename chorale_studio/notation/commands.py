"""`chorale-studio engrave IN -o OUT.svg|OUT.pdf [--layout closed|open]`: the score pane's engraving
on disk, so that scripts and tests can read what the composer sees.

SVG: the page as one SVG file (as tall as the music, the width of an A4 page).  PDF: A4 pages.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ChoraleError
from ..io.atomic import atomic_write_bytes
from ..io.files import load_input
from .engrave import EngraveOptions, Engraver, Engraving
from .mei import Layout

SUFFIXES = (".svg", ".pdf")


def engrave(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() not in SUFFIXES:
        raise ChoraleError(f"{out.name}: the engraving is written as .svg or .pdf")
    score = load_input(args).score
    layout = Layout(args.layout)
    engraver = Engraver()
    if out.suffix.lower() == ".pdf":
        from .pdf import write_pdf

        engraving = engraver.engrave(score, EngraveOptions.a4(layout))
        write_pdf(engraving, out)
    else:
        a4 = EngraveOptions.a4(layout)
        engraving = engraver.engrave(score, EngraveOptions(layout=layout, width=a4.width, scale=a4.scale,
                                                           title=True))
        atomic_write_bytes(out, svg_document(engraving).encode("utf-8"))
    print(f"wrote {out}: {score.bars} bars, {len(engraving.notes)} written notes, "
          f"{len(engraving.pages)} page(s)")
    return 0


def svg_document(engraving: Engraving) -> str:
    """The engraving as one SVG file: its page (the pages one under the other when there are several)."""
    if len(engraving.pages) == 1:
        return engraving.pages[0]
    width = max(w for w, _ in engraving.sizes)
    height = sum(h for _, h in engraving.sizes)
    parts, top = [], 0.0
    for svg, (_, h) in zip(engraving.pages, engraving.sizes):
        body = svg[svg.index(">", svg.index("<svg")) + 1:svg.rindex("</svg>")]
        parts.append(f'<g transform="translate(0, {top:g})">{body}</g>')
        top += h
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width:g}px" height="{height:g}px">{"".join(parts)}</svg>')
