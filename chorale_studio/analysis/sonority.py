"""The chorale as a chain of sonorities: what the four voices sing at each step where something changes.

A sonority change is a step where at least one voice starts a new note (a
repeated pitch counts) or falls silent.  Voice-leading rules compare
consecutive sonorities, so a passing note in the alto separates two chords
just as a new chord does; this is the "sixteenth grid" counting used by the
published JS Fakes / Bach figures.  A general rest inside the piece is a
sonority of four rests; the silence after the last chord is none.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..score import Score, Voice

Pitches = tuple[int | None, int | None, int | None, int | None]  # soprano … bass; None = rest


@dataclass(frozen=True)
class Sonority:
    """The four pitches sounding from ``step`` until the next sonority (None where a voice rests)."""

    step: int
    pitches: Pitches

    def pitch(self, voice: Voice) -> int | None:
        return self.pitches[voice]


def sonorities(score: Score) -> list[Sonority]:
    """Every sonority of the score in time order (one per sonority change)."""
    end = score.total_steps
    # Per voice: step → pitch (or None) at each step where that voice changes.
    changes: list[dict[int, int | None]] = []
    for v in Voice:
        events: dict[int, int | None] = {}
        for n in score.notes(v):
            events.setdefault(n.end, None)  # silence after the note, unless the next note starts there
            events[n.start] = n.pitch
        changes.append({s: p for s, p in events.items() if s < end})
    steps = sorted(set().union(*changes))
    out: list[Sonority] = []
    current: list[int | None] = [None, None, None, None]
    for step in steps:
        for v in Voice:
            if step in changes[v]:
                current[v] = changes[v][step]
        out.append(Sonority(step, tuple(current)))  # type: ignore[arg-type]
    if out and all(p is None for p in out[-1].pitches):
        out.pop()  # the silence after the final chord is not a change a listener hears
    return out
