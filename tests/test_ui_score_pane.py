"""The composer reads the chorale as notation beside the roll: the score pane engraves the open
chorale with one notehead per written note, follows every edit and undo, shows the candidate being
browsed in colour, marks locked bars, and is linked to the roll (clicks select, the playhead shows).

Real widgets on the offscreen platform; the engraving runs on its own thread.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from chorale_studio.io.midi import read_midi
from chorale_studio.notation.written import written_note_count
from chorale_studio.score import Voice
from generation_models import model_dir  # noqa: F401  (fixture)
from windows import TIMEOUT_MS, open_window, private_settings  # noqa: F401  (fixture)



@pytest.fixture
def window(qtbot, jsfakes_dir, model_dir):  # noqa: F811
    """The window with JS Fakes chorale 0 (8 bars) open and engraved, and the tiny model chosen."""
    with open_window(qtbot, model_dir=model_dir, size=(1400, 900)) as w:
        pane = w.score_pane
        with qtbot.waitSignal(pane.engraved, timeout=TIMEOUT_MS):
            w.doc.load(read_midi(jsfakes_dir / "0.mid").score.window(0, 8))
        settle(qtbot, pane)
        yield w


def settle(qtbot, pane) -> None:
    """Wait until the pane shows an engraving of what is asked now."""
    qtbot.waitUntil(lambda: not (pane._now.isActive() or pane._settle.isActive() or pane._stream.isActive()
                                 or pane.runner.busy),
                    timeout=TIMEOUT_MS)
    qtbot.wait(20)


def click_notehead(qtbot, pane, voice: Voice, note) -> None:
    """Click the engraved head of ``note``."""
    g = pane.view.engraving
    mark = g.marks_of(voice, note.start)[0]
    at = QPointF(mark.x + g.staff_space * 0.6, pane.view.page_top(mark.page) + mark.y)
    qtbot.mouseClick(pane.view, Qt.LeftButton, pos=at.toPoint())


def test_the_pane_shows_the_chorale_with_one_notehead_per_note(window, qtbot):
    pane, score = window.score_pane, window.doc.score
    settle(qtbot, pane)
    g = pane.view.engraving
    assert window.score_dock.isVisible() and window.registry["score_pane"].isChecked()
    assert sum(p.count('class="note"') for p in g.pages) == len(g.notes) == written_note_count(score)
    assert {(v, s) for v, s in (i.split("-")[1:3] for i in g.notes)} == {(v.short, str(n.start))
                                                                        for v, n in score.all_notes()}
    assert len(g.bars) == score.bars and pane.view.height() > 100
    assert pane.view.pages.images[0].width() >= pane.scroll.viewport().width() - 20, "the page fills the pane"


def test_an_edit_in_the_roll_changes_the_engraving_and_undo_restores_it(window, qtbot):
    pane, doc = window.score_pane, window.doc
    settle(qtbot, pane)
    before = "".join(pane.view.engraving.pages)
    note = doc.score.notes(Voice.SOPRANO)[0]
    with qtbot.waitSignal(pane.engraved, timeout=TIMEOUT_MS):
        window.editor.replace_notes([(Voice.SOPRANO, note)], [(Voice.SOPRANO, note.with_(pitch=note.pitch + 2))],
                                   "Move notes")
    settle(qtbot, pane)
    assert "".join(pane.view.engraving.pages) != before
    with qtbot.waitSignal(pane.engraved, timeout=TIMEOUT_MS):
        doc.undo_stack.undo()
    settle(qtbot, pane)
    assert "".join(pane.view.engraving.pages) == before


def test_a_click_on_a_notehead_selects_the_note_in_the_roll_and_the_roll_selection_shows_in_the_score(window, qtbot):
    pane, doc = window.score_pane, window.doc
    settle(qtbot, pane)
    bass = doc.score.notes(Voice.BASS)[2]
    click_notehead(qtbot, pane, Voice.BASS, bass)
    assert doc.selection == {(Voice.BASS, bass)} and doc.active_voice == Voice.BASS
    assert window.roll.selected_notes() == {(Voice.BASS, bass)}
    doc.select([(Voice.ALTO, doc.score.notes(Voice.ALTO)[0])])
    assert pane.view.selected == {(Voice.ALTO, doc.score.notes(Voice.ALTO)[0].start)}


def test_locked_bars_are_marked_and_the_playhead_is_drawn_in_the_score(window, qtbot):
    pane = window.score_pane
    window.editor.toggle_bar_lock(1)
    assert {(v, 1) for v in Voice} <= pane.view.locked
    window.transport.move_playhead(20.0)
    assert pane.view.playhead == 20.0
    box, x = pane.view.engraving.x_of(20.0)
    assert box.bar == 1 and box.left < x < box.right
    pane.view.grab()   # paints the overlays without error


def test_voice_leading_findings_are_marked_at_their_notes(window, qtbot):
    pane, g = window.score_pane, window.generation
    g.act_overlay.setChecked(True)
    qtbot.waitUntil(lambda: bool(g.overlay.markers) == bool(pane.view.marks) and g.overlay.markers is not None,
                    timeout=TIMEOUT_MS)
    if g.overlay.markers:
        assert pane.view.marks
    pane.view.grab()


def test_browsing_candidates_changes_the_coloured_bars(qtbot, window):
    pane, doc, g = window.score_pane, window.doc, window.generation
    g.panel.candidates.setValue(3)
    doc.select_bars([4, 5])
    g.fill()
    qtbot.waitUntil(lambda: g.job is None, timeout=TIMEOUT_MS)
    assert len(g.candidates()) == 3
    seen = []
    for _ in range(3):
        settle(qtbot, pane)
        svg = "".join(pane.view.engraving.pages)
        assert {b for _, b in pane.view.candidate_cells} == {4, 5}
        assert svg.count("#1565c0") > 0, "the candidate's notes are in the candidate colour"
        seen.append(svg)
        g.act_next.trigger()
    assert len(set(seen)) == 3, "each candidate reads differently"
    g.panel.browser.discard_button.click()
    settle(qtbot, pane)
    assert not pane.view.candidate_cells and "#1565c0" not in "".join(pane.view.engraving.pages)


def test_open_score_has_four_staves_and_hiding_the_pane_stops_engraving(window, qtbot):
    pane = window.score_pane
    with qtbot.waitSignal(pane.engraved, timeout=TIMEOUT_MS):
        pane.set_layout_kind("open")
    settle(qtbot, pane)
    assert all(len(b.staves) == 4 for b in pane.view.engraving.bars)
    window.registry["score_pane"].trigger()
    assert not window.score_dock.isVisible()
    window.editor.delete_note(Voice.SOPRANO, window.doc.score.notes(Voice.SOPRANO)[0])
    assert not pane._now.isActive() and not pane.runner.busy, "a hidden pane does not engrave"
    window.registry["score_pane"].trigger()
    with qtbot.waitSignal(pane.engraved, timeout=TIMEOUT_MS):
        pass   # shown again: it catches up


def test_the_score_scrolls_to_the_bars_the_roll_shows(window, qtbot, jsfakes_dir):
    pane, doc = window.score_pane, window.doc
    with qtbot.waitSignal(pane.engraved, timeout=TIMEOUT_MS):
        doc.load(read_midi(jsfakes_dir / "7.mid").score)   # 15 bars: several systems in large notes
        pane.size_box.setCurrentIndex(pane.size_box.count() - 1)
    settle(qtbot, pane)
    window.resizeDocks([window.score_dock], [160], Qt.Vertical)
    settle(qtbot, pane)
    last = doc.score.bars - 1
    assert pane.view.bar_rect(last).top() > pane.scroll.viewport().height(), "the last bars start out of view"
    roll = window.roll
    roll.hbar.setValue(roll.hbar.maximum())
    top = pane.scroll.verticalScrollBar().value()
    shown = roll.view.visible_bars(doc.score, roll.canvas.width())
    assert top <= pane.view.bar_rect(shown.start).top() <= top + pane.scroll.viewport().height()



def test_the_staff_lines_stems_and_barlines_are_drawn_not_only_the_noteheads(qapp, jsfakes_dir):
    """verovio strokes its lines by a style sheet, which Qt's SVG renderer ignores: the page must carry the
    stroke itself, or the score pane shows noteheads floating on blank paper."""
    from chorale_studio.notation.engrave import EngraveOptions, Engraver
    from chorale_studio.ui.notation.worker import draw_pages
    from chorale_studio.ui.theme import NOTATION_PAPER

    image = draw_pages(Engraver().engrave(read_midi(jsfakes_dir / "497.mid").score, EngraveOptions()))[0]
    paper = NOTATION_PAPER.rgb()
    ruled = [y for y in range(image.height())
             if sum(image.pixel(x, y) != paper for x in range(0, image.width(), 4)) > image.width() // 8]
    assert len(ruled) >= 20   # 5 lines × 2 staves × 2 systems, each a pixel or two high


def harm_labels(page: str) -> list[tuple[str, float, float, float]]:
    """Each Roman numeral on an engraved page: its words, the x where they start, their baseline y and
    their font size, in page pixels."""
    import re

    from chorale_studio.notation.engrave import _MARGIN, _SCALE

    sx, sy = map(float, _SCALE.search(page).groups())
    mx, my = map(float, _MARGIN.search(page).groups())
    return [(words, (float(x) + mx) * sx, (float(y) + my) * sy, float(size) * sy)
            for x, y, size, words in re.findall(r'<g id="h-\d+" class="harm"><text x="(-?[\d.]+)" '
                                                r'y="(-?[\d.]+)" font-size="([\d.]+)px"[^>]*>([^<]*)</text>', page)]


def touching_labels(engraving, space: float = 0.25) -> list[str]:
    """The pairs of neighbouring numerals on a line whose ink, as the score pane draws it, runs into the
    next one or comes closer to it than ``space`` (a word space: a quarter of the font size): 'vi4/2IV'."""
    from chorale_studio.ui.notation.worker import draw_pages

    image = draw_pages(engraving)[0].convertToFormat(QImage.Format_Grayscale8)
    labels = sorted(harm_labels(engraving.pages[0]), key=lambda h: (round(h[2]), h[1]))
    found = []
    for (a, _, ya, size), (b, xb, yb, _) in zip(labels, labels[1:]):
        if abs(ya - yb) > 1:
            continue   # the next system
        columns = range(max(0, round(xb - space * size)), int(xb))
        rows = range(int(ya - 0.75 * size), int(ya + 0.25 * size))
        if any(image.pixelColor(x, y).value() < 128 for x in columns for y in rows):
            found.append(f"{a}|{b}")
    return found


@pytest.mark.parametrize("width, scale", [(1262, 40), (1000, 40), (1262, 32)])
def test_the_numerals_under_the_bass_keep_apart_in_bars_of_eighths(qapp, width, scale):
    """BWV 269 bar 17 changes chord on eighths (vi4/2 IV viio6/4 I6/4): verovio widens the bar for its
    numerals, measured in Times; drawn in a wider font they ran into each other.  Every numeral is
    engraved, at its onset, with clear paper before the next one."""
    from music21 import corpus

    from chorale_studio.analysis.harmony import harmony
    from chorale_studio.io.musicxml import score_from_music21
    from chorale_studio.notation.engrave import EngraveOptions, Engraver

    score = score_from_music21(corpus.parse("bach/bwv269")).score
    engraving = Engraver().engrave(score, EngraveOptions(width=width, scale=scale, numerals=True))
    labels = harm_labels(engraving.pages[0])
    assert len(labels) == len(harmony(score).chords)
    assert [w for w, *_ in labels if w.startswith(("vi4/2", "IV", "viio6/4", "I6/4"))]
    assert touching_labels(engraving) == []
