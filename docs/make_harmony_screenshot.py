"""Make docs/screenshot-harmony-lane.png: 'Aus meines Herzens Grunde' (BWV 269, Riemenschneider 1)
with the harmony lane under the roll and the same Roman numerals under the bass staff of the score
pane, the first nine bars in view; bar 6 (m5) carries a chord plan (the lane's top line), the chords
the expert analysis names there.

Run from the checkout:
    python docs/make_harmony_screenshot.py [OUT_DIR]
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt  # noqa: E402

from make_generation_screenshots import new_window, wait_until  # noqa: E402



def main() -> int:
    from music21 import corpus

    from chorale_studio.io.musicxml import score_from_music21

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app, window = new_window(1600, 1100)
    window.show()
    window.doc.load(score_from_music21(corpus.parse("bach/bwv269")).score)
    window.resizeDocks([window.score_dock], [480], Qt.Vertical)
    pane, roll = window.score_pane, window.roll
    plan = Path(tempfile.mkdtemp()) / "plan.rntxt"
    plan.write_text("Time Signature: 3/4\n\nm5 G: V6 b2 vi6/5 b3 viio6\n")
    roll.harmony_lane.import_plan(plan)
    app.processEvents()
    roll.reveal_bars(0, 9)
    roll.center_on_pitch(62)
    wait_until(lambda: pane.view.engraving is not None and not (pane._now.isActive() or pane._settle.isActive()
                                                               or pane.runner.busy), 60_000)
    app.processEvents()
    window.grab().save(str(out / "screenshot-harmony-lane.png"))
    print(f"wrote {out / 'screenshot-harmony-lane.png'}")
    window.doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
