"""Make the screenshots of the composer's workflow (issue #15):

- docs/screenshot-continue.png: a continuation streaming in on the bars it adds (numbered, with their
  grid), scrolled into view, with the piece's phrase ends marked;
- docs/screenshot-new-piece.png: a new chorale in B minor, 3/4, previewed on its own grid over a piece in
  another key and meter, ending with a cadence;
- docs/screenshot-help.png: Help ▸ Quick Guide, Keyboard Shortcuts and the overlay's legend.

Uses the shipped model (resources/model) when it is there, else a tiny random model.  Run from the
checkout:  python docs/make_workflow_screenshots.py [OUT_DIR]
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QPainter, QPixmap  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_generation_screenshots import start, wait_until  # noqa: E402

from chorale_studio.score import Key, Meter  # noqa: E402
from chorale_studio.ui import theme  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app, window = start(1500, 880)
    window.score_dock.hide()   # the roll is the subject here
    g, doc, roll = window.generation, window.doc, window.roll
    doc.load(doc.score.window(0, 8))
    g.panel.candidates.setValue(3)
    g.panel.seed.setValue(15)
    g.panel.seed_lock.setChecked(True)
    for step in (3 * 16 + 12, 7 * 16 + 8):   # phrase ends in bars 4 and 8
        window.editor.toggle_fermata(step)
    roll.fit_to_window()
    roll.zoom_horizontal(1.6)
    roll.hbar.setValue(0)
    shots: dict[str, bool] = {}

    def grab_midway(words: int, expected: int, notes) -> None:
        if g.job is not None and g.job.kind.value == "continue" and not shots.get("continue") \
                and words >= 0.5 * expected:
            app.processEvents()
            window.grab().save(str(out / "screenshot-continue.png"))
            shots["continue"] = True

    g.runner.progress.connect(grab_midway)
    g.continue_()
    wait_until(lambda: g.job is None)
    if not shots.get("continue"):
        window.grab().save(str(out / "screenshot-continue.png"))
    g.discard()

    g.new_chorale(bars=8, key=Key.parse("B minor"), meter=Meter(3, 4), cadence=True)
    wait_until(lambda: g.job is None)
    app.processEvents()
    window.grab().save(str(out / "screenshot-new-piece.png"))
    g.discard()

    window.act_overlay = window.registry["overlay"]
    window.act_overlay.setChecked(True)
    guide, keys, legend = window.help.show_guide(), window.help.show_shortcuts(), window.help.show_legend()
    for d, size in ((guide, (620, 760)), (keys, (520, 760)), (legend, (640, 300))):
        d.resize(*size)
    app.processEvents()
    shots_ = [w.grab() for w in (guide, keys, legend)]
    sheet = QPixmap(shots_[0].width() + shots_[1].width() + 20, max(760, shots_[2].height() + 300))
    sheet.fill(theme.BACKGROUND)
    p = QPainter(sheet)
    p.drawPixmap(QPoint(0, 0), shots_[0])
    p.drawPixmap(QPoint(shots_[0].width() + 20, 0), shots_[1])
    p.end()
    full = QPixmap(sheet.width(), sheet.height() + shots_[2].height() + 20)
    full.fill(theme.BACKGROUND)
    p = QPainter(full)
    p.drawPixmap(QPoint(0, 0), sheet)
    p.drawPixmap(QPoint(0, sheet.height() + 20), shots_[2])
    p.end()
    full.save(str(out / "screenshot-help.png"))
    print(f"wrote {out}/screenshot-continue.png, screenshot-new-piece.png, screenshot-help.png")
    doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
