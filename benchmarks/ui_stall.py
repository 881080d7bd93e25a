"""How long the window's event loop stalls while the model loads and writes (target: no gap over 50 ms).

A QTimer ticks every 5 ms on the GUI thread and records the gaps between its ticks while the
generation worker loads the model (torch's import begun at launch, as ``run_app`` does) and fills bars 4–7 of JS Fakes chorale 497 (all four voices,
4 candidates), with the ghost notes streaming onto the piano roll.  Uses the shipped model
(resources/model) when it is there, else a seed-sized random model (6 layers × 512 × 8 heads,
seed vocabulary).

    python benchmarks/ui_stall.py [--runs 3] [--json]
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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from chorale_studio.generation import preload  # noqa: E402
from chorale_studio.paths import default_model_dir, jsfakes_midi_dir  # noqa: E402
from chorale_studio.ui import theme  # noqa: E402
from chorale_studio.ui.main_window import MainWindow  # noqa: E402

TICK_MS = 5
STALL_MS = 50


def model_folder() -> tuple[Path, str]:
    if (default_model_dir() / "config.json").is_file():
        return default_model_dir(), "shipped model"
    # Made in another process, so that torch is first imported by the worker, as in the app.
    folder = Path(tempfile.mkdtemp()) / "seed-size"
    tests = Path(__file__).resolve().parent.parent / "tests"
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                    "from generation_models import save_random_model; "
                    "from chorale_studio.tokens.vocab import SEED_WORDS; "
                    "save_random_model(sys.argv[2], SEED_WORDS, layers=6, width=512, heads=8)", str(tests),
                    str(folder)], check=True, capture_output=True)
    return folder, "seed-sized random model (6×512×8)"


class GapMeter:
    """Records the gaps between the ticks of a 5 ms timer on the GUI thread."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps = []
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def stop(self) -> dict:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0.0]
        return {"ticks": len(self.gaps), "max_ms": round(gaps[-1], 1),
                "p99_ms": round(gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))], 1),
                "median_ms": round(statistics.median(gaps), 1),
                "over_50_ms": sum(g > STALL_MS for g in gaps)}


def wait_until(condition, timeout_ms: int = 600_000) -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start(10)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    preload.start()   # as run_app does at launch: torch's libraries load while the window is built
    app = QApplication(sys.argv[:1])
    theme.apply_theme(app)
    window = MainWindow(audio="null")
    window.resize(1500, 880)
    preload.wait_for_libraries(timeout=0.5)
    window.show()
    window.open_file(jsfakes_midi_dir() / "497.mid")
    for box in window.findChildren(QMessageBox):
        box.close()
    g = window.generation
    folder, kind = model_folder()
    g.chooser.folder = folder
    g.panel.candidates.setValue(4)
    meter = GapMeter()
    results = {"model": kind, "load": None, "fills": []}
    meter.start()
    began = time.perf_counter()
    g.load_model(str(folder))
    wait_until(lambda: g.chooser.capabilities is not None)
    results["load"] = {**meter.stop(), "seconds": round(time.perf_counter() - began, 2)}
    for _ in range(args.runs):
        window.doc.select_bars(range(3, 7))
        meter.start()
        began = time.perf_counter()
        g.fill()
        wait_until(lambda: g.job is None)
        results["fills"].append({**meter.stop(), "seconds": round(time.perf_counter() - began, 2)})
        g.discard()
    window.doc.undo_stack.setClean()
    window.close()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"event-loop gaps with a {TICK_MS} ms timer, {results['model']}:")
        for name, r in [("model load", results["load"])] + [(f"fill {i + 1}", r) for i, r in
                                                             enumerate(results["fills"])]:
            print(f"  {name:10s} {r['seconds']:6.2f} s  max {r['max_ms']:6.1f} ms  p99 {r['p99_ms']:5.1f} ms  "
                  f"median {r['median_ms']:4.1f} ms  gaps over {STALL_MS} ms: {r['over_50_ms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
