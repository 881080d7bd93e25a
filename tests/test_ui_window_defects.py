"""A new composer's walk through the window (issue #24): what the window shows while candidates are
browsed must be the candidate's — its key, meter and bars in the score, its flaws in the overlay, the
seams it makes with the kept bars in its description — and the rest of the window must say what it
does: a cadence setting shown the same everywhere, Continue that needs music, silence explained,
the keyboard where the note is, Undo named, no recovery offered for an untouched import.

Real widgets on the offscreen platform, the shipped model (resources/model) on the real worker
thread, engraving by verovio on its own thread.  Requests are short (draft only, one or two
candidates) to keep the tests quick.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from chorale_studio.analysis import analyze, judge
from chorale_studio.generation.cadence import ends_with_cadence, phrase_plan
from chorale_studio.io.midi import read_midi
from chorale_studio.paths import default_model_dir
from chorale_studio.score import Key, Meter, Note, Score, Voice
from chorale_studio.ui.generation_dialogs import NewChoraleDialog
from chorale_studio.ui.overlay import FAMILIES, markers_of
from chorale_studio.ui.recovery import leftovers
from test_ui_score_pane import click_notehead, settle
from windows import TIMEOUT_MS, open_window, private_settings  # noqa: F401  (fixture)

OVERLAY_KINDS = [kind for kinds in FAMILIES.values() for kind in kinds]


@pytest.fixture
def chorale(jsfakes_dir) -> Score:
    """JS Fakes chorale 0, its first 8 bars (E♭ major, 4/4)."""
    return read_midi(jsfakes_dir / "0.mid").score.window(0, 8)


@pytest.fixture
def window(qtbot, chorale):
    """The window with the chorale open and the shipped model chosen, at the size of the walk-through."""
    with open_window(qtbot, model_dir=default_model_dir(), score=chorale, size=(1600, 1000)) as w:
        w.roll.fit_to_window()
        yield w


def quick(window, candidates: int = 1, seed: int | None = None) -> None:
    """Draft-only sampling (no revision pass) to keep the tests short; a locked seed when given."""
    panel = window.generation.panel
    sampling = replace(panel.sampling(), quick=True, candidates=candidates)
    panel.show_settings(sampling if seed is None else replace(sampling, seed=seed), seed is not None)


def finish(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.generation.job is None, timeout=TIMEOUT_MS)


def fill(qtbot, window, bars, candidates: int = 1) -> tuple:
    """Fill ``bars`` (0-based) as a draft with a locked seed and wait for the candidates."""
    quick(window, candidates, seed=24)
    window.doc.select_bars(bars)
    assert window.generation.fill()
    finish(qtbot, window)
    return window.generation.candidates()


def engraved_meter(pane) -> str:
    """The time signature the score pane drew, read from its SMuFL digits (E080 is 0 … E089 is 9)."""
    group = re.search(r'class="meterSig">((?:<use [^>]*/>)+)</g>', pane.view.engraving.pages[0]).group(1)
    top, bottom = re.findall(r"#E08(\d)", group)
    return f"{top}/{bottom}"


def engraved_signature(pane) -> list[str]:
    """The accidentals of the first system's key signatures: '♯' or '♭' for each (both staves)."""
    page = pane.view.engraving.pages[0]
    systems = page.split('class="system"')
    first = systems[1] if len(systems) > 1 else page   # (the labels under the bass may push bars to a second system)
    glyphs = re.findall(r'class="keyAccid"[^>]*>\s*<use xlink:href="#(E26[02])', first)
    return ["♯" if g == "E262" else "♭" for g in glyphs]


def counts_at(score: Score, steps) -> dict[str, int]:
    """How many findings of each overlay kind the piece has at ``steps``."""
    found = [f.kind for f in analyze(score).findings if f.step in steps and f.kind in OVERLAY_KINDS]
    return {kind: found.count(kind) for kind in OVERLAY_KINDS if kind in found}


# ---- 1. the preview is engraved as the new piece it is ----------------------------------------------------
def test_a_new_chorale_in_a_major_3_4_is_engraved_in_its_own_key_meter_and_bars_while_it_is_previewed(
        window, qtbot):
    doc, g, pane = window.doc, window.generation, window.score_pane
    window.editor.toggle_bar_lock(1)   # the old piece's locks and phrase ends must not show on the new one
    window.editor.toggle_fermata(3 * doc.score.steps_per_bar)
    settle(qtbot, pane)
    assert engraved_meter(pane) == "4/4" and engraved_signature(pane) == ["♭"] * 6
    quick(window)
    assert g.new_chorale(bars=4, key=Key.parse("A major"), meter=Meter(3, 4), cadence=False)
    finish(qtbot, window)
    settle(qtbot, pane)
    shown = g.candidates()[0].score
    engraving = pane.view.engraving
    assert (shown.key, shown.meter, shown.bars) == (Key.parse("A major"), Meter(3, 4), 4)
    assert engraved_meter(pane) == "3/4", "the preview is engraved in the new piece's meter"
    assert engraved_signature(pane) == ["♯"] * 6, "three sharps on each staff: A major"
    assert len(engraving.bars) == 4 and engraving.steps_per_bar == 12
    assert pane.status.text() == "A major, 3/4, 4 bars"
    assert not pane.view.locked, "the old piece's locked bar is not shaded on the new piece"
    assert 'class="fermata"' not in "".join(engraving.pages), "nor are its phrase ends written"
    g.accept()
    settle(qtbot, pane)
    assert engraved_meter(pane) == "3/4" and len(pane.view.engraving.bars) == 4


# ---- 2. the candidate's description is read whole -----------------------------------------------------------
def test_the_candidates_description_is_shown_whole_with_a_tooltip(window, qtbot):
    g = window.generation
    fill(qtbot, window, [5])
    qtbot.wait(50)   # the panel's layout settles
    detail = g.browser.detail
    assert "it also counts how surprised the model was" in detail.text()
    assert detail.height() >= detail.heightForWidth(detail.width()), "every line of the description is shown"
    assert detail.toolTip() == detail.text()


# ---- 3. the overlay judges the candidate being browsed ------------------------------------------------------
def test_while_candidates_are_browsed_the_overlay_rings_and_counts_the_flaws_of_the_one_shown(window, qtbot):
    doc, g = window.doc, window.generation
    spb = doc.score.steps_per_bar
    # A soprano far above its range in bar 6: a flaw of the piece as it is, which Fill of bars 5–6 rewrites.
    window.editor.draw_note(Voice.SOPRANO, Note(start=5 * spb, length=4, pitch=90))
    g.act_overlay.setChecked(True)
    qtbot.waitUntil(lambda: any(m.family == "range" for m in g.overlay.markers), timeout=TIMEOUT_MS)
    legend = window.help.show_legend()
    assert sum(legend.counts()["range"].values()) >= 1
    fill(qtbot, window, [4, 5], candidates=2)
    region = range(4 * spb, 6 * spb + 1)   # the written bars and the seam into bar 7
    for index, candidate in enumerate(g.candidates()):
        g.browser.choose(index)
        qtbot.waitUntil(lambda: g.overlay.markers == markers_of(candidate.score, analyze(candidate.score).findings),
                        timeout=TIMEOUT_MS)
        assert not any(m.family == "range" and m.step == 5 * spb for m in g.overlay.markers), \
            "no ring is left on the note the candidate replaces"
        heard = judge(candidate.score, (4 * spb, 6 * spb)).counts
        ringed = [m.finding.kind for m in g.overlay.markers if m.step in region]
        assert {k: ringed.count(k) for k in set(ringed)} == {k: heard[k] for k in OVERLAY_KINDS if heard.get(k)}, \
            "the rings in the written bars are the flaws the browser lists"
        listed = {family: sum(c.values()) for family, c in legend.counts().items()}
        assert listed == {family: sum(1 for m in g.overlay.markers if m.family == family) for family in FAMILIES}
        assert window.roll.view.markers == g.overlay.markers
    g.discard()
    qtbot.waitUntil(lambda: any(m.family == "range" for m in g.overlay.markers), timeout=TIMEOUT_MS)


# ---- 4. the seam between written and kept bars is judged with the candidate --------------------------------
def seam_piece() -> Score:
    """C major block chords, the alto of bar 6 empty, bar 7 with its tenor on E4: whatever alto is written
    between bar 6's soprano C4 and tenor E3, the tenor then leaps above it — an overlap at the seam."""
    score = Score(bars=8)
    chords = {b: (64, 55, 52, 48) for b in range(8)}
    chords[5] = (60, None, 52, 48)
    chords[6] = chords[7] = (72, 67, 64, 48)
    for b, chord in chords.items():
        for voice, pitch in zip(Voice, chord):
            if pitch is not None:
                score.add_note(voice, Note(start=b * 16, length=16, pitch=pitch))
    return score


def test_a_harmonization_lists_the_overlap_where_its_bar_meets_the_locked_bar_before_it_is_accepted(window, qtbot):
    doc, g = window.doc, window.generation
    doc.load(seam_piece())
    window.editor.toggle_bar_lock(6)
    seam = 6 * doc.score.steps_per_bar
    quick(window, candidates=2, seed=24)
    assert g.harmonize((Voice.ALTO,), (5, 6))
    finish(qtbot, window)
    for candidate in g.candidates():
        at_seam = counts_at(candidate.score, {seam})
        assert at_seam.get("overlap"), "the tenor's leap above the new alto is an overlap at bar 7"
        assert "overlap" in candidate.flaws, f"listed before Accept: {candidate.flaws}"
        assert judge(candidate.score, (5 * 16, seam)).counts["overlap"] >= at_seam["overlap"]
    chosen = g.candidates()[0]
    g.act_overlay.setChecked(True)
    g.accept()
    qtbot.waitUntil(lambda: any(m.step == seam and m.finding.kind == "overlap" for m in g.overlay.markers),
                    timeout=TIMEOUT_MS)
    assert "overlap" in chosen.flaws, "what the overlay flags after Accept was said before it"


# ---- 5. the docks keep their size, the roll its view ------------------------------------------------------
def test_candidates_coming_and_going_resize_no_dock_and_keep_the_bass_of_a_new_piece_in_view(window, qtbot):
    g, roll = window.generation, window.roll
    qtbot.wait(50)
    docks = (window.dock.geometry(), window.score_dock.geometry(), roll.geometry())
    fill(qtbot, window, [2])
    qtbot.wait(50)
    assert g.panel.candidates_box.isVisible()
    assert (window.dock.geometry(), window.score_dock.geometry(), roll.geometry()) == docks
    g.discard()
    qtbot.wait(50)
    assert (window.dock.geometry(), window.score_dock.geometry(), roll.geometry()) == docks
    assert g.new_chorale(bars=4, key=Key.parse("A major"), cadence=False)
    finish(qtbot, window)
    qtbot.wait(50)
    assert (window.dock.geometry(), window.score_dock.geometry(), roll.geometry()) == docks
    view, height = roll.view, roll.canvas.height()
    notes = [n for v, n in roll.ghost_notes]
    assert notes and roll.view.ghost_solid
    lowest, highest = min(n.pitch for n in notes), max(n.pitch for n in notes)
    assert view.y_of(lowest) + view.row_height <= height and view.y_of(highest) >= 0, \
        "the whole new piece, bass included, is in view"


# ---- 6. one cadence setting, and the cadence's fermata ------------------------------------------------------
def test_end_with_a_cadence_is_one_setting_and_the_new_chorale_ends_on_a_chord_with_a_fermata(
        window, qtbot, monkeypatch):
    g = window.generation
    assert g.act_cadence.isChecked(), "on by default, as the New Chorale dialog offers it"
    shown = []

    def write_four_bars(dialog):
        shown.append(dialog.cadence.isChecked())
        dialog.bars.setValue(4)
        return QDialog.Accepted

    monkeypatch.setattr(NewChoraleDialog, "exec", write_four_bars)
    g.act_cadence.setChecked(False)
    quick(window)
    g.ask_new_chorale()
    assert shown == [False], "the dialog shows the menu's setting"
    finish(qtbot, window)
    g.discard()
    g.act_cadence.setChecked(True)
    g.ask_new_chorale()
    assert shown == [False, True]
    finish(qtbot, window)
    candidate = g.candidates()[0]
    last_chord = (candidate.score.bars - 1) * candidate.score.steps_per_bar
    # The phrase plan of a new piece (issue #22) ends with the last chord.
    assert ends_with_cadence(candidate.score) and last_chord in candidate.score.fermatas
    assert sorted(candidate.score.fermatas) == phrase_plan(candidate.score.meter, candidate.score.bars)
    assert last_chord in window.roll.view.shown(window.doc.score).fermatas, "the preview shows the fermata"
    g.accept()
    assert window.doc.score.fermatas == candidate.score.fermatas


# ---- 7. Continue needs music ----------------------------------------------------------------------------------
def test_continue_on_an_empty_piece_says_it_needs_music_and_writes_nothing(window, qtbot):
    doc, g = window.doc, window.generation
    doc.load(Score(bars=8))
    assert not g.continue_()
    assert g.job is None and doc.score == Score(bars=8) and not g.panel.progress_box.isVisible()
    assert "needs music to continue" in window.statusBar().currentMessage()


# ---- 8. silence is explained where it is seen ---------------------------------------------------------------
def test_play_without_a_sound_device_says_so_in_the_status_bar_and_offers_export_wav(window, qtbot, monkeypatch):
    t = window.transport
    with qtbot.waitSignal(t.availabilityChanged, timeout=TIMEOUT_MS):
        window.connect_playback()
    button = window.no_sound_button
    qtbot.waitUntil(button.isVisible, timeout=TIMEOUT_MS)
    assert "Export WAV" in button.text() and "silent" in button.toolTip(), "in the status bar, with the reason"
    window.act_play.trigger()
    message = window.statusBar().currentMessage()
    assert "silence" in message and "Export WAV" in message
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (asked.append(args), ("", ""))[1])
    button.click()
    assert asked, "the button opens Export WAV's file dialog"
    window.act_stop.trigger()


# ---- 9. after a click in the score, the keys edit the note --------------------------------------------------
def test_after_clicking_a_notehead_in_the_score_the_right_arrow_moves_that_note(window, qtbot):
    doc, pane = window.doc, window.score_pane
    window.activateWindow()
    settle(qtbot, pane)
    bass = doc.score.notes(Voice.BASS)[2]
    click_notehead(qtbot, pane, Voice.BASS, bass)
    assert doc.selection == {(Voice.BASS, bass)}
    focused = QApplication.focusWidget()
    assert focused is window.roll.canvas
    qtbot.keyClick(focused, Qt.Key_Right)
    assert bass.with_(start=bass.start + window.roll.snap) in doc.score.notes(Voice.BASS)


# ---- 10. Undo is named in the status bar --------------------------------------------------------------------
def test_after_undo_the_status_bar_says_what_was_undone_not_that_a_candidate_was_accepted(window, qtbot):
    g = window.generation
    fill(qtbot, window, [3])
    g.accept()
    assert "candidate A accepted" in window.statusBar().currentMessage()
    window.act_undo.trigger()
    message = window.statusBar().currentMessage()
    assert "accepted" not in message and message == "Undone: Fill bar 4"
    window.act_redo.trigger()
    assert window.statusBar().currentMessage() == "Redone: Fill bar 4"


# ---- 11. an untouched import is not "recovered" ---------------------------------------------------------------
def test_opening_a_midi_file_writes_no_recovery_file_until_it_is_edited(window, qtbot, jsfakes_dir):
    autosaver = window.autosaver
    assert window.open_file(jsfakes_dir / "3.mid")
    assert window.doc.is_modified(), "an import still has no project file: closing asks to save it"
    assert not autosaver.autosave() and not autosaver.path.exists()
    qtbot.wait(100)
    assert leftovers() == [], "a killed window leaves nothing to offer: the MIDI file holds it all"
    window.editor.draw_note(Voice.SOPRANO, Note(start=0, length=4, pitch=74))
    assert autosaver.autosave() and autosaver.path.exists(), "an edit is written for recovery"
    window.act_undo.trigger()
    assert not autosaver.autosave() and not autosaver.path.exists(), "undone back to the file: nothing to recover"


# ---- 12. the small things: the toolbar, the guide, Shift+→ on bars --------------------------------------------
def test_new_chorale_is_on_the_toolbar_the_guide_names_the_score_pane_and_overlay_and_shift_right_adds_a_bar(
        window, qtbot):
    g, doc, canvas = window.generation, window.doc, window.roll.canvas
    button = g.toolbar.widgetForAction(g.act_new)
    assert button is not None and button.isVisible() and button.text() == "New Chorale"
    guide = window.help.show_guide().text.toPlainText()
    assert "F8" in guide and "Voice-Leading Overlay" in guide and "score" in guide.lower()
    before = doc.snapshot()
    doc.select_bars([2])
    qtbot.keyClick(canvas, Qt.Key_Right, Qt.ShiftModifier)
    assert doc.selected_bars == {2, 3}
    qtbot.keyClick(canvas, Qt.Key_Right, Qt.ShiftModifier)
    assert doc.selected_bars == {2, 3, 4}
    qtbot.keyClick(canvas, Qt.Key_Left, Qt.ShiftModifier)
    assert doc.selected_bars == {2, 3}
    assert doc.score == before, "extending the bar selection moves no note"
