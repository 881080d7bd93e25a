"""Score → words: 4-bar windows in the seed's form, whole pieces, and MMM fill prompts.

Notes held across a barline are cut at the barline (NOTE_OFF at the bar end, a new NOTE_ON
at the start of the next bar), as the seed does.  Decoding keeps the two halves as two notes;
see docs/tokens.md for why ties are not re-joined automatically.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..errors import TokenError
from ..score import VOICES, Key, Meter, Note, Score, Voice
from . import vocab as V

Cell = tuple[Voice, int]


@dataclass(frozen=True)
class Header:
    """The words before the first track.  The seed's header is style JSFAKES with nothing else."""

    style: str = "JSFAKES"
    meter: Meter | None = None
    key: Key | None = None

    def words(self) -> list[str]:
        if self.style not in V.STYLES:
            raise TokenError(f"unknown style {self.style!r} (use {' or '.join(V.STYLES)})")
        out = [V.PIECE_START, f"STYLE={self.style}", f"GENRE={self.style}"]
        if self.meter is not None:
            out.append(f"METER={self.meter}")
        if self.key is not None:
            out += [f"KEY={self.key.fifths}", f"MODE={self.key.mode.upper()}"]
        return out

    @classmethod
    def for_score(cls, score: Score, style: str = "JSFAKES") -> "Header":
        return cls(style=style, meter=score.meter, key=score.key)


SEED_HEADER = Header()


def bar_words(notes: Iterable[Note], bar_start: int, steps_per_bar: int, steps: Sequence[int],
              voice: Voice | None = None) -> list[str]:
    """The events of one bar: notes must already lie inside [bar_start, bar_start + steps_per_bar)."""
    out: list[str] = []
    t = bar_start
    for n in sorted(notes):
        if not V.PITCH_LO <= n.pitch <= V.PITCH_HI:
            who = f" of the {voice.label.lower()}" if voice is not None else ""
            raise TokenError(f"pitch {n.pitch}{who} at step {n.start} is outside the language's range "
                             f"{V.PITCH_LO}–{V.PITCH_HI}")
        if n.start > t:
            out += [V.time_delta(d) for d in V.split_steps(n.start - t, tuple(steps))]
        out.append(V.note_on(n.pitch))
        out += [V.time_delta(d) for d in V.split_steps(n.length, tuple(steps))]
        out.append(V.note_off(n.pitch))
        t = n.end
    end = bar_start + steps_per_bar
    if end > t:
        out += [V.time_delta(d) for d in V.split_steps(end - t, tuple(steps))]
    return out


def encode_window(score: Score, start_bar: int = 0, bars: int = 4, order: Sequence[Voice] = VOICES, *,
                  header: Header | None = SEED_HEADER, steps: Sequence[int] = V.SEED_STEPS,
                  fill_cells: Iterable[Cell] = (), with_fills: bool = True) -> list[str]:
    """The words of bars ``start_bar`` … ``start_bar + bars - 1`` with tracks in ``order``.

    ``fill_cells`` (absolute (voice, bar) cells inside the window) are written as
    placeholders; with ``with_fills`` their content follows as FILL_START … FILL_END sections
    in text order (a training example), otherwise the text stops after the last TRACK_END
    (a prompt).  ``header=None`` leaves the header out.
    """
    if len(set(order)) != 4 or len(order) != 4:
        raise TokenError(f"a voice order names each of S, A, T, B once, not {[v.short for v in order]}")
    if start_bar < 0 or bars < 1 or start_bar + bars > score.bars:
        raise TokenError(f"bars {start_bar}:{start_bar + bars} are outside the piece's {score.bars} bars")
    spb = score.steps_per_bar
    fills = set(fill_cells)
    out = header.words() if header is not None else []
    sections: list[list[str]] = []
    for v in order:
        out += [V.TRACK_START, f"INST={V.INST_OF_VOICE[v]}"]
        for b in range(start_bar, start_bar + bars):
            events = bar_words(score.notes_in_cell(v, b), b * spb, spb, steps, v)
            if (v, b) in fills:
                out += [V.BAR_START, V.FILL_PLACEHOLDER, V.BAR_END]
                sections.append([V.FILL_START, *events, V.FILL_END])
            else:
                out += [V.BAR_START, *events, V.BAR_END]
        out.append(V.TRACK_END)
    if with_fills:
        for s in sections:
            out += s
    return out


def encode_seed_window(score: Score, start_bar: int = 0, order: Sequence[Voice] = VOICES) -> list[str]:
    """A 4-bar window exactly as the seed model reads it."""
    return encode_window(score, start_bar, 4, order)


def encode_score_text(score: Score, style: str = "JSFAKES") -> str:
    """The whole piece as one text (all bars per track), with meter and key words."""
    return " ".join(encode_window(score, 0, score.bars, VOICES, header=Header.for_score(score, style),
                                  steps=V.ALL_STEPS))
