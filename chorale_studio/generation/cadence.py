"""An authentic cadence at the end of a piece: which pitches and note lengths the sampler may take there.

The model alone never ends a piece: it has learned windows of four bars, not endings.  When a
request asks for a cadence, the window that writes the last bar is restricted in two places:

- the **final chord** fills the whole last bar: every voice sings one note from its downbeat to the
  end, from the tonic triad of the piece's key (minor keys end on the minor tonic), the bass on the
  tonic (root position), and together the four voices sound root, third and fifth;
- on the **beat before** (the last beat of the bar before) every voice sings a note of the
  dominant chord (V or V7, with the leading tone raised in minor), the bass on the dominant.

Pure rules, in window steps: the sampler asks ``pitches`` (which pitches may a voice start here),
``banned_rests`` (a voice may not rest through these beats) and ``banned_lengths`` / ``may_end``
(which stretches of an open note keep the chord).  Whatever the model would rather sing, the
ending holds by construction; when the rules leave nothing at all the sampler gives way.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ..score import Key, Meter, Voice


@dataclass(frozen=True)
class Cadence:
    """The cadence, for a window in which the piece's last bar is bar ``last_bar`` (counted from the window's
    first; a window that ends with the bar before still holds the dominant beat)."""

    key: Key
    meter: Meter
    last_bar: int

    @property
    def final(self) -> int:
        """Window step where the final chord starts: the last bar's downbeat."""
        return self.last_bar * self.meter.steps_per_bar

    @property
    def end(self) -> int:
        return (self.last_bar + 1) * self.meter.steps_per_bar

    @property
    def dominant_beat(self) -> int:
        """Window step of the beat before the final chord."""
        return self.final - self.meter.steps_per_beat

    @property
    def tonic_triad(self) -> frozenset[int]:
        t = self.key.tonic
        return frozenset({t, (t + (4 if self.key.mode == "major" else 3)) % 12, (t + 7) % 12})

    @property
    def dominant_chord(self) -> frozenset[int]:
        """V7's pitch classes: the dominant, the (raised) leading tone, the supertonic and the seventh."""
        d = (self.key.tonic + 7) % 12
        return frozenset({d, (d + 4) % 12, (d + 7) % 12, (d + 10) % 12})

    def _root(self, voice: Voice, at: int) -> int | None:
        """The pitch class the bass must sing at step ``at`` (None: no rule for this voice)."""
        if voice != Voice.BASS:
            return None
        return self.key.tonic if at >= self.final else (self.key.tonic + 7) % 12

    def _chord(self, at: int) -> frozenset[int] | None:
        if self.final <= at < self.end:
            return self.tonic_triad
        if at == self.dominant_beat:
            return self.dominant_chord
        return None

    def pitches(self, voice: Voice, step: int, candidates: Iterable[int],
                sounding: Mapping[Voice, int | None]) -> set[int] | None:
        """The ``candidates`` that ``voice`` may start at ``step``; None where the cadence has no say.

        ``sounding`` is what the other voices sing at ``step`` (None: not written yet): the last
        voice to be written completes the final chord."""
        chord = self._chord(step)
        if chord is None:
            return None
        candidates = list(candidates)
        root = self._root(voice, step)
        pcs = {root} if root is not None else set(chord)
        if step == self.final:
            known = {p % 12 for v, p in sounding.items() if v != voice and p is not None and p >= 0}
            unknown = sum(1 for v, p in sounding.items() if v != voice and p is None)
            complete = {pc for pc in pcs if len(self.tonic_triad - known - {pc}) <= unknown}
            if any(p % 12 in complete for p in candidates):
                pcs = complete
        return {p for p in candidates if p % 12 in pcs}

    def banned_rests(self, step: int, lengths: Iterable[int]) -> set[int]:
        """Lengths of a rest from ``step`` that would leave the dominant beat or the final chord silent."""
        return {d for d in lengths if step >= self.final or step <= self.dominant_beat < step + d}

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int]) -> set[int]:
        """Lengths of the stretch [step, step + d) of a note of ``pitch`` that would hold a pitch foreign
        to the dominant chord over the dominant beat."""
        root = self._root(voice, self.dominant_beat)
        fits = pitch % 12 == root if root is not None else pitch % 12 in self.dominant_chord
        if fits:
            return set()
        return {d for d in lengths if step <= self.dominant_beat < step + d}

    def may_end(self, step: int) -> bool:
        """May a note end at ``step``?  Not inside the final chord: it is held to the end."""
        return not self.final <= step < self.end


def ends_with_cadence(score, key: Key | None = None) -> bool:
    """Does ``score`` end on the tonic in root position (a complete triad, the bass on the tonic), held
    over the whole last bar, after the dominant in the bass?  (What the tests hold every cadence to.)"""
    key = key or score.key
    final = (score.bars - 1) * score.steps_per_bar
    cadence = Cadence(key, score.meter, score.bars - 1)
    pitches = [score.note_at(v, final) for v in Voice]
    if any(n is None or n.start != final or n.end != score.total_steps for n in pitches):
        return False
    pcs = {n.pitch % 12 for n in pitches}
    before = score.pitch_at(Voice.BASS, final - score.meter.steps_per_beat)
    return (pitches[Voice.BASS].pitch % 12 == key.tonic and pcs == set(cadence.tonic_triad)
            and before is not None and before % 12 == (key.tonic + 7) % 12)
