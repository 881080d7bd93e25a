"""Note input from the computer keyboard (and a MIDI keyboard), as notation programs do it.

``NoteInput`` is a mode with its own state — the cursor, the length and the voice — as MuseScore's
``InputState`` is: Edit ▸ Note Input (N) turns it on at the playhead.  Letters A–G enter a note at the
cursor, in the key signature and in the octave nearest the previous note; 3–7 pick the length
(sixteenth to whole, MuseScore's numbers) and "." dots it; 0 enters a rest; Up/Down move the last entry
by a semitone, Ctrl+Up/Down by an octave; Backspace takes it back; Left/Right move the cursor; Alt+1–4
choose the voice; Esc or N leave.  The cursor advances after each entry, and every entry is one undo
step through the ``ScoreEditor``.  While the mode is on it owns those keys (the roll's 1–4, arrows and
Backspace mean what they do in notation programs); when it is off they are the window's again.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit,
                               QWidget)

from ..score import Note, Voice, pitch_name
from .actions import ActionRegistry
from .editor import ScoreEditor

LETTERS = {Qt.Key_C: 0, Qt.Key_D: 2, Qt.Key_E: 4, Qt.Key_F: 5, Qt.Key_G: 7, Qt.Key_A: 9, Qt.Key_B: 11}
#: MuseScore's numbers for note values: 3 a sixteenth … 7 a whole note (sixteenth steps).
LENGTH_KEYS = {Qt.Key_3: 1, Qt.Key_4: 2, Qt.Key_5: 4, Qt.Key_6: 8, Qt.Key_7: 16}
LENGTH_NAMES = {1: "sixteenth", 2: "eighth", 3: "dotted eighth", 4: "quarter", 6: "dotted quarter", 8: "half",
                12: "dotted half", 16: "whole", 24: "dotted whole"}
VOICE_KEYS = {Qt.Key_1: Voice.SOPRANO, Qt.Key_2: Voice.ALTO, Qt.Key_3: Voice.TENOR, Qt.Key_4: Voice.BASS}
_SHARPS, _FLATS = "FCGDAEB", "BEADGCF"
_LETTER_NAMES = {Qt.Key_C: "C", Qt.Key_D: "D", Qt.Key_E: "E", Qt.Key_F: "F", Qt.Key_G: "G", Qt.Key_A: "A",
                 Qt.Key_B: "B"}
_PLAIN_KEYS = (Qt.Key_0, Qt.Key_1, Qt.Key_2, Qt.Key_Period, Qt.Key_Up, Qt.Key_Down, Qt.Key_Left, Qt.Key_Right,
               Qt.Key_Backspace)
_TEXT_WIDGETS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QComboBox)

HELP = ("Note input: A–G enter a note · 3–7 length (sixteenth … whole), . dots it · 0 rest · ↑/↓ semitone, "
        "Ctrl+↑/↓ octave · Backspace takes back · ←/→ move the cursor · Alt+1–4 voice · Esc leaves")


class NoteInput(QObject):
    """The note-input mode of one window: its cursor, length and voice, and the keys it owns while on."""

    cursorChanged = Signal(object)   # (step, voice, length) while on, None when off
    message = Signal(str)            # what the last key did, for the status bar

    def __init__(self, editor: ScoreEditor, registry: ActionRegistry, window: QWidget, playhead) -> None:
        super().__init__(window)
        self.editor, self.doc, self.window, self.playhead = editor, editor.doc, window, playhead
        self.cursor = 0
        self.length = 4
        self.voice = Voice.SOPRANO
        self.entries: list[list[tuple[Voice, Note]]] = []   # what each entry wrote (a rest: nothing)
        self.entry_starts: list[int] = []
        self.action = registry.add("note_input", "&Note Input", self.toggle, "N",
                                   "Enter notes from the computer or a MIDI keyboard at a cursor", menu="&Edit",
                                   checkable=True)
        self.doc.activeVoiceChanged.connect(self._voice_chosen)
        self.doc.scoreChanged.connect(self._score_changed)

    @property
    def active(self) -> bool:
        return self.action.isChecked()

    # ---- on and off --------------------------------------------------------------------------------
    def toggle(self) -> None:
        """The action was triggered: its check state says whether the mode is now on."""
        if self.active:
            self.start()
        else:
            self.stop()

    def start(self, at: int | None = None) -> None:
        """Turn the mode on with the cursor at ``at`` (default: the playhead's sixteenth)."""
        score = self.doc.score
        self.cursor = max(0, min(score.total_steps - 1, int(self.playhead() if at is None else at)))
        self.voice = self.doc.active_voice
        self.entries, self.entry_starts = [], []
        self.action.setChecked(True)
        QApplication.instance().installEventFilter(self)
        self._changed(HELP)

    def stop(self) -> None:
        self.action.setChecked(False)
        QApplication.instance().removeEventFilter(self)
        self.cursorChanged.emit(None)
        self.message.emit("Note input off")

    # ---- entering ------------------------------------------------------------------------------------
    def enter_letter(self, pitch_class: int, letter: str) -> None:
        """A note of that letter (in the key signature) at the cursor, nearest the previous note."""
        pc = (pitch_class + self._signature(letter)) % 12
        previous = self._previous_pitch()
        pitch = min((pc + 12 * octave for octave in range(11)), key=lambda p: (abs(p - previous), p))
        self.enter([pitch])

    def enter(self, pitches: Sequence[int]) -> None:
        """Pitches played together: one note in the active voice, a chord one note per voice from it down."""
        score = self.doc.score
        if self.cursor >= score.total_steps:
            self.message.emit("The cursor is at the end of the piece: insert bars to go on")
            return
        length = min(self.length, score.total_steps - self.cursor)
        voices = [v for v in Voice if v >= self.voice]
        chord = sorted(set(pitches), reverse=True)[:len(voices)]
        notes = [(v, Note(start=self.cursor, length=length, pitch=p)) for v, p in zip(voices, chord)]
        names = ", ".join(pitch_name(n.pitch, score.key.fifths < 0) for _, n in notes)
        self.editor.enter_notes(notes, f"Enter {names}")
        self._advance(notes, length)

    def enter_rest(self) -> None:
        score = self.doc.score
        if self.cursor >= score.total_steps:
            return
        length = min(self.length, score.total_steps - self.cursor)
        self.editor.enter_rest(self.voice, self.cursor, self.cursor + length)
        self._advance([], length)

    def _advance(self, notes: list[tuple[Voice, Note]], length: int) -> None:
        self.entries.append(notes)
        self.entry_starts.append(self.cursor)
        self.cursor += length
        outside = [n for v, n in notes if not self.doc.score.in_range(v, n.pitch)]
        self._changed("Outside the voice's range" if outside else "")

    def move_last(self, semitones: int) -> None:
        """Move the last entry's notes (still in the piece) up or down, as one step."""
        last = [(v, n) for v, n in (self.entries[-1] if self.entries else []) if n in self.doc.score.notes(v)]
        moved = [(v, n.with_(pitch=n.pitch + semitones)) for v, n in last]
        if not last or not all(0 <= n.pitch <= 127 for _, n in moved):
            return
        direction = "up" if semitones > 0 else "down"
        self.editor.replace_notes(last, moved, f"Move {direction} {'an octave' if abs(semitones) == 12 else 'a semitone'}")
        self.entries[-1] = moved
        self._changed()

    def take_back(self) -> None:
        """Backspace: remove the last entry and put the cursor where it was."""
        if not self.entries:
            return
        notes, self.cursor = self.entries.pop(), self.entry_starts.pop()
        still = [(v, n) for v, n in notes if n in self.doc.score.notes(v)]
        if still:
            self.editor.replace_notes(still, [], "Take back the last entry")
        self._changed()

    def set_length(self, steps: int) -> None:
        self.length = steps
        self._changed()

    def toggle_dot(self) -> None:
        plain = self.length * 2 // 3 if self.length % 3 == 0 else None
        if plain is not None:
            self.length = plain
        elif self.length > 1:
            self.length = self.length * 3 // 2
        self._changed()

    def move_cursor(self, direction: int) -> None:
        self.cursor = max(0, min(self.doc.score.total_steps, self.cursor + direction * self.length))
        self.entries, self.entry_starts = [], []
        self._changed()

    # ---- reading the piece ---------------------------------------------------------------------------
    def _signature(self, letter: str) -> int:
        fifths = self.doc.score.key.fifths
        if fifths > 0 and letter in _SHARPS[:fifths]:
            return 1
        if fifths < 0 and letter in _FLATS[:-fifths]:
            return -1
        return 0

    def _previous_pitch(self) -> int:
        """The pitch sung before the cursor in the voice, else the middle of its range."""
        before = [n for n in self.doc.score.notes(self.voice) if n.start < self.cursor]
        if before:
            return before[-1].pitch
        low, high = self.doc.score.ranges[self.voice]
        return (low + high) // 2

    def _voice_chosen(self, value: int) -> None:
        if Voice(value) != self.voice:
            self.voice = Voice(value)
            self.entries, self.entry_starts = [], []
            if self.active:
                self._changed()

    def _score_changed(self) -> None:
        if self.active and self.cursor > self.doc.score.total_steps:
            self.cursor = self.doc.score.total_steps
            self._changed()

    def _changed(self, note: str = "") -> None:
        self.cursorChanged.emit((self.cursor, self.voice, self.length))
        bar, in_bar = divmod(self.cursor, self.doc.score.steps_per_bar)
        beat, past = divmod(in_bar, self.doc.score.meter.steps_per_beat)
        at = f"bar {bar + 1}, beat {beat + 1}" + (f" + {past}/16" if past else "")
        where = f"Note input · {self.voice.label} · {at} · {LENGTH_NAMES.get(self.length, self.length)}"
        self.message.emit(f"{where} — {note}" if note else where)

    # ---- keys ----------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.KeyPress, QEvent.ShortcutOverride) or not isinstance(obj, QWidget):
            return False
        if obj.window() is not self.window or isinstance(QApplication.focusWidget(), _TEXT_WIDGETS):
            return False
        if not self._owns(event):
            return False
        if kind == QEvent.ShortcutOverride:
            event.accept()   # the key comes to us as a key press, not to a window shortcut
            return True
        self.key(event)
        return True

    def _owns(self, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers() & ~Qt.KeypadModifier
        if key == Qt.Key_Escape:   # Esc cancels a generation first (its shortcut); otherwise it leaves the mode
            return mods == Qt.NoModifier and event.type() == QEvent.KeyPress
        if mods == Qt.NoModifier:
            return key in LETTERS or key in LENGTH_KEYS or key in _PLAIN_KEYS
        if mods == Qt.ControlModifier:
            return key in (Qt.Key_Up, Qt.Key_Down)
        if mods == Qt.AltModifier:
            return key in VOICE_KEYS
        return False

    def key(self, event: QKeyEvent) -> None:
        """What a key does in note input (the keys ``_owns``)."""
        key, mods = event.key(), event.modifiers() & ~Qt.KeypadModifier
        if mods == Qt.AltModifier:
            self.doc.set_active_voice(VOICE_KEYS[key])
        elif key in LETTERS:
            self.enter_letter(LETTERS[key], _LETTER_NAMES[key])
        elif key in LENGTH_KEYS:
            self.set_length(LENGTH_KEYS[key])
        elif key in (Qt.Key_1, Qt.Key_2):
            self.message.emit("The shortest note is a sixteenth (3)")
        elif key == Qt.Key_Period:
            self.toggle_dot()
        elif key == Qt.Key_0:
            self.enter_rest()
        elif key in (Qt.Key_Up, Qt.Key_Down):
            self.move_last((12 if mods == Qt.ControlModifier else 1) * (1 if key == Qt.Key_Up else -1))
        elif key in (Qt.Key_Left, Qt.Key_Right):
            self.move_cursor(1 if key == Qt.Key_Right else -1)
        elif key == Qt.Key_Backspace:
            self.take_back()
        elif key == Qt.Key_Escape:
            self.stop()
