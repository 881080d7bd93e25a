"""Engraving with verovio: the chorale's MEI (``notation.mei``) laid out and drawn as SVG, with
where each note, rest and bar landed on the page, so that a view can draw a playhead, marks and
selections over the engraving and find the note under a click.

The SVG is made for Qt's renderer as well as browsers: verovio nests a second ``<svg>`` (its
"definition scale") inside the page, which Qt's SVG renderer does not draw; it becomes a ``<g>``
with the same scale.  Positions are in pixels of the page as drawn at its own size.

A ``verovio.toolkit`` is not for sharing between threads: each ``Engraver`` has its own.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Mapping

from ..errors import ChoraleError
from ..score import Cell, Score, Voice
from ..analysis.harmony import harmony
from .mei import Layout, mei_document
from .written import parse_note_id, written_start

#: The pane's default size: staff spaces of about 7 pixels (verovio's 100 % is 18 px).
SCREEN_SCALE = 40
#: Print: A4 pages at verovio's own size (a 7.2 mm staff), in tenths of a millimetre.
A4 = (2100, 2970)


class EngraveError(ChoraleError):
    """Verovio could not engrave the piece."""


@dataclass(frozen=True)
class EngraveOptions:
    """How to lay out the engraving.

    ``width`` is the page width in pixels (the pane's width).  ``page_height`` None makes one page
    as tall as the music (the pane); a number cuts pages of that height (print).  ``scale`` is
    verovio's, in percent."""

    layout: Layout = Layout.CLOSED
    width: int = 1000
    page_height: int | None = None
    scale: int = SCREEN_SCALE
    title: bool = False
    numerals: bool = False     # the harmony's Roman numerals under the bass staff

    @classmethod
    def a4(cls, layout: Layout = Layout.CLOSED) -> "EngraveOptions":
        return cls(layout=Layout(layout), width=A4[0], page_height=A4[1], scale=100, title=True)


@dataclass(frozen=True)
class Mark:
    """Where a written note or rest landed: ``x`` at the left of its head, ``y`` on its staff position."""

    id: str
    bar: int
    page: int
    x: float
    y: float


@dataclass(frozen=True)
class BarBox:
    """Where a bar landed: its page, left and right x, and the top and bottom y of each staff."""

    bar: int
    page: int
    left: float
    right: float
    staves: tuple[tuple[float, float], ...]

    @property
    def top(self) -> float:
        return self.staves[0][0]

    @property
    def bottom(self) -> float:
        return self.staves[-1][1]


@dataclass(frozen=True)
class Engraving:
    """The engraved pages (SVG text) and where everything landed on them."""

    pages: tuple[str, ...]
    sizes: tuple[tuple[float, float], ...]
    notes: dict[str, Mark]
    rests: dict[str, Mark]
    bars: tuple[BarBox, ...]
    staff_space: float
    steps_per_bar: int
    _onsets: dict[int, list[tuple[int, float]]] = field(default_factory=dict, repr=False)

    def note_at(self, page: int, x: float, y: float, reach: float | None = None) -> tuple[Voice, int] | None:
        """(voice, start step of the score note) of the notehead nearest (x, y) on ``page``, if one is
        within ``reach`` pixels (default: a staff space and a half)."""
        reach = 1.5 * self.staff_space if reach is None else reach
        head = self.staff_space * 0.6   # from a head's left edge to its centre
        best, found = reach * reach, None
        for mark in self.notes.values():
            if mark.page == page:
                d = (mark.x + head - x) ** 2 + (mark.y - y) ** 2
                if d <= best:
                    best, found = d, mark.id
        return parse_note_id(found) if found else None

    def marks_of(self, voice: Voice, note_start: int) -> list[Mark]:
        """The written values of one score note (several when it is tied)."""
        prefix = f"n-{voice.short}-{note_start}-"   # written.note_id
        return [m for i, m in self.notes.items() if i.startswith(prefix)]

    def bar_box(self, bar: int) -> BarBox | None:
        return self.bars[bar] if 0 <= bar < len(self.bars) else None

    def x_of(self, step: float) -> tuple[BarBox, float] | None:
        """The bar and x where ``step`` sounds: between the written onsets around it."""
        bar = int(step // self.steps_per_bar)
        box = self.bar_box(bar)
        if box is None:
            return None
        onsets = self._onsets.get(bar, [])
        i = bisect.bisect_right(onsets, step, key=lambda o: o[0]) - 1
        if i < 0:
            return box, box.left
        s0, x0 = onsets[i]
        s1, x1 = onsets[i + 1] if i + 1 < len(onsets) else ((bar + 1) * self.steps_per_bar, box.right)
        return box, x0 + (x1 - x0) * (step - s0) / max(1, s1 - s0)


class Engraver:
    """One verovio toolkit, kept between engravings (making one reads its fonts: ~0.1 s)."""

    def __init__(self) -> None:
        import verovio

        verovio.enableLog(verovio.LOG_ERROR)
        # The fonts are found by a default path that verovio keeps per thread (set on import, in the
        # importing thread): a toolkit on the engraving thread is told where they are.
        self._toolkit = verovio.toolkit(False)
        if not self._toolkit.setResourcePath(resource_dir()):
            raise EngraveError(f"verovio's fonts are missing from {resource_dir()}")

    def engrave(self, score: Score, options: EngraveOptions = EngraveOptions(),
                colors: Mapping[Cell, str] | None = None) -> Engraving:
        """Lay out and draw ``score``; the notes of the cells in ``colors`` in their colour."""
        return self.engrave_mei(document(score, options, colors), options, score.steps_per_bar)

    def engrave_mei(self, mei: str, options: EngraveOptions, steps_per_bar: int) -> Engraving:
        tk = self._toolkit
        scale = max(5, min(1000, int(options.scale)))
        tk.setOptions({
            "pageWidth": max(100, min(100_000, round(options.width * 100 / scale))),
            "pageHeight": 60_000 if options.page_height is None else round(options.page_height),
            "adjustPageHeight": options.page_height is None,
            "scale": scale, "breaks": "auto", "xmlIdSeed": 1, "svgFormatRaw": True,   # unindented: half the text
            "header": "auto" if options.title else "none", "footer": "none",
            "pageMarginTop": 50 if options.page_height is None else 100,
            "pageMarginBottom": 50 if options.page_height is None else 100,
        })
        if not tk.loadData(mei):
            raise EngraveError("verovio could not read the piece: " + (tk.getLog() or "no reason given").strip())
        pages = tuple(flatten_svg(tk.renderToSVG(p)) for p in range(1, tk.getPageCount() + 1))
        return _measure(pages, steps_per_bar)


def document(score: Score, options: EngraveOptions, colors: Mapping[Cell, str] | None = None) -> str:
    """The MEI verovio engraves for ``score`` with ``options`` (the harmony analysed where they ask for it)."""
    numerals = harmony(score).chords if options.numerals else ()
    return mei_document(score, options.layout, colors, numerals)


#: The font verovio measures words with: its "Times" metrics are Liberation Serif's, which verovio
#: ships as web fonts.  Drawn in any other font the words take another width than the room verovio
#: left them, and Roman numerals in a bar of eighths run into each other ("vi4/2IV").
TEXT_FONT = "Liberation Serif"
VEROVIO_TEXT_FONT = 'font-family="Times, serif"'
_FACE = re.compile(r"url\(data:application/font-woff2;[^,]*base64,([A-Za-z0-9+/=\s]+)\)")


def text_font_faces() -> tuple[bytes, ...]:
    """The faces (WOFF2: regular, bold, italic, bold italic) of ``TEXT_FONT`` from verovio's
    ``Liberation.css``; none where this verovio lacks it."""
    import base64
    from pathlib import Path

    css = Path(resource_dir()) / "Liberation.css"
    try:
        text = css.read_text(encoding="utf-8")
    except OSError:
        return ()
    return tuple(base64.b64decode(m.group(1)) for m in _FACE.finditer(text))


def resource_dir() -> str:
    """verovio's ``data`` folder (fonts and glyph boxes), beside its module in a bundle too."""
    from importlib.resources import files

    return str(files("verovio") / "data")


_SIZE = re.compile(r'<svg [^>]*?width="([\d.]+)px" height="([\d.]+)px"')
_INNER = re.compile(r'<svg class="definition-scale"([^>]*?) viewBox="0 0 ([\d.]+) ([\d.]+)"\s*>')
_TEXT = re.compile(r"(<text [^>]*?)font-size=\"0px\"([^>]*>)(.*?)</text>", re.DOTALL)
_TEXT_SIZE = re.compile(r'font-size="([\d.]+)px"')
_PLACEHOLDER = re.compile(r'(class="[^"]*\bplaceholder\b[^"]*")')
_STROKED = re.compile(r"<(path|rect|polygon|polyline|ellipse)(?![^>]*\sstroke=)([^>]*?)(/?)>")


def _plain_text(m: re.Match) -> str:
    """A verovio ``<text>`` (size 0, the words in nested ``<tspan>``s) as one ``<text>`` of the words'
    size, placed where its first ``<tspan>`` placed it."""
    head, inner = m.group(1), re.sub(r"<title[^>]*>.*?</title>", "", m.group(3), flags=re.DOTALL)
    sizes = [s for s in _TEXT_SIZE.findall(inner) if float(s) > 0]
    for name in ("x", "y", "text-anchor"):
        found = re.search(rf'<tspan [^>]*?\b{name}="([^"]+)"', inner)
        if found and f' {name}="' not in head:
            head += f'{name}="{found.group(1)}" '
    words = re.sub(r"<[^>]+>", "", inner).strip()
    return f'{head}font-size="{sizes[0] if sizes else 0}px"{m.group(2)}{words}</text>'


def flatten_svg(svg: str) -> str:
    """Verovio's page as Qt's SVG renderer can draw it: the nested ``<svg class="definition-scale">``
    becomes a scaled ``<g>`` (Qt draws nothing inside a nested ``<svg>``), and each text's nested
    ``<tspan>``s (which SVG Tiny does not allow) become plain words of the size they had.  The lines
    (staff lines, stems, barlines) get the stroke verovio gives them by a style sheet, which Qt's renderer
    does not apply: without it they are not drawn at all."""
    svg = _STROKED.sub(r'<\1\2 stroke="currentColor"\3>', _TEXT.sub(_plain_text, svg))
    svg = _PLACEHOLDER.sub(r'\1 visibility="hidden"', svg)   # hidden by the style sheet too: a dot at the top left
    size, inner = _SIZE.search(svg), _INNER.search(svg)
    if size is None or inner is None:
        return svg
    sx = float(size.group(1)) / float(inner.group(2))
    sy = float(size.group(2)) / float(inner.group(3))
    end = svg.rfind("</svg>")
    close = svg.rfind("</svg>", 0, end)
    svg = svg[:close] + "</g>" + svg[close + len("</svg>"):]
    return svg[:inner.start()] + f'<g class="definition-scale"{inner.group(1)} transform="scale({sx:.6g}, {sy:.6g})">' \
        + svg[inner.end():]


_SCALE = re.compile(r'<g class="definition-scale"[^>]*transform="scale\(([\d.e-]+), ([\d.e-]+)\)"')
_MARGIN = re.compile(r'<g class="page-margin" transform="translate\((-?[\d.]+), (-?[\d.]+)\)"')
_NOTE = re.compile(r'<g id="(n-[^"]+)" class="note"[^>]*>\s*<g class="notehead"[^>]*>\s*<use [^>]*?'
                   r'transform="translate\((-?[\d.]+), (-?[\d.]+)\)')
_REST = re.compile(r'<g id="(r-[^"]+)" class="(?:rest|mRest)"[^>]*>\s*<use [^>]*?'
                   r'transform="translate\((-?[\d.]+), (-?[\d.]+)\)')
_STAFF = re.compile(r'<g id="s-(\d+)-(\d+)" class="staff"[^>]*>((?:\s*<path d="M-?[\d.]+ -?[\d.]+ L-?[\d.]+ '
                    r'-?[\d.]+"[^>]*/>){5})')
_LINE = re.compile(r'd="M(-?[\d.]+) (-?[\d.]+) L(-?[\d.]+) (-?[\d.]+)"')


def _measure(pages: tuple[str, ...], steps_per_bar: int) -> Engraving:
    """Read back where verovio put the notes, rests and bars (positions in page pixels)."""
    notes: dict[str, Mark] = {}
    rests: dict[str, Mark] = {}
    staves: dict[int, dict[int, tuple[int, float, float, float, float]]] = {}
    sizes = []
    space = 0.0
    for page, svg in enumerate(pages):
        size, scale, margin = _SIZE.search(svg), _SCALE.search(svg), _MARGIN.search(svg)
        sizes.append((float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0))
        if scale is None or margin is None:
            continue
        sx, sy = float(scale.group(1)), float(scale.group(2))
        mx, my = float(margin.group(1)), float(margin.group(2))

        def px(x: str, y: str) -> tuple[float, float]:
            return (float(x) + mx) * sx, (float(y) + my) * sy

        for found, into in ((_NOTE, notes), (_REST, rests)):
            for m in found.finditer(svg):
                x, y = px(m.group(2), m.group(3))
                into[m.group(1)] = Mark(m.group(1), written_start(m.group(1)) // steps_per_bar, page, x, y)
        for m in _STAFF.finditer(svg):
            lines = [tuple(float(v) for v in line.groups()) for line in _LINE.finditer(m.group(3))]
            (x0, y0), (x1, _) = px(lines[0][0], lines[0][1]), px(lines[0][2], lines[0][3])
            y4 = px(lines[-1][0], lines[-1][1])[1]
            staves.setdefault(int(m.group(1)), {})[int(m.group(2))] = (page, x0, x1, y0, y4)
            space = space or (y4 - y0) / 4
    bars = tuple(BarBox(bar, s[1][0], min(v[1] for v in s.values()), max(v[2] for v in s.values()),
                        tuple((s[n][3], s[n][4]) for n in sorted(s)))
                 for bar, s in sorted(staves.items()))
    onsets: dict[int, dict[int, float]] = {}
    for mark in (*notes.values(), *rests.values()):
        step = written_start(mark.id)
        at = onsets.setdefault(mark.bar, {})
        at[step] = min(at.get(step, mark.x), mark.x)
    return Engraving(pages, tuple(sizes), notes, rests, bars, space or 7.2, steps_per_bar,
                     {bar: sorted(at.items()) for bar, at in onsets.items()})
