"""Build the Chorale Studio app bundle for this platform and print its size.

    python packaging/build.py [--dist DIR] [--work DIR]

Runs PyInstaller with packaging/chorale-studio.spec (one folder), then puts
the licences and, on Linux, the .desktop file and icon beside the executable.
The bundle lands in dist/chorale-studio/ (the executable is chorale-studio,
chorale-studio.exe on Windows; on macOS also dist/Chorale Studio.app).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "chorale-studio.spec"
NAME = "chorale-studio"


def folder_size(folder: Path) -> int:
    """Bytes of all regular files under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(folder: Path, count: int = 8) -> list[tuple[int, str]]:
    """The biggest top-level entries inside the bundle's contents folder, for the build log."""
    inner = folder / "_internal" if (folder / "_internal").is_dir() else folder
    sizes = []
    for entry in inner.iterdir():
        size = folder_size(entry) if entry.is_dir() else entry.lstat().st_size
        sizes.append((size, entry.name))
    return sorted(sizes, reverse=True)[:count]


def add_beside_executable(bundle: Path) -> None:
    """What a user should find without digging into _internal: the licences, and the Linux desktop entry."""
    shutil.copy2(ROOT / "LICENSE", bundle / "LICENSE.txt")
    shutil.copy2(ROOT / "THIRD_PARTY_NOTICES.md", bundle / "THIRD_PARTY_NOTICES.md")
    shutil.copytree(ROOT / "packaging" / "licenses", bundle / "licenses", dirs_exist_ok=True)
    if sys.platform.startswith("linux"):
        shutil.copy2(ROOT / "packaging" / "linux" / f"{NAME}.desktop", bundle / f"{NAME}.desktop")
        shutil.copy2(ROOT / "resources" / "icons" / f"{NAME}.png", bundle / f"{NAME}.png")


def build(dist: Path, work: Path) -> Path:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], check=True, cwd=ROOT)
    bundle = dist / NAME
    add_beside_executable(bundle)
    minutes = (time.monotonic() - started) / 60
    print(f"bundle: {bundle}")
    print(f"build time: {minutes:.1f} min")
    for size, name in largest_parts(bundle):
        print(f"  {size / 1e6:8.1f} MB  {name}")
    print(f"bundle size: {folder_size(bundle) / 1e6:.0f} MB unpacked")
    return bundle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args()
    build(args.dist.resolve(), args.work.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
