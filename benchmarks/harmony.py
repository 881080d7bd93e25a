"""How well the harmony analysis agrees with expert Roman-numeral analyses of Bach chorales.

music21 ships 20 expert analyses in RomanText (riemenschneider001–020; the full
set has more).  The weights of ``analysis/harmony.py`` were tuned on 001–010;
011–020 are held out (011, BWV 41.6, is a nine-part movement and cannot be read
as four voices, so nine remain).  For each expert chord we compare the label our
analysis gives at its onset — with keys our analysis finds itself — and, as the
baseline, ``roman.romanNumeralFromChord`` on the chordified chorale's chord at
that onset given the expert's own key.

- *degree and quality*: the same root above the same (tonicized) tonic, same triad quality
  (V/V in G and V in D agree: both are the dominant of D);
- *figure*: that, and the same inversion and seventh;
- *key*: the same local key.

    python benchmarks/harmony.py [--set held-out|tuning|all] [--json]
"""
from __future__ import annotations

import argparse
import json
import time

from chorale_studio.analysis import experts
from chorale_studio.analysis.harmony import harmony
from chorale_studio.errors import ChoraleError

SETS = {"held-out": experts.HELD_OUT, "tuning": experts.TUNING, "all": experts.TUNING + experts.HELD_OUT}


def measure(names: tuple[str, ...]) -> dict:
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
        harmony(analysis.score)
        seconds += time.perf_counter() - start
        ours, naive = experts.agreement(analysis)
        ours_total, naive_total = ours_total.merge(ours), naive_total.merge(naive)
        pieces.append({"analysis": path.stem, "bwv": analysis.bwv, "transposed": analysis.transposed,
                       "ours": ours.shares(), "naive_with_expert_keys": naive.shares()})
    return {"pieces": pieces, "skipped": skipped, "ours": ours_total.shares(),
            "naive_with_expert_keys": naive_total.shares(), "seconds_ours": round(seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, default="held-out")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(SETS[args.set])
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


if __name__ == "__main__":
    main()
