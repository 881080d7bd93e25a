"""The editor window: menus, toolbar with transport, voices panel, piano roll and status bar.

File formats come from ``chorale_studio.io`` and sound from
``chorale_studio.playback``; both are imported when first needed so the
window opens at once (music21, numpy and FluidSynth load later or never).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThread, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QInputDialog, QLabel, QMainWindow,
                               QMessageBox, QSplitter, QToolBar, QToolButton, QWidget)

from ..errors import ChoraleError
from ..score import Key, Meter, Note, Score, Voice, pitch_name
from . import theme
from .commands import NotesCommand, PieceCommand, TempoCommand, meter_changed, placed
from .document import ScoreDocument, SelectedNote
from .generation_controller import GenerationController
from .piano_roll import SNAP_CHOICES, PianoRoll
from .recovery import Autosaver
from .voices_panel import VoicesPanel

APP_NAME = "Chorale Studio"
ORGANIZATION = "Chorale Studio"
MAX_RECENT = 8
PROJECT_FILTER = "Chorale Studio project (*.chorale)"
IMPORT_FILTER = "MIDI or MusicXML (*.mid *.midi *.musicxml *.xml *.mxl)"
OPEN_FILTER = "Chorale Studio project, MIDI or MusicXML (*.chorale *.mid *.midi *.musicxml *.xml *.mxl)"
ABOUT_TEXT = f"""<h3>{APP_NAME}</h3>
<p>Write four-voice chorales (soprano, alto, tenor, bass) together with a small GPT-2 language model.</p>
<p><b>Training data</b><br>
JS Fake Chorales, Omar Peracha (2021/2022), CC BY 4.0<br>
Bach chorales from the music21 corpus</p>
<p><b>Model</b><br>a small GPT-2 trained by this project on the data above.</p>
<p>Sound: FluidSynth with a General MIDI soundfont.</p>"""


def app_settings() -> QSettings:
    """The app's QSettings (an INI file in the user's config folder; tests point QSettings.setPath elsewhere)."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANIZATION, APP_NAME)


class _BackgroundJob(QThread):
    """Runs one slow function (a WAV render) off the GUI thread; ``done`` carries an error message or ''."""

    done = Signal(str)

    def __init__(self, work, parent=None) -> None:
        super().__init__(parent)
        self.work = work

    def run(self) -> None:
        try:
            self.work()
        except (ChoraleError, OSError, ValueError) as exc:
            self.done.emit(str(exc) or type(exc).__name__)
            return
        self.done.emit("")


class MainWindow(QMainWindow):
    def __init__(self, *, audio: str = "auto", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = app_settings()
        self.doc = ScoreDocument(parent=self)
        self.roll = PianoRoll(self.doc)
        self.voices_panel = VoicesPanel(self.doc)
        self.playback = None          # a PlaybackController once connect_playback ran
        self._audio = audio
        self._clipboard: list[SelectedNote] = []
        self._jobs: list[_BackgroundJob] = []
        self.autosaver = Autosaver(self.doc, parent=self)   # unsaved work survives a crash
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.voices_panel)
        splitter.addWidget(self.roll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1140])
        splitter.setHandleWidth(2)
        self.setCentralWidget(splitter)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self.doc.fileChanged.connect(self._update_title)
        self.doc.activeVoiceChanged.connect(self._active_voice_changed)
        self.doc.scoreChanged.connect(self._score_changed)
        self.doc.selectionChanged.connect(self._selection_changed)
        self.roll.hoverChanged.connect(self._hover)
        self.roll.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.roll.seekRequested.connect(self._seek)
        self.roll.snapChanged.connect(self._snap_changed)
        self._active_voice_changed(int(self.doc.active_voice))
        self._score_changed()
        self._update_title()
        self.generation = GenerationController(self)   # Generate menu, toolbar, panel and worker thread
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 850)

    # ---- building ------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        act.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        a = self._action
        self.act_new = a("&New", self.new_document, QKeySequence.New, "Start an empty chorale")
        self.act_open = a("&Open…", self._ask_open, QKeySequence.Open, "Open a project, MIDI or MusicXML file")
        self.act_save = a("&Save", self.save, QKeySequence.Save, "Save the project")
        self.act_save_as = a("Save &As…", self.save_as, "Ctrl+Shift+S")
        self.act_import = a("&Import MIDI/MusicXML…", self._ask_import, "Ctrl+I",
                            "Read a MIDI or MusicXML file as a new chorale")
        self.act_export_midi = a("Export &MIDI…", self.export_midi, "Ctrl+E")
        self.act_export_xml = a("Export Music&XML…", self.export_musicxml, "Ctrl+Shift+E")
        self.act_export_wav = a("Export &WAV…", self.export_wav)
        self.act_quit = a("&Quit", self.close, QKeySequence.Quit)
        self.act_undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([QKeySequence.Undo])
        self.act_redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_cut = a("Cu&t", self.cut, QKeySequence.Cut)
        self.act_copy = a("&Copy", self.copy, QKeySequence.Copy)
        self.act_paste = a("&Paste", self.paste, QKeySequence.Paste, "Paste at the playhead")
        self.act_delete = a("&Delete", self.roll.delete_selected, QKeySequence.Delete)
        self.act_select_all = a("Select &All", self.select_all, QKeySequence.SelectAll,
                                "Select every note of the visible voices")
        self.act_zoom_in = a("Zoom &In", lambda: self.roll.zoom_horizontal(1.25), ["Ctrl+=", "Ctrl++"])
        self.act_zoom_out = a("Zoom &Out", lambda: self.roll.zoom_horizontal(0.8), "Ctrl+-")
        self.act_vzoom_in = a("Zoom In &Vertically", lambda: self.roll.zoom_vertical(1.2), "Ctrl+Shift+=")
        self.act_vzoom_out = a("Zoom Out V&ertically", lambda: self.roll.zoom_vertical(1 / 1.2), "Ctrl+Shift+-")
        self.act_fit = a("&Fit to Window", self.roll.fit_to_window, "Ctrl+0")
        self.act_key = a("&Key…", self._ask_key)
        self.act_meter = a("&Meter…", self._ask_meter)
        self.act_tempo = a("&Tempo…", self._ask_tempo)
        self.act_insert_bars = a("&Insert Bars…", self._ask_insert_bars, None,
                                 "Insert empty bars before the selected bar (or the playhead's bar)")
        self.act_delete_bars = a("De&lete Bars", self.delete_bars, None,
                                 "Delete the selected bars (or the playhead's bar)")
        self.act_play = a("▶  Play", self.toggle_play, "Space", "Play or pause from the playhead (Space)")
        self.act_stop = a("■  Stop", self.stop, None, "Stop and go back to the start")
        self.act_about = a("&About Chorale Studio", self.about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.act_new, self.act_open])
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file.addActions([self.act_save, self.act_save_as])
        file.addSeparator()
        file.addAction(self.act_import)
        file.addActions([self.act_export_midi, self.act_export_xml, self.act_export_wav])
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_delete])
        edit.addSeparator()
        edit.addAction(self.act_select_all)
        view = bar.addMenu("&View")
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_vzoom_in, self.act_vzoom_out])
        view.addSeparator()
        view.addAction(self.act_fit)
        piece = bar.addMenu("&Piece")
        piece.addActions([self.act_key, self.act_meter, self.act_tempo])
        piece.addSeparator()
        piece.addActions([self.act_insert_bars, self.act_delete_bars])
        # Filled by the generation feature; kept here so the menu order stays File … Generate, Help.
        self.generate_menu = bar.addMenu("&Generate")
        help_ = bar.addMenu("&Help")
        help_.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Transport and editing")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        self.addToolBar(tb)
        tb.addAction(self.act_play)
        tb.addAction(self.act_stop)
        self.position_label = QLabel("  1 . 1 . 1")
        self.position_label.setObjectName("transportPosition")
        self.position_label.setToolTip("Playhead: bar . beat . sixteenth")
        self.position_label.setMinimumWidth(100)
        tb.addWidget(self.position_label)
        tb.addWidget(_caption("Tempo"))
        self.tempo_box = QDoubleSpinBox()
        self.tempo_box.setRange(20, 300)
        self.tempo_box.setDecimals(0)
        self.tempo_box.setSuffix(" bpm")
        self.tempo_box.setToolTip("Quarter notes per minute")
        self.tempo_box.valueChanged.connect(self.set_tempo)
        tb.addWidget(self.tempo_box)
        tb.addSeparator()
        tb.addWidget(_caption("Voice"))
        self.voice_buttons: dict[Voice, QToolButton] = {}
        group = QActionGroup(self)
        for v in Voice:
            act = QAction(v.short, self)
            act.setCheckable(True)
            act.setToolTip(f"Write in the {v.label.lower()} ({v.value + 1})")
            act.triggered.connect(lambda _c=False, v=v: self.doc.set_active_voice(v))
            group.addAction(act)
            tb.addAction(act)
            button = tb.widgetForAction(act)
            color = theme.VOICE_COLORS[v].name()
            button.setStyleSheet(f"QToolButton {{ color: {color}; font-weight: bold; min-width: 18px; }}"
                                 f"QToolButton:checked {{ background: {color}; color: #15171b; }}")
            self.voice_buttons[v] = button
        tb.addSeparator()
        tb.addWidget(_caption("Snap"))
        self.snap_box = QComboBox()
        self.snap_box.addItems(list(SNAP_CHOICES))
        self.snap_box.setToolTip("Grid for drawing and moving notes")
        self.snap_box.currentTextChanged.connect(lambda text: self.roll.set_snap(SNAP_CHOICES[text]))
        tb.addWidget(self.snap_box)
        tb.addSeparator()
        tb.addActions([self.act_zoom_out, self.act_zoom_in, self.act_fit])
        for act, text in ((self.act_zoom_out, "−"), (self.act_zoom_in, "+"), (self.act_fit, "Fit")):
            tb.widgetForAction(act).setText(text)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.status_voice = QLabel()
        self.status_snap = QLabel()
        self.status_position = QLabel()
        self.status_position.setMinimumWidth(190)
        for w in (self.status_position, self.status_snap, self.status_voice):
            sb.addPermanentWidget(w)
        self._snap_changed(self.roll.snap)

    # ---- playback ------------------------------------------------------------------------------
    def connect_playback(self) -> None:
        """Create the playback controller and wire it in; without it the transport stays greyed out."""
        try:
            from ..playback.qt import PlaybackController
            self.playback = PlaybackController(self.doc.score, audio=self._audio, parent=self)
        except (ImportError, OSError, ChoraleError) as exc:
            self._playback_unavailable(f"Playback is unavailable: {exc}")
            return
        pb = self.playback
        pb.positionChanged.connect(self._playhead_moved)
        pb.stateChanged.connect(self._playback_state)
        pb.availabilityChanged.connect(self._playback_availability)
        self.doc.scoreChanged.connect(lambda: pb.set_score(self.doc.score))
        self.doc.scoreChanged.connect(lambda: pb.set_tempo(float(self.doc.score.tempo)))
        self.doc.mixChanged.connect(lambda: pb.set_mix(self.doc.mix))
        self.doc.selectionChanged.connect(self._loop_selected_bars)
        pb.set_mix(self.doc.mix)
        for act in (self.act_play, self.act_stop):
            act.setEnabled(True)

    def _playback_unavailable(self, message: str) -> None:
        for act in (self.act_play, self.act_stop):
            act.setEnabled(False)
            act.setToolTip(message)
        self.statusBar().showMessage(message, 10000)

    def _playback_availability(self, available: bool, message: str) -> None:
        # The controller still moves the playhead without sound, so the buttons stay usable.
        self.act_play.setToolTip(("Play or pause (Space) — " + message) if message else self.act_play.toolTip())
        if not available:
            self.statusBar().showMessage(message, 10000)

    def _playback_state(self, state: str) -> None:
        self.act_play.setText("❚❚  Pause" if state == "playing" else "▶  Play")

    def toggle_play(self) -> None:
        if self.playback is None:
            return
        if self.playback.state() == "playing":
            self.playback.pause()
        else:
            self.playback.play(self.roll.playhead)

    def stop(self) -> None:
        if self.playback is not None:
            self.playback.stop()
        self._playhead_moved(0.0)

    def _seek(self, step: float) -> None:
        self._playhead_moved(step)
        if self.playback is not None and self.playback.state() == "playing":
            self.playback.play(step)

    def _playhead_moved(self, step: float) -> None:
        self.roll.set_playhead(step)
        score = self.doc.score
        s = int(step)
        bar, in_bar = divmod(s, score.steps_per_bar)
        beat, sixteenth = divmod(in_bar, score.meter.steps_per_beat)
        self.position_label.setText(f"{bar + 1:3d} . {beat + 1} . {sixteenth + 1}")

    def _loop_selected_bars(self) -> None:
        bars = self.doc.selected_bars
        if bars:
            spb = self.doc.score.steps_per_bar
            self.playback.set_loop(min(bars) * spb, (max(bars) + 1) * spb)
        else:
            self.playback.set_loop(None)

    # ---- reacting to the document ---------------------------------------------------------------
    def _update_title(self) -> None:
        star = "*" if self.doc.is_modified() else ""
        self.setWindowTitle(f"{self.doc.display_name}{star} — {APP_NAME}")

    def _active_voice_changed(self, value: int) -> None:
        v = Voice(value)
        for voice, button in self.voice_buttons.items():
            button.defaultAction().setChecked(voice == v)
        color = theme.VOICE_COLORS[v].name()
        self.status_voice.setText(f"<span style='color:{color}'>●</span> {v.label} ({v.value + 1})")

    def _score_changed(self) -> None:
        score = self.doc.score
        self.tempo_box.blockSignals(True)
        self.tempo_box.setValue(float(score.tempo))
        self.tempo_box.blockSignals(False)
        self.statusBar().setToolTip(f"{score.key.name}, {score.meter}, {score.bars} bars")

    def _selection_changed(self) -> None:
        n = len(self.doc.selection)
        bars = sorted(self.doc.selected_bars)
        if n:
            self.statusBar().showMessage(f"{n} note{'s' if n != 1 else ''} selected", 3000)
        elif bars:
            span = f"bar {bars[0] + 1}" if len(bars) == 1 else f"bars {bars[0] + 1}–{bars[-1] + 1}"
            self.statusBar().showMessage(f"{span} selected", 3000)

    def _snap_changed(self, steps: int) -> None:
        name = next(k for k, v in SNAP_CHOICES.items() if v == steps)
        self.status_snap.setText(f"Snap {name}")
        if self.snap_box.currentText() != name:
            self.snap_box.setCurrentText(name)

    def _hover(self, step: int, pitch: int) -> None:
        score = self.doc.score
        bar, in_bar = divmod(step, score.steps_per_bar)
        beat = in_bar // score.meter.steps_per_beat
        self.status_position.setText(f"Bar {bar + 1}  Beat {beat + 1}  {pitch_name(pitch, score.key.fifths < 0)}")

    # ---- files ----------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded, or nothing to lose)."""
        if not self.doc.is_modified():
            return True
        box = QMessageBox(QMessageBox.Warning, APP_NAME,
                          f"“{self.doc.display_name}” has unsaved changes.",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.setInformativeText("Save them before continuing?")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_document(self) -> None:
        if self.maybe_save():
            self.doc.load(Score(bars=8))
            self._playhead_moved(0.0)

    def open_file(self, path: str | Path) -> bool:
        """Open a .chorale project, or import a MIDI/MusicXML file as a new, unsaved chorale."""
        path = Path(path)
        if not self.maybe_save():
            return False
        try:
            if path.suffix.lower() == ".chorale":
                from ..io.project import load_project
                project = load_project(path)
                self.doc.load(project.score, path, project.settings)
                self._remember_recent(path)
                messages: list[str] = []
                remarks: list[str] = []
            else:
                from ..io.files import load_any
                result = load_any(path)
                if not result.score.title:
                    result.score.title = path.stem
                self.doc.load(result.score, None, clean=False)
                self._remember_recent(path)
                messages, remarks = list(result.messages), list(result.remarks)
        except (ChoraleError, OSError) as exc:
            self.show_error(f"Could not open {path.name}", str(exc))
            return False
        self._playhead_moved(0.0)
        self.roll.fit_to_window()
        self.statusBar().showMessage("; ".join([f"Opened {path.name}", *remarks]), 8000)
        if messages:
            self.show_info(f"{path.name} was imported with some adjustments", "\n".join(f"• {m}" for m in messages))
        return True

    def save(self) -> bool:
        if self.doc.path is None or self.doc.path.suffix.lower() != ".chorale":
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            start = str(self.doc.path or Path.home() / f"{self.doc.display_name}.chorale")
            path, _ = QFileDialog.getSaveFileName(self, "Save Chorale", start, PROJECT_FILTER)
            if not path:
                return False
        path = Path(path)
        if path.suffix.lower() != ".chorale":
            path = path.with_suffix(".chorale")
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        from ..io.project import save_project
        try:
            save_project(path, self.doc.score, self.doc.project_settings())
        except (ChoraleError, OSError) as exc:
            self.show_error(f"Could not save {path.name}", str(exc))
            return False
        self.doc.mark_saved(path)
        self._remember_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open", self._last_folder(), OPEN_FILTER)
        if path:
            self.open_file(path)

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import MIDI or MusicXML", self._last_folder(), IMPORT_FILTER)
        if path:
            self.open_file(path)

    def _export(self, path, title: str, suffix: str, file_filter: str) -> Path | None:
        if path is None:
            start = (self.doc.path or Path(self._last_folder()) / self.doc.display_name).with_suffix(suffix)
            path, _ = QFileDialog.getSaveFileName(self, title, str(start), file_filter)
            if not path:
                return None
        return Path(path)

    def export_midi(self, path: str | Path | None = None) -> bool:
        path = self._export(path, "Export MIDI", ".mid", "MIDI (*.mid)")
        if path is None:
            return False
        from ..io.midi import write_midi
        programs = {v: self.doc.mix[v].program for v in Voice}
        return self._write(lambda: write_midi(self.doc.score, path, programs=programs), path)

    def export_musicxml(self, path: str | Path | None = None) -> bool:
        path = self._export(path, "Export MusicXML", ".musicxml", "MusicXML (*.musicxml *.xml *.mxl)")
        if path is None:
            return False
        from ..io.musicxml import write_musicxml
        return self._write(lambda: write_musicxml(self.doc.score, path), path)

    def _write(self, work, path: Path) -> bool:
        try:
            work()
        except (ChoraleError, OSError) as exc:
            self.show_error(f"Could not export {path.name}", str(exc))
            return False
        self.statusBar().showMessage(f"Exported {path}", 5000)
        return True

    def export_wav(self, path: str | Path | None = None) -> _BackgroundJob | None:
        """Render to WAV in the background; returns the running job (its ``done`` says how it went)."""
        path = self._export(path, "Export WAV", ".wav", "WAV audio (*.wav)")
        if path is None:
            return None
        score, mix = self.doc.snapshot(), self.doc.mix

        def render() -> None:
            from ..playback.render import render_wav
            render_wav(score, path, mix=mix)

        job = _BackgroundJob(render, self)
        job.done.connect(lambda error: self._wav_done(job, path, error))
        self._jobs.append(job)
        self.statusBar().showMessage(f"Rendering {path.name}…")
        job.start()
        return job

    def _wav_done(self, job: _BackgroundJob, path: Path, error: str) -> None:
        self._jobs.remove(job)
        if error:
            self.show_error(f"Could not render {path.name}", error)
        else:
            self.statusBar().showMessage(f"Exported {path}", 5000)

    def show_error(self, title: str, message: str) -> None:
        """A window-modal message that does not block the caller: nothing on screen is lost."""
        self._message_box(QMessageBox.Critical, title, message)

    def show_info(self, title: str, message: str) -> None:
        self._message_box(QMessageBox.Information, title, message)

    def _message_box(self, icon, title: str, message: str) -> None:
        box = QMessageBox(icon, APP_NAME, title, QMessageBox.Ok, self)
        box.setInformativeText(message)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0] if message else ''}", 10000)

    # ---- recent files ---------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):   # QSettings returns a lone string for a one-item list in INI files
            value = [value]
        return [str(v) for v in value or []]

    def _remember_recent(self, path: Path) -> None:
        entry = str(Path(path).resolve())
        files = [entry] + [f for f in self.recent_files() if f != entry]
        self.settings.setValue("recentFiles", files[:MAX_RECENT])

    def _last_folder(self) -> str:
        files = self.recent_files()
        return str(Path(files[0]).parent) if files else str(Path.home())

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, f in enumerate(files):
            act = self.recent_menu.addAction(f"&{i + 1}  {Path(f).name}")
            act.setToolTip(f)
            act.triggered.connect(lambda _c=False, f=f: self.open_file(f))
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)

    # ---- editing --------------------------------------------------------------------------------
    def select_all(self) -> None:
        self.doc.select((v, n) for v, n in self.doc.score.all_notes() if self.doc.is_visible(v))

    def copy(self) -> None:
        self._clipboard = sorted(self.doc.selection, key=lambda vn: (vn[1].start, vn[0]))
        if self._clipboard:
            self.statusBar().showMessage(f"Copied {len(self._clipboard)} note(s)", 3000)

    def cut(self) -> None:
        self.copy()
        self.roll.delete_selected()

    def paste(self) -> None:
        """Paste the copied notes starting at the playhead (on the snap grid), each into its own voice."""
        if not self._clipboard:
            return
        score = self.doc.score
        snap = self.roll.snap
        at = int(self.roll.playhead // snap * snap)
        first = min(n.start for _, n in self._clipboard)
        pasted: list[SelectedNote] = []
        for v, n in self._clipboard:
            start = n.start - first + at
            if start < score.total_steps:
                pasted.append((v, Note(start=start, length=min(n.length, score.total_steps - start), pitch=n.pitch)))
        if not pasted:
            return
        after = {v: placed(score, v, score.notes(v), [n for w, n in pasted if w == v]) for v in {v for v, _ in pasted}}
        self.doc.push(NotesCommand(self.doc, after, f"Paste {len(pasted)} note(s)", select_after=pasted))

    # ---- piece ----------------------------------------------------------------------------------
    def set_tempo(self, bpm: float) -> None:
        if float(bpm) != float(self.doc.score.tempo):
            self.doc.push(TempoCommand(self.doc, float(bpm)))

    def set_key(self, key: Key) -> None:
        if key == self.doc.score.key:
            return
        after = self.doc.snapshot()
        after.key = key
        self.doc.push(PieceCommand(self.doc, after, f"Key {key.name}"))

    def set_meter(self, meter: Meter) -> None:
        if meter != self.doc.score.meter:
            self.doc.push(PieceCommand(self.doc, meter_changed(self.doc.score, meter), f"Meter {meter}"))
            self.statusBar().showMessage(f"Now in {meter}: notes kept their places, bar locks were cleared", 8000)

    def insert_bars(self, at: int, count: int) -> bool:
        after = self.doc.snapshot()
        try:
            after.insert_bars(at, count)
        except ChoraleError as exc:
            self.show_error("Could not insert bars", str(exc))
            return False
        self.doc.push(PieceCommand(self.doc, after, f"Insert {count} bar(s)"))
        return True

    def delete_bars(self, at: int | None = None, count: int | None = None) -> bool:
        if at is None:
            at, count = self._target_bars()
        after = self.doc.snapshot()
        try:
            after.delete_bars(at, count)
        except ChoraleError as exc:
            self.show_error("Could not delete bars", str(exc))
            return False
        self.doc.push(PieceCommand(self.doc, after, f"Delete {count} bar(s)"))
        return True

    def _target_bars(self) -> tuple[int, int]:
        """The selected bar range, or the bar under the playhead."""
        bars = self.doc.selected_bars
        if bars:
            return min(bars), max(bars) - min(bars) + 1
        return min(self.doc.score.bars - 1, int(self.roll.playhead) // self.doc.score.steps_per_bar), 1

    def _ask_key(self) -> None:
        keys = [Key(f, m) for m in ("major", "minor") for f in range(-7, 8)]
        names = [f"{k.name} ({abs(k.fifths)} {'♯' if k.fifths > 0 else '♭'})" if k.fifths else k.name for k in keys]
        current = keys.index(self.doc.score.key) if self.doc.score.key in keys else 0
        name, ok = QInputDialog.getItem(self, "Key", "Key of the chorale:", names, current, False)
        if ok:
            self.set_key(keys[names.index(name)])

    def _ask_meter(self) -> None:
        options = ["4/4", "3/4"]
        text, ok = QInputDialog.getItem(self, "Meter", "Time signature:", options,
                                        options.index(str(self.doc.score.meter)), False)
        if ok:
            self.set_meter(Meter.parse(text))

    def _ask_tempo(self) -> None:
        bpm, ok = QInputDialog.getDouble(self, "Tempo", "Quarter notes per minute:",
                                         float(self.doc.score.tempo), 20, 300, 0)
        if ok:
            self.tempo_box.setValue(bpm)

    def _ask_insert_bars(self) -> None:
        at, _ = self._target_bars()
        count, ok = QInputDialog.getInt(self, "Insert Bars", f"Empty bars to insert before bar {at + 1}:",
                                        1, 1, 64)
        if ok:
            self.insert_bars(at, count)

    # ---- help and closing -----------------------------------------------------------------------
    def about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", ABOUT_TEXT)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        if self.playback is not None:
            self.playback.close()
        for job in self._jobs:
            job.wait()
        self.generation.shutdown()
        self.autosaver.close()
        event.accept()


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: #8a909c; padding: 0 4px 0 10px; background: transparent;")
    return label
