"""The composer's workflow from the command line, for scripts: a new piece in a chosen key and meter that
ends with a cadence, a continuation with one, and a conversion that transposes."""
from __future__ import annotations

import pytest

from chorale_studio.cli import main
from chorale_studio.generation.cadence import ends_with_cadence
from chorale_studio.io.files import load_any
from chorale_studio.score import Key, Meter
from generation_models import model_dir  # noqa: F401  (fixture)


def test_generate_new_in_d_major_3_4_with_a_cadence_ends_on_d_major_in_root_position_for_20_seeds(
        model_dir, tmp_path):  # noqa: F811
    for seed in range(20):
        out = tmp_path / f"piece-{seed}.chorale"
        assert main(["generate", "--mode", "new", "--key", "D major", "--meter", "3/4", "--cadence", "--quick",
                     "--bars", "4", "--seed", str(seed), "--model", str(model_dir), "-o", str(out)]) == 0
        score = load_any(out).score
        assert score.meter == Meter(3, 4) and score.key == Key.parse("D major")
        assert ends_with_cadence(score), f"seed {seed} does not end on D major in root position"


def test_generate_continue_with_a_cadence_and_new_in_b_minor(model_dir, tmp_path):  # noqa: F811
    first, longer = tmp_path / "a.chorale", tmp_path / "b.chorale"
    assert main(["generate", "--mode", "new", "--key", "B minor", "--bars", "4", "--quick", "--model",
                 str(model_dir), "-o", str(first)]) == 0
    assert load_any(first).score.key == Key(2, "minor")
    assert main(["generate", "--mode", "continue", "--input", str(first), "--cadence", "--quick", "--model",
                 str(model_dir), "-o", str(longer)]) == 0
    score = load_any(longer).score
    assert score.bars == 8 and ends_with_cadence(score)


@pytest.mark.parametrize("args, message", [(["--key", "H major"], "not of the form"),
                                           (["--mode", "fill", "--key", "D major"], "for a new piece")])
def test_a_key_the_command_cannot_read_is_one_line_on_stderr(tmp_path, capsys, args, message):
    assert main(["generate", *args, "-o", str(tmp_path / "x.chorale")]) == 2
    assert message in capsys.readouterr().err


def test_convert_transpose_5_moves_every_pitch_by_5_and_the_key_with_it(jsfakes_dir, tmp_path):
    out = tmp_path / "up.chorale"
    assert main(["convert", str(jsfakes_dir / "0.mid"), str(out), "--transpose", "5"]) == 0
    before, after = load_any(jsfakes_dir / "0.mid").score, load_any(out).score
    assert [(v, n.start, n.pitch + 5) for v, n in before.all_notes()] == [(v, n.start, n.pitch)
                                                                          for v, n in after.all_notes()]
    assert after.key == before.key.transposed(5)
