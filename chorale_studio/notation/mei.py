"""The chorale as an MEI document for verovio: closed score (soprano and alto on the treble staff,
tenor and bass on the bass staff, upper voice stems up, lower voice stems down) or open score (four
staves, the tenor in the octave-treble clef).

MEI is verovio's own language, so the document says exactly what is engraved: the ids of the notes
(``written.note_id``: a click on the engraving finds its score note), colours of candidate bars,
stem directions per voice, accidentals as the key and the bar have them, beams within a beat, ties,
fermatas.  Writing it is a few milliseconds, where the MusicXML export through music21 takes a
tenth of a second for eight bars — too slow to re-engrave on every edit.
"""
from __future__ import annotations

from enum import Enum
from typing import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape

from ..score import Cell, Score, Voice
from .spelling import signature_alters
from .written import Written, write_bar


class Layout(str, Enum):
    CLOSED = "closed"   # 2 staves, the chorale norm
    OPEN = "open"       # 4 staves


#: Per layout: the staves top to bottom, each with its voices (layer 1, layer 2) and its clef.
STAVES: dict[Layout, tuple[tuple[tuple[Voice, ...], str], ...]] = {
    Layout.CLOSED: (((Voice.SOPRANO, Voice.ALTO), "G"), ((Voice.TENOR, Voice.BASS), "F")),
    Layout.OPEN: (((Voice.SOPRANO,), "G"), ((Voice.ALTO,), "G"), ((Voice.TENOR,), "G8"), ((Voice.BASS,), "F")),
}
_CLEFS = {"G": 'shape="G" line="2"', "G8": 'shape="G" line="2" dis="8" dis.place="below"', "F": 'shape="F" line="4"'}
_ACCIDENTALS = {-2: "ff", -1: "f", 0: "n", 1: "s", 2: "ss"}

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<mei xmlns="http://www.music-encoding.org/ns/mei" meiversion="5.0">
<meiHead><fileDesc><titleStmt><title>{title}</title></titleStmt><pubStmt/></fileDesc></meiHead>
<music><body><mdiv><score>
"""
_TAIL = "</section>\n</score></mdiv></body></music>\n</mei>\n"


def staff_of(voice: Voice, layout: Layout) -> int:
    """The staff (1 = top) ``voice`` is written on."""
    return next(i for i, (voices, _) in enumerate(STAVES[layout], 1) if voice in voices)


def mei_document(score: Score, layout: Layout = Layout.CLOSED, colors: Mapping[Cell, str] | None = None,
                 numerals: Sequence = ()) -> str:
    """``score`` as MEI; the notes of the cells in ``colors`` are drawn in their colour (#rrggbb), and
    ``numerals`` (a harmony analysis's chords: step, key, figure, cadence) under the bass staff."""
    layout = Layout(layout)
    colors = colors or {}
    written = {(v, bar): write_bar(score, v, bar) for bar in range(score.bars) for v in Voice}
    ties = _ties(score, written)
    fermatas = _fermatas(score, written, layout)
    harms = _harms(score, numerals, len(STAVES[layout]))
    out = [_HEAD.format(title=escape(score.title or "Chorale")), _score_def(score, layout), "<section>\n"]
    for bar in range(score.bars):
        start, end = score.written_span(bar)
        number = bar if score.pickup else bar + 1
        attrs = f' xml:id="m-{bar}" n="{number}"' + (' metcon="false"' if end - start < score.steps_per_bar else "")
        attrs += ' right="end"' if bar == score.bars - 1 else ""
        out.append(f"<measure{attrs}>\n")
        for staff, (voices, _) in enumerate(STAVES[layout], 1):
            shown = _accidentals((w for v in voices for w in written[v, bar]), score)
            out.append(f'<staff xml:id="s-{bar}-{staff}" n="{staff}">')
            for layer, v in enumerate(voices, 1):
                stem = "" if len(voices) == 1 else ' stem.dir="up"' if layer == 1 else ' stem.dir="down"'
                color = colors.get((v, bar))
                out.append(f'<layer n="{layer}">')
                out += _layer(written[v, bar], shown, stem + (f' color="{color}"' if color else ""))
                out.append("</layer>")
            out.append("</staff>\n")
        out += ties.get(bar, ())
        out += fermatas.get(bar, ())
        out += harms.get(bar, ())
        out.append("</measure>\n")
    out.append(_TAIL)
    return "".join(out)


def _score_def(score: Score, layout: Layout) -> str:
    fifths = score.key.fifths
    sig = "0" if fifths == 0 else f"{abs(fifths)}{'s' if fifths > 0 else 'f'}"
    symbol = "brace" if layout is Layout.CLOSED else "bracket"
    staves = "".join(f'<staffDef n="{n}" lines="5"><clef {_CLEFS[clef]}/></staffDef>'
                     for n, (_, clef) in enumerate(STAVES[layout], 1))
    return (f'<scoreDef><keySig sig="{sig}"/><meterSig count="{score.meter.numerator}" '
            f'unit="{score.meter.denominator}"/><staffGrp symbol="{symbol}" bar.thru="true">{staves}'
            "</staffGrp></scoreDef>\n")


def _layer(elements: list[Written], shown: Mapping[str, str], attrs: str) -> list[str]:
    """The layer's elements, with eighths and sixteenths inside one beat beamed together."""
    out: list[str] = []
    beam: list[str] = []
    previous: Written | None = None
    for w in elements:
        text = _element(w, shown, attrs)
        beamable = not w.is_rest and w.steps < 4
        if beamable and previous is not None and previous.end == w.start and w.start // 4 == previous.start // 4:
            beam.append(text)
        else:
            out += _flush(beam)
            beam = [text] if beamable else []
            if not beamable:
                out.append(text)
        previous = w if beamable else None
    out += _flush(beam)
    return out


def _flush(beam: list[str]) -> list[str]:
    if len(beam) > 1:
        return ["<beam>", *beam, "</beam>"]
    return beam


def _element(w: Written, shown: Mapping[str, str], attrs: str) -> str:
    if w.full_bar:
        return f'<mRest xml:id="{w.id}"/>'
    dots = f' dots="{w.dots}"' if w.dots else ""
    if w.is_rest:
        return f'<rest xml:id="{w.id}" dur="{w.dur}"{dots}/>'
    s = w.spelled
    accid = shown.get(w.id)
    accid = f' accid="{accid}"' if accid else f' accid.ges="{_ACCIDENTALS[s.alter]}"' if s.alter else ""
    return f'<note xml:id="{w.id}" dur="{w.dur}"{dots} pname="{s.letter.lower()}" oct="{s.octave}"{accid}{attrs}/>'


def _accidentals(elements: Iterable[Written], score: Score) -> dict[str, str]:
    """The accidentals a staff shows in a bar: a note whose alteration differs from what the key
    signature, or an earlier accidental on the same line and octave in this bar, gives it.  A note
    tied over from before shows none."""
    signature = signature_alters(score.key)
    state: dict[tuple[str, int], int] = {}
    shown = {}
    for w in sorted((w for w in elements if not w.is_rest), key=lambda w: (w.start, w.voice)):
        if w.tie_in:
            continue
        s = w.spelled
        place = (s.letter, s.octave)
        if s.alter != state.get(place, signature[s.letter]):
            shown[w.id] = _ACCIDENTALS[s.alter]
            state[place] = s.alter
    return shown


def _ties(score: Score, written: Mapping[tuple[Voice, int], list[Written]]) -> dict[int, list[str]]:
    """``<tie>`` elements by the bar they start in."""
    out: dict[int, list[str]] = {}
    for v in Voice:
        line = [w for bar in range(score.bars) for w in written[v, bar]]
        for w, following in zip(line, line[1:]):
            if w.tie_out:
                out.setdefault(w.bar, []).append(f'<tie startid="#{w.id}" endid="#{following.id}"/>')
    return out


def _fermatas(score: Score, written: Mapping[tuple[Voice, int], list[Written]], layout: Layout) -> dict[int, list[str]]:
    """At each phrase end the score marks, a fermata over every voice in open score; in closed score one
    over the soprano and one under the bass, as hymnals print them (the alto's under the treble staff and
    the tenor's over the bass staff would collide between the staves)."""
    out: dict[int, list[str]] = {}
    for step in sorted(score.fermatas):
        bar = min(score.bar_of(step), score.bars - 1)
        for voices, _ in STAVES[layout]:
            for layer, v in enumerate(voices):
                if layout is Layout.CLOSED and v in (Voice.ALTO, Voice.TENOR):
                    continue
                w = next((w for w in written[v, bar] if w.start <= step < w.end), None)
                if w is not None and not w.full_bar:
                    place = "below" if layer == 1 else "above"
                    out.setdefault(bar, []).append(f'<fermata startid="#{w.id}" place="{place}"/>')
    return out


def _harms(score: Score, numerals: Sequence, staff: int) -> dict[int, list[str]]:
    """``<harm>`` under the bass staff per bar: each chord's figure at its beat, the key where it changes
    ('D: V7'), a cadence after its chord ('I PAC')."""
    out: dict[int, list[str]] = {}
    per_beat, spb = score.meter.steps_per_beat, score.steps_per_bar
    key = None
    for i, n in enumerate(numerals):
        bar = score.bar_of(n.step)
        start = bar * spb + (spb - score.pickup if bar == 0 and score.pickup else 0)
        tstamp = format(1 + (n.step - start) / per_beat, "g")
        tonic = n.key.name.split()[0]
        text = (f"{tonic if n.key.mode == 'major' else tonic.lower()}: " if n.key != key else "") + n.figure
        key = n.key
        if n.cadence:
            text += f" {n.cadence}"
        out.setdefault(bar, []).append(f'<harm xml:id="h-{i}" staff="{staff}" tstamp="{tstamp}" '
                                       f'place="below">{escape(text)}</harm>')
    return out
