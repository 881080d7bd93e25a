"""Chord plans the sampler obeys: the composer's Roman numerals (``Score.plan``) as rules on the notes.

A planned chord sounds from its onset until the next planned chord (or, where the plan stops, the end
of its bar).  Written voices start their notes on its onset and on its beats with its tones — the
bass with the planned bass (the inversion), the voices together completing the chord (a seventh chord
may leave out its fifth) — while notes between the beats are free: passing and neighbour notes, as
the style puts them.  An upper voice may hold a note over the onset when it can resolve by step to a
chord tone (a prepared suspension) where the other voices sing the chord; no other note foreign to
the chord is held over one of its beats, and no note is held over an onset where the chord could then
not be completed (V, then V7 on the off-beat under the soprano's held fifth: a voice moves to the
seventh).  Where a given voice sings a foreign note on the onset (an appoggiatura), the chord sounds
where it resolves.  The rules see the other voices through the row's ``rules.VoiceLeading``; with strict
voice leading (whose bans come first) they look ahead, so that the note before an onset leaves the
voice a planned pitch there that neither crosses nor moves in parallels (benchmarks/harmony.py --plans:
the planned chords that sound went from 88 % to 98 % of the experts' analyses, Bach's own 92 %).

``check`` refuses, before any sampling, a plan the given voices contradict, naming bar and beat (a given
note foreign to a chord on its onset is fine when it moves on by step or reaches the chord within its span).
The rules have the interface of ``cadence.PhraseEnd`` (``pitches``, ``banned_rests``,
``banned_lengths``, ``may_end``), so the engine asks them with the phrase ends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations
from typing import Iterable, Mapping

from ..analysis import harmony
from ..analysis.harmony import FigureError
from ..score import Cell, Score, Voice, pitch_name
from .cadence import Phrasing, others
from .requests import GenerationError
from .rules import REST, VoiceLeading


@dataclass(frozen=True)
class PlannedChord:
    """One chord of the plan in window steps (``analysis.harmony.PlannedChord`` there in piece steps)."""

    at: int
    until: int
    pcs: frozenset[int]
    bass: int
    required: frozenset[int]   # what must sound at the onset: all tones, a seventh chord's fifth excepted


def chords(score: Score) -> list[harmony.PlannedChord]:
    """The score's planned chords; a figure this program cannot read is a GenerationError naming its place."""
    try:
        return harmony.planned_chords(score)
    except FigureError as exc:
        raise GenerationError(f"the chord plan at {exc}") from None


def phrasing(ends: tuple, score: Score, first_bar: int, bars: int, guard: VoiceLeading | None = None,
             strict: bool = False) -> Phrasing | None:
    """The rules a window's sampling asks: its phrase ends (``cadence.py``) and the chord plan's.  ``guard``
    (the row's ``rules.VoiceLeading``) lets the plan see the other voices beyond the current step, and
    ``strict`` look ahead for the strict rules (see ``PlanRules``)."""
    # The plan before the phrase ends: it is the composer's.  The strict rules still come first (the sampler
    # asks them before these): with strict voice leading on, a planned chord gives way to parallel fifths —
    # which is why, with ``strict``, the plan looks ahead so as not to run into them.
    ends = rules(score, first_bar, bars, guard, strict) + ends
    return Phrasing(ends) if ends else None


def rules(score: Score, first_bar: int, bars: int, guard: VoiceLeading | None = None,
          strict: bool = False) -> tuple["PlanRules", ...]:
    """The plan's rules for a window of ``bars`` bars from ``first_bar`` (none where nothing is planned)."""
    if not score.plan:
        return ()
    spb = score.steps_per_bar
    lo, hi = first_bar * spb, (first_bar + bars) * spb
    inside = tuple(PlannedChord(c.at - lo, min(c.until, hi) - lo, c.pcs, c.bass, c.required)
                   for c in chords(score) if lo <= c.at < hi)
    ranges = tuple(tuple(score.ranges[v]) for v in Voice)
    return (PlanRules(inside, score.meter.steps_per_beat, guard, strict, ranges),) if inside else ()


def check(score: Score, targets: Iterable[Cell]) -> None:
    """Refuse a plan the given (not written) voices contradict: a planned chord whose onset finds a given
    note outside it that does not move on by step (as a passing or neighbour note or a suspension does)
    and after which that voice sings none of its tones within its span, or a given bass other than the
    planned one."""
    written = set(targets)
    for c in chords(score):
        at, figure, pcs, bass, key = c.at, c.figure, c.pcs, c.bass, c.key
        bar = score.bar_of(at)
        names = "–".join(_name(pc, key) for pc in _ordered(pcs, bass))
        for voice in Voice:
            if (voice, bar) in written:
                continue
            note = score.note_at(voice, at)
            if note is None:
                continue
            if voice == Voice.BASS and note.pitch % 12 != bass:
                raise GenerationError(
                    f"the chord plan cannot be kept at {harmony.where(score, at)}: {figure} in {key.name} ({names}) "
                    f"needs {_name(bass, key)} in the bass, but the bass sings "
                    f"{pitch_name(note.pitch, flats=key.fifths < 0)}; change the plan or let the bass be written")
            if note.pitch % 12 in pcs:
                continue
            following = score.note_at(voice, note.end)
            if following is not None and abs(following.pitch - note.pitch) <= 2:
                continue   # a non-chord tone on the beat that moves on by step: passing, neighbour, suspension
            if any(n.pitch % 12 in pcs for n in score.notes(voice) if at < n.start < c.until):
                continue   # it reaches the chord within its span (an appoggiatura leaping on, as Bach's do)
            raise GenerationError(
                f"the chord plan cannot be kept at {harmony.where(score, at)}: {figure} in {key.name} ({names}) "
                f"does not hold the {voice.label.lower()}'s {pitch_name(note.pitch, flats=key.fifths < 0)}; change the plan or "
                f"let the {voice.label.lower()} be written")


def _name(pc: int, key) -> str:
    """A pitch class named as the key would (flats in flat keys): 'Bb', 'F#'."""
    return pitch_name(60 + pc, flats=key.fifths < 0)[:-1]


def _ordered(pcs: frozenset[int], bass: int) -> list[int]:
    return sorted(pcs, key=lambda pc: (pc - bass) % 12)


@dataclass(frozen=True)
class PlanRules:
    """The rules of every planned chord a window writes (interface of ``cadence.PhraseEnd``).

    With the window's ``guard`` (``rules.VoiceLeading``: what every voice sings as far as it is known) the
    rules also see the other voices beyond the current step:

    - a note held over an onset must leave the chord completable by the voices still to be written (V,
      then V7 on the off-beat: while the soprano holds the fifth, someone must bring in the seventh);
    - where a given (or already written) voice sings a note foreign to the chord on its onset — an
      appoggiatura, a suspension — the chord sounds where that note resolves (its *anchor*): the notes
      there are the chord's, the bass the planned bass;
    - with ``strict`` voice leading, the note before an onset must leave the voice a planned pitch there that
      neither crosses nor moves in parallels (else the strict rules, which come first, would drop the plan);
      and an upper voice's pitch on an onset leaves the voices still to be written room between their
      neighbours for the tones still missing.
    Where a rule would leave no choice it gives way, as the sampler's rules always do.
    """

    chords: tuple[PlannedChord, ...]
    beat: int
    guard: VoiceLeading | None = field(default=None, compare=False, repr=False)
    strict: bool = False
    ranges: tuple[tuple[int, int], ...] = ()   # per Voice, lowest and highest pitch

    def _at(self, step: int) -> PlannedChord | None:
        return next((c for c in self.chords if c.at <= step < c.until), None)

    # ---- what the other voices sing --------------------------------------------------------------
    def _line(self, voice: Voice, step: int) -> int | None:
        """What ``voice`` sings at window ``step`` as far as it is known (None: unknown; REST: a rest)."""
        if self.guard is None:
            return None
        line = self.guard.lines[voice]
        i = step + 1
        return line[i] if 0 <= i < len(line) else None

    def _sounding(self, step: int) -> dict[Voice, int | None]:
        return {v: self._line(v, step) for v in Voice}

    def anchor(self, chord: PlannedChord) -> int:
        """Where ``chord`` must sound complete: its onset, or — when a known voice sings a note foreign to it
        there (an appoggiatura, a suspension) — the first step of its span where every known voice sings its
        tones (the onset where there is none)."""
        if self.guard is None:
            return chord.at
        for t in range(chord.at, chord.until):
            foreign = False
            for v in Voice:
                p = self._line(v, t)
                if p is not None and p != REST and p % 12 not in chord.pcs:
                    foreign = True
                    break
            if not foreign:
                return t
        return chord.at

    def _clean(self, voice: Voice, chord: PlannedChord, step: int) -> bool:
        """Do the other voices known at ``step`` sing tones of ``chord`` there (the bass its planned bass)?"""
        for v in Voice:
            p = self._line(v, step)
            if v == voice or p is None or p == REST:
                continue
            if p % 12 not in chord.pcs or (v == Voice.BASS and p % 12 != chord.bass):
                return False
        return True

    def _complete(self, voice: Voice, chord: PlannedChord, sounding: Mapping[Voice, int | None]) -> set[int]:
        """The pitch classes an upper voice may sing where ``chord`` must sound complete: those that leave the
        tones still missing to the voices still to be written, one each."""
        known, unknown = others(voice, sounding)
        return {pc for pc in chord.pcs if len(chord.required - known - {pc}) <= unknown}

    def _rule(self, voice: Voice, step: int, chord: PlannedChord, candidates: list[int],
              sounding: Mapping[Voice, int | None]) -> set[int] | None:
        """The chord's own rule for a note starting at ``step`` (no look-ahead); None: no rule here."""
        full = step == chord.at or step == self.anchor(chord)
        if not full and step % self.beat:
            return None   # between the beats: passing and neighbour notes are free
        if voice == Voice.BASS:
            pcs = {chord.bass} if full else set(chord.pcs)
        else:
            pcs = set(chord.pcs)
            if full:
                complete = self._complete(voice, chord, sounding)
                if any(p % 12 in complete for p in candidates):
                    pcs = complete
                    roomy = {p for p in candidates if p % 12 in pcs and self._room(voice, chord, p, sounding)}
                    if roomy:
                        return roomy
        return {p for p in candidates if p % 12 in pcs} or None

    def _room(self, voice: Voice, chord: PlannedChord, pitch: int, sounding: Mapping[Voice, int | None]) -> bool:
        """With ``voice`` on ``pitch``, can the voices still to be written sing the missing tones, one each,
        without crossing a known voice (in strict mode; else always)?"""
        if not self.strict or not self.ranges:
            return True
        known = {v: p for v, p in sounding.items() if v != voice and p is not None and p != REST}
        known[voice] = pitch
        unknown = [v for v, p in sounding.items() if v != voice and p is None]
        missing = sorted(chord.required - {p % 12 for p in known.values()})
        if len(missing) > len(unknown):
            return False
        if not missing:
            return True

        def fits(v: Voice, pc: int) -> bool:
            lo, hi = self.ranges[v]
            lo = max([lo] + [p for u, p in known.items() if u > v])    # known voices below
            hi = min([hi] + [p for u, p in known.items() if u < v])    # known voices above
            return any(q % 12 == pc for q in range(lo, hi + 1))

        return any(all(fits(v, pc) for v, pc in zip(order, missing)) for order in permutations(unknown, len(missing)))

    def _onset_ok(self, voice: Voice, chord: PlannedChord, before: int) -> bool:
        """Coming from ``before``, has ``voice`` a planned pitch on ``chord``'s onset that the strict rules allow
        (no crossing of a known voice, no parallels with one that moves there)?"""
        at = chord.at
        sounding = self._sounding(at)
        lo, hi = self.ranges[voice] if self.ranges else (before - 12, before + 12)
        candidates = list(range(max(lo, before - 12), min(hi, before + 12) + 1))
        planned = self._rule(voice, at, chord, candidates, sounding)
        if planned is None:
            return True
        if self.guard is None:
            return bool(planned)
        return len(self.guard.banned_pitches(voice, at, planned, before=before)) < len(planned)

    def _next_onset(self, step: int, within: int) -> PlannedChord | None:
        return next((c for c in self.chords if step < c.at <= step + within), None)

    # ---- what the sampler asks ----------------------------------------------------------------------
    def pitches(self, voice: Voice, step: int, candidates: Iterable[int],
                sounding: Mapping[Voice, int | None]) -> set[int] | None:
        candidates = list(candidates)
        chord = self._at(step)
        keep = self._rule(voice, step, chord, candidates, sounding) if chord is not None else None
        if self.strict and self.guard is not None:
            upcoming = self._next_onset(step, self.beat)
            if upcoming is not None:   # the note before an onset must not leave the plan to the strict rules
                ok = {p for p in (keep or candidates) if self._onset_ok(voice, upcoming, p)}
                if ok:
                    return ok
        return keep

    def banned_rests(self, step: int, lengths: Iterable[int]) -> set[int]:
        return {d for d in lengths for c in self.chords if step <= c.at < step + d}

    def banned_lengths(self, voice: Voice, step: int, pitch: int, lengths: Iterable[int],
                       start: int | None = None, sounding=None) -> set[int]:
        """Lengths that would hold ``pitch`` over a beat of a planned chord it does not belong to (in the
        bass: over the onset, anything but the planned bass), or over an onset where the chord could then not
        be completed.  Only a prepared suspension may: an upper voice's note of the chord before, held over
        the onset, that can fall a step into the chord; it resolves half a beat later.  In strict mode, a
        length that would end the note on an onset the voice could then not sing the plan on is banned too."""
        start = step if start is None else start
        lengths = list(lengths)
        reach = step + max(lengths, default=0)
        out: set[int] = set()
        for i, c in enumerate(self.chords):
            if c.until <= step or c.at > reach:
                continue   # out of this note's reach
            first_beat = c.at - c.at % self.beat + self.beat
            beats = [b for b in range(first_beat, c.until, self.beat) if pitch % 12 not in c.pcs]
            before = self.chords[i - 1] if i and self.chords[i - 1].until == c.at else None
            onset_fits = pitch % 12 == c.bass if voice == Voice.BASS else pitch % 12 in c.pcs
            if onset_fits and voice != Voice.BASS and before is not None and pitch % 12 not in c.required \
                    and c.required - before.pcs:
                beats.append(c.at)   # V, then V7: the fifth held over gives way to the seventh coming in
            elif onset_fits and voice != Voice.BASS and self.guard is not None and start < c.at and step <= c.at \
                    and pitch % 12 not in self._complete(voice, c, self._sounding(c.at)):
                beats.append(c.at)   # held over, it would leave the chord incomplete: let the missing tone in
            if not onset_fits:
                resolution = c.at + max(1, self.beat // 2)
                suspended = (voice != Voice.BASS and before is not None and before.at <= start < c.at
                             and resolution < c.until   # the chord lasts beyond its resolution
                             and pitch % 12 in before.pcs and any((pitch - k) % 12 in c.pcs for k in (1, 2))
                             and self._clean(voice, c, resolution))   # where it resolves, the others sing the chord
                if suspended:
                    beats.append(resolution)   # held over the onset, resolved half a beat on
                else:
                    beats.append(c.at)
            if self.guard is not None and step < c.until and start < c.until:
                anchor = self.anchor(c)
                if anchor != c.at and start < anchor and step <= anchor:
                    if voice == Voice.BASS:
                        fits = pitch % 12 == c.bass
                    else:
                        fits = pitch % 12 in self._complete(voice, c, self._sounding(anchor))
                    if not fits:
                        beats.append(anchor)   # the chord sounds where the foreign note on its onset resolves
            for beat in beats:
                if start < beat == step:
                    return set(lengths)   # the note must end here
                out |= {d for d in lengths if step < beat < step + d}
        if self.strict and self.guard is not None:
            upcoming = self._next_onset(step, max(lengths, default=0))
            if upcoming is not None and not self._onset_ok(voice, upcoming, pitch):
                out |= {d for d in lengths if step + d == upcoming.at}
        return out

    def may_end(self, step: int) -> bool:
        return True
