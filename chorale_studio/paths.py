"""Where the app finds its own resources (model, soundfont, icons) and the shared data folders."""
from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """`resources/`: of a PyInstaller bundle when frozen, $CHORALE_STUDIO_RESOURCES when set, the
    package's own copy when installed from a wheel (``chorale_studio/resources``), else the checkout's."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    env = os.environ.get("CHORALE_STUDIO_RESOURCES")
    if env:
        return Path(env)
    installed = PACKAGE_DIR / "resources"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "resources"


def default_model_dir() -> Path:
    return resources_dir() / "model"


def shared_dir() -> Path:
    """The read-only `../shared` folder beside the project checkout (data for tests and training)."""
    env = os.environ.get("CHORALE_STUDIO_SHARED")
    return Path(env) if env else PACKAGE_DIR.parent.parent / "shared"


def jsfakes_midi_dir() -> Path:
    return shared_dir() / "data" / "js-fakes" / "midi"


def musicxml_schema() -> Path:
    return shared_dir() / "data" / "musicxml-schema" / "musicxml.xsd"
