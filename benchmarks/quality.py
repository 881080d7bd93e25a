"""Does the model write chorales?  Every generation mode the app offers, judged against the corpus.

For N chorales of the test split (pieces no model of ours was trained on; JS Fakes by default) it runs

- *new* (8 bars, JS Fakes style and Bach style, in the piece's key and meter),
- *fill* bars 3–6 in all voices, and one inner voice alone (tenor, or alto for every other piece),
- *harmonize* alto, tenor and bass under the soprano of bars 1–8,
- *continue* 4 bars after bars 1–8 (N pieces of at least 12 bars, to compare with their bars 9–12; the
  test split has 23, so some are continued twice, with other seeds),

the three 4-bar modes twice per piece with other seeds (as many written beats as the 8-bar modes: the
chord-type distance of 120 bars alone varies by ±0.02 from run to run),

and prints, next to the same figures for the test split's own bars: unison and crossing shares,
complete triads/sevenths on the beats, the distance between chord-type distributions (and between
two halves of the test split: the noise floor), mean pitch per voice, parallel and contrary
fifths/octaves per 100 sonority changes (those involving a written voice: a fault between two given
voices is the composer's), onsets per beat, rests, and the engine's time per request.
The last columns say whether a mode meets issue #13's acceptance figures.

    python benchmarks/quality.py [--pieces 30] [--model DIR] [--modes new,fill,...] [--no-strict] [--json]
    python benchmarks/quality.py --pieces 4 --max-unison 0.20   # exit 1 when a mode's unison share is above
    python benchmarks/quality.py --markdown run.json             # an earlier --json run as a Markdown table
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from chorale_studio.analysis.texture import Texture, chord_distance, texture
from chorale_studio.generation.engine import generate
from chorale_studio.generation.model import ChoraleModel
from chorale_studio.generation.requests import (ContinueRequest, FillRequest, HarmonizeRequest, NewRequest, Sampling)
from chorale_studio.paths import default_model_dir, jsfakes_midi_dir
from chorale_studio.score import Voice
from chorale_studio.training.corpus import folder_pieces, split_pieces

MODES = ("new", "new_bach", "fill", "fill_inner", "harmonize", "continue")
SPLIT_SEED = 1234   # the corpus split the shipped model was trained with


def test_pieces(count: int, bars: int = 8):
    """The first ``count`` JS Fakes chorales of the test split at least ``bars`` bars long."""
    pieces = split_pieces(folder_pieces(jsfakes_midi_dir()), SPLIT_SEED)["test"]
    return [p for p in pieces if p.score.bars >= bars][:count]


def _request(mode: str, score, i: int, sampling: Sampling):
    """The request of ``mode`` on piece ``score``, and the bars it writes (start, end)."""
    if mode in ("new", "new_bach"):
        style = "BACH" if mode == "new_bach" else "JSFAKES"
        return NewRequest(bars=8, meter=score.meter, key=score.key, sampling=replace(sampling, style=style)), (0, 8)
    eight = score.window(0, min(score.bars, 10))
    if mode == "fill":
        return FillRequest(eight, frozenset((v, b) for v in Voice for b in range(2, 6)), sampling), (2, 6)
    if mode == "fill_inner":
        voice = Voice.TENOR if i % 2 == 0 else Voice.ALTO
        return FillRequest(eight, frozenset((voice, b) for b in range(2, 6)), sampling), (2, 6)
    if mode == "harmonize":
        return HarmonizeRequest(score.window(0, 8), (Voice.ALTO, Voice.TENOR, Voice.BASS), 0, 8, sampling), (0, 8)
    if mode == "continue":
        return ContinueRequest(score.window(0, 8), bars=4, sampling=sampling), (8, 12)
    raise ValueError(mode)


#: Modes that write 4 bars a request; the others write 8.
SHORT_MODES = ("fill", "fill_inner", "continue")


def run(model: ChoraleModel, pieces, modes, sampling: Sampling, log=print, long_pieces=None, short_repeat: int = 1) -> dict:
    """The figures of every mode; *continue* runs on ``long_pieces`` (at least 12 bars: their bars 9–12
    are the reference).  The modes that write 4 bars run ``short_repeat`` times per piece (other seeds),
    so that every mode's figures rest on about as many beats."""
    whole = Texture()
    halves = (Texture(), Texture())
    for i, p in enumerate(pieces):
        t = texture(p.score)
        whole.add(t)
        halves[i % 2].add(t)
    noise = chord_distance(*halves)
    out = {"pieces": len(pieces), "noise_floor": noise, "test_split": whole.figures(), "modes": {}}
    for mode in modes:
        gen, ref = Texture(), Texture()
        seconds = []
        sources = long_pieces if mode == "continue" and long_pieces is not None else pieces
        if mode in SHORT_MODES:
            sources = list(sources) * short_repeat
        for i, p in enumerate(sources):
            if mode == "continue" and p.score.bars < 12:
                continue   # no bars 9–12 to compare with
            request, (lo, hi) = _request(mode, p.score, i, replace(sampling, seed=sampling.seed + i))
            spb = p.score.steps_per_bar
            began = time.perf_counter()
            result = generate(model, request)
            seconds.append(time.perf_counter() - began)
            best = result.candidates[0].score
            voices = frozenset(v for v, _ in result.candidates[0].cells)
            gen.add(texture(best, lo * spb, hi * spb, voices))
            if mode.startswith("new"):
                ref.add(texture(p.score))
            else:
                ref.add(texture(p.score, lo * spb, hi * spb, voices))
        g, r = gen.figures(), ref.figures()
        row = {
            "generated": g, "test_split_same_bars": r,
            "chord_distance": chord_distance(gen, whole),
            # (a new piece is compared with whole pieces: its "same bars" are the test split itself)
            "chord_distance_same_bars": None if mode.startswith("new") else chord_distance(ref, whole),
            "seconds_p50": round(statistics.median(seconds), 3),
            "seconds_p90": round(sorted(seconds)[int(0.9 * (len(seconds) - 1))], 3),
        }
        row["pitch_offset"] = {v: (round(g["mean_pitch"][v] - r["mean_pitch"][v], 2)
                                   if g["mean_pitch"][v] is not None and r["mean_pitch"][v] is not None else None)
                               for v in g["mean_pitch"]}
        row["meets"] = {
            "unison": g["unison"] <= 1.3 * r["unison"],
            "complete_chords": g["complete_chords"] >= 0.85,
            "crossing": g["crossing"] <= r["crossing"] + 0.01,
            "chord_distance": row["chord_distance"] <= 2 * noise,
            "registers": all(abs(d) <= 1.5 for d in row["pitch_offset"].values() if d is not None),
            "parallels": g["parallels_per_100_changes"] <= 0.5,
        }
        out["modes"][mode] = row
        log(_line(mode, row))
    return out


HEAD = (f"{'mode':<11} {'unison':>13} {'complete':>11} {'crossing':>13} {'chord dist':>13} "
        f"{'pitch offset S/A/T/B':>22} {'par/100':>7} {'onsets/beat':>11} {'rests':>6} {'p50 s':>6}  fails")


def _line(mode: str, row: dict) -> str:
    g, r = row["generated"], row["test_split_same_bars"]
    offs = "/".join("—" if d is None else f"{d:+.1f}" for d in row["pitch_offset"].values())
    onsets = sum(g["onsets_per_beat"].values()) / 4
    fails = ", ".join(k for k, ok in row["meets"].items() if not ok) or "none"
    return (f"{mode:<11} {g['unison']:>6.1%} ({r['unison']:>4.1%}) {g['complete_chords']:>5.2f} ({r['complete_chords']:.2f}) "
            f"{g['crossing']:>6.1%} ({r['crossing']:>4.1%}) {row['chord_distance']:>5.3f} ({_num(row['chord_distance_same_bars'])}) {offs:>22} "
            f"{g['parallels_per_100_changes']:>7.2f} {onsets:>11.2f} {g['rests']:>6.1%} {row['seconds_p50']:>6.2f}  {fails}")


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def markdown(out: dict) -> str:
    """The figures of a run (``--json`` output) as a Markdown table, for the model card."""
    t = out["test_split"]
    lines = ["| mode | unison (test split) | complete chords (test split) | crossing (test split) | chord distance "
             "(test split's same bars) "
             "| mean pitch offset S / A / T / B | parallel + contrary 5ths/8ves per 100 changes | onsets per beat "
             "| rests | p50 s | misses |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for mode, row in out["modes"].items():
        g, r = row["generated"], row["test_split_same_bars"]
        offs = " / ".join("—" if d is None else f"{d:+.1f}" for d in row["pitch_offset"].values())
        misses = ", ".join(k for k, ok in row["meets"].items() if not ok) or "none"
        lines.append(f"| {mode} | {g['unison']:.1%} ({r['unison']:.1%}) | {g['complete_chords']:.2f} "
                     f"({r['complete_chords']:.2f}) | {g['crossing']:.1%} ({r['crossing']:.1%}) | "
                     f"{row['chord_distance']:.3f} ({_num(row['chord_distance_same_bars'])}) | {offs} | "
                     f"{g['parallels_per_100_changes']:.2f} "
                     f"({r['parallels_per_100_changes']:.2f}) | {sum(g['onsets_per_beat'].values()) / 4:.2f} "
                     f"({sum(r['onsets_per_beat'].values()) / 4:.2f}) | {g['rests']:.1%} | {row['seconds_p50']:.2f} "
                     f"| {misses} |")
    lines.append(f"| *test split, all bars* | {t['unison']:.1%} | {t['complete_chords']:.2f} | {t['crossing']:.1%} | "
                 f"noise floor {out['noise_floor']:.3f} (limit {2 * out['noise_floor']:.3f}) | | "
                 f"{t['parallels_per_100_changes']:.2f} | {sum(t['onsets_per_beat'].values()) / 4:.2f} | "
                 f"{t['rests']:.1%} | | |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pieces", type=int, default=30)
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--no-strict", action="store_true", help="strict voice leading off")
    ap.add_argument("--quick", action="store_true", help="the quick setting (no revision passes)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--temperature", type=float, default=None, help="default: Sampling's default")
    ap.add_argument("--top-p", type=float, default=None, help="default: Sampling's default")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--max-unison", type=float, default=None,
                    help="exit 1 when a mode's unison share is above this (for CI)")
    ap.add_argument("--markdown", metavar="JSON", default=None,
                    help="print the figures of an earlier --json run as a Markdown table, and run nothing")
    args = ap.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text(encoding="utf-8"))))
        return 0
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        ap.error(f"unknown modes {unknown}; choose from {', '.join(MODES)}")
    model = ChoraleModel.load(Path(args.model) if args.model else default_model_dir())
    chosen = {k: v for k, v in (("temperature", args.temperature), ("top_p", args.top_p)) if v is not None}
    sampling = Sampling(seed=args.seed, strict=not args.no_strict, quick=args.quick, **chosen)
    pieces = test_pieces(args.pieces)
    log = (lambda s: print(s, file=sys.stderr)) if args.json else print
    if not args.json:
        print(f"{len(pieces)} test-split chorales, model {model.folder}, strict {'off' if args.no_strict else 'on'}"
              f"{', quick' if args.quick else ''}, temperature {sampling.temperature}, top-p {sampling.top_p}; "
              "figures: generated (test split's same bars)")
        print(HEAD)
    long_pieces = test_pieces(args.pieces, 12)
    # The test split has fewer long pieces than N: continue them again, with other seeds, so that each mode's
    # figures rest on about as many beats; and the 4-bar modes run twice per piece, as many beats as the 8-bar ones.
    long_pieces = (long_pieces * (1 + args.pieces // max(1, len(long_pieces))))[:args.pieces]
    out = run(model, pieces, modes, sampling, log=log, long_pieces=long_pieces, short_repeat=2)
    out["model"] = str(model.folder)
    out["settings"] = {"strict": sampling.strict, "quick": sampling.quick, "temperature": sampling.temperature,
                       "top_p": sampling.top_p}
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        t = out["test_split"]
        print(f"test split (all bars): unison {t['unison']:.1%}, complete chords {t['complete_chords']:.2f}, crossing "
              f"{t['crossing']:.1%}, parallels/100 {t['parallels_per_100_changes']:.2f}, chord-distance noise floor "
              f"{out['noise_floor']:.3f} (limit {2 * out['noise_floor']:.3f})")
    if args.max_unison is not None:
        bad = {m: r["generated"]["unison"] for m, r in out["modes"].items() if r["generated"]["unison"] > args.max_unison}
        if bad:
            print(f"unison share above {args.max_unison:.0%}: {bad}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
