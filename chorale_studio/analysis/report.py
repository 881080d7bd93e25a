"""Analyse a whole score: findings, counts and rates that compare pieces of any length, and a ranking score."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..score import Key, Score, Voice
from . import phrasing as ph
from .findings import (CONTRARY_FIFTHS, CONTRARY_OCTAVES, CROSSING, HIDDEN_FIFTHS, HIDDEN_OCTAVES, KINDS, OUT_OF_KEY,
                       OVERLAP, PARALLEL_FIFTHS, PARALLEL_OCTAVES, RANGE, SPACING, Finding)
from .rules import all_findings
from .sonority import sonorities
from .texture import texture


def rates(counts: dict[str, int], per: int, scale: float = 1.0) -> dict[str, float]:
    """counts × scale / per for every kind (0 when there is nothing to divide by)."""
    return {k: (counts.get(k, 0) * scale / per if per else 0.0) for k in KINDS}


@dataclass
class Report:
    """The findings of one score and their counts, per 100 sonority changes and per note."""

    key: Key
    findings: list[Finding] = field(default_factory=list)
    sonority_changes: int = 0
    notes: int = 0

    @property
    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for f in self.findings:
            out[f.kind] += 1
        return out

    @property
    def rates_per_100_changes(self) -> dict[str, float]:
        return rates(self.counts, self.sonority_changes, 100.0)

    @property
    def rates_per_note(self) -> dict[str, float]:
        return rates(self.counts, self.notes)

    def to_dict(self) -> dict:
        return {
            "key": self.key.name,
            "sonority_changes": self.sonority_changes,
            "notes": self.notes,
            "counts": self.counts,
            "rates_per_100_changes": self.rates_per_100_changes,
            "rates_per_note": self.rates_per_note,
            "findings": [f.to_dict() for f in self.findings],
        }


def analyze(score: Score, key: Key | None = None) -> Report:
    """Check every rule on ``score``; notes outside the key are judged against ``key`` or the score's own key.

    Pass ``estimate_key(score)`` as ``key`` for music whose key signature is missing or unreliable.
    """
    key = score.key if key is None else key
    chain = sonorities(score)
    return Report(key=key, findings=list(all_findings(score, chain, key)), sonority_changes=len(chain),
                  notes=score.note_count())


INCOMPLETE_CHORD, UNISON, REST_BEAT = "incomplete_chord", "unison", "rest"
WEAK_CADENCE, CROSS_RELATION, TRITONE_LEAP, AUGMENTED_SECOND, WIDE_LEAP = (
    "weak_cadence", "cross_relation", "tritone_leap", "augmented_second", "wide_leap")
#: Weights of what a musician hears beside the rule findings (whose weights are ``SEVERITY``): a beat
#: whose chord lacks a tone, a beat where two voices sing one pitch, a beat where a voice is silent; and
#: what a teacher of chorale harmony reads in the phrases and lines (``phrasing.py``): a phrase end (fermata)
#: without a complete root-position triad, a cross relation, a tritone leap, an augmented second, a leap
#: of a seventh or beyond an octave.
HEARD_WEIGHT = {INCOMPLETE_CHORD: 1.5, UNISON: 0.75, REST_BEAT: 0.5, WEAK_CADENCE: 3.0, CROSS_RELATION: 1.5,
                TRITONE_LEAP: 1.5, AUGMENTED_SECOND: 1.5, WIDE_LEAP: 1.0}
#: Badness points per nat of the model's mean surprise per written word (its own likelihood).
LIKELIHOOD_WEIGHT = 10.0

_WORDS = {  # kind → (one, many), listed in this order: what a teacher marks first comes first
    PARALLEL_FIFTHS: ("parallel fifth", "parallel fifths"),
    PARALLEL_OCTAVES: ("parallel octave", "parallel octaves"),
    WEAK_CADENCE: ("weak cadence", "weak cadences"),
    CROSS_RELATION: ("cross relation", "cross relations"),
    TRITONE_LEAP: ("tritone leap", "tritone leaps"),
    AUGMENTED_SECOND: ("augmented second", "augmented seconds"),
    WIDE_LEAP: ("leap of a seventh or more", "leaps of a seventh or more"),
    CONTRARY_FIFTHS: ("fifth by contrary motion", "fifths by contrary motion"),
    CONTRARY_OCTAVES: ("octave by contrary motion", "octaves by contrary motion"),
    INCOMPLETE_CHORD: ("incomplete chord", "incomplete chords"),
    UNISON: ("unison", "unisons"),
    CROSSING: ("voice crossing", "voice crossings"),
    RANGE: ("note out of range", "notes out of range"),
    REST_BEAT: ("beat with a rest", "beats with rests"),
    HIDDEN_FIFTHS: ("hidden fifth", "hidden fifths"),
    HIDDEN_OCTAVES: ("hidden octave", "hidden octaves"),
    OVERLAP: ("overlap", "overlaps"),
    SPACING: ("wide spacing", "wide spacings"),
    OUT_OF_KEY: ("note outside the key", "notes outside the key"),
}


@dataclass(frozen=True)
class Judgement:
    """How a passage sounds: a badness to rank candidates (lower is better) and what makes it up."""

    badness: float
    counts: dict[str, int]
    #: Where the phrase and line faults are: kind → places ('bar 4', 'the tenor'), in order, each once.
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def describe(self, most: int = 4) -> str:
        """'weak cadence at bar 4, 1 parallel fifth, tritone leap in the tenor' — the worst kinds first, phrase and
        line faults named where they are; 'no flaws heard' when clean."""
        parts = [self._phrase(k, n) for k, n in ((k, self.counts.get(k, 0)) for k in _WORDS) if n]
        if not parts:
            return "no flaws heard"
        return ", ".join(parts[:most]) + (f" and {len(parts) - most} more kinds" if len(parts) > most else "")

    def _phrase(self, kind: str, n: int) -> str:
        places = self.places.get(kind)
        if not places:
            return f"{n} {_WORDS[kind][n != 1]}"
        words = _WORDS[kind][n != 1]
        at = "at" if places[0].startswith("bar") else "in"
        if places[0].startswith("bar") and len(places) > 1:
            places = (f"bars {places[0][4:]}",) + tuple(p[4:] for p in places[1:])
        listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        return f"{'' if n == 1 else f'{n} '}{words} {at} {listed}"


def judge(score: Score, region: tuple[int, int] | None = None, surprise: float | None = None,
          key: Key | None = None) -> Judgement:
    """Judge steps [start, end) of ``score`` (all of it by default) as a musician hears them, with the
    seam after them: a motion into the music at ``end`` (the bar after a fill, say) is heard with the
    region that leads into it.

    The rule findings (weighted by ``SEVERITY``), incomplete chords, unisons and silent voices on
    the beats (weighted by ``HEARD_WEIGHT``), all per 100 sonority changes so that candidates of
    different rhythmic density compare fairly; plus ``LIKELIHOOD_WEIGHT`` × ``surprise``, the
    model's mean negative log-likelihood per written word, when it is known.
    """
    key = score.key if key is None else key
    start, end = region if region is not None else (0, score.total_steps)
    chain = sonorities(score)
    found = [f for f in all_findings(score, chain, key) if start <= f.step < end or f.step == end < score.total_steps]
    t = texture(score, start, end, chain=chain)
    counts = {k: 0 for k in _WORDS}
    for f in found:
        counts[f.kind] += 1
    counts[INCOMPLETE_CHORD] = t.beats - t.complete_beats
    counts[UNISON] = t.unison_beats
    counts[REST_BEAT] = t.all_beats - t.beats
    places = _lines_and_phrases(score, start, end, chain)
    for k, found_at in places.items():
        counts[k] = len(found_at)
    weight = sum(f.severity for f in found) + sum(HEARD_WEIGHT[k] * counts[k] for k in HEARD_WEIGHT)
    badness = 100.0 * weight / max(1, t.changes)
    if surprise is not None:
        badness += LIKELIHOOD_WEIGHT * surprise
    named = {k: tuple(dict.fromkeys(v)) for k, v in places.items() if v}
    return Judgement(badness=round(badness, 3), counts=counts, places=named)


def _lines_and_phrases(score: Score, start: int, end: int, chain) -> dict[str, list[str]]:
    """The phrase ends without a complete root-position triad ('bar 4') and the line faults of the passage
    (where: 'the tenor'; a cross relation: 'bar 6'), by kind, as ``analysis.phrasing`` finds them."""
    spb = score.steps_per_bar
    out: dict[str, list[str]] = {WEAK_CADENCE: [], CROSS_RELATION: [], TRITONE_LEAP: [], AUGMENTED_SECOND: [],
                                 WIDE_LEAP: []}
    for step in ph.fermata_steps(score, start, end):
        if not any(ph.is_root_position_triad(c) for c in ph.chords_under_fermata(score, step)):
            out[WEAK_CADENCE].append(f"bar {step // spb + 1}")
    for v in Voice:
        where = f"the {v.name.lower()}"
        out[TRITONE_LEAP] += [where] * len(ph.find_leaps(score, v, start, end, least=6, most=6))
        out[WIDE_LEAP] += [where for a, b in ph.find_leaps(score, v, start, end, least=10) if abs(b.pitch - a.pitch) != 12]
        out[AUGMENTED_SECOND] += [where] * len(ph.find_augmented_seconds(score, v, start, end))
    out[CROSS_RELATION] = [f"bar {c.step // spb + 1}" for c in ph.find_cross_relations(score, start, end, chain=chain)]
    return out
