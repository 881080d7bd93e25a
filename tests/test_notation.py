"""The chorale as a composer reads it: spelled in its key, tied, beamed, engraved by verovio with one
notehead per written note, in closed or open score, and written to SVG or PDF from the command line."""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys

import pytest

from chorale_studio.io.midi import read_midi
from chorale_studio.io.musicxml import _spelling
from chorale_studio.notation import EngraveOptions, Engraver, Layout, mei_document
from chorale_studio.notation.spelling import spell
from chorale_studio.notation.written import parse_note_id, values, write_bar, written_note_count
from chorale_studio.paths import jsfakes_midi_dir
from chorale_studio.score import Key, Note, Score, Voice

SAMPLE = sorted(jsfakes_midi_dir().glob("*.mid"), key=lambda p: int(p.stem))
pytestmark = pytest.mark.skipif(not SAMPLE, reason="the JS Fakes are not in ../shared/data")


def chorale(n: int = 0) -> Score:
    return read_midi(SAMPLE[n]).score


@pytest.fixture(scope="module")
def engraver():
    return Engraver()


@pytest.mark.parametrize("fifths", range(-7, 8))
@pytest.mark.parametrize("mode", ["major", "minor"])
def test_every_pitch_is_spelled_as_the_musicxml_export_spells_it(fifths, mode):
    key = Key(fifths, mode)
    names = _spelling(key)
    for midi in range(36, 84):
        s = spell(midi, key)
        accidental = {-2: "--", -1: "-", 0: "", 1: "#", 2: "##"}[s.alter]
        assert s.letter + accidental == names[midi % 12]


def test_leading_tones_and_flats_read_as_in_the_key():
    assert spell(66, Key(-2, "minor")) == spell(66, Key.parse("G minor"))
    assert (spell(66, Key.parse("G minor")).letter, spell(66, Key.parse("G minor")).alter) == ("F", 1)
    assert (spell(70, Key.parse("C major")).letter, spell(70, Key.parse("C major")).alter) == ("B", -1)
    assert spell(60, Key.parse("C# minor")).octave == 3   # B#3


def test_values_follow_the_beat():
    assert values(0, 16) == [(16, 1, 0)]
    assert values(2, 4) == [(2, 8, 0), (2, 8, 0)]          # an off-beat quarter: two tied eighths
    assert values(0, 6) == [(6, 4, 1)]
    assert values(4, 12) == [(12, 2, 1)]
    assert values(4, 12, notes=False) == [(4, 4, 0), (8, 2, 0)]   # rests show the middle of the bar


def test_a_note_across_the_barline_is_written_twice_and_tied():
    score = Score(bars=2)
    score.add_note(Voice.SOPRANO, Note(12, 8, 72))
    first, second = write_bar(score, Voice.SOPRANO, 0)[-1], write_bar(score, Voice.SOPRANO, 1)[0]
    assert first.tie_out and second.tie_in and parse_note_id(second.id) == (Voice.SOPRANO, 12)
    mei = mei_document(score)
    assert f'<tie startid="#{first.id}" endid="#{second.id}"/>' in mei


def test_the_engraving_has_one_notehead_per_written_note_and_one_bar_per_bar(engraver):
    score = chorale(0)
    for layout in Layout:
        g = engraver.engrave(score, EngraveOptions(layout=layout, width=900))
        svg = "".join(g.pages)
        assert svg.count('class="note"') == len(g.notes) == written_note_count(score) >= score.note_count()
        assert svg.count('class="measure"') == len(g.bars) == score.bars
        assert {parse_note_id(i) for i in g.notes} == {(v, n.start) for v, n in score.all_notes()}
        assert len({s for b in g.bars for s in b.staves}) >= (2 if layout is Layout.CLOSED else 4)
        assert "<svg class=\"definition-scale\"" not in svg   # flattened for Qt


def test_closed_score_puts_upper_voices_stems_up_and_colours_candidate_bars(engraver):
    score = chorale(1)
    mei = mei_document(score, Layout.CLOSED, {(Voice.ALTO, 2): "#1565c0"})
    assert re.search(r'xml:id="n-S-\d+-\d+"[^>]*stem.dir="up"', mei)
    assert re.search(r'xml:id="n-B-\d+-\d+"[^>]*stem.dir="down"', mei)
    coloured = re.findall(r'xml:id="(n-[A-Z]-\d+-\d+)"[^>]*color="#1565c0"', mei)
    assert coloured and all(i.startswith("n-A-") for i in coloured)
    g = engraver.engrave(score, EngraveOptions(), {(Voice.ALTO, 2): "#1565c0"})
    assert 'color="#1565c0"' in g.pages[0] or "#1565c0" in g.pages[0]


def test_a_click_on_a_notehead_finds_its_note_and_the_playhead_moves_right_through_a_bar(engraver):
    score = chorale(2)
    g = engraver.engrave(score, EngraveOptions(width=1000))
    voice, note = next(score.all_notes())
    mark = g.marks_of(voice, note.start)[0]
    assert g.note_at(mark.page, mark.x + g.staff_space * 0.6, mark.y) == (voice, note.start)
    xs = [g.x_of(step)[1] for step in range(score.steps_per_bar, 2 * score.steps_per_bar)]
    assert xs == sorted(xs) and xs[0] < xs[-1]


def test_rests_pickups_and_silent_bars_engrave():
    score = Score(bars=3, pickup=4)
    score.add_note(Voice.SOPRANO, Note(12, 4, 72))
    score.add_note(Voice.SOPRANO, Note(20, 2, 74))
    mei = mei_document(score)
    assert 'metcon="false"' in mei and "<mRest" in mei and "<rest" in mei
    g = Engraver().engrave(score)
    assert len(g.notes) == 2 and len(g.bars) == 3


def test_the_engrave_command_writes_svg_with_every_note_and_bar(tmp_path):
    from chorale_studio.cli import main

    for path in random.Random(16).sample(SAMPLE, 4):
        score = read_midi(path).score
        for layout in ("closed", "open"):
            out = tmp_path / f"{path.stem}-{layout}.svg"
            assert main(["engrave", str(path), "-o", str(out), "--layout", layout]) == 0
            svg = out.read_text(encoding="utf-8")
            assert svg.count('class="note"') == written_note_count(score)
            assert svg.count('class="measure"') == score.bars


def test_the_engrave_command_writes_a_pdf_that_poppler_reads_back(tmp_path, qapp):
    from chorale_studio.cli import main

    out = tmp_path / "chorale.pdf"
    assert main(["engrave", str(SAMPLE[3]), "-o", str(out), "--layout", "open"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 1
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True, timeout=60)
    assert sorted(tmp_path.glob("page*.png"))


def test_a_long_piece_prints_on_several_a4_pages(tmp_path, qapp):
    from chorale_studio.cli import main
    from chorale_studio.io.project import save_project

    long = Score(bars=48, key=Key.parse("D major"))
    for beat in range(48 * 4):
        for v, pitch in zip(Voice, (74, 69, 66, 50)):
            long.add_note(v, Note(beat * 4, 4, pitch + (beat % 3) * 2))
    source, out = tmp_path / "long.chorale", tmp_path / "long.pdf"
    save_project(source, long)
    assert main(["engrave", str(source), "-o", str(out)]) == 0
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(out), str(tmp_path / "page")], check=True, timeout=60)
    assert len(list(tmp_path.glob("page*.png"))) >= 2


def test_the_engrave_command_refuses_an_unknown_format(tmp_path, capsys):
    from chorale_studio.cli import main

    assert main(["engrave", str(SAMPLE[0]), "-o", str(tmp_path / "x.png")]) == 2
    assert ".svg or .pdf" in capsys.readouterr().err


def test_engraving_needs_neither_qt_nor_torch_until_a_pdf_is_written():
    code = ("import sys; import chorale_studio.notation.commands, chorale_studio.notation.engrave; "
            "print(sorted(m for m in ('PySide6', 'torch') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "[]", run.stdout + run.stderr


def test_a_phrase_end_gets_a_fermata_over_the_soprano_and_under_the_bass_so_none_collide_between_the_staves():
    # Issue #24: in closed score the alto's fermata (under the treble staff) met the tenor's (over the bass).
    score = chorale(0)
    end = 4 * score.steps_per_bar - 4
    score.set_fermata(end)
    pattern = r'<fermata startid="#n-([SATB])-\d+-\d+" place="(\w+)"/>'
    closed = re.findall(pattern, mei_document(score))
    assert sorted(closed) == [("B", "below"), ("S", "above")]
    opened = re.findall(pattern, mei_document(score, layout=Layout.OPEN))
    assert sorted(opened) == [("A", "above"), ("B", "above"), ("S", "above"), ("T", "above")], "one per staff"


REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def test_verovio_engraves_in_a_process_where_torch_was_loaded_early(tmp_path):
    """The app loads torch's C++ libraries at launch (generation.preload); made global, their symbols took the
    place of verovio's and engraving aborted (std::bad_alloc).  Both in one fresh process, as in the app."""
    import subprocess
    import sys

    code = ("from chorale_studio.generation import preload\n"
            "assert preload.load_torch_libraries() > 0\n"
            "import torch\n"
            "from chorale_studio.notation.engrave import Engraver\n"
            "from chorale_studio.io.files import load_any\n"
            "from chorale_studio.paths import jsfakes_midi_dir\n"
            "print(len(Engraver().engrave(load_any(jsfakes_midi_dir() / '0.mid').score).pages))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={**__import__("os").environ, "PYTHONPATH": str(REPO_ROOT)})
    assert run.returncode == 0 and int(run.stdout.split()[-1]) >= 1, run.stderr[-2000:]


def test_the_words_are_drawn_in_the_font_verovio_measures_them_with():
    """Verovio spaces the numerals by Times metrics and names "Times, serif", which Qt's SVG renderer
    reads as one unknown family: the page for Qt names verovio's own Liberation Serif instead."""
    from chorale_studio.notation.engrave import TEXT_FONT, VEROVIO_TEXT_FONT, text_font_faces

    faces = text_font_faces()
    assert len(faces) == 4 and all(face[:4] == b"wOF2" for face in faces)
    page = Engraver().engrave(chorale(0), EngraveOptions(numerals=True)).pages[0]
    assert VEROVIO_TEXT_FONT in page   # the SVG file keeps verovio's families for browsers
    from chorale_studio.notation.pdf import _application
    from chorale_studio.notation.qt import for_qt

    _application()
    assert f'font-family="{TEXT_FONT}"' in for_qt(page) and VEROVIO_TEXT_FONT not in for_qt(page)
