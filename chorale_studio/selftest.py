"""`chorale-studio --selftest`: prove that an installed app (frozen or not) can do its whole job offline.

One line per step, then ``selftest ok`` and exit code 0; the first failing
step prints ``selftest FAILED: <step>: <reason>`` and exit code 1.  The steps
are what a composer's first minute needs: the window opens, the model loads
and writes 4 new bars, FluidSynth sounds them, MIDI and MusicXML exports
read back as the same music, and verovio engraves them (the score pane).  It runs on the offscreen Qt platform with no
network (``HF_HUB_OFFLINE``), so CI can run it on the packaged app.

The model folder is the shipped one unless ``--model DIR`` or the
``CHORALE_STUDIO_MODEL`` environment variable names another.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

MODEL_ENV = "CHORALE_STUDIO_MODEL"
SELFTEST_BARS = 4
SELFTEST_SEED = 7


class StepFailed(Exception):
    """A selftest step found something wrong; the message says what."""


def _window() -> str:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["chorale-studio"])
    try:
        from .ui.main_window import MainWindow
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("chorale_studio.ui"):
            return "skipped (this build has no editor window)"
        raise
    window = MainWindow()
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.close()
    app.processEvents()
    if not shown:
        raise StepFailed("the main window did not show")
    return "main window shown and closed"


def _load_model(folder: Path):
    from .generation.model import ChoraleModel

    return ChoraleModel.load(folder)


def _generate(model):
    from .generation.engine import generate
    from .generation.requests import NewRequest, Sampling

    result = generate(model, NewRequest(bars=SELFTEST_BARS, sampling=Sampling(seed=SELFTEST_SEED)))
    score = result.candidates[0].score
    if score.bars != SELFTEST_BARS:
        raise StepFailed(f"asked for {SELFTEST_BARS} bars, got {score.bars}")
    from .score import Voice

    silent = [v.label.lower() for v in Voice if not score.notes(v)]
    if silent:
        raise StepFailed(f"no notes written for {', '.join(silent)}")
    return score


def _render_one_second(score) -> str:
    from .playback.render import render_samples

    # The first bar, at the tempo that makes one bar last exactly one second (15 s/step·tempo).
    bar = score.window(0, 1)
    bar.tempo = 15.0 * bar.steps_per_bar
    sample_rate = 44100
    frames = render_samples(bar, sample_rate=sample_rate)
    if len(frames) != sample_rate:
        raise StepFailed(f"one second should be {sample_rate} frames, got {len(frames)}")
    peak = int(np.abs(frames.astype(np.int32)).max())
    if peak < 100:
        raise StepFailed(f"the rendered audio is silent (peak {peak})")
    return f"1.0 s rendered, peak {20 * np.log10(peak / 32768):.1f} dBFS"


def _export_and_reread(score, folder: Path) -> str:
    from .io.midi import read_midi, write_midi
    from .io.musicxml import read_musicxml, write_musicxml

    midi, xml = folder / "selftest.mid", folder / "selftest.musicxml"
    write_midi(score, midi)
    write_musicxml(score, xml)
    for path, read in ((midi, read_midi), (xml, read_musicxml)):
        back = read(path).score
        if not back.same_music(score):
            raise StepFailed(f"{path.name} does not read back as the music that was written")
    return f"{midi.name} ({midi.stat().st_size} B) and {xml.name} ({xml.stat().st_size} B) read back unchanged"


def _engrave(score) -> str:
    """The score pane's engraving (verovio, in this process): a notehead for every written note."""
    from .notation import EngraveOptions, Engraver
    from .notation.written import written_note_count

    engraving = Engraver().engrave(score, EngraveOptions(width=1000))
    expected = written_note_count(score)
    if len(engraving.notes) != expected or len(engraving.bars) != score.bars:
        raise StepFailed(f"{len(engraving.notes)} noteheads in {len(engraving.bars)} bars, "
                         f"expected {expected} in {score.bars}")
    return f"{expected} noteheads in {score.bars} bars ({len(engraving.pages[0]) // 1024} kB of SVG)"


def _step(name: str, work: Callable[[], object], describe: Callable[[object], str] | None = None):
    """Run one step, print its line, and turn any failure into StepFailed naming the step."""
    started = time.perf_counter()
    try:
        value = work()
    except StepFailed as exc:
        raise StepFailed(f"{name}: {exc}") from None
    except Exception as exc:  # the selftest reports every failure, whatever raised it
        raise StepFailed(f"{name}: {type(exc).__name__}: {exc}") from None
    detail = describe(value) if describe else str(value)
    print(f"{name}: {detail} ({time.perf_counter() - started:.2f} s)", flush=True)
    return value


def run_selftest(model_dir: str | os.PathLike | None = None) -> int:
    """Run every step; 0 when all pass, 1 (after printing what failed) otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from .paths import default_model_dir

    folder = Path(model_dir or os.environ.get(MODEL_ENV) or default_model_dir())
    try:
        _step("window", _window)
        model = _step("model", lambda: _load_model(folder), lambda _: f"loaded {folder}")
        score = _step("generate", lambda: _generate(model), lambda s: f"{s.bars} bars, {s.note_count()} notes")
        _step("audio", lambda: _render_one_second(score))
        with tempfile.TemporaryDirectory(prefix="chorale-selftest-") as tmp:
            _step("export", lambda: _export_and_reread(score, Path(tmp)))
        _step("engrave", lambda: _engrave(score))
    except StepFailed as exc:
        print(f"selftest FAILED: {exc}", flush=True)
        return 1
    print("selftest ok", flush=True)
    return 0
