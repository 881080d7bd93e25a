"""The open piece as a Qt object: the Score, its undo stack, the selection and the active voice.

Nothing edits the score directly: every change goes through ``ui.editor.ScoreEditor``, which pushes
one command (``ui.commands``) onto ``undo_stack``; views repaint when the document's signals say
something changed.  Selection, the active voice and the mix are not the music: they change here
directly and are not undone.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..playback.schedule import Mix
from ..score import Note, Score, Voice

SelectedNote = tuple[Voice, Note]


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
        self.settings: dict = {}   # the project's settings table, kept as loaded and saved back
        self.active_voice = Voice.SOPRANO
        self.mix = Mix()
        self.hidden_voices: set[Voice] = set()
        self._selection: frozenset[SelectedNote] = frozenset()
        self._selected_bars: frozenset[int] = frozenset()
        self._unedited_import = False   # an import as it was read: its file holds it all
        # Signal to signal (not a Python lambda): Qt drops it when the document is destroyed, so the
        # stack's last cleanChanged during destruction cannot reach a deleted object.
        self.undo_stack.cleanChanged.connect(self.fileChanged)

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
        """Only the ScoreEditor calls this (tests/test_architecture.py holds the rest of ui/ to it)."""
        self.undo_stack.push(command)

    def load(self, score: Score, path: Path | None = None, settings: dict | None = None,
             *, clean: bool = True, imported: bool = False) -> None:
        """Make ``score`` the document's content: a fresh undo history, nothing selected.

        ``clean=False`` marks a piece as unsaved (restored work).  ``imported``: a piece read from a MIDI
        or MusicXML file; it is unsaved (it has no project file yet), but holds no edit until one is made.
        """
        self.undo_stack.clear()
        self._unedited_import = imported
        clean = clean and not imported
        self.score = score
        self.path = Path(path) if path is not None else None
        self.settings = dict(settings or {})
        self._read_voice_settings()
        self._selection = frozenset()
        self._selected_bars = frozenset()
        if not clean:
            # An empty undo stack is always clean; a never-saved import must still ask before closing.
            self.undo_stack.resetClean()
        self.scoreChanged.emit()
        self.locksChanged.emit()
        self.selectionChanged.emit()
        self.fileChanged.emit()

    def has_unsaved_edits(self) -> bool:
        """Whether there is work no file holds: an import as it was read is still in its own file."""
        return self.is_modified() and not (self._unedited_import and self.undo_stack.index() == 0)

    def mark_saved(self, path: Path) -> None:
        self._unedited_import = False
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
        """Change mute, solo, volume, pan or program of one voice (not undoable: it is not the music)."""
        self.mix = self.mix.with_voice(voice, **changes)
        self.mixChanged.emit()

    def is_visible(self, voice: Voice) -> bool:
        return Voice(voice) not in self.hidden_voices

    def set_visible(self, voice: Voice, visible: bool) -> None:
        (self.hidden_voices.discard if visible else self.hidden_voices.add)(Voice(voice))
        self.mixChanged.emit()

    def project_settings(self) -> dict:
        """The settings table to save with the project: what was loaded, plus the voices' mix."""
        voices = {v.short: {"program": self.mix[v].program, "muted": self.mix[v].muted,
                            "solo": self.mix[v].solo, "visible": self.is_visible(v)} for v in Voice}
        return {**self.settings, "voices": voices}

    def _read_voice_settings(self) -> None:
        self.mix = Mix()
        self.hidden_voices = set()
        voices = self.settings.get("voices")
        if not isinstance(voices, dict):
            return
        for v in Voice:
            entry = voices.get(v.short)
            if not isinstance(entry, dict):
                continue
            program = entry.get("program")
            if isinstance(program, int) and 0 <= program <= 127:
                self.mix = self.mix.with_voice(v, program=program)
            self.mix = self.mix.with_voice(v, muted=bool(entry.get("muted")), solo=bool(entry.get("solo")))
            if entry.get("visible") is False:
                self.hidden_voices.add(v)
        self.mixChanged.emit()

    # ---- selection -------------------------------------------------------------------------------
    @property
    def selection(self) -> frozenset[SelectedNote]:
        return self._selection

    @property
    def selected_bars(self) -> frozenset[int]:
        return self._selected_bars

    def select(self, notes, *, add: bool = False) -> None:
        """Select ``notes``; selected notes and selected bars exclude each other, so what is seen is what
        generation writes."""
        new = frozenset(notes) | (self._selection if add else frozenset())
        bars = frozenset() if new else self._selected_bars
        if (new, bars) != (self._selection, self._selected_bars):
            self._selection, self._selected_bars = new, bars
            self.selectionChanged.emit()

    def toggle_selected(self, item: SelectedNote) -> None:
        self.select(self._selection ^ {item})

    def select_bars(self, bars) -> None:
        new = frozenset(b for b in bars if 0 <= b < self.score.bars)
        notes = frozenset() if new else self._selection
        if (new, notes) != (self._selected_bars, self._selection):
            self._selected_bars, self._selection = new, notes
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
