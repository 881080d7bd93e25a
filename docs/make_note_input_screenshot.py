"""Make docs/screenshot-note-input.png: note input (N) after typing the first bars of BWV 1.6's soprano and
the start of its alto with the computer keyboard — real key events, as a composer types them.
Run from the checkout: python docs/make_note_input_screenshot.py
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from music21 import corpus  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from chorale_studio.io.musicxml import read_musicxml  # noqa: E402
from chorale_studio.score import Score, Voice  # noqa: E402
from chorale_studio.ui.note_input import LENGTH_KEYS, LETTERS  # noqa: E402
from make_generation_screenshots import new_window  # noqa: E402

_NATURAL = {pc: key for key, pc in LETTERS.items()}


def type_voice(window, voice: Voice, notes, until: int) -> None:
    """Type ``notes`` of ``voice`` that start before step ``until``: length keys, letters, then arrows
    to reach the exact pitch, as a composer would."""
    canvas = window.roll.canvas
    QTest.keyClick(canvas, Qt.Key_1 + int(voice), Qt.AltModifier)
    lengths = {steps: key for key, steps in LENGTH_KEYS.items()}
    for n in notes:
        if n.start >= until:
            break
        if n.length != window.note_input.length and n.length in lengths:
            QTest.keyClick(canvas, lengths[n.length])
        pc = n.pitch % 12
        letter = _NATURAL.get(pc, _NATURAL.get((pc - 1) % 12))
        QTest.keyClick(canvas, letter)
        entered = window.doc.score.notes(voice)[-1].pitch
        while entered != n.pitch:
            step = 12 if abs(n.pitch - entered) >= 12 else 1
            up = n.pitch > entered
            QTest.keyClick(canvas, Qt.Key_Up if up else Qt.Key_Down, Qt.ControlModifier if step == 12 else Qt.NoModifier)
            entered += step if up else -step


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "screenshot-note-input.png"
    app, window = new_window(1600, 1000)
    window.resizeDocks([window.score_dock], [300], Qt.Vertical)
    window.show()
    app.processEvents()
    bach = read_musicxml(corpus.getWork("bach/bwv1.6")).score
    window.doc.load(Score(bars=8, key=bach.key, meter=bach.meter, title="Typed: BWV 1.6", pickup=bach.pickup))
    window.roll.fit_to_window()
    window.roll.canvas.setFocus()
    QTest.keyClick(window.roll.canvas, Qt.Key_N)
    type_voice(window, Voice.SOPRANO, bach.notes(Voice.SOPRANO), 5 * 16)
    window.note_input.start(at=bach.notes(Voice.ALTO)[0].start)
    type_voice(window, Voice.ALTO, bach.notes(Voice.ALTO), 2 * 16 + 8)
    pane = window.score_pane
    deadline = time.monotonic() + 30   # let the score pane engrave what was typed
    while time.monotonic() < deadline and (pane._now.isActive() or pane._settle.isActive() or pane.runner.busy):
        app.processEvents()
        time.sleep(0.05)
    app.processEvents()
    window.grab().save(str(out))
    window.doc.undo_stack.setClean()
    window.close()
    print(f"wrote {out}: {window.doc.undo_stack.count()} undo steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
