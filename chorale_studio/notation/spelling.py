"""How a pitch is written in a key: letter, sharp or flat, octave — without music21, so that
re-engraving on every edit stays fast.

The rules are those of the MusicXML export (``io.musicxml``): scale notes as the signature has them;
a chromatic note as the raised scale note below it (leading tones: F# in G minor, C# in D), except
the flat seventh of a major key (Bb in C), the flat second of a minor key (the Neapolitan Eb in
D minor) and where raising would need a double sharp.  ``tests/test_notation.py`` holds the two to
the same answer in every key.

A name is a place on the line of fifths (… Bb=-2, F=-1, C=0, G=1 … F#=6 …): letter and alteration
both follow from it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..score import Key

_LETTERS = "FCGDAEB"
_LETTER_PITCH_CLASS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


@dataclass(frozen=True)
class Spelled:
    """A written pitch: ``letter`` A–G, ``alter`` (−1 flat, 1 sharp, 2 double sharp) and ``octave`` (C4 = middle C)."""

    letter: str
    alter: int
    octave: int


def _letter_and_alter(fifths: int) -> tuple[str, int]:
    return _LETTERS[(fifths + 1) % 7], (fifths + 1) // 7


@functools.lru_cache(maxsize=32)
def _fifths_by_pitch_class(chorale_key: Key) -> dict[int, int]:
    f = chorale_key.fifths
    names = {(p * 7) % 12: p for p in range(f - 1, f + 6)}   # the seven notes of the signature
    tonic = chorale_key.tonic
    lowered = (tonic + 10) % 12 if chorale_key.mode == "major" else (tonic + 1) % 12
    for pc in range(12):
        if pc in names:
            continue
        raised = names[(pc - 1) % 12] + 7
        names[pc] = names[(pc + 1) % 12] - 7 if pc == lowered or raised >= 13 else raised
    return names


@functools.lru_cache(maxsize=None)
def signature_alters(chorale_key: Key) -> dict[str, int]:
    """Letter → its alteration under the key signature (0 for the letters the signature leaves alone)."""
    return dict(_letter_and_alter(p) for p in range(chorale_key.fifths - 1, chorale_key.fifths + 6))


def spell(midi: int, chorale_key: Key) -> Spelled:
    """How MIDI pitch ``midi`` is written in ``chorale_key`` (B#3 sounds as C4: the octave follows the letter)."""
    letter, alter = _letter_and_alter(_fifths_by_pitch_class(chorale_key)[midi % 12])
    return Spelled(letter, alter, (midi - _LETTER_PITCH_CLASS[letter] - alter) // 12 - 1)
