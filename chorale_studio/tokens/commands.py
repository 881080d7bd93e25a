"""`chorale-studio tokens`: print the seed-language text of one 4-bar window of a piece."""
from __future__ import annotations

from ..errors import ChoraleError
from ..score import Voice, parse_bar_range
from .encode import encode_seed_window


def tokens(args) -> int:
    from ..io.files import load_any

    score = load_any(args.input).score
    a, b = parse_bar_range(args.bars, score.bars)
    if b - a != 4:
        raise ChoraleError(f"the seed language reads 4-bar windows; bars {a}:{b} are {b - a} bars")
    print(" ".join(encode_seed_window(score, a, Voice.parse_list(args.order))))
    return 0
