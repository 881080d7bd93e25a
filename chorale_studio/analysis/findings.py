"""What the voice-leading checker reports: one Finding per broken rule, with its kind and weight."""
from __future__ import annotations

from dataclasses import dataclass

from ..score import Voice

PARALLEL_FIFTHS = "parallel_fifths"
PARALLEL_OCTAVES = "parallel_octaves"
CONTRARY_FIFTHS = "contrary_fifths"
CONTRARY_OCTAVES = "contrary_octaves"
HIDDEN_FIFTHS = "hidden_fifths"
HIDDEN_OCTAVES = "hidden_octaves"
CROSSING = "crossing"
OVERLAP = "overlap"
SPACING = "spacing"
RANGE = "range"
OUT_OF_KEY = "out_of_key"

#: Every kind, in the order reports list them.
KINDS: tuple[str, ...] = (PARALLEL_FIFTHS, PARALLEL_OCTAVES, CONTRARY_FIFTHS, CONTRARY_OCTAVES, HIDDEN_FIFTHS,
                          HIDDEN_OCTAVES, CROSSING, OVERLAP, SPACING, RANGE, OUT_OF_KEY)

#: How much each kind weighs when candidates are ranked.  Strict parallels are the errors a
#: composer hears and a teacher marks first; notes out of range are unsingable; the rest are
#: blemishes that Bach himself allows now and then.
SEVERITY: dict[str, float] = {
    PARALLEL_FIFTHS: 3.0,
    PARALLEL_OCTAVES: 3.0,
    CONTRARY_FIFTHS: 1.5,
    CONTRARY_OCTAVES: 1.5,
    HIDDEN_FIFTHS: 1.0,
    HIDDEN_OCTAVES: 1.0,
    CROSSING: 1.0,
    OVERLAP: 0.75,
    SPACING: 0.5,
    RANGE: 2.0,
    OUT_OF_KEY: 0.5,
}

_DESCRIPTION = {
    PARALLEL_FIFTHS: "Parallel fifths",
    PARALLEL_OCTAVES: "Parallel octaves",
    CONTRARY_FIFTHS: "Fifths by contrary motion",
    CONTRARY_OCTAVES: "Octaves by contrary motion",
    HIDDEN_FIFTHS: "Hidden fifths",
    HIDDEN_OCTAVES: "Hidden octaves",
    CROSSING: "Voice crossing",
    OVERLAP: "Voice overlap",
    SPACING: "Spacing wider than allowed",
    RANGE: "Note out of range",
    OUT_OF_KEY: "Note outside the key",
}


@dataclass(frozen=True)
class Finding:
    """One broken rule: its kind, the voices involved, where (0-based bar, absolute step) and how bad."""

    kind: str
    voices: tuple[Voice, ...]
    bar: int
    step: int
    message: str
    severity: float

    def to_dict(self) -> dict:
        return {"kind": self.kind, "voices": [v.short for v in self.voices], "bar": self.bar, "step": self.step,
                "message": self.message, "severity": self.severity}


def describe(kind: str, voices: tuple[Voice, ...], bar: int, beat: str, detail: str = "") -> str:
    """'Parallel fifths between soprano and bass, bar 3 beat 2' (bar and beat counted from 1)."""
    names = " and ".join(v.label.lower() for v in voices)
    where = "between" if len(voices) > 1 else "in the"
    extra = f" ({detail})" if detail else ""
    return f"{_DESCRIPTION[kind]} {where} {names}{extra}, bar {bar + 1} beat {beat}"
