"""MusicXML in and out (music21): four-part chorales, pickups included, and a clean SATB score.

Import takes four parts in score order as soprano, alto, tenor and bass; of
more parts, the four named so (or chosen: ``io.parts``); two parts (or the two
staves of one) as a closed score, S/A and T/B by their MusicXML voices or, in
bars written as chords, by pitch.  It merges tied notes, keeps the outer note of a chord (top for S/A, bottom for
T/B), quantises to sixteenths and reports every change.  A pickup bar becomes
``Score.pickup``: the music is shifted so that bar 0 ends at the first full
barline.

Export writes four parts with their clefs (the tenor in the octave-treble
clef), key signature with mode, meter, a metronome mark, notes tied across
barlines, rests for silence, and an incomplete first measure for a pickup.
Notes whose length is not one notated value inside a bar (five sixteenths, say)
are split and tied by music21's own notation step.
"""
from __future__ import annotations

import functools
import io
import math
import zipfile
from xml.etree import ElementTree
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from music21 import (clef, converter, expressions, instrument, key, metadata, meter, note, pitch, stream,
                     tempo, tie)
from music21.musicxml import m21ToXml

from ..errors import FileFormatError
from ..score.model import STEPS_PER_QUARTER, Key, Meter, Score, ScoreError, Voice
from .atomic import atomic_write_bytes
from .romantext import AnalysedChord, PlannedChord
from .common import (MAX_FILE_BYTES, ImportResult, RawNote, build_score, check_bar_count, check_size,
                     chorale_meter, estimate_key, key_with_mode, reading, to_step, voice_count_error)
from .parts import Chooser, PartInfo, choose_parts

MUSICXML_SUFFIXES = (".musicxml", ".xml", ".mxl")

_INSTRUMENTS = {Voice.SOPRANO: instrument.Soprano, Voice.ALTO: instrument.Alto,
                Voice.TENOR: instrument.Tenor, Voice.BASS: instrument.Bass}
_CLEFS = {Voice.SOPRANO: clef.TrebleClef, Voice.ALTO: clef.TrebleClef,
          Voice.TENOR: clef.Treble8vbClef, Voice.BASS: clef.BassClef}


def read_musicxml(path: str | Path, *, parts: Sequence[int] | None = None, choose: Chooser | None = None
                  ) -> ImportResult:
    """Read a chorale from a MusicXML file (.musicxml, .xml or compressed .mxl) into a Score: four parts,
    a closed score of two, or four voices chosen from many (``parts``, ``choose``: see ``score_from_music21``)."""
    path = Path(path)
    with reading(path, "MusicXML file"):
        check_size(path)
        check_values(path)
        parsed = converter.parse(path, format="musicxml")
        if not isinstance(parsed, stream.Score):
            raise FileFormatError("the file holds no score (no parts)")
        result = score_from_music21(parsed, parts=parts, choose=choose)
        result.source = path
        shift = (result.score.steps_per_bar - result.score.pickup) % result.score.steps_per_bar
        result.numerals = [n for document in _xml_documents(path) for n in _numerals_in(document, shift)]
        if not result.score.title:
            result.score.title = path.stem
        return result


#: Elements whose values music21 trusts: a hostile value (a key of 99999999 fifths, a time signature
#: of 1e999 beats) sends it into loops that last minutes.  (lowest, highest, whole numbers only?)
_VALUE_LIMITS = {"fifths": ("key signature", -7, 7, True), "beats": ("time signature", 1, 64, True),
                 "beat-type": ("time signature", 1, 64, True), "octave": ("note octave", 0, 9, True),
                 "alter": ("sharp or flat", -4, 4, False), "clef-octave-change": ("clef", -4, 4, True)}
#: A compressed .mxl may unpack to at most this much (a zip bomb would exhaust the memory).
MAX_UNPACKED_BYTES = 4 * MAX_FILE_BYTES


def check_values(path: Path) -> None:
    """Refuse a file whose key, meter or pitch values are out of all musical range, before music21 reads it."""
    for document in _xml_documents(path):
        for _event, element in ElementTree.iterparse(io.BytesIO(document)):
            limits = _VALUE_LIMITS.get(element.tag)
            if limits is not None:
                label, low, high, whole = limits
                text = (element.text or "").strip()
                for part in text.split("+") if element.tag == "beats" else [text]:  # beats may read "3+2"
                    try:
                        value = float(part)
                    except ValueError:
                        value = math.nan
                    if not (low <= value <= high and (value.is_integer() or not whole)):
                        kind = "whole numbers" if whole else "numbers"
                        raise FileFormatError(f"a {label} has <{element.tag}> {text[:20]!r}; Chorale Studio "
                                              f"reads {kind} from {low} to {high} there")
            element.clear()   # keep memory flat on large files


def _xml_documents(path: Path) -> list[bytes]:
    """The XML text music21 will read: the file itself, or every MusicXML document inside an .mxl."""
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [data]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("META-INF")
                   and m.filename.lower().endswith((".xml", ".musicxml"))]
        if sum(m.file_size for m in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise FileFormatError(f"the compressed file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
        return [archive.read(m) for m in members]


def score_from_music21(m21: stream.Score, *, parts: Sequence[int] | None = None,
                       choose: Chooser | None = None, plain: bool = False) -> ImportResult:
    """A music21 score → Score, with what was adjusted.

    Four parts are S, A, T, B in score order (or as their names say); more parts are chosen by
    name, by ``parts`` (0-based, S, A, T, B order), by ``choose`` or by default (``io.parts``); two
    parts are a closed score, soprano and alto on the upper staff, tenor and bass on the lower.
    ``plain``: only four parts in 4/4 or 3/4 are read, as they stand (the corpora: no choosing of
    parts, no meter read as another).
    """
    all_parts = list(m21.parts)
    messages: list[str] = []
    remarks: list[str] = []
    if plain and len(all_parts) != 4:
        raise voice_count_error(len(all_parts), "MusicXML", "part")
    if len(all_parts) == 2 and parts is None:
        sounding = [*_staff_voices(all_parts[0], messages), *_staff_voices(all_parts[1], messages)]
        remarks.append("read the two staves as a closed score: soprano and alto above, tenor and bass below")
    elif len(all_parts) >= 4:
        choice = choose_parts([_info(i, p) for i, p in enumerate(all_parts)], parts, choose)
        sounding = [_sounding(all_parts[i]) for i in choice.indices]
        if choice.remark:
            remarks.append(choice.remark)
    else:
        count = f"{len(all_parts)} part{'s' if len(all_parts) != 1 else ''}"
        raise FileFormatError(f"this MusicXML file has {count}; Chorale Studio reads four parts (S, A, T, B), "
                              "four of more, or a closed score on two staves")
    chorale_meter, written_bar = _meter(m21, messages, plain)
    voices: list[list[RawNote]] = []
    fermatas: set[Fraction] = set()   # onsets of notes that carry a fermata (phrase ends)
    graces = 0
    for events in sounding:
        raw: list[RawNote] = []
        for onset, end, pitches, fermata in events:
            if end == onset:
                graces += 1
                continue
            raw.extend(RawNote(onset, end, p) for p in pitches if 0 <= p <= 127)
            if fermata:
                fermatas.add(onset)
        raw.sort(key=lambda r: (r.onset, r.pitch))
        voices.append(raw)
    if graces:
        messages.append(f"left out {graces} grace note(s)")
    if not any(voices):
        raise FileFormatError("the file contains no notes")
    check_bar_count(max(r.end for v in voices for r in v), chorale_meter)
    chorale_key = _key(m21, voices[3])
    if chorale_key is None:   # as for MIDI: estimate it from the notes and say so
        chorale_key = estimate_key(voices, voices[3][-1].pitch if voices[3] else None)
        remarks.append(f"the file states no key; {chorale_key.name} fits its notes best")
    pickup = _pickup(all_parts[0], written_bar)
    score = build_score(
        voices, meter=chorale_meter, key=chorale_key, tempo=_tempo(m21),
        title=_title(m21), pickup_quarters=pickup, messages=messages)
    shift = (score.steps_per_bar - to_step(pickup) % score.steps_per_bar) % score.steps_per_bar   # as build_score
    score.fermatas = {to_step(t) + shift for t in fermatas if 0 <= to_step(t) + shift < score.total_steps}
    return ImportResult(score=score, messages=messages, remarks=remarks)


#: A sounding note or chord: onset and end in quarter notes, MIDI pitches, whether it has a fermata.
Sounding = tuple[Fraction, Fraction, tuple[int, ...], bool]


def _event(element, onset: Fraction) -> Sounding:
    """``element`` (a note or chord starting at ``onset``) as a Sounding; a grace note ends where it starts."""
    pitches = tuple(p.midi for p in element.pitches)
    length = Fraction(0) if element.duration.isGrace else Fraction(element.quarterLength)
    return onset, onset + length, pitches, any(isinstance(e, expressions.Fermata) for e in element.expressions)


def _sounding(part: stream.Part) -> list[Sounding]:
    """Every note and chord of ``part``, ties merged."""
    return [_event(e, Fraction(e.offset)) for e in part.stripTies().flatten().notes]


def _info(index: int, part: stream.Part) -> PartInfo:
    pitches = [p.midi for n in part.flatten().notes for p in n.pitches]
    name = str(part.partName or (part.getInstrument(returnDefault=False) or instrument.Instrument()).partName or "")
    return PartInfo(index + 1, name.strip(), str(part.partAbbreviation or "").strip(), len(pitches),
                    min(pitches, default=None), max(pitches, default=None))


def _staff_voices(staff: stream.Part, messages: list[str]) -> tuple[list[Sounding], list[Sounding]]:
    """The upper and lower voice of a closed-score staff: by its MusicXML voices (the one sung higher on
    average is the upper), and by pitch order in bars written as chords (a single note is both voices)."""
    by_voice: dict[str, list[Sounding]] = {}
    chords: list[Sounding] = []
    for measure in staff.stripTies().getElementsByClass(stream.Measure):
        start = Fraction(measure.offset)
        layers = list(measure.voices)
        if len(layers) >= 2:
            for layer in layers:
                by_voice.setdefault(str(layer.id), []).extend(
                    _event(e, start + Fraction(e.offset)) for e in layer.notes)
        for element in (layers[0].notes if len(layers) == 1 else measure.notes):
            chords.append(_event(element, start + Fraction(element.offset)))
    def mean(events: list[Sounding]) -> float:
        pitches = [p for e in events for p in e[2]]
        return sum(pitches) / max(1, len(pitches))
    layers = sorted(by_voice.values(), key=mean, reverse=True)
    upper, lower = (layers[0], layers[-1]) if layers else ([], [])
    if len(layers) > 2:
        messages.append(f"{staff.partName or 'a staff'}: {len(layers)} voices on one staff; kept the highest "
                        "and the lowest")
    for onset, end, pitches, fermata in chords:
        upper.append((onset, end, (max(pitches),), fermata))
        lower.append((onset, end, (min(pitches),), fermata))
    return sorted(upper), sorted(lower)


def _meter(m21: stream.Score, messages: list[str], plain: bool = False) -> tuple[Meter, Fraction]:
    """The meter to read the piece in, and the length in quarter notes of a written bar."""
    found = {(ts.numerator, ts.denominator) for ts in m21.recurse().getElementsByClass(meter.TimeSignature)}
    if len(found) > 1:
        names = ", ".join(f"{n}/{d}" for n, d in sorted(found))
        raise FileFormatError(f"the meter changes ({names}); Chorale Studio needs one meter")
    numerator, denominator = found.pop() if found else (4, 4)
    return chorale_meter(numerator, denominator, messages, read_others=not plain), Fraction(4 * numerator, denominator)


def _key(m21: stream.Score, bass: list[RawNote]) -> Key | None:
    """The first key signature, with its mode when the file states one; otherwise minor when the
    bass ends on the relative minor's tonic.  None when the file has no key signature."""
    signature = next(iter(m21.recurse().getElementsByClass(key.KeySignature)), None)
    if signature is None:
        return None
    fifths = max(-7, min(7, signature.sharps))
    mode = getattr(signature, "mode", None)
    if mode in ("major", "minor"):
        return Key(fifths, mode)
    return key_with_mode(fifths, bass[-1].pitch if bass else None)


def _tempo(m21: stream.Score) -> float | None:
    mark = next(iter(m21.recurse().getElementsByClass(tempo.MetronomeMark)), None)
    bpm = mark.getQuarterBPM() if mark is not None else None
    return float(bpm) if bpm else None


def _title(m21: stream.Score) -> str:
    md = m21.metadata
    if md is None:
        return ""
    return str(md.title or md.movementName or "").strip()


def _pickup(first_part: stream.Part, bar: Fraction) -> Fraction:
    """Length in quarter notes of an incomplete first measure (0 when the first bar, ``bar`` quarters, is full)."""
    measures = first_part.getElementsByClass(stream.Measure)
    if not measures:
        return Fraction(0)
    first = measures[0]
    length = bar - Fraction(first.paddingLeft) if first.paddingLeft else Fraction(first.duration.quarterLength)
    return length if 0 < length < bar else Fraction(0)


def score_to_music21(score: Score) -> stream.Score:
    """The Score as a music21 score of four parts, one measure per bar."""
    m21 = stream.Score()
    m21.metadata = metadata.Metadata(title=score.title or "Chorale")
    # Named so that music21 does not print its own name as the composer on the page.
    m21.metadata.addContributor(metadata.Contributor(role="transcriber", name="Chorale Studio"))
    spelling = _spelling(score.key)
    spb = score.steps_per_bar
    for voice in Voice:
        part = stream.Part(id=voice.label)
        part.partName = voice.label
        part.partAbbreviation = voice.short
        # An instrument per part: MuseScore warns "no instrument found for part" without one.
        singer = _INSTRUMENTS[voice]()
        singer.partName, singer.partAbbreviation = voice.label, voice.short
        part.insert(0, singer)
        for bar in range(score.bars):
            bar_start, bar_end = score.written_span(bar)   # a pickup, and the short last bar balancing it
            measure = stream.Measure(number=bar if score.pickup else bar + 1)
            if bar == 0:
                measure.insert(0, _CLEFS[voice]())
                measure.insert(0, key.KeySignature(score.key.fifths).asKey(score.key.mode))
                measure.insert(0, meter.TimeSignature(str(score.meter)))
                if voice is Voice.SOPRANO:
                    measure.insert(0, tempo.MetronomeMark(number=score.tempo, referent="quarter"))
                if score.pickup:
                    measure.paddingLeft = _ql(spb - score.pickup)
                    # implicit="yes": the pickup is not counted, so bar 1 is the first full bar.
                    measure.showNumber = stream.enums.ShowNumber.NEVER
            _fill_measure(measure, score, voice, bar_start, bar_end, spelling)
            part.append(measure)
        m21.insert(0, part)
    return m21


def _ql(steps: int) -> Fraction:
    """Sixteenth steps → music21 quarterLength."""
    return Fraction(steps, STEPS_PER_QUARTER)


@functools.lru_cache(maxsize=32)
def _spelling(chorale_key: Key) -> dict[int, str]:
    """Pitch class → note name in ``chorale_key``: scale notes as the signature has them; a chromatic
    note as the raised scale note below it (leading tones: F# in G minor, C# in D), except the flat
    seventh of a major key (Bb in C), the flat second of a minor key (Neapolitan Eb in D minor) and
    where raising would need a double sharp."""
    m21_key = key.KeySignature(chorale_key.fifths).asKey(chorale_key.mode)
    names = {p.pitchClass: p.name for p in m21_key.getPitches()}
    tonic = chorale_key.tonic
    lowered = (tonic + 10) % 12 if chorale_key.mode == "major" else (tonic + 1) % 12
    for pc in range(12):
        if pc in names:
            continue
        raised = pitch.Pitch(names[(pc - 1) % 12]).transpose("A1").name
        if pc == lowered or "##" in raised:
            names[pc] = pitch.Pitch(names[(pc + 1) % 12]).transpose("-A1").name
        else:
            names[pc] = raised
    return names


def _pitch(midi: int, spelling: dict[int, str]) -> pitch.Pitch:
    spelled = pitch.Pitch(spelling[midi % 12] + "4")
    spelled.octave += (midi - round(spelled.ps)) // 12  # B#3 sounds as C4: the octave follows the letter
    return spelled


def _fill_measure(measure: stream.Measure, score: Score, voice: Voice, bar_start: int, bar_end: int,
                  spelling: dict[int, str]) -> None:
    """Notes of ``voice`` in [bar_start, bar_end), tied where they cross a barline, rests between."""
    now = bar_start
    for n in score.notes_between(voice, bar_start, bar_end):
        start, end = max(n.start, bar_start), min(n.end, bar_end)
        if start > now:
            measure.insert(_ql(now - bar_start), note.Rest(quarterLength=_ql(start - now)))
        m21_note = note.Note(_pitch(n.pitch, spelling), quarterLength=_ql(end - start))
        if start == n.start and start in score.fermatas:   # a phrase end: the chord's notes held
            m21_note.expressions.append(expressions.Fermata())
        tied_in, tied_out = n.start < bar_start, n.end > bar_end
        if tied_in or tied_out:
            m21_note.tie = tie.Tie("continue" if tied_in and tied_out else "stop" if tied_in else "start")
        measure.insert(_ql(start - bar_start), m21_note)
        now = end
    if now == bar_start and bar_end - bar_start == score.steps_per_bar:
        # A silent full bar: one whole-measure rest, centred, whatever the meter.
        measure.insert(0, note.Rest(quarterLength=_ql(bar_end - bar_start), fullMeasure=True))
    elif now < bar_end:
        measure.insert(_ql(now - bar_start), note.Rest(quarterLength=_ql(bar_end - now)))


def musicxml_bytes(score: Score, numerals: Sequence[AnalysedChord] = ()) -> bytes:
    """The score as an uncompressed MusicXML 4.0 document, in memory; ``numerals`` (a harmony analysis's
    chords) are written under the bass as ``<harmony>`` with ``<numeral>``."""
    m21 = score_to_music21(score)
    # The notation steps music21's exporter would run, done in place on our freshly built score:
    # the same document as the exporter's default path, without its deep copy (a third faster).
    m21.makeNotation(inPlace=True)
    for part in m21.parts:
        part.splitAtDurations(recurse=True)
    exporter = m21ToXml.GeneralObjectExporter(m21)
    exporter.makeNotation = False
    data = exporter.parse()
    return _with_numerals(data, score, numerals) if numerals else data


def mxl_bytes(score: Score, numerals: Sequence[AnalysedChord] = ()) -> bytes:
    """The score as compressed MusicXML (.mxl): a zip with the container file pointing at the score."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry comes first and uncompressed, as the MusicXML spec asks.
        archive.writestr("mimetype", "application/vnd.recordare.musicxml", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", _CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("score.musicxml", musicxml_bytes(score, numerals), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container>
  <rootfiles>
    <rootfile full-path="score.musicxml" media-type="application/vnd.recordare.musicxml+xml"/>
  </rootfiles>
</container>
"""


def write_musicxml(score: Score, path: str | Path, numerals: Sequence[AnalysedChord] = ()) -> None:
    """Save ``score`` as MusicXML, compressed when the name ends in .mxl (atomically), with ``numerals``
    (a harmony analysis's chords) as Roman numerals under the bass."""
    path = Path(path)
    data = mxl_bytes(score, numerals) if path.suffix.lower() == ".mxl" else musicxml_bytes(score, numerals)
    atomic_write_bytes(path, data)


# ---- Roman numerals: MusicXML 4.0 <harmony> with <numeral> ------------------------------------------------
_XML_KINDS = {"M": "major", "m": "minor", "o": "diminished", "+": "augmented", "7": "dominant",
              "M7": "major-seventh", "m7": "minor-seventh", "ø7": "half-diminished", "o7": "diminished-seventh"}
#: Semitones above the tonic → (scale degree, alteration), per mode.
_DEGREES = {"major": {0: (1, 0), 1: (2, -1), 2: (2, 0), 3: (3, -1), 4: (3, 0), 5: (4, 0), 6: (4, 1), 7: (5, 0),
                      8: (6, -1), 9: (6, 0), 10: (7, -1), 11: (7, 0)},
            "minor": {0: (1, 0), 1: (2, -1), 2: (2, 0), 3: (3, 0), 4: (3, 1), 5: (4, 0), 6: (4, 1), 7: (5, 0),
                      8: (6, 0), 9: (6, 1), 10: (7, 0), 11: (7, 1)}}


def _harmony_element(numeral: AnalysedChord, key_changed: bool, offset: int) -> ElementTree.Element:
    harmony = ElementTree.Element("harmony", {"print-frame": "no"})
    element = ElementTree.SubElement(harmony, "numeral")
    degree, alter = _DEGREES[numeral.key.mode][(numeral.root - numeral.key.tonic) % 12]
    ElementTree.SubElement(element, "numeral-root", {"text": numeral.figure}).text = str(degree)
    if alter:
        ElementTree.SubElement(element, "numeral-alter", {"location": "left"}).text = str(alter)
    key_element = ElementTree.SubElement(element, "numeral-key", {} if key_changed else {"print-object": "no"})
    ElementTree.SubElement(key_element, "numeral-fifths").text = str(numeral.key.fifths)
    ElementTree.SubElement(key_element, "numeral-mode").text = numeral.key.mode
    ElementTree.SubElement(harmony, "kind", {"text": ""}).text = _XML_KINDS.get(numeral.kind, "other")
    if numeral.inversion:
        ElementTree.SubElement(harmony, "inversion").text = str(numeral.inversion)
    if offset:
        ElementTree.SubElement(harmony, "offset").text = str(offset)
    return harmony


def _with_numerals(data: bytes, score: Score, numerals: Sequence[AnalysedChord]) -> bytes:
    """The exported document with a <harmony> before the bass note sounding at each numeral's onset."""
    head, start, body = data.partition(b"<score-partwise")
    root = ElementTree.fromstring(start + body)
    bass = root.findall("part")[-1]
    divisions = int(bass.find("measure/attributes/divisions").text)
    spb = score.steps_per_bar
    by_bar: dict[int, list] = {}
    for n in numerals:
        by_bar.setdefault(score.bar_of(n.step), []).append(n)
    key = None
    for bar, measure in enumerate(bass.findall("measure")):
        music_start = bar * spb + (spb - score.pickup if bar == 0 and score.pickup else 0)
        notes, position = [], 0
        for element in list(measure):
            if element.tag == "note" and element.find("chord") is None and element.find("grace") is None:
                length = int(element.find("duration").text)
                notes.append((position, position + length, element))
                position += length
        for n in by_bar.get(bar, []):
            at = (n.step - music_start) * divisions // STEPS_PER_QUARTER
            sounding = next(((a, e) for a, b, e in notes if a <= at < b), None)
            if sounding is None:
                continue
            a, element = sounding
            index = list(measure).index(element)
            measure.insert(index, _harmony_element(n, n.key != key, at - a))
            key = n.key
    return head + ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)


def _numerals_in(document: bytes, shift: int) -> list[PlannedChord]:
    """The <harmony><numeral> elements of a MusicXML document as (step, key, figure), in time order."""
    root = ElementTree.fromstring(document)
    found: list[PlannedChord] = []
    for part in root.iter("part"):
        divisions, fifths, mode, measure_start = 1, 0, "major", Fraction(0)
        for measure in part.iter("measure"):
            position = longest = Fraction(0)
            for element in measure:
                if element.tag == "attributes":
                    divisions = int(element.findtext("divisions") or divisions)
                    if element.find("key") is not None:
                        fifths = int(element.findtext("key/fifths") or 0)
                        mode = "minor" if (element.findtext("key/mode") or "") == "minor" else "major"
                elif element.tag == "note" and element.find("chord") is None:
                    position += Fraction(int(element.findtext("duration") or 0), divisions)
                elif element.tag == "backup":
                    position -= Fraction(int(element.findtext("duration") or 0), divisions)
                elif element.tag == "forward":
                    position += Fraction(int(element.findtext("duration") or 0), divisions)
                elif element.tag == "harmony" and element.find("numeral") is not None:
                    root_element = element.find("numeral/numeral-root")
                    figure = (root_element.get("text") or "").strip() if root_element is not None else ""
                    offset = Fraction(int(element.findtext("offset") or 0), divisions)
                    numeral_fifths = element.findtext("numeral/numeral-key/numeral-fifths")
                    numeral_mode = element.findtext("numeral/numeral-key/numeral-mode") or mode
                    try:
                        chord_key = Key(int(numeral_fifths) if numeral_fifths is not None else fifths,
                                        "major" if numeral_mode == "major" else "minor")
                    except (ValueError, ScoreError):
                        continue
                    step = to_step(measure_start + position + offset) + shift
                    if figure:
                        found.append(PlannedChord(step, chord_key, figure))
                longest = max(longest, position)
            measure_start += longest
    return sorted(found, key=lambda n: n.step)
