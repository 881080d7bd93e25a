"""The open piece as a Qt object: the Score, its undo stack, the selection and the active voice.

Views never edit the score directly: they push commands (ui.commands) onto
``undo_stack`` and repaint when the document's signals say something changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..score import Note, Score, Voice

SelectedNote = tuple[Voice, Note]

#: General MIDI program "Choir Aahs" (0-based), the natural default for a chorale.
CHOIR_AAHS = 52


@dataclass
class VoiceMix:
    """How one voice sounds and shows: not part of the music, so not undoable."""

    muted: bool = False
    solo: bool = False
    visible: bool = True
    program: int = CHOIR_AAHS


@dataclass
class Mix:
    voices: dict[Voice, VoiceMix] = field(default_factory=lambda: {v: VoiceMix() for v in Voice})

    def audible(self, voice: Voice) -> bool:
        """Solo wins over mute, as on a mixing desk."""
        if any(m.solo for m in self.voices.values()):
            return self.voices[voice].solo
        return not self.voices[voice].muted


class ScoreDocument(QObject):
    """Owns the Score being edited and everything that changes together with it."""

    scoreChanged = Signal()          # notes, bars, meter, key or tempo changed
    locksChanged = Signal()
    selectionChanged = Signal()      # selected notes or selected bars
    activeVoiceChanged = Signal(int)
    fileChanged = Signal()           # path or modified state changed (the title follows it)
    mixChanged = Signal()

    def __init__(self, score: Score | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.score = score if score is not None else Score(bars=8)
        self.undo_stack = QUndoStack(self)
        self.path: Path | None = None
        self.settings: object | None = None   # project settings from io.project, kept as loaded
        self.active_voice = Voice.SOPRANO
        self.mix = Mix()
        self._selection: frozenset[SelectedNote] = frozenset()
        self._selected_bars: frozenset[int] = frozenset()
        self.undo_stack.cleanChanged.connect(lambda _clean: self.fileChanged.emit())

    # ---- state ---------------------------------------------------------------------------------
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def snapshot(self) -> Score:
        """A deep copy of the score, safe to hand to a worker thread."""
        return self.score.copy()

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else (self.score.title or "Untitled")

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    def load(self, score: Score, path: Path | None = None, settings: object | None = None,
             *, clean: bool = True) -> None:
        """Make ``score`` the document's content: a fresh undo history, nothing selected.

        ``clean=False`` marks an imported piece as unsaved: it has no project file yet.
        """
        self.undo_stack.clear()
        self.score = score
        self.path = Path(path) if path is not None else None
        self.settings = settings
        self._selection = frozenset()
        self._selected_bars = frozenset()
        if not clean:
            # An empty undo stack is always clean; a never-saved import must still ask before closing.
            self.undo_stack.resetClean()
        self.scoreChanged.emit()
        self.locksChanged.emit()
        self.selectionChanged.emit()
        self.fileChanged.emit()

    def mark_saved(self, path: Path) -> None:
        self.path = Path(path)
        self.undo_stack.setClean()
        self.fileChanged.emit()

    # ---- active voice and mix --------------------------------------------------------------------
    def set_active_voice(self, voice: Voice) -> None:
        voice = Voice(voice)
        if voice != self.active_voice:
            self.active_voice = voice
            self.activeVoiceChanged.emit(int(voice))

    def set_voice_mix(self, voice: Voice, **changes) -> None:
        m = self.mix.voices[Voice(voice)]
        for name, value in changes.items():
            setattr(m, name, value)
        self.mixChanged.emit()

    # ---- selection -------------------------------------------------------------------------------
    @property
    def selection(self) -> frozenset[SelectedNote]:
        return self._selection

    @property
    def selected_bars(self) -> frozenset[int]:
        return self._selected_bars

    def select(self, notes, *, add: bool = False) -> None:
        new = frozenset(notes) | (self._selection if add else frozenset())
        if new != self._selection:
            self._selection = new
            self.selectionChanged.emit()

    def toggle_selected(self, item: SelectedNote) -> None:
        self.select(self._selection ^ {item})

    def select_bars(self, bars) -> None:
        new = frozenset(b for b in bars if 0 <= b < self.score.bars)
        if new != self._selected_bars:
            self._selected_bars = new
            self.selectionChanged.emit()

    def clear_selection(self) -> None:
        if self._selection or self._selected_bars:
            self._selection = frozenset()
            self._selected_bars = frozenset()
            self.selectionChanged.emit()

    def prune_selection(self) -> None:
        """Forget selected notes and bars the score no longer has (after undo, bar deletion…)."""
        notes = frozenset((v, n) for v, n in self._selection if n in self.score.notes(v))
        bars = frozenset(b for b in self._selected_bars if b < self.score.bars)
        if (notes, bars) != (self._selection, self._selected_bars):
            self._selection, self._selected_bars = notes, bars
            self.selectionChanged.emit()
