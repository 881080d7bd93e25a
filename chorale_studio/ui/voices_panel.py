"""The voices panel: per voice its colour, name, mute, solo, show/hide, lock-voice and instrument.

Mute, solo, visibility and instrument are the mix, not the music: they go to the document directly.
Locking a voice is an edit of the piece and goes through the ``ScoreEditor`` (one undo step).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QToolButton, QVBoxLayout,
                               QWidget)

from ..score import Voice
from . import theme
from .editor import ScoreEditor
from .instruments import GM_PROGRAM_NAMES


class _Swatch(QWidget):
    """The voice's colour; clicking it makes the voice the active one."""

    def __init__(self, color: QColor, on_click) -> None:
        super().__init__()
        self.color = color
        self.on_click = on_click
        self.active = False
        self.setFixedSize(14, 30)
        self.setCursor(Qt.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.on_click()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        c = QColor(self.color)
        if not self.active:
            c.setAlpha(120)
        p.setPen(Qt.NoPen)
        p.setBrush(c)
        p.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 3, 3)


def _toggle(text: str, tip: str, kind: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setCheckable(True)
    b.setToolTip(tip)
    b.setFixedSize(26, 22)
    b.setStyleSheet(theme.toggle_style(theme.TOGGLE_COLORS[kind]))
    return b


class VoiceRow(QFrame):
    """One voice's strip in the panel."""

    def __init__(self, editor: ScoreEditor, voice: Voice) -> None:
        super().__init__()
        self.editor, self.doc, self.voice = editor, editor.doc, voice
        doc = self.doc
        self.setObjectName("voiceRow")
        color = theme.VOICE_COLORS[voice]
        self.swatch = _Swatch(color, lambda: doc.set_active_voice(voice))
        self.name = QLabel(f"{voice.label}")
        self.name.setStyleSheet(theme.voice_name_style(voice))
        key = QLabel(str(voice.value + 1))
        key.setToolTip(f"Press {voice.value + 1} to make the {voice.label.lower()} the active voice")
        key.setStyleSheet(theme.VOICE_KEY_STYLE)
        self.mute = _toggle("M", f"Mute the {voice.label.lower()}", "mute")
        self.solo = _toggle("S", "Hear only the soloed voices", "solo")
        self.show_ = _toggle("◉", f"Show the {voice.label.lower()} in the piano roll", "show")
        self.lock = _toggle("L", f"Lock every bar of the {voice.label.lower()} (it stays when filling)", "lock")
        self.instrument = QComboBox()
        self.instrument.addItems([f"{i + 1:3d} {name}" for i, name in enumerate(GM_PROGRAM_NAMES)])
        self.instrument.setToolTip(f"General MIDI instrument the {voice.label.lower()} plays")
        self.instrument.setMinimumWidth(150)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 5, 6, 5)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(3)
        grid.addWidget(self.swatch, 0, 0, 2, 1)
        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addWidget(key)
        top.addStretch(1)
        for b in (self.mute, self.solo, self.show_, self.lock):
            top.addWidget(b)
        grid.addLayout(top, 0, 1)
        grid.addWidget(self.instrument, 1, 1)
        self.mute.toggled.connect(lambda on: doc.set_voice_mix(voice, muted=on))
        self.solo.toggled.connect(lambda on: doc.set_voice_mix(voice, solo=on))
        self.show_.toggled.connect(lambda on: doc.set_visible(voice, on))
        self.lock.clicked.connect(lambda: editor.toggle_voice_lock(voice))
        self.instrument.currentIndexChanged.connect(lambda i: doc.set_voice_mix(voice, program=i))
        self.refresh()

    def refresh(self) -> None:
        """Show the document's state without echoing it back as an edit."""
        doc, v = self.doc, self.voice
        mix = doc.mix[v]
        score = doc.score
        for button, state in ((self.mute, mix.muted), (self.solo, mix.solo), (self.show_, doc.is_visible(v)),
                              (self.lock, all(score.is_locked(v, b) for b in range(score.bars)))):
            button.blockSignals(True)
            button.setChecked(state)
            button.blockSignals(False)
        self.instrument.blockSignals(True)
        self.instrument.setCurrentIndex(mix.program)
        self.instrument.blockSignals(False)
        active = doc.active_voice == v
        self.swatch.active = active
        self.swatch.update()
        if self.property("active") != active:
            self.setProperty("active", active)
            self.style().unpolish(self)
            self.style().polish(self)


class VoicesPanel(QFrame):
    """The four voice rows, soprano on top, following the document."""

    def __init__(self, editor: ScoreEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        doc = editor.doc
        self.setObjectName("voicesPanel")
        self.rows = {v: VoiceRow(editor, v) for v in Voice}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(5)
        title = QLabel("VOICES")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        for row in self.rows.values():
            layout.addWidget(row)
        piece_title = QLabel("PIECE")
        piece_title.setObjectName("panelTitle")
        layout.addSpacing(8)
        layout.addWidget(piece_title)
        self.piece = QLabel()
        self.piece.setStyleSheet(theme.PIECE_SUMMARY_STYLE)
        layout.addWidget(self.piece)
        layout.addStretch(1)
        hints = QLabel("Drag — draw a note\n"
                       "Drag a note — move · its edge — resize\n"
                       "Ctrl-drag — select · Del — delete\n"
                       "1–4 — voice · arrows — move notes\n"
                       "Lock lane — click: bar · Alt-click: voice")
        hints.setStyleSheet(theme.HINTS_STYLE)
        layout.addWidget(hints)
        self.doc = doc
        for signal in (doc.mixChanged, doc.locksChanged, doc.activeVoiceChanged, doc.scoreChanged):
            signal.connect(self.refresh)
        self.setMinimumWidth(250)
        self.refresh()

    def refresh(self, *_args) -> None:
        for row in self.rows.values():
            row.refresh()
        score = self.doc.score
        locked = len(score.locks)
        lines = [score.title] if score.title else []
        lines += [f"{score.key.name}  ·  {score.meter}  ·  {score.tempo:g} bpm",
                  f"{score.bars} bars  ·  {score.note_count()} notes  ·  {locked} locked cell{'s' * (locked != 1)}"]
        self.piece.setText("\n".join(lines))
