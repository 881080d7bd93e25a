"""Cadences at phrase ends and at the end of a piece: which pitches and note lengths the sampler may take there.

The model alone never ends a piece: it has learned windows of four bars, not endings.  When a
request asks for a cadence, the window that writes the last bar is restricted in two places:

- the **final chord** fills the whole last bar: every voice sings one note from its downbeat to the
  end, from the tonic triad of the piece's key (minor keys end on the minor tonic), the bass on the
  tonic (root position), and together the four voices sound the root and the third (the fifth where
  the voices have it: Bach leaves it out as often as he writes it); a melody being written ends on
  the tonic, stepping there from 2̂ or the leading tone, as chorale tunes do;
- on the **beat before** (the last beat of the bar before) every voice sings a note of the
  dominant chord (V or V7, with the leading tone raised in minor), the bass on the dominant — or an
  upper voice holds the tonic over the beat for half a beat and falls to the leading tone (the 4–3
  suspension Bach writes there).

Inside a piece, a **phrase end** (a fermata, ``PhraseEnd``) gets a complete root-position triad on its
beat, one of the chords Bach ends phrases on (``PHRASE_CHORDS``), attacked by every voice together and
held as long as the fermata's note; the model chooses which, weighed by how often Bach ends a phrase on
each (``PHRASE_END_SHARES``).  ``Phrasing`` asks a window's phrase ends
as one.

Pure rules, in window steps: the sampler asks ``pitches`` (which pitches may a voice start here),
``banned_rests`` (a voice may not rest through these beats) and ``banned_lengths`` / ``may_end``
(which stretches of an open note keep the chord).  Whatever the model would rather sing, the
ending holds by construction; when the rules leave nothing at all the sampler gives way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..score import DEFAULT_RANGES, Key, Meter, Voice


@dataclass(frozen=True)
class Cadence:
    """The cadence, for a window in which the piece's last bar is bar ``last_bar`` (counted from the window's
    first; a window that ends with the bar before still holds the dominant beat).

    ``at`` and ``until`` (window steps) place the final chord elsewhere than the whole last bar: under the
    last fermata of a melody being harmonized, as long as its note.  ``picardy``: a minor piece ends on
    the major tonic (the melody sings the major third there)."""

    key: Key
    meter: Meter
    last_bar: int
    at: int | None = None
    until: int | None = None
    picardy: bool = False

    @property
    def final(self) -> int:
        """Window step where the final chord starts: the last bar's downbeat, or ``at``."""
        return self.last_bar * self.meter.steps_per_bar if self.at is None else self.at

    @property
    def end(self) -> int:
        return (self.last_bar + 1) * self.meter.steps_per_bar if self.until is None else self.until

    @property
    def dominant_beat(self) -> int:
        """Window step of the beat before the final chord."""
        return self.final - self.meter.steps_per_beat

    @property
    def tonic_triad(self) -> frozenset[int]:
        t = self.key.tonic
        major = self.key.mode == "major" or self.picardy
        return frozenset({t, (t + (4 if major else 3)) % 12, (t + 7) % 12})

    @property
    def root_and_third(self) -> frozenset[int]:
        return frozenset(self.tonic_triad - {(self.key.tonic + 7) % 12})

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
        if self.dominant_beat <= at < self.final:
            return self.dominant_chord
        return None

    def pitches(self, voice: Voice, step: int, candidates: Iterable[int],
                sounding: Mapping[Voice, int | None], fifth: bool = False, before: int | None = None
                ) -> set[int] | None:
        """The ``candidates`` that ``voice`` may start at ``step`` (``before``: its pitch just before, if any); None
        where the cadence has no say.

        ``sounding`` is what the other voices sing at ``step`` (None: not written yet): the last
        voice to be written completes the final chord — with its fifth too when ``fifth`` (the sampler
        asks that first, and gives it up where it would cost parallels)."""
        chord = self._chord(step)
        if chord is None:
            return None
        candidates = list(candidates)
        root = self._root(voice, step)
        pcs = {root} if root is not None else set(chord)
        if voice == Voice.SOPRANO:
            # A written melody ends on the tonic, reached by step from 2̂ or from the leading tone over the
            # dominant: every test-split chorale of Bach's ends its tune on 1̂ (25 of 36 from 2̂), the JS Fakes
            # 48 of 50 (31 from 2̂, 7 from 7̂).  Left to the chord alone, new pieces ended on 5̂ in 16 of 30.
            t = self.key.tonic
            tune = {t} if step >= self.final else {(t + 2) % 12, (t + 11) % 12}
            if any(p % 12 in pcs & tune for p in candidates):
                pcs &= tune
                if step == self.final and before is not None and any(abs(p - before) <= 2 and p % 12 in pcs
                                                                     for p in candidates):
                    candidates = [p for p in candidates if abs(p - before) <= 2]   # by step, not by a ninth
                elif step < self.final:   # a 2̂ or 7̂ with the tonic a step away within the voice's range
                    tonics = [p for p in candidates if p % 12 == t]
                    near = [p for p in candidates if any(abs(p - q) <= 2 for q in tonics)]
                    if any(p % 12 in pcs for p in near):
                        candidates = near
        elif root is None and step < self.final:
            # An inner voice does not double the melody's 2̂ or 7̂ over the dominant: both must step to 1̂ (octaves), or
            # one to 3̂, and from 2̂ it may not leap to 5̂ beside the bass (fifths) — a doubled 2̂ left the strict rules
            # no way into the final chord in 3 of 75 pieces of a random model.
            melody = sounding.get(Voice.SOPRANO)
            if melody is not None and melody >= 0 and any(p % 12 in pcs - {melody % 12} for p in candidates):
                pcs = pcs - {melody % 12}
        if step == self.final and root is None and before is not None:
            # The bass goes from the dominant to the tonic: an upper voice going from 2̂ to 5̂ or from 5̂ to 1̂
            # beside it makes fifths or octaves, whichever way the bass leaps (asked here, not left to the strict
            # rules alone: the bass may not be written yet, and where the rules give way the cadence still holds).
            d = (self.key.tonic + 7) % 12
            shadow = {(self.key.tonic + 2) % 12: d, d: self.key.tonic}.get(before % 12)
            if shadow is not None and any(p % 12 in pcs - {shadow} for p in candidates):
                pcs = pcs - {shadow}
        if step == self.final:
            # Root and third must sound; the fifth may be left out, as Bach often does (the last voice then
            # has a choice, and need not reach the fifth by parallels with the bass's V–I).
            known, unknown = others(voice, sounding)
            for needed in ((self.tonic_triad, self.root_and_third) if fifth else (self.root_and_third,)):
                complete = {pc for pc in pcs if len(needed - known - {pc}) <= unknown}
                if any(p % 12 in complete for p in candidates):
                    pcs = complete
                    break
        return {p for p in candidates if p % 12 in pcs}

    def silent(self, step: int) -> bool:
        """After a final chord placed under the melody's last note (``until``), the voices end with the melody:
        a short last bar's remaining steps (a piece that began with a pickup) stay silent."""
        return self.until is not None and step >= self.until

    def banned_rests(self, step: int, lengths: Iterable[int]) -> set[int]:
        """Lengths of a rest from ``step`` that would leave the dominant beat or the final chord silent (or break the
        line from one to the other: a voice sings through its dominant beat into the final chord)."""
        return {d for d in lengths if self.dominant_beat <= step < self.end or step <= self.dominant_beat < step + d
                or step < self.final < step + d}

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int],
                       start: int | None = None, sounding: Mapping[Voice, int | None] | None = None) -> set[int]:
        """Lengths of the stretch [step, step + d) of a note of ``pitch`` (begun at ``start``, default
        ``step``) that would hold a pitch foreign to the dominant chord over the dominant beat."""
        # Every voice starts the final chord on its beat: no note is held into it from before.
        start = step if start is None else start
        out = _held_into(self.final, step, lengths, start)
        if self.until is not None:   # it ends with the melody
            out |= {d for d in lengths if self.until < step + d}
        root = self._root(voice, self.dominant_beat)
        fits = pitch % 12 == root if root is not None else pitch % 12 in self.dominant_chord
        if voice == Voice.SOPRANO:   # the melody sings 2̂ or 7̂ there (``pitches``), to step to a tonic it can sing
            lo, hi = DEFAULT_RANGES[Voice.SOPRANO]
            fits = fits and (pitch - self.key.tonic) % 12 in (2, 11) and lo <= pitch + (1 if pitch % 12 == (
                self.key.tonic + 11) % 12 else -2) <= hi
        if not fits:
            # The 4–3 suspension: an upper voice's tonic, sung before the dominant beat, may be held over
            # it for half a beat; it then falls to the leading tone (``pitches``: only V's notes start there).
            suspended = (root is None and pitch % 12 == self.key.tonic and start < self.dominant_beat
                         and self.beat_half > 0)
            out |= {d for d in lengths if step <= self.dominant_beat < step + d
                    and not (suspended and step + d == self.dominant_beat + self.beat_half)}
        return out

    @property
    def beat_half(self) -> int:
        return self.meter.steps_per_beat // 2

    def may_end(self, step: int) -> bool:
        """May a note end at ``step``?  Not inside the final chord: it is held to the end."""
        return not self.final < step < self.end


def others(voice: Voice, sounding: Mapping[Voice, int | None]) -> tuple[set[int], int]:
    """The pitch classes the other voices sing at a step (rests aside), and how many are still to be written."""
    known = {p % 12 for v, p in sounding.items() if v != voice and p is not None and p >= 0}
    return known, sum(1 for v, p in sounding.items() if v != voice and p is None)


def _held_into(chord: int, step: int, lengths: Iterable[int], start: int) -> set[int]:
    """Lengths that would carry a note begun at ``start`` (sounding at ``step``) over ``chord``'s onset."""
    if start < chord == step:
        return set(lengths)   # the note must end here
    return {d for d in lengths if step < chord < step + d}


#: The chords a phrase may end on, by the key's mode: (semitones above the tonic to the root, quality's
#: intervals).  Bach's phrase ends are root-position triads of the key or of a key it visits: the tonic,
#: the dominant (half cadences, and cadences in the dominant's key), the relative key's tonic, the
#: subdominant, the supertonic; the major II and III of a major key are the dominants of V and vi.
_MAJOR, _MINOR = (0, 4, 7), (0, 3, 7)
#: How often Bach ends a phrase (a fermata before the last) on each of these chords, as a share of the root-position
#: triads under his fermatas in music21's Bach chorales (908 in major keys, 849 in minor; counted by
#: ``analysis.phrasing.phrase_end_chords``; ``benchmarks/quality.py`` sets ours beside his): half cadences
#: and the tonic first, then the relative key, the subdominant, the dominants of ii and vi; in minor also the major
#: tonic (the dominant of iv).  The phrase end's chord is drawn in these proportions (``PhraseEnd.bias``): left to
#: itself the model ended 40 % of major-key phrases on ii or iii (Bach 8 %) and 8 % of minor-key ones on V (Bach 20 %).
PHRASE_END_SHARES = {
    "major": {(7, _MAJOR): .354, (0, _MAJOR): .308, (9, _MINOR): .080, (5, _MAJOR): .070, (9, _MAJOR): .051,
              (2, _MINOR): .044, (4, _MAJOR): .039, (4, _MINOR): .021, (2, _MAJOR): .015},
    "minor": {(7, _MAJOR): .198, (3, _MAJOR): .185, (0, _MINOR): .173, (0, _MAJOR): .128, (10, _MAJOR): .095,
              (5, _MINOR): .084, (8, _MAJOR): .061, (7, _MINOR): .028, (5, _MAJOR): .021},
}
#: The chords a phrase may end on.
PHRASE_CHORDS = {mode: tuple(shares) for mode, shares in PHRASE_END_SHARES.items()}
#: The melody's note under those fermatas, by its pitch class above the tonic (the same chorales): the soprano of a new
#: piece lands there in these proportions (the model alone sang 4̂ under 27 % of minor-key fermatas, Bach 11 %).
PHRASE_END_MELODY = {
    "major": {0: .263, 7: .215, 4: .173, 2: .173, 11: .077, 9: .061, 5: .033},
    "minor": {7: .234, 0: .233, 3: .144, 2: .133, 5: .113, 10: .068, 8: .040, 11: .021, 4: .013},
}
#: The root Bach puts under a phrase's last melody note (its pitch class above the tonic → the root's, with its share),
#: for the notes he ends ten phrases or more on (the same chorales): over 5̂ in a major key V, 83 % — not the 54 % the
#: chords' shares alone give V against I.  Other notes take ``PHRASE_END_SHARES``.
PHRASE_END_UNDER = {
    "major": {0: {0: .72, 9: .19, 5: .09}, 2: {7: .75, 2: .21, 10: .04}, 4: {0: .58, 9: .32, 4: .10},
              5: {5: .60, 2: .37, 10: .03}, 7: {7: .83, 0: .09, 4: .08}, 9: {5: .45, 9: .38, 2: .16},
              11: {7: .67, 4: .33}},
    "minor": {0: {0: .80, 8: .11, 5: .09}, 2: {7: .78, 10: .21}, 3: {3: .84, 0: .09, 8: .06}, 4: {0: 1.0},
              5: {5: .65, 10: .27, 1: .07}, 7: {0: .38, 7: .37, 3: .25}, 8: {8: .68, 5: .26, 1: .06},
              10: {10: .67, 7: .21, 3: .09}, 11: {7: 1.0}},
}
#: Weight of those proportions against the model's own choice (1: multiplied in as they are), and the share
#: given to a chord or melody note Bach (almost) never ends on.
PHRASE_END_WEIGHT = 1.0
RARE_SHARE = 0.005


@dataclass(frozen=True)
class PhraseEnd:
    """A phrase end inside the piece (a fermata at window step ``at``, its chord held until ``until``): the
    four voices sound a complete triad of ``PHRASE_CHORDS`` in root position there, and hold it.  A voice may
    carry a note of such a chord into it (forcing every voice to strike it anew left the strict rules no
    room: parallels into the fermata)."""

    key: Key
    at: int
    until: int

    @property
    def chords(self) -> tuple[tuple[int, frozenset[int]], ...]:
        """(root, pitch classes) of every chord this phrase may end on."""
        t = self.key.tonic
        return tuple(((t + r) % 12, frozenset((t + r + i) % 12 for i in q)) for r, q in PHRASE_CHORDS[self.key.mode])

    def pitches(self, voice: Voice, step: int, candidates: Iterable[int],
                sounding: Mapping[Voice, int | None]) -> set[int] | None:
        if step != self.at:
            return None
        known, unknown = others(voice, sounding)
        bass = sounding.get(Voice.BASS) if voice != Voice.BASS else None
        chords = [(r, c) for r, c in self.chords if known <= c and (bass is None or bass < 0 or bass % 12 == r)]
        if not chords:
            return None   # the given voices sound no such chord: the phrase end is theirs
        pcs: set[int] = set()
        for root, chord in chords:
            if voice == Voice.BASS:
                if len(chord - known - {root}) <= unknown:
                    pcs.add(root)
            else:
                pcs |= {pc for pc in chord if len(chord - known - {pc}) <= unknown}
        candidates = list(candidates)
        return {p for p in candidates if p % 12 in pcs} or None

    def bias(self, voice: Voice, step: int, candidates: Iterable[int], sounding: Mapping[Voice, int | None]
             ) -> dict[int, float]:
        """Logit weights (≤ 0) that draw the phrase's chord in Bach's proportions (``PHRASE_END_SHARES``): each pitch
        by the share of the chords that hold it with what the others sing (on the bass's root, the bass's own pitch
        as root) — the bass under a known melody note by ``PHRASE_END_UNDER``, a melody being written first by
        ``PHRASE_END_MELODY``.  Empty off the phrase end."""
        if step != self.at or not PHRASE_END_WEIGHT:
            return {}
        t, mode = self.key.tonic, self.key.mode
        known, unknown = others(voice, sounding)
        melody = sounding.get(Voice.SOPRANO)
        under = (PHRASE_END_UNDER[mode].get((melody - t) % 12) if voice == Voice.BASS and melody is not None
                 and melody >= 0 else None)
        if voice == Voice.SOPRANO and unknown == 3:
            share = {(t + d) % 12: s for d, s in PHRASE_END_MELODY[mode].items()}
        elif under:
            share = {(t + r) % 12: s for r, s in under.items()}
        else:
            bass = sounding.get(Voice.BASS) if voice != Voice.BASS else None
            share: dict[int, float] = {}
            for (r, q), s in PHRASE_END_SHARES[mode].items():
                chord = frozenset((t + r + i) % 12 for i in q)
                if not known <= chord or (bass is not None and bass >= 0 and bass % 12 != (t + r) % 12):
                    continue
                for pc in ({(t + r) % 12} if voice == Voice.BASS else chord):
                    share[pc] = share.get(pc, 0.0) + s
        if not share:
            return {}
        top = max(share.values())
        return {p: PHRASE_END_WEIGHT * math.log(max(share.get(p % 12, 0.0), RARE_SHARE) / top) for p in candidates}

    def banned_rests(self, step: int, lengths: Iterable[int]) -> set[int]:
        return {d for d in lengths if step <= self.at < step + d or self.at <= step < self.until}

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int],
                       start: int | None = None, sounding: Mapping[Voice, int | None] | None = None) -> set[int]:
        """A note may be held into the phrase end's chord only if the chord can still be a complete root-position
        triad with it and with what the other voices sing there (``sounding``, at ``at``); else it ends there
        and the voice starts the chord afresh."""
        if sounding is not None and self._fits(voice, pitch, sounding):
            return set()
        return _held_into(self.at, step, lengths, step if start is None else start)

    def _fits(self, voice: Voice, pitch: int, sounding: Mapping[Voice, int | None]) -> bool:
        known, unknown = others(voice, sounding)
        known |= {pitch % 12}
        bass = pitch if voice == Voice.BASS else sounding.get(Voice.BASS)
        return any(known <= chord and len(chord - known) <= unknown and (bass is None or bass < 0 or bass % 12 == root)
                   for root, chord in self.chords)

    def may_end(self, step: int) -> bool:
        return not self.at < step < self.until


@dataclass(frozen=True)
class Phrasing:
    """Every phrase end a window writes (``PhraseEnd``s and the piece's final ``Cadence``), asked as one."""

    ends: tuple[PhraseEnd | Cadence, ...]

    def pitches(self, voice: Voice, step: int, candidates: Iterable[int],
                sounding: Mapping[Voice, int | None], fifth: bool = False, before: int | None = None
                ) -> set[int] | None:
        for end in self.ends:
            keep = (end.pitches(voice, step, candidates, sounding, fifth, before) if isinstance(end, Cadence)
                    else end.pitches(voice, step, candidates, sounding))
            if keep is not None:
                return keep
        return None

    def bias(self, voice: Voice, step: int, candidates: Iterable[int], sounding_at) -> dict[int, float]:
        """The phrase ends' logit weights for the pitches ``voice`` may start at ``step`` (``PhraseEnd.bias``);
        ``sounding_at(step)``: what the other voices sing there, asked only at a phrase end (this is asked at
        every note start)."""
        for end in self.ends:
            if isinstance(end, PhraseEnd) and end.at == step:
                return end.bias(voice, step, candidates, sounding_at(step))
        return {}

    def banned_rests(self, step: int, lengths: Iterable[int]) -> set[int]:
        lengths = list(lengths)
        return set().union(*(end.banned_rests(step, lengths) for end in self.ends))

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int],
                       start: int | None = None, sounding_at=None) -> set[int]:
        """``sounding_at(step)``: what the other voices sing at a step (for a note held into a phrase end)."""
        lengths = list(lengths)
        return set().union(*(end.banned_lengths(voice, step, pitch, lengths, start,
                                                sounding_at(end.at) if sounding_at and isinstance(end, PhraseEnd)
                                                else None)
                             for end in self.ends))

    def may_end(self, step: int) -> bool:
        return all(end.may_end(step) for end in self.ends)

    def silent(self, step: int) -> bool:
        return any(isinstance(end, Cadence) and end.silent(step) for end in self.ends)

    def final_near(self, step: int) -> bool:
        """Is ``step`` within the piece's final cadence (from the beat before its dominant to its end)?"""
        return any(isinstance(end, Cadence) and end.dominant_beat - end.meter.steps_per_beat <= step < end.end
                   for end in self.ends)


def phrase_plan(meter: Meter, bars: int) -> list[int]:
    """Fermatas for a new piece of ``bars`` bars, where Bach's chorales in that meter put them: in 4/4 a
    phrase of two bars ending on the third beat (a half note), in 3/4 one of four bars ending on the
    downbeat of its last; the last phrase ends on the downbeat of the last bar.  Steps from the start."""
    spb = meter.steps_per_bar
    every, beat = (4, 0) if meter.steps_per_bar == 12 else (2, 2 * meter.steps_per_beat)
    inner = [b * spb + beat for b in range(every - 1, bars - 2, every)]
    return [*inner, (bars - 1) * spb]


def ends_with_cadence(score, key: Key | None = None) -> bool:
    """Does ``score`` end on the tonic in root position (root and third, the fifth as the voices have it, the
    bass on the tonic), held
    over the whole last bar, after the dominant in the bass?  (What the tests hold every cadence to.)"""
    key = key or score.key
    final = (score.bars - 1) * score.steps_per_bar
    cadence = Cadence(key, score.meter, score.bars - 1)
    pitches = [score.note_at(v, final) for v in Voice]
    if any(n is None or n.start != final or n.end != score.total_steps for n in pitches):
        return False
    pcs = {n.pitch % 12 for n in pitches}
    before = score.pitch_at(Voice.BASS, final - score.meter.steps_per_beat)
    return (pitches[Voice.BASS].pitch % 12 == key.tonic and cadence.root_and_third <= pcs <= cadence.tonic_triad
            and before is not None and before % 12 == (key.tonic + 7) % 12)
