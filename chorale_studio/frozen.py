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


def wants_console(argv: list[str]) -> bool:
    """Whether a command line asks for printed output (``--selftest``, ``--help``, a subcommand)
    rather than just the window (no arguments, or files to open)."""
    from .cli import COMMANDS

    return any(a.startswith("-") or a in COMMANDS for a in argv[1:2]) or "--selftest" in argv


def attach_parent_console() -> bool:
    """Windows' executable is a windowed app (no console window flashes up when a composer
    double-clicks it), so it has no console of its own.  When it was started from a terminal with
    ``--selftest`` or a subcommand, print there: attach to the parent's console and reopen
    stdout/stderr on it.  Output that is already redirected (a pipe or file) is left alone."""
    if sys.platform != "win32" or (sys.stdout is not None and sys.stderr is not None):
        return False
    ATTACH_PARENT_PROCESS = -1
    if not ctypes.windll.kernel32.AttachConsole(ATTACH_PARENT_PROCESS):
        return False
    stream = open("CONOUT$", "w", encoding="utf-8", errors="replace", buffering=1)
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream
    return True


def ensure_std_streams() -> None:
    """A windowed app started without a console (double-clicked on Windows) has ``sys.stdout`` and
    ``sys.stderr`` set to None; libraries that write to them directly (music21's warnings call
    ``sys.stderr.write``) would then raise.  Give them a sink that discards what they write."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def prepare_frozen_app() -> None:
    """Everything the bundle needs before the CLI starts; does nothing in a source checkout."""
    if not getattr(sys, "frozen", False):
        return
    if wants_console(sys.argv):
        attach_parent_console()
    ensure_std_streams()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    preload_fluidsynth_libraries(bundle_dir() / "resources" / "fluidsynth")
