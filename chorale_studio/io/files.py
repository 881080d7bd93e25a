"""Open and save any supported file by its extension: MIDI, MusicXML, .chorale projects, token text.

Limits, checked before any parser runs: files over 50 MB are refused, and so
are pieces longer than Score.MAX_BARS bars (as soon as a format reveals its
length, before notes are quantised).  Every failure comes out as one
FileFormatError naming the file and what is wrong with it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import ChoraleError, FileFormatError
from ..score.model import Score
from .atomic import atomic_write_bytes
from .common import ImportResult, check_size, one_line, reading
from .midi import read_midi, write_midi
from .musicxml import MUSICXML_SUFFIXES, read_musicxml, write_musicxml
from .parts import Chooser, parse_parts
from .project import load_project, save_project

MIDI_SUFFIXES = (".mid", ".midi")
PROJECT_SUFFIX = ".chorale"
TEXT_SUFFIX = ".txt"
SUPPORTED = (*MIDI_SUFFIXES, *MUSICXML_SUFFIXES, PROJECT_SUFFIX, TEXT_SUFFIX)


def corpus_files(folder: str | Path, suffixes: tuple[str, ...] = (*MIDI_SUFFIXES, *MUSICXML_SUFFIXES)) -> list[Path]:
    """The music files of a corpus folder in natural order (2.mid before 10.mid)."""
    return sorted((p for p in Path(folder).iterdir() if p.suffix.lower() in suffixes),
                  key=lambda p: (len(p.stem), p.stem))


def _unsupported(path: Path, verb: str) -> FileFormatError:
    return FileFormatError(f"could not {verb} {path}: unknown file type {path.suffix or '(none)'!r} "
                           f"(use {', '.join(SUPPORTED)})")


def load_any(path: str | Path, *, parts: Sequence[int] | None = None, choose: Chooser | None = None
             ) -> ImportResult:
    """Read a piece from any supported file; the extension decides the format.

    Of a MIDI or MusicXML file with more than four voices, ``parts`` (0-based, S, A, T, B order) are
    read, or those ``choose`` picks where the names do not say (``io.parts``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        return read_midi(path, parts=parts, choose=choose)
    if suffix in MUSICXML_SUFFIXES:
        return read_musicxml(path, parts=parts, choose=choose)
    if suffix == PROJECT_SUFFIX:
        return ImportResult(score=load_project(path).score, messages=[], source=path)
    if suffix == TEXT_SUFFIX:
        return _read_token_text(path)
    raise _unsupported(path, "read")


def load_input(args: Any) -> ImportResult:
    """The input file of a `chorale-studio` command (``args.input``), with the parts its ``--parts`` names."""
    parts = getattr(args, "parts", None)
    return load_any(args.input, parts=parse_parts(parts) if parts else None)


def _read_token_text(path: Path) -> ImportResult:
    from ..tokens.decode import decode_text  # the token language is loaded only when needed

    with reading(path, "seed-language text"):
        check_size(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise FileFormatError("it is not seed-language text (not UTF-8 text)") from None
        decoded = decode_text(text)
        return ImportResult(score=decoded.score, messages=list(decoded.repairs), source=path)


def save_any(score: Score, path: str | Path, settings: Mapping[str, Any] | None = None,
             numerals: Sequence = ()) -> None:
    """Write ``score`` in the format the extension names (atomically; a failed save changes nothing).

    ``settings`` (generation settings) are kept only by .chorale projects; ``numerals`` (a harmony
    analysis's chords) only by MusicXML.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        write_midi(score, path)
    elif suffix in MUSICXML_SUFFIXES:
        write_musicxml(score, path, numerals)
    elif suffix == PROJECT_SUFFIX:
        save_project(path, score, settings)
    elif suffix == TEXT_SUFFIX:
        from ..tokens.encode import encode_score_text

        try:
            text = encode_score_text(score)
        except ChoraleError as exc:
            raise FileFormatError(f"could not save to {path}: {one_line(exc)}") from None
        atomic_write_bytes(path, (text.rstrip("\n") + "\n").encode("utf-8"))
    else:
        raise _unsupported(path, "save to")
