"""How fast the score pane re-engraves, and how long the window's event loop stalls meanwhile
(target: a 16-bar chorale re-engraved within 100 ms of an edit; no gap over 50 ms).

Part 1, without a window: a chorale of 8, 16 and 32 bars (JS Fakes chorale 0's eight bars, repeated)
is re-engraved after a one-note edit, step by step — writing the MEI, verovio's layout and SVG,
reading back where the notes landed, drawing the SVG into the pane's image with Qt — median of
``--runs`` runs after a warm-up.

Part 2, in the window (offscreen): the score pane shows the 16-bar chorale; a note is moved with
the editor every 150 ms, ``--edits`` times; the time from each edit to the new engraving on screen
is measured, and a 5 ms QTimer on the GUI thread records the gaps in the event loop (as
``ui_stall.py`` does for generation).

    python benchmarks/engrave.py [--runs 10] [--edits 20] [--width 1400] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from chorale_studio.io.midi import read_midi  # noqa: E402
from chorale_studio.notation import EngraveOptions, Engraver, mei_document  # noqa: E402
from chorale_studio.notation.engrave import _measure  # noqa: E402
from chorale_studio.paths import jsfakes_midi_dir  # noqa: E402
from chorale_studio.score import Score, Voice  # noqa: E402
from ui_stall import GapMeter, wait_until  # noqa: E402


def chorale_of(bars: int) -> Score:
    """JS Fakes chorale 0's first eight bars, repeated to ``bars`` bars."""
    source = read_midi(jsfakes_midi_dir() / "0.mid").score.window(0, 8)
    score = Score(bars=bars, meter=source.meter, key=source.key, title=f"{bars} bars")
    length = 8 * source.steps_per_bar
    for v in Voice:
        score.set_notes(v, [n.with_(start=n.start + k * length) for k in range(bars // 8) for n in source.notes(v)])
    return score


def nudge(score: Score, k: int) -> Score:
    """The score with its first soprano note a step higher or lower (a fresh edit each run)."""
    edited = score.copy()
    first = edited.notes(Voice.SOPRANO)[0]
    edited.replace_note(Voice.SOPRANO, first, first.with_(pitch=first.pitch + (1 if k % 2 else -1)))
    return edited


def headless(runs: int, width: int) -> list[dict]:
    from chorale_studio.ui.notation.worker import draw_pages

    engraver = Engraver()
    out = []
    for bars in (8, 16, 32):
        score = chorale_of(bars)
        options = EngraveOptions(width=width)
        engraver.engrave(score, options)   # warm-up: fonts, caches
        steps: dict[str, list[float]] = {"mei": [], "verovio": [], "read_back": [], "qt_draw": [], "total": []}
        for k in range(runs):
            edited = nudge(score, k)
            t0 = time.perf_counter()
            mei = mei_document(edited, options.layout)
            t1 = time.perf_counter()
            engraving = engraver.engrave_mei(mei, options, edited.steps_per_bar)   # layout, SVG, read-back
            t2 = time.perf_counter()
            _measure(engraving.pages, edited.steps_per_bar)                        # the read-back alone
            t3 = time.perf_counter()
            draw_pages(engraving)
            t4 = time.perf_counter()
            steps["mei"].append(t1 - t0)
            steps["verovio"].append((t2 - t1) - (t3 - t2))
            steps["read_back"].append(t3 - t2)
            steps["qt_draw"].append(t4 - t3)
            steps["total"].append((t1 - t0) + (t2 - t1) + (t4 - t3))
        out.append({"bars": bars, "notes": score.note_count(),
                    **{f"{name}_ms": round(statistics.median(v) * 1000, 1) for name, v in steps.items()}})
    return out


def in_window(edits: int) -> dict:
    from chorale_studio.ui.main_window import MainWindow

    window = MainWindow(audio="null")
    window.resize(1500, 950)
    window.show()
    pane = window.score_pane
    done = []
    pane.engraved.connect(lambda: done.append(time.perf_counter()))
    window.doc.load(chorale_of(16))
    wait_until(lambda: bool(done) and not pane.runner.busy)
    meter = GapMeter()
    latencies = []
    meter.start()
    for k in range(edits):
        note = window.doc.score.notes(Voice.ALTO)[5]
        done.clear()
        began = time.perf_counter()
        window.editor.replace_notes([(Voice.ALTO, note)],
                                    [(Voice.ALTO, note.with_(pitch=note.pitch + (1 if k % 2 else -1)))], "Move")
        wait_until(lambda: bool(done) and not pane.runner.busy, 10_000)
        latencies.append(done[-1] - began)
        wait_until(lambda: time.perf_counter() - began > 0.15, 1000)
    stall = meter.stop()
    window.doc.undo_stack.setClean()
    window.close()
    lat = sorted(latencies)
    return {"edits": edits, "edit_to_screen_median_ms": round(statistics.median(lat) * 1000, 1),
            "edit_to_screen_max_ms": round(lat[-1] * 1000, 1), **{f"gui_{k}": v for k, v in stall.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--width", type=int, default=1400, help="the pane's width in pixels")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    app = QApplication(sys.argv[:1])
    results = {"headless": headless(args.runs, args.width), "window": in_window(args.edits)}
    del app
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"re-engraving after a one-note edit, pane {args.width} px wide, median of {args.runs}:")
    for r in results["headless"]:
        print(f"  {r['bars']:2d} bars ({r['notes']:3d} notes)  total {r['total_ms']:6.1f} ms  = MEI {r['mei_ms']:.1f}"
              f" + verovio {r['verovio_ms']:.1f} + read-back {r['read_back_ms']:.1f} + Qt draw {r['qt_draw_ms']:.1f}")
    w = results["window"]
    print(f"in the window, 16 bars, {w['edits']} edits: edit → engraving on screen median "
          f"{w['edit_to_screen_median_ms']} ms, max {w['edit_to_screen_max_ms']} ms")
    print(f"  GUI event-loop gaps (5 ms timer): max {w['gui_max_ms']} ms, p99 {w['gui_p99_ms']} ms, "
          f"median {w['gui_median_ms']} ms, gaps over 50 ms: {w['gui_over_50_ms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
