"""Which FluidSynth libraries the bundle carries, and in what order the app loads them.

libfluidsynth pulls in a large tree of shared libraries.  The bundle carries
libfluidsynth and the sound-file/synth libraries a fresh desktop may lack
(libinstpatch, libsndfile and its codecs, SDL2, JACK's client library); it
leaves to the system the C/C++ runtime, GLib (Qt already loads the system's
copy — two GLibs in one process break), D-Bus, the display stack, and the
audio-server clients (PulseAudio, ALSA) which must match the running system.
libreadline also stays: it is GPL-3 and part of every base system.

Linux is worked out with ``ldd``.  On macOS libfluidsynth (Homebrew's) goes to
PyInstaller as a binary, which collects its dependencies and rewrites their
install names; on Windows the DLLs of FluidSynth's release archive are taken
as they are (see packaging/README.md).
"""
from __future__ import annotations

import ctypes.util
import os
import re
import subprocess
import sys
from pathlib import Path

LIBRARY_ENV = "CHORALE_STUDIO_FLUIDSYNTH_LIB"

#: Sonames (by prefix) that always come from the system.
SYSTEM_PREFIXES = (
    "linux-vdso", "ld-linux", "libc.", "libm.", "libdl.", "librt.", "libpthread.", "libresolv.",
    "libstdc++", "libgcc_s", "libgomp",
    "libglib-", "libgobject-", "libgmodule-", "libgio-", "libgthread-", "libffi", "libpcre",
    "libdbus-", "libsystemd", "libcap.", "libgcrypt", "libgpg-error", "libselinux",
    "libz.", "liblzma", "libzstd", "liblz4", "libbz2", "libbsd", "libmd.", "libexpat", "libdb-",
    "libX", "libxcb", "libxkbcommon", "libwayland", "libdrm", "libgbm", "libdecor", "libGL", "libEGL",
    "libpulse", "libasound", "libasyncns", "libpipewire",
    "libreadline", "libtinfo", "libncurses",
)

_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(\S+)\s+\(")


def is_system_library(soname: str) -> bool:
    return soname.startswith(SYSTEM_PREFIXES)


def find_fluidsynth() -> Path:
    """The libfluidsynth file on this build machine (``CHORALE_STUDIO_FLUIDSYNTH_LIB`` overrides)."""
    if os.environ.get(LIBRARY_ENV):
        return Path(os.environ[LIBRARY_ENV]).resolve()
    if sys.platform.startswith("linux"):
        for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                       "/usr/local/lib"):
            candidate = Path(folder) / "libfluidsynth.so.3"
            if candidate.exists():
                return candidate
    found = ctypes.util.find_library("fluidsynth") or ctypes.util.find_library("libfluidsynth-3")
    if not found:
        raise FileNotFoundError(f"libfluidsynth not found; install it or set {LIBRARY_ENV}")
    return Path(found).resolve() if Path(found).is_absolute() else Path(found)


def ldd_dependencies(library: Path) -> dict[str, Path]:
    """soname → resolved file of every library ``library`` needs, directly or not (Linux)."""
    out = subprocess.run(["ldd", str(library)], capture_output=True, text=True, check=False).stdout
    found = {}
    for line in out.splitlines():
        m = _LDD_LINE.match(line)
        if m and m.group(2) != "not":
            found[m.group(1)] = Path(m.group(2))
    return found


def bundled_libraries(library: Path) -> list[tuple[str, Path]]:
    """(soname, file) of libfluidsynth and its non-system companions, each after those it needs."""
    closure = {n: p for n, p in ldd_dependencies(library).items() if not is_system_library(n)}
    closure[library.name] = library
    needs = {n: {d for d in ldd_dependencies(p) if d in closure and d != n} for n, p in closure.items()}
    # A library needs strictly fewer bundled libraries than anything that needs it, so this order
    # puts every dependency before its dependants.
    order = sorted(closure, key=lambda n: (len(needs[n]), n))
    return [(n, closure[n]) for n in order]


def bundle_files() -> list[tuple[str, Path]]:
    """(name in the bundle, source file) of the libraries to copy into resources/fluidsynth, in load order."""
    library = find_fluidsynth()
    if sys.platform.startswith("linux"):
        return bundled_libraries(library)
    if sys.platform == "darwin":
        # Homebrew's libfluidsynth links glib, libsndfile, … in other prefixes by absolute install
        # names.  The hook hands this one library to PyInstaller as a binary: PyInstaller collects
        # what it links (otool) and rewrites the install names to the bundle (@rpath).
        return [(library.name, library)]
    # Windows: FluidSynth's release archive has every DLL it needs beside libfluidsynth-3.dll.
    companions = sorted(p for p in library.parent.glob("*.dll") if p != library)
    return [(p.name, p) for p in companions] + [(library.name, library)]


def collected_as_binaries() -> bool:
    """Whether the hook gives the libraries to PyInstaller's dependency scan (macOS) or copies them
    as plain files that the scan does not see (Linux: the system's audio stack stays the system's;
    Windows: the release archive's DLLs are complete)."""
    return sys.platform == "darwin"
