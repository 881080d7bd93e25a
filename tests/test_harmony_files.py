"""The harmony in files: `analyze --roman` prints RomanText, MusicXML carries the numerals as
<harmony><numeral> (MusicXML 4.0) and reads them back, and MuseScore 3 still opens the file."""
import shutil
import subprocess

import pytest
import xmlschema
from music21 import converter, corpus, roman

from chorale_studio.analysis.harmony import harmony
from chorale_studio.cli import main
from chorale_studio.io.musicxml import read_musicxml, write_musicxml
from chorale_studio.io.romantext import read_romantext, romantext


@pytest.fixture(scope="module")
def bwv269(tmp_path_factory):
    """'Aus meines Herzens Grunde' (Riemenschneider 1): a chorale with a pickup, in G major."""
    path = tmp_path_factory.mktemp("bach") / "bwv269.musicxml"
    corpus.parse("bach/bwv269").write("musicxml", fp=str(path))
    return path


def test_analyze_roman_prints_romantext_that_music21_reads(bwv269, capsys):
    assert main(["analyze", str(bwv269), "--roman"]) == 0
    text = capsys.readouterr().out
    assert "m0 b3 G: I" in text          # the pickup is measure 0, beat 3, as the experts write it
    assert "m4 V ||" in text             # the half cadence of the first phrase
    parsed = converter.parse(text, format="romantext")
    numerals = list(parsed.recurse().getElementsByClass(roman.RomanNumeral))
    assert len(numerals) >= len(harmony(read_musicxml(bwv269).score).chords)


def test_analyze_roman_writes_a_rntxt_file_that_reads_back_as_the_same_chords(bwv269, tmp_path, capsys):
    out = tmp_path / "bwv269.rntxt"
    assert main(["analyze", str(bwv269), "--roman", "--rntxt", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    score = read_musicxml(bwv269).score
    chords = harmony(score).chords
    planned = read_romantext(out.read_text(), score)
    assert [(p.step, p.key, p.figure) for p in planned] == [(h.step, h.key, h.figure) for h in chords]


def test_numerals_survive_musicxml_export_and_reimport(bwv269, tmp_path):
    score = read_musicxml(bwv269).score
    chords = harmony(score).chords
    path = tmp_path / "analysed.musicxml"
    write_musicxml(score, path, chords)
    back = read_musicxml(path)
    assert back.score.same_music(score)
    assert [(n.step, n.key, n.figure) for n in back.numerals] == [(h.step, h.key, h.figure) for h in chords]
    text = path.read_text()
    assert text.count("<numeral-root") == len(chords) and 'text="V7/IV"' in text


def test_the_numerals_survive_a_compressed_mxl_too(bwv269, tmp_path):
    score = read_musicxml(bwv269).score
    chords = harmony(score).chords
    path = tmp_path / "analysed.mxl"
    write_musicxml(score, path, chords)
    assert [n.figure for n in read_musicxml(path).numerals] == [h.figure for h in chords]


def test_musicxml_with_numerals_is_valid_against_the_musicxml_4_schema(bwv269, tmp_path, musicxml_xsd):
    score = read_musicxml(bwv269).score
    path = tmp_path / "analysed.musicxml"
    write_musicxml(score, path, harmony(score).chords)
    xmlschema.XMLSchema(str(musicxml_xsd), allow="sandbox").validate(str(path))


def test_convert_to_musicxml_writes_the_numerals(bwv269, tmp_path):
    out = tmp_path / "converted.musicxml"
    assert main(["convert", str(bwv269), str(out)]) == 0
    assert len(read_musicxml(out).numerals) == len(harmony(read_musicxml(bwv269).score).chords)


@pytest.mark.skipif(shutil.which("musescore3") is None or shutil.which("xvfb-run") is None,
                    reason="musescore3 (and xvfb-run) not installed")
def test_musescore_3_opens_a_file_with_numerals(bwv269, tmp_path):
    score = read_musicxml(bwv269).score
    path = tmp_path / "analysed.musicxml"
    write_musicxml(score, path, harmony(score).chords)
    pdf = tmp_path / "analysed.pdf"
    run = subprocess.run(["xvfb-run", "-a", "musescore3", "-o", str(pdf), str(path)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_a_romantext_chord_before_any_key_is_refused_with_its_line(bwv269):
    from chorale_studio.errors import FileFormatError
    with pytest.raises(FileFormatError, match="line 2"):
        read_romantext("Time Signature: 3/4\nm1 I b2 V\n", read_musicxml(bwv269).score)


def test_romantext_of_an_empty_score_has_no_chords():
    from chorale_studio.score import Score
    assert "m1" not in romantext(Score(), harmony(Score()).chords)
