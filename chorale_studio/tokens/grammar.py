"""The grammar automaton: given a prefix, which words may come next.

It knows the whole language — the header, four tracks with distinct INST words, bars whose
TIME_DELTAs add up to exactly one bar, monophonic NOTE_ON … NOTE_OFF pairs, pitches inside
each voice's range, an optional required track order, and the MMM fill sections — so a
sampler that only draws allowed words always produces a well-formed piece.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..errors import TokenError
from ..score import Voice
from . import vocab as V


@dataclass(frozen=True)
class GrammarConfig:
    """What a text must look like.  ``None`` fields mean "whatever the text says"."""

    steps_per_bar: int = 16
    bars: int | None = 4
    steps: tuple[int, ...] = V.SEED_STEPS
    #: (lowest, highest) pitch per voice in S, A, T, B order; see ``ranges_of``.
    ranges: tuple[tuple[int, int], ...] | None = None
    order: tuple[Voice, ...] | None = None
    header: tuple[str, ...] | None = None
    allow_fill: bool = False
    vocab: frozenset[str] | None = None

    def pitch_bounds(self, voice: Voice) -> tuple[int, int]:
        lo, hi = self.ranges[voice] if self.ranges else (V.PITCH_LO, V.PITCH_HI)
        return max(lo, V.PITCH_LO), min(hi, V.PITCH_HI)


def ranges_of(ranges: Mapping[Voice, tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """A score's ``ranges`` dict in the hashable form GrammarConfig keeps."""
    return tuple(tuple(ranges[v]) for v in Voice)


# Phases of the automaton.
HEADER, TRACK_OR_END, INST, BAR_OR_TRACK_END, BAR, PLACEHOLDER_END, FILL_OR_END, DONE = range(8)


@dataclass
class GrammarState:
    """Where a text stands in the grammar.  Mutable; ``copy()`` before branching."""

    config: GrammarConfig
    phase: int = HEADER
    header: list[str] = field(default_factory=list)
    tracks: list[Voice] = field(default_factory=list)
    bars_done: int = 0          # bars finished in the current track
    track_bars: int | None = None
    used: int = 0               # steps written in the current bar
    open_pitch: int | None = None
    open_timed: bool = False    # a TIME_DELTA followed the open NOTE_ON
    bar_words: int = 0
    in_fill: bool = False
    placeholders: list[tuple[Voice, int]] = field(default_factory=list)
    fills_done: int = 0

    def __post_init__(self) -> None:
        if self.track_bars is None:
            self.track_bars = self.config.bars

    def copy(self) -> "GrammarState":
        c = GrammarState.__new__(GrammarState)
        c.__dict__.update(self.__dict__)
        c.header = list(self.header)
        c.tracks = list(self.tracks)
        c.placeholders = list(self.placeholders)
        return c

    # ---- where we are (used by the sampler's voice-leading rules) -------------------------
    @property
    def done(self) -> bool:
        return self.phase == DONE

    @property
    def voice(self) -> Voice | None:
        """The voice whose events are being written now."""
        if self.in_fill:
            return self.placeholders[self.fills_done][0]
        return self.tracks[-1] if self.tracks and self.phase in (BAR, BAR_OR_TRACK_END, PLACEHOLDER_END) else None

    @property
    def bar(self) -> int:
        """Window-relative bar of the events being written now."""
        return self.placeholders[self.fills_done][1] if self.in_fill else self.bars_done

    @property
    def step(self) -> int:
        """Window-relative step where the next event happens."""
        return self.bar * self.config.steps_per_bar + self.used

    # ---- the automaton ---------------------------------------------------------------------
    def key(self) -> tuple:
        """Everything that decides ``allowed()`` — for caching masks."""
        if self.phase == BAR:
            return (BAR, self.voice, self.used, self.open_pitch, self.open_timed, self.bar_words == 0,
                    self.in_fill)
        if self.phase == HEADER:
            return (HEADER, tuple(self.header))
        if self.phase == INST:
            return (INST, tuple(self.tracks))
        if self.phase == BAR_OR_TRACK_END:
            return (BAR_OR_TRACK_END, self.bars_done == self.track_bars, self.track_bars is None,
                    self.bars_done > 0)
        return (self.phase, len(self.tracks) == 4, len(self.placeholders) > self.fills_done)

    def allowed(self) -> frozenset[str]:
        cache = _CACHE.get(self.config)
        if cache is None:
            if len(_CACHE) >= _CACHE_CONFIGS:   # configs follow each window's ranges and order: keep a few
                _CACHE.clear()
            cache = _CACHE[self.config] = {}
        k = self.key()
        words = cache.get(k)
        if words is None:
            words = frozenset(self._allowed())
            if self.config.vocab is not None:
                words &= self.config.vocab
            cache[k] = words
        return words

    def _allowed(self) -> Iterable[str]:
        c = self.config
        if self.phase == HEADER:
            return self._allowed_header()
        if self.phase == TRACK_OR_END:
            if len(self.tracks) < 4:
                return [V.TRACK_START]
            return [V.FILL_START] if self.placeholders else []
        if self.phase == INST:
            if c.order is not None:
                return [f"INST={V.INST_OF_VOICE[c.order[len(self.tracks)]]}"]
            return [f"INST={V.INST_OF_VOICE[v]}" for v in Voice if v not in self.tracks]
        if self.phase == BAR_OR_TRACK_END:
            if self.track_bars is None:
                return [V.BAR_START, V.TRACK_END] if self.bars_done else [V.BAR_START]
            return [V.TRACK_END] if self.bars_done == self.track_bars else [V.BAR_START]
        if self.phase == PLACEHOLDER_END:
            return [V.BAR_END]
        if self.phase == FILL_OR_END:
            return [V.FILL_START] if self.fills_done < len(self.placeholders) else []
        if self.phase == BAR:
            return self._allowed_in_bar()
        return []

    def _allowed_header(self) -> list[str]:
        c, h = self.config, self.header
        if c.header is not None:
            return [c.header[len(h)]] if len(h) < len(c.header) else [V.TRACK_START]
        if not h:
            return [V.PIECE_START]
        if len(h) == 1:
            return [f"STYLE={s}" for s in V.STYLES]
        if len(h) == 2:
            return [f"GENRE={h[1].split('=')[1]}"]
        last = h[-1]
        if last.startswith("KEY="):
            return list(V.MODE_WORDS)
        out = [V.TRACK_START]
        if not any(w.startswith("METER=") or w.startswith("KEY=") for w in h[3:]):
            out += V.METER_WORDS
        if not any(w.startswith("KEY=") for w in h[3:]):
            out += V.KEY_WORDS
        return out

    def _allowed_in_bar(self) -> list[str]:
        c = self.config
        spb = c.steps_per_bar
        out = [V.time_delta(d) for d in c.steps if self.used + d <= spb]
        if self.open_pitch is not None:
            if self.open_timed:
                out.append(V.note_off(self.open_pitch))
            return out
        if self.used < spb:
            lo, hi = c.pitch_bounds(self.voice)
            out += [V.note_on(p) for p in range(lo, hi + 1)]
        if self.used == spb:
            out.append(V.FILL_END if self.in_fill else V.BAR_END)
        if c.allow_fill and not self.in_fill and self.bar_words == 0:
            out.append(V.FILL_PLACEHOLDER)
        return out

    def advance(self, word: str) -> "GrammarState":
        """Take ``word`` (in place) and return self; a word not allowed here raises TokenError."""
        if word not in self.allowed():
            raise TokenError(f"{word!r} is not allowed here ({self.describe()})")
        self._take(word)
        return self

    def force(self, word: str) -> "GrammarState":
        """Take ``word`` without checking it: music the user wrote (context, a locked cell) may leave
        its voice's range, and a generator must still read past it."""
        self._take(word)
        return self

    def _take(self, word: str) -> None:
        p = self.phase
        if p == HEADER:
            if word == V.TRACK_START:
                self.phase = INST
            else:
                self.header.append(word)
        elif p == TRACK_OR_END:
            if word == V.TRACK_START:
                self.phase = INST
            else:  # FILL_START
                self.in_fill, self.phase, self.used, self.bar_words = True, BAR, 0, 0
        elif p == INST:
            self.tracks.append(V.VOICE_OF_INST[V.word_value(word)])
            self.bars_done, self.phase = 0, BAR_OR_TRACK_END
        elif p == BAR_OR_TRACK_END:
            if word == V.BAR_START:
                self.phase, self.used, self.bar_words = BAR, 0, 0
                self.open_pitch, self.open_timed = None, False
            else:  # TRACK_END
                if self.track_bars is None:
                    self.track_bars = self.bars_done
                self.phase = TRACK_OR_END
        elif p == PLACEHOLDER_END:
            self.bars_done += 1
            self.phase = BAR_OR_TRACK_END
        elif p == FILL_OR_END:
            self.in_fill, self.phase, self.used, self.bar_words = True, BAR, 0, 0
            self.open_pitch, self.open_timed = None, False
        elif p == BAR:
            self.bar_words += 1
            if word.startswith("TIME_DELTA="):
                self.used += V.word_value(word)
                self.open_timed = self.open_timed or self.open_pitch is not None
            elif word.startswith("NOTE_ON="):
                self.open_pitch, self.open_timed = V.word_value(word), False
            elif word.startswith("NOTE_OFF="):
                self.open_pitch, self.open_timed = None, False
            elif word == V.FILL_PLACEHOLDER:
                self.placeholders.append((self.tracks[-1], self.bars_done))
                self.phase = PLACEHOLDER_END
            elif word == V.BAR_END:
                self.bars_done += 1
                self.phase = BAR_OR_TRACK_END
            elif word == V.FILL_END:
                self.fills_done += 1
                self.in_fill = False
                self.phase = FILL_OR_END
        if self.phase in (TRACK_OR_END, FILL_OR_END) and not self._allowed():
            self.phase = DONE

    def describe(self) -> str:
        names = {HEADER: "in the header", TRACK_OR_END: "between tracks", INST: "after TRACK_START",
                 BAR_OR_TRACK_END: "between bars", BAR: "inside a bar", PLACEHOLDER_END: "after FILL_PLACEHOLDER",
                 FILL_OR_END: "between fill sections", DONE: "after the end of the piece"}
        where = names[self.phase]
        if self.phase == BAR and self.voice is not None:
            where += f" of the {self.voice.label.lower()}, bar {self.bar + 1}, step {self.used}"
        return where


_CACHE: dict[GrammarConfig, dict[tuple, frozenset[str]]] = {}
_CACHE_CONFIGS = 64


def start(config: GrammarConfig | None = None) -> GrammarState:
    return GrammarState(config or GrammarConfig())


def accepts(words: Iterable[str], config: GrammarConfig | None = None) -> bool:
    """True when ``words`` is a complete piece under ``config``."""
    return check(words, config) is None


def check(words: Iterable[str], config: GrammarConfig | None = None) -> str | None:
    """None for a complete, well-formed piece; otherwise a message naming the word and position."""
    state = start(config)
    for i, w in enumerate(words):
        try:
            state.advance(w)
        except TokenError as exc:
            return f"word {i + 1}: {exc}"
    return None if state.done else f"the text stops early ({state.describe()})"
