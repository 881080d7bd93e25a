"""Generation in the window: the Generate menu and toolbar, requests from the document, candidates.

The controller builds an immutable request from a snapshot of the document (``generation.requests``,
imported lazily: it pulls in no torch), hands it to the ``GenerationRunner``'s worker thread,
streams the partial notes onto the piano roll as ghost notes, and shows the answers in the
candidate browser.  The document changes only when the composer accepts a candidate, as one undo
step: ``ReplaceCellsCommand`` for a fill or harmonization, ``PieceCommand`` for a new piece or a
continuation.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDockWidget, QFormLayout,
                               QHBoxLayout, QLabel, QSpinBox, QToolBar, QVBoxLayout, QWidget)

from ..errors import ChoraleError
from ..score import Cell, Key, Meter, Score, Voice
from .commands import PieceCommand, ReplaceCellsCommand
from .generate_panel import (GeneratePanel, GenerationSettings, load_default_settings, new_seed,
                             save_default_settings)
from .model_chooser import STYLE_NAMES
from .overlay import VoiceLeadingOverlay
from .worker import GenerationRunner

CONTINUE_BARS = 4


@dataclass(frozen=True)
class Job:
    """One request the composer made: what kind, the request itself and how to name it."""

    kind: str            # "new", "continue", "fill" or "harmonize"
    request: object
    text: str            # "Fill bars 2–3": the status line and the undo step's name


def bars_text(bars) -> str:
    bars = sorted(set(bars))
    if not bars:
        return "no bars"
    return f"bar {bars[0] + 1}" if len(bars) == 1 else f"bars {bars[0] + 1}–{bars[-1] + 1}"


class GenerationController(QObject):
    """Everything generation adds to a MainWindow; ``window.generation`` holds it."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.roll = window.roll
        self.runner = GenerationRunner(self)
        self.panel = GeneratePanel(window.settings)
        self.browser = self.panel.browser
        self.chooser = self.panel.model_chooser
        self.overlay = VoiceLeadingOverlay(self.doc, self)
        self.job: Job | None = None          # running
        self.last_job: Job | None = None     # for Regenerate
        self.shown: Job | None = None        # whose candidates the browser shows
        self.result = None
        self._auditioning = False
        self._settings_of = None             # the doc.settings table the panel was last read from
        self.dock = QDockWidget("Generate", window)
        self.dock.setObjectName("generateDock")
        self.dock.setWidget(self.panel)
        self.dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        self._build_actions()
        self._wire()
        self._read_document_settings()
        self._update_actions()

    # ---- building ------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self.window)
        act.triggered.connect(lambda _checked=False: slot())
        if shortcut:
            act.setShortcuts([QKeySequence(s) for s in (shortcut if isinstance(shortcut, list) else [shortcut])])
        if tip:
            act.setToolTip(tip)
            act.setStatusTip(tip)
        self.window.addAction(act)
        return act

    def _build_actions(self) -> None:
        a = self._action
        self.act_new = a("&New Chorale…", self.ask_new_chorale, "Ctrl+Shift+N",
                         "Let the model write a new chorale (bars, key, meter, style)")
        self.act_continue = a(f"&Continue (+{CONTINUE_BARS} Bars)", self.continue_, "Ctrl+Shift+C",
                              f"Write {CONTINUE_BARS} more bars after the last one")
        self.act_fill = a("&Fill Selection", self.fill, "Ctrl+G",
                          "Rewrite the selected bars or notes' cells, keeping locked cells")
        self.act_harmonize = a("&Harmonize…", self.ask_harmonize, "Ctrl+H",
                               "Write chosen voices against the others, over the selected bars or the whole piece")
        self.act_regenerate = a("&Regenerate", self.regenerate, "Ctrl+R", "The same request again with a new seed")
        self.act_cancel = a("C&ancel Generation", self.cancel, "Esc", "Stop writing; nothing is changed")
        self.act_prev = a("&Previous Candidate", self.browser.previous, "Alt+Left")
        self.act_next = a("Ne&xt Candidate", self.browser.next, "Alt+Right")
        self.act_hear = a("&Hear Candidate", lambda: self.hear(self.browser.current), "Alt+Space")
        self.act_accept = a("&Accept Candidate", lambda: self.accept(), "Ctrl+Return",
                            "Put the chosen candidate into the chorale (one undo step)")
        self.act_discard = a("&Discard Candidates", self.discard, "Ctrl+Backspace", "Keep the chorale as it was")
        self.act_load_model = a("&Load Model Folder…", self.chooser.ask_folder, None,
                                "Use another compatible model checkpoint folder")
        self.act_panel = self.dock.toggleViewAction()
        self.act_panel.setText("Generation &Panel")
        self.act_panel.setShortcut(QKeySequence("F9"))
        self.act_overlay = QAction("Voice-Leading &Overlay", self.window)
        self.act_overlay.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.act_overlay.setToolTip("Mark parallels, crossings, spacing and range problems on the piano roll")
        self.act_overlay.setCheckable(True)
        self.window.addAction(self.act_overlay)
        self.act_overlay.toggled.connect(self.overlay.set_enabled)
        menu = self.window.generate_menu
        menu.addActions([self.act_new, self.act_continue, self.act_fill, self.act_harmonize, self.act_regenerate])
        menu.addSeparator()
        menu.addAction(self.act_cancel)
        menu.addSeparator()
        menu.addActions([self.act_prev, self.act_next, self.act_hear, self.act_accept, self.act_discard])
        menu.addSeparator()
        menu.addActions([self.act_load_model, self.act_panel])
        view = next((act.menu() for act in self.window.menuBar().actions() if act.text() == "&View"), None)
        if view is not None:
            view.addSeparator()
            view.addAction(self.act_overlay)
        tb = QToolBar("Generate")
        tb.setObjectName("generateToolbar")
        tb.setMovable(False)
        tb.addActions([self.act_fill, self.act_continue, self.act_harmonize, self.act_regenerate])
        for act, text in ((self.act_continue, "Continue"), (self.act_harmonize, "Harmonize"),
                          (self.act_fill, "Fill"), (self.act_overlay, "Overlay")):
            act.setIconText(text)   # the toolbar's short name; menus keep the full one
        tb.addSeparator()
        tb.addAction(self.act_overlay)
        self.window.addToolBar(tb)
        self.toolbar = tb

    def _wire(self) -> None:
        w = self.runner
        w.status.connect(self._status)
        w.progress.connect(self._progress)
        w.finished.connect(self._finished)
        w.failed.connect(self._failed)
        w.cancelled.connect(self._cancelled)
        w.modelLoaded.connect(self._model_loaded)
        w.modelFailed.connect(self._model_failed)
        self.panel.cancelRequested.connect(self.cancel)
        self.panel.settingsChanged.connect(self._settings_changed)
        self.chooser.folderRequested.connect(self.load_model)
        self.browser.currentChanged.connect(self._preview)
        self.browser.hearRequested.connect(self.hear)
        self.browser.acceptRequested.connect(self.accept)
        self.browser.discardRequested.connect(self.discard)
        self.overlay.changed.connect(lambda: self.roll.set_markers(self.overlay.markers))
        self.doc.fileChanged.connect(self._read_document_settings)
        self.doc.selectionChanged.connect(self._update_actions)
        self.doc.scoreChanged.connect(self._update_actions)

    # ---- settings ------------------------------------------------------------------------------
    def settings(self) -> GenerationSettings:
        return self.panel.settings()

    def _read_document_settings(self) -> None:
        """A newly loaded project brings its own generation settings; others keep the app's defaults."""
        if self.doc.settings is self._settings_of:
            return
        self._settings_of = self.doc.settings
        defaults = load_default_settings(self.window.settings)
        self.panel.show_settings(GenerationSettings.from_dict(self.doc.settings, defaults))

    def _settings_changed(self) -> None:
        s = self.settings()
        save_default_settings(self.window.settings, s)
        # The same keys `chorale-studio generate` writes into a project, so both read each other's.
        self.doc.settings.update({**s.to_dict(), "style": s.style.lower()})

    # ---- the model -----------------------------------------------------------------------------
    def load_model(self, folder: str) -> None:
        """Check and use ``folder`` (loaded on the worker; the current model stays if it is not one)."""
        self._status("Loading model…")
        self.runner.load(folder)

    def _model_loaded(self, folder: str, capabilities) -> None:
        self.chooser.set_loaded(folder, capabilities)
        self.panel.set_known_styles(capabilities.styles)
        self._status(f"Model ready: {capabilities.strategy}" if self.job is None else "Writing…")

    def _model_failed(self, folder: str, message: str) -> None:
        if self.job is None:   # a running job reports the same problem through failed
            self.window.show_error("That folder is not a chorale model", message)

    # ---- requests ------------------------------------------------------------------------------
    def ask_new_chorale(self) -> None:
        dialog = NewChoraleDialog(self.window, self.settings().style, self.doc.score)
        if dialog.exec() == QDialog.Accepted:
            self.new_chorale(**dialog.values())

    def new_chorale(self, bars: int = 8, key: Key = Key(), meter: Meter = Meter(), style: str | None = None) -> bool:
        if style is not None and style != self.settings().style:
            self.panel.style.setCurrentIndex(self.panel.style.findData(style))
        from ..generation.requests import NewRequest

        return self._start("new", lambda sampling: NewRequest(bars=bars, meter=meter, key=key,
                                                              tempo=float(self.doc.score.tempo), sampling=sampling),
                           f"New chorale of {bars} bars")

    def continue_(self, bars: int = CONTINUE_BARS) -> bool:
        from ..generation.requests import ContinueRequest

        score = self.doc.snapshot()
        return self._start("continue", lambda sampling: ContinueRequest(score, bars=bars, sampling=sampling),
                           f"Continue with {bars} bars")

    def fill(self, cells: set[Cell] | None = None) -> bool:
        """Rewrite ``cells`` (default: the selection); locked cells stay as they are."""
        from ..generation.requests import FillRequest

        cells = self.roll.selected_cells() if cells is None else set(cells)
        if not cells:
            self._status("Select the bars to fill first (click or drag across the ruler)")
            return False
        score = self.doc.snapshot()
        return self._start("fill", lambda sampling: FillRequest(score, frozenset(cells), sampling),
                           f"Fill {bars_text(b for _, b in cells)}")

    def ask_harmonize(self) -> None:
        dialog = HarmonizeDialog(self.window, self._default_harmony_voices(), self._harmony_bars())
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
        return self._start("harmonize", lambda sampling: HarmonizeRequest(score, voices, start, end, sampling),
                           f"Harmonize {names} in {bars_text(range(start, end))}")

    def _harmony_bars(self) -> tuple[int, int]:
        bars = self.doc.selected_bars
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
        if job.kind == "new":
            r = job.request
            return self.new_chorale(r.bars, r.key, r.meter)
        if job.kind == "continue":
            return self.continue_(job.request.bars)
        if job.kind == "fill":
            return self.fill(job.request.cells)
        return self.harmonize(job.request.voices, (job.request.start, job.request.end))

    def _start(self, kind: str, build, text: str) -> bool:
        if self.runner.busy:
            self._status("Already writing: cancel it first (Esc)")
            return False
        self._close_candidates()
        settings = self.settings()
        if not settings.seed_locked:
            self.panel.seed.setValue(new_seed())   # announced, so the project keeps the seed used
            settings = self.settings()
        try:
            request = build(settings.sampling())
            targets = request.targets(request.base())
        except ChoraleError as exc:
            self.window.show_error(f"Could not {text[0].lower()}{text[1:]}", str(exc))
            return False
        self.job = self.last_job = Job(kind, request, text)
        self.runner.start(request, self.chooser.folder)
        loading = self.chooser.capabilities is None
        self.panel.set_running(True, "Loading model…" if loading else f"{text}…")
        self.panel.progress_box.setTitle(text)
        self.roll.set_ghost_notes((), targets)
        self._status("Loading model…" if loading else f"{text}…")
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
        self.window.statusBar().showMessage(text, 8000)

    def _progress(self, words: int, expected: int, notes) -> None:
        if self.job is None:
            return
        self.panel.progress.setRange(0, max(1, expected))
        self.panel.progress.setValue(min(words, expected))
        self.panel.status.setText(f"{len(notes)} notes written ({words} of about {expected} words)")
        self.roll.set_ghost_notes(notes, self.roll.ghost_cells)

    def _job_ended(self) -> Job:
        job, self.job = self.job, None
        self.panel.set_running(False)
        self.roll.clear_ghost_notes()
        self._update_actions()
        return job

    def _finished(self, request, result) -> None:
        if not self._is_current(request):
            return
        job = self._job_ended()
        self.shown, self.result = job, result
        n = len(result.candidates)
        self.browser.set_candidates(result.candidates)
        self.panel.candidates_box.setTitle(f"Candidates — {job.text}")
        self.panel.candidates_box.show()
        self.dock.show()
        self._preview(0)
        self._status(f"{job.text}: {n} candidate{'s' if n != 1 else ''} in {result.seconds:.1f} s by "
                     f"{result.strategy} — accept one or discard them")
        self._update_actions()

    def _failed(self, request, message: str) -> None:
        if not self._is_current(request):
            return
        job = self._job_ended()
        self._status(f"{job.text} failed")
        self.window.show_error(f"Could not {job.text[0].lower()}{job.text[1:]}", message)

    def _cancelled(self, request) -> None:
        if not self._is_current(request):
            return
        job = self._job_ended()
        self._status(f"{job.text} cancelled; nothing was changed")

    # ---- candidates ----------------------------------------------------------------------------
    def candidates(self) -> tuple:
        return self.result.candidates if self.result is not None else ()

    def _cells_shown(self, candidate) -> frozenset[Cell]:
        if self.shown.kind == "new":   # the whole piece is replaced
            return frozenset((v, b) for v in Voice for b in range(max(self.doc.score.bars, candidate.score.bars)))
        return candidate.cells

    def _preview(self, index: int) -> None:
        """Show candidate ``index`` on the roll in place of the music it would replace."""
        cands = self.candidates()
        if not cands:
            return
        c = cands[index]
        notes = [(v, n) for v, b in sorted(c.cells) for n in c.score.notes_in_cell(v, b)]
        self.roll.set_ghost_notes(notes, self._cells_shown(c), solid=True)
        if self._auditioning:
            self.hear(index)

    def hear(self, index: int) -> None:
        """Play candidate ``index`` from the start of its new music (when playback is available)."""
        pb = self.window.playback
        cands = self.candidates()
        if pb is None or not cands:
            self._status("Playback is not available")
            return
        c = cands[index % len(cands)]
        start = min(b for _, b in c.cells) * c.score.steps_per_bar
        pb.set_score(c.score)
        pb.play(float(start))
        self._auditioning = True

    def accept(self, index: int | None = None) -> bool:
        """Put candidate ``index`` (default: the one shown) into the document as one undo step."""
        cands = self.candidates()
        if not cands:
            return False
        index = self.browser.current if index is None else index
        c, job = cands[index], self.shown
        try:
            command = self._command(job, c)
        except ChoraleError as exc:
            self.window.show_error("Could not accept the candidate", str(exc))
            return False
        self._close_candidates()
        self.doc.push(command)
        self._status(f"{job.text}: candidate {chr(ord('A') + index)} accepted (Undo takes it back)")
        return True

    def _command(self, job: Job, c):
        notes = {cell: c.score.notes_in_cell(*cell) for cell in c.cells}
        if job.kind in ("fill", "harmonize"):
            return ReplaceCellsCommand(self.doc, sorted(c.cells), notes, job.text)
        if job.kind == "new":
            return PieceCommand(self.doc, c.score, job.text)
        before = job.request.score
        if self.doc.score.bars != before.bars:
            raise ChoraleError(f"the piece now has {self.doc.score.bars} bars, not the {before.bars} it was "
                               "continued from; regenerate to continue it as it is")
        after = self.doc.snapshot()
        after.insert_bars(after.bars, c.score.bars - before.bars)
        after.replace_cells(sorted(c.cells), notes)
        return PieceCommand(self.doc, after, job.text)

    def discard(self) -> None:
        if self.result is not None:
            self._close_candidates()
            self._status("Candidates discarded; the chorale is as it was")

    def _close_candidates(self) -> None:
        pb = self.window.playback
        if self._auditioning and pb is not None:
            pb.stop()
            pb.set_score(self.doc.score)
        self._auditioning = False
        if self.result is not None:
            self.roll.clear_ghost_notes()
        self.result = self.shown = None
        self.browser.set_candidates(())
        self.panel.candidates_box.hide()
        self._update_actions()

    def _update_actions(self) -> None:
        running = self.job is not None
        has = bool(self.candidates())
        for act in (self.act_new, self.act_continue, self.act_harmonize):
            act.setEnabled(not running)
        self.act_fill.setEnabled(not running and bool(self.doc.selected_bars or self.doc.selection))
        self.act_regenerate.setEnabled(not running and self.last_job is not None)
        self.act_cancel.setEnabled(running)
        multiple = has and len(self.candidates()) > 1
        for act in (self.act_prev, self.act_next):
            act.setEnabled(multiple)
        for act in (self.act_hear, self.act_accept, self.act_discard):
            act.setEnabled(has)

    # ---- closing -------------------------------------------------------------------------------
    def shutdown(self) -> bool:
        """Stop any running request and the worker thread (the window is closing)."""
        return self.runner.shutdown(1000)


class NewChoraleDialog(QDialog):
    """Bars, key, meter and style of a new chorale."""

    def __init__(self, parent: QWidget, style: str, score: Score) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Chorale")
        self.bars = QSpinBox()
        self.bars.setRange(4, 64)
        self.bars.setValue(8)
        self.keys = [Key(f, m) for m in ("major", "minor") for f in range(-6, 7)]
        self.key = QComboBox()
        self.key.addItems([k.name for k in self.keys])
        self.key.setCurrentIndex(self.keys.index(score.key) if score.key in self.keys else 6)
        self.meter = QComboBox()
        self.meter.addItems(["4/4", "3/4"])
        self.style = QComboBox()
        for k, name in STYLE_NAMES.items():
            self.style.addItem(name, k)
        self.style.setCurrentIndex(max(0, self.style.findData(style)))
        form = QFormLayout()
        form.addRow("Bars", self.bars)
        form.addRow("Key", self.key)
        form.addRow("Meter", self.meter)
        form.addRow("Style", self.style)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Write")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("The new piece replaces the open one when you accept it (Undo brings it back)."))
        layout.addWidget(buttons)

    def values(self) -> dict:
        return {"bars": self.bars.value(), "key": self.keys[self.key.currentIndex()],
                "meter": Meter.parse(self.meter.currentText()), "style": self.style.currentData()}


class HarmonizeDialog(QDialog):
    """Which voices to write; the others are kept and listened to."""

    def __init__(self, parent: QWidget, voices, bars: tuple[int, int]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Harmonize")
        self.boxes = {v: QCheckBox(v.label) for v in Voice}
        row = QHBoxLayout()
        for v, box in self.boxes.items():
            box.setChecked(v in voices)
            box.toggled.connect(self._check)
            row.addWidget(box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Write")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Voices to write in {bars_text(range(*bars))}; the others stay as they are:"))
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        chosen = self.voices()
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(0 < len(chosen) < 4)

    def voices(self) -> tuple[Voice, ...]:
        return tuple(v for v, box in self.boxes.items() if box.isChecked())
