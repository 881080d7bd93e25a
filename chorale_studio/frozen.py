"""Start-up fixes for the packaged (PyInstaller) app, run by its launcher before anything else.

The bundle carries its own libfluidsynth and the companion libraries it needs
in ``resources/fluidsynth``.  The dynamic loader does not look in that folder
for a library's dependencies, so they are loaded first, dependencies before
dependants, in the order the build wrote to ``load-order.txt``; when
libfluidsynth is then opened, the loader reuses the already-loaded copies
(it matches them by soname) instead of searching the system.  The playback
module already prefers ``resources/fluidsynth`` over the system library.

The model ships in the bundle, so the Hugging Face libraries are told not to
look for a network unless the user says otherwise.
"""
from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

LOAD_ORDER_FILE = "load-order.txt"


def bundle_dir() -> Path:
    """The folder holding the frozen app's files (``_internal`` beside the executable)."""
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))


def preload_fluidsynth_libraries(folder: Path) -> list[Path]:
    """Load the bundled libraries listed in ``folder/load-order.txt``; returns those that loaded.

    A library that fails to load is skipped: libfluidsynth may still load
    with the system's copy, and if it cannot, playback says so with its own
    message instead of the app failing to start.
    """
    order = folder / LOAD_ORDER_FILE
    if not order.is_file():
        return []
    if sys.platform == "win32":
        # Windows resolves a DLL's dependencies from the registered DLL folders.
        os.add_dll_directory(str(folder))
    loaded = []
    for name in order.read_text(encoding="utf-8").split():
        try:
            ctypes.CDLL(str(folder / name))
        except OSError:
            continue
        loaded.append(folder / name)
    return loaded


def prepare_frozen_app() -> None:
    """Everything the bundle needs before the CLI starts; does nothing in a source checkout."""
    if not getattr(sys, "frozen", False):
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    preload_fluidsynth_libraries(bundle_dir() / "resources" / "fluidsynth")
