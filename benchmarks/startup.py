"""From launch to music on a fresh start: the window on screen, the model ready, and the first sampled words.

Each run is a new Python process (nothing cached in memory), started on the offscreen platform with a
driver that calls ``run_app`` as `chorale-studio FILE` does and does what the app does once its window
is shown (open the file, preload the model); then it clicks Fill on two bars, either at once (the user
is faster than the load) or as soon as the model is ready, and reports, in seconds:

- ``window``: launch → window shown (target ≤ 1.5 s)
- ``ready``: launch → model loaded on the worker (in the background)
- ``first_words``: Fill clicked → the first progress report of the sampler (its first 8 words; target
  ≤ 1 s when the click comes after the model is ready)

Uses the shipped model (resources/model).  Run: python benchmarks/startup.py [--runs 3] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = ("at-once", "when-ready")


def child(scenario: str, t0: float) -> int:
    """The app, driven: print one JSON line of timings and quit."""
    sys.path.insert(0, str(REPO))
    from chorale_studio.paths import jsfakes_midi_dir
    from chorale_studio.ui.app import run_app

    out: dict[str, float] = {}

    def click(window) -> None:
        g = window.generation
        window.doc.select_bars([3, 4])
        clicked = time.time()
        g.runner.progress.connect(lambda *_: first_words(window, clicked))
        g.act_fill.trigger()

    def first_words(window, clicked: float) -> None:
        if "first_words" not in out:
            out["first_words"] = round(time.time() - clicked, 3)
            window.generation.cancel()
            print(json.dumps(out), flush=True)
            window.doc.undo_stack.setClean()
            window.close()

    def shown(window) -> None:
        out["window"] = round(time.time() - t0, 3)
        g = window.generation
        g.runner.modelLoaded.connect(lambda *_: ready(window))
        window.open_file(jsfakes_midi_dir() / "0.mid")   # what the app does at start: open, then preload
        g.preload()
        if scenario == "at-once":
            click(window)

    def ready(window) -> None:
        out["ready"] = round(time.time() - t0, 3)
        if scenario == "when-ready":
            click(window)

    return run_app(None, on_shown=shown)


def one_run(scenario: str, settings_dir: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               XDG_CONFIG_HOME=settings_dir, CHORALE_STUDIO_DATA_DIR=settings_dir)
    launched = time.time()
    proc = subprocess.run([sys.executable, __file__, "--child", scenario, repr(launched)], env=env,
                          capture_output=True, text=True, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise SystemExit(f"the app did not report (exit {proc.returncode}):\n{proc.stdout}{proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("SCENARIO", "T0"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], float(args.child[1]))
    results = {}
    with tempfile.TemporaryDirectory() as settings_dir:
        for scenario in SCENARIOS:
            runs = [one_run(scenario, settings_dir) for _ in range(args.runs)]
            results[scenario] = {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {"runs": runs}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for scenario, r in results.items():
        print(f"click {scenario:10s}: window {r['window']:.2f} s, model ready {r['ready']:.2f} s after launch, "
              f"first words {r['first_words']:.2f} s after the click (medians of {args.runs})")
    print("targets: window ≤ 1.5 s; first words ≤ 1 s after a click that comes once the model is ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
