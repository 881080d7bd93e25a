"""`chorale-studio convert`: a composer moves a piece between formats from the shell; a bad input
gives exit code 2 and one line on stderr, and the file they meant to overwrite is left as it was."""
import json
import subprocess
import sys

import mido
import pytest

from chorale_studio.errors import FileFormatError
from chorale_studio.io.files import load_any
from chorale_studio.io.midi import read_midi
from chorale_studio.io.project import project_bytes, save_project
from chorale_studio.score.model import Score


def _convert(src, dst):
    return subprocess.run([sys.executable, "-m", "chorale_studio", "convert", str(src), str(dst)],
                          capture_output=True, text=True, timeout=120)


def test_a_js_fake_goes_through_musicxml_and_a_project_and_comes_back_the_same(tmp_path, jsfakes_dir):
    source = jsfakes_dir / "497.mid"
    steps = [tmp_path / "497.musicxml", tmp_path / "497.chorale", tmp_path / "497.mid"]
    previous = source
    for target in steps:
        run = _convert(previous, target)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith(f"wrote {target}: 12 bars of 4/4")
        previous = target
    # The only remark on the way is the key estimate for the JS Fake, which has no key signature.
    assert read_midi(steps[-1]).score.same_music(read_midi(source).score)
    assert load_any(steps[1]).score.key.name == "Bb major"


def _six_voice_midi(path):
    midi = mido.MidiFile()
    for pitch in (72, 67, 64, 60, 55, 48):
        midi.tracks.append(mido.MidiTrack([mido.Message("note_on", note=pitch, velocity=64),
                                           mido.Message("note_off", note=pitch, time=1920)]))
    midi.save(path)


def _newer_project(path):
    data = json.loads(project_bytes(Score()))
    data["schema_version"] = 7
    path.write_text(json.dumps(data))


def _five_track_text(path, jsfakes_dir):
    from chorale_studio.tokens.encode import encode_seed_window

    words = encode_seed_window(read_midi(jsfakes_dir / "497.mid").score)
    first_track = words[words.index("TRACK_START"):words.index("TRACK_END") + 1]
    path.write_text(" ".join(words + first_track))


BAD_INPUTS = {
    "empty.mid": (lambda p, _: p.write_bytes(b""), "the file is empty"),
    "noise.mid": (lambda p, _: p.write_bytes(bytes(range(256)) * 8), "not a readable MIDI file"),
    "six.mid": (lambda p, _: _six_voice_midi(p), "this MIDI file has 6 voices; Chorale Studio needs exactly four"),
    "cut.chorale": (lambda p, _: p.write_bytes(project_bytes(Score())[:120]), "the project file is cut off"),
    "future.chorale": (lambda p, _: _newer_project(p), "made by a newer Chorale Studio (schema 7"),
    "five.txt": (_five_track_text, "INST=0"),
    "piece.doc": (lambda p, _: p.write_text("hello"), "unknown file type '.doc'"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
@pytest.mark.parametrize("output", ["out.chorale", "out.musicxml"])
def test_bad_input_exits_2_with_one_line_and_the_existing_output_is_untouched(tmp_path, jsfakes_dir, name,
                                                                              output):
    make, reason = BAD_INPUTS[name]
    source = tmp_path / name
    make(source, jsfakes_dir)
    target = tmp_path / output
    if output.endswith(".chorale"):
        save_project(target, read_midi(jsfakes_dir / "0.mid").score)
    else:
        target.write_bytes(b"<score-partwise>my earlier export</score-partwise>")
    before = target.read_bytes()
    run = _convert(source, target)
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"chorale-studio convert: could not read {source}: ")
    assert reason in lines[0]
    assert "Traceback" not in run.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, output])


def test_converting_to_an_unknown_format_is_refused(tmp_path, jsfakes_dir):
    run = _convert(jsfakes_dir / "1.mid", tmp_path / "out.pdf")
    assert run.returncode == 2
    assert run.stderr.strip() == f"chorale-studio convert: could not save to {tmp_path / 'out.pdf'}: " \
                                 "unknown file type '.pdf' (use .mid, .midi, .musicxml, .xml, .mxl, .chorale, .txt)"
    assert not (tmp_path / "out.pdf").exists()


def test_import_adjustments_are_reported_on_stderr(tmp_path):
    source = tmp_path / "loose.mid"
    midi = mido.MidiFile(ticks_per_beat=96)
    for pitch in (72, 67, 64, 48):
        midi.tracks.append(mido.MidiTrack([mido.Message("note_on", note=pitch, velocity=64, time=3),
                                           mido.Message("note_off", note=pitch, time=380)]))
    midi.save(source)
    run = _convert(source, tmp_path / "tight.mid")
    assert run.returncode == 0
    assert f"{source}: quantised 4 note(s) to sixteenths (largest move 0.12 of a sixteenth)" in run.stderr


def test_files_over_the_size_limit_are_refused_before_parsing(tmp_path):
    huge = tmp_path / "huge.mid"
    with open(huge, "wb") as f:
        f.truncate(51 * 2**20)  # sparse: costs no disk
    with pytest.raises(FileFormatError) as err:
        load_any(huge)
    assert str(err.value) == f"could not read {huge}: the file is 51 MB; Chorale Studio reads files up to 50 MB"
