"""The FluidSynth synthesizer: loading libfluidsynth, and a synth set up to sing the four voices.

pyfluidsynth looks for the C library when it is imported and raises ImportError
or OSError if it is missing or broken; ``load_fluidsynth`` turns that into
``PlaybackUnavailable`` with a message that says how to install it.

Where pyfluidsynth searches can be narrowed to given folders (the ``library_dirs``
argument, or the ``CHORALE_STUDIO_FLUIDSYNTH_DIRS`` environment variable, a
path list): only a library file in those folders is then accepted.  The app
bundle uses this to point at its own copy (``resources/fluidsynth``), and tests
point it at an empty folder to see the missing-library message for real.
The library is loaded once per process; a later call with other folders
returns the library already loaded.
"""
from __future__ import annotations

import ctypes.util
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Iterator, Sequence

from ..errors import ChoraleError
from ..paths import resources_dir
from ..score.model import Voice
from .schedule import Mix, NoteEvent, channel_of

LIBRARY_DIRS_ENV = "CHORALE_STUDIO_FLUIDSYNTH_DIRS"

#: Master gain, set explicitly: JS Fakes chorales (four voices, velocity 80, Choir Aahs, TimGM6mb)
#: then peak near −6 dBFS with an RMS near −22 dBFS, leaving headroom for louder soundfonts.
DEFAULT_GAIN = 0.8

INSTALL_HINT = ("install FluidSynth: on Debian/Ubuntu `sudo apt-get install libfluidsynth3`, "
                "on macOS `brew install fluid-synth`, on Windows use the app bundle's libfluidsynth DLL "
                "or a FluidSynth release from github.com/FluidSynth/fluidsynth/releases")

_LIBRARY_PATTERNS = ("libfluidsynth.so*", "libfluidsynth*.dylib", "libfluidsynth*.dll", "fluidsynth*.dll")


class PlaybackUnavailable(ChoraleError):
    """Sound cannot be made here: no FluidSynth library, no soundfont, or an unreadable one."""


def _library_dirs(library_dirs: Sequence[Path | str] | None) -> list[Path] | None:
    if library_dirs is not None:
        return [Path(d) for d in library_dirs]
    env = os.environ.get(LIBRARY_DIRS_ENV)
    if env is not None:
        return [Path(d) for d in env.split(os.pathsep) if d]
    bundled = resources_dir() / "fluidsynth"
    return [bundled] if bundled.is_dir() else None


def _library_in(dirs: list[Path]) -> Path | None:
    for d in dirs:
        for pattern in _LIBRARY_PATTERNS:
            found = sorted(d.glob(pattern))
            if found:
                return found[0]
    return None


@contextmanager
def _find_library_answering(path: Path) -> Iterator[None]:
    """While importing pyfluidsynth, make its ctypes.util.find_library look only at ``path``."""
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: str(path)
    try:
        yield
    finally:
        ctypes.util.find_library = original


@contextmanager
def _quiet_on_ci() -> Iterator[None]:
    """pyfluidsynth prints where it found the library to stdout when CI is set, which would mix
    into the app's own output (and into what tests and scripts read from it)."""
    ci = os.environ.pop("CI", None)
    try:
        yield
    finally:
        if ci is not None:
            os.environ["CI"] = ci


def load_fluidsynth(library_dirs: Sequence[Path | str] | None = None) -> ModuleType:
    """The pyfluidsynth module with libfluidsynth loaded, or PlaybackUnavailable saying how to install it."""
    if "fluidsynth" in sys.modules:
        return sys.modules["fluidsynth"]
    with _quiet_on_ci():
        return _import_fluidsynth(library_dirs)


def _import_fluidsynth(library_dirs: Sequence[Path | str] | None) -> ModuleType:
    dirs = _library_dirs(library_dirs)
    try:
        if dirs is None:
            import fluidsynth
        else:
            path = _library_in(dirs)
            if path is None:
                where = ", ".join(str(d) for d in dirs) or "(no folder)"
                raise PlaybackUnavailable(f"the FluidSynth library was not found in {where}; {INSTALL_HINT}")
            with _find_library_answering(path):
                import fluidsynth
    except (ImportError, OSError) as exc:
        raise PlaybackUnavailable(f"the FluidSynth library could not be loaded ({exc}); {INSTALL_HINT}") from None
    return fluidsynth


class ChoirSynth:
    """A FluidSynth synth with one soundfont loaded and each voice on its own channel.

    Used by the offline renderer (pull samples with ``samples``) and by the
    transport (which starts an audio driver on ``fluid``).
    """

    def __init__(self, soundfont: Path, sample_rate: int = 44100, mix: Mix | None = None,
                 gain: float = DEFAULT_GAIN, library_dirs: Sequence[Path | str] | None = None) -> None:
        fl = load_fluidsynth(library_dirs)
        self.sample_rate = sample_rate
        # The audio driver must not be left to FluidSynth's default; the transport sets it explicitly.
        self.fluid = fl.Synth(gain=float(gain), samplerate=sample_rate)
        self.soundfont = Path(soundfont)
        self._sfid = self.fluid.sfload(str(self.soundfont))
        if self._sfid < 0:
            self.fluid.delete()
            raise PlaybackUnavailable(f"the soundfont {self.soundfont} could not be read (is it a .sf2 file?)")
        self.set_mix(mix or Mix())

    def set_mix(self, mix: Mix) -> None:
        """Program, volume (0 when muted or out of the solo) and pan of each voice's channel, at once."""
        self.mix = mix
        for voice in Voice:
            ch = channel_of(voice)
            self.fluid.program_select(ch, self._sfid, 0, mix[voice].program)
            self.fluid.cc(ch, 7, mix.channel_volume(voice))
            self.fluid.cc(ch, 10, mix[voice].pan)

    def play(self, event: NoteEvent) -> None:
        """Send one note event now (the renderer calls this exactly at the event's sample)."""
        if event.on:
            self.fluid.noteon(event.channel, event.pitch, event.velocity)
        else:
            self.fluid.noteoff(event.channel, event.pitch)

    def silence(self) -> None:
        """Release every sounding note at once (stop, or a jump of the playhead)."""
        for voice in Voice:
            self.fluid.all_notes_off(channel_of(voice))

    def samples(self, frames: int):
        """The next ``frames`` stereo frames as an int16 numpy array of shape (frames, 2)."""
        return self.fluid.get_samples(frames).reshape(-1, 2)

    def close(self) -> None:
        self.fluid.delete()
