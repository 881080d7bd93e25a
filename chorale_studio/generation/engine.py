"""Answering a request: cut it into windows, sample every candidate under the grammar, splice, revise, rank.

Every request is answered by *prefix writing*: a 4-bar window whose voices that stay come first, as
whole tracks, and whose voices to write come last; bars of a written voice that must stay (locked,
or outside the target) are forced word by word.  The model hears everything before a target in the
text: all of the fixed voices, and its own voice's earlier bars.  (Models with MMM fill words could
instead write FILL sections after placeholders; measured with benchmarks/quality.py, those fills
sang in unison 35–53 % of the time and made complete chords on a fifth of the beats, because a
fill section does not say which voice it belongs to.  The fill words stay in the vocabulary for
compatibility; the engine no longer asks for them.)

Then, unless the request is *quick*, one **revision pass** rewrites each written voice once more,
placed last with the three others fixed around it (as DeepBach and Coconet do), up to 4 bars at a
time: the voices written first in the draft never heard the ones written after them.

While sampling, a beat's pitch that would leave the chord incomplete or double another voice in
unison is made less likely (``VoiceLeading.chord_bias``), and in strict mode crossings and
parallel or contrary fifths/octaves against a fixed voice are masked (``rules.py``).

A new piece starts with a freely written 4-bar window; later bars, like a continuation, are
filled window by window with the bars before them as context.  Voices are drafted outer voices
first (soprano, bass, alto, tenor).  The request's score is never changed; every candidate is a
new Score.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from ..analysis import judge
from ..score import Cell, Score, Voice
from ..tokens import grammar as G
from ..tokens import vocab as V
from ..tokens.decode import decode_words
from ..tokens.encode import Header, bar_words
from . import plan as chord_plan
from .cadence import Cadence, PhraseEnd
from .model import ChoraleModel, PromptMemory
from .requests import (Candidate, GenerationError, GenerationResult, NewRequest, Progress, Request)
from .rules import VoiceLeading
from .sampler import Cancelled, ProgressCallback, Row, sample

#: The order voices are written in: outer voices first, as composers often work.
WRITING_ORDER: tuple[Voice, ...] = (Voice.SOPRANO, Voice.BASS, Voice.ALTO, Voice.TENOR)
#: Bars per window, and the most target bars in one window of the draft and of the revision.  A revision
#: window may be all targets: every bar around them is decided, and the rules see a step past each side.
#: (Measured with benchmarks/quality.py, revising 4 bars at once wrote as well as 2 with context, in less time.)
WINDOW_BARS, CHUNK_BARS, REVISION_CHUNK_BARS = 4, 2, 4
_WORDS_PER_CELL = 18  # a typical bar's words with its BAR_START/BAR_END, for estimates


@dataclass(frozen=True)
class Window:
    """Bars start … start + bars - 1 of the piece, and the cells to write in them."""

    start: int
    bars: int
    targets: frozenset[Cell]
    free: bool = False   # a new piece's first window: every cell written, no fill sections


def plan_windows(targets: frozenset[Cell], total_bars: int, new_piece: bool, decided: bool = False,
                 chunk_bars: int = CHUNK_BARS) -> list[Window]:
    """Windows covering every target bar, each with as much context as fits.

    A draft never reaches into the bars a later window writes (those are not decided yet); in a
    revision (``decided``) every bar is written, so a window listens on both sides."""
    bars = sorted({b for _, b in targets})
    out: list[Window] = []
    if new_piece:
        first = frozenset(c for c in targets if c[1] < 4)
        out.append(Window(0, 4, first, free=True))
        bars = [b for b in bars if b >= 4]
    chunks: list[list[int]] = []
    while bars:
        chunk = [b for b in bars if b < bars[0] + chunk_bars]
        chunks.append(chunk)
        bars = bars[len(chunk):]
    for k, chunk in enumerate(chunks):
        lo, hi = chunk[0], chunk[-1] + 1
        limit = chunks[k + 1][0] if k + 1 < len(chunks) and not decided else total_bars
        extra = max(0, WINDOW_BARS - (hi - lo))
        after = min(extra // 2, limit - hi)
        before = min(lo, extra - after)
        after = min(limit - hi, extra - before)
        cells = frozenset(c for c in targets if lo <= c[1] < hi)
        out.append(Window(lo - before, hi - lo + before + after, cells))
    return out


def plan(targets: frozenset[Cell], total_bars: int, new_piece: bool, revise: bool) -> list[Window]:
    """The draft's windows, then (with ``revise``) one revision window list per written voice."""
    windows = plan_windows(targets, total_bars, new_piece)
    voices = [v for v in WRITING_ORDER if any(c[0] == v for c in targets)]
    if revise and len(voices) > 1:
        for v in voices:
            windows += plan_windows(frozenset(c for c in targets if c[0] == v), total_bars, False, decided=True,
                                    chunk_bars=REVISION_CHUNK_BARS)
    return windows


def generate(model: ChoraleModel, request: Request, *, progress: ProgressCallback | None = None,
             cancelled: Cancelled | None = None) -> GenerationResult:
    """Answer ``request`` with ``request.sampling.candidates`` candidates, best first.

    ``progress`` receives Progress values while sampling; ``cancelled`` is polled at every step and
    makes the call raise GenerationCancelled, with nothing changed.
    """
    import torch

    began = time.perf_counter()
    settings = request.sampling
    base = request.base()
    header = _header(model, base, settings.style)
    targets = request.targets(base)
    chord_plan.check(base, targets)   # a plan the given voices contradict is refused before sampling
    windows = plan(targets, base.bars, isinstance(request, NewRequest), revise=not settings.quick)
    cadence = getattr(request, "cadence", False)   # New and Continue may end with one
    scores = [base.copy() for _ in range(settings.candidates)]
    relaxed = [0] * settings.candidates
    surprise = [[0.0, 0] for _ in range(settings.candidates)]   # the model's -log-likelihood, words drawn
    generator = torch.Generator().manual_seed(int(settings.seed))
    expected = sum(_WORDS_PER_CELL * len(w.targets) + 12 for w in windows)
    words = steps_before = 0
    written: set[Cell] = set()   # cells of the first candidate already written
    memory = PromptMemory()      # the windows' prompts often begin alike (the revision's above all)
    with torch.inference_mode():
        for window in windows:
            pending = frozenset(targets - written)   # to be written here or by a later window
            rows, fitted = zip(*(_fitted_row(model, score, window, header, settings.strict, cadence, pending)
                                 for score in scores))
            offset = fitted[0].start * base.steps_per_bar
            shown = [(v, n) for v, b in sorted(written - window.targets) for n in scores[0].notes_in_cell(v, b)]
            report = _progress_relay(progress, steps_before, expected)
            steps = sample(model, list(rows), settings, generator, expected=expected - steps_before, progress=report,
                           cancelled=cancelled,
                           on_notes=lambda ns: (*shown, *((v, n.with_(start=n.start + offset)) for v, n in ns)),
                           memory=memory)
            steps_before += steps
            for c, (score, row, win) in enumerate(zip(scores, rows, fitted)):
                _splice(score, win, row.prompt + row.words)
                relaxed[c] += row.relaxed
                surprise[c][0] -= row.log_likelihood
                surprise[c][1] += row.drawn
                words += len(row.words)
            written |= window.targets
    region = (min(b for _, b in targets) * base.steps_per_bar, (max(b for _, b in targets) + 1) * base.steps_per_bar)
    candidates = []
    for s, n, (nll, drawn) in zip(scores, relaxed, surprise):
        verdict = judge(s, region, surprise=nll / max(1, drawn))
        candidates.append(Candidate(score=s, cells=targets, vl_score=verdict.badness, relaxed_notes=n,
                                    flaws=verdict.describe()))
    candidates.sort(key=lambda c: c.vl_score)
    if progress is not None:
        shown = tuple((v, n) for v, b in sorted(targets) for n in scores[0].notes_in_cell(v, b))
        progress(Progress(words=steps_before, expected=steps_before, notes=shown))
    return GenerationResult(candidates=tuple(candidates), strategy=model.capabilities.strategy, seconds=time.perf_counter() - began,
                            words=words)


def _progress_relay(progress: ProgressCallback | None, before: int, expected: int) -> ProgressCallback | None:
    """Progress of one window, counted on from the windows before it."""
    if progress is None:
        return None
    return lambda p: progress(Progress(words=before + p.words, expected=max(expected, before + p.words + 1),
                                       notes=p.notes))


def _header(model: ChoraleModel, score: Score, style: str) -> Header:
    caps = model.capabilities
    if style not in caps.styles:
        raise GenerationError(f"this model does not know the style {style.lower()} "
                              f"(it knows {', '.join(s.lower() for s in caps.styles) or 'none'})")
    meter = str(score.meter)
    if meter != "4/4" and meter not in caps.meters:
        raise GenerationError(f"this model writes only 4/4; it cannot write in {meter}")
    return Header(style=style, meter=score.meter if caps.meters else None, key=score.key if caps.keys else None)


def _fitted_row(model: ChoraleModel, score: Score, window: Window, header: Header,
                strict: bool, cadence: bool = False, pending: frozenset[Cell] = frozenset()) -> tuple[Row, Window]:
    """The row of ``window``, with context bars dropped (the farther side first) until it fits the model."""
    while True:
        row = _row(model, score, window, header, strict, cadence, pending)
        budget = len(row.prompt) + _WORDS_PER_CELL * len(window.targets) + sum(map(len, row.forced_bars.values()))
        if budget <= model.capabilities.context:
            return row, window
        lo = min(b for _, b in window.targets)
        hi = max(b for _, b in window.targets) + 1
        before, after = lo - window.start, window.start + window.bars - hi
        if window.free or before + after == 0:
            raise GenerationError(f"bars {lo + 1}–{hi} hold more music than the model can read at once "
                                  f"({model.capabilities.context} words); select fewer bars")
        if before >= after:
            window = Window(window.start + 1, window.bars - 1, window.targets)
        else:
            window = Window(window.start, window.bars - 1, window.targets)


def _row(model: ChoraleModel, score: Score, window: Window, header: Header, strict: bool,
         cadence: bool = False, pending: frozenset[Cell] = frozenset()) -> Row:
    """The prompt, grammar state and forced bars of one candidate in one window; a window that writes the
    piece's last bar ends with a cadence when asked (``cadence.py``)."""
    caps = model.capabilities
    spb = score.steps_per_bar
    # The seed's step values only, as the training corpus writes them (a 5 is 4 + 1).
    steps = tuple(d for d in V.SEED_STEPS if d in caps.steps)
    written_voices = [v for v in WRITING_ORDER if any((v, b) in window.targets
                                                      for b in range(window.start, window.start + window.bars))]
    order = tuple(v for v in WRITING_ORDER if v not in written_voices) + tuple(written_voices)
    prompt = header.words()
    forced: dict[tuple[Voice, int], list[str]] = {}
    for v in order:
        bars = {b: [V.BAR_START, *bar_words(score.notes_in_cell(v, window.start + b), (window.start + b) * spb,
                                            spb, steps, v), V.BAR_END]
                for b in range(window.bars) if (v, window.start + b) not in window.targets}
        if v in written_voices:
            forced.update({(v, b): words for b, words in bars.items()})
        else:
            prompt += [V.TRACK_START, f"INST={V.INST_OF_VOICE[v]}",
                       *(w for b in range(window.bars) for w in bars[b]), V.TRACK_END]
    if written_voices:
        # The first written voice's kept bars before its first target are read with the prompt, in one pass.
        v = order[len(order) - len(written_voices)]
        prompt += [V.TRACK_START, f"INST={V.INST_OF_VOICE[v]}"]
        b = 0
        while (v, b) in forced:
            prompt += forced.pop((v, b))
            b += 1
    config = G.GrammarConfig(steps_per_bar=spb, bars=window.bars, steps=steps,
                             ranges=G.ranges_of(score.ranges), order=order, header=tuple(header.words()),
                             allow_fill=False, vocab=model.words)
    state = G.start(config)
    for w in prompt:
        state.force(w)
    # Cells a later window writes still hold the old notes in ``score``: the rules must not listen to them.
    unknown = window.targets | pending
    guard = VoiceLeading(score, window.start, window.bars, unknown)
    ends = _phrase_ends(score, window, cadence, unknown)
    return Row(prompt=prompt, state=state, guard=guard, forced_bars=forced, strict=strict,
               cadence=chord_plan.phrasing(ends, score, window.start, window.bars, guard, strict))


def _phrase_ends(score: Score, window: Window, cadence: bool, unknown: frozenset[Cell]) -> tuple:
    """The phrase ends this window writes, in window steps (``cadence.py``): a ``PhraseEnd`` at each fermata
    in a bar it writes, and the piece's final ``Cadence`` — under the last fermata when it lies in the last
    bar and the melody there allows the tonic, else (when asked) on the last bar's downbeat."""
    spb, beat = score.steps_per_bar, score.meter.steps_per_beat
    lo, hi = window.start * spb, (window.start + window.bars) * spb
    written = {b for _, b in window.targets}
    last_bar = score.bars - 1
    fermatas = sorted(score.fermatas)
    ends: list = []
    final_written = False
    for f in fermatas:
        held = _held_until(score, f, unknown)
        melody = score.note_at(Voice.SOPRANO, f) if (Voice.SOPRANO, f // spb) not in unknown else None
        if f == fermatas[-1] and _ends_the_melody(score, f, unknown):
            minor = score.key.mode == "minor"
            picardy = minor and melody is not None and melody.pitch % 12 == (score.key.tonic + 4) % 12
            final = Cadence(score.key, score.meter, last_bar - window.start, at=f - lo, until=held - lo,
                            picardy=picardy)
            fits = melody is None or melody.pitch % 12 in final.tonic_triad
            if fits and (lo <= f < hi or lo <= f - beat < hi) and ((f - beat) // spb in written or f // spb in written):
                ends.append(final)
                final_written = True
                continue
            if fits:
                continue
        if lo <= f < hi and f // spb in written:
            ends.append(PhraseEnd(score.key, f - lo, held - lo))
    last = last_bar - window.start   # the piece's last bar, in the window's count
    ended = bool(fermatas) and _ends_the_melody(score, fermatas[-1], unknown)   # the last fermata ends the piece
    if cadence and not final_written and last <= window.bars and not ended:
        ends.append(Cadence(score.key, score.meter, last))
    return tuple(ends)


def _ends_the_melody(score: Score, step: int, unknown: frozenset[Cell]) -> bool:
    """Is the fermata at ``step`` the piece's last phrase end: in its last bar, or on the melody's last note
    (a given soprano with nothing after it but rests, as a piece with a pickup ends)?"""
    spb = score.steps_per_bar
    if step // spb == score.bars - 1:
        return True
    if any((Voice.SOPRANO, b) in unknown for b in range(step // spb, score.bars)):
        return False
    return not any(n.start > step for n in score.notes(Voice.SOPRANO))


def _held_until(score: Score, step: int, unknown: frozenset[Cell]) -> int:
    """Where the chord of a phrase end at ``step`` may move on: when the given voices' notes there end (the
    melody's fermata note), else at the end of its bar, or after two beats where that is later."""
    spb = score.steps_per_bar
    given = [n.end for v in Voice if (v, step // spb) not in unknown
             for n in (score.note_at(v, step),) if n is not None and n.start == step]
    if given:
        return max(given)
    bar_end = (step // spb + 1) * spb
    return min(score.total_steps, max(bar_end, step + 2 * score.meter.steps_per_beat))


def _splice(score: Score, window: Window, words: list[str]) -> None:
    """Put the written cells of a finished window into ``score``."""
    piece = decode_words(words, meter=score.meter, key=score.key, repair=False).score
    shift = window.start * score.steps_per_bar
    cells = sorted(window.targets)
    notes = {(v, b): [n.with_(start=n.start + shift) for n in piece.notes_in_cell(v, b - window.start)]
             for v, b in cells}
    score.replace_cells(cells, notes)

