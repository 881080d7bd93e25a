"""Words → Score, repairing foreign text where the fix is unambiguous and rejecting it otherwise.

Time restarts at every BAR_START (bar index × bar length), so a bar that is too long is
cut and a bar that is too short is padded with rest instead of shifting later bars.
Every repair is reported; with ``repair=False`` the first one raises TokenError.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..errors import TokenError
from ..score import Key, Meter, Note, Score, ScoreError, Voice
from . import vocab as V

_KNOWN = set(V.EXTENDED_WORDS) - set(V.SPECIALS)


@dataclass
class DecodedPiece:
    score: Score
    order: list[Voice]
    style: str | None = None
    placeholders: list[tuple[Voice, int]] = field(default_factory=list)
    fills: list[list[Note]] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, words: Sequence[str], repair: bool):
        self.words = list(words)
        self.i = 0
        self.repair = repair
        self.repairs: list[str] = []

    def peek(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def take(self) -> str:
        w = self.words[self.i]
        self.i += 1
        return w

    def expect(self, word: str, where: str) -> None:
        got = self.peek()
        if got != word:
            self.fail(f"expected {word} {where}, found {got or 'the end of the text'}")
        self.i += 1

    def fail(self, message: str) -> None:
        raise TokenError(f"word {self.i + 1}: {message}")

    def fix(self, message: str) -> None:
        if not self.repair:
            self.fail(message)
        self.repairs.append(message)


def _bar_notes(r: _Reader, spb: int, offset: int, voice: Voice | None, where: str, end_word: str) -> list[Note]:
    """Read events up to ``end_word``; returns notes placed at ``offset``."""
    notes: list[Note] = []
    t = 0
    open_: tuple[int, int] | None = None

    def close(at: int) -> None:
        nonlocal open_
        p, s = open_
        open_ = None
        at = min(at, spb)
        if at > s:
            notes.append(Note(start=offset + s, length=at - s, pitch=p))
        else:
            r.fix(f"a NOTE_ON={p} of no length in {where} was dropped")

    while True:
        w = r.peek()
        if w is None:
            r.fail(f"the text ends inside {where}")
        if w == end_word:
            r.take()
            break
        if w in (V.BAR_START, V.TRACK_START, V.TRACK_END, V.FILL_START, V.FILL_END, V.BAR_END):
            r.fail(f"{w} inside {where}, expected {end_word}")
        if w not in _KNOWN:
            r.fail(f"{w!r} is not a word of the chorale language")
        r.take()
        value = V.word_value(w)
        if w.startswith("TIME_DELTA="):
            t += value
        elif w.startswith("NOTE_ON="):
            if open_ is not None:
                r.fix(f"NOTE_ON={value} while NOTE_ON={open_[0]} still sounds in {where}: the first note ends there")
                close(t)
            if t >= spb:
                r.fix(f"NOTE_ON={value} after the end of {where} was dropped")
                continue
            open_ = (value, t)
        elif w.startswith("NOTE_OFF="):
            if open_ is None:
                r.fix(f"NOTE_OFF={value} without a NOTE_ON in {where} was dropped")
            else:
                if open_[0] != value:
                    r.fix(f"NOTE_OFF={value} closes NOTE_ON={open_[0]} in {where}")
                close(t)
        else:
            r.fail(f"{w} cannot stand inside {where}")
    if open_ is not None:
        r.fix(f"NOTE_ON={open_[0]} in {where} was never closed: it ends at the barline")
        close(t)
    if t > spb:
        r.fix(f"{where} holds {t} steps; cut to {spb}")
    elif t < spb:
        r.fix(f"{where} holds {t} steps; the rest of the bar is silent")
    return notes


def decode_words(words: Sequence[str], *, meter: Meter | None = None, key: Key | None = None,
                 repair: bool = True) -> DecodedPiece:
    """Parse a piece (header, four tracks, optional fill sections) into a Score."""
    r = _Reader(words, repair)
    if not r.words:
        raise TokenError("the text is empty")
    r.expect(V.PIECE_START, "at the start of the text")
    style = None
    fifths = mode = None
    while r.peek() not in (V.TRACK_START, None):
        w = r.take()
        if w.startswith("STYLE="):
            style = w.split("=", 1)[1]
        elif w.startswith("GENRE="):
            pass
        elif w.startswith("METER="):
            meter = Meter.parse(w.split("=", 1)[1])
        elif w.startswith("KEY=") and w in _KNOWN:
            fifths = V.word_value(w)
        elif w in V.MODE_WORDS:
            mode = w.split("=", 1)[1].lower()
        else:
            r.i -= 1
            r.fail(f"{w!r} cannot stand in the header")
    if fifths is not None:
        key = Key(fifths, mode or "major")
    # First pass over the tracks to learn the bar length when the text does not say it.
    raw_tracks: list[tuple[Voice, list[tuple[int, int]]]] = []
    order: list[Voice] = []
    while r.peek() == V.TRACK_START:
        r.take()
        inst = r.peek()
        if inst is None or not inst.startswith("INST=") or V.word_value(inst) not in V.VOICE_OF_INST:
            r.fail(f"expected INST=0, INST=48, INST=24 or INST=32 after TRACK_START, found {inst or 'the end'}")
        voice = V.VOICE_OF_INST[V.word_value(r.take())]
        if voice in order:
            r.fail(f"{inst} appears twice: each voice has exactly one track")
        order.append(voice)
        bars: list[tuple[int, int]] = []  # (start word index, end word index) of each bar's events
        while r.peek() == V.BAR_START:
            r.take()
            s = r.i
            while r.peek() not in (V.BAR_END, None, V.TRACK_END, V.BAR_START, V.TRACK_START):
                r.take()
            bars.append((s, r.i))
            r.expect(V.BAR_END, f"to close bar {len(bars)} of the {voice.label.lower()}")
        r.expect(V.TRACK_END, f"after the bars of the {voice.label.lower()}")
        raw_tracks.append((voice, bars))
    if len(raw_tracks) != 4:
        r.fail(f"the text has {len(raw_tracks)} tracks; a chorale has exactly four (S, A, T, B)")
    fill_start = r.i
    if meter is None:
        sums = [sum(V.word_value(w) for w in r.words[s:e] if w.startswith("TIME_DELTA="))
                for _, bars in raw_tracks for s, e in bars if r.words[s:e] != [V.FILL_PLACEHOLDER]]
        meter = Meter(3, 4) if sums and all(x == 12 for x in sums) else Meter(4, 4)
    spb = meter.steps_per_bar
    nbars = max(len(b) for _, b in raw_tracks)
    if nbars == 0:
        r.fail("the tracks hold no bars")
    if any(len(b) != nbars for _, b in raw_tracks):
        r.fix("the tracks have different numbers of bars; shorter ones are padded with silent bars")
    try:
        score = Score(bars=nbars, meter=meter, key=key or Key())
    except ScoreError as exc:
        raise TokenError(str(exc)) from None
    placeholders: list[tuple[Voice, int]] = []
    for voice, bars in raw_tracks:
        notes: list[Note] = []
        for b, (s, e) in enumerate(bars):
            if r.words[s:e] == [V.FILL_PLACEHOLDER]:
                placeholders.append((voice, b))
                continue
            r.i = s  # the first pass checked that words[e] is this bar's BAR_END
            notes += _bar_notes(r, spb, b * spb, voice, f"bar {b + 1} of the {voice.label.lower()}", V.BAR_END)
        score.set_notes(voice, notes)
    r.i = fill_start
    fills: list[list[Note]] = []
    while r.peek() == V.FILL_START and len(fills) < len(placeholders):
        r.take()
        voice, b = placeholders[len(fills)]
        fills.append(_bar_notes(r, spb, b * spb, voice, f"fill section {len(fills) + 1}", V.FILL_END))
    if r.peek() is not None:
        r.fail(f"{r.peek()} after the end of the piece")
    if fills:
        score.replace_cells(placeholders[:len(fills)],
                            {cell: notes for cell, notes in zip(placeholders, fills)})
    return DecodedPiece(score=score, order=order, style=style, placeholders=placeholders, fills=fills,
                        repairs=r.repairs)


def decode_text(text: str, **kwargs) -> DecodedPiece:
    return decode_words(text.split(), **kwargs)
