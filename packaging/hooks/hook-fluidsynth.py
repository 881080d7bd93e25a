"""PyInstaller hook for pyfluidsynth: bundle libfluidsynth and its companions in resources/fluidsynth.

On Linux and Windows they travel as data files, not binaries, so PyInstaller's
dependency scan does not drag in the system libraries they link (audio
servers, GLib, X11); ``fluidsynth_libs`` decides what is carried.  On macOS
libfluidsynth is a binary, so PyInstaller collects Homebrew's dependencies
and rewrites their install names.  ``load-order.txt`` tells
``chorale_studio.frozen`` in which order to load them at start-up.
"""
from pathlib import Path

from PyInstaller.config import CONF
from PyInstaller.utils.hooks import logger

from fluidsynth_libs import bundle_files, collected_as_binaries

DEST = "resources/fluidsynth"

_files = bundle_files()
_order = Path(CONF["workpath"]) / "fluidsynth" / "load-order.txt"
_order.parent.mkdir(parents=True, exist_ok=True)
_order.write_text("\n".join(name for name, _ in _files) + "\n", encoding="utf-8")

_libraries = [(str(source), DEST) for _, source in _files]
binaries = _libraries if collected_as_binaries() else []
datas = ([] if collected_as_binaries() else _libraries) + [(str(_order), DEST)]
logger.info("hook-fluidsynth: bundling %s", ", ".join(name for name, _ in _files))
