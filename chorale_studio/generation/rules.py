"""Strict voice leading while sampling: which pitches and note lengths would cross or move in parallel.

The analysis package judges finished scores; these rules act on single sampling decisions, when
only part of the music is known.  For one candidate, ``VoiceLeading`` keeps what every voice sings
at every step of the window as far as it is fixed (context, locked cells, music already sampled in
this candidate) and answers two questions:

- which pitches may a voice start at a step without sounding above a fixed higher voice or below a
  fixed lower one, and without moving in parallel fifths or octaves (same direction, interval class
  0 or 7 both before and after) with a fixed voice that moves at the same instant;
- which lengths may a note take without running into a crossing, or ending at a barline where the
  voice's next (fixed) note would make parallels with another fixed voice.

Beside these, the **melodic rules** of the style (``melodic_faults``): no tritone leap, no augmented
second, no leap of a seventh or beyond an octave, an upper voice's leap wider than a fourth recovered
by a step the other way, no cross relation (B against B♭ in two voices, at once or from one chord to
the next), no doubled leading tone, the upper voices within an octave of each other.  They make a
pitch much less likely rather than impossible (``sampler.MELODIC_PENALTY``): as bans, with the
melody of a harmonization fixed, they left a chord incomplete on 18 % of the beats instead of 10 %.

A pair of voices is always checked by whichever of the two is sampled later, when both are known.
Parallels follow the analysis' definition (``analysis.rules.parallels``): both voices sound before and
after and both change pitch; two octave leaps keep the interval and are not parallels.
"""
from __future__ import annotations

import functools
from typing import Iterable

from ..analysis.texture import COMPLETE
from ..notation.spelling import spell
from ..score import Key, Score, Voice

REST = -1
UNKNOWN = None
#: How much more than another melodic fault a tritone leap or a cross relation weighs (``melodic_weights``).
SEVERE = 2.0
#: The weight of an octave leap out of a note of an eighth or less (``melodic_weights``): at 1.0 the bass of fills sank
#: (1.6 semitones under the corpus's same bars, against 1.2 without), 0.5 halves the excess leaps.
OCTAVE_FROM_EIGHTH = 0.5

#: How much the chord guidance dislikes each complete chord type (chord_type → share of the penalty).
#: Major and minor triads are the chorale's staple (78 % of the test split's beats); the dominant and
#: minor sevenths, the half-diminished seventh and the diminished triad come on 2–3 % of beats each, at
#: half the cost (free, the guided model sang dominant sevenths and diminished triads twice as often as
#: the corpus: 5.4 % and 4.4 % of beats, and benchmarks/quality.py's chord distance fell from 0.116 to
#: 0.101 in *new* and 0.117 to 0.099 in *continue* with this); a major seventh, an augmented triad or a
#: diminished seventh is rare (under 1 % each) and as unwelcome as a chord left open.
#: (A third of the penalty since it rose from 2.0 to 3.0: the style's sevenths cost what they did, 1.0.)
_CHORD_COST = {t: {"major triad": 0.0, "minor triad": 0.0, "diminished triad": 1 / 3, "dominant seventh": 1 / 3,
                   "minor seventh": 1 / 3, "half-diminished seventh": 1 / 3}.get(name, 1.0)
               for t, name in COMPLETE.items()}
#: Every complete triad and seventh chord as a set of pitch classes, in all twelve transpositions, with its cost.
_CHORDS: tuple[tuple[frozenset[int], float], ...] = tuple(
    {frozenset((r + i) % 12 for i in t): cost for t, cost in _CHORD_COST.items() for r in range(12)}.items())


@functools.lru_cache(maxsize=4096)
def chord_cost(pitch_classes: frozenset[int], missing: int) -> float:
    """0 when these pitch classes, with at most ``missing`` more, can make a major or minor triad; up to 1
    when the best chord they can make is rarer, or none (the chord stays incomplete)."""
    return min((cost for c, cost in _CHORDS if pitch_classes <= c and len(c - pitch_classes) <= missing), default=1.0)


class VoiceLeading:
    """What each voice sings at each step of one window, for one candidate (None where still unknown)."""

    def __init__(self, score: Score, start_bar: int, bars: int, unknown: Iterable[tuple[Voice, int]]):
        spb = score.steps_per_bar
        self.spb = spb
        self.beat = score.meter.steps_per_beat
        self.key = score.key
        # What the rules ask of the key on every call, worked out once (``Key.tonic`` is a property).
        tonic = score.key.tonic
        self._leading = (tonic + 11) % 12
        self._augmented_second = (frozenset({(tonic + 8) % 12, (tonic + 11) % 12}) if score.key.mode == "minor"
                                  else None)
        self._cross_pcs = _cross_table(score.key)
        self.origin = start_bar * spb - 1          # step -1 of the window is line index 0
        length = bars * spb + 2                     # one step before the window, one after
        unknown = set(unknown)
        self.lines: list[list[int | None]] = []
        for v in _VOICES:
            line: list[int | None] = []
            for i in range(length):
                step = self.origin + i
                if not 0 <= step < score.total_steps:
                    line.append(REST)
                elif (v, step // spb) in unknown:
                    line.append(UNKNOWN)
                else:
                    p = score.pitch_at(v, step)
                    line.append(REST if p is None else p)
            self.lines.append(line)

    # ---- what the sampler tells us ----------------------------------------------------------
    def record(self, voice: Voice, step: int, length: int, pitch: int | None) -> None:
        """``voice`` sings ``pitch`` (None: rests) over window steps [step, step + length)."""
        line = self.lines[voice]
        value = REST if pitch is None else pitch
        for i in range(step + 1, step + 1 + length):
            line[i] = value

    # ---- what the sampler asks ---------------------------------------------------------------
    def melodic_faults(self, voice: Voice, step: int, candidates: Iterable[int]) -> set[int]:
        """Pitches among ``candidates`` whose line or whose meeting with the other voices the style avoids."""
        return set(self.melodic_weights(voice, step, candidates))

    def melodic_weights(self, voice: Voice, step: int, candidates: Iterable[int]) -> dict[int, float]:
        """``melodic_faults`` with how much each weighs: 1, or ``SEVERE`` for a tritone leap, a leap of a seventh or
        beyond the octave and a cross relation (the faults a teacher marks first, and the ones a weight of 1 left above
        the corpus's rate: tritones and cross relations twice it, sevenths and wider 1.8 times it in new Bach-style
        pieces)."""
        i = step + 1
        line = self.lines[voice]
        before = line[i - 1]
        prev = before if _pitch(before) else None
        # The note before ``before``, for a leap that must be recovered.
        leap = 0
        short = False   # the note before lasts an eighth or less
        if prev is not None:
            j = i - 1
            while j > 0 and line[j] == prev:
                j -= 1
            if _pitch(line[j]) and j < i - 1:
                leap = prev - line[j]
            short = i - 1 - j <= self.beat // 2
        leading = self._leading
        others = [(o, self.lines[o][i], self.lines[o][i - 1]) for o in _VOICES if o != voice]
        ahead = {o: self._next_notes(o, i) for o in _VOICES if o != voice}
        out: dict[int, float] = {}
        for p in candidates:
            crossing = self._cross_pcs[p % 12]   # the pitch classes that make a cross relation with p
            if prev is not None and p != prev:
                step_size = abs(p - prev)
                if self.bad_interval(prev, p):
                    out[p] = SEVERE if step_size == 6 or step_size >= 10 else 1.0
                    continue
                if abs(leap) > 5 and abs(leap) != 12 and voice != Voice.BASS \
                        and not (1 <= step_size <= 2 and (p - prev) * leap < 0):
                    out[p] = 1.0   # a wide leap is followed by a step back
                    continue
                if step_size == 12 and short and OCTAVE_FROM_EIGHTH:
                    # An octave leap out of an eighth: 0.14–0.17 a piece in the corpus, 0.33–0.47 in new Bach-style
                    # pieces (the bass's G2 G3 G2 …); the octave from a longer note is the style's own.
                    out[p] = OCTAVE_FROM_EIGHTH
                    continue
            for other, now, was in others:
                if _pitch(now):
                    if now % 12 in crossing:
                        out[p] = SEVERE
                        break
                    if p % 12 == leading and now % 12 == leading:
                        out[p] = 1.0
                        break
                    if voice in _NEIGHBOURS and other in _NEIGHBOURS[voice] and abs(p - now) > 12:
                        out[p] = 1.0
                        break
                if _pitch(was) and was != now and now != p and was % 12 in crossing:
                    out[p] = SEVERE   # a cross relation from the chord before
                    break
                if any(q % 12 in crossing for q in ahead[other]):
                    out[p] = SEVERE   # a cross relation into the next chord, where a voice is already written
                    break
        return out

    def _next_notes(self, voice: Voice, i: int) -> list[int]:
        """The pitch ``voice`` moves to within a beat after line index ``i`` (when it is already written)."""
        line = self.lines[voice]
        for k in range(i + 1, min(i + 1 + self.beat, len(line))):
            if line[k] != line[k - 1]:
                return [line[k]] if _pitch(line[k]) else []
        return []

    def banned_pitches(self, voice: Voice, step: int, candidates: Iterable[int], before: int | None = UNKNOWN
                       ) -> set[int]:
        """Pitches among ``candidates`` that ``voice`` may not start at window step ``step`` (coming from
        ``before`` when given: what the voice would sing just before, for a look ahead)."""
        i = step + 1
        if before is UNKNOWN:
            before = self.lines[voice][i - 1]
        banned: set[int] = set()
        for other in _VOICES:
            if other == voice:
                continue
            line = self.lines[other]
            now = line[i]
            if now is None or now == REST:
                continue
            above = other < voice
            was = line[i - 1]
            other_moves = was is not None and was != REST and was != now
            for p in candidates:
                if (p > now) if above else (p < now):
                    banned.add(p)
                elif other_moves and before is not None and before != REST and _parallel(before, p, was, now):
                    banned.add(p)
        return banned

    def chord_bias(self, voice: Voice, step: int, candidates: Iterable[int], chord: float,
                   unison: float) -> dict[int, float]:
        """Penalties (to add to the model's logits) for pitches that ``voice`` may start on a beat.

        On a beat where every other voice sings or is still to be written, a pitch whose chord can
        no longer become a complete triad or seventh chord costs ``chord`` (a part of it when the
        chord can only become a rarer one: ``chord_cost``), and a pitch another voice already sings
        costs ``unison``.  A small model left alone doubles voices into bare
        fifths and unisons; a composer fills the chord.
        """
        if step % self.beat:
            return {}
        around = self._others_at(voice, step + 1)
        if not around or not around[0]:
            return {}
        known, missing = around
        pcs = frozenset(q % 12 for q in known)
        by_class: dict[int, float] = {}   # chord_cost per pitch class of the candidate (octaves cost the same)
        out: dict[int, float] = {}
        for p in candidates:
            pc = p % 12
            if pc not in by_class:
                by_class[pc] = chord_cost(pcs | {pc}, missing)
            cost = chord * by_class[pc]
            if p in known:
                cost += unison
            if cost:
                out[p] = -cost
        return out

    def _others_at(self, voice: Voice, i: int) -> tuple[list[int], int] | None:
        """What the other voices sing at line index ``i``: the known pitches and how many are still unknown;
        None where one of them rests (no chord to judge)."""
        known: list[int] = []
        missing = 0
        for other in _VOICES:
            if other == voice:
                continue
            q = self.lines[other][i]
            if q is None:
                missing += 1
            elif q == REST:
                return None
            else:
                known.append(q)
        return known, missing

    def held_chord_costs(self, voice: Voice, step: int, pitch: int, start: int, lengths: Iterable[int]
                         ) -> dict[int, float]:
        """``chord_cost`` of the beats a note of ``pitch`` (begun at ``start``) would be held over if it lasted
        ``d`` more steps from ``step``: the worst of them, per length (lengths that hold it over no beat, or only
        over complete chords, are left out).  ``chord_bias`` judges the notes struck on a beat; a note held over
        one left it incomplete twice as often as Bach (1.8 % of beats against 0.8 % in harmonize_bach)."""
        out: dict[int, float] = {}
        first = max(step + (-step) % self.beat, start + 1 + (-(start + 1)) % self.beat)
        size = len(self.lines[voice])
        costs: dict[int, float] = {}   # per beat: the lengths share their beats, so each is judged once
        for d in lengths:
            worst = 0.0
            for b in range(first, step + d, self.beat):
                i = b + 1
                if i >= size:
                    break
                cost = costs.get(b)
                if cost is None:
                    around = self._others_at(voice, i)
                    cost = costs[b] = (chord_cost(frozenset(q % 12 for q in around[0]) | {pitch % 12}, around[1])
                                       if around and around[0] else 0.0)
                worst = max(worst, cost)
            if worst:
                out[d] = worst
        return out

    def melodic_length_faults(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int]) -> set[int]:
        """Lengths after which the voice's next note, already fixed (a kept bar after the written ones), would
        be reached by a leap the style avoids (the seam is judged with the note that makes it), or that would
        hold the note against its chromatic other in a fixed voice, or up to it (a cross relation)."""
        line = self.lines[voice]
        size = len(line)
        lengths = list(lengths)
        # The first line index from the note on where a fixed voice sings its chromatic other: held up to
        # there or beyond, the note makes a cross relation (so the lengths share one scan).
        crossing = self._cross_pcs[pitch % 12]
        others = [self.lines[o] for o in _VOICES if o != voice]
        reach = min(size, step + 2 + max(lengths, default=0))
        cross_at = next((k for k in range(step + 1, reach)
                         if any(_pitch(o[k]) and o[k] % 12 in crossing for o in others)), None)
        out = set()
        for d in lengths:
            end = step + d + 1
            nxt = line[end] if end < size else None
            if _pitch(nxt) and nxt != pitch and self.bad_interval(pitch, nxt):
                out.add(d)
                continue
            if cross_at is not None and cross_at <= end:   # a cross relation while the note is held, or as it ends
                out.add(d)
        return out

    def bad_interval(self, a: int, b: int) -> bool:
        """A tritone, a seventh, more than an octave, or (in minor) the augmented second 6̂–♯7̂."""
        size = abs(b - a)
        if size in (6, 10, 11) or size > 12:
            return True
        return (size == 3 and self._augmented_second is not None
                and {a % 12, b % 12} == self._augmented_second)

    # ---- suspensions ---------------------------------------------------------------------------
    def suspension_lengths(self, voice: Voice, step: int, pitch: int, start: int, lengths: Iterable[int]) -> set[int]:
        """Lengths that would make the note of ``pitch`` (begun at ``start``, sounding at ``step``) a suspension:
        prepared (consonant with the bass where it began), held over the next beat where it is a 2nd, 4th,
        7th or 9th above the bass, and let go after half a beat or a beat — while the bass holds — where a
        step down is consonant with it.  Upper voices only."""
        if voice == Voice.BASS:
            return set()
        bass = self.lines[Voice.BASS]
        beat = step if step % self.beat == 0 and start < step else (step // self.beat + 1) * self.beat
        if beat + self.beat + 1 >= len(bass):
            return set()
        before, on = bass[start + 1], bass[beat + 1]
        if not _pitch(before) or not _pitch(on) or pitch <= on:
            return set()
        if (pitch - before) % 12 not in _CONSONANT or (pitch - on) % 12 not in _SUSPENDED:
            return set()
        out = set()
        for end in (beat + self.beat // 2, beat + self.beat):
            held = bass[beat + 1:end + 2]
            if all(q == on for q in held) and any((r - on) % 12 in _CONSONANT for r in (pitch - 1, pitch - 2)):
                out |= {d for d in lengths if step + d == end}
        return out

    def resolutions(self, voice: Voice, step: int, candidates: Iterable[int]) -> set[int]:
        """Where ``voice``'s note before ``step`` was a suspension (held over a beat, dissonant with the bass
        there): the ``candidates`` that resolve it, a step down and consonant with the bass; else empty."""
        if voice == Voice.BASS:
            return set()
        i = step + 1
        line, bass = self.lines[voice], self.lines[Voice.BASS]
        held = line[i - 1]
        if not _pitch(held):
            return set()
        j = i - 1
        while j > 0 and line[j - 1] == held:
            j -= 1
        beat = ((j - 1) // self.beat + 1) * self.beat   # the first beat after the note began
        if not (j - 1 < beat < step) or not _pitch(bass[beat + 1]) or (held - bass[beat + 1]) % 12 not in _SUSPENDED:
            return set()
        now = bass[i]
        return {p for p in candidates if 1 <= held - p <= 2 and (not _pitch(now) or (p - now) % 12 in _CONSONANT)}

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int]) -> set[int]:
        """Lengths of the stretch [step, step + d) of a note of ``pitch`` that would break a rule."""
        banned: set[int] = set()
        own = self.lines[voice]
        for d in lengths:
            if self._crosses(voice, pitch, step, step + d):
                banned.add(d)
                continue
            nxt = own[step + d + 1] if step + d + 1 < len(own) else None
            if nxt is not None and nxt != REST and nxt != pitch and self._parallel_at(voice, pitch, nxt, step + d):
                banned.add(d)
        return banned

    def _crosses(self, voice: Voice, pitch: int, start: int, end: int) -> bool:
        for other in _VOICES:
            if other == voice:
                continue
            above = other < voice
            for q in self.lines[other][start + 1:end + 1]:
                if q is None or q == REST:
                    continue
                if (pitch > q) if above else (pitch < q):
                    return True
        return False

    def _parallel_at(self, voice: Voice, before: int, after: int, step: int) -> bool:
        """Would ``voice`` moving ``before`` → ``after`` at ``step`` make parallels with a fixed voice?"""
        i = step + 1
        for other in _VOICES:
            if other == voice:
                continue
            was, now = self.lines[other][i - 1], self.lines[other][i]
            if was is None or now is None or was == REST or now == REST or was == now:
                continue
            if _parallel(before, after, was, now):
                return True
        return False


#: Intervals above the bass, in semitones modulo the octave: consonant (with the fourth-less triads' notes),
#: and those a suspension holds (a 2nd or 9th, a 4th, a 7th).
_CONSONANT = frozenset({0, 3, 4, 7, 8, 9})
_SUSPENDED = frozenset({1, 2, 5, 10, 11})


def _pitch(value) -> bool:
    """Is a line's value a sounding pitch (not a rest, not unknown)?"""
    return isinstance(value, int) and value != REST


#: The voices in order, as a tuple: iterating the enum itself costs more on the rules' every call.
_VOICES: tuple[Voice, ...] = tuple(Voice)

#: Neighbouring upper voices, which stay within an octave of each other (the bass may go further).
_NEIGHBOURS = {Voice.SOPRANO: (Voice.ALTO,), Voice.ALTO: (Voice.SOPRANO, Voice.TENOR), Voice.TENOR: (Voice.ALTO,)}


def _cross(a: int, b: int, key: Key) -> bool:
    """Are ``a`` and ``b`` one letter with two accidentals in ``key`` (B and B♭, F and F♯): a cross relation?"""
    return b % 12 in _cross_table(key)[a % 12]


@functools.lru_cache(maxsize=64)
def _cross_table(key: Key) -> tuple[frozenset[int], ...]:
    """Per pitch class, the pitch classes that make a cross relation with it in ``key`` (a spelling's letter and
    accidental depend on the pitch class alone).  The rules ask this for every candidate against every voice, so
    they look it up here rather than spell both pitches each time."""
    def crosses(a: int, b: int) -> bool:
        if a == b:
            return False
        x, y = spell(a, key), spell(b, key)
        return x.letter == y.letter and x.alter != y.alter

    return tuple(frozenset(b for b in range(12) if crosses(a, b)) for a in range(12))


def _parallel(a1: int, a2: int, b1: int, b2: int) -> bool:
    """Voice a moves a1 → a2 while voice b moves b1 → b2: parallel or contrary fifths or octaves?

    Contrary motion from a fifth (octave) into a fifth (octave) is the same fault heard through
    other registers, so it is banned as well."""
    if a1 == a2 or b1 == b2:
        return False
    if (a2 - a1) % 12 == 0 and (b2 - b1) % 12 == 0:
        return False
    was, now = abs(a1 - b1) % 12, abs(a2 - b2) % 12
    return was == now and now in (0, 7)
