"""The `chorale-studio` command: the window with no arguments, headless subcommands otherwise.

The subcommand names and options are a contract that tests, benchmarks and
scripts rely on.  Each subcommand lives in the package it belongs to and is
imported only when used, so `chorale-studio convert` never loads torch or Qt.
A user error exits with code 2 and one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Callable, Sequence

from .errors import ChoraleError

# name → (module, function, help); the function receives the parsed argparse namespace.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "convert": ("chorale_studio.io.commands", "convert", "convert between MIDI, MusicXML, .chorale and token text"),
    "tokens": ("chorale_studio.tokens.commands", "tokens", "print the seed-language text of a 4-bar window"),
    "generate": ("chorale_studio.generation.commands", "generate", "generate new music, continue, fill or harmonize"),
    "analyze": ("chorale_studio.analysis.commands", "analyze", "report voice-leading findings and rates"),
    "render": ("chorale_studio.playback.commands", "render", "render a piece to a WAV file with FluidSynth"),
    "engrave": ("chorale_studio.notation.commands", "engrave", "engrave a piece as notation (SVG or PDF) with verovio"),
    "corpus": ("chorale_studio.training.commands", "corpus", "build the training corpus text"),
    "train": ("chorale_studio.training.commands", "train", "train a GPT-2 chorale model"),
    "evaluate": ("chorale_studio.training.commands", "evaluate", "evaluate a model and print JSON figures"),
}


def _add_parts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--parts", metavar="S,A,T,B", help="of a file with more than four parts (or MIDI voices), the "
                   "numbers of those to read as soprano, alto, tenor and bass, e.g. 2,3,4,5 (1 = the top part; "
                   "by default the parts named so, else the four lowest-numbered in singing range)")


def _add_convert(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="a .mid/.midi, .musicxml/.xml/.mxl, .chorale or .txt file")
    p.add_argument("output", help="the file to write; its extension picks the format")
    p.add_argument("--transpose", type=int, default=0, metavar="SEMITONES",
                   help="move every note (and the key) by this many semitones, e.g. 5 or -2")
    _add_parts(p)


def _add_tokens(p: argparse.ArgumentParser) -> None:
    p.add_argument("input")
    p.add_argument("--bars", default="0:4", help="0-based window A:B (B exclusive, B-A = 4)")
    p.add_argument("--order", default="S,A,T,B", help="voice order, e.g. S,B,A,T")


def _add_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--input", help="the piece to work on (.chorale, MIDI, MusicXML, .txt)")
    _add_parts(p)
    p.add_argument("--mode", choices=["new", "continue", "fill", "harmonize"], default="new")
    p.add_argument("--bars", help="bar range A:B (0-based, B exclusive); for new: the number of bars")
    p.add_argument("--voices", help="voices to write, e.g. A,T,B")
    p.add_argument("--key", help='for new: the key, e.g. "D major" or "B minor" (default C major)')
    p.add_argument("--meter", choices=["4/4", "3/4"], help="for new: the meter (default 4/4)")
    p.add_argument("--cadence", action="store_true",
                   help="for new and continue: end on the tonic in root position, after the dominant")
    p.add_argument("--plan", metavar="PLAN.rntxt",
                   help="a chord plan in RomanText: the written voices sound these chords where it names them")
    p.add_argument("-o", "--output", required=True)
    _add_sampling(p)


_SAMPLING_HELP = {"strict": "mask crossings and parallel fifths/octaves against fixed voices (default)",
                  "top_k": "draw from this many most likely words (0: all)"}


def _add_sampling(p: argparse.ArgumentParser) -> None:
    """One option per field of ``generation.requests.Sampling``, with its default: a field added there
    is an option here (a bool one as --name / --no-name)."""
    from dataclasses import fields

    from .generation.requests import Sampling
    from .tokens.vocab import STYLES

    for f in fields(Sampling):
        flag, help_ = "--" + f.name.replace("_", "-"), _SAMPLING_HELP.get(f.name)
        if f.name == "style":
            p.add_argument(flag, choices=[s.lower() for s in STYLES], default=f.default.lower())
        elif isinstance(f.default, bool):
            p.add_argument(flag, dest=f.name, action="store_true", default=f.default, help=help_)
            p.add_argument("--no-" + flag[2:], dest=f.name, action="store_false")
        else:
            p.add_argument(flag, type=type(f.default), default=f.default, help=help_)


def _add_analyze(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", nargs="?", help="a piece to analyse")
    p.add_argument("--corpus", choices=["bach", "jsfakes"], help="analyse a whole corpus instead")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=0, help="analyse at most this many corpus pieces")
    p.add_argument("--roman", action="store_true",
                   help="print the harmony as Roman numerals (RomanText) instead of the voice-leading report")
    p.add_argument("--rntxt", metavar="OUT", help="with --roman: write the RomanText to this file instead")
    _add_parts(p)


def _add_render(p: argparse.ArgumentParser) -> None:
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--soundfont")
    p.add_argument("--sample-rate", type=int, default=44100)


def _add_engrave(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="a .chorale, MIDI or MusicXML file")
    p.add_argument("-o", "--output", required=True, help="OUT.svg (one page) or OUT.pdf (A4 pages)")
    _add_parts(p)
    p.add_argument("--layout", choices=["closed", "open"], default="closed",
                   help="closed score (2 staves, the chorale norm) or open score (4 staves)")


def _add_sources(p: argparse.ArgumentParser, out_help: str | None = None) -> None:
    """Where a corpus comes from and goes: shared by `corpus` and `train`."""
    p.add_argument("--out", required=True, help=out_help)
    p.add_argument("--data", action="append", help="folders of MIDI/MusicXML (repeatable)")
    p.add_argument("--no-bach", action="store_true", help="leave out music21's Bach chorales")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--limit", type=int, default=0, help="use at most this many pieces per source")


def _add_corpus(p: argparse.ArgumentParser) -> None:
    _add_sources(p, "folder for train/validation/test text")


def _add_train(p: argparse.ArgumentParser) -> None:
    _add_sources(p)
    p.add_argument("--corpus", help="a folder made by `chorale-studio corpus` (skips building)")
    p.add_argument("--max-steps", type=int, default=2000)
    p.add_argument("--max-minutes", type=float, default=0.0, help="stop after this wall time")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--init", help="start from this model folder's weights (fine-tuning); its size wins over "
                                  "--layers/--width/--heads")
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--context", type=int, default=1024)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--save-steps", type=int, default=200)


def _add_evaluate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True)
    p.add_argument("--data", help="a folder of MIDI files in the JS Fakes layout (default: the test split)")
    p.add_argument("--corpus", help="a folder made by `chorale-studio corpus`")
    p.add_argument("--samples", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "convert": _add_convert, "tokens": _add_tokens, "generate": _add_generate, "analyze": _add_analyze,
    "render": _add_render, "engrave": _add_engrave, "corpus": _add_corpus, "train": _add_train, "evaluate": _add_evaluate,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chorale-studio",
        description="Chorale Studio. With no command (or with a file) it opens the window.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, _, help_) in COMMANDS.items():
        _ARGUMENTS[name](sub.add_parser(name, help=help_, description=help_))
    return parser


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chorale-studio", description="Open the Chorale Studio window.",
                                epilog="Commands: " + ", ".join(COMMANDS) + " (chorale-studio COMMAND --help)")
    p.add_argument("file", nargs="?", help="a .chorale project, or a MIDI/MusicXML file to import")
    p.add_argument("--selftest", action="store_true",
                   help="load the model, generate, render, export and re-read; print 'selftest ok'")
    p.add_argument("--model", help="the model folder --selftest uses (default: the shipped model)")
    return p


#: What the training commands import beyond the app (the `train` extra), and the training package itself.
_TRAINING = ("chorale_studio", "transformers", "tokenizers", "accelerate")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        args = build_parser().parse_args(argv)
        module, func, _ = COMMANDS[args.command]
        try:
            result = getattr(importlib.import_module(module), func)(args)
        except ChoraleError as exc:
            print(f"chorale-studio {args.command}: {exc}", file=sys.stderr)
            return 2
        except ModuleNotFoundError as exc:
            if not module.startswith("chorale_studio.training") or (exc.name or "").split(".")[0] not in _TRAINING:
                raise
            # The packaged app and a plain install leave training out (it needs transformers).
            print(f"chorale-studio {args.command}: training is not part of this installation; install it with "
                  "pip install \"chorale-studio[train]\" (in a checkout: pip install -e \".[train]\") and run "
                  f"chorale-studio {args.command} there", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"chorale-studio {args.command}: interrupted", file=sys.stderr)
            return 130
        return int(result or 0)
    args = _gui_parser().parse_args(argv)
    if args.selftest:
        from .selftest import run_selftest
        return run_selftest(args.model)
    from .ui.app import quit_process, run_app
    return quit_process(run_app(args.file))


if __name__ == "__main__":
    sys.exit(main())
