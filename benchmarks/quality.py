"""Does the model write chorales?  Every generation mode the app offers, judged against the corpus.

For N chorales of the test split (pieces no model of ours was trained on; JS Fakes by default) it runs

- *new* (8 bars, JS Fakes style and Bach style, in the piece's key and meter),
- *fill* bars 3–6 in all voices, and one inner voice alone (tenor, or alto for every other piece),
- *harmonize* alto, tenor and bass under the soprano of bars 1–8,
- *continue* 4 bars after bars 1–8 (N pieces of at least 12 bars, to compare with their bars 9–12; the
  test split has 23, so some are continued twice, with other seeds),
- *harmonize_bach*: alto, tenor and bass under the soprano (fermatas kept) of whole Bach chorales of
  music21's corpus that the model never saw (the Bach test split), compared with Bach's own,

the three 4-bar modes twice per piece with other seeds (as many written beats as the 8-bar modes: the
chord-type distance of 120 bars alone varies by ±0.02 from run to run),

and prints, next to the same figures for the test split's own bars: unison and crossing shares,
complete triads/sevenths on the beats, the distance between chord-type distributions (and between
two halves of the test split: the noise floor; for harmonize_bach, of Bach's own), mean pitch per
voice, parallel and contrary fifths/octaves per 100 sonority changes (those involving a written voice: a fault between two given
voices is the composer's), onsets per beat, rests, and the engine's time per request.
The last columns say whether a mode meets issue #13's acceptance figures.

A second table (``analysis/phrasing.py``) judges phrasing, figuration and lines in the voices each mode
wrote, beside the same bars of the corpus (Bach's own for *harmonize_bach*): fermata chords that are
complete root-position triads, the last chord on the tonic in root position (modes that end a piece), the
chords the other phrases end on (V, I, the relative key's tonic: Bach's test split is the reference for new
pieces, the JS Fakes having no fermatas), eighth-note steps, suspensions, tritone leaps, leaps of a seventh or more, augmented seconds, cross
relations and onsets per quarter; its last column says whether a mode meets issue #22's figures.

    python benchmarks/quality.py [--pieces 30] [--model DIR] [--modes new,fill,...] [--no-strict] [--json]
    python benchmarks/quality.py --pieces 4 --modes harmonize,harmonize_bach,fill
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

from chorale_studio.analysis.phrasing import Phrasing, final_tonic, phrasing
from chorale_studio.generation.cadence import ends_with_cadence, phrase_plan
from chorale_studio.analysis.texture import Texture, chord_distance, texture
from chorale_studio.generation.engine import generate
from chorale_studio.generation.model import ChoraleModel
from chorale_studio.generation.requests import (ContinueRequest, FillRequest, HarmonizeRequest, NewRequest, Sampling)
from chorale_studio.paths import default_model_dir, jsfakes_midi_dir
from chorale_studio.score import Voice
from chorale_studio.training.corpus import bach_pieces, folder_pieces, split_pieces

#: The modes run on JS Fakes chorales (CI runs these), and the one run on Bach's.
MODES = ("new", "new_bach", "fill", "fill_inner", "harmonize", "continue")
BACH_MODES = ("harmonize_bach",)
#: The modes compared with Bach's chorales (the Bach test split).  (*new_bach* stays compared with the JS Fakes,
#: as issue #13 set it: against Bach's chorales its chord-type distance is 0.17, over the 0.14 limit of their noise,
#: while its lines and figuration are closer to his — both are printed in the closing notes of #22.)
BACH_STYLE_MODES = BACH_MODES
SPLIT_SEED = 1234   # the corpus split the shipped model was trained with
ATB = (Voice.ALTO, Voice.TENOR, Voice.BASS)


def test_pieces(count: int, bars: int = 8):
    """The first ``count`` JS Fakes chorales of the test split at least ``bars`` bars long."""
    pieces = split_pieces(folder_pieces(jsfakes_midi_dir()), SPLIT_SEED)["test"]
    return [p for p in pieces if p.score.bars >= bars][:count]


def bach_test_pieces(count: int):
    """The first ``count`` Bach chorales of the test split (music21's corpus, split as the shipped model's
    was): reading all of them to rebuild the split takes about a minute."""
    return split_pieces(bach_pieces(), SPLIT_SEED)["test"][:count]


def _request(mode: str, score, i: int, sampling: Sampling):
    """The request of ``mode`` on piece ``score``, and the bars it writes (start, end)."""
    if mode in ("new", "new_bach"):
        style = "BACH" if mode == "new_bach" else "JSFAKES"
        # With a cadence, as the app asks by default: a phrase plan, a cadence at each fermata, V–I at the end.
        return NewRequest(bars=8, meter=score.meter, key=score.key, cadence=True,
                          sampling=replace(sampling, style=style)), (0, 8)
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
    if mode == "harmonize_bach":
        melody = score.copy()   # Bach's soprano and fermatas alone
        for v in ATB:
            melody.set_notes(v, [])
        return HarmonizeRequest(melody, ATB, 0, score.bars, replace(sampling, style="BACH")), (0, score.bars)
    raise ValueError(mode)


#: Modes whose written bars end a piece: their last chord is judged.
ENDING_MODES = ("new", "new_bach", "harmonize_bach")


#: Modes that write 4 bars a request; the others write 8.
SHORT_MODES = ("fill", "fill_inner", "continue")


def _corpus_figures(pieces) -> tuple[dict, Texture, tuple[Texture, Texture]]:
    """Texture and phrasing figures of whole pieces, and the texture of each half (for the noise floor)."""
    whole, halves, lines = Texture(), (Texture(), Texture()), Phrasing()
    for i, p in enumerate(pieces):
        t = texture(p.score)
        whole.add(t)
        halves[i % 2].add(t)
        lines.add(phrasing(p.score, ends_piece=True))
    return {**whole.figures(), "phrasing": lines.figures()}, whole, halves


def run(model: ChoraleModel, pieces, modes, sampling: Sampling, log=print, long_pieces=None, short_repeat: int = 1,
        bach=None) -> dict:
    """The figures of every mode; *continue* runs on ``long_pieces`` (at least 12 bars: their bars 9–12
    are the reference), *harmonize_bach* on the Bach chorales ``bach``.  The modes that write 4 bars run
    ``short_repeat`` times per piece (other seeds), so that every mode's figures rest on about as many beats."""
    figures, whole, halves = _corpus_figures(pieces)
    noise = chord_distance(*halves)
    out = {"pieces": len(pieces), "noise_floor": noise, "test_split": figures, "modes": {}}
    bach_whole, bach_noise = None, None
    if bach:
        out["bach"], bach_whole, bach_halves = _corpus_figures(bach)
        out["bach_pieces"] = len(bach)
        # harmonize_bach is compared with Bach's chorales: their own two halves give its noise floor (Bach's
        # harmonizations vary more from piece to piece than the JS Fakes: 0.068 against 0.057 on 30 pieces).
        out["bach_noise_floor"] = bach_noise = chord_distance(*bach_halves)
    for mode in modes:
        gen, ref = Texture(), Texture()
        gen_lines, ref_lines = Phrasing(), Phrasing()
        endings = [0, 0]   # our last chords on the root-position tonic, where Bach's is; pieces where Bach's is
        planned = [0, 0]   # new pieces carrying their phrase plan's fermatas; new pieces ending V–I in root position
        seconds = []
        sources = long_pieces if mode == "continue" and long_pieces is not None else pieces
        if mode in BACH_MODES:
            sources = bach or []
        if mode in SHORT_MODES:
            sources = list(sources) * short_repeat
        ends = mode in ENDING_MODES
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
            gen_lines.add(phrasing(best, lo * spb, hi * spb, voices, ends_piece=ends))
            if mode.startswith("new"):
                model_piece = bach[i % len(bach)] if mode in BACH_STYLE_MODES and bach else p
                ref.add(texture(model_piece.score))
                ref_lines.add(phrasing(model_piece.score, voices=voices, ends_piece=True))
            else:
                ref.add(texture(p.score, lo * spb, hi * spb, voices))
                ref_lines.add(phrasing(p.score, lo * spb, hi * spb, voices, ends_piece=ends))
            if mode in BACH_MODES and final_tonic(p.score)[0]:
                endings[0] += final_tonic(best)[0]
                endings[1] += 1
            if mode.startswith("new"):
                planned[0] += sorted(best.fermatas) == phrase_plan(best.meter, best.bars)
                planned[1] += ends_with_cadence(best)
        if not seconds:
            log(f"{mode:<14} no pieces to run on")
            continue
        g, r = gen.figures(), ref.figures()
        g["phrasing"], r["phrasing"] = gen_lines.figures(), ref_lines.figures()
        in_bach_style = mode in BACH_STYLE_MODES and bach_whole is not None
        corpus = bach_whole if in_bach_style else whole
        row = {
            "generated": g, "test_split_same_bars": r,   # (for harmonize_bach: Bach's own A, T, B)
            "reference": ("Bach's own harmonization" if mode in BACH_MODES
                          else "Bach test split" if in_bach_style else "test split"),
            "chord_distance": chord_distance(gen, corpus),
            # (a new piece is compared with whole pieces: its "same bars" are the test split itself)
            # (harmonize_bach writes whole pieces: its "same bars" are the Bach test split itself)
            "chord_distance_same_bars": None if mode.startswith("new") or mode in BACH_MODES
            else chord_distance(ref, corpus),
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
            "chord_distance": row["chord_distance"] <= 2 * (bach_noise if in_bach_style else noise),
            "registers": all(abs(d) <= 1.5 for d in row["pitch_offset"].values() if d is not None),
            "parallels": g["parallels_per_100_changes"] <= 0.5,
        }
        if mode.startswith("new"):
            row["phrase_plan"] = {"pieces": len(seconds), "with_plan": planned[0], "ending_v_i": planned[1]}
        if mode in BACH_MODES:
            row["final_tonic_where_bach_has_it"] = {"ours": endings[0], "pieces": endings[1],
                                                   "share": round(endings[0] / endings[1], 4) if endings[1] else None}
        row["meets_22"] = meets_22(mode, row)
        out["modes"][mode] = row
        log(_line(mode, row))
    return out


def meets_22(mode: str, row: dict) -> dict:
    """Issue #22's figures, each against the same bars and voices of the corpus (Bach's own for
    harmonize_bach); a figure the reference cannot give (no fermatas in JS Fakes) is left out."""
    g, r = row["generated"]["phrasing"], row["test_split_same_bars"]["phrasing"]
    out = {}

    def judge(name: str, ok) -> None:
        if g[name] is not None and r[name] is not None:
            out[name] = bool(ok(g[name], r[name]))

    judge("eighth_steps_per_100_notes", lambda ours, theirs: abs(ours - theirs) <= 0.15 * theirs)
    judge("suspensions_per_100_beats", lambda ours, theirs: ours >= 0.5 * theirs)
    judge("tritones_per_100_notes", lambda ours, theirs: ours <= theirs)
    judge("wide_leaps_per_100_notes", lambda ours, theirs: ours <= theirs)
    judge("cross_relations_per_100_changes", lambda ours, theirs: ours <= theirs)
    if mode.startswith("new") and "phrase_plan" in row:
        # No reference: a new piece's fermatas are its plan's; ≥ 90 % root-position triads, every piece V–I.
        plan = row["phrase_plan"]
        out["fermata_triads"] = g["fermata_triads"] is not None and g["fermata_triads"] >= 0.90
        out["phrase_plan"] = plan["with_plan"] == plan["pieces"]
        out["ending_v_i"] = plan["ending_v_i"] == plan["pieces"]
    if mode in BACH_MODES:
        judge("fermata_triads", lambda ours, theirs: ours >= theirs - 0.03)
        share = row["final_tonic_where_bach_has_it"]["share"]
        if share is not None:
            out["final_tonic"] = share >= 0.95
    return out


HEAD = (f"{'mode':<14} {'unison':>13} {'complete':>11} {'crossing':>13} {'chord dist':>13} "
        f"{'pitch offset S/A/T/B':>22} {'par/100':>7} {'onsets/beat':>11} {'rests':>6} {'p50 s':>6}  fails")


def _line(mode: str, row: dict) -> str:
    g, r = row["generated"], row["test_split_same_bars"]
    offs = "/".join("—" if d is None else f"{d:+.1f}" for d in row["pitch_offset"].values())
    onsets = sum(g["onsets_per_beat"].values()) / 4
    fails = ", ".join(k for k, ok in row["meets"].items() if not ok) or "none"
    return (f"{mode:<14} {g['unison']:>6.1%} ({r['unison']:>4.1%}) {g['complete_chords']:>5.2f} ({r['complete_chords']:.2f}) "
            f"{g['crossing']:>6.1%} ({r['crossing']:>4.1%}) {row['chord_distance']:>5.3f} ({_num(row['chord_distance_same_bars'])}) {offs:>22} "
            f"{g['parallels_per_100_changes']:>7.2f} {onsets:>11.2f} {g['rests']:>6.1%} {row['seconds_p50']:>6.2f}  {fails}")


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


#: The phrasing table's columns: (heading, figure, format).
LINE_COLUMNS = (("fermata triads", "fermata_triads", ".0%"), ("final tonic", "final_tonic", ".0%"),
                ("phrase ends on V", "phrase_ends_on_v", ".0%"), ("on I", "phrase_ends_on_i", ".0%"),
                ("on vi/III", "phrase_ends_on_relative", ".0%"),
                ("8th steps/100n", "eighth_steps_per_100_notes", ".1f"),
                ("susp/100 beats", "suspensions_per_100_beats", ".2f"),
                ("tritones/100n", "tritones_per_100_notes", ".2f"), ("≥7th/100n", "wide_leaps_per_100_notes", ".2f"),
                ("aug 2nds/100n", "augmented_seconds_per_100_notes", ".2f"),
                ("x-rel/100 ch", "cross_relations_per_100_changes", ".2f"))


def _fig(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


def _onsets(lines: dict) -> str:
    return "/".join(_fig(lines["onsets_per_quarter"][v], ".2f") for v in "ATB")


def _misses_22(row: dict) -> str:
    return ", ".join(k for k, ok in row["meets_22"].items() if not ok) or "none"


LINES_HEAD = (f"{'mode':<15}" + "".join(f" {h:>14}" for h, _, _ in LINE_COLUMNS)
              + f" {'onsets/q A/T/B':>31}  misses (#22)")


def _lines_row(label: str, g: dict, r: dict | None, misses: str = "") -> str:
    """One row of the phrasing table: ours (reference) per column."""
    cells = [f"{_fig(g[k], f)} ({_fig(r[k], f)})" if r is not None else _fig(g[k], f) for _, k, f in LINE_COLUMNS]
    onsets = f"{_onsets(g)} ({_onsets(r)})" if r is not None else _onsets(g)
    return f"{label:<15}" + "".join(f" {c:>14}" for c in cells) + f" {onsets:>31}  {misses}"


def lines_table(out: dict) -> str:
    """The phrasing figures of a run as a plain-text table: generated (same bars of the reference)."""
    rows = [LINES_HEAD]
    for mode, row in out["modes"].items():
        g, r = row["generated"]["phrasing"], row["test_split_same_bars"]["phrasing"]
        rows.append(_lines_row(mode, g, r, _misses_22(row)))
        if "final_tonic_where_bach_has_it" in row:
            e = row["final_tonic_where_bach_has_it"]
            rows.append(f"{'':<15} last chord root-position tonic where Bach's is: {e['ours']} of {e['pieces']}")
    rows.append(_lines_row("test split", out["test_split"]["phrasing"], None))
    if "bach" in out:
        rows.append(_lines_row("Bach test split", out["bach"]["phrasing"], None))
    return "\n".join(rows)


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
    if out.get("bach_noise_floor") is not None:
        b = out["bach"]
        lines.append(f"| *Bach test split, all bars* | {b['unison']:.1%} | {b['complete_chords']:.2f} | "
                     f"{b['crossing']:.1%} | noise floor {out['bach_noise_floor']:.3f} (limit "
                     f"{2 * out['bach_noise_floor']:.3f}) | | {b['parallels_per_100_changes']:.2f} | "
                     f"{sum(b['onsets_per_beat'].values()) / 4:.2f} | {b['rests']:.1%} | | |")
    if "phrasing" not in t:
        return "\n".join(lines)   # a run from before the phrasing figures
    lines += ["", "| mode | " + " | ".join(h for h, _, _ in LINE_COLUMNS) + " | onsets per quarter A / T / B | misses (#22) |",
              "| --- " * (len(LINE_COLUMNS) + 3) + "|"]

    def cells(g: dict, r: dict | None) -> str:
        both = [f"{_fig(g[k], f)} ({_fig(r[k], f)})" if r is not None else _fig(g[k], f) for _, k, f in LINE_COLUMNS]
        onsets = _onsets(g).replace("/", " / ") + (f" ({_onsets(r).replace('/', ' / ')})" if r is not None else "")
        return " | ".join(both + [onsets])

    for mode, row in out["modes"].items():
        lines.append(f"| {mode} | {cells(row['generated']['phrasing'], row['test_split_same_bars']['phrasing'])} "
                     f"| {_misses_22(row)} |")
    lines.append(f"| *test split, all bars* | {cells(t['phrasing'], None)} | |")
    if "bach" in out:
        lines.append(f"| *Bach test split, all bars* | {cells(out['bach']['phrasing'], None)} | |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pieces", type=int, default=30)
    ap.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--modes", default=",".join(MODES + BACH_MODES))
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
    unknown = [m for m in modes if m not in MODES + BACH_MODES]
    if unknown:
        ap.error(f"unknown modes {unknown}; choose from {', '.join(MODES + BACH_MODES)}")
    model = ChoraleModel.load(Path(args.model) if args.model else default_model_dir())
    chosen = {k: v for k, v in (("temperature", args.temperature), ("top_p", args.top_p)) if v is not None}
    sampling = Sampling(seed=args.seed, strict=not args.no_strict, quick=args.quick, **chosen)
    pieces = test_pieces(args.pieces)
    log = (lambda s: print(s, file=sys.stderr)) if args.json else print
    if not args.json:
        print(f"{len(pieces)} test-split chorales, model {model.folder}, strict {'off' if args.no_strict else 'on'}"
              f"{', quick' if args.quick else ''}, temperature {sampling.temperature}, top-p {sampling.top_p}; "
              "figures: generated (test split's same bars; for harmonize_bach, Bach's own)")
        print(HEAD)
    long_pieces = test_pieces(args.pieces, 12)
    # The test split has fewer long pieces than N: continue them again, with other seeds, so that each mode's
    # figures rest on about as many beats; and the 4-bar modes run twice per piece, as many beats as the 8-bar ones.
    long_pieces = (long_pieces * (1 + args.pieces // max(1, len(long_pieces))))[:args.pieces]
    bach = bach_test_pieces(args.pieces) if any(m in BACH_STYLE_MODES for m in modes) else None
    out = run(model, pieces, modes, sampling, log=log, long_pieces=long_pieces, short_repeat=2, bach=bach)
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
        print()
        print("phrasing, figuration and lines in the written voices: generated (same bars and voices of the test "
              "split; for harmonize_bach, Bach's own)")
        print(lines_table(out))
    if args.max_unison is not None:
        bad = {m: r["generated"]["unison"] for m, r in out["modes"].items() if r["generated"]["unison"] > args.max_unison}
        if bad:
            print(f"unison share above {args.max_unison:.0%}: {bad}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
