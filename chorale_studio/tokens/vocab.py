"""The words of the seed language (119) and of our extended vocabulary, a strict superset.

Seed words (js-fakes-4bars): 5 specials, 7 structure words, 4 instruments,
NOTE_ON/NOTE_OFF for pitches 36–81 and 11 TIME_DELTA values.

Our extensions (documented in docs/tokens.md):

- style: ``STYLE=BACH GENRE=BACH`` next to the seed's ``STYLE=JSFAKES GENRE=JSFAKES``;
- meter and key, right after the style words: ``METER=4/4`` or ``METER=3/4`` (a 3/4 bar is 12 steps),
  ``KEY=-7`` … ``KEY=7`` (sharps, negative for flats) and ``MODE=MAJOR`` / ``MODE=MINOR``;
- every step value 1–16 (``TIME_DELTA=5 9 11 13 15`` added);
- MMM-style infilling: ``FILL_PLACEHOLDER`` replaces a masked bar's events, and after the last
  TRACK_END one ``FILL_START … FILL_END`` section per placeholder, in text order.

Ids are never fixed here: a model's own ``tokenizer.json`` says which id each word has.
"""
from __future__ import annotations

from ..score import Voice

SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
PIECE_START = "PIECE_START"
TRACK_START, TRACK_END = "TRACK_START", "TRACK_END"
BAR_START, BAR_END = "BAR_START", "BAR_END"
STRUCTURE = [PIECE_START, "STYLE=JSFAKES", "GENRE=JSFAKES", TRACK_START, TRACK_END, BAR_START, BAR_END]

#: The seed's instrument numbers per voice (voices are identified by INST, never by channel).
INST_OF_VOICE: dict[Voice, int] = {Voice.SOPRANO: 0, Voice.ALTO: 48, Voice.TENOR: 24, Voice.BASS: 32}
VOICE_OF_INST: dict[int, Voice] = {i: v for v, i in INST_OF_VOICE.items()}
INST_WORDS = [f"INST={i}" for i in (0, 24, 32, 48)]

PITCH_LO, PITCH_HI = 36, 81
SEED_STEPS = (1, 2, 3, 4, 6, 7, 8, 10, 12, 14, 16)
ALL_STEPS = tuple(range(1, 17))

NOTE_ON_WORDS = [f"NOTE_ON={p}" for p in range(PITCH_LO, PITCH_HI + 1)]
NOTE_OFF_WORDS = [f"NOTE_OFF={p}" for p in range(PITCH_LO, PITCH_HI + 1)]

SEED_WORDS: list[str] = (SPECIALS + STRUCTURE + INST_WORDS + NOTE_ON_WORDS + NOTE_OFF_WORDS
                         + [f"TIME_DELTA={d}" for d in SEED_STEPS])

STYLES = ("JSFAKES", "BACH")
FILL_PLACEHOLDER, FILL_START, FILL_END = "FILL_PLACEHOLDER", "FILL_START", "FILL_END"
METER_WORDS = ["METER=4/4", "METER=3/4"]
KEY_WORDS = [f"KEY={n}" for n in range(-7, 8)]
MODE_WORDS = ["MODE=MAJOR", "MODE=MINOR"]

EXTENSION_WORDS: list[str] = (["STYLE=BACH", "GENRE=BACH"] + METER_WORDS + KEY_WORDS + MODE_WORDS
                              + [f"TIME_DELTA={d}" for d in ALL_STEPS if d not in SEED_STEPS]
                              + [FILL_PLACEHOLDER, FILL_START, FILL_END])
EXTENDED_WORDS: list[str] = SEED_WORDS + EXTENSION_WORDS

assert len(SEED_WORDS) == 119 and len(set(EXTENDED_WORDS)) == len(EXTENDED_WORDS)


def note_on(pitch: int) -> str:
    return f"NOTE_ON={pitch}"


def note_off(pitch: int) -> str:
    return f"NOTE_OFF={pitch}"


def time_delta(steps: int) -> str:
    return f"TIME_DELTA={steps}"


def split_steps(steps: int, allowed: tuple[int, ...]) -> list[int]:
    """Write a duration as TIME_DELTA values from ``allowed``, largest first (5 → 4 + 1 in the seed)."""
    out: list[int] = []
    rest = steps
    for d in sorted(allowed, reverse=True):
        while rest >= d:
            out.append(d)
            rest -= d
    assert rest == 0, "1 is always an allowed step"
    return out


def word_value(word: str) -> int | None:
    """The integer after '=' in words like NOTE_ON=60, TIME_DELTA=4, INST=48, KEY=-2; else None."""
    _, sep, value = word.partition("=")
    if not sep:
        return None
    try:
        return int(value)
    except ValueError:
        return None
