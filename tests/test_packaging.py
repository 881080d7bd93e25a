"""What the packaged app carries besides Python: FluidSynth with its companions (loaded from the
bundle, not the system), the desktop entry and icon, and the licences that let it be shared.

The bundle itself is built, packed, installed and run by packaging/release_linux.sh (CI runs it);
these checks are the fast part.
"""
import configparser
import re
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


# --- Release builds (issue #17): the workflow, the icons, the Linux installer -----------------------

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


def _workflow() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_release_workflow_builds_and_selftests_every_platform_on_a_tag():
    flow = _workflow()
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["tags"] == ["v*"]
    build = flow["jobs"]["build"]
    assert {e["os"] for e in build["strategy"]["matrix"]["include"]} == {"ubuntu-22.04", "macos-14", "windows-2022"}
    steps = build["steps"]
    text = WORKFLOW.read_text(encoding="utf-8")
    assert flow["env"]["PYTHON_VERSION"] == "3.11"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "bash packaging/release_linux.sh" in runs
    assert "python packaging/build.py" in runs
    assert "brew install fluid-synth" in runs
    assert runs.count("--selftest") >= 2  # macOS and Windows; the Linux one is in release_linux.sh
    assert "sandbox-exec" in runs and "New-NetFirewallRule" in runs  # offline selftests
    assert "sha256" in text.lower()


def test_every_action_in_the_workflows_is_pinned_to_a_version():
    import re

    for flow in (REPO / ".github" / "workflows").glob("*.yml"):
        for line in flow.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                ref = line.split("uses:", 1)[1].strip()
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+", ref), f"{flow.name}: {ref} is not pinned"


def test_actionlint_passes_on_the_workflows():
    linter = shutil.which("actionlint", path=f"{Path(sys.executable).parent}:{__import__('os').environ['PATH']}")
    if linter is None:
        pytest.skip("actionlint is not installed (.ci/run installs it and lints the workflows)")
    run = subprocess.run([linter, "-no-color", *map(str, (REPO / ".github" / "workflows").glob("*.yml"))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_macos_and_windows_icons_are_made_from_the_svg_at_every_size():
    from PIL import Image

    icons = REPO / "resources" / "icons"
    with Image.open(icons / "chorale-studio.icns") as icns:
        assert icns.size == (1024, 1024)
        assert {s[:2] for s in icns.info["sizes"]} >= {(16, 16), (32, 32), (128, 128), (256, 256), (512, 512)}
    with Image.open(icons / "chorale-studio.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_the_windowed_windows_app_prints_only_when_asked_to():
    from chorale_studio.frozen import attach_parent_console, wants_console

    assert not wants_console(["chorale-studio"])
    assert not wants_console(["chorale-studio", "song.mid"])
    assert wants_console(["chorale-studio", "--selftest"])
    assert wants_console(["chorale-studio", "render", "a.chorale", "-o", "a.wav"])
    assert wants_console(["chorale-studio", "--help"])
    assert attach_parent_console() is False  # not Windows, or output already has somewhere to go


def test_a_windowed_app_without_a_console_gets_streams_that_libraries_can_write_to(monkeypatch):
    from chorale_studio.frozen import ensure_std_streams

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    ensure_std_streams()
    sys.stderr.write("music21: a warning nobody sees\n")  # as music21's environment.warn does
    print("and a print")
    sys.stdout.close()
    sys.stderr.close()


def test_the_menu_entry_opens_the_file_types_the_installer_registers():
    import xml.etree.ElementTree as ET

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(REPO / "packaging" / "linux" / "chorale-studio.desktop", encoding="utf-8")
    mime_types = set(filter(None, entry["Desktop Entry"]["MimeType"].split(";")))
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    tree = ET.parse(REPO / "packaging" / "linux" / "chorale-studio-mime.xml")
    declared = {t.get("type"): {g.get("pattern") for g in t.findall("m:glob", ns)}
                for t in tree.getroot().findall("m:mime-type", ns)}
    assert declared["application/x-chorale-studio"] == {"*.chorale"}
    assert "*.musicxml" in declared["application/vnd.recordare.musicxml+xml"]
    assert set(declared) <= mime_types
    assert {"audio/midi", "application/x-chorale-studio", "application/vnd.recordare.musicxml+xml"} <= mime_types


@linux_only
def test_install_sh_puts_the_app_under_local_and_uninstall_sh_leaves_nothing(tmp_path):
    """install.sh/uninstall.sh on a stand-in bundle (release_linux.sh does the same with the real one)."""
    unpacked = tmp_path / "chorale-studio-0.0.0-linux-x86_64"
    (unpacked / "chorale-studio").mkdir(parents=True)
    app = unpacked / "chorale-studio" / "chorale-studio"
    app.write_text("#!/bin/sh\necho stand-in \"$@\"\n")
    app.chmod(0o755)
    for name in ("install.sh", "uninstall.sh", "chorale-studio.desktop", "chorale-studio-mime.xml"):
        shutil.copy2(REPO / "packaging" / "linux" / name, unpacked / name)
    for name in ("chorale-studio.png", "chorale-studio.svg"):
        shutil.copy2(REPO / "resources" / "icons" / name, unpacked / name)
    home = tmp_path / "home"
    home.mkdir()
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")} | {"HOME": str(home)}
    for _ in range(2):  # the second run is an upgrade over the first
        run = subprocess.run(["bash", str(unpacked / "install.sh")], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr
    local = home / ".local"
    link = local / "bin" / "chorale-studio"
    assert subprocess.run([str(link), "--selftest"], capture_output=True, text=True).stdout.strip() == \
        "stand-in --selftest"
    desktop = (local / "share" / "applications" / "chorale-studio.desktop").read_text()
    assert f'Exec="{local}/opt/chorale-studio/chorale-studio" %f' in desktop.splitlines()
    assert (local / "share" / "icons" / "hicolor" / "256x256" / "apps" / "chorale-studio.png").is_file()
    assert (local / "share" / "mime" / "packages" / "chorale-studio.xml").is_file()
    if shutil.which("update-mime-database"):
        assert "application/x-chorale-studio:*.chorale" in (local / "share" / "mime" / "globs2").read_text()
    run = subprocess.run(["bash", str(local / "opt" / "chorale-studio" / "uninstall.sh")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == []


# --- Locked dependencies (issue #21) ------------------------------------------------------------------

LOCKS = REPO / "packaging" / "locks"
PLATFORM_LOCKS = ("linux-x86_64", "macos-arm64", "windows-x86_64")


def _pip_installs(text: str) -> list[str]:
    """Every `pip install` command line of a script (continuation lines joined)."""
    text = text.replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if "pip install" in line and not line.strip().startswith("#")]


def _locked(line: str) -> bool:
    """Installs from a lock with hashes, or only the project itself / pinned tools with no dependencies."""
    return (("--require-hashes" in line and "packaging/locks/" in line or "$lock" in line or "$LOCK" in line)
            or "--no-deps" in line or re.search(r"install -q \"?[\w-]+==[\d.]+\"?$", line) is not None)


def test_setup_ci_and_the_release_workflow_install_from_the_lock_files():
    """setup.sh (and so .ci/run, which calls it) and every platform of the release workflow install the
    pinned, hashed releases: a new release on PyPI changes nothing until the lock is refreshed."""
    for script in ("packaging/setup.sh", ".ci/run", ".github/workflows/release.yml"):
        text = (REPO / script).read_text(encoding="utf-8")
        installs = _pip_installs(text)
        assert installs, f"{script} installs nothing with pip"
        loose = [line for line in installs if not _locked(line)]
        assert not loose, f"{script} installs without the lock: {loose}"
    setup = (REPO / "packaging" / "setup.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in setup and "packaging/locks/linux-x86_64.lock" in setup
    assert "bash packaging/setup.sh test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    flow = WORKFLOW.read_text(encoding="utf-8")
    for name in PLATFORM_LOCKS:
        assert f"packaging/locks/{name}.lock" in flow, f"the release workflow never installs {name}.lock"
    assert "--require-hashes" in flow


@pytest.mark.parametrize("name", PLATFORM_LOCKS)
def test_each_lock_pins_every_dependency_with_hashes_within_pyproject_ranges(name):
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    text = (LOCKS / f"{name}.lock").read_text(encoding="utf-8")
    pins: dict[str, Version] = {}
    for block in text.replace("\\\n", " ").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)(.*)$", block)
        if m:
            assert "--hash=sha256:" in m.group(3), f"{name}: {m.group(1)} has no hash"
            pins[canonicalize_name(m.group(1))] = Version(m.group(2))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in ("train", "test", "package"):
        wanted += [Requirement(r) for r in project["optional-dependencies"][extra]]
    for req in wanted:
        if canonicalize_name(req.name) == "chorale-studio":
            continue
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{name}.lock does not pin {req.name}: run packaging/update_lock.sh"
        assert req.specifier.contains(pinned, prereleases=True), f"{name}.lock pins {req.name} {pinned}, " \
            f"outside pyproject's {req.specifier}: run packaging/update_lock.sh"
    torch = WORKFLOW.read_text(encoding="utf-8").split('TORCH_VERSION: "')[1].split('"')[0]
    assert pins["torch"].base_version == torch, f"{name}.lock pins torch {pins['torch']}, the workflow {torch}"
    assert (name == "linux-x86_64") == (pins["torch"].local == "cpu")   # Linux: the CPU build, never CUDA's
    assert not any(p.startswith("nvidia-") for p in pins), f"{name}.lock pulls CUDA libraries"


def test_the_installed_environment_is_the_linux_lock():
    """What the tests run on is what the lock pins (CI installs from it; a stale venv shows here)."""
    from importlib.metadata import PackageNotFoundError, version

    if sys.platform != "linux":
        pytest.skip("the Linux lock")
    text = (LOCKS / "linux-x86_64.lock").read_text(encoding="utf-8")
    wrong = []
    for pkg, pinned in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.M):
        try:
            got = version(pkg)
        except PackageNotFoundError:
            wrong.append(f"{pkg} missing")
            continue
        if got != pinned:
            wrong.append(f"{pkg} {got} (lock {pinned})")
    assert not wrong, "the environment differs from packaging/locks/linux-x86_64.lock: " + ", ".join(wrong)
