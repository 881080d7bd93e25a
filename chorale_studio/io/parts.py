"""Which parts of a many-part score are the four voices: by their names, by the composer's choice,
or — where names do not decide — the four lowest-numbered parts that lie in singing range.

A cantata chorale comes with its instruments (BWV 1.6: a horn above S, A, T, B; BWV 248.23-2: flutes,
oboes, the four voices and the organ).  The parts are found by their names in the usual languages and
abbreviations; otherwise a ``Chooser`` (the window's dialog) is asked, and the command line takes
``--parts 2,3,4,5``.  Nothing here knows a file format: importers describe their parts as ``PartInfo``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from ..errors import ChoraleError, ImportCancelled
from ..score.model import DEFAULT_RANGES, Voice

#: What a voice's part is called (lower case, without numbers, dots or accents).
VOICE_NAMES: dict[Voice, frozenset[str]] = {
    Voice.SOPRANO: frozenset({"soprano", "sopran", "soprani", "sopranos", "sopr", "sop", "s", "cantus", "canto",
                              "discantus", "discant", "diskant", "superius", "treble", "dessus", "tiple"}),
    Voice.ALTO: frozenset({"alto", "alt", "alti", "altos", "altus", "contralto", "contratenor", "haute contre",
                           "a"}),
    Voice.TENOR: frozenset({"tenor", "tenore", "tenori", "tenors", "ten", "taille", "t"}),
    Voice.BASS: frozenset({"bass", "basso", "bassi", "basses", "bassus", "basse", "bas", "bajo", "bs", "b"}),
}
#: Words around a voice's name that do not change which voice it is ("Soprano Voice", "Coro Alto").
_NEUTRAL_WORDS = {"voice", "voices", "choir", "chorus", "chor", "coro", "choeur", "solo", "tutti", "ripieno",
                  "concertato", "vocal", "voce", "voix", "stimme", "i", "ii"}
#: Singing range: a part whose notes all lie between the bass's lowest and the soprano's highest note.
SINGING_RANGE = (DEFAULT_RANGES[Voice.BASS][0], DEFAULT_RANGES[Voice.SOPRANO][1])


@dataclass(frozen=True)
class PartInfo:
    """One part of a score as the composer sees it in a list: its number (1 = top), name and compass."""

    number: int
    name: str = ""
    abbreviation: str = ""
    notes: int = 0
    low: int | None = None
    high: int | None = None

    @property
    def sings(self) -> bool:
        """True when every note lies in singing range (an empty part does not sing)."""
        return self.notes > 0 and SINGING_RANGE[0] <= self.low and self.high <= SINGING_RANGE[1]

    @property
    def label(self) -> str:
        """'2: Soprano (S), 70 notes' — how the part is named in a choice."""
        name = self.name or "(no name)"
        if self.abbreviation and self.abbreviation != self.name:
            name += f" ({self.abbreviation})"
        return f"{self.number}: {name}, {self.notes} note{'s' if self.notes != 1 else ''}"


#: Asked which four parts are S, A, T, B when names do not say: the parts and the default choice
#: (0-based indices in S, A, T, B order) in, the choice or None (cancelled) out.
Chooser = Callable[[Sequence[PartInfo], list[int]], "list[int] | None"]


def voice_named(name: str) -> Voice | None:
    """'Soprano', 'S.', 'Sopran 1', 'Coro Alto', 'Basso' → that voice; 'Basso continuo', 'Organ' → None."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z]+", text) if w and w not in _NEUTRAL_WORDS]
    if not words:
        return None
    key = " ".join(words)
    return next((v for v, names in VOICE_NAMES.items() if key in names), None)


def voice_leading_name(name: str) -> Voice | None:
    """The voice a part's name begins with, instruments doubling it following: 'Soprano Oboe 1 Violin1',
    'Bass Continuo' → that voice; 'Oboe 3' → None.  (``by_names`` reads names so only where full names
    do not decide, and only once each: a 'Basso continuo' beside a 'Basso' leaves it undecided.)"""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z]+", text) if w and w not in _NEUTRAL_WORDS]
    return voice_named(words[0]) if words else None


def by_names(parts: Sequence[PartInfo]) -> list[int] | None:
    """The parts named S, A, T, B (0-based, in that order) when their names say it once each, else None.

    Full names are read first; abbreviations only when the full names do not decide (BWV 248.23-2
    abbreviates its alto "S.", its tenor "A."); last, names that begin with a voice and go on with the
    instruments doubling it (BWV 41.6: "Soprano Oboe 1 Violin1", …, "Bass Continuo"), again once each.
    """
    for field, reading in (("name", voice_named), ("abbreviation", voice_named), ("name", voice_leading_name)):
        found: dict[Voice, list[int]] = {v: [] for v in Voice}
        for i, part in enumerate(parts):
            voice = reading(getattr(part, field))
            if voice is not None:
                found[voice].append(i)
        if all(len(found[v]) == 1 for v in Voice):
            return [found[v][0] for v in Voice]
    return None


def default_choice(parts: Sequence[PartInfo]) -> list[int]:
    """The four lowest-numbered parts in singing range (others fill up when fewer sing), in score order."""
    singing = [i for i, p in enumerate(parts) if p.sings]
    rest = [i for i, p in enumerate(parts) if not p.sings and p.notes]
    empty = [i for i, p in enumerate(parts) if not p.notes]
    return sorted((singing + rest + empty)[:4])


def parse_parts(text: str) -> list[int]:
    """'2,3,4,5' (part numbers for S, A, T, B, 1 = the top part) → [1, 2, 3, 4] (0-based)."""
    try:
        numbers = [int(t) for t in text.replace(" ", "").split(",")]
    except ValueError:
        raise ChoraleError(f"--parts takes four part numbers for S, A, T, B, e.g. 2,3,4,5, not {text!r}") from None
    if len(numbers) != 4 or len(set(numbers)) != 4 or min(numbers) < 1:
        raise ChoraleError(f"--parts takes four different part numbers (1 = the top part) for S, A, T, B, "
                           f"not {text!r}")
    return [n - 1 for n in numbers]


@dataclass(frozen=True)
class PartChoice:
    """Which four parts are S, A, T, B (0-based), and a sentence saying how they were found ('' for plain SATB)."""

    indices: list[int]
    remark: str = ""


def choose_parts(parts: Sequence[PartInfo], given: Sequence[int] | None = None,
                 choose: Chooser | None = None, *, unit: str = "part",
                 refusal: ChoraleError | None = None) -> PartChoice:
    """The four voices among ``parts``: ``given`` numbers, else names, else four parts in score order, else
    ``choose`` (asked with the default), else the default — or ``refusal`` raised, when given.  Raises
    ImportCancelled when the choice is closed."""
    if given is not None:
        given = list(given)
        if max(given) >= len(parts):
            raise ChoraleError(f"--parts names {unit} {max(given) + 1}, but the file has {len(parts)} {unit}s")
        return PartChoice(given, f"took {unit}s {_numbers(given)} as S, A, T, B ({_names(parts, given)})")
    named = by_names(parts)
    if named is not None:
        if len(parts) == 4 and named == [0, 1, 2, 3]:
            return PartChoice(named)
        left = [p for i, p in enumerate(parts) if i not in named]
        left_out = f"; left out {', '.join(p.name or f'{unit} {p.number}' for p in left)}" if left else ""
        return PartChoice(named, f"took the {unit}s named {_names(parts, named)} as S, A, T, B{left_out}")
    if len(parts) == 4:
        return PartChoice([0, 1, 2, 3])
    default = default_choice(parts)
    if choose is not None:
        chosen = choose(parts, default)
        if chosen is None:
            raise ImportCancelled("no parts were chosen")
        return PartChoice(list(chosen), f"took the {unit}s you chose, {_numbers(chosen)}, as S, A, T, B")
    if refusal is not None:
        raise refusal
    return PartChoice(default, f"the {unit} names do not say which are S, A, T, B; took {unit}s {_numbers(default)} "
                               f"(choose others with --parts, e.g. --parts {','.join(str(i + 1) for i in default)})")


def _numbers(indices: Sequence[int]) -> str:
    return ", ".join(str(i + 1) for i in indices)


def _names(parts: Sequence[PartInfo], indices: Sequence[int]) -> str:
    return ", ".join(parts[i].name or f"no. {parts[i].number}" for i in indices)
