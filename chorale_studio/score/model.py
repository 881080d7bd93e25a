"""The four-voice chorale as plain data: notes, voices, meter, key, locks and edits.

Time is counted in integer sixteenth-note steps everywhere (a 4/4 bar is 16
steps, a 3/4 bar 12).  Each voice is monophonic; every operation that would
break that, or put a note outside the piece, raises ScoreError and leaves the
score unchanged.
"""
from __future__ import annotations

import bisect
import copy
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Iterable, Iterator, Mapping

from ..errors import ChoraleError


class ScoreError(ChoraleError, ValueError):
    """An edit or a value that would make the score invalid."""


class Voice(IntEnum):
    SOPRANO = 0
    ALTO = 1
    TENOR = 2
    BASS = 3

    @property
    def short(self) -> str:
        return "SATB"[self.value]

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @classmethod
    def parse(cls, text: str) -> "Voice":
        """'S', 'soprano', 'Soprano' or '0' → Voice.SOPRANO."""
        t = text.strip().upper()
        for v in cls:
            if t in (v.short, v.name, str(v.value)):
                return v
        raise ScoreError(f"unknown voice {text!r} (use S, A, T or B)")

    @classmethod
    def parse_list(cls, text: str) -> list["Voice"]:
        """'S,B,A,T' → [SOPRANO, BASS, ALTO, TENOR]."""
        return [cls.parse(p) for p in text.split(",") if p.strip()]


VOICES: tuple[Voice, ...] = tuple(Voice)

#: Typical ranges (lowest, highest MIDI pitch) per voice; a Score may carry others.
DEFAULT_RANGES: dict[Voice, tuple[int, int]] = {
    Voice.SOPRANO: (60, 81),
    Voice.ALTO: (53, 74),
    Voice.TENOR: (48, 69),
    Voice.BASS: (36, 64),
}

STEPS_PER_QUARTER = 4


@dataclass(frozen=True, order=True)
class Note:
    """One sung note: start and length in sixteenth steps, pitch as MIDI number."""

    start: int
    length: int
    pitch: int

    def __post_init__(self) -> None:
        if not isinstance(self.pitch, int) or not 0 <= self.pitch <= 127:
            raise ScoreError(f"pitch {self.pitch!r} is not a MIDI note number 0–127")
        if not isinstance(self.start, int) or self.start < 0:
            raise ScoreError(f"note start {self.start!r} must be a step ≥ 0")
        if not isinstance(self.length, int) or self.length <= 0:
            raise ScoreError(f"note length {self.length!r} must be a positive number of steps")

    @property
    def end(self) -> int:
        return self.start + self.length

    def with_(self, *, start: int | None = None, length: int | None = None, pitch: int | None = None) -> "Note":
        return Note(
            start=self.start if start is None else start,
            length=self.length if length is None else length,
            pitch=self.pitch if pitch is None else pitch,
        )


@dataclass(frozen=True)
class Meter:
    """A time signature; only 4/4 and 3/4 are supported."""

    numerator: int = 4
    denominator: int = 4

    def __post_init__(self) -> None:
        if (self.numerator, self.denominator) not in ((4, 4), (3, 4)):
            raise ScoreError(f"meter {self.numerator}/{self.denominator} is not supported (use 4/4 or 3/4)")

    @property
    def steps_per_bar(self) -> int:
        return self.numerator * 16 // self.denominator

    @property
    def steps_per_beat(self) -> int:
        return 16 // self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @classmethod
    def parse(cls, text: str) -> "Meter":
        try:
            num, den = (int(p) for p in str(text).split("/"))
        except ValueError:
            raise ScoreError(f"meter {text!r} is not of the form 4/4") from None
        return cls(num, den)


# Letter names along the circle of fifths, from Fb (−8) to B# (+12): the tonic of the major key
# with n sharps is entry n; a minor key's tonic lies three fifths further on.
_NAME_BY_FIFTHS = {n: name for n, name in zip(range(-8, 13), (
    "Fb Cb Gb Db Ab Eb Bb F C G D A E B F# C# G# D# A# E# B#").split())}
# Tonic pitch class of the major key with n sharps (negative: flats).
_MAJOR_BY_FIFTHS = {n: (7 * n) % 12 for n in range(-7, 8)}


@dataclass(frozen=True)
class Key:
    """A key signature and mode: ``fifths`` sharps (negative for flats), major or minor."""

    fifths: int = 0
    mode: str = "major"

    def __post_init__(self) -> None:
        if not -7 <= self.fifths <= 7:
            raise ScoreError(f"key signature with {self.fifths} fifths is out of range −7…7")
        if self.mode not in ("major", "minor"):
            raise ScoreError(f"mode {self.mode!r} must be 'major' or 'minor'")

    @property
    def tonic(self) -> int:
        """Pitch class of the tonic (0 = C)."""
        major = _MAJOR_BY_FIFTHS[self.fifths]
        return major if self.mode == "major" else (major + 9) % 12

    @property
    def scale(self) -> frozenset[int]:
        """Pitch classes of the diatonic scale of the signature (natural minor for minor keys)."""
        major = _MAJOR_BY_FIFTHS[self.fifths]
        return frozenset((major + s) % 12 for s in (0, 2, 4, 5, 7, 9, 11))

    @property
    def name(self) -> str:
        """'Bb major', 'F# minor', 'Cb major' — spelled from the signature."""
        tonic_fifths = self.fifths + (3 if self.mode == "minor" else 0)
        return f"{_NAME_BY_FIFTHS[tonic_fifths]} {self.mode}"

    @classmethod
    def parse(cls, text: str) -> "Key":
        """'D major', 'B minor', 'Bb major', 'F# minor' (or 'Bbm', 'f#-minor') → Key."""
        t = str(text).strip().replace("♯", "#").replace("♭", "b").replace("-", " ")
        m = re.fullmatch(r"([A-Ga-g])([#b]?)\s*(major|minor|maj|min|m)?", t, re.IGNORECASE)
        if m is None:
            raise ScoreError(f"key {text!r} is not of the form 'D major' or 'B minor'")
        letter, accidental, mode = m.group(1).upper(), m.group(2), (m.group(3) or "major").lower()
        mode = "major" if mode in ("major", "maj") else "minor"
        tonic_fifths = {v: k for k, v in _NAME_BY_FIFTHS.items()}[letter + accidental]
        fifths = tonic_fifths - (3 if mode == "minor" else 0)
        if not -7 <= fifths <= 7:
            raise ScoreError(f"{letter}{accidental} {mode} needs more than 7 sharps or flats; "
                             "use its enharmonic twin")
        return cls(fifths, mode)

    def transposed(self, semitones: int) -> "Key":
        """The key a transposition by ``semitones`` lands in, spelled with ≤ 6 accidentals."""
        fifths = (self.fifths + 7 * semitones) % 12
        if fifths > 6:
            fifths -= 12
        return Key(fifths, self.mode)


Cell = tuple[Voice, int]  # (voice, bar): the unit of locking and of filling

_PITCH_SHARPS = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
_PITCH_FLATS = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]


def pitch_name(pitch: int, flats: bool = False) -> str:
    """MIDI 60 → 'C4' (scientific pitch notation); 70 → 'A#4', or 'Bb4' with ``flats``."""
    return f"{(_PITCH_FLATS if flats else _PITCH_SHARPS)[pitch % 12]}{pitch // 12 - 1}"


def parse_bar_range(text: str, bars: int) -> tuple[int, int]:
    """'A:B' (0-based, B exclusive) → (A, B), checked against the piece's ``bars``."""
    try:
        a, b = (int(p) for p in text.split(":"))
    except ValueError:
        raise ScoreError(f"bar range {text!r} is not of the form A:B (0-based, B exclusive), e.g. 2:6") from None
    if not 0 <= a < b <= bars:
        raise ScoreError(f"bars {a}:{b} are outside the piece's {bars} bars")
    return a, b


@dataclass
class Score:
    """A four-voice chorale: meter, key, tempo, bars, one note list per voice, locked cells."""

    bars: int = 4
    meter: Meter = field(default_factory=Meter)
    key: Key = field(default_factory=Key)
    tempo: float = 90.0
    title: str = ""
    #: Length in steps of a pickup (anacrusis): bar 0 then holds only its last ``pickup`` steps of
    #: music and is written as an incomplete first measure on export.  0 means no pickup.
    pickup: int = 0
    ranges: dict[Voice, tuple[int, int]] = field(default_factory=lambda: dict(DEFAULT_RANGES))
    locks: set[Cell] = field(default_factory=set)
    #: Steps where a phrase ends: the chord sounding there carries a fermata (on a beat).
    fermatas: set[int] = field(default_factory=set)
    #: The composer's chord plan: step → (key, Roman numeral figure as RomanText writes it, e.g. 'V6/5').
    #: Generation writes these chords at these steps; bars without one are free.
    plan: dict[int, tuple[Key, str]] = field(default_factory=dict)
    _notes: dict[Voice, list[Note]] = field(default_factory=lambda: {v: [] for v in Voice}, repr=False)

    MAX_BARS = 2000

    def __post_init__(self) -> None:
        if not isinstance(self.bars, int) or not 1 <= self.bars <= self.MAX_BARS:
            raise ScoreError(f"a score has 1 to {self.MAX_BARS} bars, not {self.bars!r}")
        if not 20 <= float(self.tempo) <= 300:
            raise ScoreError(f"tempo {self.tempo!r} must be between 20 and 300 quarter notes per minute")
        for v in Voice:
            self._notes.setdefault(v, [])
            lo, hi = self.ranges.setdefault(v, DEFAULT_RANGES[v])
            if not 0 <= lo <= hi <= 127:
                raise ScoreError(f"range {lo}–{hi} of the {v.label.lower()} is not valid")
        if not isinstance(self.pickup, int) or not 0 <= self.pickup < self.steps_per_bar:
            raise ScoreError(f"a pickup of {self.pickup!r} steps does not fit in a {self.meter} bar")
        self.fermatas = set(self.fermatas)
        for step in self.fermatas:
            self._check_step(step)
        self.plan = dict(self.plan)
        for step in self.plan:
            self._check_step(step)

    # ---- geometry -------------------------------------------------------------------------
    @property
    def steps_per_bar(self) -> int:
        return self.meter.steps_per_bar

    @property
    def total_steps(self) -> int:
        return self.bars * self.steps_per_bar

    def bar_span(self, bar: int) -> tuple[int, int]:
        """(start, end) steps of ``bar`` (0-based)."""
        self._check_bar(bar)
        return bar * self.steps_per_bar, (bar + 1) * self.steps_per_bar

    def written_span(self, bar: int) -> tuple[int, int]:
        """(start, end) of ``bar`` as notation writes it.  With a pickup, bar 0 holds only its last ``pickup``
        steps, and the last bar — when nothing sounds in its final ``pickup`` steps — only the steps before
        them: the short bar that balances the pickup."""
        start, end = self.bar_span(bar)
        if self.pickup and bar == 0:
            start = end - self.pickup
        elif self.pickup and bar == self.bars - 1 and self.music_end() <= end - self.pickup:
            end -= self.pickup
        return start, end

    def music_end(self) -> int:
        """The step where the last note of any voice ends (0 for a piece without notes)."""
        return max((ns[-1].end for ns in self._notes.values() if ns), default=0)

    def bar_of(self, step: int) -> int:
        return step // self.steps_per_bar

    def _check_step(self, step: int) -> None:
        if not isinstance(step, int) or not 0 <= step < self.total_steps:
            raise ScoreError(f"step {step!r} is outside the piece (steps 0–{self.total_steps - 1})")

    def _check_bar(self, bar: int) -> None:
        if not isinstance(bar, int) or not 0 <= bar < self.bars:
            raise ScoreError(f"bar {bar!r} is outside the piece (bars 0–{self.bars - 1})")

    # ---- reading --------------------------------------------------------------------------
    def notes(self, voice: Voice) -> tuple[Note, ...]:
        """The notes of ``voice`` in time order."""
        return tuple(self._notes[Voice(voice)])

    def all_notes(self) -> Iterator[tuple[Voice, Note]]:
        for v in Voice:
            for n in self._notes[v]:
                yield v, n

    def note_count(self) -> int:
        return sum(len(ns) for ns in self._notes.values())

    def notes_between(self, voice: Voice, start: int, end: int) -> list[Note]:
        """Notes of ``voice`` sounding anywhere in [start, end)."""
        return [n for n in self._notes[Voice(voice)] if n.start < end and n.end > start]

    def notes_in_cell(self, voice: Voice, bar: int) -> list[Note]:
        """Notes of one voice-bar cell, cut at the barlines (a tied-over note gives its part)."""
        s, e = self.bar_span(bar)
        return [n.with_(start=max(n.start, s), length=min(n.end, e) - max(n.start, s))
                for n in self.notes_between(voice, s, e)]

    def pitch_at(self, voice: Voice, step: int) -> int | None:
        """The pitch ``voice`` sings at ``step``, or None during a rest."""
        ns = self._notes[Voice(voice)]
        i = bisect.bisect_right([n.start for n in ns], step) - 1
        if i >= 0 and ns[i].end > step:
            return ns[i].pitch
        return None

    def note_at(self, voice: Voice, step: int) -> Note | None:
        ns = self._notes[Voice(voice)]
        i = bisect.bisect_right([n.start for n in ns], step) - 1
        if i >= 0 and ns[i].end > step:
            return ns[i]
        return None

    def in_range(self, voice: Voice, pitch: int) -> bool:
        lo, hi = self.ranges[Voice(voice)]
        return lo <= pitch <= hi

    # ---- validation -----------------------------------------------------------------------
    def _validated(self, voice: Voice, notes: Iterable[Note]) -> list[Note]:
        out = sorted(notes)
        limit = self.total_steps
        prev: Note | None = None
        for n in out:
            if not isinstance(n, Note):
                raise ScoreError(f"{n!r} is not a Note")
            if n.end > limit:
                raise ScoreError(
                    f"{Voice(voice).label} note at step {n.start} (length {n.length}) runs past the end "
                    f"of the piece (step {limit})")
            if prev is not None and n.start < prev.end:
                raise ScoreError(
                    f"{Voice(voice).label} notes overlap at step {n.start}: a voice sings one note at a time")
            prev = n
        return out

    def validate(self) -> None:
        """Raise ScoreError if any voice overlaps itself or runs past the end."""
        for v in Voice:
            self._validated(v, self._notes[v])
        for v, b in self.locks:
            self._check_bar(b)

    # ---- edits (each either succeeds completely or raises and changes nothing) --------------
    def set_notes(self, voice: Voice, notes: Iterable[Note]) -> None:
        """Replace all notes of ``voice``."""
        voice = Voice(voice)
        self._notes[voice] = self._validated(voice, notes)

    def add_note(self, voice: Voice, note: Note) -> None:
        voice = Voice(voice)
        self._notes[voice] = self._validated(voice, [*self._notes[voice], note])

    def remove_note(self, voice: Voice, note: Note) -> None:
        voice = Voice(voice)
        try:
            self._notes[voice].remove(note)
        except ValueError:
            raise ScoreError(f"the {voice.label.lower()} has no note {note}") from None

    def replace_note(self, voice: Voice, old: Note, new: Note) -> None:
        voice = Voice(voice)
        rest = list(self._notes[voice])
        try:
            rest.remove(old)
        except ValueError:
            raise ScoreError(f"the {voice.label.lower()} has no note {old}") from None
        self._notes[voice] = self._validated(voice, [*rest, new])

    def move_note(self, voice: Voice, note: Note, *, pitch: int | None = None, start: int | None = None) -> Note:
        new = note.with_(pitch=pitch, start=start)
        self.replace_note(voice, note, new)
        return new

    def resize_note(self, voice: Voice, note: Note, length: int) -> Note:
        new = note.with_(length=length)
        self.replace_note(voice, note, new)
        return new

    def clear_range(self, voice: Voice, start: int, end: int) -> None:
        """Remove whatever ``voice`` sings in [start, end), cutting notes that stick out."""
        voice = Voice(voice)
        kept: list[Note] = []
        for n in self._notes[voice]:
            if n.end <= start or n.start >= end:
                kept.append(n)
                continue
            if n.start < start:
                kept.append(n.with_(length=start - n.start))
            if n.end > end:
                kept.append(n.with_(start=end, length=n.end - end))
        self._notes[voice] = kept

    def replace_cells(self, cells: Iterable[Cell], notes: Mapping[Cell, Iterable[Note]]) -> None:
        """Replace the content of each (voice, bar) cell with the notes given for it.

        Notes given for a cell must lie inside that cell.  Locked cells are refused.
        """
        cells = [(Voice(v), b) for v, b in cells]
        trial = self.copy()
        for v, b in cells:
            trial._check_bar(b)
            if (v, b) in self.locks:
                raise ScoreError(f"bar {b + 1} of the {v.label.lower()} is locked")
            s, e = trial.bar_span(b)
            trial.clear_range(v, s, e)
        for v, b in cells:
            s, e = trial.bar_span(b)
            new = list(notes.get((v, b), ()))
            for n in new:
                if n.start < s or n.end > e:
                    raise ScoreError(f"note {n} does not fit in bar {b + 1} of the {v.label.lower()}")
            trial._notes[v] = trial._validated(v, [*trial._notes[v], *new])
        self._notes = trial._notes

    def insert_bars(self, at: int, count: int = 1) -> None:
        """Insert ``count`` empty bars before bar ``at`` (``at == bars`` appends)."""
        if not 0 <= at <= self.bars or count < 1 or self.bars + count > self.MAX_BARS:
            raise ScoreError(f"cannot insert {count} bar(s) at bar {at + 1}")
        spb = self.steps_per_bar
        cut = at * spb
        shift = count * spb
        for v in Voice:
            out: list[Note] = []
            for n in self._notes[v]:
                if n.end <= cut:
                    out.append(n)
                elif n.start >= cut:
                    out.append(n.with_(start=n.start + shift))
                else:  # a note held across the insertion point is split around the new bars
                    out.append(n.with_(length=cut - n.start))
                    out.append(n.with_(start=cut + shift, length=n.end - cut))
            self._notes[v] = out
        self.locks = {(v, b + count if b >= at else b) for v, b in self.locks}
        self.fermatas = {s + shift if s >= cut else s for s in self.fermatas}
        self.plan = {s + shift if s >= cut else s: chord for s, chord in self.plan.items()}
        self.bars += count

    def delete_bars(self, at: int, count: int = 1) -> None:
        """Delete bars ``at`` … ``at + count - 1`` and close the gap."""
        if not 0 <= at or count < 1 or at + count > self.bars or count >= self.bars:
            raise ScoreError(f"cannot delete {count} bar(s) from bar {at + 1} of {self.bars}")
        spb = self.steps_per_bar
        s, e = at * spb, (at + count) * spb
        for v in Voice:
            self.clear_range(v, s, e)
            self._notes[v] = sorted(n.with_(start=n.start - (e - s)) if n.start >= e else n for n in self._notes[v])
        self.locks = {(v, b - count if b >= at + count else b) for v, b in self.locks if not at <= b < at + count}
        self.fermatas = {f - (e - s) if f >= e else f for f in self.fermatas if not s <= f < e}
        self.plan = {f - (e - s) if f >= e else f: chord for f, chord in self.plan.items() if not s <= f < e}
        self.bars -= count

    # ---- locks ----------------------------------------------------------------------------
    def is_locked(self, voice: Voice, bar: int) -> bool:
        return (Voice(voice), bar) in self.locks

    def set_locked(self, cells: Iterable[Cell], locked: bool = True) -> None:
        cells = {(Voice(v), b) for v, b in cells}
        for _, b in cells:
            self._check_bar(b)
        if locked:
            self.locks |= cells
        else:
            self.locks -= cells

    def bar_locked(self, bar: int) -> bool:
        """True when every voice of ``bar`` is locked."""
        return all((v, bar) in self.locks for v in Voice)

    # ---- phrase ends ----------------------------------------------------------------------
    def set_fermata(self, step: int, on: bool = True) -> None:
        """Mark (or unmark) the chord at ``step`` as the end of a phrase."""
        self._check_step(step)
        (self.fermatas.add if on else self.fermatas.discard)(step)

    # ---- whole-score operations ------------------------------------------------------------
    def copy(self) -> "Score":
        # Notes, meters and keys are frozen values, so copying the containers is a full copy (and
        # far cheaper than deepcopy, which generation and undo do many times).
        out = copy.copy(self)
        out.ranges = dict(self.ranges)
        out.locks = set(self.locks)
        out.fermatas = set(self.fermatas)
        out.plan = dict(self.plan)
        out._notes = {v: list(ns) for v, ns in self._notes.items()}
        return out

    def split_at_barlines(self) -> "Score":
        """A copy in which every note held across a barline is cut into one note per bar."""
        out = self.copy()
        spb = self.steps_per_bar
        for v in Voice:
            notes: list[Note] = []
            for n in self._notes[v]:
                s = n.start
                while s < n.end:
                    e = min(n.end, (s // spb + 1) * spb)
                    notes.append(n.with_(start=s, length=e - s))
                    s = e
            out._notes[v] = notes
        return out

    def transposed(self, semitones: int) -> "Score":
        out = self.copy()
        for v in Voice:
            out._notes[v] = [n.with_(pitch=n.pitch + semitones) for n in self._notes[v]]
        out.key = self.key.transposed(semitones)
        out.plan = {s: (k.transposed(semitones), figure) for s, (k, figure) in self.plan.items()}
        return out

    def window(self, start_bar: int, bars: int) -> "Score":
        """A new score of bars start_bar … start_bar+bars-1 (notes cut at the edges)."""
        if start_bar < 0 or bars < 1 or start_bar + bars > self.bars:
            raise ScoreError(f"bars {start_bar + 1}–{start_bar + bars} are outside the piece")
        spb = self.steps_per_bar
        s, e = start_bar * spb, (start_bar + bars) * spb
        out = Score(bars=bars, meter=self.meter, key=self.key, tempo=self.tempo, title=self.title,
                    pickup=self.pickup if start_bar == 0 else 0, ranges=dict(self.ranges))
        for v in Voice:
            out._notes[v] = [Note(max(n.start, s) - s, min(n.end, e) - max(n.start, s), n.pitch)
                             for n in self.notes_between(v, s, e)]
        out.locks = {(v, b - start_bar) for v, b in self.locks if start_bar <= b < start_bar + bars}
        out.fermatas = {f - s for f in self.fermatas if s <= f < e}
        out.plan = {f - s: chord for f, chord in self.plan.items() if s <= f < e}
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Score):
            return NotImplemented
        return (self.bars, self.meter, self.key, float(self.tempo), self.title, self.pickup, self.ranges,
                self.locks, self.fermatas, self.plan, self._notes) == (
                    other.bars, other.meter, other.key, float(other.tempo), other.title, other.pickup, other.ranges,
                    other.locks, other.fermatas, other.plan, other._notes)

    def same_music(self, other: "Score") -> bool:
        """True when both scores have the same bars, meter and notes (ignores key, tempo, locks)."""
        return (self.bars, self.meter, self._notes) == (other.bars, other.meter, other._notes)

    # ---- plain-data form (for project files and copies across threads) ---------------------
    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "bars": self.bars,
            "meter": str(self.meter),
            "key": {"fifths": self.key.fifths, "mode": self.key.mode},
            "tempo": self.tempo,
            "pickup": self.pickup,
            "ranges": {v.short: list(self.ranges[v]) for v in Voice},
            "voices": {v.short: [[n.start, n.length, n.pitch] for n in self._notes[v]] for v in Voice},
            "locks": sorted([v.short, b] for v, b in self.locks),
            "fermatas": sorted(self.fermatas),
            **({"plan": [{"step": step, "key": {"fifths": k.fifths, "mode": k.mode}, "figure": figure}
                         for step, (k, figure) in sorted(self.plan.items())]} if self.plan else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Score":
        """Build a score from ``to_dict`` output; any malformed part raises ScoreError."""
        try:
            key = data.get("key", {}) or {}
            score = cls(
                bars=int(data["bars"]),
                meter=Meter.parse(data.get("meter", "4/4")),
                key=Key(int(key.get("fifths", 0)), str(key.get("mode", "major"))),
                tempo=float(data.get("tempo", 90.0)),
                title=str(data.get("title", "")),
                pickup=int(data.get("pickup", 0)),
                ranges={Voice.parse(k): (int(lo), int(hi)) for k, (lo, hi) in (data.get("ranges") or {}).items()},
            )
            for k, notes in (data.get("voices") or {}).items():
                v = Voice.parse(k)
                score.set_notes(v, [Note(int(s), int(l), int(p)) for s, l, p in notes])
            score.set_locked([(Voice.parse(v), int(b)) for v, b in data.get("locks", [])])
            for step in data.get("fermatas") or []:
                score.set_fermata(int(step))
            for chord in data.get("plan") or []:
                step = int(chord["step"])
                score._check_step(step)
                score.plan[step] = (Key(int(chord["key"]["fifths"]), str(chord["key"]["mode"])), str(chord["figure"]))
        except ScoreError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ScoreError(f"the score data is malformed ({type(exc).__name__}: {exc})") from None
        return score
