"""Which pitch classes belong to a key, and a best-fitting key for music whose signature is unknown."""
from __future__ import annotations

from fractions import Fraction

from ..io.common import RawNote
from ..io.common import estimate_key as estimate_key_of_notes
from ..score import STEPS_PER_QUARTER, Key, Score, Voice


def allowed_pitch_classes(key: Key) -> frozenset[int]:
    """The diatonic scale of ``key``; in minor also the raised sixth and seventh (melodic/harmonic minor)."""
    if key.mode == "minor":
        return key.scale | {(key.tonic + 9) % 12, (key.tonic + 11) % 12}
    return key.scale


def estimate_key(score: Score) -> Key:
    """The signature whose scale holds most of the sung time, minor when the bass ends on its minor tonic.

    The same estimate the importers use for files that state no key, so a score
    analysed here and one read from a signature-less MIDI file agree.
    """
    voices = [[RawNote(Fraction(n.start, STEPS_PER_QUARTER), Fraction(n.end, STEPS_PER_QUARTER), n.pitch)
               for n in score.notes(v)] for v in Voice]
    bass = score.notes(Voice.BASS)
    return estimate_key_of_notes(voices, bass[-1].pitch if bass else None)
