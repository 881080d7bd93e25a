"""`chorale-studio convert IN OUT`: read a piece in one format and write it in another."""
from __future__ import annotations

import argparse
import sys

from ..score import edits
from .files import load_input, save_any


def convert(args: argparse.Namespace) -> int:
    """Convert by extension; what the import adjusted is listed on stderr once the output is saved."""
    result = load_input(args)
    if getattr(args, "transpose", 0):
        result.score = edits.transposed(result.score, args.transpose)
        out = len(edits.out_of_range(result.score))
        if out:
            print(f"{args.input}: {out} note(s) now lie outside their voice's range", file=sys.stderr)
    save_any(result.score, args.output, numerals=_numerals(result.score, args.output))
    for message in [*result.messages, *result.remarks]:
        print(f"{args.input}: {message}", file=sys.stderr)
    score = result.score
    print(f"wrote {args.output}: {score.bars} bars of {score.meter}, {score.note_count()} notes")
    return 0


def _numerals(score, output: str) -> list:
    """The harmony analysis a MusicXML export writes as Roman numerals (other formats keep none)."""
    from .musicxml import MUSICXML_SUFFIXES
    if not output.lower().endswith(MUSICXML_SUFFIXES):
        return []
    # The command line is the program's edge: it may reach up to the analysis, as the window does.
    from ..analysis.harmony import harmony
    return harmony(score).chords
