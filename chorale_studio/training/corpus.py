"""The training corpus: pieces from MIDI/MusicXML folders and music21's Bach chorales, split by
piece, turned into example lines in our extended vocabulary.

Everything is deterministic: the same sources and seed give the same split and the same text,
byte for byte (pieces are sorted by id, and every random choice comes from a Random seeded by
the seed and the piece id).

Kinds of example (one line each):

- ``plain``: a 4-bar window in the seed's form with shuffled voice order, a style word, and
  (most of the time) meter and key words;
- ``fill``: a window of up to 8 bars with masked whole bars (middle, or the last 4 bars — a
  "continue"), masked whole voices (harmonization) or random voice-bar cells, followed by the
  FILL_START … FILL_END sections;
- training pieces are also transposed by up to ±5 semitones where every voice stays in range.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import ChoraleError
from ..score import DEFAULT_RANGES, Score, Voice
from ..tokens import vocab as V
from ..tokens.encode import Header, encode_window

SPLITS = ("train", "validation", "test")
SPLIT_SHARES = (0.8, 0.1, 0.1)
# A transposed piece must keep every voice within its typical range widened by this much.
RANGE_SLACK = 2


@dataclass(frozen=True)
class Piece:
    id: str            # "jsfakes/497" or "bach/bwv269"
    style: str         # "JSFAKES" or "BACH"
    score: Score


def _rng(seed: int, *parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# ---- sources ------------------------------------------------------------------------------
def folder_pieces(folder: Path, style: str = "JSFAKES", limit: int = 0,
                  log: Callable[[str], None] = lambda m: None) -> list[Piece]:
    """Every readable MIDI/MusicXML file of ``folder`` (sorted by name); unreadable ones are logged."""
    from ..io.files import corpus_files, load_any

    files = corpus_files(folder)
    if limit:
        files = files[:limit]
    pieces = []
    for f in files:
        try:
            pieces.append(Piece(f"{Path(folder).name}/{f.stem}", style, load_any(f).score))
        except ChoraleError as exc:
            log(f"skipped {f}: {exc}")
    return pieces


def bach_pieces(limit: int = 0, log: Callable[[str], None] = lambda m: None) -> list[Piece]:
    """Music21's four-part Bach chorales in 4/4 or 3/4 (the others are logged and skipped)."""
    from music21 import corpus

    from ..io.musicxml import score_from_music21

    paths = sorted({str(p) for p in corpus.getComposer("bach")})
    pieces: list[Piece] = []
    seen: set[str] = set()
    for p in paths:
        name = Path(p).stem
        if name in seen or Path(p).suffix.lower() not in (".mxl", ".xml", ".musicxml"):
            continue
        try:
            m21 = corpus.parse(p)
            if len(m21.parts) != 4:
                continue
            pieces.append(Piece(f"bach/{name}", "BACH", score_from_music21(m21, plain=True).score))
            seen.add(name)
        except Exception as exc:  # music21 raises many kinds; a skipped chorale is only logged
            log(f"skipped bach/{name}: {type(exc).__name__}: {exc}")
        if limit and len(pieces) >= limit:
            break
    return pieces


def split_pieces(pieces: Iterable[Piece], seed: int) -> dict[str, list[Piece]]:
    """Deterministic split by piece: each source is shuffled with ``seed`` and cut 80/10/10."""
    out: dict[str, list[Piece]] = {s: [] for s in SPLITS}
    by_style: dict[str, list[Piece]] = {}
    for p in pieces:
        by_style.setdefault(p.style, []).append(p)
    for style in sorted(by_style):
        group = sorted(by_style[style], key=lambda p: p.id)
        _rng(seed, "split", style).shuffle(group)
        n = len(group)
        a = round(n * SPLIT_SHARES[0])
        b = a + round(n * SPLIT_SHARES[1])
        out["train"] += group[:a]
        out["validation"] += group[a:b]
        out["test"] += group[b:]
    return out


# ---- examples -----------------------------------------------------------------------------
def _fits(score: Score, start: int, bars: int) -> bool:
    return all(V.PITCH_LO <= n.pitch <= V.PITCH_HI
               for v in Voice for n in score.notes_between(v, start * score.steps_per_bar,
                                                            (start + bars) * score.steps_per_bar))


def transpositions(score: Score, rng: random.Random, count: int) -> list[int]:
    """Up to ``count`` non-zero shifts (±5) that keep every voice in range."""
    ok = []
    for shift in range(-5, 7):
        if shift == 0:
            continue
        good = True
        for v in Voice:
            lo, hi = DEFAULT_RANGES[v]
            pitches = [n.pitch for n in score.notes(v)]
            if not pitches:
                continue
            if min(pitches) + shift < max(lo - RANGE_SLACK, V.PITCH_LO) or \
                    max(pitches) + shift > min(hi + RANGE_SLACK, V.PITCH_HI):
                good = False
                break
        if good:
            ok.append(shift)
    rng.shuffle(ok)
    return sorted(ok[:count])


def _header(piece_style: str, score: Score, rng: random.Random) -> Header:
    # A fifth of the JS Fakes windows keep the bare seed header so the model answers that prompt too.
    if piece_style == "JSFAKES" and rng.random() < 0.2:
        return Header()
    return Header(style=piece_style, meter=score.meter, key=score.key)


def plain_examples(piece: Piece, rng: random.Random, hop: int = 1) -> Iterator[str]:
    s = piece.score
    for b in range(0, s.bars - 3, hop):
        if not _fits(s, b, 4):
            continue
        order = list(Voice)
        rng.shuffle(order)
        yield " ".join(encode_window(s, b, 4, order, header=_header(piece.style, s, rng)))


def fill_examples(piece: Piece, rng: random.Random, per_piece: int) -> Iterator[str]:
    s = piece.score
    if s.bars < 2:
        return
    for _ in range(per_piece):
        bars = rng.randint(min(4, s.bars), min(8, s.bars))
        start = rng.randint(0, s.bars - bars)
        if not _fits(s, start, bars):
            continue
        kind = rng.choice(("middle", "end", "voices", "cells", "cells"))
        cells: set[tuple[Voice, int]] = set()
        if kind == "middle" or kind == "end":
            n = rng.randint(1, min(4, bars - 1)) if bars > 1 else 1
            first = start + bars - n if kind == "end" else rng.randint(start, start + bars - n)
            cells = {(v, b) for v in Voice for b in range(first, first + n)}
        elif kind == "voices":
            voices = rng.sample(list(Voice), rng.randint(1, 3))
            cells = {(v, b) for v in voices for b in range(start, start + bars)}
        else:
            p = rng.uniform(0.15, 0.5)
            cells = {(v, b) for v in Voice for b in range(start, start + bars) if rng.random() < p}
            if not cells:
                cells = {(rng.choice(list(Voice)), rng.randrange(start, start + bars))}
        order = list(Voice)
        rng.shuffle(order)
        yield " ".join(encode_window(s, start, bars, order, header=_header(piece.style, s, rng),
                                     fill_cells=cells))


def piece_examples(piece: Piece, seed: int, augment: int = 0, fills_per_piece: int = 0) -> list[str]:
    """Plain windows and fill examples of ``piece`` and of up to ``augment`` transpositions of it."""
    rng = _rng(seed, "examples", piece.id)
    fills = fills_per_piece or max(2, piece.score.bars // 2)
    versions = [piece.score] + [piece.score.transposed(t) for t in transpositions(piece.score, rng, augment)]
    lines: list[str] = []
    for score in versions:
        p = Piece(piece.id, piece.style, score)
        lines += plain_examples(p, rng)
        lines += fill_examples(p, rng, fills)
    return lines


# ---- the whole corpus ---------------------------------------------------------------------
def build_corpus(out: Path, pieces: list[Piece], seed: int = 1234, augment: int = 4,
                 log: Callable[[str], None] = print) -> dict:
    """Write train.txt / validation.txt / test.txt (one example a line), test-seed.txt (seed-form
    4-bar windows of the test split, for evaluation) and split.json; returns the split summary."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    split = split_pieces(pieces, seed)
    summary: dict = {"seed": seed, "augment": augment, "splits": {}}
    for name in SPLITS:
        lines: list[str] = []
        for piece in split[name]:
            lines += piece_examples(piece, seed, augment if name == "train" else 0)
        _rng(seed, "order", name).shuffle(lines)
        (out / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        summary["splits"][name] = {"pieces": [p.id for p in split[name]], "examples": len(lines),
                                   "words": sum(len(line.split()) for line in lines)}
        log(f"{name}: {len(split[name])} pieces, {len(lines)} examples")
    seed_lines = []
    for piece in split["test"]:
        rng = _rng(seed, "seed-windows", piece.id)
        for b in range(piece.score.bars - 3):
            if _fits(piece.score, b, 4):
                order = list(Voice)
                rng.shuffle(order)
                seed_lines.append((piece.style, " ".join(encode_window(piece.score, b, 4, order))))
    (out / "test-seed.jsonl").write_text("".join(json.dumps({"style": st, "text": t}) + "\n"
                                                 for st, t in seed_lines), encoding="utf-8")
    (out / "split.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return summary


def collect_pieces(data_dirs: list[Path] | None, with_bach: bool, limit: int = 0,
                   log: Callable[[str], None] = print) -> list[Piece]:
    from ..paths import jsfakes_midi_dir

    dirs = [Path(d) for d in data_dirs] if data_dirs else ([jsfakes_midi_dir()] if jsfakes_midi_dir().is_dir() else [])
    pieces: list[Piece] = []
    for d in dirs:
        if not d.is_dir():
            raise ChoraleError(f"data folder {d} does not exist")
        pieces += folder_pieces(d, "JSFAKES", limit, log)
    if with_bach:
        pieces += bach_pieces(limit, log)
    if not pieces:
        raise ChoraleError("no pieces to build a corpus from (give --data FOLDER, or leave Bach in)")
    return pieces
