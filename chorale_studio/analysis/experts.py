"""Expert Roman-numeral analyses of Bach chorales (music21's RomanText corpus), aligned with the Score.

music21 ships analyses of some Riemenschneider chorales as RomanText
(``corpus/bach/choraleAnalyses/riemenschneider*.rntxt``); the ``BWV:`` line
names the chorale, which music21's corpus also holds.  Here each analysis is
read with the chorale it analyses, every expert chord placed at its step, and
labels compared the way the harmony benchmark and tests count agreement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..score import Score
from .harmony import KINDS, SEVENTHS, Harmony

#: BWV numbers as the analyses write them → the name of the chorale in music21's corpus, where they differ.
_CORPUS_NAMES = {"248(2).12": "bach/bwv248.12-2", "41.6s": "bach/bwv41.6"}


@dataclass(frozen=True)
class Label:
    """A Roman numeral reduced to what agreement is counted on (all pitch classes)."""

    key_tonic: int
    key_mode: str
    local_tonic: int       # the tonicized key's tonic: the key's own, or that of the chord after '/'
    degree: int            # root above the local tonic, in semitones
    triad: str             # the kind's triad: 'M', 'm', 'o', '+' (or '?')
    seventh: bool
    inversion: int

    @property
    def root(self) -> int:
        return (self.local_tonic + self.degree) % 12

    def same_degree_and_quality(self, other: "Label") -> bool:
        """The same root and triad quality on the same degree of the same key — the tonicized key or the
        key around it: V/V in G agrees with V in D (both the dominant of D) and with II in G (both the
        major triad on G's second degree: the same chord, written as applied or as chromatic)."""
        if (self.root, self.triad) != (other.root, other.triad):
            return False
        return self.local_tonic == other.local_tonic or self.same_key(other)

    def same_figure(self, other: "Label") -> bool:
        return self.same_degree_and_quality(other) and (self.seventh, self.inversion) == (other.seventh, other.inversion)

    def same_key(self, other: "Label") -> bool:
        return (self.key_tonic, self.key_mode) == (other.key_tonic, other.key_mode)


@dataclass(frozen=True)
class ExpertChord:
    step: int
    figure: str
    key_name: str          # music21's name: 'G major'
    label: Label
    measure: int
    beat: float


@dataclass
class ExpertAnalysis:
    name: str              # 'riemenschneider001'
    bwv: str
    score: Score           # the chorale, in the key the analysis is written in
    chords: list[ExpertChord]
    transposed: int        # semitones the corpus chorale was moved to meet the analysis (0: none)
    source: object         # the music21 score, so transposed
    first_measure: int     # the measure number of bar 0


def analysis_paths() -> list[Path]:
    """The RomanText analyses music21 ships, in Riemenschneider order."""
    import music21
    folder = Path(music21.__file__).parent / "corpus" / "bach" / "choraleAnalyses"
    return sorted(folder.glob("riemenschneider*.rntxt"))


def _kind_of(pcs: set[int], root: int) -> str:
    shape = tuple(sorted((p - root) % 12 for p in pcs))
    for kind, intervals in KINDS.items():
        if tuple(sorted(intervals)) == shape:
            return kind
    # incomplete chords: a seventh chord without its fifth, a triad without its fifth
    for kind, intervals in KINDS.items():
        if set(shape) <= set(intervals) and 0 in shape and len(shape) >= 2 and intervals[1] in shape:
            return kind
    return "?"


_TRIAD_OF = {"M": "M", "m": "m", "o": "o", "+": "+", "7": "M", "M7": "M", "m7": "m", "ø7": "o", "o7": "o"}


def label_of_roman(rn) -> Label:
    """A music21 RomanNumeral (in its key) → Label."""
    root = rn.root().pitchClass
    kind = _kind_of({p.pitchClass for p in rn.pitches}, root)
    local = rn.secondaryRomanNumeralKey.tonic.pitchClass if rn.secondaryRomanNumeral else rn.key.tonic.pitchClass
    intervals = sorted(KINDS.get(kind, (0, 4, 7)))
    bass = (rn.bass().pitchClass - root) % 12
    inversion = intervals.index(bass) if bass in intervals else 0
    return Label(rn.key.tonic.pitchClass, rn.key.mode, local, (root - local) % 12, _TRIAD_OF.get(kind, "?"),
                 kind in SEVENTHS, inversion)


def label_of_harmony(h: Harmony) -> Label:
    """One of our chords → Label, through music21's reading of its figure (so the figure must say it)."""
    from music21 import key as m21key
    from music21 import roman
    tonic = h.key.name.split()[0].replace("b", "-")
    tonic = tonic[0] + tonic[1:]
    rn = roman.RomanNumeral(h.figure, m21key.Key(tonic if h.key.mode == "major" else tonic.lower()))
    return label_of_roman(rn)


def load(path: Path) -> ExpertAnalysis:
    """One expert analysis with its chorale, each chord at its step in the Score."""
    from music21 import converter, corpus, roman

    from ..io.musicxml import score_from_music21

    text = path.read_text(encoding="utf-8")
    bwv = re.search(r"^BWV:\s*(\S+)", text, re.MULTILINE).group(1)
    source = _sung_section(corpus.parse(_CORPUS_NAMES.get(bwv, f"bach/bwv{bwv}")))
    score = score_from_music21(source, plain=True).score
    parsed = converter.parse(text, format="romantext")
    first_measure = 0 if re.search(r"^m0\s", text, re.MULTILINE) else 1
    per_beat = score.meter.steps_per_beat
    placed = []
    for rn in parsed.recurse().getElementsByClass(roman.RomanNumeral):
        bar = rn.measureNumber - first_measure
        step = bar * score.steps_per_bar + round((float(rn.beat) - 1) * per_beat)
        if 0 <= step < score.total_steps:
            placed.append((step, rn))
    # Some corpus chorales stand in another key than the one analysed: meet the analysis there.
    shift = _best_shift(score, placed)
    if shift:
        score = score.transposed(-shift)
        source = source.transpose(-shift)
    chords = [ExpertChord(step, rn.figure, rn.key.name, label_of_roman(rn), rn.measureNumber, float(rn.beat))
              for step, rn in placed]
    return ExpertAnalysis(path.stem, bwv, score, chords, -shift, source, first_measure)


def _sung_section(source):
    """The chorale's four sung parts: of a cantata movement with instruments, the parts whose names say
    S, A, T, B (``io.parts.by_names``; BWV 41.6's "Soprano Oboe 1 Violin1" … "Bass Continuo").  Raises
    ChoraleError where the names do not say it (the importer's ``plain`` reading then refuses other
    obstacles, such as a change of meter)."""
    from ..errors import ChoraleError
    from ..io.parts import PartInfo, by_names
    parts = list(source.parts)
    if len(parts) == 4:
        return source
    chosen = by_names([PartInfo(i + 1, str(p.partName or "").strip(), str(p.partAbbreviation or "").strip())
                       for i, p in enumerate(parts)])
    if chosen is None:
        raise ChoraleError(f"the {len(parts)} parts' names do not say which are S, A, T, B")
    source = source.__deepcopy__()
    source.remove([p for i, p in enumerate(source.parts) if i not in chosen])
    return source


def _best_shift(score: Score, placed: list) -> int:
    """The transposition (semitones) under which the sounding notes best fit the expert chords."""
    from ..score import Voice
    sounding = [({score.pitch_at(v, step) % 12 for v in Voice if score.pitch_at(v, step) is not None},
                 {p.pitchClass for p in rn.pitches}) for step, rn in placed]
    def fit(shift: int) -> int:
        return sum(len({(p - shift) % 12 for p in notes} & chord) for notes, chord in sounding)
    return max(range(12), key=lambda s: (fit(s), -min(s, 12 - s)))


def naive_labels(analysis: ExpertAnalysis) -> list[Label | None]:
    """The obvious labeller, per expert chord: ``roman.romanNumeralFromChord`` on the chordified chorale's
    chord sounding at that onset, given the expert's own key (None where nothing sounds)."""
    from music21 import chord, key as m21key, roman
    chordified = analysis.source.chordify()
    out: list[Label | None] = []
    for c in analysis.chords:
        measure = chordified.measure(c.measure)
        offset = c.beat - 1 - (measure.paddingLeft if c.measure == analysis.first_measure else 0)
        sounding = [e for e in measure.getElementsByClass(chord.Chord) if e.offset <= offset + 1e-6]
        if not sounding or not sounding[-1].pitches:
            out.append(None)
            continue
        tonic, mode = c.key_name.split()
        out.append(label_of_roman(roman.romanNumeralFromChord(sounding[-1], m21key.Key(tonic, mode))))
    return out


#: The analyses the harmony weights were tuned on, and the ones held out to measure them.
TUNING = tuple(f"riemenschneider{n:03d}" for n in range(1, 11))
HELD_OUT = tuple(f"riemenschneider{n:03d}" for n in range(11, 21))


@dataclass
class Agreement:
    """How many expert chords a labeller matches: by degree and quality, by full figure, by key."""

    chords: int = 0
    degree_and_quality: int = 0
    figure: int = 0
    key: int = 0

    def add(self, expert: Label, found: Label | None) -> None:
        self.chords += 1
        if found is not None:
            self.degree_and_quality += found.same_degree_and_quality(expert)
            self.figure += found.same_figure(expert)
            self.key += found.same_key(expert)

    def merge(self, other: "Agreement") -> "Agreement":
        return Agreement(self.chords + other.chords, self.degree_and_quality + other.degree_and_quality,
                         self.figure + other.figure, self.key + other.key)

    def shares(self) -> dict[str, float]:
        n = max(1, self.chords)
        return {"chords": self.chords, "degree_and_quality": round(self.degree_and_quality / n, 4),
                "figure": round(self.figure / n, 4), "key": round(self.key / n, 4)}


def agreement(analysis: ExpertAnalysis) -> tuple[Agreement, Agreement]:
    """(ours, naive): our analysis with keys it finds itself, and the naive labeller given the expert keys."""
    from .harmony import harmony
    ours, naive = Agreement(), Agreement()
    found = harmony(analysis.score)
    for chord, obvious in zip(analysis.chords, naive_labels(analysis)):
        h = found.at(chord.step)
        ours.add(chord.label, label_of_harmony(h) if h is not None else None)
        naive.add(chord.label, obvious)
    return ours, naive


def as_plan(analysis: ExpertAnalysis) -> dict:
    """The expert analysis as a chord plan for its chorale (step → (key, figure)); figures this program
    cannot read (augmented sixths, 'Cad64') are left out."""
    from ..score import Key
    from .harmony import FigureError, parse_figure
    plan = {}
    for c in analysis.chords:
        tonic, mode = c.key_name.split()
        key = Key.parse(f"{tonic.replace('-', 'b')} {mode}")
        try:
            parse_figure(key, c.figure)
        except FigureError:
            continue
        plan[c.step] = (key, c.figure)
    return plan


def _spans(score: Score):
    """Each planned chord with the sonorities in effect within its span (the one sounding at its onset first)."""
    from .harmony import planned_chords
    from .sonority import sonorities
    chain = sonorities(score)
    for chord in planned_chords(score):
        yield chord, [s for s in chain if s.step <= chord.at][-1:] + [s for s in chain if chord.at < s.step < chord.until]


def _sounds(chord, s) -> bool:
    from ..score import Voice
    sounding = [p for p in s.pitches if p is not None]
    tones = {p % 12 for p in sounding}
    return (len(sounding) == 4 and s.pitch(Voice.BASS) % 12 == chord.bass and tones <= chord.pcs
            and chord.required <= tones)


def plan_kept(score: Score) -> tuple[int, int]:
    """(planned chords that sound, planned chords): a planned chord sounds when, somewhere within its span,
    the bass sings its bass and the four voices sing its tones only, all of them (a seventh chord's fifth
    may be left out)."""
    spans = list(_spans(score))
    return sum(any(_sounds(chord, s) for s in within) for chord, within in spans), len(spans)


#: Why a planned chord did not sound (``plan_misses``), in the order they are told apart.
MISSES = ("soprano", "bass", "rest", "foreign", "seventh", "incomplete")


def plan_misses(score: Score) -> list[tuple[object, str]]:
    """Every planned chord that does not sound (``plan_kept``), with why, the first that applies:

    - ``soprano``: the soprano makes it impossible (it sings none of the chord's tones within its span, or
      only with tones missing that the three other voices cannot all bring, the bass singing the bass);
    - ``bass``: the bass never sings the planned bass within its span;
    - ``rest``: wherever it does, a voice rests;
    - ``foreign``: wherever it does, a voice sings a note outside the chord (passing, neighbour, suspension);
    - ``seventh``: a seventh chord sounds without its seventh;
    - ``incomplete``: it sounds, in its chord tones only, with another tone missing.
    The chord (``analysis.harmony.PlannedChord``) and its reason; its onset off the beat is the chord's own."""
    from ..score import Voice
    out = []
    for chord, within in _spans(score):
        if any(_sounds(chord, s) for s in within):
            continue
        possible = [s for s in within if s.pitch(Voice.SOPRANO) is not None and s.pitch(Voice.SOPRANO) % 12 in chord.pcs
                    and len(chord.required - {s.pitch(Voice.SOPRANO) % 12, chord.bass}) <= 2]
        on_bass = [s for s in within if s.pitch(Voice.BASS) is not None and s.pitch(Voice.BASS) % 12 == chord.bass]
        if not possible:
            why = "soprano"
        elif not on_bass:
            why = "bass"
        elif all(None in s.pitches for s in on_bass):
            why = "rest"
        elif all({p % 12 for p in s.pitches if p is not None} - chord.pcs for s in on_bass if None not in s.pitches):
            why = "foreign"
        else:
            clean = [s for s in on_bass if None not in s.pitches and {p % 12 for p in s.pitches} <= chord.pcs]
            seventh = {pc for pc in chord.pcs if len(chord.pcs) == 4 and (pc - _root(chord)) % 12 in (9, 10, 11)}
            why = "seventh" if clean and all((chord.required - {p % 12 for p in s.pitches}) & seventh for s in clean) \
                else "incomplete"
        out.append((chord, why))
    return out


def _root(chord) -> int:
    """The root of a planned chord (``analysis.harmony.PlannedChord``)."""
    from .harmony import parse_figure
    return parse_figure(chord.key, chord.figure)[0]
