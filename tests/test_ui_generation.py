"""A composer asks the model for music inside the window: fill, continue, harmonize, a new piece;
watches the notes stream in, cancels, steps through the candidates, hears them, accepts one as a
single undo step, chooses another model folder and switches on the voice-leading overlay.

Real widgets on the offscreen platform, a real (tiny, random) GPT-2 model folder loaded on the
real worker thread: whatever the random model writes, the grammar makes it valid music.
"""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMessageBox

from chorale_studio.io.midi import read_midi
from chorale_studio.io.project import load_project
from chorale_studio.score import Note, Score, Voice
from chorale_studio.ui.main_window import app_settings
from chorale_studio.ui.model_chooser import SETTINGS_KEY
from generation_models import model_dir  # noqa: F401  (fixture)
from windows import TIMEOUT_MS, open_window, private_settings  # noqa: F401  (fixture)



@pytest.fixture
def window(qtbot, model_dir, jsfakes_dir):  # noqa: F811
    """The window with JS Fakes chorale 0 (8 bars) open and the tiny model chosen earlier."""
    with open_window(qtbot, model_dir=model_dir, score=read_midi(jsfakes_dir / "0.mid").score.window(0, 8)) as w:
        yield w


def finish(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.generation.job is None, timeout=TIMEOUT_MS)


def cells_of(score: Score, bars) -> dict:
    return {(v, b): score.notes_in_cell(v, b) for v in Voice for b in bars}


def error_boxes(window) -> list[str]:
    return [f"{b.text()} {b.informativeText()}" for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_refilling_bars_2_and_3_between_locked_bars_1_and_4_keeps_them_and_undoes_in_one_step(window, qtbot):
    doc, g = window.doc, window.generation
    window.editor.toggle_bar_lock(0)
    window.editor.toggle_bar_lock(3)
    before = doc.snapshot()
    steps_before = doc.undo_stack.count()
    doc.select_bars([1, 2])
    assert g.act_fill.isEnabled()
    g.act_fill.trigger()
    assert g.panel.progress_box.isVisible() and g.panel.cancel_button.isEnabled()
    finish(qtbot, window)
    assert g.candidates() and doc.score == before, "nothing changes until a candidate is accepted"
    g.panel.browser.accept_button.click()
    after = doc.score
    assert cells_of(after, [0, 3]) == cells_of(before, [0, 3]), "the locked bars kept every note"
    for v in Voice:
        for b in (1, 2):
            notes = after.notes_in_cell(v, b)
            assert all(n in after.notes(v) for n in notes), "written notes lie inside their bar"
            assert all(after.in_range(v, n.pitch) for n in notes), f"{v.label} bar {b + 1} left its range"
    assert all(any(after.notes_in_cell(v, b) for v in Voice) for b in (1, 2)), "the filled bars hold music"
    assert not g.panel.candidates_box.isVisible()
    assert doc.undo_stack.count() == steps_before + 1
    window.act_undo.trigger()
    assert doc.score == before


def test_cancel_mid_generation_leaves_the_score_untouched(window, qtbot):
    doc, g = window.doc, window.generation
    before = doc.snapshot()
    steps = doc.undo_stack.count()
    assert g.continue_(bars=40)
    qtbot.waitUntil(lambda: len(window.roll.ghost_notes) > 0, timeout=TIMEOUT_MS)   # notes stream in
    assert g.panel.progress.maximum() > 0 and 0 < g.panel.progress.value() < g.panel.progress.maximum()
    qtbot.mouseClick(g.panel.cancel_button, Qt.LeftButton)
    finish(qtbot, window)
    assert "cancelled" in g.panel.status.text()
    assert doc.score == before and doc.undo_stack.count() == steps
    assert not g.candidates() and window.roll.ghost_notes == ()
    assert not g.panel.progress_box.isVisible()


def test_continue_on_an_eight_bar_piece_yields_twelve_bars(window, qtbot):
    doc, g = window.doc, window.generation
    before = doc.snapshot()
    g.act_continue.trigger()
    finish(qtbot, window)
    assert max(n.end for _, n in window.roll.ghost_notes) > before.total_steps, "the preview runs past the end"
    g.accept()
    assert doc.score.bars == 12
    assert cells_of(doc.score, range(8)) == cells_of(before, range(8))
    window.act_undo.trigger()
    assert doc.score == before


def test_harmonizing_a_given_soprano_leaves_it_identical(window, qtbot):
    doc, g = window.doc, window.generation
    tune = doc.score.notes(Voice.SOPRANO)
    g.harmonize((Voice.ALTO, Voice.TENOR, Voice.BASS))
    finish(qtbot, window)
    g.accept()
    assert doc.score.notes(Voice.SOPRANO) == tune
    assert all(doc.score.notes(v) for v in (Voice.ALTO, Voice.TENOR, Voice.BASS))
    assert doc.undo_stack.count() == 1


def test_stepping_through_candidates_previews_and_plays_each_and_discard_keeps_the_chorale(window, qtbot):
    doc, g = window.doc, window.generation
    window.connect_playback()
    g.panel.candidates.setValue(3)
    before = doc.snapshot()
    doc.select_bars([4, 5])
    g.fill()
    finish(qtbot, window)
    browser = g.panel.browser
    assert [b.text() for b in browser.letter_buttons] == ["A", "B", "C"]
    scores = [c.vl_score for c in g.candidates()]
    assert scores == sorted(scores), "the best candidate comes first"
    previews = []
    for _ in range(3):
        shown = g.candidates()[browser.current]
        assert f"{shown.vl_score:.1f}" in browser.detail.text()
        assert shown.flaws and shown.flaws in browser.detail.text(), "what is heard, in words"
        previews.append(window.roll.ghost_notes)
        g.act_next.trigger()
    assert browser.current == 0, "next wraps around after C"
    assert len(set(previews)) == 3 and all(previews)
    g.act_prev.trigger()
    assert browser.current == 2 and "Candidate C" in browser.title.text()
    browser.hear_button.click()
    assert window.playback.state() == "playing"
    assert doc.score == before
    browser.discard_button.click()
    assert window.playback.state() != "playing"
    assert doc.score == before and doc.undo_stack.count() == 0 and window.roll.ghost_notes == ()


def test_a_locked_seed_writes_the_same_new_chorale_again_and_regenerate_draws_a_new_seed(window, qtbot):
    doc, g = window.doc, window.generation
    g.panel.seed.setValue(1234)
    g.panel.seed_lock.setChecked(True)
    g.new_chorale(bars=4)
    finish(qtbot, window)
    first = g.candidates()[0].score
    g.discard()
    g.new_chorale(bars=4)
    finish(qtbot, window)
    assert g.candidates()[0].score == first
    g.act_regenerate.trigger()
    assert g.panel.seed.value() != 1234
    finish(qtbot, window)
    g.accept()
    assert doc.score.bars == 4 and doc.score.note_count() > 0
    window.act_undo.trigger()
    assert doc.score.bars == 8


def test_a_folder_that_is_not_a_model_is_refused_with_its_reason_and_a_good_one_is_remembered(
        window, qtbot, tmp_path, model_dir):  # noqa: F811
    g = window.generation
    not_a_model = tmp_path / "holiday photos"
    not_a_model.mkdir()
    g.load_model(str(not_a_model))
    qtbot.waitUntil(lambda: bool(error_boxes(window)), timeout=TIMEOUT_MS)
    assert "tokenizer.json" in error_boxes(window)[0], "the message says what the folder lacks"
    assert g.chooser.folder == model_dir
    g.load_model(str(model_dir))
    qtbot.waitUntil(lambda: g.chooser.capabilities is not None, timeout=TIMEOUT_MS)
    assert "prefix" in g.chooser.info_label.text()
    assert app_settings().value(SETTINGS_KEY) == str(model_dir)


def test_closing_the_window_mid_generation_stops_the_worker_within_a_second(window, qtbot):
    g = window.generation
    g.continue_(bars=40)
    qtbot.waitUntil(lambda: len(window.roll.ghost_notes) > 0, timeout=TIMEOUT_MS)
    window.doc.undo_stack.setClean()
    began = time.perf_counter()
    window.close()
    assert time.perf_counter() - began < 1.0
    assert g.runner.thread.isFinished()


def test_the_overlay_marks_parallel_fifths_with_a_tooltip_naming_the_rule(window, qtbot):
    doc, roll = window.doc, window.roll
    piece = Score(bars=1)
    # C–G then D–A: soprano and bass move up a step together in fifths.
    piece.set_notes(Voice.SOPRANO, [Note(start=0, length=8, pitch=67), Note(start=8, length=8, pitch=69)])
    piece.set_notes(Voice.BASS, [Note(start=0, length=8, pitch=48), Note(start=8, length=8, pitch=50)])
    doc.load(piece)
    g = window.generation
    g.act_overlay.setChecked(True)
    fifths = [m for m in roll.markers if m.finding.kind == "parallel_fifths"]
    assert fifths and fifths[0].step == 8
    roll.fit_to_window()
    view = roll.view
    x = view.x_of(8) + 5
    y = (view.y_of(69) + view.y_of(50)) / 2
    assert "Parallel fifths between soprano and bass" in roll.canvas.marker_at(QPointF(x, y)).finding.message
    doc.load(Score(bars=1))
    qtbot.waitUntil(lambda: roll.markers == [], timeout=2000)
    g.act_overlay.setChecked(False)
    assert roll.markers == []


def test_generation_settings_are_saved_with_the_project_and_kept_as_defaults(window, tmp_path):
    g = window.generation
    g.panel.temperature.setValue(0.8)
    g.panel.candidates.setValue(5)
    g.panel.seed.setValue(77)
    g.panel.seed_lock.setChecked(True)
    assert window.save_as(tmp_path / "piece.chorale")
    saved = load_project(tmp_path / "piece.chorale").settings
    assert (saved["temperature"], saved["candidates"], saved["seed"], saved["seed_locked"]) == (0.8, 5, 77, True)
    assert app_settings().value("generation/candidates") in (5, "5")
    g.panel.candidates.setValue(2)
    assert window.open_file(tmp_path / "piece.chorale")
    assert g.settings().candidates == 5 and g.settings().seed == 77
