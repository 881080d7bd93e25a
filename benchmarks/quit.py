"""How long Chorale Studio takes to quit once its last window is closed (target ≤ 0.5 s).

Each run is a fresh app process on the offscreen platform, started as `chorale-studio` starts it
(``run_app``), with a chorale open, the score pane engraved and playback connected.  The window is
closed (as a click on its close button does) in one of these moments, and the time from the close to
the end of the process is measured from outside:

- ``idle``: the model loaded, nothing running
- ``writing``: in the middle of a 4-bar fill (4 candidates)
- ``loading``: right after launch, while the model is still loading
- ``playing``: while the piece plays

    python benchmarks/quit.py [--runs 3] [--json]
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
SCENARIOS = ("idle", "writing", "loading", "playing")


def child(scenario: str) -> int:
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import QTimer

    from chorale_studio.paths import jsfakes_midi_dir
    from chorale_studio.ui.app import quit_process, run_app

    def close(window) -> None:
        window.doc.undo_stack.setClean()   # nothing to save: the close is not held up by a question
        print(json.dumps({"closed": time.time()}), flush=True)
        window.close()

    def shown(window) -> None:
        g = window.generation
        window.connect_playback()
        window.open_file(jsfakes_midi_dir() / "0.mid")
        g.preload()
        if scenario == "loading":
            QTimer.singleShot(100, lambda: close(window))
            return

        def ready(*_) -> None:
            if scenario == "idle":
                QTimer.singleShot(1500, lambda: close(window))   # the score pane has engraved by then
            elif scenario == "writing":
                window.doc.select_bars([3, 4, 5, 6])
                g.panel.candidates.setValue(4)
                g.runner.progress.connect(lambda *_: close(window) if window.isVisible() else None)
                g.act_fill.trigger()
            else:
                window.transport.toggle_play()
                QTimer.singleShot(1000, lambda: close(window))

        g.runner.modelLoaded.connect(ready)

    return quit_process(run_app(None, on_shown=shown))   # as `chorale-studio` ends


def one_run(scenario: str, settings_dir: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               XDG_CONFIG_HOME=settings_dir, CHORALE_STUDIO_DATA_DIR=settings_dir)
    proc = subprocess.Popen([sys.executable, __file__, "--child", scenario], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    closed = None
    for line in proc.stdout:
        if line.startswith("{"):
            closed = json.loads(line)["closed"]
            break
    proc.wait(timeout=120)
    ended = time.time()
    if closed is None:
        raise SystemExit(f"the app did not close (exit {proc.returncode}): {proc.stderr.read()[-2000:]}")
    return round(ended - closed, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", metavar="SCENARIO", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    results = {}
    with tempfile.TemporaryDirectory() as settings_dir:
        for scenario in SCENARIOS:
            runs = [one_run(scenario, settings_dir) for _ in range(args.runs)]
            results[scenario] = {"median_s": statistics.median(runs), "max_s": max(runs), "runs": runs}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for scenario, r in results.items():
        print(f"quit while {scenario:8s}: {r['median_s']:.2f} s from the close to the end of the process "
              f"(median of {args.runs}, max {r['max_s']:.2f} s)")
    print("target: ≤ 0.5 s, or a visible 'closing…' while something must finish")
    return 0


if __name__ == "__main__":
    sys.exit(main())
