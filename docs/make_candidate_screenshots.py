"""Make the screenshots of what the window shows while candidates are browsed (issue #24):

- docs/screenshot-preview-score.png: a new chorale in A major, 3/4, previewed over a piece in B♭ major,
  4/4 with a locked bar; the score pane engraves the new piece in its own key, meter and bars;
- docs/screenshot-candidate-flaws.png: candidates for bars 5–6 with the overlay on: the rings and the
  description (whole, wrapped) are the candidate's;
- docs/screenshot-seam.png: the alto of bar 6 harmonized before the locked bar 7: the overlap where they
  meet is ringed and listed before Accept.

Uses the shipped model (resources/model) when it is there, else a tiny random model.  Run from the
checkout:  python docs/make_candidate_screenshots.py [OUT_DIR]
"""
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from make_generation_screenshots import start, wait_until  # noqa: E402
from test_ui_window_defects import seam_piece  # noqa: E402

from chorale_studio.score import Key, Meter, Voice  # noqa: E402


def settled(window) -> None:
    """Wait until the score pane shows what is asked now."""
    pane = window.score_pane
    wait_until(lambda: not (pane._now.isActive() or pane._stream.isActive() or pane.runner.busy))
    wait_until(lambda: False, 300)   # the roll and the pane repaint


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app, window = start(1600, 1000)
    g, doc = window.generation, window.doc
    doc.load(doc.score.window(0, 8))
    window.editor.toggle_bar_lock(2)
    g.panel.show_settings(replace(g.panel.sampling(), candidates=2, seed=24), True)

    g.new_chorale(bars=8, key=Key.parse("A major"), meter=Meter(3, 4), cadence=True)
    wait_until(lambda: g.job is None)
    settled(window)
    window.grab().save(str(out / "screenshot-preview-score.png"))
    g.discard()

    g.act_overlay.setChecked(True)
    g.panel.seed.setValue(25)   # its candidate A has the "2 overlaps" of the issue
    doc.select_bars([4, 5])
    g.fill()
    wait_until(lambda: g.job is None)
    settled(window)
    window.grab().save(str(out / "screenshot-candidate-flaws.png"))
    g.discard()

    doc.load(seam_piece())
    window.editor.toggle_bar_lock(6)
    window.roll.fit_to_window()
    g.harmonize((Voice.ALTO,), (5, 6))
    wait_until(lambda: g.job is None)
    settled(window)
    window.grab().save(str(out / "screenshot-seam.png"))
    doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
