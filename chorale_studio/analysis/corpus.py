"""The baseline: the same voice-leading rates over a whole corpus (music21's Bach chorales, the JS Fakes).

Generated music is only comparable with a corpus when the same detector counts
both, so the baseline is computed here rather than quoted.  Rates are pooled:
all findings over all sonority changes (or notes) of all pieces, so long
chorales weigh more than short ones, as in the published figures.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import ChoraleError
from ..io.files import MIDI_SUFFIXES, corpus_files
from ..io.midi import read_midi
from ..paths import jsfakes_midi_dir
from ..score import Score
from .findings import KINDS
from .report import analyze, rates

CORPORA = ("bach", "jsfakes")


def jsfakes_scores(limit: int = 0) -> Iterator[Score | None]:
    """Each JS Fakes MIDI file in numeric order as a Score (None for one that cannot be read)."""
    folder = jsfakes_midi_dir()
    if not folder.is_dir():
        raise ChoraleError(f"the JS Fakes folder {folder} is missing; put ../shared beside the checkout")
    paths = corpus_files(folder, MIDI_SUFFIXES)
    for path in paths[:limit or None]:
        yield _read(path)


def _read(path: Path) -> Score | None:
    try:
        return read_midi(path).score
    except ChoraleError:
        return None


def bach_scores(limit: int = 0) -> Iterator[Score | None]:
    """music21's Bach chorales in Riemenschneider order; None for one that is not four parts in 4/4 or 3/4."""
    # music21 loads slowly and only this corpus needs it.
    from music21 import corpus
    from music21.corpus.chorales import Iterator as ChoraleNames

    from ..io.musicxml import score_from_music21

    names = list(ChoraleNames(returnType="filename"))
    for name in names[:limit or None]:
        try:
            yield score_from_music21(corpus.parse(name), plain=True).score
        except ChoraleError:
            yield None


def corpus_rates(which: str, limit: int = 0) -> dict:
    """Counts and rates of every finding kind over the corpus ``which`` ('bach' or 'jsfakes').

    ``limit`` > 0 takes only the first pieces.  Each piece's notes outside the key are
    judged against its own key (the file's signature, or the importer's estimate).
    """
    if which not in CORPORA:
        raise ChoraleError(f"unknown corpus {which!r} (use {' or '.join(CORPORA)})")
    scores = bach_scores(limit) if which == "bach" else jsfakes_scores(limit)
    counts = {k: 0 for k in KINDS}
    pieces = skipped = changes = notes = 0
    for score in scores:
        if score is None:
            skipped += 1
            continue
        report = analyze(score)
        pieces += 1
        changes += report.sonority_changes
        notes += report.notes
        for kind, n in report.counts.items():
            counts[kind] += n
    return {
        "corpus": which,
        "pieces": pieces,
        "skipped": skipped,
        "sonority_changes": changes,
        "notes": notes,
        "counts": counts,
        "rates_per_100_changes": rates(counts, changes, 100.0),
        "rates_per_note": rates(counts, notes),
    }
