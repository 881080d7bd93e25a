"""A composer's work is never lost: autosave and crash recovery, saves that fail safely, broken files
that cannot hurt the open piece, and crashes that end in a dialog and a log instead of silence.

The crash itself is real: the app runs in a subprocess on the offscreen platform
(``app_driver.py``: ``run_app`` as ``chorale-studio FILE`` starts it, plus one edit once the
window shows) and is killed with SIGKILL two seconds later.
"""
from __future__ import annotations

import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer, qWarning
from PySide6.QtWidgets import QApplication, QMessageBox

from chorale_studio import diagnostics
from chorale_studio.errors import FileFormatError
from chorale_studio.io.project import load_project, project_bytes, save_project
from chorale_studio.score import Note, Score, Voice
from chorale_studio.ui.main_window import MainWindow
from chorale_studio.ui.recovery import (AUTOSAVE_DELAY_MS, DATA_DIR_ENV, RECOVERY_KEY, leftovers, offer_recovery,
                                        recovery_folder)

D5 = Note(start=0, length=8, pitch=74)      # the note app_driver.py draws
BASS_C = Note(start=0, length=16, pitch=48)


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    """Settings and recovery files of these tests live in a temporary folder, not the user's."""
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def window(qtbot):
    w = MainWindow(audio="null")
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def hymn(tmp_path: Path) -> Path:
    """A saved project with one bass note: the 'real file' a crash must never replace."""
    score = Score(bars=4)
    score.set_notes(Voice.BASS, [BASS_C])
    path = tmp_path / "hymn.chorale"
    save_project(path, score)
    return path


def answer_next_dialog(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the next modal dialog, recording what it said."""
    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        button, = [b for b in box.buttons() if b.text() == button_text]
        button.click()
    QTimer.singleShot(20, click)


def visible_error(window) -> QMessageBox:
    box, = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    return box


# ---- autosave ------------------------------------------------------------------------------------

def test_a_new_note_is_autosaved_after_a_short_pause_and_saving_removes_the_recovery_file(window, qtbot,
                                                                                         tmp_path):
    saver = window.autosaver
    assert saver.path.parent == recovery_folder() == tmp_path / "data" / "recovery"
    started = time.monotonic()
    with qtbot.waitSignal(saver.saved, timeout=AUTOSAVE_DELAY_MS + 2000):
        window.editor.draw_note(Voice.SOPRANO, D5)
    assert time.monotonic() - started >= AUTOSAVE_DELAY_MS / 1000 * 0.9   # debounced, not written per keystroke
    recovered = load_project(saver.path)
    assert recovered.score.notes(Voice.SOPRANO) == (D5,)
    assert recovered.settings[RECOVERY_KEY]["original_path"] is None   # a never-saved piece is covered too
    assert recovered.settings[RECOVERY_KEY]["saved_at"]

    assert window.save_as(tmp_path / "mine.chorale")
    assert not saver.path.exists()
    assert load_project(tmp_path / "mine.chorale").score.notes(Voice.SOPRANO) == (D5,)


def test_undoing_back_to_the_saved_piece_leaves_nothing_to_recover(window):
    window.editor.draw_note(Voice.SOPRANO, D5)
    assert window.autosaver.autosave()
    assert window.autosaver.path.exists()
    window.act_undo.trigger()
    assert not window.autosaver.path.exists()


def test_a_clean_exit_that_discards_the_changes_removes_the_recovery_file(qtbot):
    w = MainWindow(audio="null")
    w.show()
    w.editor.draw_note(Voice.SOPRANO, D5)
    assert w.autosaver.autosave()
    seen: list[str] = []
    answer_next_dialog("Discard", seen)
    assert w.close()
    assert "unsaved changes" in seen[0]
    assert not w.autosaver.path.exists()
    assert leftovers() == []
    w.deleteLater()


def test_a_window_still_open_is_not_offered_as_a_leftover(window):
    window.editor.draw_note(Voice.SOPRANO, D5)
    assert window.autosaver.autosave()
    assert leftovers() == []     # its lock is held by a living process


# ---- crash and recovery --------------------------------------------------------------------------

def run_app_and_kill_after_edit(tmp_path: Path, file: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               **{DATA_DIR_ENV: str(tmp_path / "data")}, CHORALE_STUDIO_LOG_DIR=str(tmp_path / "logs"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    driver = Path(__file__).with_name("app_driver.py")
    app = subprocess.Popen([sys.executable, str(driver), str(file)], env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert app.stdout.readline().strip() == "test edit done"
        time.sleep(2.0)
        assert app.poll() is None, "the app must still be running when it is killed"
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(10)
    assert app.returncode == -signal.SIGKILL


def test_after_the_app_is_killed_the_next_start_offers_the_edit_and_restores_it_bound_to_the_real_file(
        tmp_path, qtbot):
    real = hymn(tmp_path)
    on_disk = real.read_bytes()
    run_app_and_kill_after_edit(tmp_path, real)
    assert real.read_bytes() == on_disk                     # the crash never touched the real file

    w = MainWindow(audio="null")
    w.show()
    seen: list[str] = []
    answer_next_dialog("Restore", seen)
    assert offer_recovery(w.doc, w.autosaver, w)            # what the window does first at start
    assert "“hymn.chorale” has unsaved changes" in seen[0] and str(real) in seen[0]
    assert w.doc.score.notes(Voice.SOPRANO) == (D5,)        # the edit made two seconds before the kill
    assert w.doc.score.notes(Voice.BASS) == (BASS_C,)
    assert w.doc.path == real and w.doc.is_modified()
    assert w.windowTitle().startswith("hymn.chorale*")
    assert real.read_bytes() == on_disk                     # restoring is not saving

    assert w.save()
    assert load_project(real).score.notes(Voice.SOPRANO) == (D5,)
    assert list((tmp_path / "data" / "recovery").glob("*.chorale")) == []
    w.close()
    w.deleteLater()


def crashed_session_file(tmp_path: Path) -> Path:
    """A recovery file as a killed session leaves it (no live lock beside it)."""
    score = Score(bars=4, title="Evening Hymn")
    score.set_notes(Voice.SOPRANO, [D5])
    folder = tmp_path / "data" / "recovery"
    folder.mkdir(parents=True)
    path = folder / "autosave-0123456789ab.chorale"
    path.write_bytes(project_bytes(score, {RECOVERY_KEY: {"original_path": None,
                                                          "saved_at": "2024-05-01T10:30:00"}}))
    return path


def test_discarding_a_leftover_deletes_it_and_keeps_the_empty_new_piece(tmp_path, window):
    path = crashed_session_file(tmp_path)
    seen: list[str] = []
    answer_next_dialog("Discard", seen)
    assert not offer_recovery(window.doc, window.autosaver, window)
    assert "“Evening Hymn” has unsaved changes" in seen[0] and "never saved" in seen[0]
    assert not path.exists()
    assert window.doc.score.notes(Voice.SOPRANO) == () and not window.doc.is_modified()


def test_deciding_later_keeps_the_leftover_for_the_next_start(tmp_path, window):
    path = crashed_session_file(tmp_path)
    answer_next_dialog("Decide Later", [])
    assert not offer_recovery(window.doc, window.autosaver, window)
    assert path.exists() and window.doc.score.notes(Voice.SOPRANO) == ()
    assert [left.path for left in leftovers()] == [path]


# ---- saves that fail -----------------------------------------------------------------------------

def _chmod_read_only(folder: Path):
    if os.geteuid() == 0:
        pytest.skip("root writes into a chmod-read-only folder; the immutable variant covers root")
    folder.chmod(0o555)
    return lambda: folder.chmod(0o755)


def _immutable(folder: Path):
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a file system that supports it)")
    return lambda: subprocess.run([chattr, "-i", str(folder)], check=True)


@pytest.mark.parametrize("make_read_only", [_chmod_read_only, _immutable], ids=["chmod-555", "chattr-immutable"])
def test_saving_into_a_read_only_folder_keeps_the_previous_file_and_says_why(tmp_path, window, make_read_only):
    real = hymn(tmp_path)
    assert window.open_file(real)
    on_disk = real.read_bytes()
    window.editor.draw_note(Voice.SOPRANO, D5)
    undo = make_read_only(tmp_path)
    try:
        with pytest.raises(OSError):                        # the folder really refuses new files
            (tmp_path / "probe").write_bytes(b"x")
        assert not window.save()
    finally:
        undo()
    assert real.read_bytes() == on_disk
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["hymn.chorale"]   # no temp file left
    box = visible_error(window)
    assert box.text() == "Could not save hymn.chorale"
    assert box.informativeText().startswith(f"could not save to {real}: ")
    assert window.doc.is_modified() and window.windowTitle().startswith("hymn.chorale*")
    assert window.doc.score.notes(Voice.SOPRANO) == (D5,)


def test_a_full_disk_during_save_keeps_the_previous_file_and_says_why(tmp_path, window):
    real = hymn(tmp_path)
    assert window.open_file(real)
    on_disk = real.read_bytes()
    window.editor.draw_note(Voice.SOPRANO, D5)
    # A file-size limit makes the write fail the way a full disk does, even for root.
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(on_disk) // 2, old_limit[1]))
    try:
        assert not window.save()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert real.read_bytes() == on_disk
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["hymn.chorale"]
    assert "file too large" in visible_error(window).informativeText()
    assert window.doc.is_modified()


# ---- hostile files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content", [
    ("empty.mid", b""),
    ("cut-off.mid", b"MThd\x00\x00\x00\x06\x00\x01\x00\x04\x01\xe0MTrk\x00\x00\x01\x00\x00\x90"),
    ("really-a-png.musicxml", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
    ("half.chorale", b'{"format": "chorale-studio", "schema_version": 1, "score": {"ba'),
    ("words.txt", b"BAR_START S: NOTE_ON_999 ??"),
])
def test_a_broken_file_gives_one_error_and_leaves_the_open_piece_untouched(tmp_path, window, name, content):
    real = hymn(tmp_path)
    assert window.open_file(real)
    before = window.doc.score.to_dict()
    (tmp_path / name).write_bytes(content)
    assert not window.open_file(tmp_path / name)
    box = visible_error(window)
    assert box.text() == f"Could not open {name}"
    assert box.informativeText().startswith(f"could not read {tmp_path / name}: ")
    assert "\n" not in box.informativeText()
    assert window.doc.score.to_dict() == before and window.doc.path == real and not window.doc.is_modified()


# ---- diagnostics -----------------------------------------------------------------------------------

@pytest.fixture
def diagnosed(tmp_path):
    path = diagnostics.install(tmp_path / "logs")
    yield path
    diagnostics.uninstall()


@pytest.mark.qt_no_exception_capture
def test_an_uncaught_error_in_the_app_is_logged_and_shown_with_the_log_location(diagnosed, qtbot):
    seen: list[str] = []
    answer_next_dialog("OK", seen)

    def broken_slot():
        raise ZeroDivisionError("a bug in a slot")
    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "Something went wrong inside Chorale Studio: a bug in a slot" in seen[0]
    assert str(diagnosed) in seen[0]
    text = diagnosed.read_text()
    assert "uncaught exception" in text and "ZeroDivisionError: a bug in a slot" in text
    assert "in broken_slot" in text                          # the whole traceback, not just the message


@pytest.mark.qt_no_exception_capture
def test_an_error_on_a_background_thread_is_logged_and_shown_on_the_gui_thread(diagnosed, qtbot):
    seen: list[str] = []
    answer_next_dialog("OK", seen)

    def broken_job():
        raise RuntimeError("a bug in a background job")
    worker = threading.Thread(target=broken_job, name="render")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "a bug in a background job" in seen[0] and str(diagnosed) in seen[0]
    assert "uncaught exception on thread render" in diagnosed.read_text()


def test_qt_warnings_go_to_the_log(diagnosed):
    qWarning("a warning from inside Qt")
    assert "WARNING qt: a warning from inside Qt" in diagnosed.read_text()


def test_the_log_rotates_instead_of_growing_without_end(diagnosed):
    line = "x" * 1000
    for _ in range(diagnostics.MAX_LOG_BYTES // 1000 + 50):
        logging.getLogger("chorale_studio.test").info(line)
    assert diagnosed.stat().st_size <= diagnostics.MAX_LOG_BYTES
    assert diagnosed.with_name(diagnosed.name + ".1").exists()


def test_an_unwritable_log_folder_falls_back_to_the_terminal_and_never_stops_the_app(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    try:
        assert diagnostics.setup_logging(blocker / "logs") is None
        assert "cannot write a log file" in capsys.readouterr().err
    finally:
        diagnostics.uninstall()


def test_a_recovery_file_that_cannot_be_read_is_skipped_and_kept(tmp_path):
    path = crashed_session_file(tmp_path)
    path.write_bytes(path.read_bytes()[:40])
    assert leftovers() == []
    assert path.exists()
    with pytest.raises(FileFormatError):
        load_project(path)
