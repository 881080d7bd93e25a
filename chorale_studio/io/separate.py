"""Separating voices that a file keeps together: a one-track MIDI file of a chorale, or a keyboard's
two hands, into soprano, alto, tenor and bass.

Where as many notes sound together as there are voices, the new ones go to the voices not holding a
note, by pitch order (the highest to the top voice).  Elsewhere each note goes to the voice whose line it continues most
closely — a voice still holding its previous note is passed over while another is free, and notes
starting together keep their pitch order.  More notes at once than there are voices cannot be
separated: that is a clear error, not a guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

from ..errors import FileFormatError
from ..score.model import DEFAULT_RANGES, Voice
from .common import RawNote, to_step

#: Cost of giving a note to a voice that is still sounding (it would cut that voice's note short).
_BUSY = 24


@dataclass
class Separation:
    """The voices, top first, and how many notes each rule placed."""

    voices: list[list[RawNote]]
    by_order: int = 0      # notes placed by pitch order where every voice sounds
    by_line: int = 0       # notes placed by nearest line


def separate(notes: Sequence[RawNote], voices: Sequence[Voice]) -> Separation:
    """Split ``notes`` (one stream) into the lines of ``voices`` (top first, e.g. S, A, T, B or S, A)."""
    k = len(voices)
    out = Separation([[] for _ in voices])
    last = [sum(DEFAULT_RANGES[v]) / 2 for v in voices]   # before its first note, a voice sits mid-range
    ends = [-1] * k   # the sixteenth where each voice's last note ends
    groups: dict[int, list[RawNote]] = {}   # by sixteenth: a keyboard's chord is rarely struck at one tick
    for n in notes:
        groups.setdefault(to_step(n.onset), []).append(n)
    for step in sorted(groups):
        group = sorted(groups[step], key=lambda n: -n.pitch)
        if len(group) > k:
            group = _one_per_pitch(group)
        if len(group) > k:
            raise FileFormatError(f"{len(group)} notes start together at quarter {step / 4:g}; they cannot be "
                                  f"separated into {k} voices")
        free = tuple(v for v in range(k) if ends[v] <= step)
        if len(group) == k or len(free) == len(group):   # the notes sounding now fill every voice
            slots = tuple(range(k)) if len(group) == k else free
            out.by_order += len(group)
        else:
            slots = min(combinations(range(k), len(group)),
                        key=lambda chosen: sum(abs(n.pitch - last[v]) + (_BUSY if ends[v] > step else 0)
                                               for n, v in zip(group, chosen)))
            out.by_line += len(group)
        for n, v in zip(group, slots):
            out.voices[v].append(n)
            last[v], ends[v] = n.pitch, to_step(n.end)
    return out


def _one_per_pitch(group: list[RawNote]) -> list[RawNote]:
    """Notes starting together, highest first, a pitch struck twice (two hands on one key) once, with its
    longer length: when there are more notes than voices (a unison fits when there are not)."""
    longest: dict[int, RawNote] = {}
    for n in group:
        if n.pitch not in longest or n.end > longest[n.pitch].end:
            longest[n.pitch] = n
    return sorted(longest.values(), key=lambda n: -n.pitch)
