"""Where the soundfont comes from: the user's choice, the app's own, then the usual system folders.

A composer's choice (kept by the editor in QSettings) wins; then a soundfont
shipped in ``resources/soundfonts``; then the folders where Linux packages,
Homebrew and Windows installers put General MIDI soundfonts.  ``.sf2`` files
are preferred over ``.sf3``, and among system fonts the known General MIDI
ones (TimGM6mb, FluidR3_GM, …) come first so the choir program exists.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Sequence

from ..paths import resources_dir
from .synth import PlaybackUnavailable

SOUNDFONT_SUFFIXES = (".sf2", ".sf3")

#: General MIDI soundfonts known to carry all 128 programs, best first.
KNOWN_GM_FONTS = ("timgm6mb", "fluidr3_gm", "generaluser", "musescore_general", "default-gm")

INSTALL_HINT = ("install a General MIDI soundfont (Debian/Ubuntu: `sudo apt-get install timgm6mb-soundfont`, "
                "macOS: `brew install fluid-synth` and put a .sf2 in /opt/homebrew/share/soundfonts) "
                "or choose a .sf2 file in Preferences")


def bundled_dirs() -> list[Path]:
    return [resources_dir() / "soundfonts"]


def system_dirs() -> list[Path]:
    """The folders where this platform's packages usually put soundfonts."""
    if sys.platform == "win32":
        roots = [os.environ.get(k) for k in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA", "ProgramData")]
        dirs = [Path(r) / sub for r in roots if r for sub in ("soundfonts", "SoundFonts", "FluidSynth/soundfonts")]
        return [Path("C:/soundfonts"), Path("C:/tools/fluidsynth/share/soundfonts"), *dirs]
    return [Path("/usr/share/sounds/sf2"), Path("/usr/share/soundfonts"), Path("/usr/share/sounds/sf3"),
            Path("/usr/local/share/soundfonts"), Path("/opt/homebrew/share/soundfonts"),
            Path.home() / "Library/Audio/Sounds/Banks", Path.home() / ".local/share/soundfonts"]


def _rank(path: Path) -> tuple[int, int, str]:
    name = path.name.lower()
    known = next((i for i, k in enumerate(KNOWN_GM_FONTS) if name.startswith(k)), len(KNOWN_GM_FONTS))
    return SOUNDFONT_SUFFIXES.index(path.suffix.lower()), known, name


def _fonts_in(dirs: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for d in dirs:
        if d.is_dir():
            found.extend(p for p in d.iterdir() if p.suffix.lower() in SOUNDFONT_SUFFIXES and p.is_file())
    return found


def find_soundfont(user_choice: str | os.PathLike | None = None,
                   search_dirs: Sequence[Path | str] | None = None) -> Path | None:
    """The soundfont to use, or None when there is none.

    ``search_dirs`` replaces the bundled and system folders (tests point it at
    empty places).  A user choice that no longer exists is skipped, not fatal:
    the next best soundfont still lets the composer hear the music.
    """
    if user_choice:
        chosen = Path(user_choice).expanduser()
        if chosen.is_file():
            return chosen
    if search_dirs is not None:
        candidates = _fonts_in(Path(d) for d in search_dirs)
        return min(candidates, key=_rank) if candidates else None
    for group in (bundled_dirs(), system_dirs()):
        candidates = _fonts_in(group)
        if candidates:
            return min(candidates, key=_rank)
    return None


def require_soundfont(user_choice: str | os.PathLike | None = None,
                      search_dirs: Sequence[Path | str] | None = None) -> Path:
    """Like ``find_soundfont`` but raises PlaybackUnavailable with what to do when none is found."""
    if user_choice and not Path(user_choice).expanduser().is_file():
        raise PlaybackUnavailable(f"the soundfont {user_choice} does not exist; choose a .sf2 file")
    found = find_soundfont(user_choice, search_dirs)
    if found is None:
        where = search_dirs if search_dirs is not None else [*bundled_dirs(), *system_dirs()]
        raise PlaybackUnavailable(
            f"no soundfont found (looked in {', '.join(str(d) for d in where)}); {INSTALL_HINT}")
    return found
