"""The constrained decoding loop: N candidates in one batch, one word each per step.

At every step each row either takes a forced word (a locked or kept bar in prefix forcing, or
the only word the grammar allows) or draws one from the model's distribution restricted to what
the grammar automaton allows and, in strict mode, to what the voice-leading rules allow.  The
masks are cached per grammar state as tensors, the prompt is encoded once and the key/value
cache is reused, so a step costs one small forward pass plus a few tensor operations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..score import Note, Voice
from ..tokens import grammar as G
from ..tokens import vocab as V
from .cadence import Cadence, PhraseEnd, Phrasing
from .model import ChoraleModel, PromptMemory
from .requests import GenerationCancelled, GenerationError, Progress, Sampling
from .rules import VoiceLeading

ProgressCallback = Callable[[Progress], None]
Cancelled = Callable[[], bool]

_ON, _OFF, _TD = 1, 2, 3
PROGRESS_EVERY = 8  # steps between progress reports
#: Logit penalties on a beat for a pitch that leaves the chord incomplete, and for a unison
#: (``VoiceLeading.chord_bias``); chosen with benchmarks/quality.py.  With a unison at 1.0, strict voice
#: leading left fills 2.5 points more unisons than with it off (7.0 % against 4.5 %); at 1.5, 0.8–1.95
#: points in every mode, with chord distances lower too.
CHORD_PENALTY = 3.0
UNISON_PENALTY = 1.5
#: Logit penalty on any note start that breaks a melodic rule of the style (``VoiceLeading.melodic_faults``):
#: a tritone leap, a seventh, a cross relation … becomes about twenty times less likely.
MELODIC_PENALTY = 3.0
#: Logit bonus for holding a prepared note over a beat into a dissonance that can fall by step (a suspension),
#: and for the step down that resolves it.  The model alone held a dissonance over a beat almost never (0 in
#: 100 beats against the corpus's 2–4); at 1.5 harmonizations had 1.1–1.9 in 100 beats against the test split's
#: 3.1 (fermata chords, cross relations and tritones now come from their own rules), at 2.0 2.4–2.5.
SUSPENSION_BONUS = 2.0
#: The same for one voice, where it differs: at 2.0 the tenor suspended 1.0–2.1 times in 100 beats in fills and
#: harmonizations, against 0.70 in the JS Fakes and 0.78 in Bach's chorales (the alto: 1.0–2.7, against 1.88 and 2.70).
#: At 1.0 it came to the corpus's rate there (0.2–1.25), but new pieces fell to half the corpus's suspensions in all
#: voices (1.35 in 100 beats against 2.65); 1.5 is between.
SUSPENSION_BONUS_BY_VOICE: dict[Voice, float] = {Voice.TENOR: 1.5}
#: Logit penalty for holding a note over a beat where the chord, with it, can no longer be complete
#: (``VoiceLeading.held_chord_costs``; a suspension is exempt).
HELD_CHORD_PENALTY = 2.0
#: Temperature of the choices of how long a note lasts (or a rest), whatever the request's temperature: the
#: request's 0.8 keeps the chords close to the corpus, but sharpened the rhythm too (eighth-note steps ~2/3 of the
#: corpus's rate in fills).  ``None``: the request's temperature.
RHYTHM_TEMPERATURE: float | None = 1.0
#: The same per style, where it differs: Bach's own chorales move in fewer short notes than the JS Fakes (29 eighth-note
#: steps per 100 notes against 33); at 1.0 harmonizations of his melodies had 38 against his 32.5 in the same voices,
#: at 0.9 33.0 — and new pieces in his style 27 (31.6 at 1.0), 19 % under the JS Fakes they are compared with; 0.95
#: left the two 35.5–35.8 and 28.3–29.4 (benchmarks/quality.py), 0.96 split the margins.  With the phrase-end and
#: melodic rules since, 0.96 gave 33.1–34.0 and 28.0–28.2 (under the line of 28.4), 1.0 35.4–36.7 (the line: 37.4)
#: and 29.7–31.4, and 0.98 splits the margins again.  (New Bach-style pieces' bass leapt octaves out of eighths 3
#: times the corpus's rate at 1.0: ``rules.OCTAVE_FROM_EIGHTH``.)
RHYTHM_TEMPERATURE_BY_STYLE: dict[str, float] = {"BACH": 0.98}
#: Read the words the grammar decides (NOTE_OFF, BAR_END, TRACK_START …) in the pass of the drawn word
#: before them rather than one pass each (the same music; a switch for the tests that show it).
CHAIN = True


@dataclass
class Row:
    """One candidate being written in one window."""

    prompt: list[str]
    state: G.GrammarState                               # the grammar after the prompt
    guard: VoiceLeading                                 # what every voice sings, as far as it is known
    forced_bars: dict[tuple[Voice, int], list[str]] = field(default_factory=dict)  # window bar → its words
    strict: bool = False                                # ban crossings and parallels
    cadence: Phrasing | None = None                     # the phrase ends (and final cadence) it writes
    words: list[str] = field(default_factory=list)     # written after the prompt
    notes: list[tuple[Voice, Note]] = field(default_factory=list)  # sampled notes, window steps
    relaxed: int = 0
    log_likelihood: float = 0.0                         # of the drawn words, by the model alone (temperature 1)
    drawn: int = 0
    _queue: list[str] = field(default_factory=list)
    _open: tuple[int, int] | None = None                # (pitch, start step) of a sampled note
    _open_relaxed: bool = False


class _Masks:
    """Additive masks (0 where allowed, -inf elsewhere) per grammar state, kept on the model."""

    #: Masks kept before the cache starts afresh (a long session sees many window configurations).
    LIMIT = 20_000

    def __init__(self, model: ChoraleModel):
        self.model = model
        self.cache: dict[tuple, object] = {}

    def get(self, state: G.GrammarState):
        import torch

        k = (state.config, state.key())
        mask = self.cache.get(k)
        if mask is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            mask = torch.full((len(self.model.id_to_word),), float("-inf"))
            mask[self.model.ids(sorted(state.allowed()))] = 0.0
            self.cache[k] = mask
        return mask


def _word_kinds(model: ChoraleModel) -> dict[str, tuple[int, int]]:
    kinds: dict[str, tuple[int, int]] = {}
    for w in model.words:
        if w.startswith("NOTE_ON="):
            kinds[w] = (_ON, V.word_value(w))
        elif w.startswith("NOTE_OFF="):
            kinds[w] = (_OFF, V.word_value(w))
        elif w.startswith("TIME_DELTA="):
            kinds[w] = (_TD, V.word_value(w))
    return kinds


def sample(model: ChoraleModel, rows: list[Row], settings: Sampling, generator, *, expected: int,
           progress: ProgressCallback | None = None, cancelled: Cancelled | None = None,
           on_notes: Callable[[list[tuple[Voice, Note]]], tuple] | None = None,
           memory: PromptMemory | None = None) -> int:
    """Write every row to the end of its piece; returns the number of decoding steps.

    ``on_notes`` turns the first row's window notes into the notes a progress report shows; ``memory``: the
    prompts read before in this request (``model.PromptMemory``).
    """
    import torch

    if "_masks" not in model.__dict__:   # built once per model, not per call
        model.__dict__["_masks"] = _Masks(model)
        model.__dict__["_kinds"] = _word_kinds(model)
    masks, kinds = model.__dict__["_masks"], model.__dict__["_kinds"]
    ids_of = model.word_to_id
    words_of = model.id_to_word
    decoder = model.decoder([model.ids(r.prompt) for r in rows], capacity=model.capabilities.context)
    logits = decoder.prefill(cancelled=cancelled, memory=memory)
    if logits is None:
        raise GenerationCancelled()
    inv_temp = 1.0 / float(settings.temperature)
    rhythm = RHYTHM_TEMPERATURE_BY_STYLE.get(settings.style.upper(), RHYTHM_TEMPERATURE)
    inv_rhythm = inv_temp if rhythm is None else 1.0 / rhythm
    pad = model.pad_id
    steps = 0
    while True:
        if cancelled is not None and cancelled():
            raise GenerationCancelled()
        for row in rows:
            _queue_forced_bar(row)
        active = [row for row in rows if not row.state.done]
        run = min((len(row._queue) for row in active), default=0)
        if run >= 2:   # every row is inside a kept bar: read its words in one pass
            if decoder.room < run:
                raise GenerationError("the music is too dense for the model's context; select fewer bars")
            block = [[pad] * run for _ in rows]   # (built as lists: one tensor at the end, not one write a word)
            for r, row in enumerate(rows):
                if row.state.done:
                    continue
                for k in range(run):
                    w = row._queue.pop()
                    row.state.force(w)
                    row.words.append(w)
                    block[r][k] = ids_of[w]
            logits = decoder.extend(torch.tensor(block))
            steps += run
            continue
        chosen: list[str | None] = [None] * len(rows)
        kept = [False] * len(rows)      # the word is the composer's, from a forced bar
        draw: list[int] = []
        draw_masks = []
        draw_temps: list[float] = []
        bans: list[tuple[int, list[int]]] = []
        boosts: list[tuple[int, list[int], list[float]]] = []
        for r, row in enumerate(rows):
            st = row.state
            if st.done:
                continue
            if row._queue:
                chosen[r], kept[r] = row._queue.pop(), True
                continue
            allowed = st.allowed()
            banned = _bans(row, allowed, kinds) if st.phase == G.BAR else ()
            if len(allowed) == 1:   # (a lone word that breaks a rule has just been relaxed and counted)
                chosen[r] = next(iter(allowed))
                continue
            if banned:
                bans.append((len(draw), [ids_of[w] for w in banned]))
            if st.phase == G.BAR:
                bias = (_chord_bias(row, allowed, banned, kinds) if st.open_pitch is None
                        else _length_bias(row, allowed, banned, kinds))
                if bias:
                    boosts.append((len(draw), [ids_of[w] for w in bias], list(bias.values())))
            draw.append(r)
            draw_masks.append(masks.get(st))
            draw_temps.append(inv_rhythm if st.phase == G.BAR and st.open_pitch is not None else inv_temp)
        if draw:
            # (A step is a handful of small tensor operations per row: every one left out counts.  The rows that
            # draw are all of them, in order, unless some are done or in a kept bar; one mask is broadcast.)
            drawn = logits if len(draw) == len(rows) else logits[draw]
            x = drawn * torch.tensor([[t] for t in draw_temps]) + (
                draw_masks[0] if len(draw_masks) == 1 else torch.stack(draw_masks))
            for j, banned_ids in bans:
                x[j].index_fill_(0, torch.tensor(banned_ids), float("-inf"))
            for j, ids, values in boosts:   # (each word once: a bias is a dict by word)
                x[j].index_add_(0, torch.tensor(ids), torch.tensor(values))
            x = _truncate(x, settings.top_k, settings.top_p)
            picks = torch.multinomial(torch.softmax(x, dim=-1), 1, generator=generator).view(-1)
            own = torch.log_softmax(drawn, dim=-1).gather(1, picks.unsqueeze(1)).view(-1).tolist()
            for r, i, lp in zip(draw, picks.tolist(), own):
                chosen[r] = words_of[i]
                rows[r].log_likelihood += lp
                rows[r].drawn += 1
        if all(w is None for w in chosen):
            break
        next_ids = [pad] * len(rows)
        for r, (row, w) in enumerate(zip(rows, chosen)):
            if w is None:
                continue
            if kept[r]:
                row.state.force(w)   # the composer's music may leave the voice's range
            else:
                _observe(row, w, kinds)
                row.state.advance(w)
            row.words.append(w)
            next_ids[r] = ids_of[w]
        steps += 1
        if progress is not None and steps % PROGRESS_EVERY == 0:
            notes = on_notes(rows[0].notes) if on_notes else ()
            progress(Progress(words=steps, expected=max(expected, steps + 1), notes=notes))
        if all(row.state.done for row in rows):
            break
        if decoder.room <= 0:
            raise GenerationError("the music is too dense for the model's context; select fewer bars")
        run = min((_determined(row) for row in rows if not row.state.done), default=0) if CHAIN else 0
        run = min(run, decoder.room - 1)
        if run:   # words the grammar leaves no choice about go with the drawn one in a single pass
            block = [[i] + ([pad] * run if row.state.done
                            else [ids_of[_take_determined(row, kinds)] for _ in range(run)])
                     for i, row in zip(next_ids, rows)]
            steps += run
            logits = decoder.extend(torch.tensor(block))
        else:
            logits = decoder.step(torch.tensor(next_ids))
    return steps


def _determined(row: Row) -> int:
    """How many words from here the grammar decides alone (before the next choice or kept bar)."""
    if row._queue:
        return 0   # inside a kept bar: its words come from the queue
    st = row.state.copy()
    n = 0
    while not st.done:
        if _kept_bar(row, st):
            break   # a kept bar comes next: it is read in one pass of its own
        allowed = st.allowed()
        if len(allowed) != 1:
            break
        st.advance(next(iter(allowed)))
        n += 1
    return n


def _take_determined(row: Row, kinds) -> str:
    """Take the one word the grammar allows, with the bookkeeping a drawn word gets."""
    st = row.state
    allowed = st.allowed()
    if st.phase == G.BAR:
        _bans(row, allowed, kinds)   # keeps the rules' picture of the open note as a step would
    (w,) = allowed
    _observe(row, w, kinds)
    st.advance(w)
    row.words.append(w)
    return w


def _of_kind(words, kinds, kind: int) -> dict[int, str]:
    """The words of one kind (_ON, _OFF or _TD) among ``words``, by their value (pitch or steps)."""
    return {kinds[w][1]: w for w in words if kinds.get(w, (0,))[0] == kind}


def _kept_bar(row: Row, st: G.GrammarState) -> list[str]:
    """The words of the bar that must stay and starts at ``st`` (empty: none starts there)."""
    if st.phase == G.BAR_OR_TRACK_END and st.bars_done != st.track_bars:
        return row.forced_bars.get((st.tracks[-1], st.bars_done), [])
    return []


def _queue_forced_bar(row: Row) -> None:
    """At the start of a bar that must stay, queue its words (last word first)."""
    if not row._queue:
        row._queue = list(reversed(_kept_bar(row, row.state)))


def _bans(row: Row, allowed: frozenset[str], kinds) -> list[str]:
    """Near the piece's final cadence: its bans, then the strict rules' among what they leave (they give way to
    it).  Elsewhere the strict rules first, and a phrase end's bans among what they leave (it gives way: a
    fermata chord in another position is better than parallel fifths into it)."""
    if row.cadence is not None and row.cadence.final_near(row.state.step):
        # The final chord with its fifth where the strict rules leave a way to it, else root and third.
        for fifth in ((True, False) if row.state.open_pitch is None else (False,)):
            cadence = _cadence_bans(row, allowed, kinds, fifth, ahead=False)
            rest = allowed.difference(cadence) if cadence else allowed
            strict = _strict_bans(row, rest, kinds) if row.strict else []
            if fifth and row.strict and row._open_relaxed:
                continue   # every pitch that brings the fifth breaks a rule (the rules gave way): leave it out
            out = [*cadence, *strict] if len(strict) < len(rest) else cadence
            # The look-ahead into the cadence's dominant beat: after the strict rules, which come first here.
            out += _stuck(row, _of_kind(allowed.difference(out), kinds, _ON))
            return [*out, *_wide_leaps(row, allowed.difference(out), kinds)]
        return cadence
    strict = _strict_bans(row, allowed, kinds) if row.strict else []
    if len(strict) >= len(allowed):
        strict = []
    out = strict
    if row.cadence is not None:
        out = [*strict, *_cadence_bans(row, allowed.difference(strict) if strict else allowed, kinds)]
    return [*out, *_wide_leaps(row, allowed.difference(out), kinds)]


def _wide_leaps(row: Row, allowed: frozenset[str], kinds) -> list[str]:
    """In strict mode, the pitches a leap of a seventh or beyond the octave, or (in minor) the augmented second 6̂–♯7̂,
    would reach, among ``allowed`` (what every other rule leaves), where others remain.  The melodic penalty alone
    let the model take such a leap where it wanted one (7 of the 36 wide leaps of 30 new Bach-style pieces; 5
    augmented seconds in 30 harmonized Bach melodies, where Bach writes none); the octave, the bass's idiom, stays.
    Last of the rules: it never makes another give way."""
    st = row.state
    if not row.strict or st.open_pitch is not None:
        return []
    before = _sounding(row, st.voice, st.step - 1)
    if before is None or before < 0:
        return []
    pitches = _of_kind(allowed, kinds, _ON)
    # The melodic rules' bad intervals but the tritone (a weighed fault: Bach leaps one now and then).
    wide = [w for p, w in pitches.items() if abs(p - before) != 6 and row.guard.bad_interval(before, p)]
    return wide if wide and len(wide) < len(pitches) else []


def _cadence_bans(row: Row, allowed: frozenset[str], kinds, fifth: bool = False, ahead: bool = True) -> list[str]:
    """Words that would break the cadence (``cadence.py``; ``fifth``: the final chord complete); empty when they
    would leave no choice.  ``ahead``: with the pitches from which the voice cannot reach the next phrase end
    (``_stuck``)."""
    st, cadence = row.state, row.cadence
    voice, step = st.voice, st.step
    by_kind = {k: _of_kind(allowed, kinds, k) for k in (_ON, _OFF, _TD)}
    if st.open_pitch is None:
        pitches, rests = by_kind[_ON], by_kind[_TD]
        sounding = {v: _sounding(row, v, step) for v in Voice}
        # The note before: for the 2̂→5̂ / 5̂→1̂ rule into the final chord (a voice-leading rule: strict only), and
        # for the melody's step into its last note (the tune's own shape: always).
        before = _sounding(row, voice, step - 1) if row.strict or voice == Voice.SOPRANO else None
        keep = (cadence.pitches(voice, step, pitches, sounding, fifth, before if before is not None and before >= 0
                                else None) if pitches else None)
        out = [] if not keep else [w for p, w in pitches.items() if p not in keep]
        if keep is None and pitches and ahead:
            out += _stuck(row, pitches)
        if pitches:
            out += [rests[d] for d in cadence.banned_rests(step, rests)]
            if rests and cadence.silent(step):
                out = list(pitches.values())   # the melody has ended: so does every voice
    else:
        start = row._open[1] if row._open is not None else step
        out = [by_kind[_TD][d] for d in cadence.banned_lengths(
            voice, step, st.open_pitch, by_kind[_TD], start, lambda at: {v: _sounding(row, v, at) for v in Voice})]
        end = _next_phrase_end(row, step)
        if end is not None and end.at - step in by_kind[_TD] and by_kind[_TD][end.at - step] not in out \
                and len(out) < len(by_kind[_TD]) - 1 and not _reaches(row, voice, st.open_pitch, end):
            out.append(by_kind[_TD][end.at - step])   # end earlier: a note between finds the way in
        if not cadence.may_end(step):
            out += by_kind[_OFF].values()
    return out if len(out) < len(allowed) else []


def _stuck(row: Row, pitches: dict[int, str]) -> list[str]:
    """The words of the ``pitches`` (pitch → word) from which the voice cannot reach the next phrase end's chord, or
    the final cadence's dominant beat, within a beat (``_reaches``); none where that would leave none."""
    st = row.state
    if st.open_pitch is not None or row.cadence is None:
        return []
    end = _next_phrase_end(row, st.step, dominant=True) if pitches else None
    if end is None:
        return []
    stuck = [w for p, w in pitches.items() if not _reaches(row, st.voice, p, end)]
    return stuck if len(stuck) < len(pitches) else []


@dataclass(frozen=True)
class _DominantBeat:
    """The final cadence's dominant beat as a place a voice must reach (for ``_reaches``): 2̂ or 7̂ in the melody,
    the dominant in the bass, a tone of V(7) in the others."""

    cadence: Cadence

    @property
    def at(self) -> int:
        return self.cadence.dominant_beat

    def pitches(self, voice: Voice, step: int, candidates, sounding):
        return self.cadence.pitches(voice, step, candidates, sounding)


def _next_phrase_end(row: Row, step: int, dominant: bool = False) -> PhraseEnd | _DominantBeat | None:
    """The phrase end within a beat after ``step``: a note started this near it usually runs into it (``dominant``:
    or the final cadence's dominant beat)."""
    for end in row.cadence.ends:
        if isinstance(end, PhraseEnd) and step < end.at <= step + row.guard.beat:
            return end
        if dominant and isinstance(end, Cadence) and step < end.dominant_beat <= step + row.guard.beat:
            return _DominantBeat(end)
    return None


def _reaches(row: Row, voice: Voice, pitch: int, end: PhraseEnd) -> bool:
    """Can ``voice`` go from ``pitch`` into ``end``'s chord (hold it, or move within an octave to a note of it)
    without crossing, parallels or a leap the style avoids, given the voices already written there?  (The
    phrase end gives way to the strict rules when it cannot; looking one note ahead keeps both.)"""
    sounding = {v: _sounding(row, v, end.at) for v in Voice}
    lo, hi = row.state.config.pitch_bounds(voice)
    # (Within the voice's range: a B2 a sixth below a tenor's A♭3 is no way into the chord when the tenor stops at C3.)
    targets = end.pitches(voice, end.at, range(max(lo, pitch - 12), min(hi, pitch + 12) + 1), sounding)
    if targets is None or pitch in targets:
        return True
    banned = row.guard.banned_pitches(voice, end.at, targets, before=pitch) if row.strict else set()
    return any(q not in banned and not row.guard.bad_interval(pitch, q) for q in targets)


def _sounding(row: Row, voice: Voice, step: int) -> int | None:
    """What ``voice`` sings at window ``step`` as far as the row knows (None: not written yet; -1: rest)."""
    return row.guard.lines[voice][step + 1]


def _strict_bans(row: Row, allowed: frozenset[str], kinds) -> list[str]:
    """Words the voice-leading rules forbid here; empty when they would leave no choice (then relaxed)."""
    st = row.state
    voice, step = st.voice, st.step
    if st.open_pitch is None:
        pitches = _of_kind(allowed, kinds, _ON)
        if not pitches:
            return []
        banned = row.guard.banned_pitches(voice, step, pitches)
        if len(banned) == len(pitches):
            row._open_relaxed = True   # no pitch satisfies the rules: the next note is free
            return []
        row._open_relaxed = False
        return [pitches[p] for p in banned]
    if row._open_relaxed:
        return []
    lengths = _of_kind(allowed, kinds, _TD)
    banned = row.guard.banned_lengths(voice, step, st.open_pitch, lengths)
    if len(banned) == len(lengths) and not st.open_timed:
        row._open_relaxed = True
        row.relaxed += 1
        return []
    return [lengths[d] for d in banned]


def _chord_bias(row: Row, allowed: frozenset[str], banned, kinds) -> dict[str, float]:
    """Logit penalties for the pitches a beat's chord would not want (see ``VoiceLeading.chord_bias``), a phrase end's
    weights for Bach's proportions of its chords (``PhraseEnd.bias``), a bonus for
    the step down that resolves a suspension (``VoiceLeading.resolutions``) and, in strict mode, penalties for
    the pitches that break a melodic rule (``VoiceLeading.melodic_faults``)."""
    st = row.state
    pitches = _of_kind(allowed.difference(banned), kinds, _ON)
    if not pitches:
        return {}
    bias = row.guard.chord_bias(st.voice, st.step, pitches, CHORD_PENALTY, UNISON_PENALTY)
    if row.cadence is not None:   # a phrase end's chord in Bach's proportions
        for p, b in row.cadence.bias(st.voice, st.step, pitches,
                                     lambda at: {v: _sounding(row, v, at) for v in Voice}).items():
            bias[p] = bias.get(p, 0.0) + b
    bonus = SUSPENSION_BONUS_BY_VOICE.get(st.voice, SUSPENSION_BONUS)
    if bonus:
        for p in row.guard.resolutions(st.voice, st.step, pitches):
            bias[p] = bias.get(p, 0.0) + bonus
    if row.strict and MELODIC_PENALTY:
        for p, weight in row.guard.melodic_weights(st.voice, st.step, pitches).items():
            bias[p] = bias.get(p, 0.0) - MELODIC_PENALTY * weight
    return {pitches[p]: b for p, b in bias.items()}


def _length_bias(row: Row, allowed: frozenset[str], banned, kinds) -> dict[str, float]:
    """Logit bonuses for the lengths that make the open note a suspension (``VoiceLeading.suspension_lengths``),
    and in strict mode penalties for those that would meet a fixed next note by a leap the style avoids."""
    if row._open is None:
        return {}
    st = row.state
    lengths = _of_kind(allowed.difference(banned), kinds, _TD)
    pitch, start = row._open
    bias: dict[int, float] = {}
    bonus = SUSPENSION_BONUS_BY_VOICE.get(st.voice, SUSPENSION_BONUS)
    suspended = row.guard.suspension_lengths(st.voice, st.step, pitch, start, lengths) if bonus else set()
    for d in suspended:
        bias[d] = bonus
    if HELD_CHORD_PENALTY:
        for d, cost in row.guard.held_chord_costs(st.voice, st.step, pitch, start, lengths).items():
            if d not in suspended:
                bias[d] = bias.get(d, 0.0) - HELD_CHORD_PENALTY * cost
    if row.strict and MELODIC_PENALTY:
        for d in row.guard.melodic_length_faults(st.voice, st.step, pitch, lengths):
            bias[d] = bias.get(d, 0.0) - MELODIC_PENALTY
    return {lengths[d]: b for d, b in bias.items()}


def _observe(row: Row, word: str, kinds) -> None:
    """Keep the row's voice-leading picture and its notes up to date before a sampled ``word`` is taken."""
    st = row.state
    if st.phase != G.BAR:
        return
    kind, value = kinds.get(word, (0, 0))
    if kind == _ON:
        row._open = (value, st.step)
        if row._open_relaxed:
            row.relaxed += 1
    elif kind == _TD:
        row.guard.record(st.voice, st.step, value, row._open[0] if row._open else None)
    elif kind == _OFF and row._open is not None:
        pitch, start = row._open
        row.notes.append((st.voice, Note(start=start, length=st.step - start, pitch=pitch)))
        row._open, row._open_relaxed = None, False


def _truncate(x, top_k: int, top_p: float):
    """Keep the top-k words and the smallest set whose probability reaches top-p."""
    import torch

    if top_k and top_k < x.shape[-1]:
        kth = torch.topk(x, top_k, dim=-1).values[:, -1:]
        x = x.masked_fill(x < kth, float("-inf"))
    if top_p < 1.0:
        sorted_x, order = torch.sort(x, dim=-1, descending=True)
        probs = torch.softmax(sorted_x, dim=-1)
        drop = probs.cumsum(-1) - probs > top_p   # the most likely word always stays
        x = x.scatter(-1, order, sorted_x.masked_fill(drop, float("-inf")))
    return x
