"""The composer's workflow in the window (issue #15): seeing what is generated where it is written, a target
that is what the selection shows, transposing, phrase ends and cadences, a model loaded before it is needed,
help that lists what the window really does, and the small edges of drawing, counting and exporting.

Real widgets on the offscreen platform; the tiny random GPT-2 on the real worker thread.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from chorale_studio.generation.cadence import ends_with_cadence
from chorale_studio.io.midi import read_midi
from chorale_studio.io.musicxml import read_musicxml
from chorale_studio.io.project import load_project
from chorale_studio.score import Key, Meter, Note, Voice, edits
from chorale_studio.ui import main_window as main_window_module
from chorale_studio.ui.generation_dialogs import NewChoraleDialog
from chorale_studio.ui.piece_dialogs import SIGNATURE, TRANSPOSE, TransposeDialog
from generation_models import model_dir  # noqa: F401  (fixture)
from windows import TIMEOUT_MS, open_window, private_settings  # noqa: F401  (fixture)



@pytest.fixture
def window(qtbot, model_dir, jsfakes_dir):  # noqa: F811
    """The window with JS Fakes chorale 0 (8 bars) open and the tiny model chosen."""
    with open_window(qtbot, model_dir=model_dir, score=read_midi(jsfakes_dir / "0.mid").score.window(0, 8)) as w:
        w.roll.fit_to_window()
        yield w


def finish(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.generation.job is None, timeout=TIMEOUT_MS)


def quick(window, candidates: int = 1) -> None:
    """Draft-only sampling (no revision pass) to keep the tests short."""
    panel = window.generation.panel
    panel.show_settings(replace(panel.sampling(), quick=True, candidates=candidates), True)


def at(window, step: float, pitch: int) -> QPoint:
    v = window.roll.view
    return QPoint(round(v.x_of(step)), round(v.y_of(pitch) + v.row_height / 2))


def bar_visible(window, bar: int) -> bool:
    v, piece = window.roll.view, window.roll.view.shown(window.doc.score)
    x0, x1 = v.bar_edges(piece, bar)
    return x0 >= -1 and x1 <= window.roll.canvas.width() + 1 and bar in v.visible_bars(piece, window.roll.canvas.width())


# ---- 1. seeing what is generated -----------------------------------------------------------------------
def test_a_continuation_is_previewed_on_numbered_bars_past_the_end_scrolled_into_view(window, qtbot):
    roll, g = window.roll, window.generation
    quick(window)
    for _ in range(6):
        roll.zoom_horizontal(1.25)
    roll.hbar.setValue(0)
    assert not bar_visible(window, 11)
    assert g.continue_()
    assert roll.view.piece is not None and roll.view.piece.bars == 12, "the coming bars have their grid"
    assert all(bar_visible(window, b) for b in range(8, 12)), "the bars being written are in view"
    finish(qtbot, window)
    assert g.candidates() and roll.view.piece.bars == 12
    assert all(bar_visible(window, b) for b in range(8, 12)), "a continuation's target bars are visible after it"
    assert any(n.start >= 8 * 16 for _, n in roll.view.ghost_notes), "the candidate's notes past the old end show"
    roll.fit_to_window()
    assert bar_visible(window, 0) and bar_visible(window, 11), "Fit includes the previewed bars"
    g.discard()
    assert roll.view.piece is None


def test_a_new_chorale_in_another_key_and_meter_is_previewed_on_its_own_grid_and_replaces_the_file(window, qtbot,
                                                                                                  tmp_path):
    g = window.generation
    window.files.save_as(tmp_path / "old.chorale")
    window.editor.toggle_bar_lock(0)
    quick(window)
    assert g.new_chorale(bars=4, key=Key.parse("B minor"), meter=Meter(3, 4), cadence=False)
    piece = window.roll.view.piece
    assert (piece.meter, piece.key, piece.bars, piece.locks) == (Meter(3, 4), Key(2, "minor"), 4, set())
    assert bar_visible(window, 0) and bar_visible(window, 3), "fitted to the view"
    v = window.roll.view
    assert v.y_of(81) >= 0, "the soprano's range is not cut off at the top"
    finish(qtbot, window)
    assert window.roll.view.piece.meter == Meter(3, 4)
    assert "old.chorale" in window.windowTitle()
    g.accept()
    assert window.doc.score.meter == Meter(3, 4) and window.windowTitle().startswith("Untitled*")
    window.act_undo.trigger()
    assert window.doc.score.meter == Meter(4, 4) and "old.chorale" in window.windowTitle()


# ---- 2. the target is what the user sees ----------------------------------------------------------------
def test_a_stale_note_selection_does_not_widen_fill_the_ruler_selection_is_the_target(window, qtbot):
    doc, roll = window.doc, window.roll
    note = doc.score.notes(Voice.ALTO)[0]
    bar4 = next(n for n in doc.score.notes(Voice.ALTO) if doc.score.bar_of(n.start) == 3)
    doc.select([(Voice.ALTO, bar4)])
    assert roll.selected_cells() == {(Voice.ALTO, 3)} and note
    assert "the alto in bar 4" in window.statusBar().currentMessage()
    spb = doc.score.steps_per_bar
    qtbot.mousePress(roll.ruler, Qt.LeftButton, Qt.NoModifier, QPoint(round(roll.view.x_of(4.5 * spb)), 8))
    qtbot.mouseMove(roll.ruler, QPoint(round(roll.view.x_of(5.5 * spb)), 8))
    qtbot.mouseRelease(roll.ruler, Qt.LeftButton, Qt.NoModifier, QPoint(round(roll.view.x_of(5.5 * spb)), 8))
    assert doc.selected_bars == {4, 5} and not doc.selection, "one visible selection"
    assert {b for _, b in roll.selected_cells()} == {4, 5}
    assert roll.view.target_cells == frozenset(roll.selected_cells()), "the target is drawn in the roll"
    assert "Fill writes bars 5–6" in window.statusBar().currentMessage()
    quick(window)
    assert window.generation.fill()
    assert {b for _, b in window.generation._targets} == {4, 5}
    assert "Fill bars 5–6" in window.statusBar().currentMessage()
    finish(qtbot, window)


# ---- 3. transpose --------------------------------------------------------------------------------------
def test_transpose_up_a_fourth_moves_every_pitch_by_5_as_one_undo_step(window, monkeypatch):
    before = window.doc.snapshot()
    seen = {}

    def accept(dialog):
        seen["summary"] = dialog.summary.text()
        return QDialog.Accepted

    monkeypatch.setattr(TransposeDialog, "exec", accept)
    window.registry["transpose"].trigger()
    after = window.doc.score
    assert [(v, n.start, n.pitch + 5) for v, n in before.all_notes()] == [(v, n.start, n.pitch)
                                                                          for v, n in after.all_notes()]
    assert after.key == before.key.transposed(5) and "up a fourth" in seen["summary"]
    assert window.doc.undo_stack.undoText() == "Transpose up a fourth"
    window.act_undo.trigger()
    assert window.doc.score == before


def test_transpose_to_a_key_and_a_warning_for_notes_that_leave_their_range(window):
    dialog = TransposeDialog(window, window.doc.score)
    dialog.to_key.setChecked(True)
    window.doc.load(window.doc.score.transposed(edits.semitones_between(window.doc.score.key, Key(0))))
    dialog = TransposeDialog(window, window.doc.score)   # a piece in C major
    dialog.to_key.setChecked(True)
    dialog.key.setCurrentIndex(dialog.keys.index(Key(4)))   # E major: up a major third
    assert dialog.values() == (4, Key(4))
    dialog.by_interval.setChecked(True)
    dialog.interval.setCurrentIndex(dialog.interval.findData(12))
    assert dialog.values() == (12, None) and "will leave the range" in dialog.summary.text()


def test_changing_the_key_asks_whether_to_transpose_the_music_or_only_the_signature(window, monkeypatch):
    before = window.doc.snapshot()
    answers = iter([TRANSPOSE, SIGNATURE])
    monkeypatch.setattr(main_window_module, "ask_key_change", lambda *args: next(answers))
    new = Key(before.key.fifths + 2, before.key.mode)   # two sharps more: a major second up
    window.change_key(new)
    assert window.doc.score.key == new
    assert [n.pitch for _, n in window.doc.score.all_notes()] == [n.pitch + 2 for _, n in before.all_notes()]
    window.act_undo.trigger()
    window.change_key(new)
    assert window.doc.score.key == new and window.doc.score.same_music(before), "only the signature"


# ---- 4. phrase ends and cadences ---------------------------------------------------------------------------
def test_a_fermata_marked_on_a_note_is_drawn_saved_and_exported_to_musicxml_and_midi(window, tmp_path):
    doc = window.doc
    last = max(doc.score.notes(Voice.SOPRANO), key=lambda n: n.start)
    doc.select([(Voice.SOPRANO, last)])
    window.registry["fermata"].trigger()
    beat = doc.score.meter.steps_per_beat
    assert doc.score.fermatas == {last.start // beat * beat}
    window.roll.canvas.grab()   # painted with the roll's fermata line and the ruler's sign
    window.roll.ruler.grab()
    assert window.files.save_as(tmp_path / "phrase.chorale")
    assert load_project(tmp_path / "phrase.chorale").score.fermatas == doc.score.fermatas
    assert window.files.export_musicxml(tmp_path / "phrase.musicxml")
    assert read_musicxml(tmp_path / "phrase.musicxml").score.fermatas == doc.score.fermatas
    assert window.files.export_midi(tmp_path / "phrase.mid")
    assert read_midi(tmp_path / "phrase.mid").score.fermatas == doc.score.fermatas
    window.act_undo.trigger()
    assert not doc.score.fermatas


@pytest.mark.parametrize("key", ["D major", "B minor", "F major"])
def test_new_with_end_with_a_cadence_ends_on_the_tonic_in_root_position(window, qtbot, key):
    g = window.generation
    dialog = NewChoraleDialog(window, "JSFAKES", window.doc.score)
    dialog.key.setCurrentIndex(dialog.keys.index(Key.parse(key)))
    values = dialog.values()
    assert values["cadence"] and values["key"] == Key.parse(key), "the dialog offers the cadence, ticked"
    quick(window, candidates=7)   # 7 candidates × 3 keys: more than 20 endings, each drawn afresh
    assert g.new_chorale(**{**values, "bars": 4})
    finish(qtbot, window)
    assert len(g.candidates()) == 7
    assert all(ends_with_cadence(c.score) for c in g.candidates())
    g.accept()
    assert ends_with_cadence(window.doc.score) and window.doc.score.key == Key.parse(key)


# ---- 5. a model that is ready ------------------------------------------------------------------------------
def test_the_model_loads_in_the_background_with_its_stages_and_fill_then_starts_at_once(window, qtbot):
    g = window.generation
    stages = []
    g.runner.loading.connect(lambda stage, n, text: stages.append(text))
    with qtbot.waitSignal(g.runner.modelLoaded, timeout=TIMEOUT_MS):
        g.preload()
    assert stages == ["starting PyTorch", "reading the model", "warming up"]
    assert g.chooser.capabilities is not None and "Model ready" in window.statusBar().currentMessage()
    window.doc.select_bars([2])
    quick(window)
    with qtbot.waitSignal(g.runner.progress, timeout=1000):   # sampling within a second of the click
        g.act_fill.trigger()
    finish(qtbot, window)


# ---- 6. help ----------------------------------------------------------------------------------------------
def test_the_shortcuts_window_lists_every_action_with_a_shortcut_and_the_guide_and_legend_open(window):
    shortcuts = window.help.show_shortcuts()
    listed = shortcuts.texts()
    with_keys = [name for name in window.registry.names() if window.registry[name].shortcuts()]
    assert shortcuts.names == with_keys and len(listed) == len(with_keys), "every action with a shortcut"
    assert {"Undo", "Transpose", "Fill Selection", "Quick Guide", "Phrase End (Fermata)"} <= set(listed)
    assert window.help.show_guide().isVisible()
    legend = window.help.show_legend()
    counts = legend.counts()
    assert set(counts) == {"parallels", "crossing", "spacing", "range"}
    assert legend.table.item(0, 2).text().split()[0] == str(sum(counts["parallels"].values()))


def test_right_click_on_a_bar_offers_what_can_be_done_with_it(window, qtbot):
    roll = window.roll
    spb = window.doc.score.steps_per_bar
    x = round(roll.view.x_of(2.5 * spb))
    roll.ruler.contextMenuEvent(_context_event(QPoint(x, 8), roll.ruler))
    assert window.doc.selected_bars == {2}
    assert {"Fill Selection", "Harmonize…", "Insert Bars…", "Delete Bars"} <= set(window.context_menus.texts())


def _context_event(pos: QPoint, widget):
    from PySide6.QtGui import QContextMenuEvent

    return QContextMenuEvent(QContextMenuEvent.Mouse, pos, widget.mapToGlobal(pos))


# ---- 8. small edges ------------------------------------------------------------------------------------------
def test_a_click_draws_a_note_of_the_snap_length_and_outside_the_range_draws_nothing(window, qtbot):
    doc, canvas = window.doc, window.roll.canvas
    doc.load(doc.score.__class__(bars=4))
    window.roll.fit_to_window()
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, at(window, 4.5, 72))
    assert doc.score.notes(Voice.SOPRANO) == (Note(start=4, length=window.roll.snap, pitch=72),)
    assert window.roll.snap == 4 and window.snap_box.currentText() == "1/4"
    count = doc.undo_stack.count()
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, at(window, 8.5, 50))   # below the soprano
    assert doc.undo_stack.count() == count and len(doc.score.notes(Voice.SOPRANO)) == 1
    assert "outside the soprano's range" in window.statusBar().currentMessage()


def test_the_transport_counter_follows_a_meter_change(window):
    window.transport.move_playhead(16.0)
    assert window.position_label.text().split() == ["2", ".", "1", ".", "1"]
    window.editor.set_meter(Meter(3, 4))
    assert window.position_label.text().split() == ["2", ".", "2", ".", "1"]


def test_the_export_dialog_proposes_the_documents_folder_and_name_not_the_import_source(window, monkeypatch,
                                                                                        tmp_path, jsfakes_dir):
    projects = tmp_path / "projects"
    projects.mkdir()
    assert window.files.save_as(projects / "mine.chorale")
    window.open_file(jsfakes_dir / "3.mid")
    proposed = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (proposed.append(args[2]), "")[1:] + ("",))
    window.export_midi()
    assert Path(proposed[0]) == projects / "3.mid"


def test_continue_with_end_with_a_cadence_closes_the_piece_on_the_tonic(window, qtbot):
    g = window.generation
    assert g.act_cadence.isChecked(), "on by default, the setting the New Chorale dialog shows (#24)"
    quick(window, candidates=3)
    assert g.continue_()
    finish(qtbot, window)
    assert all(c.score.bars == 12 and ends_with_cadence(c.score) for c in g.candidates())
    g.accept()
    assert ends_with_cadence(window.doc.score)
