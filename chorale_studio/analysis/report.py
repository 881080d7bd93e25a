"""Analyse a whole score: findings, counts and rates that compare pieces of any length, and a ranking score."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..score import Key, Score
from .findings import KINDS, Finding
from .rules import all_findings
from .sonority import sonorities


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


def candidate_score(score: Score, region: tuple[int, int] | None = None, key: Key | None = None) -> float:
    """Badness of a candidate for ranking: LOWER IS BETTER, 0.0 means no finding at all.

    The sum of the findings' severities per 100 sonority changes, so candidates of different
    rhythmic density compare fairly.  With ``region`` = (start_step, end_step) only findings
    at steps inside it count (a parallel into the region's first chord from the locked music
    before it belongs to the region), normalised by the sonority changes inside it.
    """
    key = score.key if key is None else key
    chain = sonorities(score)
    found = all_findings(score, chain, key)
    if region is not None:
        start, end = region
        chain = [s for s in chain if start <= s.step < end]
        found = [f for f in found if start <= f.step < end]
    return 100.0 * sum(f.severity for f in found) / max(1, len(chain))
