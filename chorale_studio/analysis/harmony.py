"""The harmony of a chorale as Roman numerals: chords, local keys, tonicizations and cadences.

Pure Python on the Score, fast enough to run on every edit.  Three passes:

1. *Chords.*  Every sonority change is scored against each triad and seventh
   chord (12 roots × 9 kinds): chord tones count for it, non-chord tones and a
   missing third against it, weighted by how long and how strongly they sound.
   A Viterbi pass then chooses one chord per sonority, paying for each change
   of chord by where it falls (a new chord on a downbeat is cheap, one on an
   off-beat sixteenth dear), so passing and neighbour notes and suspensions
   stay inside the chord they decorate; every tone of a chord and nothing else
   names that chord even between the beats (the passing viio6 between ii and
   I6).  A chord whose bass moves to another of its tones on a beat gets a new
   label (I, then I6).  A fourth over the bass with no sixth is a suspension
   over the bass's chord (V with 4–3), not a six-four chord without its third;
   a seventh, ninth or fourth that falls by step by the next beat over a held
   bass may be read as the chord it resolves to (the 7–6 over F♯: V6 in G), and so may a sixth falling to
   the fifth over a bass with its major third (the 6–5 over D: V in G, not iii6); a bass held over a second
   below an upper voice and falling by step under held voices is a suspension too (the 2–3: V, not I).  A root that falls a step to
   its seventh while the other voices hold is still heard: V, then V6/5 without its root, not viio.  The
   bass is the lowest sounding note, the tenor's where it crosses below the bass.  What would resolve to a
   six-four chord is no suspension (a suspension resolves to a consonance): E, G, B♭ over D is iiø4/2.
2. *Keys.*  A second Viterbi pass over the chords picks a local key for each:
   a chord costs nothing in a key where it is diatonic, a little where it is
   an applied chord (V/x, viio7/x), more as a borrowed or Neapolitan chord;
   notes outside the key cost, a chord's cost weighing more the longer it sounds (up to a beat and a
   half; a fermata's hold does not count), phrase ends favour the tonic and dominant, and
   each change of key costs, more for each fifth beyond the closely related
   keys, and more on a chord diatonic in the key left (the experts change key
   after the pivot chord, not on it), and more again within a phrase on the new
   key's own tonic chord (a key comes in by its dominant or a foreign tone); within a phrase the chords
   both keys share stay in the key left until the chord before the new key's first foreign one.  A chord missing its fifth is read as
   its key reads it (D, F, C: iv7 in A minor, iiø7 in C).  The piece starts
   and ends in its own key: its signature's, or the minor key of a Dorian
   signature (one flat short) where the bass ends on its tonic.  A key whose
   tonic chord never sounds is a tonicization in the key next to it.  A minor key's
   authentic cadence (V or V7, then I) may end on the major tonic and stay in minor
   (the Picardy third: I in minor, as the experts write it).
3. *Names.*  Each chord is named in its key (figures as RomanText writes
   them: I, V6, ii6/5, viio7/V, bII6) and each phrase end (a fermata, and the
   last chord) gets its cadence: PAC, IAC, HC, PC or DC.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..score import Key, Score, Voice
from .sonority import sonorities

#: Chord kinds as intervals above the root, with how much the style's prior likes them (a cost).
KINDS: dict[str, tuple[int, ...]] = {
    "M": (0, 4, 7), "m": (0, 3, 7), "o": (0, 3, 6), "+": (0, 4, 8),
    "7": (0, 4, 7, 10), "M7": (0, 4, 7, 11), "m7": (0, 3, 7, 10), "ø7": (0, 3, 6, 10), "o7": (0, 3, 6, 9),
}
_PRIOR = {"M": 0.0, "m": 0.0, "o": 0.15, "+": 2.5, "7": 0.25, "M7": 0.9, "m7": 0.6, "ø7": 0.5, "o7": 0.3}
SEVENTHS = frozenset(("7", "M7", "m7", "ø7", "o7"))
_MAJOR_LIKE = frozenset(("M", "+", "7", "M7"))

# Weights of the chord pass (tuned on the tuning half of the expert analyses only).
_CHORD_TONE = 1.0
_FOREIGN = 1.25            # a non-chord tone in an upper voice
_BASS_FOREIGN = 2.0        # a non-chord tone in the bass
_NO_THIRD = 1.0
_NO_ROOT = 1.2
_BARE_FOURTH = 1.0         # a second inversion without its third (the sixth above the bass)
_CHANGE = {"downbeat": 0.6, "beat": 1.5, "half": 1.6, "quarter": 4.0}
_ADD_SEVENTH = 0.3
_TRIAD_OF_SEVENTH = {"7": "M", "M7": "M", "m7": "m", "ø7": "o"}
_COMPLETE = 0.8            # every tone of a chord and nothing else sounding: a chord, even between the beats
_SUSPENSION = 0.5          # reading a sonority on the beat as the chord its suspension resolves to
_KEEP = 8                  # candidate chords kept per sonority

# Weights of the key pass.
_KEY_CHANGE = 3.5
_FAR_CHANGE = 1.0          # and for each fifth beyond the closely related keys
_APPLIED = 1.8
_BORROWED = 2.4
_FOREIGN_CHORD = 5.0
_OUT_OF_SCALE = 0.8
_CADENCE_TONIC, _CADENCE_DOMINANT, _CADENCE_OTHER = 0.0, 1.0, 2.5
_HOME = 2.0                # starting or ending away from the piece's key
_PIVOT = 0.5               # changing key on a chord diatonic in the key left (the experts change after the pivot)
_TONIC_ENTRY = 1.0         # entering a key on its tonic chord within a phrase (it comes in by its dominant)
_LONG_CHORD = 1.5          # the most a long chord's cost in a key is weighed (by its beats; under a beat: 1)
_OTHER_READING = 0.3       # reading a chord as another its tones make (D, F, C: iv7 in A minor, iiø7 in C)


@dataclass(frozen=True)
class Harmony:
    """One chord of the analysis: from ``step`` to ``end``, named ``figure`` in ``key``."""

    step: int
    end: int
    key: Key
    root: int              # pitch class
    kind: str              # a KINDS name
    bass: int              # pitch class of the lowest sounding chord tone
    figure: str            # RomanText: 'V6/5', 'viio7/V', 'bII6'
    cadence: str = ""      # 'PAC', 'IAC', 'HC', 'PC', 'DC' at a phrase end

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in KINDS[self.kind])

    @property
    def inversion(self) -> int:
        """0 root position, 1 first inversion, 2 second, 3 third (the seventh in the bass)."""
        return sorted(KINDS[self.kind]).index((self.bass - self.root) % 12)


@dataclass
class HarmonyAnalysis:
    """The chords of a score in time order, one per chord change."""

    chords: list[Harmony] = field(default_factory=list)

    def at(self, step: int) -> Harmony | None:
        """The chord sounding at ``step`` (None before the first)."""
        found = None
        for h in self.chords:
            if h.step > step:
                break
            found = h
        return found

    @property
    def cadences(self) -> list[Harmony]:
        return [h for h in self.chords if h.cadence]


# ---- pass 1: chords ---------------------------------------------------------------------------------
_PCS = {(root, kind): frozenset((root + i) % 12 for i in KINDS[kind]) for root in range(12) for kind in KINDS}
_TEMPLATES_BY_ROOT = {root: [(kind, _PCS[root, kind]) for kind in KINDS] for root in range(12)}


def _position(score: Score, step: int) -> str:
    offset = step % score.steps_per_bar
    per_beat = score.meter.steps_per_beat
    if offset == 0:
        return "downbeat"
    if offset % per_beat == 0:
        return "beat"
    return "half" if offset % (per_beat // 2) == 0 else "quarter"


def _fit(pitches: list[int | None], pcs: frozenset[int], root: int, kind: str, weight: float) -> float:
    """How well one sonority (soprano … bass) sounds as the chord (higher is better)."""
    score = -_PRIOR[kind]
    sounding = set()
    bass = min((p for p in pitches if p is not None), default=None)
    for p in pitches:
        if p is None:
            continue
        pc = p % 12
        sounding.add(pc)
        if pc in pcs:
            score += _CHORD_TONE * weight
        else:
            score -= (_BASS_FOREIGN if p == bass else _FOREIGN) * weight
    intervals = KINDS[kind]
    if root not in sounding:
        score -= _NO_ROOT * weight
    if (root + intervals[1]) % 12 not in sounding:
        score -= _NO_THIRD * weight
        if bass is not None and (bass - root) % 12 == intervals[2]:
            # a bare fourth over the bass (no sixth) is no six-four chord but a suspension over the bass's
            # own chord: D, G, A over D in G is V with 4–3 (and the seventh), not I6/4
            score -= _BARE_FOURTH * weight
    if kind in SEVENTHS and (root + intervals[3]) % 12 not in sounding:
        score -= 1.5 * weight      # a seventh chord is named only where its seventh sounds
    elif sounding == pcs and len(sounding) >= 3:
        score += _COMPLETE         # every tone of the chord and nothing else: a chord, even between the beats
    return score


_DISSONANT_ABOVE_BASS = frozenset((1, 2, 5, 10, 11))   # a ninth (second), a fourth, a seventh


def _resolved(pitches, following, step: int, end: int, per_beat: int, before=None,
              later=()) -> list[int | None]:
    """The sonority on a beat with each suspension (or appoggiatura) replaced by its resolution: an upper
    voice a seventh, ninth or fourth above the bass that falls by step by the next beat while the bass holds
    (the 7–6 over F♯ in E, F♯, A → D, F♯, A is V6 in G, as the experts read it, not a seventh chord on F♯;
    B, D, A held a beat over B before the A falls to G is I6 in G, not iii7),
    or a sixth falling to the fifth over a bass with its major third (the 6–5 over a major chord: D, F♯, B →
    D, F♯, A is V in G with an appoggiatura, not iii6; over E, G, C the sixth is IV6's root and stays), or an
    augmented fourth falling to the third (the ♯4–3: A, F♯, C over C → A, E, C is iv6 in E minor, not iio6/4).
    A bare fourth (no sixth sounding) may hold while another voice moves and fall later within the beat, the
    bass's pitch class holding (A, D, E, then A, D, F♯, then A, C♯ with the bass down an octave: V with 4–3,
    not I6/4).  A seventh over a bass with its major third is a dominant seventh's own and stays (D, F♯, C:
    V7 in G).
    And the bass itself may be suspended: held over from the sonority ``before``, a second (ninth) below an
    upper voice, it falls by step while the upper voices hold (the 2–3: G under A, D, D → F♯ is V in G);
    a complete seventh chord over it is a chord (V4/2, its bass the seventh falling to I6's third)."""
    out = list(pitches)
    bass = pitches[Voice.BASS]
    if following is None or bass is None or step % per_beat or end - step > per_beat:
        return out
    if following.pitches[Voice.BASS] != bass:
        lower = following.pitches[Voice.BASS]
        uppers = (Voice.SOPRANO, Voice.ALTO, Voice.TENOR)
        if (lower is not None and 1 <= bass - lower <= 2 and before is not None
                and before.pitches[Voice.BASS] == bass
                and len({p % 12 for p in pitches if p is not None}) < 4
                and all(following.pitches[v] == pitches[v] for v in uppers)
                and any(pitches[v] is not None and (pitches[v] - bass) % 12 in (1, 2) for v in uppers)):
            out[Voice.BASS] = lower
        return out
    sounding = {p % 12 for p in pitches if p is not None}
    for v in (Voice.SOPRANO, Voice.ALTO, Voice.TENOR):
        p, q = pitches[v], following.pitches[v]
        if p is not None and q == p and (p - bass) % 12 == 5 and not sounding & {(bass + 8) % 12, (bass + 9) % 12}:
            # a bare fourth held while another voice moves resolves later in the beat, over the same bass
            for nxt in later:
                if nxt.step > step + per_beat or nxt.pitches[Voice.BASS] is None \
                        or nxt.pitches[Voice.BASS] % 12 != bass % 12:
                    break
                if nxt.pitches[v] != p:
                    q = nxt.pitches[v]
                    break
        if p is None or q is None or not 1 <= p - q <= 2:
            continue
        above = (p - bass) % 12
        if above == 10 and (bass + 4) % 12 in sounding:
            continue     # the seventh of a dominant seventh over its root passes on: V7, not what it falls to
        below = (q - bass) % 12
        if (above in _DISSONANT_ABOVE_BASS
                or (above in (8, 9) and below == 7 and (bass + 4) % 12 in sounding)   # a 6–5 over a major chord
                or (above == 6 and below in (3, 4))):                                  # a ♯4–3
            out[v] = q
    return out


def _six_four(pitches: list[int | None]) -> bool:
    """Whether the sonority is a six-four chord: a fourth and a sixth above the bass, no third (G, B♭ over D)."""
    bass = pitches[Voice.BASS]
    if bass is None:
        return False
    above = {(p - bass) % 12 for p in pitches if p is not None}
    return 5 in above and bool(above & {8, 9}) and not above & {3, 4}


def _root_to_seventh(before, pitches) -> tuple[int, int] | None:
    """(old pitch class, new pitch class) where one voice alone falls a step from one sonority to the next
    and the rest hold: the root of a chord passing down to its seventh (D, F♯, A, D → D, F♯, A, C is V,
    then V7 without its root, as the experts hear it: V6/5, not viio)."""
    moved = [(p, q) for p, q in zip(before, pitches) if p != q]
    if len(moved) != 1 or None in moved[0] or any(p is None for p in pitches):
        return None
    p, q = moved[0]
    return (p % 12, q % 12) if 1 <= p - q <= 2 else None


def _chords(score: Score) -> list[tuple[int, int, list[int | None], int, str]]:
    """(step, end, pitches, root, kind) for each sonority, the chord chosen by the Viterbi pass."""
    chain = [s for s in sonorities(score) if any(p is not None for p in s.pitches)]
    if not chain:
        return []
    ends = [s.step for s in chain[1:]] + [score.total_steps]
    per_beat = score.meter.steps_per_beat
    fits: list[dict[tuple[int, str], float]] = []
    states: list[list[tuple[int, str]]] = []
    for index, (s, end) in enumerate(zip(chain, ends)):
        weight = min(end - s.step, 2 * per_beat) / per_beat
        if s.step % per_beat == 0:
            weight *= 1.5     # what sounds on the beat names the chord more than what passes between
        pitches = list(s.pitches)
        resolved = _resolved(pitches, chain[index + 1] if index + 1 < len(chain) else None, s.step, end, per_beat,
                             chain[index - 1] if index else None, chain[index + 2:index + 6])
        if resolved == pitches:
            resolved = None
        elif _six_four(resolved):
            resolved = None      # a suspension resolves to a consonance, no six-four: E, G, B♭ over D is iiø4/2
        held = _root_to_seventh(chain[index - 1].pitches, pitches) if index else None

        def fitted(root: int, kind: str, pcs: frozenset[int]) -> float:
            value = _fit(pitches, pcs, root, kind, weight)
            if held is not None and held[0] == root and kind in SEVENTHS \
                    and (root + KINDS[kind][3]) % 12 == held[1]:
                value += _NO_ROOT * weight   # the root that fell to the seventh is still heard: V, then V7
            if resolved is not None:     # or as the chord of the suspension's resolution
                value = max(value, _fit(resolved, pcs, root, kind, weight) - _SUSPENSION)
            return value
        # Chords rooted on a sounding note (a chord without its root is named by what sounds), and the
        # chords still open from the sonority before, which may continue through this one.
        roots = {p % 12 for p in pitches if p is not None}
        if held is not None:
            roots.add(held[0])
        fit = {(root, kind): fitted(root, kind, pcs) for root in roots for kind, pcs in _TEMPLATES_BY_ROOT[root]}
        best = sorted(fit, key=fit.get, reverse=True)[:_KEEP]
        for c in states[-1] if states else ():
            if c not in fit:
                fit[c] = fitted(c[0], c[1], _PCS[c])
            if c not in best:
                best.append(c)
        fits.append(fit)
        states.append(best)
    # Viterbi: value and back-pointer per candidate chord.
    value = {c: fits[0][c] for c in states[0]}
    back: list[dict[tuple[int, str], tuple[int, str]]] = [{}]
    for i in range(1, len(chain)):
        change = _CHANGE[_position(score, chain[i].step)]
        if chain[i - 1].pitches == (None,) * 4:
            change = 0.0
        leader = max(value, key=value.get)
        now, ptr = {}, {}
        for c in states[i]:
            options = [(value.get(c, float("-inf")), c), (value[leader] - change, leader)]
            triad = _TRIAD_OF_SEVENTH.get(c[1])
            if triad is not None and (c[0], triad) in value:   # V, then its seventh passes in: V7
                options.append((value[(c[0], triad)] - _ADD_SEVENTH, (c[0], triad)))
            best, ptr[c] = max(options)
            now[c] = best + fits[i][c]
        value = now
        back.append(ptr)
    chosen = [max(value, key=value.get)]
    for i in range(len(chain) - 1, 0, -1):
        chosen.append(back[i][chosen[-1]])
    chosen.reverse()
    return [(s.step, end, list(s.pitches), root, kind) for s, end, (root, kind) in zip(chain, ends, chosen)]


@dataclass
class _Segment:
    step: int
    end: int
    root: int
    kind: str
    bass: int
    notes: dict[int, float]          # pitch class → weighted time it sounds
    soprano: int | None
    others: tuple[tuple[int, str], ...] = ()   # other chords the same tones make (``_readings``)


def _segments(score: Score) -> list[_Segment]:
    """Consecutive sonorities of one chord merged; a new segment where the bass moves to another chord
    tone on a beat."""
    out: list[_Segment] = []
    per_beat = score.meter.steps_per_beat
    for step, end, pitches, root, kind in _chords(score):
        pcs = frozenset((root + i) % 12 for i in KINDS[kind])
        bass_pitch = min((p for p in pitches if p is not None), default=None)
        bass = bass_pitch % 12 if bass_pitch is not None and bass_pitch % 12 in pcs else None
        last = out[-1] if out else None
        same = last is not None and (last.root, last.kind) == (root, kind) and last.end == step
        if same and bass is not None and bass != last.bass and step % per_beat == 0:
            same = False
        if not same:
            if bass is None:   # the bass decorates: name the chord by its lowest chord tone
                chord_tones = [p for p in pitches if p is not None and p % 12 in pcs]
                bass = min(chord_tones) % 12 if chord_tones else root
            last = _Segment(step, end, root, kind, bass, {}, pitches[Voice.SOPRANO])
            out.append(last)
        last.end = end
        for p in pitches:
            if p is not None:
                last.notes[p % 12] = last.notes.get(p % 12, 0.0) + (end - step) / per_beat
    for seg in out:
        seg.others = _readings(seg)
    return out


def _readings(seg: _Segment) -> tuple[tuple[int, str], ...]:
    """The other chords the segment's chord tones make where one of them lacks only its fifth: D, F, C is
    D minor or half-diminished seventh (iv7 in A minor, iiø7 in C); G, A♯, C♯ a diminished triad on G or
    A♯'s diminished seventh without its E (viio6/5 in B minor).  The key pass takes the one its key reads."""
    sounding = frozenset(pc for pc in _PCS[seg.root, seg.kind] if pc in seg.notes)
    out = []
    for root in sounding:
        for kind, pcs in _TEMPLATES_BY_ROOT[root]:
            if (root, kind) == (seg.root, seg.kind) or not sounding <= pcs:
                continue
            intervals = KINDS[kind]
            if pcs - sounding <= {(root + intervals[2]) % 12} and (root + intervals[1]) % 12 in sounding \
                    and seg.bass in pcs:
                out.append((root, kind))
    return tuple(out)


# ---- pass 2: keys ----------------------------------------------------------------------------------------
_MAJOR_DEGREES = {0: "I", 2: "II", 4: "III", 5: "IV", 7: "V", 9: "VI", 11: "VII"}
_MINOR_DEGREES = {0: "I", 2: "II", 3: "III", 5: "IV", 7: "V", 8: "VI", 10: "VII", 11: "VII"}
#: Diatonic chords, (offset of the root above the tonic, kind) → cost: how rarely the style uses them.
_DIATONIC = {
    "major": {(0, "M"): 0.0, (2, "m"): 0.0, (4, "m"): 0.6, (5, "M"): 0.0, (7, "M"): 0.0, (9, "m"): 0.2,
              (11, "o"): 0.2, (0, "M7"): 0.8, (2, "m7"): 0.0, (4, "m7"): 0.8, (5, "M7"): 0.5, (7, "7"): 0.0,
              (9, "m7"): 0.5, (11, "ø7"): 0.3},
    "minor": {(0, "m"): 0.0, (2, "o"): 0.2, (3, "M"): 1.0, (5, "m"): 0.0, (7, "M"): 0.0, (7, "m"): 1.0,
              (8, "M"): 0.3, (10, "M"): 1.2, (11, "o"): 0.2, (0, "m7"): 0.6, (2, "ø7"): 0.0, (3, "M7"): 0.9,
              (5, "m7"): 0.4, (7, "7"): 0.0, (8, "M7"): 0.6, (10, "7"): 2.0, (11, "o7"): 0.0, (3, "+"): 1.0,
              (5, "M"): 1.2, (7, "m7"): 1.0, (11, "ø7"): 0.5},
}
#: Chords a tonal piece borrows: the Neapolitan, mixture (iv, bVI, bVII in major), the Picardy tonic.
_BORROWED_CHORDS = {
    "major": {(1, "M"), (5, "m"), (8, "M"), (10, "M"), (3, "M"), (11, "o7"), (2, "ø7"), (5, "m7"), (0, "m")},
    "minor": {(1, "M"), (0, "M"), (9, "ø7"), (9, "o"), (2, "m"), (2, "m7"), (0, "7")},
}
_TONIC_REWARD = 1.2
_RESOLUTION = 1.0           # a dominant resolving to the tonic confirms the key
#: Applied chords lead to a diatonic consonant triad: (root offset above the target, kinds).
_APPLIED_KINDS = {"dominant": (7, ("M", "7")), "leading": (11, ("o", "o7", "ø7"))}


def _keys() -> list[Key]:
    major = [Key(0, "major").transposed(t) for t in range(12)]
    minor = [Key(0, "minor").transposed(t - 9) for t in range(12)]
    return major + minor


KEYS = _keys()


def _scale(key: Key) -> frozenset[int]:
    t = key.tonic
    steps = (0, 2, 4, 5, 7, 9, 11) if key.mode == "major" else (0, 2, 3, 5, 7, 8, 10, 9, 11)
    return frozenset((t + s) % 12 for s in steps)


_TARGETS = {"major": ((2, "m"), (4, "m"), (5, "M"), (7, "M"), (9, "m")),
            "minor": ((3, "M"), (5, "m"), (7, "M"), (8, "M"), (10, "M"))}


def _applied_target(key: Key, offset: int, kind: str) -> tuple[int, str] | None:
    """The diatonic triad (offset, kind) a chromatic dominant or leading-tone chord leads to, or None."""
    for above, kinds in _APPLIED_KINDS.values():
        if kind in kinds:
            for target, target_kind in _TARGETS[key.mode]:
                if (target + above) % 12 == offset:
                    return target, target_kind
    return None


def _root_in(key: Key, root: int, kind: str) -> int:
    """The root a diminished seventh chord has in ``key`` (any of its four notes may be it: the one
    that leads somewhere in the key); other chords keep theirs."""
    if kind != "o7":
        return root
    return min(((root + 3 * i) % 12 for i in range(4)), key=lambda r: _chord_cost(key, r, kind, rotate=False))


def _chord_cost(key: Key, root: int, kind: str, rotate: bool = True) -> float:
    if rotate:
        root = _root_in(key, root, kind)
    offset = (root - key.tonic) % 12
    if (offset, kind) in _DIATONIC[key.mode]:
        return _DIATONIC[key.mode][(offset, kind)] - (_TONIC_REWARD if offset == 0 else 0.0)
    if _applied_target(key, offset, kind) is not None:
        return _APPLIED
    if (offset, kind) in _BORROWED_CHORDS[key.mode]:
        return _BORROWED
    return _FOREIGN_CHORD


def _phrase_ends(score: Score, segments: list[_Segment]) -> set[int]:
    """Indexes of the segments that end a phrase: those sounding at a fermata, and the last."""
    ends = {len(segments) - 1} if segments else set()
    for step in score.fermatas:
        for i, seg in enumerate(segments):
            if seg.step <= step < seg.end:
                ends.add(i)
    return ends


def offset_of(seg: _Segment, key: Key) -> int:
    return (seg.root - key.tonic) % 12


def _leads_home(seg: _Segment, key: Key) -> bool:
    """Whether ``seg`` is the dominant or leading-tone chord of ``key``: V, V7, viio, viio7, viiø7."""
    offset = offset_of(seg, key)
    return (offset == 7 and seg.kind in ("M", "7")) or (offset == 11 and seg.kind in ("o", "o7", "ø7")) or (
        seg.kind == "o7" and offset in (2, 5, 8))


def _key_changes() -> list[list[float]]:
    """The cost of moving from each key (column) to each key (row): a change of key, and more for each step
    on the circle of fifths beyond the closely related keys (a modulation goes to a neighbour)."""
    def fifths_apart(a: Key, b: Key) -> int:
        d = abs(a.fifths - b.fifths) % 12
        return min(d, 12 - d)
    return [[0.0 if a == b else _KEY_CHANGE + _FAR_CHANGE * max(0, fifths_apart(KEYS[a], KEYS[b]) - 1)
             for a in range(len(KEYS))] for b in range(len(KEYS))]


_CHANGES = _key_changes()
_TONICS = [key.tonic for key in KEYS]


def _home_key(signature: Key, last: _Segment) -> Key:
    """The piece's own key: its signature's, or the minor key with one flat more (one sharp fewer) where the
    last bass note is that key's tonic — a modal melody in the Dorian signature, as Bach wrote BWV 40.8 in F
    minor with three flats."""
    if signature.fifths > -7:
        dorian = Key(signature.fifths - 1, "minor")
        if last.bass == dorian.tonic:
            return dorian
    return signature


def _choose_keys(score: Score, segments: list[_Segment]) -> list[Key]:
    if not segments:
        return []
    home = _home_key(score.key, segments[-1])
    phrase_ends = _phrase_ends(score, segments)
    scales = [_scale(k) for k in KEYS]
    read: list[dict[int, tuple[int, str]]] = [{} for _ in segments]

    def cost(i: int, k: int) -> float:
        key, seg = KEYS[k], segments[i]
        if seg.others:
            reading = read[i][k] = _read(seg, key)
            if reading != (seg.root, seg.kind):
                seg = replace(seg, root=reading[0], kind=reading[1])
                return _OTHER_READING + plain_cost(i, k, key, seg)
        return plain_cost(i, k, key, seg)

    def plain_cost(i: int, k: int, key: Key, seg: _Segment) -> float:
        offset = (seg.root - key.tonic) % 12
        if (i in phrase_ends and key.mode == "minor" and offset == 0 and seg.kind == "M" and i
                and offset_of(segments[i - 1], key) == 7 and segments[i - 1].kind in ("M", "7")):
            # the Picardy third: a minor key's authentic cadence, V(7)–I, may end on its major tonic and stay in
            # minor (a major chord reached otherwise, as in the Phrygian iv6–V or viiø7/V–V, is no tonic)
            c = -_TONIC_REWARD + _OUT_OF_SCALE * sum(w for pc, w in seg.notes.items()
                                                     if pc not in scales[k] and pc != (key.tonic + 4) % 12)
        else:
            # a chord's cost (or the tonic's reward) weighs by how long it sounds, from a beat (a passing chord
            # counts as one) up to half as much again for a chord of a beat and a half or more; a phrase's last
            # chord is long by its fermata's hold, not by the harmony's pace, and weighs as one beat
            c = _chord_cost(key, seg.root, seg.kind)
            if i not in phrase_ends:
                c *= min(_LONG_CHORD, max(1.0, (seg.end - seg.step) / score.meter.steps_per_beat))
            c += _OUT_OF_SCALE * sum(w for pc, w in seg.notes.items() if pc not in scales[k])
        if i in phrase_ends:
            c += (_CADENCE_TONIC if offset == 0 and seg.kind in ("M", "m") else
                  _CADENCE_DOMINANT if offset == 7 and seg.kind in ("M", "7") else _CADENCE_OTHER)
        if i and offset_of(seg, key) == 0 and seg.kind in ("M", "m") and _leads_home(segments[i - 1], key):
            c -= _RESOLUTION
        if (i == 0 or i == len(segments) - 1) and key.fifths != home.fifths:
            c += _HOME
        return c

    value = [cost(0, k) for k in range(len(KEYS))]
    back: list[list[int]] = []
    keys = range(len(KEYS))
    for i in range(1, len(segments)):
        ptr, now = [], []
        seg = segments[i]
        # leaving a key on a chord diatonic in it costs more: the experts change key after the pivot chord
        leaving = [value[j] + (_PIVOT if ((seg.root - KEYS[j].tonic) % 12, seg.kind) in _DIATONIC[KEYS[j].mode]
                               else 0.0) for j in keys]
        order = sorted(keys, key=value.__getitem__)
        # within a phrase a key comes in by its dominant, a tone foreign to the key left or the pivot, not on
        # its own tonic chord: of the experts' key changes within a phrase on 001–010, 2 in 27 land on the
        # new tonic (ours, before this cost: 7 in 31)
        on_tonic = i - 1 not in phrase_ends and seg.kind in ("M", "m")
        for k in keys:
            best, total, row = k, value[k], _CHANGES[k]      # staying wins a tie
            entry = _TONIC_ENTRY if on_tonic and seg.root == _TONICS[k] else 0.0
            for j in order:
                if value[j] + _KEY_CHANGE + entry >= total:    # no later key can come in cheaper
                    break
                if leaving[j] + row[j] + entry < total:
                    best, total = j, leaving[j] + row[j] + entry
            ptr.append(best)
            now.append(total + cost(i, k))
        value = now
        back.append(ptr)
    k = min(range(len(KEYS)), key=value.__getitem__)
    chosen = [k]
    for ptr in reversed(back):
        k = ptr[k]
        chosen.append(k)
    chosen.reverse()
    # a key whose tonic chord never sounds is no key (every key the experts name on 001–010 sounds it): its
    # stretch goes to the neighbouring key that reads it more cheaply, the one it leads into on a tie
    # (V6, V6/5 of E minor, then G major: V6/vi, V6/5/vi)
    i = 0
    while i < len(chosen):
        j = i
        while j + 1 < len(chosen) and chosen[j + 1] == chosen[i]:
            j += 1
        key = KEYS[chosen[i]]
        if not any(offset_of(segments[x], key) == 0 and segments[x].kind in ("M", "m") for x in range(i, j + 1)):
            options = [chosen[x] for x in (j + 1, i - 1) if 0 <= x < len(chosen)]
            if options:
                best = min(options, key=lambda k: sum(cost(x, k) for x in range(i, j + 1)))
                for x in range(i, j + 1):
                    chosen[x] = best
        i = j + 1
    _pivots_stay(segments, chosen, phrase_ends)
    for i, k in enumerate(chosen):          # each segment read as its chosen key reads it
        if k in read[i]:
            segments[i].root, segments[i].kind = read[i][k]
    return [KEYS[k] for k in chosen]


def _pivots_stay(segments: list[_Segment], chosen: list[int], phrase_ends: set[int]) -> None:
    """Within a phrase a new key begins on the chord before its first chord foreign to the key left (that
    chord itself where it comes right after a six-four, which only passes or prepares): the chords both keys
    share before it stay in the key left, as the experts place pivots (BWV 17.7 bar 20: vi, IV in D, then
    iio, V7 of B minor, not i, VI in B minor; BWV 40.8 bar 9: ii in A♭, then iiø6/5 of B♭ minor).  A change
    right after a phrase end, or one whose new key cadences before any foreign chord, is left as chosen."""
    i = 1
    while i < len(chosen):
        old, new = chosen[i - 1], chosen[i]
        if old != new and i - 1 not in phrase_ends:
            left = KEYS[old]
            j = i
            while j < len(chosen) and chosen[j] == new and j - 1 not in phrase_ends \
                    and (offset_of(segments[j], left), segments[j].kind) in _DIATONIC[left.mode]:
                j += 1
            if j < len(chosen) and chosen[j] == new and j - 1 not in phrase_ends:
                start = j - 1
                seg = segments[start]
                if start > i and seg.kind in ("M", "m") and seg.bass == (seg.root + KINDS[seg.kind][2]) % 12:
                    start -= 1      # a six-four before the foreign chord: the key turns on the chord before it
                for x in range(i, start):
                    chosen[x] = old
                i = max(i, start)
        i += 1


def _read(seg: _Segment, key: Key) -> tuple[int, str]:
    """The reading of the segment's tones that ``key`` finds most natural (its own chord first)."""
    own = (seg.root, seg.kind)
    best, best_cost = own, _chord_cost(key, seg.root, seg.kind)
    for root, kind in seg.others:
        c = _chord_cost(key, root, kind) + _OTHER_READING
        if c < best_cost:
            best, best_cost = (root, kind), c
    return best


# ---- pass 3: names ---------------------------------------------------------------------------------------
_TRIAD_FIGURES = ("", "6", "6/4")
_SEVENTH_FIGURES = ("7", "6/5", "4/3", "4/2")


def _numeral(key: Key, offset: int, kind: str) -> str:
    """The numeral (case, alteration, quality sign) of the chord ``offset`` above the tonic of ``key``.

    In minor, lower-case vi and vii stand on the raised sixth and seventh (music21's reading), so a
    minor or diminished chord on the natural ones is written bvi, bvii, a major one on the raised
    ones #VI, #VII."""
    upper = kind in _MAJOR_LIKE
    if key.mode == "major":
        text = _MAJOR_DEGREES.get(offset) or "b" + _MAJOR_DEGREES[(offset + 1) % 12]
    elif offset in (8, 9, 10, 11):
        natural = offset in (8, 10)
        text = ("VI" if offset in (8, 9) else "VII")
        text = ("" if natural else "#") + text if upper else ("b" if natural else "") + text
    else:
        text = _MINOR_DEGREES.get(offset) or {1: "bII", 4: "#III", 6: "#IV"}[offset]
    if not upper:
        text = text.lower()
    return text + {"o": "o", "o7": "o", "ø7": "ø", "+": "+"}.get(kind, "")


def figure(key: Key, root: int, kind: str, bass: int) -> str:
    """RomanText figure of a chord in ``key``: 'V6/5', 'viio7/V', 'iv6', 'bII6'."""
    intervals = sorted(KINDS[kind])
    inversion = intervals.index((bass - root) % 12) if (bass - root) % 12 in intervals else 0
    figures = _SEVENTH_FIGURES if kind in SEVENTHS else _TRIAD_FIGURES
    inv = figures[inversion]
    offset = (root - key.tonic) % 12
    if (offset, kind) not in _DIATONIC[key.mode] and (offset, kind) not in _BORROWED_CHORDS[key.mode]:
        target = _applied_target(key, offset, kind)
        if target is not None:
            target_offset, target_kind = target
            applied = "V" if kind in ("M", "7") else "vii" + ("ø" if kind == "ø7" else "o")
            return f"{applied}{inv}/{_numeral(key, target_offset, target_kind)}"
    return _numeral(key, offset, kind) + inv


def _cadence(key: Key, before: _Segment | None, end: _Segment) -> str:
    offset = (end.root - key.tonic) % 12
    if offset == 7 and end.kind in ("M", "7"):
        return "HC"
    if before is None:
        return ""
    previous = (before.root - key.tonic) % 12
    dominant = (previous == 7 and before.kind in ("M", "7")) or (previous == 11 and before.kind in ("o", "o7", "ø7"))
    if offset == 0 and end.kind in ("M", "m"):
        if dominant:
            root_position = end.bass == end.root and before.bass == before.root
            on_tonic = end.soprano is not None and end.soprano % 12 == key.tonic
            return "PAC" if root_position and on_tonic else "IAC"
        if previous == 5:
            return "PC"
        return ""
    if dominant and ((key.mode == "major" and offset == 9) or (key.mode == "minor" and offset == 8)):
        return "DC"
    return ""


def harmony(score: Score) -> HarmonyAnalysis:
    """The Roman-numeral analysis of ``score``: its chords, local keys and cadences."""
    segments = _segments(score)
    keys = _choose_keys(score, segments)
    phrase_ends = _phrase_ends(score, segments)
    chords = []
    for i, (seg, key) in enumerate(zip(segments, keys)):
        repeated = i - 1 in phrase_ends and (segments[i - 1].root, segments[i - 1].kind) == (seg.root, seg.kind)
        cadence = _cadence(key, segments[i - 1] if i else None, seg) if i in phrase_ends and not repeated else ""
        root = _root_in(key, seg.root, seg.kind)
        chords.append(Harmony(seg.step, seg.end, key, root, seg.kind, seg.bass,
                              figure(key, root, seg.kind, seg.bass), cadence))
    return HarmonyAnalysis(chords)


# ---- reading a figure back: a chord plan's chords ---------------------------------------------------------
class FigureError(ValueError):
    """A Roman numeral this program cannot read."""


_NUMERALS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7}
_MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
_MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)
_INVERSIONS = {"": 0, "6": 1, "6/4": 2, "64": 2, "7": 0, "6/5": 1, "65": 1, "4/3": 2, "43": 2, "4/2": 3, "42": 3,
               "2": 3}
_SEVENTH_FIGURES_READ = frozenset(("7", "6/5", "65", "4/3", "43", "4/2", "42", "2"))
_FIGURE = re.compile(r"^([b#]?)(VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)([o+ø]?)"
                     r"(6/4|6/5|4/3|4/2|64|65|43|42|7|6|2)?(?:/(.+))?$")


def _degree_root(key: Key, accidental: str, numeral: str, sign: str) -> int:
    degree = _NUMERALS[numeral.upper()]
    steps = _MAJOR_STEPS if key.mode == "major" else _MINOR_STEPS
    offset = steps[degree - 1]
    if key.mode == "minor" and numeral.islower() and degree in (6, 7):
        offset += 1        # minor's vi and vii(o) stand on the raised sixth and seventh
    offset += {"b": -1, "#": 1}.get(accidental, 0)
    return (key.tonic + offset) % 12


def parse_figure(key: Key, figure: str) -> tuple[int, str, int]:
    """A RomanText figure in ``key`` → (root pitch class, kind, bass pitch class): 'V6/5' in C → (7, '7', 11).

    Reads what ``figure`` writes: numerals with case for quality, o / ø / + signs, b / # before the
    numeral, inversions (6, 6/4, 7, 6/5, 4/3, 4/2) and applied chords ('viio7/V').  Raises FigureError
    for anything else (augmented sixths, 'Cad64', 'N6')."""
    m = _FIGURE.match(figure.strip())
    if m is None:
        raise FigureError(f"{figure!r} is not a Roman numeral this program reads (e.g. I, V6, ii6/5, V7/V)")
    accidental, numeral, sign, inversion, target = m.groups()
    inversion = inversion or ""
    local = key
    if target:
        t = _FIGURE.match(target)
        if t is None or t.group(4) or t.group(5):
            raise FigureError(f"{figure!r}: the chord after '/' must be a plain numeral, e.g. V or ii")
        t_root = _degree_root(key, t.group(1), t.group(2), t.group(3))
        mode = "major" if t.group(2).isupper() else "minor"
        local = Key(0, mode).transposed((t_root - (0 if mode == "major" else 9)) % 12)
    root = _degree_root(local, accidental, numeral, sign)
    seventh = inversion in _SEVENTH_FIGURES_READ
    if sign == "o":
        kind = "o7" if seventh else "o"
    elif sign == "ø":
        kind = "ø7"
    elif sign == "+":
        kind = "+"
    elif numeral.isupper():
        if seventh:
            scale = _scale(local)
            kind = "7" if (root + 10) % 12 in scale or (root + 11) % 12 not in scale else "M7"
        else:
            kind = "M"
    else:
        kind = "m7" if seventh else "m"
    intervals = sorted(KINDS[kind])
    index = _INVERSIONS[inversion]
    if index >= len(intervals):
        raise FigureError(f"{figure!r}: a triad has no third inversion")
    return root, kind, (root + intervals[index]) % 12


@dataclass(frozen=True)
class PlannedChord:
    """A chord of the composer's plan (``Score.plan``): from ``at`` until the next planned chord (or, where
    the plan stops, the end of its bar), its pitch classes, bass and the tones that must sound (all, but
    a seventh chord may leave out its fifth)."""

    at: int
    until: int
    figure: str
    key: Key
    pcs: frozenset[int]
    bass: int
    required: frozenset[int]


def planned_chords(score: Score) -> list[PlannedChord]:
    """The score's chord plan read: every planned chord with its span.  FigureError names bar and beat."""
    out = []
    steps = sorted(score.plan)
    spb = score.steps_per_bar
    for i, step in enumerate(steps):
        key, text = score.plan[step]
        try:
            root, kind, bass = parse_figure(key, text)
        except FigureError as exc:
            raise FigureError(f"{where(score, step)}: {exc}") from None
        bar_end = (step // spb + 1) * spb
        following = steps[i + 1] if i + 1 < len(steps) else None
        until = following if following is not None and following < bar_end + spb else bar_end
        intervals = KINDS[kind]
        pcs = frozenset((root + k) % 12 for k in intervals)
        required = pcs - ({(root + 7) % 12} if kind in SEVENTHS and intervals[2] == 7 else set())
        out.append(PlannedChord(step, min(until, score.total_steps), text, key, pcs, bass, required))
    return out


def where(score: Score, step: int) -> str:
    """'bar 3, beat 2.5': a step as the composer counts (bars from 1 as the roll numbers them)."""
    bar = score.bar_of(step)
    beat = 1 + (step - bar * score.steps_per_bar) / score.meter.steps_per_beat
    return f"bar {bar + 1}, beat {format(beat, 'g')}"
