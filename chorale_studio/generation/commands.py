"""`chorale-studio generate`: new music, a continuation, a fill or a harmonization from the command line."""
from __future__ import annotations

import argparse
from dataclasses import asdict, fields
from pathlib import Path

from ..score import Key, Meter, Voice, parse_bar_range
from .requests import (ContinueRequest, FillRequest, GenerationError, HarmonizeRequest, NewRequest, Request,
                       Sampling)


def _bar_range(text: str | None, bars: int) -> tuple[int, int]:
    """--bars A:B, or the whole piece when it is not given."""
    return (0, bars) if text is None else parse_bar_range(text, bars)


def _request(args: argparse.Namespace, sampling: Sampling) -> Request:
    if args.mode == "new":
        try:
            bars = int(args.bars) if args.bars else 8
        except ValueError:
            raise GenerationError(f"for a new piece --bars is the number of bars, not {args.bars!r}") from None
        return NewRequest(bars=bars, key=Key.parse(args.key) if args.key else Key(),
                          meter=Meter.parse(args.meter or "4/4"), sampling=sampling, cadence=args.cadence)
    if args.key or args.meter:
        raise GenerationError(f"--key and --meter are for a new piece; --mode {args.mode} keeps the piece's own")
    if not args.input:
        raise GenerationError(f"--mode {args.mode} needs --input, the piece to work on")
    from ..io.files import load_input

    score = load_input(args).score
    if args.plan:
        score.plan = read_plan(args.plan, score)
    if args.mode == "continue":
        return ContinueRequest(score, sampling=sampling, cadence=args.cadence)
    if args.cadence:
        raise GenerationError("--cadence is for --mode new and --mode continue")
    voices = tuple(Voice.parse_list(args.voices)) if args.voices else tuple(Voice)
    start, end = _bar_range(args.bars, score.bars)
    if args.mode == "fill":
        return FillRequest(score, frozenset((v, b) for v in voices for b in range(start, end)), sampling)
    if not args.voices:
        raise GenerationError("--mode harmonize needs --voices, the voices to write (e.g. A,T,B)")
    return HarmonizeRequest(score, voices, start, end, sampling)


def read_plan(path: str, score) -> dict:
    """A RomanText file's chords as the score's chord plan (step → (key, figure))."""
    from ..errors import FileFormatError
    from ..io.common import reading
    from ..io.romantext import read_romantext

    with reading(Path(path), "RomanText file"):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise FileFormatError("it is not RomanText (not UTF-8 text)") from None
        return {c.step: (c.key, c.figure) for c in read_romantext(text, score)}


def generate(args: argparse.Namespace) -> int:
    from ..io.files import save_any
    from ..paths import default_model_dir
    from .engine import generate as run
    from .model import ChoraleModel

    sampling = Sampling(**{f.name: getattr(args, f.name) for f in fields(Sampling)})
    request = _request(args, sampling)
    model = ChoraleModel.load(Path(args.model) if args.model else default_model_dir())
    result = run(model, request)
    best = result.candidates[0]
    # The keys the window reads back as its generation settings.
    settings = {"mode": args.mode, **asdict(sampling), "style": sampling.style.lower()}
    save_any(best.score, args.output, settings=settings)
    scores = ", ".join(f"{c.vl_score:.1f}" for c in result.candidates)
    print(f"wrote {args.output}: {len(best.cells)} cells by {result.strategy} in {result.seconds:.2f} s "
          f"({result.words} words); voice-leading badness {scores}; relaxed notes {best.relaxed_notes}")
    return 0
