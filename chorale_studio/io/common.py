"""What every importer shares: the ImportResult, turning timed notes into a Score, and error wording.

Importers (MIDI, MusicXML) read their format into plain "raw notes" — onset and
end in quarter notes, MIDI pitch — one list per voice, and hand them to
``build_score``.  It quantises to sixteenth steps, makes each voice monophonic
and writes down, in the composer's words, everything it had to change.
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import ChoraleError, FileFormatError, ImportCancelled
from ..score.model import STEPS_PER_QUARTER, Key, Meter, Note, Score, ScoreError, Voice

#: Files larger than this are refused before parsing: no chorale comes close, and a parser
#: handed a huge or hostile file could take minutes or all the memory.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ImportResult:
    """A score read from a file, with what had to be adjusted to read it (one sentence each)."""

    score: Score
    messages: list[str] = field(default_factory=list)
    source: Path | None = None
    #: What was inferred rather than read, e.g. an estimated key: worth a status line, not a dialog.
    remarks: list[str] = field(default_factory=list)
    #: Roman numerals the file writes (MusicXML <harmony><numeral>): io.romantext.PlannedChord, in time order.
    numerals: list = field(default_factory=list)


@dataclass(frozen=True)
class RawNote:
    """A note as a file states it, before quantising: times in quarter notes (exact fractions)."""

    onset: Fraction
    end: Fraction
    pitch: int


def one_line(text: str) -> str:
    return " ".join(str(text).split())


@contextlib.contextmanager
def reading(path: Path, what: str) -> Iterator[None]:
    """Turn any failure while reading ``path`` into one FileFormatError that names the file.

    Parsers (mido, music21, json) raise whatever they like — IndexError, KeyError,
    their own exceptions — on damaged input; a composer should see one sentence:
    "could not read <path>: <what is wrong>".  Code inside raises FileFormatError
    with just the "what is wrong" part.
    """
    prefix = f"could not read {path}: "
    try:
        yield
    except ImportCancelled:
        raise
    except ChoraleError as exc:
        text = one_line(exc)
        raise FileFormatError(text if text.startswith(prefix) else prefix + text) from None
    except OSError as exc:
        if exc.errno is None:  # parsers (mido) raise a bare OSError for damaged data
            raise FileFormatError(prefix + f"not a readable {what} ({one_line(exc)})") from None
        raise FileFormatError(prefix + one_line(exc.strerror or exc).lower()) from None
    except EOFError:
        raise FileFormatError(prefix + f"the {what} is cut off (it ends too early)") from None
    except RecursionError:
        raise FileFormatError(prefix + f"the {what} is nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 — the edge of the program: any parser failure is a bad file
        detail = one_line(exc) or type(exc).__name__
        raise FileFormatError(prefix + f"not a readable {what} ({detail})") from None


def check_size(path: Path) -> None:
    """Refuse missing, empty and oversized files before any parser sees them."""
    if not path.exists():
        raise FileFormatError("no such file")
    if not path.is_file():
        raise FileFormatError("it is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise FileFormatError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise FileFormatError(
            f"the file is {size / 2**20:.0f} MB; Chorale Studio reads files up to {MAX_FILE_BYTES // 2**20} MB")


def check_bar_count(end_quarters: Fraction | float, meter: Meter) -> None:
    """Refuse a piece longer than Score.MAX_BARS before building (and quantising) it."""
    bars = math.ceil(end_quarters * STEPS_PER_QUARTER / meter.steps_per_bar)
    if bars > Score.MAX_BARS:
        raise FileFormatError(f"the piece has {bars} bars; Chorale Studio handles up to {Score.MAX_BARS}")


#: Meters Chorale Studio does not write, read as bars of one it does (every note keeps its time):
#: written meter → (the meter read, how many of its bars make one written bar).
_READ_AS = {(2, 2): (Meter(4, 4), 1), (6, 8): (Meter(3, 4), 1), (12, 8): (Meter(3, 4), 2), (6, 4): (Meter(3, 4), 2)}


def chorale_meter(numerator: int, denominator: int, messages: list[str], *, read_others: bool = True) -> Meter:
    """The file's meter as a Score's: 4/4 and 3/4 as they are; 2/2, 6/8, 12/8 and 6/4 (when ``read_others``)
    as bars of 4/4 or 3/4 of the same length (said in ``messages``); any other is refused."""
    if read_others and (numerator, denominator) in _READ_AS:
        meter, count = _READ_AS[numerator, denominator]
        bars = "a bar" if count == 1 else f"{count} bars"
        messages.append(f"the piece is in {numerator}/{denominator}, which Chorale Studio does not write; each of its "
                        f"bars was read as {bars} of {meter} (every note keeps its time)")
        return meter
    try:
        return Meter(numerator, denominator)
    except ScoreError:
        raise FileFormatError(f"the piece is in {numerator}/{denominator}; Chorale Studio handles 4/4 and 3/4 only "
                              "(and reads 2/2, 6/8, 12/8 and 6/4 as bars of those)") from None


def voice_count_error(count: int, fmt: str, what: str) -> FileFormatError:
    """'this MIDI file has 6 voices; …' — ``fmt`` names the format, ``what`` its unit (voice, part)."""
    noun = what if count == 1 else what + "s"
    return FileFormatError(f"this {fmt} file has {count} {noun}; Chorale Studio needs exactly four (S, A, T, B)")


def to_step(quarters: Fraction) -> int:
    """Nearest sixteenth step (halves round up, so a swung pair keeps its order)."""
    return math.floor(quarters * STEPS_PER_QUARTER + Fraction(1, 2))


def _fraction_words(moved: Fraction) -> str:
    """'a third of a sixteenth', '0.42 of a sixteenth' — the largest quantising move, readable."""
    return f"{float(moved):.2f} of a sixteenth" if moved < 1 else f"{float(moved):.2f} sixteenths"


def build_score(
    voices: Sequence[Sequence[RawNote]],
    *,
    meter: Meter,
    key: Key,
    tempo: float | None,
    title: str = "",
    pickup_quarters: Fraction = Fraction(0),
    messages: list[str],
) -> Score:
    """Quantise four voices of raw notes to sixteenths, make them monophonic, and build the Score.

    ``pickup_quarters`` > 0 means the music starts with an anacrusis of that length at time 0;
    it is shifted so that bar 0 ends at the first full barline.  Adjustments go to ``messages``.
    """
    spb = meter.steps_per_bar
    pickup = to_step(pickup_quarters)
    if pickup < 0:
        raise FileFormatError(f"a pickup of {float(pickup_quarters)} quarter notes is shorter than nothing")
    pickup %= spb   # a written bar read as several (12/8 as 3/4): the pickup fills the last of them
    shift = (spb - pickup) % spb

    moved_notes = 0
    largest_move = Fraction(0)
    lengthened = 0
    per_voice: list[list[Note]] = []
    for raw_notes in voices:
        notes: list[Note] = []
        for raw in raw_notes:
            start, end = to_step(raw.onset), to_step(raw.end)
            move = max(abs(raw.onset * STEPS_PER_QUARTER - start), abs(raw.end * STEPS_PER_QUARTER - end))
            if move:
                moved_notes += 1
                largest_move = max(largest_move, move)
            if end <= start:  # a note shorter than half a sixteenth: keep it audible
                end = start + 1
                lengthened += 1
            notes.append(Note(start=start + shift, length=end - start, pitch=raw.pitch))
        per_voice.append(notes)
    if moved_notes:
        messages.append(f"quantised {moved_notes} note(s) to sixteenths (largest move {_fraction_words(largest_move)})")
    if lengthened:
        messages.append(f"lengthened {lengthened} very short note(s) to one sixteenth")

    monophonic = [_monophonic(Voice(i), notes, messages) for i, notes in enumerate(per_voice)]
    last_end = max((n.end for ns in monophonic for n in ns), default=0)
    if last_end == 0:
        raise FileFormatError("the file contains no notes")
    bars = max(1, math.ceil(last_end / spb))
    if bars > Score.MAX_BARS:
        raise FileFormatError(f"the piece has {bars} bars; Chorale Studio handles up to {Score.MAX_BARS}")
    if tempo is None:
        tempo = Score().tempo  # the file gives none: the default of a new score
    elif not 20 <= tempo <= 300:
        clamped = min(300.0, max(20.0, tempo))
        messages.append(f"tempo {tempo:g} is outside 20–300; using {clamped:g}")
        tempo = clamped
    score = Score(bars=bars, meter=meter, key=key, tempo=round(float(tempo), 2), title=title, pickup=pickup)
    for voice, notes in zip(Voice, monophonic):
        score.set_notes(voice, notes)
    return score


def _monophonic(voice: Voice, notes: list[Note], messages: list[str]) -> list[Note]:
    """One note at a time: of notes starting together keep the outer one (top for S/A, bottom for
    T/B); a note still sounding when the next starts is cut short."""
    keep_top = voice in (Voice.SOPRANO, Voice.ALTO)
    by_start: dict[int, Note] = {}
    chords = 0
    for n in notes:
        other = by_start.get(n.start)
        if other is None:
            by_start[n.start] = n
            continue
        if other.pitch != n.pitch:
            chords += 1
        better = (n.pitch > other.pitch) if keep_top else (n.pitch < other.pitch)
        if better or (n.pitch == other.pitch and n.length > other.length):
            by_start[n.start] = n
    ordered = [by_start[s] for s in sorted(by_start)]
    trimmed = 0
    out: list[Note] = []
    for i, n in enumerate(ordered):
        if i + 1 < len(ordered) and ordered[i + 1].start < n.end:
            n = n.with_(length=ordered[i + 1].start - n.start)
            trimmed += 1
        out.append(n)
    if chords:
        which = "top" if keep_top else "bottom"
        messages.append(f"{voice.label}: kept the {which} note of {chords} chord(s)")
    if trimmed:
        messages.append(f"{voice.label}: shortened {trimmed} note(s) that overlapped the next one")
    return out


def estimate_key(voices: Sequence[Sequence[RawNote]], bass_last_pitch: int | None) -> Key:
    """The key signature whose scale holds most of the sounding time; minor when the last bass
    note is the relative minor's tonic.  Used only when a file states no key."""
    weight = [Fraction(0)] * 12
    for raw_notes in voices:
        for raw in raw_notes:
            weight[raw.pitch % 12] += raw.end - raw.onset
    best = max(range(-6, 7), key=lambda f: (sum(weight[pc] for pc in Key(f).scale), -abs(f)))
    return key_with_mode(best, bass_last_pitch)


def key_with_mode(fifths: int, bass_last_pitch: int | None) -> Key:
    """The signature's minor key when the last bass note is its tonic, else its major key."""
    if bass_last_pitch is not None and bass_last_pitch % 12 == Key(fifths, "minor").tonic:
        return Key(fifths, "minor")
    return Key(fifths)
