"""The composer reads the harmony under the music: a lane of Roman numerals under the roll that
follows every edit and names the candidate being browsed, and the same numerals under the bass
staff of the score pane.  A click on a numeral selects the notes of its beat.

Real widgets on the offscreen platform, a Bach chorale from music21's corpus, the tiny test model.
"""
from __future__ import annotations

import pytest
from music21 import corpus
from PySide6.QtCore import QPoint, Qt

from chorale_studio.analysis.harmony import harmony
from chorale_studio.io.musicxml import score_from_music21
from chorale_studio.score import Note, Voice
from chorale_studio.ui.notation.pane import with_preview
from generation_models import model_dir  # noqa: F401  (fixture)
from test_ui_score_pane import settle
from windows import TIMEOUT_MS, open_window, private_settings  # noqa: F401  (fixture)


@pytest.fixture
def window(qtbot, model_dir):  # noqa: F811
    """The window with 'Aus meines Herzens Grunde' (BWV 269) open and engraved, the tiny model chosen."""
    score = score_from_music21(corpus.parse("bach/bwv269")).score
    with open_window(qtbot, model_dir=model_dir, size=(1400, 900)) as w:
        with qtbot.waitSignal(w.score_pane.engraved, timeout=TIMEOUT_MS):
            w.doc.load(score)
        settle(qtbot, w.score_pane)
        w.roll.fit_to_window()
        yield w


def figures(lane) -> list[tuple[int, str]]:
    return [(h.step, h.figure) for h in lane.chords]


def test_the_lane_names_the_chords_of_the_open_chorale(window):
    lane = window.roll.harmony_lane
    assert figures(lane)[:4] == [(8, "I"), (16, "IV6"), (18, "vi"), (20, "V6")]
    assert lane.isVisible() and lane.grab().width() > 0
    assert lane._boxes, "numerals are drawn where the roll shows their beats"
    box, chord = lane._boxes[0]
    assert abs(box.left() + 2 - 3 - window.roll.view.x_of(chord.step)) < 1


def test_the_lane_follows_an_edit_and_its_undo(window, qtbot):
    lane, doc, editor = window.roll.harmony_lane, window.doc, window.editor
    before = figures(lane)
    # The bass of bar 1, beat 3 (F#, under V6) goes down to D: the chord is now in root position.
    bass = doc.score.note_at(Voice.BASS, 20)
    editor.replace_notes([(Voice.BASS, bass)], [(Voice.BASS, bass.with_(pitch=bass.pitch - 4))], "Move note")
    after = dict(figures(lane))
    assert after[20] == "V" and figures(lane) != before
    doc.undo_stack.undo()
    assert figures(lane) == before


def test_the_score_pane_writes_the_same_numerals_under_the_bass_staff(window, qtbot):
    pane = window.score_pane
    svg = "".join(pane.view.engraving.pages)
    assert svg.count('class="harm') == len(window.roll.harmony_lane.chords)
    assert "IV6" in svg and "PAC" in svg


def test_a_click_on_a_numeral_selects_the_notes_of_its_chord_on_its_beat(window, qtbot):
    lane, doc = window.roll.harmony_lane, window.doc
    box, chord = next((b, h) for b, h in lane._boxes if h.step == 16)
    qtbot.mouseClick(lane, Qt.LeftButton, pos=QPoint(int(box.center().x()), int(box.center().y())))
    # IV6 sounds from beat 2 of bar 1 until vi comes in half a beat later: its four notes are selected.
    assert (chord.figure, chord.end) == ("IV6", 18)
    expected = {(v, n) for v in Voice for n in doc.score.notes_between(v, 16, 18)}
    assert doc.selection == expected and len(expected) == 4


def test_the_lane_shows_the_harmony_of_the_candidate_being_browsed(window, qtbot):
    g, lane, doc = window.generation, window.roll.harmony_lane, window.doc
    own = figures(lane)
    g.panel.candidates.setValue(2)
    doc.select_bars([2, 3])
    g.fill()
    qtbot.waitUntil(lambda: g.job is None, timeout=TIMEOUT_MS)
    seen = []
    for _ in range(2):
        view = window.roll.view
        trial = with_preview(doc.score, view.ghost_notes, view.ghost_cells)
        assert figures(lane) == [(h.step, h.figure) for h in harmony(trial).chords]
        seen.append(figures(lane))
        g.act_next.trigger()
    assert any(s != own for s in seen), "a candidate with other notes reads as other chords"
    g.panel.browser.discard_button.click()
    assert figures(lane) == own


def test_a_note_drawn_into_an_empty_piece_gets_a_numeral(qtbot, model_dir):  # noqa: F811
    with open_window(qtbot, model_dir=model_dir) as w:
        assert w.roll.harmony_lane.chords == []
        for voice, pitch in zip(Voice, (72, 67, 64, 48)):
            w.editor.draw_note(voice, Note(0, 4, pitch))
        assert figures(w.roll.harmony_lane) == [(0, "I")]
        settle(qtbot, w.score_pane)


def test_a_double_click_on_a_beat_plans_its_chord_and_undo_takes_it_back(window, qtbot, monkeypatch):
    lane, doc = window.roll.harmony_lane, window.doc
    monkeypatch.setattr("chorale_studio.ui.roll.harmony_lane.QInputDialog.getText",
                        lambda *args, **kwargs: ("V6/5", True))
    x = int(window.roll.view.x_of(12) + 4)          # bar 1 (the first full bar), beat 1
    qtbot.mouseDClick(lane, Qt.LeftButton, pos=QPoint(x, 30))
    assert doc.score.plan == {12: (doc.score.key, "V6/5")}
    assert doc.undo_stack.undoText() == "Plan V6/5 at bar 2, beat 1"
    lane.grab()   # the planned chord is painted on the lane's top line
    doc.undo_stack.undo()
    assert doc.score.plan == {}


def test_a_figure_the_program_cannot_read_is_refused_and_changes_nothing(window, qtbot):
    lane, doc = window.roll.harmony_lane, window.doc
    with qtbot.waitSignal(window.editor.failed) as refused:
        assert not lane.plan_at(12, "Ger65")
    assert "Ger65" in refused.args[1] and doc.score.plan == {} and not doc.undo_stack.canUndo()


def test_a_romantext_file_becomes_the_plan_of_its_bars_in_one_step(window, tmp_path):
    lane, doc = window.roll.harmony_lane, window.doc
    path = tmp_path / "plan.rntxt"
    path.write_text("Time Signature: 3/4\n\nm1 G: I b2 IV6 b3 V6\nm2 e: i b3 V\n")
    assert lane.import_plan(path)
    from chorale_studio.score import Key
    g, e = Key(1, "major"), Key(1, "minor")
    assert doc.score.plan == {12: (g, "I"), 16: (g, "IV6"), 20: (g, "V6"), 24: (e, "i"), 32: (e, "V")}
    doc.undo_stack.undo()
    assert doc.score.plan == {}
