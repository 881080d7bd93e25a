"""Make docs/screenshot-notation.png: the score pane under the roll, showing candidate B for bars
4–7 of JS Fakes chorale 497 in notation (blue), bars 3 and 8 locked, the voice-leading overlay on.

Uses the shipped model (resources/model) when it is there, else a tiny random model.  Run from the
checkout:
    python docs/make_notation_screenshot.py [OUT_DIR]
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt  # noqa: E402

from make_generation_screenshots import start, wait_until  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app, window = start(1600, 1100)
    window.resizeDocks([window.score_dock], [500], Qt.Vertical)
    g, doc, pane = window.generation, window.doc, window.score_pane
    window.editor.toggle_bar_lock(2)
    window.editor.toggle_bar_lock(7)
    g.panel.candidates.setValue(3)
    g.panel.seed.setValue(497)
    g.panel.seed_lock.setChecked(True)
    window.roll.fit_to_window()
    doc.select_bars(range(3, 7))
    g.fill()
    wait_until(lambda: g.job is None)
    g.browser.next()
    g.act_overlay.setChecked(True)
    wait_until(lambda: not (pane._now.isActive() or pane._settle.isActive() or pane.runner.busy)
               and bool(pane.view.candidate_cells), 30_000)
    app.processEvents()
    window.grab().save(str(out / "screenshot-notation.png"))
    print(f"wrote {out / 'screenshot-notation.png'}")
    doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
