"""The one door for edits, without a window: every ScoreEditor method is one undo step, an edit that
cannot be made changes nothing and says why, and generation's settings are the engine's Sampling.

Only a ScoreDocument and its editor (Qt objects, no widgets), except where the window's start-up
and the Generate panel are the subject.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings

from chorale_studio.generation.requests import CANDIDATES_RANGE, TEMPERATURE_RANGE, Sampling
from chorale_studio.score import Key, Meter, Note, Score, Voice
from chorale_studio.ui.document import ScoreDocument
from chorale_studio.ui.editor import ScoreEditor
from chorale_studio.ui.generate_panel import PANEL_DEFAULTS, sampling_from, seed_locked_from, settings_table

S, A, T, B = Voice


@pytest.fixture
def editor(qapp):
    doc = ScoreDocument(Score(bars=4))
    yield ScoreEditor(doc)


def signals(editor):
    heard = {"failed": [], "message": []}
    editor.failed.connect(lambda title, text: heard["failed"].append((title, text)))
    editor.message.connect(heard["message"].append)
    return heard


def test_each_edit_is_one_undo_step_and_undo_brings_back_the_piece(editor):
    doc = editor.doc
    before = doc.snapshot()
    edits = [
        lambda: editor.draw_note(S, Note(0, 8, 72)),
        lambda: editor.draw_note(A, Note(0, 8, 65)),
        lambda: doc.select([(S, Note(0, 8, 72))]),        # selecting is not an edit
        lambda: editor.shift_selected(4, 2),
        lambda: editor.paste([(B, Note(0, 4, 48)), (T, Note(2, 4, 55))], 16),
        lambda: editor.toggle_bar_lock(1),
        lambda: editor.toggle_cell_lock(T, 3),
        lambda: editor.toggle_voice_lock(B),
        lambda: editor.set_tempo(120),
        lambda: editor.set_key(Key(-2, "minor")),
        lambda: editor.insert_bars(0, 2),
        lambda: editor.delete_bars(5, 1),
        lambda: editor.set_meter(Meter(3, 4)),
    ]
    steps = []
    for edit in edits:
        edit()
        steps.append(doc.undo_stack.count())
    assert steps == [1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert doc.score.notes(S) == (Note(36, 8, 74),)
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.score == before


def test_a_move_past_the_end_is_refused_with_a_message_and_changes_nothing(editor):
    heard = signals(editor)
    editor.draw_note(S, Note(56, 8, 72))
    editor.shift_selected(16, 0)
    assert editor.doc.score.notes(S) == (Note(56, 8, 72),) and editor.doc.undo_stack.count() == 1
    assert heard["message"] == ["The notes cannot move past the edge of the piece"]


def test_deleting_every_bar_is_refused_with_a_reason_and_no_dialog(editor):
    heard = signals(editor)
    assert not editor.delete_bars(0, 4)
    assert heard["failed"] and heard["failed"][0][0] == "Could not delete bars"
    assert editor.doc.score.bars == 4 and editor.doc.undo_stack.count() == 0


def _candidate(score: Score, cells) -> SimpleNamespace:
    return SimpleNamespace(score=score, cells=frozenset(cells))


def test_accepting_candidates_fills_cells_replaces_the_piece_or_continues_it_in_one_step(editor):
    doc = editor.doc
    doc.score.set_locked([(A, 0)])
    written = doc.snapshot()
    written.set_notes(S, [Note(16, 16, 74)])
    assert editor.accept_candidate(_candidate(written, [(S, 1)]), "Fill bar 2")
    assert doc.score.notes(S) == (Note(16, 16, 74),) and doc.undo_stack.undoText() == "Fill bar 2"

    new = Score(bars=6)
    new.set_notes(B, [Note(0, 16, 48)])
    assert editor.accept_candidate(_candidate(new, [(v, b) for v in Voice for b in range(6)]), "New chorale",
                                   whole_piece=True)
    assert doc.score.bars == 6 and doc.score.notes(B) == (Note(0, 16, 48),)

    before = doc.snapshot()
    longer = before.copy()
    longer.insert_bars(6, 2)
    longer.set_notes(A, [Note(96, 16, 65), Note(112, 16, 67)])
    assert editor.accept_candidate(_candidate(longer, [(A, 6), (A, 7)]), "Continue", continued_from=before)
    assert doc.score.bars == 8 and doc.score.notes(A) == (Note(96, 16, 65), Note(112, 16, 67))
    assert doc.undo_stack.count() == 3


def test_a_candidate_that_no_longer_fits_is_refused_and_the_piece_stays(editor):
    doc = editor.doc
    heard = signals(editor)
    before = doc.snapshot()
    editor.insert_bars(4, 1)                         # the piece changed after the request was made
    longer = before.copy()
    longer.insert_bars(4, 4)
    assert not editor.accept_candidate(_candidate(longer, [(S, 4)]), "Continue", continued_from=before)
    assert "now has 5 bars" in heard["failed"][0][1]
    doc.score.set_locked([(T, 0)])
    assert not editor.accept_candidate(_candidate(doc.snapshot(), [(T, 0)]), "Fill bar 1")
    assert "locked" in heard["failed"][1][1] and doc.undo_stack.count() == 1


# ---- generation settings are Sampling ------------------------------------------------------------

def test_the_settings_of_the_panel_are_the_engines_sampling_with_its_limits(qtbot, tmp_path):
    from chorale_studio.ui.generate_panel import GeneratePanel

    panel = GeneratePanel(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(panel)
    assert (panel.temperature.minimum(), panel.temperature.maximum()) == TEMPERATURE_RANGE
    assert (panel.candidates.minimum(), panel.candidates.maximum()) == CANDIDATES_RANGE
    panel.show_settings(Sampling(top_k=40, candidates=16, temperature=0.5), True)
    shown = panel.sampling()
    assert isinstance(shown, Sampling) and shown.top_k == 40, "a field without a widget is kept"
    assert (shown.candidates, shown.temperature, panel.seed_locked()) == (16, 0.5, True)


def test_settings_read_back_field_by_field_keep_what_is_unusable_from_the_base():
    table = settings_table(Sampling(top_k=12, style="BACH", seed=5), seed_locked=True)
    assert table["top_k"] == 12 and table["seed_locked"] is True
    # As QSettings' INI files give them back: strings.
    as_ini = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in table.items()}
    assert sampling_from(as_ini) == Sampling(top_k=12, style="BACH", seed=5, candidates=1)
    assert seed_locked_from(as_ini) is True
    broken = {"temperature": "99", "candidates": "many", "style": "baroque", "strict": "false"}
    assert sampling_from(broken) == Sampling(candidates=PANEL_DEFAULTS.candidates, strict=False)


# ---- start-up: recovery and the file named on the command line --------------------------------------

def test_a_restored_autosave_says_that_the_file_named_at_start_was_not_opened(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from chorale_studio.io.project import project_bytes, save_project
    from chorale_studio.ui.main_window import MainWindow
    from chorale_studio.ui.recovery import DATA_DIR_ENV, RECOVERY_KEY

    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    other = tmp_path / "other.chorale"
    save_project(other, Score(bars=2))
    folder = tmp_path / "data" / "recovery"
    folder.mkdir(parents=True)
    (folder / "autosave-0123456789ab.chorale").write_bytes(project_bytes(
        Score(bars=4, title="Evening Hymn"), {RECOVERY_KEY: {"original_path": None, "saved_at": "2024-05-01T10:30"}}))

    def restore() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, restore)
            return
        next(b for b in box.buttons() if b.text() == "Restore").click()

    window = MainWindow(audio="null")
    qtbot.addWidget(window)
    QTimer.singleShot(20, restore)
    window.recover_or_open(other)
    assert window.doc.score.title == "Evening Hymn" and window.doc.path is None
    box, = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert box.text() == "other.chorale was not opened" and "Evening Hymn" in box.informativeText()
    window.doc.undo_stack.setClean()
    window.autosaver.close()
    window.generation.shutdown()
