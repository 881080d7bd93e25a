"""How well the harmony analysis agrees with expert Roman-numeral analyses of Bach chorales.

music21 ships 20 expert analyses in RomanText (riemenschneider001–020; the full
set has more).  The weights of ``analysis/harmony.py`` were tuned on 001–010;
011–020 are held out, nine of them: 011 (BWV 41.6) stays out.  Its four sung
parts are now found among the nine by their names ("Soprano Oboe 1 Violin1" …
"Bass Continuo", ``io.parts.by_names``), but the movement changes meter (4/4,
3/4, 4/4), which a Score cannot hold, and the analysis ("BWV: 41.6s") is of a
version without the cantata's instrumental interludes: read up to the change of
meter, the voices rest in bar 5 where the analysis has five chords, and from bar 4
on even the naive labeller agrees on almost nothing (28 % of the first 46 chords).  For each expert chord we compare the label our
analysis gives at its onset — with keys our analysis finds itself — and, as the
baseline, ``roman.romanNumeralFromChord`` on the chordified chorale's chord at
that onset given the expert's own key.

- *degree and quality*: the same root and triad quality on the same degree of the same key,
  where the key may be the tonicized one or the key around it: V/V in G agrees with V in D (both the
  dominant of D) and with II in G (the same chord on G's second degree, written chromatic rather than
  applied — ``romanNumeralFromChord`` never writes applied chords, and analysts write both).  Until
  December 2026 only the tonicized key counted, which failed the baseline's II against the expert's
  V/V; on 001–010 + 012 (the issue's 613 chords: the chords and onsets are the same) the baseline
  then scored 80.3 %, now 84.5 %.  The issue's 86 % / 69 % fit a looser degree (the root's scale
  degree and music21's quality, whatever the key: 83.8–88.1 %) and a stricter figure (music21's figure
  strings equal, 67.2 %: 'V6/5' against 'V65', 'II' against 'V/V' differ); the figure here compares
  what the figure means, not how it is spelt;
- *figure*: that, and the same inversion and seventh;
- *key*: the same local key.

Plan obedience (``--plans N``): the first N chorales of the set, each expert analysis taken as a
chord plan, Bach's soprano kept, alto, tenor and bass harmonized by the shipped model with the plan
and without it; for each, the share of planned chords that sound with their planned bass somewhere
within their span (Bach's own voices measured the same way, for calibration), and the texture figures
``quality.py`` reports for harmonize (complete chords on the beats, unisons, parallels).  The chords
missed are counted by why (``experts.plan_misses``: the soprano makes the chord impossible, wrong bass,
a rest, a foreign note wherever the bass is right, the seventh missing, another tone missing); ``--misses``
lists each one missed with the plan.  Without ``--plans``, ``--misses`` lists every expert chord whose figure
or key our analysis does not give at its onset, with the notes sounding there and our later chords within its span.

    python benchmarks/harmony.py [--set held-out|tuning|all] [--plans N] [--seed S] [--misses] [--json]
"""
from __future__ import annotations

import argparse
import json
import time

from chorale_studio.analysis import experts
from chorale_studio.analysis.harmony import harmony
from chorale_studio.errors import ChoraleError

SETS = {"held-out": experts.HELD_OUT, "tuning": experts.TUNING, "all": experts.TUNING + experts.HELD_OUT}


def _missed(analysis, found) -> list[dict]:
    """Each expert chord whose figure or key our analysis does not give at its onset: where (measure and beat
    as the RomanText numbers them), the expert's figure and key, ours, what was missed (degree and quality,
    or only the inversion or seventh; the key), the sounding notes, and our later chords within the expert
    chord's span, in beats after its onset (a non-chord tone on the beat shows as our change half a beat
    late)."""
    from chorale_studio.score import Voice
    out = []
    score = analysis.score
    for i, c in enumerate(analysis.chords):
        h = found.at(c.step)
        label = experts.label_of_harmony(h) if h is not None else None
        if label is not None and label.same_figure(c.label) and label.same_key(c.label):
            continue
        until = analysis.chords[i + 1].step if i + 1 < len(analysis.chords) else score.total_steps
        per_beat = score.meter.steps_per_beat
        later = [f"{x.figure} at +{format((x.step - c.step) / per_beat, 'g')} beat" for x in found.chords
                 if c.step < x.step < until]
        parts = [] if label is not None and label.same_degree_and_quality(c.label) else ["degree and quality"]
        if label is not None and not parts and not label.same_figure(c.label):
            parts.append("inversion or seventh")
        if label is None or not label.same_key(c.label):
            parts.append("key")
        out.append({"at": f"m{c.measure} b{c.beat:g}", "expert": f"{c.figure} in {c.key_name}",
                    "ours": f"{h.figure} in {h.key.name}" if h is not None else "-", "missed": ", ".join(parts),
                    "later": later, "notes": [score.pitch_at(v, c.step) for v in Voice]})
    return out


def measure(names: tuple[str, ...], misses: bool = False) -> dict:
    pieces, skipped = [], []
    ours_total, naive_total = experts.Agreement(), experts.Agreement()
    seconds = 0.0
    for path in experts.analysis_paths():
        if path.stem not in names:
            continue
        try:
            analysis = experts.load(path)
        except ChoraleError as exc:
            skipped.append({"analysis": path.stem, "why": str(exc)})
            continue
        start = time.perf_counter()
        found = harmony(analysis.score)
        seconds += time.perf_counter() - start
        ours, naive = experts.agreement(analysis)
        ours_total, naive_total = ours_total.merge(ours), naive_total.merge(naive)
        pieces.append({"analysis": path.stem, "bwv": analysis.bwv, "transposed": analysis.transposed,
                       "ours": ours.shares(), "naive_with_expert_keys": naive.shares()})
        if misses:
            pieces[-1]["missed"] = _missed(analysis, found)
    return {"pieces": pieces, "skipped": skipped, "ours": ours_total.shares(),
            "naive_with_expert_keys": naive_total.shares(), "seconds_ours": round(seconds, 2)}


def obedience(names: tuple[str, ...], count: int, seed: int) -> dict:
    from chorale_studio.analysis.texture import texture
    from chorale_studio.generation.engine import generate
    from chorale_studio.generation.model import ChoraleModel
    from chorale_studio.generation.requests import HarmonizeRequest, Sampling
    from chorale_studio.paths import default_model_dir
    from chorale_studio.score import Voice

    from chorale_studio.analysis.harmony import where
    from chorale_studio.generation.requests import GenerationError

    model = ChoraleModel.load(default_model_dir())
    written = frozenset((Voice.ALTO, Voice.TENOR, Voice.BASS))
    pieces, totals = [], {"bach": [0, 0], "planned": [0, 0], "free": [0, 0]}
    reasons = {k: dict.fromkeys(experts.MISSES, 0) | {"off the beat": 0} for k in totals}

    def missed(score) -> list[dict]:
        out = []
        for chord, why in experts.plan_misses(score):
            off = bool(chord.at % score.meter.steps_per_beat)
            out.append({"at": where(score, chord.at), "figure": chord.figure, "key": chord.key.name, "why": why,
                        "off_beat": off})
        return out
    for path in [p for p in experts.analysis_paths() if p.stem in names]:
        if len(pieces) == count:
            break
        try:
            analysis = experts.load(path)
        except ChoraleError:
            continue
        bach = analysis.score.copy()
        bach.plan = experts.as_plan(analysis)
        bach.locks = set()
        melody = bach.copy()
        for v in written:
            melody.set_notes(v, [])
        row = {"analysis": path.stem, "bwv": analysis.bwv, "bars": bach.bars}
        row["bach"] = experts.plan_kept(bach)
        row["bach_missed"] = missed(bach)
        try:
            for name, plan in (("planned", bach.plan), ("free", {})):
                score = melody.copy()
                score.plan = dict(plan)
                start = time.perf_counter()
                result = generate(model, HarmonizeRequest(score, tuple(written), sampling=Sampling(seed=seed)))
                out = result.candidates[0].score
                out.plan = dict(bach.plan)   # measured against the experts' plan either way
                row[name] = experts.plan_kept(out)
                row[name + "_missed"] = missed(out)
                row[name + "_seconds"] = round(time.perf_counter() - start, 1)
                row[name + "_texture"] = texture(out, voices=written).figures()
        except GenerationError as exc:   # a plan Bach's soprano contradicts (it should not be): counted as lost
            row["refused"] = str(exc)
            for name in ("planned", "free"):
                row[name] = (0, row["bach"][1])
                row[name + "_missed"] = []
        for k in totals:
            totals[k][0] += row[k][0]
            totals[k][1] += row[k][1]
            for m in row[k + "_missed"]:
                reasons[k][m["why"]] += 1
                reasons[k]["off the beat"] += m["off_beat"]
        pieces.append(row)
    shares = {k: round(a / b, 4) if b else 0.0 for k, (a, b) in totals.items()}
    return {"pieces": pieces, "kept": totals, "shares": shares, "misses": reasons}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, default="held-out")
    parser.add_argument("--plans", type=int, default=0, metavar="N",
                        help="also harmonize N chorales with the experts' analyses as chord plans")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true",
                        help="list every expert chord our analysis misses (with --plans: every planned chord missed "
                             "with a plan)")
    args = parser.parse_args()
    result = measure(SETS[args.set], misses=args.misses and not args.plans)
    if args.plans:
        result["plans"] = obedience(SETS[args.set], args.plans, args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'analysis':<20} {'BWV':<10} {'chords':>6}   ours: deg+qual figure  key   naive: deg+qual figure")
    for p in result["pieces"]:
        o, n = p["ours"], p["naive_with_expert_keys"]
        print(f"{p['analysis']:<20} {p['bwv']:<10} {o['chords']:>6}   {o['degree_and_quality']:>13.1%} "
              f"{o['figure']:>6.1%} {o['key']:>5.1%}   {n['degree_and_quality']:>13.1%} {n['figure']:>6.1%}")
    for s in result["skipped"]:
        print(f"{s['analysis']:<20} left out: {s['why']}")
    o, n = result["ours"], result["naive_with_expert_keys"]
    print(f"{'all':<20} {'':<10} {o['chords']:>6}   {o['degree_and_quality']:>13.1%} {o['figure']:>6.1%} "
          f"{o['key']:>5.1%}   {n['degree_and_quality']:>13.1%} {n['figure']:>6.1%}")
    print(f"our analysis took {result['seconds_ours']} s for {len(result['pieces'])} chorales")
    for p in result["pieces"]:
        for m in p.get("missed", ()):
            notes = " ".join("-" if n is None else str(n) for n in m["notes"])
            later = f"; ours later: {', '.join(m['later'])}" if m["later"] else ""
            print(f"  {p['analysis']} {m['at']}: {m['expert']}, ours {m['ours']} ({m['missed']} missed; "
                  f"notes S A T B {notes}{later})")
    if "plans" in result:
        print("\nplan obedience: planned chords sounding with their bass within their span")
        print(f"{'analysis':<20} {'bars':>4} {'Bach':>7} {'with plan':>10} {'no plan':>8}   complete chords "
              f"(plan / none)   parallels per 100 (plan / none)   unisons (plan / none)   seconds (plan / none)")
        for p in result["plans"]["pieces"]:
            def share(k):
                a, b = p[k]
                return f"{a / b:.1%}" if b else "-"
            if "refused" in p:
                print(f"{p['analysis']:<20} {p['bars']:>4} {share('bach'):>7}   refused: {p['refused']}")
                continue
            tp, tf = p["planned_texture"], p["free_texture"]
            print(f"{p['analysis']:<20} {p['bars']:>4} {share('bach'):>7} {share('planned'):>10} {share('free'):>8}"
                  f"   {tp['complete_chords']:>6.1%} / {tf['complete_chords']:.1%}"
                  f"              {tp['parallels_per_100_changes']:.2f} / {tf['parallels_per_100_changes']:.2f}"
                  f"                  {tp['unison']:.1%} / {tf['unison']:.1%}"
                  f"          {p['planned_seconds']} / {p['free_seconds']}")
        sh = result["plans"]["shares"]
        done = [p for p in result["plans"]["pieces"] if "refused" not in p]
        def mean(mode, k):
            return sum(p[mode + "_texture"][k] for p in done) / max(1, len(done))
        def seconds(mode):
            return round(sum(p[mode + "_seconds"] for p in done), 1)
        print(f"{'all':<20} {'':>4} {sh['bach']:>7.1%} {sh['planned']:>10.1%} {sh['free']:>8.1%}"
              f"   {mean('planned', 'complete_chords'):>6.1%} / {mean('free', 'complete_chords'):.1%}"
              f"              {mean('planned', 'parallels_per_100_changes'):.2f} / "
              f"{mean('free', 'parallels_per_100_changes'):.2f}"
              f"                  {mean('planned', 'unison'):.1%} / {mean('free', 'unison'):.1%}"
              f"          {seconds('planned')} / {seconds('free')}   (texture: mean of the pieces; seconds: sum)")
        print("\nplanned chords missed, by why (experts.plan_misses; 'off the beat' counts those among them whose "
              "onset is off the beat)")
        print(f"{'':<20} " + " ".join(f"{k:>10}" for k in (*experts.MISSES, "off the beat")))
        for k in ("bach", "planned", "free"):
            print(f"{k:<20} " + " ".join(f"{n:>10}" for n in result["plans"]["misses"][k].values()))
        if args.misses:
            for p in result["plans"]["pieces"]:
                for m in p["planned_missed"]:
                    print(f"  {p['analysis']} {m['at']}: {m['figure']} in {m['key']}: {m['why']}"
                          + (" (off the beat)" if m["off_beat"] else ""))


if __name__ == "__main__":
    main()
