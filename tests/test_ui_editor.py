"""A composer at the editor window: drawing, moving, resizing and deleting notes with the mouse and keys,
locking bars and cells, undoing every step, and saving, importing and exporting files.

Everything runs the real widgets on Qt's offscreen platform, driven by mouse
and key events through pytest-qt.  Settings go to a temporary folder.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from chorale_studio.score import Key, Meter, Note, ScoreError, Voice
from chorale_studio.ui.commands import ReplaceCellsCommand
from chorale_studio.ui.instruments import GM_PROGRAM_NAMES
from chorale_studio.ui.main_window import ABOUT_TEXT, MainWindow
from windows import open_window, private_settings  # noqa: F401  (fixture)


@pytest.fixture
def window(qtbot):
    with open_window(qtbot) as w:
        w.roll.canvas.setFocus()
        yield w


def at(window, step: float, pitch: int) -> QPoint:
    """The canvas point in the middle of the row of ``pitch``, ``step`` sixteenths into the piece."""
    v = window.roll.view
    return QPoint(round(v.x_of(step)), round(v.y_of(pitch) + v.row_height / 2))


def drag(qtbot, widget, start: QPoint, end: QPoint, modifier=Qt.NoModifier) -> None:
    qtbot.mousePress(widget, Qt.LeftButton, modifier, start)
    qtbot.mouseMove(widget, QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(widget, end)
    qtbot.mouseRelease(widget, Qt.LeftButton, modifier, end)


def soprano(window) -> tuple[Note, ...]:
    return window.doc.score.notes(Voice.SOPRANO)


def test_drawing_a_soprano_note_by_click_drag_is_one_undo_step(window, qtbot):
    canvas = window.roll.canvas
    assert "*" not in window.windowTitle()
    drag(qtbot, canvas, at(window, 4.3, 72), at(window, 11.6, 72))
    assert soprano(window) == (Note(start=4, length=8, pitch=72),)
    assert window.doc.undo_stack.count() == 1
    assert window.windowTitle().startswith("Untitled*")
    window.act_undo.trigger()
    assert soprano(window) == ()
    assert "*" not in window.windowTitle()
    window.act_redo.trigger()
    assert soprano(window) == (Note(start=4, length=8, pitch=72),)


def test_dragging_a_note_moves_it_in_time_and_pitch_as_one_step(window, qtbot):
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=67))
    drag(qtbot, window.roll.canvas, at(window, 1.5, 67), at(window, 9.5, 69))
    assert soprano(window) == (Note(start=8, length=4, pitch=69),)
    assert window.doc.undo_stack.count() == 2
    window.act_undo.trigger()
    assert soprano(window) == (Note(start=0, length=4, pitch=67),)
    window.act_redo.trigger()
    assert soprano(window) == (Note(start=8, length=4, pitch=69),)


def test_dragging_the_right_edge_makes_a_note_longer(window, qtbot):
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=67))
    edge = at(window, 4, 67) - QPoint(2, 0)
    drag(qtbot, window.roll.canvas, edge, at(window, 12, 67))
    assert soprano(window) == (Note(start=0, length=12, pitch=67),)
    window.act_undo.trigger()
    assert soprano(window) == (Note(start=0, length=4, pitch=67),)
    window.act_redo.trigger()
    assert soprano(window) == (Note(start=0, length=12, pitch=67),)


def test_clicking_a_note_and_pressing_delete_removes_it_and_so_does_its_right_click_menu(window, qtbot):
    canvas = window.roll.canvas
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=67))
    window.editor.draw_note(Voice.SOPRANO, Note(start=8, length=4, pitch=72))
    window.doc.clear_selection()
    qtbot.mouseClick(canvas, Qt.LeftButton, Qt.NoModifier, at(window, 1, 67))
    assert window.roll.selected_notes() == {(Voice.SOPRANO, Note(start=0, length=4, pitch=67))}
    qtbot.keyClick(canvas, Qt.Key_Delete)
    assert soprano(window) == (Note(start=8, length=4, pitch=72),)
    qtbot.mouseClick(canvas, Qt.RightButton, Qt.NoModifier, at(window, 9, 72))
    menu = window.context_menus.menu
    assert {"Delete", "Phrase End (Fermata)", "Fill Selection"} <= set(window.context_menus.texts())
    next(a for a in menu.actions() if a.text() == "&Delete").trigger()
    assert soprano(window) == ()
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert soprano(window) == (Note(start=0, length=4, pitch=67), Note(start=8, length=4, pitch=72))
    window.act_redo.trigger()
    assert soprano(window) == (Note(start=8, length=4, pitch=72),)


def test_drawing_over_a_note_of_the_same_voice_trims_it_instead_of_overlapping(window, qtbot):
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=16, pitch=67))
    drag(qtbot, window.roll.canvas, at(window, 8.2, 71), at(window, 11.5, 71))
    assert soprano(window) == (Note(start=0, length=8, pitch=67), Note(start=8, length=4, pitch=71),
                               Note(start=12, length=4, pitch=67))
    window.act_undo.trigger()
    assert soprano(window) == (Note(start=0, length=16, pitch=67),)


def test_keys_choose_the_voice_and_drawing_goes_into_the_active_voice(window, qtbot):
    canvas = window.roll.canvas
    qtbot.keyClick(canvas, Qt.Key_4)
    assert window.doc.active_voice == Voice.BASS
    assert window.voice_buttons[Voice.BASS].defaultAction().isChecked()
    drag(qtbot, canvas, at(window, 0, 48), at(window, 3.5, 48))
    assert window.doc.score.notes(Voice.BASS) == (Note(start=0, length=4, pitch=48),)
    qtbot.keyClick(canvas, Qt.Key_2)
    assert window.doc.active_voice == Voice.ALTO
    qtbot.mouseClick(window.voices_panel.rows[Voice.TENOR].swatch, Qt.LeftButton)
    assert window.doc.active_voice == Voice.TENOR


def test_arrows_move_the_selection_by_snap_and_shift_arrows_by_octave_and_bar(window, qtbot):
    canvas = window.roll.canvas
    window.snap_box.setCurrentText("1/8")
    assert window.roll.snap == 2
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=67))
    qtbot.keyClick(canvas, Qt.Key_Up)
    qtbot.keyClick(canvas, Qt.Key_Right)
    assert soprano(window) == (Note(start=2, length=4, pitch=68),)
    qtbot.keyClick(canvas, Qt.Key_Up, Qt.ShiftModifier)
    qtbot.keyClick(canvas, Qt.Key_Right, Qt.ShiftModifier)
    assert soprano(window) == (Note(start=18, length=4, pitch=80),)
    for _ in range(4):
        window.act_undo.trigger()
    assert soprano(window) == (Note(start=0, length=4, pitch=67),)


def test_ctrl_drag_rubber_band_and_ctrl_click_select_notes(window, qtbot):
    roll = window.roll
    for v, n in [(Voice.SOPRANO, Note(start=0, length=4, pitch=72)), (Voice.ALTO, Note(start=0, length=4, pitch=65)),
                 (Voice.SOPRANO, Note(start=32, length=4, pitch=72))]:
        window.editor.draw_note(v, n)
    window.doc.clear_selection()
    drag(qtbot, roll.canvas, at(window, 0, 74) - QPoint(4, 0), at(window, 6, 63), Qt.ControlModifier)
    assert roll.selected_notes() == {(Voice.SOPRANO, Note(start=0, length=4, pitch=72)),
                                     (Voice.ALTO, Note(start=0, length=4, pitch=65))}
    qtbot.mouseClick(roll.canvas, Qt.LeftButton, Qt.ControlModifier, at(window, 33, 72))
    assert len(roll.selected_notes()) == 3
    assert roll.selected_cells() == {(Voice.SOPRANO, 0), (Voice.ALTO, 0), (Voice.SOPRANO, 2)}


def test_clicking_the_lock_lane_locks_a_bar_and_alt_click_one_cell(window, qtbot):
    lane, score = window.roll.lock_lane, window.doc.score
    bar_3 = QPoint(round(window.roll.view.x_of(2 * 16 + 8)), lane.height() // 2)
    qtbot.mouseClick(lane, Qt.LeftButton, Qt.NoModifier, bar_3)
    assert {(v, 2) for v in Voice} <= score.locks and score.bar_locked(2)
    window.doc.set_active_voice(Voice.ALTO)
    bar_5 = QPoint(round(window.roll.view.x_of(4 * 16 + 8)), lane.height() // 2)
    qtbot.mouseClick(lane, Qt.LeftButton, Qt.AltModifier, bar_5)
    assert score.locks == {(v, 2) for v in Voice} | {(Voice.ALTO, 4)}
    assert "*" in window.windowTitle()
    window.act_undo.trigger()
    assert score.locks == {(v, 2) for v in Voice}
    qtbot.mouseClick(lane, Qt.LeftButton, Qt.NoModifier, bar_3)
    assert score.locks == set()
    window.act_undo.trigger()
    window.act_redo.trigger()
    assert score.locks == set()


def test_the_voices_panel_locks_a_whole_voice_and_mutes_and_picks_instruments(window, qtbot):
    row = window.voices_panel.rows[Voice.BASS]
    qtbot.mouseClick(row.lock, Qt.LeftButton)
    assert {(Voice.BASS, b) for b in range(window.doc.score.bars)} == window.doc.score.locks
    qtbot.mouseClick(row.mute, Qt.LeftButton)
    assert window.doc.mix[Voice.BASS].muted and not window.doc.mix.audible(Voice.BASS)
    row.instrument.setCurrentIndex(19)
    assert len(GM_PROGRAM_NAMES) == 128 and GM_PROGRAM_NAMES[19] == "Church Organ"
    assert window.doc.mix[Voice.BASS].program == 19
    qtbot.mouseClick(row.show_, Qt.LeftButton)
    assert not window.doc.is_visible(Voice.BASS)
    window.act_undo.trigger()
    assert window.doc.score.locks == set() and not row.lock.isChecked()


def test_a_generated_candidate_is_applied_as_one_undo_step_and_locked_cells_are_refused(window):
    doc = window.doc
    doc.score.add_note(Voice.ALTO, Note(start=0, length=16, pitch=64))
    cells = [(Voice.ALTO, 0), (Voice.TENOR, 0)]
    new = {(Voice.ALTO, 0): [Note(start=0, length=8, pitch=65), Note(start=8, length=8, pitch=67)],
           (Voice.TENOR, 0): [Note(start=0, length=16, pitch=60)]}
    doc.push(ReplaceCellsCommand(doc, cells, new, "Fill bar 1"))
    assert doc.score.notes(Voice.ALTO) == tuple(new[(Voice.ALTO, 0)])
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.score.notes(Voice.ALTO) == (Note(start=0, length=16, pitch=64),)
    assert doc.score.notes(Voice.TENOR) == ()
    doc.score.set_locked([(Voice.TENOR, 0)])
    with pytest.raises(ScoreError, match="locked"):
        ReplaceCellsCommand(doc, cells, new, "Fill bar 1")


def test_a_drawn_and_locked_chorale_is_saved_and_reopened_unchanged(window, qtbot, tmp_path, private_settings):
    drag(qtbot, window.roll.canvas, at(window, 0, 72), at(window, 7.5, 72))
    window.editor.toggle_bar_lock(1)
    window.editor.toggle_cell_lock(Voice.TENOR, 3)
    window.voices_panel.rows[Voice.ALTO].instrument.setCurrentIndex(19)
    path = tmp_path / "hymn.chorale"
    assert window.save_as(path)
    assert window.windowTitle().startswith("hymn.chorale —")
    saved = window.doc.snapshot()
    other = MainWindow(audio="null")
    qtbot.addWidget(other)
    assert other.open_file(path)
    assert other.doc.score == saved
    assert other.doc.mix[Voice.ALTO].program == 19
    assert not other.doc.is_modified()
    assert other.recent_files()[0] == str(path.resolve())
    assert (private_settings / "Chorale Studio" / "Chorale Studio.ini").is_file()


def test_a_js_fakes_midi_file_imports_and_exports_musicxml_that_validates(window, jsfakes_dir, tmp_path,
                                                                          musicxml_xsd):
    import xmlschema

    assert window.open_file(jsfakes_dir / "497.mid")
    score = window.doc.score
    assert score.bars >= 8 and all(score.notes(v) for v in Voice)
    assert window.doc.is_modified(), "an imported piece has no project file yet"
    # Nothing was adjusted, so no dialog interrupts: the estimated key is named in the status bar.
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert "Bb major fits its notes best" in window.statusBar().currentMessage()
    out = tmp_path / "497.musicxml"
    assert window.export_musicxml(out)
    xmlschema.XMLSchema(str(musicxml_xsd)).validate(str(out))
    midi = tmp_path / "497-again.mid"
    assert window.export_midi(midi)
    import mido
    assert len(mido.MidiFile(str(midi)).tracks) >= 4


def test_a_damaged_file_shows_a_message_and_leaves_the_open_chorale_alone(window, qtbot, tmp_path):
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=67))
    before = window.doc.snapshot()
    bad = tmp_path / "broken.chorale"
    bad.write_text("{ this is not json")
    window.doc.undo_stack.setClean()
    assert not window.open_file(bad)
    box, = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert "broken.chorale" in box.text()
    box.close()
    assert window.doc.score == before


def _answer_next_question(button) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), "expected the unsaved-changes question"
        box.button(button).click()
    QTimer.singleShot(50, click)


def test_unsaved_changes_ask_before_a_new_chorale_replaces_them(window):
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=67))
    _answer_next_question(QMessageBox.Cancel)
    window.new_document()
    assert soprano(window) == (Note(start=0, length=4, pitch=67),)
    _answer_next_question(QMessageBox.Discard)
    window.new_document()
    assert soprano(window) == () and not window.doc.is_modified()


def test_piece_menu_changes_key_meter_and_bars_each_undoably(window):
    doc = window.doc
    window.editor.draw_note(Voice.BASS, Note(start=16, length=16, pitch=43))
    window.editor.set_key(Key(-1, "minor"))
    assert doc.score.key.name == "D minor"
    window.editor.insert_bars(0, 2)
    assert doc.score.bars == 10 and doc.score.notes(Voice.BASS) == (Note(start=48, length=16, pitch=43),)
    window.editor.set_meter(Meter(3, 4))
    assert doc.score.meter == Meter(3, 4) and doc.score.notes(Voice.BASS)[0].start == 48
    doc.select_bars([0, 1])
    window.delete_bars()
    assert doc.score.notes(Voice.BASS) == (Note(start=24, length=16, pitch=43),)
    for _ in range(4):
        window.act_undo.trigger()
    assert doc.score.bars == 8 and doc.score.key == Key() and doc.score.meter == Meter(4, 4)
    assert doc.score.notes(Voice.BASS) == (Note(start=16, length=16, pitch=43),)


def test_zoom_and_fit_change_the_view_and_the_ruler_selects_bars(window, qtbot):
    roll = window.roll
    before = roll.view.px_per_step
    window.act_zoom_in.trigger()
    assert roll.view.px_per_step > before
    window.act_fit.trigger()
    assert roll.view.x_of(window.doc.score.total_steps) <= roll.canvas.width()
    x = round(roll.view.x_of(2 * 16 + 4))
    qtbot.mouseClick(roll.ruler, Qt.LeftButton, Qt.NoModifier, QPoint(x, 10))
    assert roll.selected_bars() == {2}
    assert roll.playhead == 36
    roll.set_playhead(40.0)
    assert roll.playhead == 40.0


def test_about_names_the_data_and_its_licence(window):
    assert "JS Fake Chorales, Omar Peracha (2021/2022), CC BY 4.0" in ABOUT_TEXT
    assert "Bach chorales from the music21 corpus" in ABOUT_TEXT
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Piece", "Generate", "Help"]


def test_opening_the_window_loads_no_model_and_no_music21():
    code = ("import sys; import chorale_studio.ui.app; "
            "heavy = {'torch', 'transformers', 'music21', 'numpy'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_play_moves_the_playhead_and_stop_returns_it_to_the_start(window, qtbot):
    window.connect_playback()
    assert window.playback is not None and window.act_play.isEnabled()
    window.editor.set_tempo(300)
    window.act_play.trigger()
    qtbot.waitUntil(lambda: window.roll.playhead > 1.0, timeout=3000)
    assert window.position_label.text().split()[0] == "1"
    window.act_stop.trigger()
    assert window.roll.playhead == 0.0


def test_export_wav_renders_in_the_background_with_fluidsynth(window, qtbot, tmp_path):
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=8, pitch=72))
    out = tmp_path / "hymn.wav"
    assert window.export_wav(out) is not None
    qtbot.waitUntil(lambda: not window.files.jobs, timeout=60000)
    assert window.statusBar().currentMessage() == f"Exported {out}"
    assert out.read_bytes()[:4] == b"RIFF" and out.stat().st_size > 44100


def test_space_plays_and_stops_and_a_selected_bar_loops_in_the_window(window, qtbot):
    for b in range(4):
        window.editor.draw_note(Voice.SOPRANO, Note(start=b * 16, length=16, pitch=72 + b))
    window.connect_playback()
    window.editor.set_tempo(300)
    window.doc.select_bars({1})
    qtbot.keyClick(window.roll.canvas, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.playback.state() == "playing", timeout=3000)
    # Bar 2 alone is looped: the playhead stays inside steps 16–32 and wraps back at least once.
    seen = []
    window.playback.positionChanged.connect(seen.append)
    qtbot.waitUntil(lambda: any(b < a for a, b in zip(seen, seen[1:])), timeout=5000)
    assert all(16 <= s <= 32 for s in seen[1:])
    qtbot.keyClick(window.roll.canvas, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.playback.state() != "playing", timeout=3000)
