"""No file, however broken, huge or mislabelled, gets past the importers as anything but one clear error.

A short campaign of the mutation fuzzer in ``benchmarks/fuzz_import.py`` (the
long one is that script), property tests with hypothesis for token text and
project JSON, and the enormous inputs of docs/limits.md built for real: a
10,000-bar MIDI file, 200 MB files in every format, a zip bomb disguised as
an .mxl, and a token text longer than the bar limit.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import time
import zipfile

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chorale_studio.errors import FileFormatError
from chorale_studio.io.common import MAX_FILE_BYTES
from chorale_studio.io.files import load_any
from chorale_studio.io.musicxml import MAX_UNPACKED_BYTES
from chorale_studio.io.project import project_bytes
from chorale_studio.score import Note, Score, Voice
from chorale_studio.tokens.vocab import EXTENDED_WORDS

SHORT_CAMPAIGN = 1000


@pytest.fixture(scope="module")
def fuzzer(repo):
    spec = importlib.util.spec_from_file_location("fuzz_import", repo / "benchmarks" / "fuzz_import.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def refused(path) -> str:
    """The one-line reason ``path`` cannot be opened (fails the test if it opens or fails otherwise)."""
    with pytest.raises(FileFormatError) as caught:
        load_any(path)
    text = str(caught.value)
    assert text.startswith(f"could not read {path}: ") and "\n" not in text
    return text.removeprefix(f"could not read {path}: ")


def test_a_thousand_damaged_files_in_the_four_formats_open_soundly_or_give_one_clear_error(fuzzer, jsfakes_dir):
    started = time.monotonic()
    report = fuzzer.run(SHORT_CAMPAIGN, seed=20240501, jsfakes_dir=jsfakes_dir)
    print(report.summary())
    assert report.findings == []
    assert report.count == SHORT_CAMPAIGN
    for ext in (".mid", ".musicxml", ".mxl", ".chorale", ".txt"):
        assert report.opened[ext] + report.refused[ext] > 0, f"no {ext} inputs were tried"
    assert sum(report.opened.values()) > 20          # mutations that stay readable exercise the whole importer
    assert time.monotonic() - started < 60


def test_the_fuzzer_reports_an_importer_that_fails_with_a_foreign_exception(fuzzer, tmp_path, monkeypatch):
    """The campaign above can fail: an importer that lets a KeyError out is a finding."""
    import chorale_studio.io.files as files

    def broken(path):
        raise KeyError("voices")
    monkeypatch.setattr(files, "load_any", broken)
    path = tmp_path / "any.mid"
    path.write_bytes(b"MThd")
    opened, problem = fuzzer.check_one(path)
    assert not opened and "KeyError: 'voices'" in problem


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(EXTENDED_WORDS), max_size=300))
def test_any_sequence_of_vocabulary_words_reads_as_a_piece_or_one_clear_error(tmp_path, words):
    path = tmp_path / "words.txt"
    path.write_text(" ".join(words) or "PIECE_START")
    try:
        result = load_any(path)
    except FileFormatError as exc:
        assert str(exc).startswith(f"could not read {path}: ") and "\n" not in str(exc)
    else:
        project_bytes(result.score)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["title", "bars", "meter", "key", "tempo", "pickup", "ranges", "voices", "locks"]),
       value=json_values)
def test_a_project_with_any_value_in_any_score_field_opens_soundly_or_gives_one_clear_error(tmp_path, field, value):
    data = json.loads(project_bytes(Score(bars=4)))
    data["score"][field] = value
    path = tmp_path / "odd.chorale"
    path.write_text(json.dumps(data))
    try:
        result = load_any(path)
    except FileFormatError as exc:
        assert str(exc).startswith(f"could not read {path}: ") and "\n" not in str(exc)
    else:
        project_bytes(result.score)


def test_a_ten_thousand_bar_midi_file_is_refused_by_its_length_in_seconds(tmp_path):
    midi = mido.MidiFile(type=1, ticks_per_beat=96)
    for pitch in (72, 67, 60, 48):           # four voices, one whole note in each of 10,000 bars
        track = mido.MidiTrack()
        for _ in range(10_000):
            track += [mido.Message("note_on", note=pitch, velocity=80, time=0),
                      mido.Message("note_off", note=pitch, velocity=0, time=4 * 96)]
        midi.tracks.append(track)
    path = tmp_path / "endless.mid"
    midi.save(path)
    started = time.monotonic()
    assert refused(path) == f"the piece has 10000 bars; Chorale Studio handles up to {Score.MAX_BARS}"
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("ext", [".mid", ".musicxml", ".mxl", ".chorale", ".txt"])
def test_a_200_mb_file_is_refused_by_its_size_before_any_parser_reads_it(tmp_path, ext):
    path = tmp_path / f"huge{ext}"
    with open(path, "wb") as f:
        f.truncate(200 * 2**20)              # sparse: costs no disk
    started = time.monotonic()
    assert refused(path) == f"the file is 200 MB; Chorale Studio reads files up to {MAX_FILE_BYTES // 2**20} MB"
    assert time.monotonic() - started < 1


def test_a_small_mxl_that_unpacks_to_hundreds_of_megabytes_is_refused(tmp_path):
    path = tmp_path / "bomb.mxl"
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("score.musicxml", "w") as member:
            for _ in range(MAX_UNPACKED_BYTES // 2**20 + 1):
                member.write(zeros)
    assert path.stat().st_size < MAX_FILE_BYTES
    assert refused(path) == f"the compressed file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB"


@pytest.mark.parametrize("element, value", [("fifths", "99999999"), ("beats", "1e999"), ("beat-type", "0"),
                                            ("octave", "NaN")])
def test_musicxml_values_out_of_all_musical_range_are_refused_before_music21_hangs_on_them(tmp_path, element,
                                                                                          value):
    from chorale_studio.io.musicxml import musicxml_bytes

    score = Score(bars=2)
    score.set_notes(Voice.SOPRANO, [Note(start=0, length=16, pitch=72)])
    text = musicxml_bytes(score).decode()
    assert f"<{element}>" in text
    start = text.index(f"<{element}>") + len(element) + 2
    path = tmp_path / "hostile.musicxml"
    path.write_text(text[:start] + value + text[text.index("<", start):])
    started = time.monotonic()
    assert f"<{element}> {value!r}" in refused(path)
    assert time.monotonic() - started < 2


def test_token_text_longer_than_the_bar_limit_and_binary_text_are_refused(tmp_path, jsfakes_dir):
    bar = "BAR_START NOTE_ON=60 TIME_DELTA=16 NOTE_OFF=60 BAR_END"
    tracks = " ".join(f"TRACK_START INST={i} " + " ".join([bar] * (Score.MAX_BARS + 1)) + " TRACK_END"
                      for i in (0, 48, 24, 32))
    long = tmp_path / "long.txt"
    long.write_text(f"PIECE_START STYLE=JSFAKES GENRE=JSFAKES {tracks}")
    assert str(Score.MAX_BARS) in refused(long)
    binary = tmp_path / "really-midi.txt"
    binary.write_bytes((jsfakes_dir / "0.mid").read_bytes())
    refused(binary)


def test_a_tiny_midi_file_claiming_a_4_gb_chunk_is_refused_without_reserving_the_memory(tmp_path, jsfakes_dir):
    """Found by the fuzzer: mido read the stated chunk length from the open file, allocating 4 GB."""
    import tracemalloc

    data = bytearray((jsfakes_dir / "0.mid").read_bytes())
    data[4:8] = b"\xff\x58\x04\x03"          # header length 4,284,941,315 bytes
    path = tmp_path / "liar.mid"
    path.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        assert refused(path) == "the MIDI file is cut off (it ends too early)"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
