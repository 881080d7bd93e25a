"""`chorale-studio render IN -o OUT.wav [--soundfont SF2] [--sample-rate N]`: a piece to a WAV file."""
from __future__ import annotations

import argparse
import sys
import time

from ..errors import ChoraleError
from .render import render_wav
from .schedule import step_seconds
from .soundfonts import require_soundfont
from .synth import load_fluidsynth


def render(args: argparse.Namespace) -> int:
    if not str(args.output).lower().endswith(".wav"):
        raise ChoraleError(f"the output {args.output} must be a .wav file")
    # What is missing on this machine is reported before the piece is read.
    soundfont = require_soundfont(args.soundfont)
    load_fluidsynth()
    from ..io.files import load_any

    score = load_any(args.input).score
    began = time.perf_counter()
    path = render_wav(score, args.output, soundfont=soundfont, sample_rate=args.sample_rate)
    seconds = step_seconds(score.total_steps, score.tempo)
    print(f"wrote {path} ({seconds:.1f} s of music with {soundfont.name}, "
          f"rendered in {time.perf_counter() - began:.1f} s)", file=sys.stderr)
    return 0
