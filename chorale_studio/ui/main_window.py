"""The editor window: it puts the parts together and shows what they report.

The window owns the document and its ``ScoreEditor`` (the one door for edits), the piano roll and
voices panel (views), the files, the transport and the generation feature.  Actions live in one
``ActionRegistry`` and the menu bar is built from it.  Features talk back through signals: the
editor's and the ``Notifier``'s messages end up in the status bar or a message box here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter,
                               QToolButton, QWidget)

from ..score import Key, Meter, Score, Voice, edits, pitch_name
from . import theme
from .actions import ActionRegistry
from .document import ScoreDocument, SelectedNote
from .editor import ScoreEditor
from .files import APP_NAME, DocumentFiles
from .generation_controller import GenerationController
from .context_menus import BAR_ACTIONS, NOTE_ACTIONS, PLACE_ACTIONS, ContextMenus
from .generation_dialogs import bars_text, cells_text
from .help import HelpWindows
from .notation.pane import ScorePane
from .midi_keyboard import MidiKeyboard
from .note_input import NoteInput
from .notifier import Notifier
from .piece_dialogs import TRANSPOSE, TransposeDialog, ask_key_change
from .piano_roll import SNAP_CHOICES, PianoRoll
from .recovery import Autosaver, offer_recovery
from .transport import TransportBar
from .voices_panel import VoicesPanel

ORGANIZATION = "Chorale Studio"
MENUS = ("&File", "&Edit", "&View", "&Piece", "&Generate", "&Help")
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


class MainWindow(QMainWindow):
    def __init__(self, *, audio: str = "auto", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = app_settings()
        self.doc = ScoreDocument(parent=self)
        self.editor = ScoreEditor(self.doc, self)
        self.notifier = Notifier(self)
        self.registry = ActionRegistry(self)
        self.roll = PianoRoll(self.editor)
        self.voices_panel = VoicesPanel(self.editor)
        self.files = DocumentFiles(self.doc, self.notifier, self.settings, self)
        f = self.files   # the window's file commands are the files object's
        self.save, self.save_as, self.recent_files = f.save, f.save_as, f.recent_files
        self.export_midi, self.export_musicxml, self.export_wav = f.export_midi, f.export_musicxml, f.export_wav
        self.autosaver = Autosaver(self.doc, parent=self)   # unsaved work survives a crash
        self._clipboard: list[SelectedNote] = []
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.voices_panel)
        splitter.addWidget(self.roll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1140])
        splitter.setHandleWidth(2)
        self.setCentralWidget(splitter)
        self._add_actions()
        self.note_input = NoteInput(self.editor, self.registry, self, lambda: self.roll.playhead)
        self.midi_keyboard = MidiKeyboard(self.note_input, self.registry, self.notifier, self)
        self.transport = TransportBar(self.editor, self.roll, self.registry, self.notifier, audio, self)
        self.addToolBar(self.transport.toolbar)
        t = self.transport
        self.act_play, self.act_stop, self.voice_buttons = t.act_play, t.act_stop, t.voice_buttons
        self.snap_box, self.position_label = t.snap_box, t.position_label
        self.generation = GenerationController(self.doc, self.editor, self.roll.selected_cells, self.notifier,
                                               self.settings, self.registry, self)
        self._add_generation()
        self._add_score_pane()
        self.help = HelpWindows(self, self.registry, self.generation.overlay, theme.OVERLAY_COLORS)
        self.context_menus = ContextMenus(self.registry, self)
        self.registry.add("about", "&About Chorale Studio", self.about, menu="&Help")
        self.registry.build_menus(self.menuBar(), MENUS)
        self._build_status_bar()
        self._wire()
        self._update_title()
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 850)

    # ---- building ------------------------------------------------------------------------------
    def _add_actions(self) -> None:
        reg, roll, files = self.registry, self.roll, self.files

        def a(menu, name, text, slot, shortcut=None, tip=""):
            return reg.add(name, text, slot, shortcut, tip, menu=menu)

        f = "&File"
        a(f, "new", "&New", self.new_document, QKeySequence.New, "Start an empty chorale")
        a(f, "open", "&Open…", files.ask_open, QKeySequence.Open, "Open a project, MIDI or MusicXML file")
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(lambda: files.fill_recent_menu(self.recent_menu))
        reg.register("open_recent", self.recent_menu.menuAction(), menu=f)
        a(f, "save", "&Save", files.save, QKeySequence.Save, "Save the project")
        a(f, "save_as", "Save &As…", files.save_as, "Ctrl+Shift+S")
        reg.separator(f)
        a(f, "import", "&Import MIDI/MusicXML…", files.ask_import, "Ctrl+I",
          "Read a MIDI or MusicXML file as a new chorale")
        a(f, "export_midi", "Export &MIDI…", files.export_midi, "Ctrl+E")
        a(f, "export_musicxml", "Export Music&XML…", files.export_musicxml, "Ctrl+Shift+E")
        a(f, "export_wav", "Export &WAV…", files.export_wav)
        reg.separator(f)
        a(f, "quit", "&Quit", self.close, QKeySequence.Quit)
        e = "&Edit"
        self.act_undo = reg.register("undo", self.doc.undo_stack.createUndoAction(self, "&Undo"), menu=e)
        self.act_undo.setShortcuts([QKeySequence.Undo])
        self.act_redo = reg.register("redo", self.doc.undo_stack.createRedoAction(self, "&Redo"), menu=e)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        reg.separator(e)
        a(e, "cut", "Cu&t", self.cut, QKeySequence.Cut)
        a(e, "copy", "&Copy", self.copy, QKeySequence.Copy)
        a(e, "paste", "&Paste", self.paste, QKeySequence.Paste, "Paste at the playhead")
        a(e, "delete", "&Delete", self.editor.delete_selected, QKeySequence.Delete)
        reg.separator(e)
        a(e, "select_all", "Select &All", self.select_all, QKeySequence.SelectAll,
          "Select every note of the visible voices")
        v = "&View"
        self.act_zoom_in = a(v, "zoom_in", "Zoom &In", lambda: roll.zoom_horizontal(1.25), ["Ctrl+=", "Ctrl++"])
        self.act_zoom_out = a(v, "zoom_out", "Zoom &Out", lambda: roll.zoom_horizontal(0.8), "Ctrl+-")
        a(v, "vzoom_in", "Zoom In &Vertically", lambda: roll.zoom_vertical(1.2), "Ctrl+Shift+=")
        a(v, "vzoom_out", "Zoom Out V&ertically", lambda: roll.zoom_vertical(1 / 1.2), "Ctrl+Shift+-")
        reg.separator(v)
        self.act_fit = a(v, "fit", "&Fit to Window", roll.fit_to_window, "Ctrl+0")
        p = "&Piece"
        a(p, "key", "&Key…", self._ask_key)
        a(p, "meter", "&Meter…", self._ask_meter)
        a(p, "tempo", "&Tempo…", self._ask_tempo)
        a(p, "transpose", "Trans&pose…", self._ask_transpose, "Ctrl+T", "Move the whole piece by an interval or to a key")
        a(p, "fermata", "Phrase &End (Fermata)", self.toggle_fermata, "Ctrl+;",
          "Mark or unmark the beat of the selected note (or the playhead) as the end of a phrase")
        reg.separator(p)
        a(p, "insert_bars", "&Insert Bars…", self._ask_insert_bars, None,
          "Insert empty bars before the selected bar (or the playhead's bar)")
        a(p, "delete_bars", "De&lete Bars", self.delete_bars, None, "Delete the selected bars (or the playhead's bar)")

    def _add_generation(self) -> None:
        g = self.generation
        self.dock = QDockWidget("Generate", self)
        self.dock.setObjectName("generateDock")
        self.dock.setWidget(g.panel)
        self.dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable)
        self.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        panel = self.registry.register("generation_panel", self.dock.toggleViewAction(), menu="&Generate")
        panel.setText("Generation &Panel")
        panel.setShortcut(QKeySequence("F9"))
        self.addToolBar(g.toolbar)
        g.previewChanged.connect(lambda notes, cells, solid: self.roll.set_ghost_notes(notes, cells, solid=solid))
        g.previewPieceChanged.connect(self._preview_piece)
        g.markersChanged.connect(self.roll.set_markers)
        g.panelWanted.connect(self.dock.show)
        g.auditionRequested.connect(self.transport.audition)
        g.auditionStopped.connect(self.transport.end_audition)
        self.transport.availabilityChanged.connect(g.set_audition_available)

    def _add_score_pane(self) -> None:
        """The engraved score in a dock under the roll, linked to the roll, generation and the playhead."""
        self.score_pane = pane = ScorePane(self.doc)
        self.score_dock = QDockWidget("Score", self)
        self.score_dock.setObjectName("scoreDock")
        self.score_dock.setWidget(pane)
        self.addDockWidget(Qt.BottomDockWidgetArea, self.score_dock)
        # The Generate dock runs the window's full height, so the candidates coming and going (or a long
        # request's text) never resize the score or the roll under them.
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        toggle = self.registry.register("score_pane", self.score_dock.toggleViewAction(), menu="&View")
        toggle.setText("&Score (Notation)")
        toggle.setShortcut(QKeySequence("F8"))
        self.generation.previewChanged.connect(pane.set_preview)
        self.generation.previewPieceChanged.connect(lambda piece, _bars: pane.set_piece(piece))
        self.generation.markersChanged.connect(pane.set_markers)
        self.transport.playheadMoved.connect(pane.set_playhead)
        pane.notePicked.connect(lambda: self.roll.setFocus(Qt.MouseFocusReason))   # arrows now move that note
        self.roll.view.changed.connect(lambda: pane.show_bars(
            self.roll.view.visible_bars(self.doc.score, self.roll.canvas.width())))

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.status_voice = QLabel()
        self.status_snap = QLabel()
        self.status_position = QLabel()
        self.status_position.setMinimumWidth(190)
        # Shown only while playback has no sound: why, and a recording instead.
        self.no_sound_button = QToolButton()
        self.no_sound_button.setDefaultAction(self.transport.act_no_sound)
        self.no_sound_button.setAutoRaise(True)
        self.no_sound_button.setVisible(False)
        no_sound = self.transport.act_no_sound
        no_sound.changed.connect(lambda: self.no_sound_button.setVisible(no_sound.isVisible()))
        for w in (self.no_sound_button, self.status_position, self.status_snap, self.status_voice):
            sb.addPermanentWidget(w)

    def _wire(self) -> None:
        doc = self.doc
        doc.fileChanged.connect(self._update_title)
        doc.activeVoiceChanged.connect(self._active_voice_changed)
        doc.scoreChanged.connect(self._score_changed)
        doc.selectionChanged.connect(self._selection_changed)
        self.roll.hoverChanged.connect(self._hover)
        self.roll.snapChanged.connect(self._snap_changed)
        self.roll.noteMenuRequested.connect(self._note_menu)
        self.roll.barMenuRequested.connect(lambda _bar, at: self.context_menus.show(BAR_ACTIONS, at))
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.editor.failed.connect(self.show_error)
        self.note_input.cursorChanged.connect(self.roll.set_input_cursor)
        self.note_input.message.connect(lambda text: self.statusBar().showMessage(text, 0))
        self.notifier.status.connect(self.statusBar().showMessage)
        self.notifier.error.connect(self.show_error)
        self.notifier.info.connect(self.show_info)
        self.files.opened.connect(self._file_opened)
        # The status bar says what Undo and Redo did, not what the step undone once said ("… accepted").
        self.act_undo.triggered.connect(lambda: self._stepped("Undone", doc.undo_stack.index()))
        self.act_redo.triggered.connect(lambda: self._stepped("Redone", doc.undo_stack.index() - 1))
        self._active_voice_changed(int(doc.active_voice))
        self._snap_changed(self.roll.snap)
        self._score_changed()

    # ---- reacting to the document ---------------------------------------------------------------
    def _update_title(self) -> None:
        star = "*" if self.doc.is_modified() else ""
        self.setWindowTitle(f"{self.doc.display_name}{star} — {APP_NAME}")

    def _active_voice_changed(self, value: int) -> None:
        v = Voice(value)
        color = theme.VOICE_COLORS[v].name()
        self.status_voice.setText(f"<span style='color:{color}'>●</span> {v.label} ({v.value + 1})")

    def _score_changed(self) -> None:
        score = self.doc.score
        self.statusBar().setToolTip(f"{score.key.name}, {score.meter}, {score.bars} bars")

    def _selection_changed(self) -> None:
        n = len(self.doc.selection)
        target = self.roll.view.target_cells
        fill = f" — Fill writes {cells_text(target)}" if target else " — all locked: Fill writes nothing"
        if n:
            self.statusBar().showMessage(f"{n} note{'s' if n != 1 else ''} selected{fill}", 8000)
        elif self.doc.selected_bars:
            self.statusBar().showMessage(f"{bars_text(self.doc.selected_bars)} selected{fill}", 8000)

    def _preview_piece(self, piece, bars) -> None:
        """Generation shows another piece (a new one, or with coming bars) and the bars to look at."""
        self.roll.set_preview_piece(piece)
        if piece is not None and not piece.note_count():   # a new piece, in its own key and meter
            show = self.roll.fit_to_window
        elif bars is not None:
            show = lambda: self.roll.reveal_bars(*bars)   # noqa: E731
        else:
            return
        show()
        QTimer.singleShot(0, show)   # again once the panels have taken their room

    def _stepped(self, done: str, index: int) -> None:
        command = self.doc.undo_stack.command(index)
        if command is not None:
            self.statusBar().showMessage(f"{done}: {command.text()}", 8000)

    def _note_menu(self, on_note: bool, step: int, at) -> None:
        if not on_note:
            self._playhead_moved(float(step))
        self.context_menus.show(NOTE_ACTIONS if on_note else PLACE_ACTIONS, at)

    def _snap_changed(self, steps: int) -> None:
        name = next(k for k, v in SNAP_CHOICES.items() if v == steps)
        self.status_snap.setText(f"Snap {name}")

    def _hover(self, step: int, pitch: int) -> None:
        score = self.doc.score
        bar, in_bar = divmod(step, score.steps_per_bar)
        beat = in_bar // score.meter.steps_per_beat
        self.status_position.setText(f"Bar {bar + 1}  Beat {beat + 1}  {pitch_name(pitch, score.key.fifths < 0)}")

    def _playhead_moved(self, step: float) -> None:
        self.transport.move_playhead(step)

    def _file_opened(self) -> None:
        self._playhead_moved(0.0)
        self.roll.fit_to_window()

    # ---- playback (the transport does it) --------------------------------------------------------
    @property
    def playback(self):
        """The PlaybackController once ``connect_playback`` ran, else None."""
        return self.transport.playback

    def connect_playback(self) -> None:
        self.transport.connect_playback()

    # ---- files ----------------------------------------------------------------------------------
    def new_document(self) -> None:
        if self.files.maybe_save():
            self.doc.load(Score(bars=8))
            self._playhead_moved(0.0)

    def open_file(self, path: str | Path) -> bool:
        """Open a .chorale project, or import a MIDI/MusicXML file as a new, unsaved chorale."""
        return self.files.open_file(path)

    def recover_or_open(self, file: str | Path | None = None) -> None:
        """At start: offer unsaved work of a session that ended unexpectedly, else open ``file``.

        When work is restored, ``file`` is not opened on top of it; the composer is told so.
        """
        restored = offer_recovery(self.doc, self.autosaver, self)
        if restored is None:
            if file:
                self.open_file(file)
            return
        self.roll.fit_to_window()
        self.statusBar().showMessage(f"Restored unsaved changes of {restored.name}", 8000)
        if file and (restored.original is None or Path(file).resolve() != restored.original.resolve()):
            self.show_info(f"{Path(file).name} was not opened",
                           f"The unsaved changes of “{restored.name}” were restored instead. Save them, "
                           f"then open {Path(file).name} with File ▸ Open.")

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

    # ---- editing --------------------------------------------------------------------------------
    def select_all(self) -> None:
        self.doc.select((v, n) for v, n in self.doc.score.all_notes() if self.doc.is_visible(v))

    def copy(self) -> None:
        self._clipboard = sorted(self.doc.selection, key=lambda vn: (vn[1].start, vn[0]))
        if self._clipboard:
            self.statusBar().showMessage(f"Copied {len(self._clipboard)} note(s)", 3000)

    def cut(self) -> None:
        self.copy()
        self.editor.delete_selected()

    def paste(self) -> None:
        """Paste the copied notes starting at the playhead (on the snap grid), each into its own voice."""
        snap = self.roll.snap
        self.editor.paste(self._clipboard, int(self.roll.playhead // snap * snap))

    # ---- piece ----------------------------------------------------------------------------------
    def delete_bars(self) -> bool:
        """Delete the selected bars, or the bar under the playhead."""
        return self.editor.delete_bars(*self._target_bars())

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
            self.change_key(keys[names.index(name)])

    def change_key(self, key: Key) -> None:
        """A new key: the music is transposed into it, or only the signature changes, as the composer says."""
        old = self.doc.score.key
        if key == old or not self.doc.score.note_count() or key.mode != old.mode:
            self.editor.set_key(key)
            return
        answer = ask_key_change(self, old, key)
        if answer == TRANSPOSE:
            self.editor.transpose(edits.semitones_between(old, key), key)
        elif answer is not None:
            self.editor.set_key(key)

    def _ask_transpose(self) -> None:
        dialog = TransposeDialog(self, self.doc.score)
        if dialog.exec() == TransposeDialog.Accepted:
            self.editor.transpose(*dialog.values())

    def toggle_fermata(self) -> None:
        """Mark the beat of the first selected note (or of the playhead) as a phrase end, or unmark it."""
        sel = self.doc.selection
        self.editor.toggle_fermata(min(n.start for _, n in sel) if sel else int(self.roll.playhead))

    def _ask_meter(self) -> None:
        options = ["4/4", "3/4"]
        text, ok = QInputDialog.getItem(self, "Meter", "Time signature:", options,
                                        options.index(str(self.doc.score.meter)), False)
        if ok:
            self.editor.set_meter(Meter.parse(text))

    def _ask_tempo(self) -> None:
        bpm, ok = QInputDialog.getDouble(self, "Tempo", "Quarter notes per minute:",
                                         float(self.doc.score.tempo), 20, 300, 0)
        if ok:
            self.editor.set_tempo(bpm)

    def _ask_insert_bars(self) -> None:
        at, _ = self._target_bars()
        count, ok = QInputDialog.getInt(self, "Insert Bars", f"Empty bars to insert before bar {at + 1}:",
                                        1, 1, 64)
        if ok:
            self.editor.insert_bars(at, count)

    # ---- help and closing -----------------------------------------------------------------------
    def about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", ABOUT_TEXT)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        self.transport.close()
        self.midi_keyboard.close()
        self.files.wait_for_jobs()
        self.generation.shutdown()
        self.score_pane.shutdown()
        self.autosaver.close()
        event.accept()
