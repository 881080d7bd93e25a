"""Project files (.chorale): the score with its locks and the generation settings, as JSON.

    {"format": "chorale-studio", "schema_version": 1,
     "score": Score.to_dict(), "settings": {...}}

Saving serialises to memory first and then writes atomically, so a failed save
never damages the file on disk.  A file from a newer Chorale Studio (higher
schema_version) is refused with a message saying so.  Version 1 is the first;
when a version 2 comes, loading migrates version-1 data right after the check.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import FileFormatError
from ..score.model import Score
from .atomic import atomic_write_bytes
from .common import check_size, reading

FORMAT_NAME = "chorale-studio"
SCHEMA_VERSION = 1


@dataclass
class Project:
    """What a .chorale file holds: the score (locks included) and the generation settings."""

    score: Score
    settings: dict[str, Any] = field(default_factory=dict)


def project_bytes(score: Score, settings: Mapping[str, Any] | None = None) -> bytes:
    data = {"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION,
            "score": score.to_dict(), "settings": dict(settings or {})}
    try:
        text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"could not save the project: its generation settings are not plain data ({exc})"
                              ) from None
    return (text + "\n").encode("utf-8")


def save_project(path: str | Path, score: Score, settings: Mapping[str, Any] | None = None) -> None:
    """Write a .chorale file; the old file stays intact if anything goes wrong."""
    atomic_write_bytes(path, project_bytes(score, settings))


def load_project(path: str | Path) -> Project:
    """Read a .chorale file; raise FileFormatError saying what is wrong with it."""
    path = Path(path)
    with reading(path, "Chorale Studio project"):
        check_size(path)
        raw = path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise FileFormatError("it is not a Chorale Studio project (not text)") from None
        except json.JSONDecodeError as exc:
            if exc.pos >= len(exc.doc.rstrip()):
                raise FileFormatError("the project file is cut off (incomplete JSON)") from None
            raise FileFormatError(f"the project file is damaged (bad JSON at line {exc.lineno})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
            raise FileFormatError("it is not a Chorale Studio project (no \"format\": \"chorale-studio\")")
        version = data.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise FileFormatError(f"the project file has no valid schema_version ({version!r})")
        if version > SCHEMA_VERSION:
            raise FileFormatError(f"it was made by a newer Chorale Studio (schema {version}; this version "
                                  f"reads up to {SCHEMA_VERSION}); please update Chorale Studio")
        settings = data.get("settings") or {}
        if not isinstance(settings, dict):
            raise FileFormatError("the generation settings in the project file are not a table")
        if not isinstance(data.get("score"), dict):
            raise FileFormatError("the project file holds no score")
        return Project(score=Score.from_dict(data["score"]), settings=settings)

