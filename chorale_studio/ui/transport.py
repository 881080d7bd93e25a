"""The transport toolbar and playback in the window: play/stop, the playhead's position, tempo, the
active voice, the snap grid and zoom; and the ``PlaybackController`` wired to the document.

Playback is created after the window shows (``connect_playback``); until then, or when it cannot
start, the transport buttons are greyed out with the reason.  Looping follows the selected bars;
generation's candidates are auditioned through ``audition`` / ``end_audition``.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QToolBar, QToolButton, QWidget

from ..errors import ChoraleError
from ..playback.transport import PlaybackState
from ..score import Voice
from . import theme
from .actions import ActionRegistry
from .editor import ScoreEditor
from .notifier import Notifier
from .piano_roll import SNAP_CHOICES, PianoRoll

PLAY_TEXT, PAUSE_TEXT = "▶  Play", "❚❚  Pause"


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(theme.CAPTION_STYLE)
    return label


class TransportBar(QObject):
    """The toolbar with transport and editing controls, and the playback they drive."""

    availabilityChanged = Signal(bool)   # whether playback (sound or silent) is there to audition with
    playheadMoved = Signal(float)        # the playhead's step (playing, seeking, stopping)

    def __init__(self, editor: ScoreEditor, roll: PianoRoll, actions: ActionRegistry, notifier: Notifier,
                 audio: str = "auto", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor, self.doc, self.roll, self.notifier, self._audio = editor, editor.doc, roll, notifier, audio
        self.playback = None          # a PlaybackController once connect_playback ran
        self.act_play = actions.add("play", PLAY_TEXT, self.toggle_play, "Space",
                                    "Play or pause from the playhead (Space)")
        self.act_stop = actions.add("stop", "■  Stop", self.stop, None, "Stop and go back to the start")
        tb = self.toolbar = QToolBar("Transport and editing")
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.addActions([self.act_play, self.act_stop])
        # Without a sound device the playhead still moves, in silence: the window shows this action (in the
        # status bar) with the reason, offering a recording instead.
        self.silent_reason = ""
        self.act_no_sound = QAction("No sound — Export WAV…", self)
        self.act_no_sound.triggered.connect(actions["export_wav"].trigger)
        self.act_no_sound.setVisible(False)
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
        self.tempo_box.valueChanged.connect(editor.set_tempo)
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
            button.setStyleSheet(theme.voice_button_style(v))
            self.voice_buttons[v] = button
        tb.addSeparator()
        tb.addWidget(_caption("Snap"))
        self.snap_box = QComboBox()
        self.snap_box.addItems(list(SNAP_CHOICES))
        self.snap_box.setCurrentText(next(k for k, v in SNAP_CHOICES.items() if v == roll.snap))
        self.snap_box.setToolTip("Grid for drawing and moving notes")
        self.snap_box.currentTextChanged.connect(lambda text: roll.set_snap(SNAP_CHOICES[text]))
        tb.addWidget(self.snap_box)
        tb.addSeparator()
        for name, text in (("zoom_out", "−"), ("zoom_in", "+"), ("fit", "Fit")):
            tb.addAction(actions[name])
            tb.widgetForAction(actions[name]).setText(text)
        roll.seekRequested.connect(self._seek)
        roll.snapChanged.connect(self._snap_changed)
        self.doc.activeVoiceChanged.connect(self._active_voice_changed)
        self.doc.scoreChanged.connect(self._score_changed)
        self._active_voice_changed(int(self.doc.active_voice))
        self._score_changed()

    # ---- following the document and the roll ----------------------------------------------------
    def _active_voice_changed(self, value: int) -> None:
        for voice, button in self.voice_buttons.items():
            button.defaultAction().setChecked(voice == Voice(value))

    def _score_changed(self) -> None:
        self._show_position(self.roll.playhead)   # a new meter counts bars and beats anew
        self.tempo_box.blockSignals(True)
        self.tempo_box.setValue(float(self.doc.score.tempo))
        self.tempo_box.blockSignals(False)

    def _snap_changed(self, steps: int) -> None:
        name = next(k for k, v in SNAP_CHOICES.items() if v == steps)
        if self.snap_box.currentText() != name:
            self.snap_box.setCurrentText(name)

    # ---- playback ------------------------------------------------------------------------------
    def connect_playback(self) -> None:
        """Create the playback controller and wire it in; without it the transport stays greyed out."""
        try:
            from ..playback.qt import PlaybackController
            self.playback = PlaybackController(self.doc.score, audio=self._audio, parent=self)
        except (ImportError, OSError, ChoraleError) as exc:
            self._unavailable(f"Playback is unavailable: {exc}")
            return
        pb, doc = self.playback, self.doc
        pb.positionChanged.connect(self.move_playhead)
        pb.stateChanged.connect(self._state_changed)
        pb.availabilityChanged.connect(self._availability)
        doc.scoreChanged.connect(lambda: pb.set_score(doc.score))
        doc.scoreChanged.connect(lambda: pb.set_tempo(float(doc.score.tempo)))
        doc.mixChanged.connect(lambda: pb.set_mix(doc.mix))
        doc.selectionChanged.connect(self._loop_selected_bars)
        pb.set_mix(doc.mix)
        for act in (self.act_play, self.act_stop):
            act.setEnabled(True)
        self.availabilityChanged.emit(True)

    def _unavailable(self, message: str) -> None:
        for act in (self.act_play, self.act_stop):
            act.setEnabled(False)
            act.setToolTip(message)
        self.notifier.show_status(message, 10000)

    def _availability(self, available: bool, message: str) -> None:
        # The controller still moves the playhead without sound, so the buttons stay usable.
        self.act_play.setToolTip(("Play or pause (Space) — " + message) if message else self.act_play.toolTip())
        self.silent_reason = "" if available else (message.rstrip(".") or "no audio device")
        self.act_no_sound.setVisible(not available)
        self.act_no_sound.setToolTip(f"{self.silent_reason}. Export WAV writes the piece to a file any player "
                                     "can play." if not available else "")
        if not available:
            self.notifier.show_status(message, 10000)

    def _state_changed(self, state: str) -> None:
        self.act_play.setText(PAUSE_TEXT if state == PlaybackState.PLAYING else PLAY_TEXT)

    def toggle_play(self) -> None:
        if self.playback is None:
            return
        if self.playback.state() == PlaybackState.PLAYING:
            self.playback.pause()
        else:
            self.playback.play(self.roll.playhead)
            if self.silent_reason:   # where the composer looks when nothing is heard
                self.notifier.show_status(f"Playing in silence: {self.silent_reason}. File ▸ Export WAV… "
                                          "writes a recording instead", 10000)

    def stop(self) -> None:
        if self.playback is not None:
            self.playback.stop()
        self.move_playhead(0.0)

    def _seek(self, step: float) -> None:
        self.move_playhead(step)
        if self.playback is not None and self.playback.state() == PlaybackState.PLAYING:
            self.playback.play(step)

    def move_playhead(self, step: float) -> None:
        self.roll.set_playhead(step)
        self.playheadMoved.emit(step)
        self._show_position(step)

    def _show_position(self, step: float) -> None:
        score = self.doc.score
        bar, in_bar = divmod(int(step), score.steps_per_bar)
        beat, sixteenth = divmod(in_bar, score.meter.steps_per_beat)
        self.position_label.setText(f"{bar + 1:3d} . {beat + 1} . {sixteenth + 1}")

    def _loop_selected_bars(self) -> None:
        bars = self.doc.selected_bars
        if bars:
            spb = self.doc.score.steps_per_bar
            self.playback.set_loop(min(bars) * spb, (max(bars) + 1) * spb)
        else:
            self.playback.set_loop(None)

    # ---- auditioning another score (a generated candidate) -------------------------------------
    def audition(self, score, start: float) -> None:
        if self.playback is not None:
            self.playback.set_score(score)
            self.playback.play(start)

    def end_audition(self) -> None:
        if self.playback is not None:
            self.playback.stop()
            self.playback.set_score(self.doc.score)

    def close(self) -> None:
        if self.playback is not None:
            self.playback.close()
