"""What a composer asks the generator for, and what comes back: immutable values, no Qt, no torch.

A request holds a snapshot of the score (later edits in the window do not reach a running
generation), the cells to write, and the sampling settings.  Locked cells are never targets:
``targets()`` leaves them out, and asking only for locked cells is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..errors import ChoraleError
from ..score import Cell, Key, Meter, Note, Score, Voice
from ..tokens.vocab import STYLES
from .cadence import phrase_plan


class GenerationError(ChoraleError):
    """A request the model cannot answer (bad settings, nothing to write, a meter it does not know)."""


class GenerationCancelled(ChoraleError):
    """The composer cancelled; nothing was changed."""

    def __init__(self, message: str = "generation cancelled; nothing was changed"):
        super().__init__(message)


#: The values each sampling setting may take; the window's controls offer the same ranges.
TEMPERATURE_RANGE = (0.05, 5.0)
TOP_P_RANGE = (0.0, 1.0)        # above the first, at most the second
CANDIDATES_RANGE = (1, 16)


@dataclass(frozen=True)
class Sampling:
    """How to draw words: temperature, top-k (0: off), top-p (1: off), seed, candidates, strict rules, style,
    and whether to skip the revision pass (quick)."""

    # 0.8: at 1.0 the shipped model's chords drift from the corpus (more minor and seventh chords; chord-type
    # distance 0.16–0.20 against 0.09–0.11 at 0.8, benchmarks/quality.py), with no loss of rhythm or register.
    temperature: float = 0.8
    top_k: int = 0
    top_p: float = 0.95
    seed: int = 0
    candidates: int = 1
    strict: bool = True
    style: str = "JSFAKES"
    quick: bool = False      # the draft only: no revision pass (about half the time)

    def __post_init__(self) -> None:
        lo, hi = TEMPERATURE_RANGE
        if not lo <= float(self.temperature) <= hi:
            raise GenerationError(f"temperature {self.temperature} must be between {lo:g} and {hi:g}")
        lo, hi = TOP_P_RANGE
        if not lo < float(self.top_p) <= hi:
            raise GenerationError(f"top-p {self.top_p} must be above {lo:g} and at most {hi:g}")
        if not isinstance(self.top_k, int) or self.top_k < 0:
            raise GenerationError(f"top-k {self.top_k!r} must be 0 (off) or a positive number of words")
        lo, hi = CANDIDATES_RANGE
        if not isinstance(self.candidates, int) or not lo <= self.candidates <= hi:
            raise GenerationError(f"{self.candidates!r} candidates: ask for {lo} to {hi}")
        style = str(self.style).upper()
        if style not in STYLES:
            raise GenerationError(f"unknown style {self.style!r} (use {' or '.join(s.lower() for s in STYLES)})")
        object.__setattr__(self, "style", style)


def _snapshot(request, score: Score) -> None:
    object.__setattr__(request, "score", score.copy())


def _check_bars(score: Score, bars: Iterable[int]) -> None:
    for b in bars:
        if not 0 <= b < score.bars:
            raise GenerationError(f"bar {b + 1} is outside the piece (bars 1–{score.bars})")


def _ended(score: Score, cadence: bool) -> Score:
    """``score``, with its last chord marked as the phrase end (a fermata) when it is to end with a cadence: the
    continuation ends a phrase."""
    if cadence:
        score.set_fermata(score.bar_span(score.bars - 1)[0])   # the final chord fills the last bar
    return score


def _unlocked(score: Score, cells: Iterable[Cell]) -> frozenset[Cell]:
    cells = frozenset((Voice(v), b) for v, b in cells)
    targets = frozenset(c for c in cells if c not in score.locks)
    if not targets:
        raise GenerationError("nothing to write: every selected cell is locked" if cells
                              else "nothing to write: no cells are selected")
    return targets


@dataclass(frozen=True)
class NewRequest:
    """A new chorale of ``bars`` bars (at least 4), written window by window."""

    bars: int = 8
    meter: Meter = field(default_factory=Meter)
    key: Key = field(default_factory=Key)
    tempo: float = 90.0
    sampling: Sampling = field(default_factory=Sampling)
    cadence: bool = False    # phrase ends by plan, and end on the tonic in root position after the dominant

    def __post_init__(self) -> None:
        if not isinstance(self.bars, int) or not 4 <= self.bars <= Score.MAX_BARS:
            raise GenerationError(f"a new chorale has at least 4 bars, not {self.bars!r}")

    def base(self) -> Score:
        score = Score(bars=self.bars, meter=self.meter, key=self.key, tempo=self.tempo)
        if self.cadence:   # a phrase plan, ending on the last chord: the composer sees (and may move) its fermatas
            score.fermatas = set(phrase_plan(score.meter, score.bars))
        return score

    def targets(self, base: Score) -> frozenset[Cell]:
        return frozenset((v, b) for v in Voice for b in range(base.bars))


@dataclass(frozen=True)
class ContinueRequest:
    """``bars`` more bars after the last, conditioned on the music before (at least 4 bars of it)."""

    score: Score
    bars: int = 4
    sampling: Sampling = field(default_factory=Sampling)
    cadence: bool = False    # end on the tonic in root position, after the dominant

    def __post_init__(self) -> None:
        _snapshot(self, self.score)
        if self.score.bars < 4:
            raise GenerationError(f"continuing needs at least 4 bars to listen to; the piece has {self.score.bars}")
        if not isinstance(self.bars, int) or not 1 <= self.bars or self.score.bars + self.bars > Score.MAX_BARS:
            raise GenerationError(f"cannot add {self.bars!r} bars")

    def base(self) -> Score:
        out = self.score.copy()
        out.insert_bars(out.bars, self.bars)
        return _ended(out, self.cadence)

    def targets(self, base: Score) -> frozenset[Cell]:
        return frozenset((v, b) for v in Voice for b in range(self.score.bars, base.bars))


@dataclass(frozen=True)
class FillRequest:
    """Rewrite any set of (voice, bar) cells, listening to the music on both sides."""

    score: Score
    cells: frozenset[Cell]
    sampling: Sampling = field(default_factory=Sampling)

    def __post_init__(self) -> None:
        _snapshot(self, self.score)
        object.__setattr__(self, "cells", frozenset((Voice(v), b) for v, b in self.cells))
        _check_bars(self.score, (b for _, b in self.cells))
        _unlocked(self.score, self.cells)

    def base(self) -> Score:
        return self.score.copy()

    def targets(self, base: Score) -> frozenset[Cell]:
        return _unlocked(base, self.cells)


@dataclass(frozen=True)
class HarmonizeRequest:
    """Write ``voices`` over bars ``start`` … ``end - 1`` to go with the voices already there."""

    score: Score
    voices: tuple[Voice, ...]
    start: int = 0
    end: int | None = None
    sampling: Sampling = field(default_factory=Sampling)

    def __post_init__(self) -> None:
        _snapshot(self, self.score)
        voices = tuple(sorted({Voice(v) for v in self.voices}))
        if not voices:
            raise GenerationError("name the voices to write (e.g. A,T,B)")
        object.__setattr__(self, "voices", voices)
        end = self.score.bars if self.end is None else self.end
        if not 0 <= self.start < end <= self.score.bars:
            raise GenerationError(f"bars {self.start + 1}–{end} are outside the piece (bars 1–{self.score.bars})")
        object.__setattr__(self, "end", end)
        _unlocked(self.score, self._cells())

    def _cells(self) -> set[Cell]:
        return {(v, b) for v in self.voices for b in range(self.start, self.end)}

    def base(self) -> Score:
        return self.score.copy()

    def targets(self, base: Score) -> frozenset[Cell]:
        return _unlocked(base, self._cells())


Request = NewRequest | ContinueRequest | FillRequest | HarmonizeRequest


@dataclass(frozen=True)
class Progress:
    """Words sampled so far out of about how many, and the notes of the first candidate written so far."""

    words: int
    expected: int
    notes: tuple[tuple[Voice, Note], ...] = ()


@dataclass(frozen=True)
class Candidate:
    """One answer: the whole piece with the change applied, the cells it wrote and how it sounds."""

    score: Score
    cells: frozenset[Cell]
    vl_score: float          # badness as a musician hears it (analysis.judge): lower is better
    relaxed_notes: int       # notes for which the strict rules had to be relaxed
    flaws: str = ""          # what makes up the badness, in words: "2 incomplete chords, 1 parallel fifth"


@dataclass(frozen=True)
class GenerationResult:
    candidates: tuple[Candidate, ...]   # best first
    strategy: str                       # "prefix": the voices to write placed last, then revised
    seconds: float
    words: int                          # words sampled, all candidates together
