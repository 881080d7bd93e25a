"""Phrasing, figuration and melodic lines as a musician hears them, counted so a passage compares with the corpus.

``texture.py`` counts chords and registers; this counts what makes four voices sound like Bach's rather
than like a chord generator: cadences that close on full root-position triads, lines that move in
eighth-note steps and suspensions, and the leaps and clashes a teacher would mark.  Each measure is a
small function that returns ``(count, out_of)`` so that counts add up over pieces; ``Phrasing`` keeps
them all, and ``phrasing()`` fills one for a passage.  The ``find_…`` functions say where a measure
fires, for a reader who wants to check it against the notes.

Definitions (a *passage* is the steps [start, end); *voices* are the voices a generator wrote):

- *fermata chord*: the chords the four voices sound while the soprano holds the note that carries a
  fermata (Bach often resolves a 4–3 under it).  A fermata counts when one of them is a complete
  major or minor triad (root, third and fifth all sounding, any doubled, no other pitch class) with
  the bass on the root.  Out of: the fermatas in the passage, one per soprano note.
- *final chord*: the pitches sounding on the passage's last sounding step.  It counts when its bass
  is the tonic of ``score.key``, it holds the tonic's major or minor third (a Picardy third counts)
  and nothing but tonic, third and fifth (the fifth may be left out, as Bach often does).  Out of: 1.
- *adjacent notes*: two notes of one voice, the second starting where the first ends (no rest
  between).  A pair belongs to the passage when either note starts in it.
- *eighth-note step*: a note of at most an eighth (≤ 2 sixteenth steps) that starts in the passage
  and lies 1 or 2 semitones from an adjacent note before or after it — passing and neighbour
  motion.  Each such note counts once.  Out of: the notes starting in the passage.
- *tritone leap*: adjacent notes exactly 6 semitones apart (compound tritones are not counted).
- *leap of a seventh or more*: adjacent notes 10 semitones apart or more, octaves included (the
  number of octave leaps is kept too, so one can see how many of them are octaves).
- *spelling*: a note is named as the project spells it in ``score.key`` (``notation.spelling``), except
  a note outside the key's scale, which takes its other name (one sharp or flat) when that makes fewer
  augmented or diminished intervals with the notes sounding with it (tritones aside): G♭, not F♯, in
  E♭–G♭–B♭ in B♭ major; F♯ in D–F♯–A.  Where the chord does not decide, or the other name would share
  its letter with another note of the chord (B–C against C♭–C), the key's name stands.
- *augmented second*: adjacent notes 3 semitones apart whose letters, each spelled in the chord it
  starts in, are neighbours: F–G♯ in A minor.
  The three leap measures are out of the notes starting in the passage.
- *suspension*: a note of the soprano, alto or tenor that began before a beat and still sounds on
  it, stands a 2nd, 4th, 7th or 9th above the sounding bass there (1, 2, 5, 10 or 11 semitones
  above it modulo the octave; an augmented fourth is not counted), then moves 1 or 2 semitones
  down to the next note, while the bass keeps its pitch (or rests) from the beat up to that
  resolution.  Each suspended note counts once.  Out of: the beats starting in the passage.
- *cross relation*: a sonority (``sonority.py``) that brings one voice's note and, in another
  voice, the same letter with another accidental (B and B♭, spelled in their chords): at the same
  time, with at least one of the two notes starting there; or one in the sonority before and the
  other starting here, unless some voice sings that chromatic step itself (B → B♭ in one line).
  Out of: the sonority changes in the passage.
- *onsets per quarter*: notes starting in the passage per quarter note, per voice.

With ``voices``, the line measures look only at those voices, suspensions only at notes of them,
and a cross relation counts only when one of its two notes is theirs.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..notation.spelling import spell
from ..score import STEPS_PER_QUARTER, Note, Score, Voice
from .sonority import Sonority, sonorities

Count = tuple[int, int]   # (how many, out of how many)

_TRIADS = ((0, 4, 7), (0, 3, 7))
_DISSONANT_ABOVE_BASS = frozenset({1, 2, 5, 10, 11})   # 2nds, 9ths, 4ths, 7ths (mod 12)
_UPPER = (Voice.SOPRANO, Voice.ALTO, Voice.TENOR)


def _span(score: Score, start: int | None, end: int | None) -> tuple[int, int]:
    return (0 if start is None else max(0, start)), (score.total_steps if end is None else min(end, score.total_steps))


def chord_at(score: Score, step: int) -> tuple[int | None, ...]:
    """The four pitches (soprano … bass, None for a rest) sounding at ``step``."""
    return tuple(score.pitch_at(v, step) for v in Voice)


def is_root_position_triad(chord: Iterable[int | None]) -> bool:
    """A complete major or minor triad (doublings allowed, nothing else) with the root in the bass (last voice)."""
    pitches = list(chord)
    bass = pitches[-1]
    if bass is None:
        return False
    classes = {p % 12 for p in pitches if p is not None}
    return any(classes == {(bass + i) % 12 for i in triad} for triad in _TRIADS)


# ---- phrase ends --------------------------------------------------------------------------
def fermata_steps(score: Score, start: int | None = None, end: int | None = None) -> list[int]:
    """The phrase ends in the passage: its fermata steps, one per soprano note (a file may mark the fermata
    again on a lower voice's note that starts later under the same soprano note)."""
    start, end = _span(score, start, end)
    out, seen = [], set()
    for f in sorted(score.fermatas):
        held = score.note_at(Voice.SOPRANO, f)
        phrase_end = f if held is None else held.start
        if start <= f < end and phrase_end not in seen:
            seen.add(phrase_end)
            out.append(f)
    return out


def chords_under_fermata(score: Score, step: int) -> list[tuple[int | None, ...]]:
    """The chords sounding while the soprano holds its fermata note at ``step`` (a suspension resolving
    under it, the bass moving an octave): the chord at ``step`` alone when the soprano rests there."""
    held = score.note_at(Voice.SOPRANO, step)
    end = step + 1 if held is None else held.end
    changes = {step} | {n.start for v in Voice for n in score.notes_between(v, step, end) if n.start > step}
    return [chord_at(score, s) for s in sorted(changes)]


def fermata_chords(score: Score, steps: Iterable[int] | None = None) -> Count:
    """(fermatas under which a complete root-position triad sounds, fermatas); ``steps`` default to
    ``score.fermatas``."""
    steps = fermata_steps(score) if steps is None else sorted(steps)
    return sum(any(map(is_root_position_triad, chords_under_fermata(score, s))) for s in steps), len(steps)


def phrase_end_chords(score: Score, steps: Iterable[int] | None = None) -> list[tuple[int, tuple[int, ...], int]]:
    """What the phrases end on, each fermata but the last (``steps``, default the score's) under which a root-position
    major or minor triad sounds: (its root above the key's tonic, (0, 4, 7) or (0, 3, 7), the melody's pitch class
    above the tonic).  (How ``generation.cadence.PHRASE_END_SHARES`` was counted on Bach's chorales.)"""
    steps = fermata_steps(score)[:-1] if steps is None else sorted(steps)
    out = []
    for f in steps:
        chord = chord_at(score, f)
        if None in chord:
            continue
        bass = chord[Voice.BASS]
        pcs = frozenset((p - bass) % 12 for p in chord)
        quality = (0, 4, 7) if pcs == {0, 4, 7} else (0, 3, 7) if pcs == {0, 3, 7} else None
        if quality is not None:
            t = score.key.tonic
            out.append(((bass - t) % 12, quality, (chord[Voice.SOPRANO] - t) % 12))
    return out


def phrase_end_kinds(score: Score, steps: Iterable[int] | None = None) -> Counter:
    """``phrase_end_chords`` as a musician sorts them: on V (a half cadence, or the dominant's key), on the tonic
    (major or minor), on the relative key's tonic (vi in major, III in minor), or elsewhere."""
    relative = 9 if score.key.mode == "major" else 3
    kinds: Counter = Counter()
    for root, quality, _ in phrase_end_chords(score, steps):
        kinds["V" if (root, quality) == (7, (0, 4, 7)) else "I" if root == 0 else
              "relative" if root == relative else "other"] += 1
    return kinds


def last_sounding_step(score: Score, start: int | None = None, end: int | None = None) -> int | None:
    start, end = _span(score, start, end)
    return max((min(n.end, end) - 1 for v in Voice for n in score.notes_between(v, start, end)), default=None)


def is_root_position_tonic(chord: Iterable[int | None], tonic: int) -> bool:
    """The tonic triad (major or minor third, fifth optional, nothing else) with the tonic in the bass (last voice)."""
    pitches = list(chord)
    bass = pitches[-1]
    if bass is None or bass % 12 != tonic % 12:
        return False
    intervals = {(p - tonic) % 12 for p in pitches if p is not None}
    return intervals <= {0, 3, 4, 7} and len(intervals & {3, 4}) == 1


def final_tonic(score: Score, start: int | None = None, end: int | None = None) -> Count:
    """(1 when the passage's last chord is the tonic in root position, 1); (0, 0) for a silent passage."""
    last = last_sounding_step(score, start, end)
    if last is None:
        return 0, 0
    return int(is_root_position_tonic(chord_at(score, last), score.key.tonic)), 1


# ---- melodic lines ------------------------------------------------------------------------
def _starting(score: Score, voice: Voice, start: int, end: int) -> list[Note]:
    return [n for n in score.notes(voice) if start <= n.start < end]


def adjacent_pairs(score: Score, voice: Voice, start: int | None = None, end: int | None = None
                   ) -> Iterator[tuple[Note, Note]]:
    """Consecutive notes of ``voice`` with no rest between, either of them starting in the passage."""
    start, end = _span(score, start, end)
    notes = score.notes(voice)
    for a, b in zip(notes, notes[1:]):
        if b.start == a.end and (start <= a.start < end or start <= b.start < end):
            yield a, b


def find_eighth_steps(score: Score, voice: Voice, start: int | None = None, end: int | None = None) -> list[Note]:
    """Notes of at most an eighth, starting in the passage, a step (1–2 semitones) from an adjacent note."""
    start, end = _span(score, start, end)
    notes = score.notes(voice)
    out = []
    for i, n in enumerate(notes):
        if not (start <= n.start < end and n.length <= 2):
            continue
        before = notes[i - 1] if i > 0 and notes[i - 1].end == n.start else None
        after = notes[i + 1] if i + 1 < len(notes) and notes[i + 1].start == n.end else None
        if any(m is not None and 1 <= abs(m.pitch - n.pitch) <= 2 for m in (before, after)):
            out.append(n)
    return out


def eighth_steps(score: Score, voice: Voice, start: int | None = None, end: int | None = None) -> Count:
    """(eighth-note steps, notes) of ``voice`` in the passage."""
    s, e = _span(score, start, end)
    return len(find_eighth_steps(score, voice, s, e)), len(_starting(score, voice, s, e))


def find_leaps(score: Score, voice: Voice, start: int | None = None, end: int | None = None, *,
               least: int, most: int = 127) -> list[tuple[Note, Note]]:
    """Adjacent notes of ``voice`` between ``least`` and ``most`` semitones apart."""
    return [(a, b) for a, b in adjacent_pairs(score, voice, start, end) if least <= abs(b.pitch - a.pitch) <= most]


def tritone_leaps(score: Score, voice: Voice, start: int | None = None, end: int | None = None) -> Count:
    s, e = _span(score, start, end)
    return len(find_leaps(score, voice, s, e, least=6, most=6)), len(_starting(score, voice, s, e))


def wide_leaps(score: Score, voice: Voice, start: int | None = None, end: int | None = None) -> Count:
    """(leaps of a minor seventh or more, octaves included, notes)."""
    s, e = _span(score, start, end)
    return len(find_leaps(score, voice, s, e, least=10)), len(_starting(score, voice, s, e))


_LETTERS = "CDEFGAB"
_LETTER_PITCH_CLASS = (0, 2, 4, 5, 7, 9, 11)
#: Semitones (mod 12) of the perfect, major and minor intervals per letter distance (mod 7); tritones are
#: left alone, since both names of a note a tritone from another are common (B–F, F–B).
_PLAIN = {0: {0}, 1: {1, 2}, 2: {3, 4}, 3: {5, 6}, 4: {6, 7}, 5: {8, 9}, 6: {10, 11}}

Name = tuple[int, int]   # (letter index, 0 = C … 6 = B; alteration)


def _names(pitch: int) -> list[Name]:
    """Every name of ``pitch`` with at most one sharp or flat."""
    out = []
    for letter, pc in enumerate(_LETTER_PITCH_CLASS):
        alter = (pitch - pc + 6) % 12 - 6
        if abs(alter) <= 1:
            out.append((letter, alter))
    return out


def _odd_intervals(pitch: int, name: Name, others: list[tuple[int, Name]]) -> int:
    """How many augmented or diminished intervals ``pitch`` called ``name`` makes with ``others``."""
    odd = 0
    for q, other in others:
        (lo, lo_name), (hi, hi_name) = sorted(((pitch, name), (q, other)))
        if (hi - lo) % 12 not in _PLAIN[(hi_name[0] - lo_name[0]) % 7]:
            odd += 1
    return odd


def spelled_chord(chord: Iterable[int | None], key) -> list[Name | None]:
    """The names of a chord's pitches (see *spelling* above)."""
    pitches = list(chord)
    by_key: list[Name | None] = []
    for p in pitches:
        s = None if p is None else spell(p, key)
        by_key.append(None if s is None else (_LETTERS.index(s.letter), s.alter))
    out = list(by_key)
    for i, p in enumerate(pitches):
        if p is None or p % 12 in key.scale:
            continue
        others = [(q, by_key[j]) for j, q in enumerate(pitches) if j != i and q is not None and q % 12 != p % 12]
        taken = {name[0] for _, name in others}   # a name on another note's letter would make a clash of its own
        best = _odd_intervals(p, by_key[i], others)
        for other in _names(p):
            if other[0] not in taken and _odd_intervals(p, other, others) < best:
                best, out[i] = _odd_intervals(p, other, others), other
    return out


def _name_at(score: Score, voice: Voice, step: int) -> Name | None:
    """The name of what ``voice`` sings at ``step``, in the chord sounding there."""
    return spelled_chord(chord_at(score, step), score.key)[voice]


def find_augmented_seconds(score: Score, voice: Voice, start: int | None = None, end: int | None = None
                           ) -> list[tuple[Note, Note]]:
    """Adjacent notes 3 semitones apart spelled on neighbouring letters, each in the chord it starts in."""
    out = []
    for a, b in find_leaps(score, voice, start, end, least=3, most=3):
        if (_name_at(score, voice, b.start)[0] - _name_at(score, voice, a.start)[0]) % 7 in (1, 6):
            out.append((a, b))
    return out


def augmented_seconds(score: Score, voice: Voice, start: int | None = None, end: int | None = None) -> Count:
    s, e = _span(score, start, end)
    return len(find_augmented_seconds(score, voice, s, e)), len(_starting(score, voice, s, e))


# ---- suspensions --------------------------------------------------------------------------
@dataclass(frozen=True)
class Suspension:
    voice: Voice
    beat: int          # the step of the beat the held note is dissonant on
    note: Note         # the held note
    resolution: Note   # the note it falls to
    above_bass: int    # semitones above the bass on the beat


def find_suspensions(score: Score, start: int | None = None, end: int | None = None,
                     voices: Iterable[Voice] | None = None) -> list[Suspension]:
    """Suspensions on the beats of the passage, in the upper ``voices`` (each held note once)."""
    start, end = _span(score, start, end)
    per_beat = score.meter.steps_per_beat
    chosen = [v for v in _UPPER if voices is None or v in set(voices)]
    out = []
    for v in chosen:
        notes = score.notes(v)
        for i, n in enumerate(notes[:-1]):
            after = notes[i + 1]
            if after.start != n.end or not 1 <= n.pitch - after.pitch <= 2:
                continue   # no resolution down by step
            first_beat = (n.start // per_beat + 1) * per_beat
            for beat in range(max(first_beat, start + (-start) % per_beat), min(n.end, end), per_beat):
                bass = score.pitch_at(Voice.BASS, beat)
                if bass is None or n.pitch <= bass or (n.pitch - bass) % 12 not in _DISSONANT_ABOVE_BASS:
                    continue
                if all(score.pitch_at(Voice.BASS, s) in (bass, None) for s in range(beat, after.start + 1)):
                    out.append(Suspension(v, beat, n, after, n.pitch - bass))
                    break
    return sorted(out, key=lambda s: (s.beat, s.voice))


def beats_in(score: Score, start: int | None = None, end: int | None = None) -> int:
    start, end = _span(score, start, end)
    per_beat = score.meter.steps_per_beat
    return len(range(start + (-start) % per_beat, end, per_beat))


def suspensions(score: Score, start: int | None = None, end: int | None = None,
                voices: Iterable[Voice] | None = None) -> Count:
    """(suspensions, beats) of the passage."""
    return len(find_suspensions(score, start, end, voices)), beats_in(score, start, end)


# ---- cross relations ----------------------------------------------------------------------
@dataclass(frozen=True)
class CrossRelation:
    step: int                   # the sonority that brings it
    voices: tuple[Voice, Voice]  # the voice of the first note, the voice of its alteration
    pitches: tuple[int, int]
    simultaneous: bool


def _starts_at(score: Score, voice: Voice, step: int) -> bool:
    n = score.note_at(voice, step)
    return n is not None and n.start == step


def find_cross_relations(score: Score, start: int | None = None, end: int | None = None,
                         voices: Iterable[Voice] | None = None, chain: list[Sonority] | None = None
                         ) -> list[CrossRelation]:
    """The sonorities of the passage that bring a cross relation (the first one found in each)."""
    start, end = _span(score, start, end)
    chain = sonorities(score) if chain is None else chain
    chosen = set(Voice) if voices is None else set(voices)

    def clash(a: Name | None, b: Name | None) -> bool:
        return a is not None and b is not None and a[0] == b[0] and a[1] != b[1]

    pairs = [(u, w) for u in Voice for w in Voice if u != w and (u in chosen or w in chosen)]
    out = []
    for i, now in enumerate(chain):
        if not start <= now.step < end:
            continue
        names = spelled_chord(now.pitches, score.key)
        new = {v for v in Voice if now.pitch(v) is not None and _starts_at(score, v, now.step)}
        found = next((CrossRelation(now.step, (u, w), (now.pitch(u), now.pitch(w)), True) for u, w in pairs
                      if u < w and (u in new or w in new) and clash(names[u], names[w])), None)
        if found is None and i > 0:
            before = chain[i - 1]
            names_before = spelled_chord(before.pitches, score.key)
            for u, w in pairs:
                if w in new and clash(names_before[u], names[w]) and not any(
                        names_before[v] == names_before[u] and names[v] == names[w] for v in Voice):
                    found = CrossRelation(now.step, (u, w), (before.pitch(u), now.pitch(w)), False)
                    break   # (when some voice sings that chromatic step itself, it is a line, not a relation)
        if found is not None:
            out.append(found)
    return out


def cross_relations(score: Score, start: int | None = None, end: int | None = None,
                    voices: Iterable[Voice] | None = None, chain: list[Sonority] | None = None) -> Count:
    """(sonorities bringing a cross relation, sonority changes) of the passage."""
    s, e = _span(score, start, end)
    chain = sonorities(score) if chain is None else chain
    return (len(find_cross_relations(score, s, e, voices, chain)), sum(1 for c in chain if s <= c.step < e))


# ---- rhythm -------------------------------------------------------------------------------
def onsets_per_quarter(score: Score, voice: Voice, start: int | None = None, end: int | None = None) -> Count:
    """(notes of ``voice`` starting in the passage, quarter notes in it — rounded down)."""
    s, e = _span(score, start, end)
    return len(_starting(score, voice, s, e)), (e - s) // STEPS_PER_QUARTER


# ---- all of it, added up over pieces ------------------------------------------------------
_COUNTS = ("fermatas", "fermata_triads", "phrase_ends", "ends_on_v", "ends_on_i", "ends_on_relative", "endings", "tonic_endings", "notes", "eighth_steps", "tritones",
           "wide_leaps", "octave_leaps", "augmented_seconds", "beats", "suspensions", "changes",
           "cross_relations", "quarters")


@dataclass
class Phrasing:
    """Counts over one or more passages; ``figures()`` turns them into rates."""

    fermatas: int = 0
    fermata_triads: int = 0
    phrase_ends: int = 0           # fermatas before the last with a root-position triad, and of those the ones
    ends_on_v: int = 0             # on V, on the tonic, on the relative key's tonic (``phrase_end_kinds``)
    ends_on_i: int = 0
    ends_on_relative: int = 0
    endings: int = 0               # passages whose last chord was judged (those that end a piece)
    tonic_endings: int = 0
    notes: int = 0                 # notes starting in the passages, in the voices looked at
    eighth_steps: int = 0
    tritones: int = 0
    wide_leaps: int = 0
    octave_leaps: int = 0
    augmented_seconds: int = 0
    beats: int = 0
    suspensions: int = 0
    changes: int = 0
    cross_relations: int = 0
    quarters: int = 0
    onsets: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, other: "Phrasing") -> "Phrasing":
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for v in range(4):
            self.onsets[v] += other.onsets[v]
        return self

    def figures(self) -> dict:
        def share(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        def per_100(a: int, b: int) -> float | None:
            return round(100.0 * a / b, 3) if b else None

        return {
            "fermata_triads": share(self.fermata_triads, self.fermatas),
            "final_tonic": share(self.tonic_endings, self.endings),
            "phrase_ends_on_v": share(self.ends_on_v, self.phrase_ends),
            "phrase_ends_on_i": share(self.ends_on_i, self.phrase_ends),
            "phrase_ends_on_relative": share(self.ends_on_relative, self.phrase_ends),
            "eighth_steps_per_100_notes": per_100(self.eighth_steps, self.notes),
            "tritones_per_100_notes": per_100(self.tritones, self.notes),
            "wide_leaps_per_100_notes": per_100(self.wide_leaps, self.notes),
            "octave_leaps_per_100_notes": per_100(self.octave_leaps, self.notes),
            "augmented_seconds_per_100_notes": per_100(self.augmented_seconds, self.notes),
            "suspensions_per_100_beats": per_100(self.suspensions, self.beats),
            "cross_relations_per_100_changes": per_100(self.cross_relations, self.changes),
            "onsets_per_quarter": {v.short: share(self.onsets[v], self.quarters) for v in Voice},
            "counts": {name: getattr(self, name) for name in _COUNTS},
        }


def phrasing(score: Score, start: int | None = None, end: int | None = None,
             voices: Iterable[Voice] | None = None, *, ends_piece: bool = False,
             chain: list[Sonority] | None = None) -> Phrasing:
    """The counts of steps [start, end) of ``score`` (the whole piece by default).

    ``voices`` are the voices a generator wrote (all four by default); ``ends_piece`` says the passage is
    the end of a piece, so its last chord is judged.  ``chain`` is the score's sonorities, when the caller
    has them already."""
    s, e = _span(score, start, end)
    chosen = tuple(Voice) if voices is None else tuple(sorted(set(voices)))
    out = Phrasing()
    if e <= s:
        return out
    fermatas = fermata_steps(score, s, e)
    out.fermata_triads, out.fermatas = fermata_chords(score, fermatas)
    last = fermata_steps(score)[-1:]
    kinds = phrase_end_kinds(score, [f for f in fermatas if f not in last])
    out.phrase_ends = sum(kinds.values())
    out.ends_on_v, out.ends_on_i, out.ends_on_relative = kinds["V"], kinds["I"], kinds["relative"]
    if ends_piece:
        out.tonic_endings, out.endings = final_tonic(score, s, e)
    for v in chosen:
        out.notes += len(_starting(score, v, s, e))
        out.eighth_steps += len(find_eighth_steps(score, v, s, e))
        out.tritones += len(find_leaps(score, v, s, e, least=6, most=6))
        out.wide_leaps += len(find_leaps(score, v, s, e, least=10))
        out.octave_leaps += len(find_leaps(score, v, s, e, least=12, most=12))
        out.augmented_seconds += len(find_augmented_seconds(score, v, s, e))
    out.suspensions, out.beats = suspensions(score, s, e, chosen)
    out.cross_relations, out.changes = cross_relations(score, s, e, chosen, chain)
    out.quarters = (e - s) // STEPS_PER_QUARTER
    for v in Voice:
        out.onsets[v] = len(_starting(score, v, s, e))
    return out
