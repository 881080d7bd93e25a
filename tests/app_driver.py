"""The app as `chorale-studio FILE` starts it, plus one edit once its window is shown: a soprano D5 drawn
through the editor, then ``test edit done`` on stdout.  The crash-recovery test kills it after that.

    python tests/app_driver.py FILE
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chorale_studio.score import Note, Voice  # noqa: E402
from chorale_studio.ui.app import run_app  # noqa: E402


def edit_once_shown(file: str):
    def edit(window) -> None:
        window.recover_or_open(file)   # what the app does at start
        window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=8, pitch=74))
        print("test edit done", flush=True)
    return edit


if __name__ == "__main__":
    sys.exit(run_app(sys.argv[1], on_shown=edit_once_shown(sys.argv[1])))
