"""Generation in the window: the Generate menu and toolbar, requests from the document, candidates.

The controller builds an immutable request from a snapshot of the document (``generation.requests``:
it pulls in no torch), hands it to the ``GenerationRunner``'s worker thread, streams the partial
notes out as a preview (``previewChanged``; the window shows it on the piano roll as ghost notes)
and shows the answers in the candidate browser.  The document changes only when the composer
accepts a candidate: the ``ScoreEditor`` makes that one undo step.

What it needs from the window is narrow: the document, the editor, the roll's selected cells, a
``Notifier`` for messages and the QSettings for its defaults.  It adds its actions to the window's
``ActionRegistry``; everything else it says by signals (preview, markers, audition, show the panel).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QDialog

from ..errors import ChoraleError
from ..score import Cell, Key, Meter, Score, Voice
from .actions import ActionRegistry
from .document import ScoreDocument
from .editor import ScoreEditor
from .generation_actions import CONTINUE_BARS, add_generation_actions
from .generate_panel import (GeneratePanel, load_default_settings, new_seed, sampling_from, save_default_settings,
                             seed_locked_from, settings_table)
from .generation_dialogs import HarmonizeDialog, NewChoraleDialog, bars_text, cells_text
from .notifier import Notifier
from .overlay import VoiceLeadingOverlay
from .worker import GenerationRunner

CADENCE_KEY = "generation/cadence"   # QSettings: End With a Cadence


class JobKind(Enum):
    """What the composer asked for."""

    NEW = "new"
    CONTINUE = "continue"
    FILL = "fill"
    HARMONIZE = "harmonize"


@dataclass(frozen=True)
class Job:
    """One request the composer made: what kind, the request itself and how to name it."""

    kind: JobKind
    request: object
    text: str            # "Fill bars 2–3": the status line and the undo step's name


class GenerationController(QObject):
    """Everything generation adds to the window; ``window.generation`` holds it."""

    previewChanged = Signal(object, object, bool)   # (voice, note) pairs, the cells they replace, solid
    markersChanged = Signal(object)                 # the voice-leading overlay's markers
    auditionRequested = Signal(object, float)       # play this score from this step
    auditionStopped = Signal()                      # back to the document's score, stopped
    panelWanted = Signal()                          # candidates are ready: show the panel
    previewPieceChanged = Signal(object, object)    # the piece to draw instead of the document's (or None),
                                                    # and the (first, end) bars to bring into view (or None)

    def __init__(self, doc: ScoreDocument, editor: ScoreEditor, selected_cells: Callable[[], set[Cell]],
                 notifier: Notifier, qsettings: QSettings, actions: ActionRegistry,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc, self.editor, self.selected_cells, self.notifier = doc, editor, selected_cells, notifier
        self.qsettings = qsettings
        self.runner = GenerationRunner(self)
        self.panel = GeneratePanel(qsettings)
        self.browser = self.panel.browser
        self.chooser = self.panel.model_chooser
        self.overlay = VoiceLeadingOverlay(doc, self)
        self.job: Job | None = None          # running
        self.last_job: Job | None = None     # for Regenerate
        self.shown: Job | None = None        # whose candidates the browser shows
        self.result = None
        self.audition_available = False      # the window says when playback is there
        self._auditioning = False
        self._targets: frozenset[Cell] = frozenset()
        self._settings_of = None             # the doc.settings table the panel was last read from
        self._preloading = False             # loading the model before anyone asked (errors are only noted)
        self.toolbar = add_generation_actions(self, actions)
        # One setting for the menu and the New Chorale dialog: on until the composer turns it off.
        self.act_cadence.setChecked(str(qsettings.value(CADENCE_KEY, True)).lower() in ("true", "1"))
        self.act_cadence.toggled.connect(lambda on: qsettings.setValue(CADENCE_KEY, on))
        self._wire()
        self._read_document_settings()
        self._update_actions()

    # ---- actions -------------------------------------------------------------------------------
    def _wire(self) -> None:
        r = self.runner
        for signal, slot in ((r.status, self._status), (r.progress, self._progress), (r.finished, self._finished),
                             (r.loading, self._loading),
                             (r.failed, self._failed), (r.cancelled, self._cancelled),
                             (r.modelLoaded, self._model_loaded), (r.modelFailed, self._model_failed),
                             (self.panel.cancelRequested, self.cancel),
                             (self.panel.settingsChanged, self._settings_changed),
                             (self.chooser.folderRequested, self.load_model),
                             (self.browser.currentChanged, self._preview), (self.browser.hearRequested, self.hear),
                             (self.browser.acceptRequested, self.accept),
                             (self.browser.discardRequested, self.discard),
                             (self.doc.fileChanged, self._read_document_settings),
                             (self.doc.selectionChanged, self._update_actions),
                             (self.doc.scoreChanged, self._update_actions)):
            signal.connect(slot)
        self.overlay.changed.connect(lambda: self.markersChanged.emit(self.overlay.markers))

    # ---- settings ------------------------------------------------------------------------------
    def settings(self):
        """The sampling settings the panel shows (a ``generation.requests.Sampling``)."""
        return self.panel.sampling()

    def _read_document_settings(self) -> None:
        """A newly loaded project brings its own generation settings; others keep the app's defaults."""
        if self.doc.settings is self._settings_of:
            return
        self._settings_of = self.doc.settings
        sampling, seed_locked = load_default_settings(self.qsettings)
        self.panel.show_settings(sampling_from(self.doc.settings, sampling),
                                 seed_locked_from(self.doc.settings, seed_locked))

    def _settings_changed(self) -> None:
        try:
            sampling = self.panel.sampling()
        except ChoraleError:
            return
        seed_locked = self.panel.seed_locked()
        save_default_settings(self.qsettings, sampling, seed_locked)
        # The same keys `chorale-studio generate` writes into a project, so both read each other's.
        self.doc.settings.update({**settings_table(sampling, seed_locked), "style": sampling.style.lower()})

    # ---- the model -----------------------------------------------------------------------------
    def load_model(self, folder: str) -> None:
        """Check and use ``folder`` (loaded on the worker; the current model stays if it is not one)."""
        self._status("Loading model…")
        self.runner.load(folder)

    def preload(self) -> None:
        """Load the chosen model now, on the worker, so that the first request starts writing at once."""
        if self.chooser.capabilities is None and not self.runner.busy:
            self._preloading = True
            self.runner.load(self.chooser.folder)

    def _loading(self, stage: int, stages: int, text: str) -> None:
        """A stage of the model load: shown with its share of the bar when someone is waiting for it."""
        if self.job is not None:
            self.panel.progress.setRange(0, stages)
            self.panel.progress.setValue(stage)
        self._status(f"Loading model ({stage + 1}/{stages}): {text}…")

    def _model_loaded(self, folder: str, capabilities) -> None:
        self._preloading = False
        self.chooser.set_loaded(folder, capabilities)
        self.panel.set_known_styles(capabilities.styles)
        self._status(f"Model ready: {capabilities.strategy}" if self.job is None else "Writing…")

    def _model_failed(self, folder: str, message: str) -> None:
        preloading, self._preloading = self._preloading, False
        if preloading and self.job is None:   # nobody asked yet: say it quietly; a request will say it aloud
            self._status(f"The model could not be loaded: {message}")
        elif self.job is None:   # a running job reports the same problem through failed
            self.notifier.show_error("That folder is not a chorale model", message)

    # ---- requests ------------------------------------------------------------------------------
    def ask_new_chorale(self) -> None:
        dialog = NewChoraleDialog(self.panel.window(), self.panel.style.currentData(), self.doc.score,
                                  self.act_cadence.isChecked())
        if dialog.exec() == QDialog.Accepted:
            values = dialog.values()
            self.act_cadence.setChecked(values["cadence"])   # the dialog's box is the menu's setting
            self.new_chorale(**values)

    def new_chorale(self, bars: int = 8, key: Key = Key(), meter: Meter = Meter(), style: str | None = None,
                    cadence: bool | None = None) -> bool:
        """A new piece (ending with a cadence and a fermata when ``cadence``; by default as Generate ▸ End With
        a Cadence says, the setting the New Chorale dialog shows too)."""
        cadence = self.act_cadence.isChecked() if cadence is None else cadence
        if style is not None and style != self.panel.style.currentData():
            self.panel.style.setCurrentIndex(self.panel.style.findData(style))
        from ..generation.requests import NewRequest

        tempo = float(self.doc.score.tempo)
        return self._start(JobKind.NEW, lambda sampling: NewRequest(bars=bars, meter=meter, key=key, tempo=tempo,
                                                                    sampling=sampling, cadence=cadence),
                           f"New chorale of {bars} bars in {key.name}, {meter}")

    def continue_(self, bars: int = CONTINUE_BARS, cadence: bool | None = None) -> bool:
        from ..generation.requests import ContinueRequest

        cadence = self.act_cadence.isChecked() if cadence is None else cadence
        score = self.doc.snapshot()
        if not score.note_count():   # it would write bars 9–12 after eight silent ones
            self._status("Continue needs music to continue: write a few bars first, or let Generate ▸ New "
                         "Chorale write a piece")
            return False
        return self._start(JobKind.CONTINUE, lambda sampling: ContinueRequest(score, bars=bars, sampling=sampling,
                                                                              cadence=cadence),
                           f"Continue with {bars} bars")

    def fill(self, cells: set[Cell] | None = None) -> bool:
        """Rewrite ``cells`` (default: the selection); locked cells stay as they are."""
        from ..generation.requests import FillRequest

        cells = self.selected_cells() if cells is None else set(cells)
        if not cells:
            self._status("Select the bars to fill first (click or drag across the ruler)")
            return False
        score = self.doc.snapshot()
        return self._start(JobKind.FILL, lambda sampling: FillRequest(score, frozenset(cells), sampling),
                           f"Fill {cells_text(c for c in cells if c not in score.locks)}")

    def ask_harmonize(self) -> None:
        dialog = HarmonizeDialog(self.panel.window(), self._default_harmony_voices(), self._harmony_bars())
        if dialog.exec() == QDialog.Accepted:
            self.harmonize(dialog.voices())

    def harmonize(self, voices, bars: tuple[int, int] | None = None) -> bool:
        """Write ``voices`` against the others over ``bars`` (start, end), else the selected bars
        (or the whole piece)."""
        from ..generation.requests import HarmonizeRequest

        start, end = bars or self._harmony_bars()
        score = self.doc.snapshot()
        voices = tuple(voices)
        names = ", ".join(v.label.lower() for v in sorted(voices))
        return self._start(JobKind.HARMONIZE,
                           lambda sampling: HarmonizeRequest(score, voices, start, end, sampling),
                           f"Harmonize {names} in {bars_text(range(start, end))}")

    def _harmony_bars(self) -> tuple[int, int]:
        bars = {b for _, b in self.selected_cells()}   # the bars of the one selection (bars or notes)
        return (min(bars), max(bars) + 1) if bars else (0, self.doc.score.bars)

    def _default_harmony_voices(self) -> list[Voice]:
        """The voices with no notes in the bars (usually alto, tenor and bass under a given tune)."""
        start, end = self._harmony_bars()
        spb = self.doc.score.steps_per_bar
        empty = [v for v in Voice if not self.doc.score.notes_between(v, start * spb, end * spb)]
        return empty if empty and len(empty) < 4 else [Voice.ALTO, Voice.TENOR, Voice.BASS]

    def regenerate(self) -> bool:
        """The last request again, on the document as it is now, with a new seed."""
        job = self.last_job
        if job is None:
            self._status("Nothing to regenerate yet")
            return False
        self.panel.seed.setValue(new_seed())
        r = job.request
        if job.kind is JobKind.NEW:
            return self.new_chorale(r.bars, r.key, r.meter, cadence=r.cadence)
        if job.kind is JobKind.CONTINUE:
            return self.continue_(r.bars, cadence=r.cadence)
        if job.kind is JobKind.FILL:
            return self.fill(r.cells)
        return self.harmonize(r.voices, (r.start, r.end))

    def _start(self, kind: JobKind, build, text: str) -> bool:
        if self.runner.busy:
            self._status("Already writing: cancel it first (Esc)")
            return False
        self._close_candidates()
        if not self.panel.seed_locked():
            self.panel.seed.setValue(new_seed())   # announced, so the project keeps the seed used
        try:
            request = build(self.panel.sampling())
            targets = request.targets(request.base())
        except ChoraleError as exc:
            self.notifier.show_error(f"Could not {text[0].lower()}{text[1:]}", str(exc))
            return False
        self.job = self.last_job = Job(kind, request, text)
        self.runner.start(request, self.chooser.folder)
        loading = self.chooser.capabilities is None
        self.panel.set_running(True, "Loading model…" if loading else f"{text}…")
        self._targets = frozenset(targets)
        bars = (min(b for _, b in targets), max(b for _, b in targets) + 1)
        # A new piece is drawn on its own grid; a continuation with the bars it adds; the others in place.
        piece = request.base() if kind in (JobKind.NEW, JobKind.CONTINUE) else None
        self.previewPieceChanged.emit(piece, bars)
        self.overlay.show_piece(piece)   # no rings of the old piece on the new one's grid
        self.previewChanged.emit((), self._targets, False)
        self._status(f"{text} (loading the model first)…" if loading else f"{text}…")
        self._update_actions()
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.panel.status.setText("Cancelling…")
            self.runner.cancel()

    # ---- answers from the worker ---------------------------------------------------------------
    def _is_current(self, request) -> bool:
        return self.job is not None and self.job.request is request

    def _status(self, text: str) -> None:
        if self.job is not None and text == "Writing…":
            text = f"{self.job.text}…"
        self.panel.status.setText(text)
        self.notifier.show_status(text, 8000)

    def _progress(self, words: int, expected: int, notes) -> None:
        if self.job is None:
            return
        self.panel.progress.setRange(0, max(1, expected))
        self.panel.progress.setValue(min(words, expected))
        self.panel.status.setText(f"{len(notes)} notes written ({words} of about {expected} words)")
        self.previewChanged.emit(notes, self._targets, False)

    def _job_ended(self, *, answered: bool = False) -> Job:
        job, self.job = self.job, None
        self.panel.set_running(False)
        self.previewChanged.emit((), frozenset(), False)
        if not answered:   # (answered: the candidates are shown on the same piece next)
            self.previewPieceChanged.emit(None, None)
            self.overlay.show_piece(None)
        self._update_actions()
        return job

    def _finished(self, request, result) -> None:
        if not self._is_current(request):
            return
        job = self._job_ended(answered=True)
        self.shown, self.result = job, result
        if job.kind not in (JobKind.NEW, JobKind.CONTINUE):   # the others are shown on the document
            self.previewPieceChanged.emit(None, None)
        n = len(result.candidates)
        self.browser.set_candidates(result.candidates, job.text)
        self.panel.candidates_box.show()
        self.panelWanted.emit()
        if job.kind in (JobKind.NEW, JobKind.CONTINUE):   # in view again once the candidates' panel is there
            self.previewPieceChanged.emit(job.request.base(), (min(b for _, b in job.request.targets(
                job.request.base())), job.request.base().bars))
        self._preview(0)
        self._status(f"{job.text}: {n} candidate{'s' if n != 1 else ''} in {result.seconds:.1f} s by "
                     f"{result.strategy} — accept one or discard them")
        self._update_actions()

    def _failed(self, request, message: str) -> None:
        if not self._is_current(request):
            return
        job = self._job_ended()
        self._status(f"{job.text} failed")
        self.notifier.show_error(f"Could not {job.text[0].lower()}{job.text[1:]}", message)

    def _cancelled(self, request) -> None:
        if not self._is_current(request):
            return
        job = self._job_ended()
        self._status(f"{job.text} cancelled; nothing was changed")

    # ---- candidates ----------------------------------------------------------------------------
    def candidates(self) -> tuple:
        return self.result.candidates if self.result is not None else ()

    def _cells_shown(self, candidate) -> frozenset[Cell]:
        if self.shown.kind is JobKind.NEW:   # the whole piece is replaced
            return frozenset((v, b) for v in Voice for b in range(max(self.doc.score.bars, candidate.score.bars)))
        return candidate.cells

    def _preview(self, index: int) -> None:
        """Show candidate ``index`` on the roll in place of the music it would replace."""
        cands = self.candidates()
        if not cands:
            return
        c = cands[index]
        notes = [(v, n) for v, b in sorted(c.cells) for n in c.score.notes_in_cell(v, b)]
        self.previewChanged.emit(notes, self._cells_shown(c), True)
        self.overlay.show_piece(c.score)   # its rings and legend are this candidate's, seams included
        if self._auditioning:
            self.hear(index)

    def set_audition_available(self, available: bool) -> None:
        """Whether there is playback to hear candidates with (the window says so once it has started it)."""
        self.audition_available = available

    def hear(self, index: int) -> None:
        """Play candidate ``index`` from the start of its new music (when playback is available)."""
        cands = self.candidates()
        if not self.audition_available or not cands:
            self._status("Playback is not available")
            return
        c = cands[index % len(cands)]
        self.auditionRequested.emit(c.score, float(min(b for _, b in c.cells) * c.score.steps_per_bar))
        self._auditioning = True

    def accept(self, index: int | None = None) -> bool:
        """Put candidate ``index`` (default: the one shown) into the document as one undo step."""
        cands = self.candidates()
        if not cands:
            return False
        index = self.browser.current if index is None else index
        c, job = cands[index], self.shown
        continued_from: Score | None = job.request.score if job.kind is JobKind.CONTINUE else None
        if not self.editor.accept_candidate(c, job.text, whole_piece=job.kind is JobKind.NEW,
                                            continued_from=continued_from):
            return False
        self._close_candidates()
        self._status(f"{job.text}: candidate {chr(ord('A') + index)} accepted (Undo takes it back)")
        return True

    def discard(self) -> None:
        if self.result is not None:
            self._close_candidates()
            self._status("Candidates discarded; the chorale is as it was")

    def _close_candidates(self) -> None:
        if self._auditioning:
            self.auditionStopped.emit()
        self._auditioning = False
        if self.result is not None:
            self.previewChanged.emit((), frozenset(), False)
            self.previewPieceChanged.emit(None, None)
            self.overlay.show_piece(None)
        self.result = self.shown = None
        self.browser.set_candidates(())
        self.panel.candidates_box.hide()
        self._update_actions()

    def _update_actions(self) -> None:
        running = self.job is not None
        cands = self.candidates()
        for act in (self.act_new, self.act_continue, self.act_harmonize):
            act.setEnabled(not running)
        self.act_fill.setEnabled(not running and bool(self.doc.selected_bars or self.doc.selection))
        self.act_regenerate.setEnabled(not running and self.last_job is not None)
        self.act_cancel.setEnabled(running)
        for act in (self.act_prev, self.act_next):
            act.setEnabled(len(cands) > 1)
        for act in (self.act_hear, self.act_accept, self.act_discard):
            act.setEnabled(bool(cands))

    # ---- closing -------------------------------------------------------------------------------
    def shutdown(self) -> bool:
        """Stop any running request and the worker thread (the window is closing)."""
        return self.runner.shutdown()
