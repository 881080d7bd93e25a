"""`chorale-studio tokens`: print the seed-language text of one 4-bar window of a piece."""
from __future__ import annotations

from ..errors import ChoraleError
from ..score import Voice
from .encode import encode_seed_window


def parse_bar_range(text: str, bars: int) -> tuple[int, int]:
    """'A:B' (0-based, B exclusive) → (A, B), checked against the piece's ``bars``."""
    try:
        a, b = (int(p) for p in text.split(":"))
    except ValueError:
        raise ChoraleError(f"bar range {text!r} is not of the form A:B (0-based, B exclusive)") from None
    if not 0 <= a < b <= bars:
        raise ChoraleError(f"bars {a}:{b} are outside the piece's {bars} bars")
    return a, b


def tokens(args) -> int:
    from ..io.files import load_any

    score = load_any(args.input).score
    a, b = parse_bar_range(args.bars, score.bars)
    if b - a != 4:
        raise ChoraleError(f"the seed language reads 4-bar windows; bars {a}:{b} are {b - a} bars")
    print(" ".join(encode_seed_window(score, a, Voice.parse_list(args.order))))
    return 0
