"""The analysis measured against real music, and the `chorale-studio analyze` command a composer runs.

The JS Fakes (the seed model's training data) are known to break the rules far
more often than Bach: published figures on a sixteenth grid are about 1.1
strict parallel fifths per 100 sonority changes against about 0.2.  If our
detector does not see a gap of at least three times, it is counting wrongly.
"""
import json

import pytest

from chorale_studio.analysis import analyze
from chorale_studio.analysis.corpus import corpus_rates
from chorale_studio.analysis.findings import PARALLEL_FIFTHS
from chorale_studio.cli import main
from chorale_studio.io.midi import write_midi
from chorale_studio.score import Note, Score, Voice

BACH_SAMPLE = 60  # music21 parses about six chorales a second; the full corpus is for the CLI


@pytest.fixture(scope="module")
def jsfakes_rates(jsfakes_dir):
    return corpus_rates("jsfakes")


@pytest.fixture(scope="module")
def bach_rates():
    return corpus_rates("bach", limit=BACH_SAMPLE)


@pytest.mark.slow
def test_the_js_fakes_break_the_parallel_fifths_rule_several_times_as_often_as_bach(jsfakes_rates, bach_rates):
    assert jsfakes_rates["pieces"] == 500 and jsfakes_rates["skipped"] == 0
    assert bach_rates["pieces"] >= 50  # a few chorales have more than four parts and are left out
    fakes = jsfakes_rates["rates_per_100_changes"][PARALLEL_FIFTHS]
    bach = bach_rates["rates_per_100_changes"][PARALLEL_FIFTHS]
    assert 0.8 <= fakes <= 1.4, f"JS Fakes parallel fifths {fakes:.2f} per 100 changes, published ≈ 1.1"
    assert 0.05 <= bach <= 0.4, f"Bach parallel fifths {bach:.2f} per 100 changes, published ≈ 0.2"
    assert fakes / bach >= 3


@pytest.mark.slow
def test_the_js_fakes_also_double_bach_in_parallel_octaves(jsfakes_rates, bach_rates):
    fakes = jsfakes_rates["rates_per_100_changes"]["parallel_octaves"]
    assert 0.8 <= fakes <= 1.4, f"JS Fakes parallel octaves {fakes:.2f} per 100 changes, published ≈ 1.15"
    assert fakes >= 3 * bach_rates["rates_per_100_changes"]["parallel_octaves"]


@pytest.mark.slow
def test_the_corpus_rates_are_pooled_over_every_piece(jsfakes_rates):
    counts, changes = jsfakes_rates["counts"], jsfakes_rates["sonority_changes"]
    assert changes > 30000 and jsfakes_rates["notes"] > changes
    for kind, rate in jsfakes_rates["rates_per_100_changes"].items():
        assert rate == pytest.approx(100 * counts[kind] / changes)


def test_the_corpus_command_prints_the_same_rates_as_json(capsys):
    assert main(["analyze", "--corpus", "jsfakes", "--limit", "5", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(corpus_rates("jsfakes", limit=5)))
    assert printed["pieces"] == 5


def _chorale_with_parallel_fifths() -> Score:
    """IV–V with soprano C5→D5 over bass F3→G3, then the tonic."""
    score = Score(bars=1)
    for voice, pitches in zip(Voice, [(72, 74, 72), (65, 71, 72), (57, 62, 64), (53, 55, 48)]):
        score.set_notes(voice, [Note(start=4 * i, length=4, pitch=p) for i, p in enumerate(pitches)])
    return score


def test_analyzing_a_midi_file_lists_the_parallel_fifths_it_contains(tmp_path, capsys):
    path = tmp_path / "student.mid"
    write_midi(_chorale_with_parallel_fifths(), path)
    assert main(["analyze", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"][PARALLEL_FIFTHS] == 1 and data["sonority_changes"] == 3
    assert data == json.loads(json.dumps(analyze(_chorale_with_parallel_fifths()).to_dict()))

    assert main(["analyze", str(path)]) == 0
    text = capsys.readouterr().out
    assert "3 sonority changes" in text
    assert "Parallel fifths between soprano and bass (C5–F3 to D5–G3), bar 1 beat 2" in text


@pytest.mark.parametrize("content", [b"", b"MThd\x00\x00\x00\x06\x00\x01\x00\x05", b"not music at all"])
def test_a_corrupt_or_empty_file_gives_one_line_and_exit_code_2(tmp_path, capsys, content):
    path = tmp_path / "broken.mid"
    path.write_bytes(content)
    assert main(["analyze", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("chorale-studio analyze: ")
    assert "broken.mid" in captured.err


def test_analyze_needs_a_file_or_a_corpus(capsys):
    assert main(["analyze"]) == 2
    assert "--corpus" in capsys.readouterr().err
