"""Shared fixtures: where the shared data lives, and Qt on the offscreen platform."""
import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Recovery files and logs of test windows (and of apps the tests launch) stay out of the user's folders.
os.environ.setdefault("CHORALE_STUDIO_DATA_DIR", tempfile.mkdtemp(prefix="chorale-studio-test-data-"))
os.environ.setdefault("CHORALE_STUDIO_LOG_DIR", tempfile.mkdtemp(prefix="chorale-studio-test-logs-"))

from chorale_studio.paths import jsfakes_midi_dir, musicxml_schema, shared_dir  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def jsfakes_dir() -> Path:
    d = jsfakes_midi_dir()
    assert d.is_dir(), f"the JS Fakes MIDI folder {d} is missing (../shared must sit beside the checkout)"
    return d


@pytest.fixture(scope="session")
def seed_reference_text() -> str:
    return (shared_dir() / "data" / "seed-format" / "midi-497-bars-0-3.txt").read_text().strip()


@pytest.fixture(scope="session")
def musicxml_xsd() -> Path:
    p = musicxml_schema()
    assert p.is_file(), f"the MusicXML schema {p} is missing"
    return p
