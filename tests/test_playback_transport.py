"""Playing the chorale live: the transport's clock, loop and tempo, real-time sound, and the Qt controller.

The clock tests run in silent mode (no audio device here or in CI).  The sound
test uses FluidSynth's real "file" audio driver, which renders in real time
into a WAV file, so the live scheduling path is measured like a sound card's.
"""
import os
import subprocess
import sys
import time
import wave

import numpy as np
import pytest

from chorale_studio.playback.qt import PlaybackController
from chorale_studio.playback.schedule import Mix
from chorale_studio.playback.synth import LIBRARY_DIRS_ENV
from chorale_studio.playback.transport import Transport, platform_drivers
from chorale_studio.score.model import Note, Score, Voice

WOODBLOCK = 115
RATE = 44100


def hymn(bars: int = 4, tempo: float = 300) -> Score:
    """A fast hymn tune (300 bpm: 20 steps a second) so the playhead covers ground quickly."""
    score = Score(bars=bars, tempo=tempo)
    score.set_notes(Voice.SOPRANO, [Note(start=4 * i, length=4, pitch=72 + i % 5) for i in range(bars * 4)])
    return score


@pytest.fixture
def silent():
    transports = []

    def make(score: Score) -> Transport:
        transports.append(Transport(score, audio="null"))
        return transports[-1]

    yield make
    for t in transports:
        t.close()


def test_silent_mode_says_so_and_still_plays(silent):
    transport = silent(hymn())
    assert not transport.available and "silent" in transport.message
    transport.play()
    time.sleep(0.3)
    assert transport.state == "playing"
    assert 4 < transport.position() < 8  # about 0.3 s × 20 steps/s


def test_pause_holds_the_playhead_and_play_resumes_there(silent):
    transport = silent(hymn())
    transport.play(16)
    time.sleep(0.2)
    transport.pause()
    held = transport.position()
    time.sleep(0.2)
    assert transport.state == "paused" and transport.position() == held > 16
    transport.play()
    time.sleep(0.1)
    assert transport.position() > held


def test_stop_returns_the_playhead_to_where_playing_began(silent):
    transport = silent(hymn())
    transport.play(8)
    time.sleep(0.2)
    transport.stop()
    assert transport.state == "stopped" and transport.position() == 8


def test_the_piece_ends_by_itself(silent):
    transport = silent(hymn(bars=1))  # 16 steps = 0.8 s
    transport.play(12)
    time.sleep(0.35)
    assert transport.state == "stopped" and transport.position() == 12


def test_a_looped_bar_repeats(silent):
    transport = silent(hymn())
    transport.set_loop(16, 32)  # bar 2, 0.8 s long
    transport.play(0)  # outside the loop: starts at the loop
    seen = []
    for _ in range(30):
        time.sleep(0.05)
        seen.append(transport.position())
    assert all(16 <= p < 32 for p in seen)
    assert any(b < a for a, b in zip(seen, seen[1:])), "the playhead never wrapped back"
    assert transport.state == "playing"


def test_a_faster_tempo_moves_the_playhead_faster_at_once(silent):
    transport = silent(hymn(bars=8, tempo=150))  # 10 steps a second
    transport.play(0)
    time.sleep(0.2)
    before = transport.position()
    transport.set_tempo(300)
    time.sleep(0.2)
    gained = transport.position() - before
    assert 3 < gained < 5, f"moved {gained:.2f} steps in 0.2 s at 300 bpm (expected 4)"


def test_each_platform_names_its_audio_drivers():
    assert platform_drivers("linux") == ("pulseaudio", "pipewire", "alsa", "jack")
    assert platform_drivers("darwin")[0] == "coreaudio"
    assert platform_drivers("win32")[:2] == ("wasapi", "dsound")


def test_with_no_audio_device_the_transport_falls_back_to_silence_and_names_the_drivers():
    # "oss" needs /dev/dsp, which no container has.
    transport = Transport(hymn(), drivers=["oss"])
    try:
        assert not transport.available
        assert "no audio output could be opened (tried oss)" in transport.message
        transport.play()
        time.sleep(0.1)
        assert transport.position() > 0
    finally:
        transport.close()


def test_without_the_library_the_app_still_plays_silently(tmp_path):
    script = ("import time\nfrom chorale_studio.playback.transport import Transport\n"
              "from chorale_studio.score.model import Score\n"
              "t = Transport(Score(bars=2, tempo=300))\nt.play()\ntime.sleep(0.2)\n"
              "print(t.available, t.position() > 0)\nprint(t.message)\nt.close()\n")
    env = dict(os.environ, **{LIBRARY_DIRS_ENV: str(tmp_path)})
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    first, message = out.stdout.splitlines()
    assert first == "False True"
    assert "FluidSynth library was not found" in message and "libfluidsynth3" in message


def test_live_notes_sound_on_time_through_a_real_audio_driver(tmp_path):
    """Notes every 3 steps: 375 ms apart at 120 bpm; after the tempo halves while playing, 750 ms."""
    score = Score(bars=2, tempo=120)
    score.set_notes(Voice.SOPRANO, [Note(start=s, length=1, pitch=72) for s in range(0, 32, 3)])
    out = tmp_path / "live.wav"
    transport = Transport(score, mix=Mix().with_voice(Voice.SOPRANO, program=WOODBLOCK), drivers=["file"],
                          driver_settings={"audio.file.name": str(out)})
    assert transport.available, transport.message
    transport.play(0)
    time.sleep(1.3)  # notes at 0, 0.375, 0.75, 1.125 s; the next would be at 1.5 s
    transport.set_tempo(60)  # at about step 10.4: steps 12, 15, 18 follow 0.4, 1.15, 1.9 s later
    time.sleep(2.1)
    transport.close()
    with wave.open(str(out)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, 2)
    loud = np.flatnonzero(np.abs(frames.astype(np.float64) / 32768).max(axis=1) > 0.01)
    heard = loud[np.diff(loud, prepend=-RATE) > 0.2 * RATE] / RATE
    assert len(heard) == 7, f"heard {len(heard)} notes"
    intervals = np.diff(heard)
    # the gap spanning the tempo change depends on when Python made it, so it is not checked
    error_ms = np.abs(intervals[[0, 1, 2, 4, 5]] - [0.375, 0.375, 0.375, 0.75, 0.75]) * 1000
    assert error_ms.max() < 5.0, f"live onset interval errors {np.round(error_ms, 2)} ms"


# ---- the Qt controller --------------------------------------------------------------------------------

@pytest.fixture
def controller(qtbot):
    c = PlaybackController(hymn(), audio="null")
    yield c
    c.close()


def test_the_controller_announces_silent_mode_with_its_reason(qtbot):
    c = PlaybackController(hymn(), audio="null")
    try:
        with qtbot.waitSignal(c.availabilityChanged, timeout=1000) as blocker:
            pass
        assert blocker.args == [False, c.message] and "silent" in c.message
    finally:
        c.close()


def test_space_plays_and_the_playhead_moves_at_30_hz_or_more(qtbot, controller):
    positions = []
    controller.positionChanged.connect(positions.append)
    with qtbot.waitSignal(controller.stateChanged, timeout=1000) as blocker:
        controller.toggle()
    assert blocker.args == ["playing"]
    qtbot.wait(500)
    assert len(positions) >= 15, f"{len(positions)} playhead updates in 0.5 s"
    assert positions == sorted(positions) and positions[-1] > 5
    with qtbot.waitSignal(controller.stateChanged, timeout=1000) as blocker:
        controller.toggle()
    assert blocker.args == ["stopped"] and controller.position() == 0


def test_looping_the_selected_bar_repeats_it_in_the_window(qtbot, controller):
    positions = []
    controller.positionChanged.connect(positions.append)
    controller.set_loop(16, 32)
    controller.play(16)
    qtbot.waitUntil(lambda: any(b < a for a, b in zip(positions, positions[1:])), timeout=3000)
    assert all(16 <= p < 32 for p in positions)
    assert controller.state() == "playing"


def test_the_controller_reports_the_end_of_the_piece(qtbot):
    c = PlaybackController(hymn(bars=1), audio="null")
    try:
        c.play(8)
        with qtbot.waitSignal(c.stateChanged, timeout=2000) as blocker:
            pass
        assert blocker.args == ["stopped"] and c.position() == 8
    finally:
        c.close()
