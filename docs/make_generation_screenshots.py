"""Make docs/screenshot-generating.png (a fill streaming in as ghost notes, progress and Cancel) and
docs/screenshot-candidates.png (the candidate browser over the preview of candidate B).

Uses the shipped model (resources/model) when it is there, else a tiny random model: the grammar
keeps its music valid, if not beautiful.  Run from the checkout:
    python docs/make_generation_screenshots.py [OUT_DIR]
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from chorale_studio.paths import default_model_dir, jsfakes_midi_dir  # noqa: E402
from chorale_studio.ui import theme  # noqa: E402
from chorale_studio.ui.main_window import MainWindow  # noqa: E402


def model_folder() -> Path:
    if (default_model_dir() / "config.json").is_file():
        return default_model_dir()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from generation_models import save_random_model

    from chorale_studio.tokens.vocab import EXTENDED_WORDS
    return save_random_model(Path(tempfile.mkdtemp()) / "random-model", EXTENDED_WORDS, layers=4, width=128, heads=4)


def wait_until(condition, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start(20)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()


def new_window(width: int, height: int) -> tuple[QApplication, MainWindow]:
    """The app with private settings and its theme, and a window of that size (not shown yet)."""
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    app = QApplication(sys.argv[:1])
    theme.apply_theme(app)
    window = MainWindow(audio="null")
    window.resize(width, height)
    return app, window


def start(width: int, height: int) -> tuple[QApplication, MainWindow]:
    """``new_window``, shown with JS Fakes chorale 497 open and the model loaded."""
    app, window = new_window(width, height)
    window.show()
    window.open_file(jsfakes_midi_dir() / "497.mid")
    for box in window.findChildren(QMessageBox):   # the import report: not part of the picture
        box.close()
    g = window.generation
    g.chooser.folder = model_folder()
    g.load_model(str(g.chooser.folder))
    wait_until(lambda: g.chooser.capabilities is not None)
    return app, window


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    app, window = start(1500, 880)
    g, doc, roll = window.generation, window.doc, window.roll
    window.editor.toggle_bar_lock(2)
    window.editor.toggle_bar_lock(7)
    g.panel.candidates.setValue(4)
    g.panel.seed.setValue(497)
    g.panel.seed_lock.setChecked(True)
    roll.fit_to_window()
    doc.select_bars(range(3, 7))
    shots: dict[str, bool] = {}

    def grab_midway(words: int, expected: int, notes) -> None:
        # Halfway through the fill: enough ghost notes to see, the progress bar part-way.
        if not shots.get("generating") and words >= 0.45 * expected and len(notes) > 12:
            app.processEvents()
            window.grab().save(str(out / "screenshot-generating.png"))
            shots["generating"] = True

    g.runner.progress.connect(grab_midway)
    g.fill()
    wait_until(lambda: g.job is None)
    g.browser.next()
    window._hover(4 * doc.score.steps_per_bar + 4, 72)
    app.processEvents()
    window.grab().save(str(out / "screenshot-candidates.png"))
    print(f"wrote {out / 'screenshot-candidates.png'}; generating shot taken: {bool(shots.get('generating'))}")
    doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
