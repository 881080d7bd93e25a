"""Make docs/screenshot.png: the window with JS Fakes chorale 497 loaded, a locked bar, a locked cell
and a few selected notes.  Run from the checkout: python docs/make_screenshot.py
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QMessageBox  # noqa: E402

from chorale_studio.paths import jsfakes_midi_dir  # noqa: E402
from chorale_studio.score import Voice  # noqa: E402
from make_generation_screenshots import new_window  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "screenshot.png"
    app, window = new_window(1400, 850)
    window.show()
    app.processEvents()
    window.open_file(jsfakes_midi_dir() / "497.mid")
    for box in window.findChildren(QMessageBox):   # the import report: not part of the picture
        box.close()
    doc = window.doc
    window.editor.toggle_bar_lock(2)
    window.editor.toggle_cell_lock(Voice.ALTO, 5)
    window.editor.toggle_cell_lock(Voice.BASS, 5)
    doc.set_active_voice(Voice.SOPRANO)
    spb = doc.score.steps_per_bar
    doc.select((Voice.SOPRANO, n) for n in doc.score.notes_between(Voice.SOPRANO, 7 * spb, 8 * spb))
    doc.select_bars([7])
    window._playhead_moved(3 * spb + 6)
    window._hover(4 * spb + 4, 72)
    app.processEvents()
    window.grab().save(str(out))
    doc.undo_stack.setClean()
    window.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
