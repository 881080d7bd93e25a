"""Hearing the chorale: schedule, soundfont search, FluidSynth loading and offline WAV rendering.

Rendering uses the real libfluidsynth and the TimGM6mb General MIDI soundfont.
"""
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from chorale_studio.playback.render import render_samples, render_wav
from chorale_studio.playback.schedule import Mix, NoteEvent, schedule, step_sample, step_seconds
from chorale_studio.playback.soundfonts import find_soundfont, require_soundfont
from chorale_studio.playback.synth import LIBRARY_DIRS_ENV, PlaybackUnavailable
from chorale_studio.score.model import Note, Score, Voice

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
WOODBLOCK = 115  # a GM program with a sharp attack, so onsets can be measured to the millisecond
RATE = 44100


def cadence(bars: int = 4, tempo: float = 90) -> Score:
    """Four voices moving in quarter notes through I–V–vi–IV, over and over."""
    score = Score(bars=bars, tempo=tempo, title="cadence")
    pitches = {Voice.SOPRANO: [72, 74, 76, 77], Voice.ALTO: [67, 67, 69, 69],
               Voice.TENOR: [64, 62, 60, 60], Voice.BASS: [48, 43, 45, 41]}
    for voice, ps in pitches.items():
        score.set_notes(voice, [Note(start=4 * i, length=4, pitch=ps[i % 4]) for i in range(bars * 4)])
    return score


def rms(frames: np.ndarray) -> float:
    x = frames.astype(np.float64) / 32768
    return float(np.sqrt(np.mean(x ** 2)))


# ---- the schedule -------------------------------------------------------------------------------------

def test_a_repeated_pitch_is_released_before_it_is_struck_again():
    score = Score(bars=1)
    score.set_notes(Voice.SOPRANO, [Note(start=0, length=4, pitch=72), Note(start=4, length=4, pitch=72)])
    events = schedule(score)
    assert events == [NoteEvent(0, True, 0, 72, 80), NoteEvent(4, False, 0, 72), NoteEvent(4, True, 0, 72, 80),
                      NoteEvent(8, False, 0, 72)]


def test_playing_from_the_cursor_in_mid_note_strikes_it_and_a_loop_releases_at_its_end():
    score = Score(bars=2)
    score.set_notes(Voice.BASS, [Note(start=0, length=24, pitch=48)])
    assert schedule(score, start_step=6, end_step=16) == [NoteEvent(6, True, 3, 48, 80), NoteEvent(16, False, 3, 48)]


def test_each_voice_sings_on_its_own_channel():
    channels = {e.channel for e in schedule(cadence(bars=1))}
    assert channels == {0, 1, 2, 3}


def test_soloing_the_bass_silences_the_others_and_mute_wins_over_solo():
    mix = Mix().with_voice(Voice.BASS, solo=True)
    assert [mix.audible(v) for v in Voice] == [False, False, False, True]
    assert mix.with_voice(Voice.BASS, muted=True).audible(Voice.BASS) is False
    assert Mix().with_voice(Voice.ALTO, muted=True).channel_volume(Voice.ALTO) == 0


def test_steps_become_samples_at_the_tempo():
    # at 97 bpm a step lasts 15/97 s; 388 steps are 60 s of music
    assert step_seconds(388, 97) == pytest.approx(60.0)
    assert step_sample(388, 97, RATE) == 60 * RATE


# ---- finding a soundfont ------------------------------------------------------------------------------

def test_the_users_soundfont_wins(tmp_path):
    mine = tmp_path / "my choir.sf2"
    mine.write_bytes(b"RIFF")
    assert find_soundfont(str(mine), search_dirs=[TIMGM.parent]) == mine


def test_a_general_midi_sf2_is_preferred(tmp_path):
    for name in ("aaa-strings.sf2", "FluidR3_GM.sf3", "TimGM6mb.sf2"):
        (tmp_path / name).write_bytes(b"RIFF")
    assert find_soundfont(search_dirs=[tmp_path]).name == "TimGM6mb.sf2"


def test_the_system_soundfont_is_found_without_help():
    assert find_soundfont() is not None and find_soundfont().suffix == ".sf2"


def test_no_soundfont_anywhere_says_how_to_install_one(tmp_path):
    assert find_soundfont(search_dirs=[tmp_path]) is None
    with pytest.raises(PlaybackUnavailable, match="apt-get install timgm6mb-soundfont"):
        require_soundfont(search_dirs=[tmp_path])


def test_a_chosen_soundfont_that_is_gone_is_named(tmp_path):
    with pytest.raises(PlaybackUnavailable, match="gone.sf2 does not exist"):
        require_soundfont(tmp_path / "gone.sf2")


# ---- loading libfluidsynth (in a fresh interpreter: the library loads once per process) ----------------

PROBE = """
from chorale_studio.playback.synth import load_fluidsynth, PlaybackUnavailable
try:
    load_fluidsynth()
    print("loaded")
except PlaybackUnavailable as exc:
    print("unavailable:", exc)
"""


def probe(library_dirs: list[Path]) -> str:
    env = dict(os.environ, **{LIBRARY_DIRS_ENV: os.pathsep.join(map(str, library_dirs))})
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                          timeout=60).stdout.strip()


def system_library() -> Path:
    found = sorted(Path("/usr/lib").glob("*/libfluidsynth.so.*")) + sorted(Path("/usr/lib").glob("libfluidsynth.so.*"))
    assert found, "libfluidsynth3 is not installed"
    return found[0]


def test_without_the_library_the_message_says_how_to_install_it(tmp_path):
    out = probe([tmp_path])
    assert out.startswith("unavailable: the FluidSynth library was not found in")
    assert "sudo apt-get install libfluidsynth3" in out and "brew install fluid-synth" in out


def test_a_broken_library_file_is_reported_not_crashed_on(tmp_path):
    (tmp_path / "libfluidsynth.so.3").write_bytes(b"this is not a shared library")
    out = probe([tmp_path])
    assert out.startswith("unavailable: the FluidSynth library could not be loaded")
    assert "libfluidsynth3" in out


def test_a_library_in_the_given_folder_is_the_one_loaded(tmp_path):
    (tmp_path / "libfluidsynth.so.3").symlink_to(system_library())
    assert probe([tmp_path]) == "loaded"


# ---- rendering ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_mix() -> np.ndarray:
    return render_samples(cadence(), TIMGM)


def test_the_rendered_chorale_is_audible_and_does_not_clip(full_mix):
    assert rms(full_mix) > 0.02
    assert np.abs(full_mix).max() / 32768 < 0.99


def test_the_wav_lasts_exactly_as_long_as_the_bars_at_the_tempo(tmp_path):
    score = cadence(bars=3, tempo=72)
    path = render_wav(score, tmp_path / "cadence.wav", soundfont=TIMGM, sample_rate=22050)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 22050)
        seconds = w.getnframes() / w.getframerate()
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    expected = 3 * 4 * 60 / 72  # three 4/4 bars of quarter notes at 72 bpm
    assert abs(seconds - expected) / expected < 0.01
    assert rms(frames) > 0.02


def test_muting_the_only_singing_voice_leaves_silence():
    score = Score(bars=2, tempo=100)
    score.set_notes(Voice.SOPRANO, [Note(start=0, length=8, pitch=72), Note(start=8, length=24, pitch=76)])
    sung = render_samples(score, TIMGM)
    muted = render_samples(score, TIMGM, mix=Mix().with_voice(Voice.SOPRANO, muted=True))
    assert rms(sung) > 0.01
    assert rms(muted) < 1e-4


def test_soloing_the_bass_sounds_like_the_bass_alone(full_mix):
    score = cadence()
    solo = render_samples(score, TIMGM, mix=Mix().with_voice(Voice.BASS, solo=True))
    bass_only = Score(bars=score.bars, tempo=score.tempo)
    bass_only.set_notes(Voice.BASS, score.notes(Voice.BASS))
    alone = render_samples(bass_only, TIMGM)
    assert rms(solo - alone) < 0.01 * rms(alone)
    assert rms(solo) < 0.8 * rms(full_mix)


def onsets(frames: np.ndarray, threshold: float = 0.01, quiet: float = 0.2) -> np.ndarray:
    """Sample indices where sound rises above ``threshold`` after ``quiet`` seconds below it."""
    loud = np.flatnonzero(np.abs(frames.astype(np.float64) / 32768).max(axis=1) > threshold)
    gaps = np.diff(loud, prepend=-RATE) > quiet * RATE
    return loud[gaps]


def test_over_a_minute_of_music_every_note_starts_within_5_ms_of_its_time():
    # 26 bars at 97 bpm = 64 s: a woodblock note every two beats, each starting off the sample grid.
    score = Score(bars=26, tempo=97)
    notes = [Note(start=s, length=1, pitch=60 + (s // 8) % 12) for s in range(0, score.total_steps, 8)]
    score.set_notes(Voice.SOPRANO, notes)
    frames = render_samples(score, TIMGM, mix=Mix().with_voice(Voice.SOPRANO, program=WOODBLOCK))
    assert step_seconds(score.total_steps, score.tempo) > 60
    intended = np.array([step_seconds(n.start, score.tempo) for n in notes])
    heard = onsets(frames) / RATE
    assert len(heard) == len(intended)
    error_ms = np.abs(heard - intended) * 1000
    assert error_ms.max() < 5.0, f"onset error max {error_ms.max():.2f} ms, mean {error_ms.mean():.2f} ms"


def test_a_soundfont_that_is_not_one_is_refused_with_its_name(tmp_path):
    bogus = tmp_path / "bogus.sf2"
    bogus.write_bytes(b"not a soundfont at all")
    with pytest.raises(PlaybackUnavailable, match="bogus.sf2 could not be read"):
        render_samples(cadence(bars=1), bogus)


# ---- the render command -------------------------------------------------------------------------------

def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chorale_studio", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, **(env or {})))


def test_render_names_a_missing_soundfont(tmp_path):
    out = run_cli("render", "piece.mid", "-o", str(tmp_path / "out.wav"), "--soundfont", str(tmp_path / "none.sf2"))
    assert out.returncode == 2
    assert "none.sf2 does not exist" in out.stderr and "Traceback" not in out.stderr


def test_render_without_the_library_says_how_to_install_it(tmp_path):
    out = run_cli("render", "piece.mid", "-o", str(tmp_path / "out.wav"), env={LIBRARY_DIRS_ENV: str(tmp_path)})
    assert out.returncode == 2
    assert "sudo apt-get install libfluidsynth3" in out.stderr and "Traceback" not in out.stderr


def test_render_turns_a_js_fakes_chorale_into_a_wav(tmp_path, jsfakes_dir):
    pytest.importorskip("chorale_studio.io.files", reason="the file loader (io.files.load_any) has not landed")
    from chorale_studio.io.files import load_any

    score = load_any(jsfakes_dir / "0.mid").score
    wav = tmp_path / "0.wav"
    out = run_cli("render", str(jsfakes_dir / "0.mid"), "-o", str(wav), "--sample-rate", "22050")
    assert out.returncode == 0, out.stderr
    with wave.open(str(wav)) as w:
        assert w.getframerate() == 22050
        seconds = w.getnframes() / 22050
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    expected = step_seconds(score.total_steps, score.tempo)
    assert abs(seconds - expected) / expected < 0.01
    assert rms(frames) > 0.02 and np.abs(frames).max() / 32768 < 0.99
