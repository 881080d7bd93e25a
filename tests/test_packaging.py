"""What the packaged app carries besides Python: FluidSynth with its companions (loaded from the
bundle, not the system), the desktop entry and icon, and the licences that let it be shared.

The bundle itself is built and run by packaging/ci_bundle.sh; these checks are the fast part.
"""
import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "packaging"))

import fluidsynth_libs  # noqa: E402

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worked out with ldd on Linux")


@linux_only
def test_the_bundle_carries_fluidsynth_and_its_sound_file_libraries_but_not_the_system_ones():
    names = [name for name, _ in fluidsynth_libs.bundle_files()]
    assert names[-1].startswith("libfluidsynth.so")
    assert any(n.startswith("libinstpatch") for n in names)
    assert any(n.startswith("libsndfile") for n in names)
    for system in ("libc.so", "libstdc++", "libglib-2.0", "libpulse", "libasound", "libX11"):
        assert not any(n.startswith(system) for n in names), f"{system} must come from the system"


@linux_only
def test_every_bundled_library_is_loaded_after_the_libraries_it_needs():
    files = fluidsynth_libs.bundle_files()
    for position, (name, path) in enumerate(files):
        earlier = {n for n, _ in files[:position]}
        later = {n for n, _ in files[position + 1:]}
        needs = set(fluidsynth_libs.ldd_dependencies(path))
        assert not needs & later, f"{name} needs {needs & later}, which load after it"
        assert name not in earlier


@linux_only
def test_the_start_up_fix_makes_the_app_use_its_own_fluidsynth_copies(tmp_path):
    folder = tmp_path / "resources" / "fluidsynth"
    folder.mkdir(parents=True)
    files = fluidsynth_libs.bundle_files()
    for name, source in files:
        shutil.copy2(source, folder / name)
    (folder / "load-order.txt").write_text("\n".join(n for n, _ in files) + "\n")
    # A fresh interpreter, as in the frozen app: nothing of FluidSynth is loaded yet.
    script = f"""
from pathlib import Path
from chorale_studio.frozen import preload_fluidsynth_libraries
from chorale_studio.playback.synth import load_fluidsynth
folder = Path({str(folder)!r})
preload_fluidsynth_libraries(folder)
synth = load_fluidsynth([folder]).Synth()
synth.delete()
for line in Path("/proc/self/maps").read_text().splitlines():
    if any(n in line for n in ("libfluidsynth", "libinstpatch", "libsndfile")):
        print(line.split()[-1])
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    mapped = set(run.stdout.split())
    assert mapped, "FluidSynth was not loaded at all"
    assert all(Path(p).parent == folder for p in mapped), f"some came from the system: {sorted(mapped)}"


def test_the_desktop_entry_starts_the_app_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(REPO / "packaging" / "linux" / "chorale-studio.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] == "chorale-studio"
    assert (REPO / "resources" / "icons" / f"{desktop['Icon']}.png").is_file()
    assert (REPO / "resources" / "icons" / f"{desktop['Icon']}.svg").is_file()
    assert "Music" in desktop["Categories"].split(";")


def test_the_licences_name_everything_the_bundle_redistributes():
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    notices = (REPO / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    for work in ("PySide6", "FluidSynth", "TimGM6mb", "JS Fake Chorales, Omar Peracha (2021/2022)", "CC BY 4.0",
                 "music21", "PyTorch", "transformers"):
        assert work in notices, f"{work} is missing from the third-party notices"
    licenses = REPO / "packaging" / "licenses"
    for text in ("GPL-2.txt", "LGPL-2.1.txt", "LGPL-3.txt", "GPL-3.txt", "Apache-2.0.txt"):
        assert (licenses / text).stat().st_size > 5000, f"{text} is not the full licence text"
    soundfont_licence = (REPO / "resources" / "soundfonts" / "TimGM6mb-LICENSE.txt").read_text(encoding="utf-8")
    assert "GNU General Public License" in soundfont_licence


def test_a_wheel_built_from_the_checkout_carries_every_package_and_the_shipped_model(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("chorale_studio", "resources"):
        shutil.copytree(REPO / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel, = (tmp_path / "dist").glob("chorale_studio-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "installed")
    model = REPO / "resources" / "model"
    for f in ("model.safetensors", "config.json", "tokenizer.json", "generation_config.json"):
        assert f"chorale_studio/resources/model/{f}" in names, f"the wheel lacks the shipped model's {f}"
    shipped = tmp_path / "installed" / "chorale_studio" / "resources" / "model" / "model.safetensors"
    assert shipped.stat().st_size == (model / "model.safetensors").stat().st_size
    packages = {str(p.parent.relative_to(REPO)) for p in (REPO / "chorale_studio").rglob("__init__.py")}
    missing = [p for p in packages if f"{p}/__init__.py" not in names]
    assert not missing, f"add these packages to [tool.setuptools] packages in pyproject.toml: {missing}"
    # Installed, the app finds the model inside the package (no checkout beside it).
    where = subprocess.run([sys.executable, "-S", "-c", "from chorale_studio.paths import default_model_dir; "
                            "print(default_model_dir())"], capture_output=True, text=True, check=True,
                           env={"PYTHONPATH": str(tmp_path / "installed")}, cwd=tmp_path)
    assert Path(where.stdout.strip()) == shipped.parent
