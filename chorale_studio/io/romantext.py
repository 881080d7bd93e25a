"""RomanText (.rntxt) out and in: a harmony analysis written as the expert analyses are, and read back.

A line per bar: ``m3 b1 I b2 V6 b3 D: V7/V b4 I``; a key is named where it
changes, the bar and beat numbers are those printed in the score (a pickup is
measure 0).  Cadences close their chord with ``||``, as the experts write
phrase ends, and are listed once more in a ``Note:`` line.  Reading gives the
(step, key, figure) of every chord, for chord plans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from typing import Protocol, Sequence

from ..errors import FileFormatError
from ..score.model import Key, Score, ScoreError
from .atomic import atomic_write_bytes


class Numeral(Protocol):
    """What a writer needs of a chord of an analysis (``analysis.harmony.Harmony`` has it)."""

    step: int
    key: Key
    figure: str
    cadence: str


class AnalysedChord(Numeral, Protocol):
    """A chord of an analysis with its pitches named: what MusicXML's <harmony> also writes."""

    root: int              # pitch class
    kind: str              # 'M', 'm', 'o', '+', '7', 'M7', 'm7', 'ø7', 'o7'
    inversion: int


def key_token(key: Key) -> str:
    """'G:' for G major, 'f#:' for F# minor, 'Bb:' for B-flat major."""
    tonic = key.name.split()[0]
    return (tonic if key.mode == "major" else tonic.lower()) + ":"


def measure_and_beat(score: Score, step: int) -> tuple[int, str]:
    """The printed measure number and RomanText beat ('2', '2.5') of ``step``."""
    bar = score.bar_of(step)
    measure = bar if score.pickup else bar + 1
    per_beat = score.meter.steps_per_beat
    beat = 1 + (step - bar * score.steps_per_bar) / per_beat
    return measure, format(beat, "g")


def romantext(score: Score, chords: Sequence[Numeral], analyst: str = "Chorale Studio") -> str:
    """The chords of an analysis (in time order) as a RomanText document."""
    lines = []
    if score.title:
        lines.append(f"Title: {score.title}")
    lines += [f"Analyst: {analyst}", f"Time Signature: {score.meter}", ""]
    bars: dict[int, list[str]] = {}
    key = None
    for h in chords:
        measure, beat = measure_and_beat(score, h.step)
        words = bars.setdefault(measure, [f"m{measure}"])
        words.append(f"b{beat}")
        if h.key != key:
            words.append(key_token(h.key))
            key = h.key
        words.append(h.figure)
        if h.cadence:
            words.append("||")
    for measure in sorted(bars):
        lines.append(" ".join(_first_beat_implicit(bars[measure])))
    cadences = [f"m{measure_and_beat(score, h.step)[0]} b{measure_and_beat(score, h.step)[1]} {h.cadence}"
                for h in chords if h.cadence]
    if cadences:
        lines += ["", "Note: cadences " + ", ".join(cadences)]
    return "\n".join(lines) + "\n"


def _first_beat_implicit(words: list[str]) -> list[str]:
    """'m3 b1 I b2 V' → 'm3 I b2 V': beat 1 goes without saying, as the experts write it."""
    return [words[0], *words[2:]] if len(words) > 1 and words[1] == "b1" else words


def write_romantext(score: Score, chords: Sequence[Numeral], path: str | Path) -> None:
    atomic_write_bytes(Path(path), romantext(score, chords).encode("utf-8"))


@dataclass(frozen=True)
class PlannedChord:
    """A chord a RomanText file asks for: at ``step``, ``figure`` in ``key``."""

    step: int
    key: Key
    figure: str
    cadence: str = ""


_KEY = re.compile(r"^([A-Ga-g])([#b-]?):$")
_BEAT = re.compile(r"^b(\d+(?:\.\d+)?)$")


def _key_of(token: str) -> Key:
    m = _KEY.match(token)
    letter, accidental = m.group(1), m.group(2).replace("-", "b")
    return Key.parse(f"{letter.upper()}{accidental} {'major' if letter.isupper() else 'minor'}")


def read_romantext(text: str, score: Score) -> list[PlannedChord]:
    """The chords of a RomanText document placed in ``score`` (its meter and pickup give the steps)."""
    out: list[PlannedChord] = []
    key: Key | None = None
    first_measure = 0 if score.pickup else 1
    per_beat = score.meter.steps_per_beat
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if not words or not re.match(r"^m\d+$", words[0]):
            continue       # metadata, notes, variants ('m3var1') and blank lines
        bar = int(words[0][1:]) - first_measure
        beat = 1.0
        for word in words[1:]:
            if word in ("||", "|"):
                continue
            if _BEAT.match(word):
                beat = float(_BEAT.match(word).group(1))
                continue
            if _KEY.match(word):
                try:
                    key = _key_of(word)
                except ScoreError as exc:
                    raise FileFormatError(f"line {number}: {exc}") from None
                continue
            if key is None:
                raise FileFormatError(f"line {number}: the chord {word!r} comes before any key (write 'G:' first)")
            step = bar * score.steps_per_bar + round((beat - 1) * per_beat)
            if not 0 <= step < score.total_steps or beat - 1 >= score.meter.numerator:
                raise FileFormatError(f"line {number}: m{bar + first_measure} b{format(beat, 'g')} "
                                      f"is outside the piece's {score.bars} bars of {score.meter}")
            out.append(PlannedChord(step, key, word))
    return out
