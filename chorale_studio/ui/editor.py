"""The one door through which the open piece changes: every edit is one method and one undo step.

Views (the piano roll, the voices panel, the window's menus) and features (generation) call a
``ScoreEditor``; it asks ``score.edits`` what the voices hold afterwards, makes the command from
``ui.commands`` and pushes it onto the document's undo stack.  Views repaint from the document's
signals.  An edit that cannot be made changes nothing and says why through ``failed`` (a title
and a message) or, for a refused gesture, through ``message`` — the editor never opens a dialog.
"""
from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QObject, Signal

from ..errors import ChoraleError
from ..score import Cell, Key, Meter, Note, Score, Voice, edits, pitch_name
from .commands import LockCommand, NotesCommand, PieceCommand, ReplaceCellsCommand, TempoCommand
from .document import ScoreDocument, SelectedNote


def _plural(count: int, word: str) -> str:
    return f"{count} {word}(s)"


_INTERVALS = ("unison", "a minor second", "a major second", "a minor third", "a major third", "a fourth",
              "a tritone", "a fifth", "a minor sixth", "a major sixth", "a minor seventh", "a major seventh")


def interval_name(semitones: int) -> str:
    """5 → 'up a fourth', -12 → 'down an octave', 14 → 'up an octave and a major second'."""
    octaves, rest = divmod(abs(semitones), 12)
    parts = (["an octave" if octaves == 1 else f"{octaves} octaves"] if octaves else []) + \
        ([_INTERVALS[rest]] if rest or not octaves else [])
    return f"{'up' if semitones > 0 else 'down' if semitones < 0 else 'by'} {' and '.join(parts)}"


class ScoreEditor(QObject):
    """Every change to a ScoreDocument's piece: notes, locks, bars, key, meter, tempo, paste, candidates."""

    failed = Signal(str, str)    # title, message: an edit that could not be made (nothing changed)
    message = Signal(str)        # a short note for the status bar

    def __init__(self, doc: ScoreDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc

    @property
    def score(self) -> Score:
        return self.doc.score

    # ---- notes ---------------------------------------------------------------------------------
    def draw_note(self, voice: Voice, note: Note) -> None:
        """Add a note to ``voice``, trimming or replacing what it covers (voices are monophonic)."""
        name = pitch_name(note.pitch, self.score.key.fifths < 0)
        self.doc.push(NotesCommand(self.doc, edits.laid_over(self.score, [(voice, note)]),
                                   f"Draw {voice.label.lower()} {name}", select_after=[(voice, note)]))

    def enter_notes(self, notes: Iterable[SelectedNote], text: str) -> None:
        """Lay ``notes`` (one or a chord, one per voice) over what they cover, as one step: note input."""
        notes = list(notes)
        if notes:
            self.doc.push(NotesCommand(self.doc, edits.laid_over(self.score, notes), text, select_after=notes))

    def enter_rest(self, voice: Voice, start: int, end: int) -> bool:
        """Silence ``voice`` from ``start`` to ``end`` (one step); False when it was silent already."""
        after = edits.cleared(self.score, voice, start, end)
        if after[voice] == self.score.notes(voice):
            return False
        self.doc.push(NotesCommand(self.doc, after, f"Rest in the {voice.label.lower()}"))
        return True

    def delete_note(self, voice: Voice, note: Note) -> None:
        self.doc.push(NotesCommand(self.doc, edits.without(self.score, [(voice, note)]), "Delete note"))

    def delete_selected(self) -> None:
        sel = self.doc.selection
        if sel:
            self.doc.push(NotesCommand(self.doc, edits.without(self.score, sel),
                                       f"Delete {_plural(len(sel), 'note')}"))

    def replace_notes(self, originals: Iterable[SelectedNote], moved: Iterable[SelectedNote], text: str) -> None:
        """Replace ``originals`` by ``moved`` (a move or resize); what the moved notes land on is trimmed."""
        originals, moved = list(originals), list(moved)
        if sorted(originals) == sorted(moved):
            return
        self.doc.push(NotesCommand(self.doc, edits.replaced(self.score, originals, moved), text,
                                   select_after=moved))

    def shift_selected(self, steps: int, semitones: int) -> None:
        """Move the selected notes in time and pitch; refused (with a message) if any would leave the piece."""
        sel = self.doc.selection
        if not sel:
            return
        moved = edits.shifted(self.score, sel, steps, semitones)
        if moved is None:
            self.message.emit("The notes cannot move past the edge of the piece")
            return
        self.replace_notes(sorted(sel), moved, "Move notes")

    def paste(self, copied: Iterable[SelectedNote], at: int) -> None:
        """Lay the ``copied`` notes into their voices, the first starting at step ``at``."""
        notes = edits.pasted(self.score, copied, at)
        if notes:
            self.doc.push(NotesCommand(self.doc, edits.laid_over(self.score, notes),
                                       f"Paste {_plural(len(notes), 'note')}", select_after=notes))

    # ---- locks ---------------------------------------------------------------------------------
    def toggle_bar_lock(self, bar: int) -> None:
        lock = not self.score.bar_locked(bar)
        self._lock([(v, bar) for v in Voice], lock, f"{'Lock' if lock else 'Unlock'} bar {bar + 1}")

    def toggle_cell_lock(self, voice: Voice, bar: int) -> None:
        lock = not self.score.is_locked(voice, bar)
        self._lock([(voice, bar)], lock, f"{'Lock' if lock else 'Unlock'} {voice.label.lower()} in bar {bar + 1}")

    def toggle_voice_lock(self, voice: Voice) -> None:
        """Lock every bar of ``voice``, or unlock them all when they all are locked."""
        bars = range(self.score.bars)
        lock = not all(self.score.is_locked(voice, b) for b in bars)
        self._lock([(voice, b) for b in bars], lock, f"{'Lock' if lock else 'Unlock'} the {voice.label.lower()}")

    def _lock(self, cells: list[Cell], lock: bool, text: str) -> None:
        self.doc.push(LockCommand(self.doc, cells, lock, text))

    # ---- the piece -----------------------------------------------------------------------------
    def set_tempo(self, bpm: float) -> None:
        if float(bpm) != float(self.score.tempo):
            self.doc.push(TempoCommand(self.doc, float(bpm)))

    def set_key(self, key: Key) -> None:
        if key != self.score.key:
            after = self.doc.snapshot()
            after.key = key
            self.doc.push(PieceCommand(self.doc, after, f"Key {key.name}"))

    def transpose(self, semitones: int, key: Key | None = None) -> bool:
        """Move every note by ``semitones`` and the key with it (or to ``key``): one step.  Notes that leave
        their voice's range are kept and counted in a message."""
        if not semitones and (key is None or key == self.score.key):
            return False
        try:
            after = edits.transposed(self.score, semitones, key)
        except ChoraleError as exc:
            self.failed.emit("Could not transpose", str(exc))
            return False
        self.doc.push(PieceCommand(self.doc, after, f"Transpose {interval_name(semitones)}"))
        out = len(edits.out_of_range(after))
        text = f"Transposed {interval_name(semitones)} to {after.key.name}"
        self.message.emit(f"{text}; {_plural(out, 'note')} now lie outside their voice's range" if out else text)
        return True

    def toggle_fermata(self, step: int) -> None:
        """Mark the beat at ``step`` as a phrase end, or unmark it."""
        beat = self.score.meter.steps_per_beat
        step = min(self.score.total_steps - 1, step // beat * beat)
        after = self.doc.snapshot()
        on = step not in after.fermatas
        after.set_fermata(step, on)
        bar, in_bar = divmod(step, self.score.steps_per_bar)
        where = f"bar {bar + 1}, beat {in_bar // beat + 1}"
        self.doc.push(PieceCommand(self.doc, after, f"{'Phrase end at' if on else 'No phrase end at'} {where}"))

    def plan_chords(self, chords: dict[int, tuple[Key, str] | None], text: str) -> bool:
        """Set (or, with None, remove) planned chords at their steps: one step.  A figure the program cannot
        read changes nothing and says why."""
        from ..analysis.harmony import FigureError, parse_figure
        after = self.doc.snapshot()
        for step, chord in chords.items():
            if chord is None:
                after.plan.pop(step, None)
                continue
            try:
                parse_figure(*chord)
            except FigureError as exc:
                self.failed.emit("Could not plan the chord", str(exc))
                return False
            after.plan[step] = chord
        if after.plan == self.score.plan:
            return False
        self.doc.push(PieceCommand(self.doc, after, text))
        return True

    def set_meter(self, meter: Meter) -> None:
        if meter != self.score.meter:
            self.doc.push(PieceCommand(self.doc, edits.with_meter(self.score, meter), f"Meter {meter}"))
            self.message.emit(f"Now in {meter}: notes kept their places, bar locks were cleared")

    def insert_bars(self, at: int, count: int) -> bool:
        return self._push(lambda: PieceCommand(self.doc, edits.with_bars_inserted(self.score, at, count),
                                               f"Insert {_plural(count, 'bar')}"), "Could not insert bars")

    def delete_bars(self, at: int, count: int) -> bool:
        return self._push(lambda: PieceCommand(self.doc, edits.with_bars_deleted(self.score, at, count),
                                               f"Delete {_plural(count, 'bar')}"), "Could not delete bars")

    def _push(self, make_command, failure: str) -> bool:
        """Push the command ``make_command()`` builds, or report why it cannot be made (nothing changes)."""
        try:
            command = make_command()
        except ChoraleError as exc:
            self.failed.emit(failure, str(exc))
            return False
        self.doc.push(command)
        return True

    # ---- generated music -----------------------------------------------------------------------
    def accept_candidate(self, candidate, text: str, *, whole_piece: bool = False,
                         continued_from: Score | None = None) -> bool:
        """Put a generated candidate (its ``score`` and the ``cells`` it wrote) into the piece, as one step.

        ``whole_piece``: the candidate replaces the piece (a new chorale).  ``continued_from``: the
        piece the candidate continues; it adds bars after the current piece, which must still have
        as many bars.  Otherwise the candidate's cells replace the same cells of the piece.
        """
        return self._push(lambda: self._accepting(candidate, text, whole_piece, continued_from),
                          "Could not accept the candidate")

    def _accepting(self, candidate, text: str, whole_piece: bool, continued_from: Score | None):
        if whole_piece:
            return PieceCommand(self.doc, candidate.score, text, new_piece=True)
        if continued_from is not None:
            if self.score.bars != continued_from.bars:
                raise ChoraleError(f"the piece now has {self.score.bars} bars, not the {continued_from.bars} it "
                                   "was continued from; regenerate to continue it as it is")
            return PieceCommand(self.doc, edits.continued(self.score, candidate.score, candidate.cells), text)
        cells = sorted(candidate.cells)
        return ReplaceCellsCommand(self.doc, cells, {c: candidate.score.notes_in_cell(*c) for c in cells}, text)
