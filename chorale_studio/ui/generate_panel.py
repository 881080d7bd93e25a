"""The Generate panel: model, sampling settings, progress with Cancel, and the candidate browser.

``GenerationSettings`` is the plain value behind the settings widgets; it is saved in the
project's settings table (the same keys ``chorale-studio generate`` writes) and in QSettings as
the default for new pieces.  The panel holds widgets only; the generation controller acts.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from .candidates import CandidateBrowser
from .model_chooser import STYLE_NAMES, ModelChooser

SEED_MAX = 2**31 - 1
_QSETTINGS_GROUP = "generation/"

_STYLESHEET = """
QGroupBox { border: 1px solid #3a3e48; border-radius: 5px; margin-top: 14px; padding: 8px 6px 6px 6px;
    background: #2a2d34; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #9aa1ad; font-weight: bold; }
QGroupBox QWidget { background: transparent; }
QPushButton { background: #343846; border: 1px solid #4a4f5c; border-radius: 4px; padding: 4px 10px; }
QPushButton:hover { background: #3d4352; }
QPushButton:disabled { color: #6c717c; border-color: #3a3e48; }
QPushButton#acceptCandidate { background: #2f6f4f; border-color: #3f8f66; font-weight: bold; }
QPushButton#acceptCandidate:hover { background: #378059; }
QPushButton#cancelGeneration { background: #6b3434; border-color: #8a4444; }
QToolButton:checked { background: #3d5a80; color: white; }
QToolButton { background: #1e2025; border: 1px solid #444954; font-weight: bold; }
QProgressBar { background: #1e2025; border: 1px solid #444954; border-radius: 4px; text-align: center;
    min-height: 16px; color: #dcdfe4; }
QProgressBar::chunk { background: #3d7dd8; border-radius: 3px; }
QLabel#modelInfo, QLabel#candidateDetail { color: #a9aeb8; }
QLabel#generationStatus { color: #9fd3ff; }
QComboBox, QSpinBox, QDoubleSpinBox { background: #1e2025; }
"""


@dataclass(frozen=True)
class GenerationSettings:
    """The sampling settings the composer chose (what ``generation.requests.Sampling`` is made from)."""

    temperature: float = 1.0
    top_p: float = 0.95
    candidates: int = 3
    seed: int = 0
    seed_locked: bool = False
    style: str = "JSFAKES"
    strict: bool = True

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data, base: "GenerationSettings | None" = None) -> "GenerationSettings":
        """Settings from a table; missing or unusable entries keep ``base``'s (or the default) values."""
        base = base or cls()
        values = base.to_dict()
        for f in fields(cls):
            v = data.get(f.name) if hasattr(data, "get") else None
            if v is None:
                continue
            try:
                if f.type == "bool":
                    # QSettings' INI files give back "true"/"false" strings
                    values[f.name] = v if isinstance(v, bool) else str(v).lower() in ("true", "1")
                elif f.type == "int":
                    values[f.name] = int(v)
                elif f.type == "float":
                    values[f.name] = float(v)
                else:
                    values[f.name] = str(v).upper()
            except (TypeError, ValueError):
                continue
        values["style"] = values["style"] if values["style"] in STYLE_NAMES else base.style
        return cls(**values)

    def sampling(self):
        """The engine's Sampling for these settings (GenerationError for a value it refuses)."""
        from ..generation.requests import Sampling

        return Sampling(temperature=self.temperature, top_p=self.top_p, seed=self.seed, candidates=self.candidates,
                        strict=self.strict, style=self.style)


def load_default_settings(qsettings: QSettings) -> GenerationSettings:
    return GenerationSettings.from_dict({f.name: qsettings.value(_QSETTINGS_GROUP + f.name)
                                         for f in fields(GenerationSettings)})


def save_default_settings(qsettings: QSettings, settings: GenerationSettings) -> None:
    for name, value in settings.to_dict().items():
        qsettings.setValue(_QSETTINGS_GROUP + name, value)


def new_seed() -> int:
    return random.randrange(1, SEED_MAX)


class GeneratePanel(QWidget):
    """Model, settings, progress and candidates, top to bottom."""

    settingsChanged = Signal()
    cancelRequested = Signal()

    def __init__(self, qsettings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generatePanel")
        self.setStyleSheet(_STYLESHEET)
        self.setMinimumWidth(270)
        self.model_chooser = ModelChooser(qsettings)
        model_box = QGroupBox("Model")
        QVBoxLayout(model_box).addWidget(self.model_chooser)

        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.1, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setToolTip("Lower: safer, more predictable music. Higher: bolder, riskier choices.")
        self.top_p = QDoubleSpinBox()
        self.top_p.setRange(0.05, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setToolTip("Only the most likely words that together reach this probability are drawn from")
        self.candidates = QSpinBox()
        self.candidates.setRange(1, 8)
        self.candidates.setToolTip("How many versions to write at once, to compare and choose from")
        self.seed = QSpinBox()
        self.seed.setRange(0, SEED_MAX)
        self.seed.setToolTip("The random seed of the last (or next) request")
        self.seed_lock = QCheckBox("Lock")
        self.seed_lock.setToolTip("Keep this seed, so the same request writes the same music again")
        seed_row = QHBoxLayout()
        seed_row.setContentsMargins(0, 0, 0, 0)
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.seed_lock)
        self.style = QComboBox()
        for key, name in STYLE_NAMES.items():
            self.style.addItem(name, key)
        self.style.setToolTip("Which music the model should imitate (where the model knows both)")
        self.strict = QCheckBox("Strict voice leading")
        self.strict.setToolTip("Avoid parallel fifths and octaves, crossings and wide spacing while writing")
        settings_box = QGroupBox("Settings")
        form = QFormLayout(settings_box)
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow("Temperature", self.temperature)
        form.addRow("Top-p", self.top_p)
        form.addRow("Candidates", self.candidates)
        form.addRow("Seed", seed_row)
        form.addRow("Style", self.style)
        form.addRow(self.strict)

        self.status = QLabel("Ready")
        self.status.setObjectName("generationStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelGeneration")
        self.cancel_button.setToolTip("Stop writing; the chorale stays as it was (Esc)")
        self.cancel_button.clicked.connect(self.cancelRequested.emit)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QGroupBox("Writing")
        progress_layout = QVBoxLayout(self.progress_box)
        progress_layout.addWidget(self.status)
        progress_layout.addLayout(progress_row)

        self.browser = CandidateBrowser()
        self.candidates_box = QGroupBox("Candidates")
        QVBoxLayout(self.candidates_box).addWidget(self.browser)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)   # room between the dock title and the first box
        for box in (model_box, settings_box, self.progress_box, self.candidates_box):
            layout.addWidget(box)
        layout.addStretch(1)
        self.set_running(False)
        self.candidates_box.hide()
        for w in (self.temperature, self.top_p):
            w.valueChanged.connect(lambda _v: self.settingsChanged.emit())
        for w in (self.candidates, self.seed):
            w.valueChanged.connect(lambda _v: self.settingsChanged.emit())
        self.seed_lock.toggled.connect(lambda _on: self.settingsChanged.emit())
        self.style.currentIndexChanged.connect(lambda _i: self.settingsChanged.emit())
        self.strict.toggled.connect(lambda _on: self.settingsChanged.emit())

    def settings(self) -> GenerationSettings:
        return GenerationSettings(temperature=round(self.temperature.value(), 2), top_p=round(self.top_p.value(), 2),
                                  candidates=self.candidates.value(), seed=self.seed.value(),
                                  seed_locked=self.seed_lock.isChecked(), style=self.style.currentData(),
                                  strict=self.strict.isChecked())

    def show_settings(self, s: GenerationSettings) -> None:
        """Put ``s`` into the widgets without announcing each change."""
        widgets = (self.temperature, self.top_p, self.candidates, self.seed, self.seed_lock, self.style, self.strict)
        for w in widgets:
            w.blockSignals(True)
        self.temperature.setValue(s.temperature)
        self.top_p.setValue(s.top_p)
        self.candidates.setValue(s.candidates)
        self.seed.setValue(s.seed)
        self.seed_lock.setChecked(s.seed_locked)
        self.style.setCurrentIndex(max(0, self.style.findData(s.style)))
        self.strict.setChecked(s.strict)
        for w in widgets:
            w.blockSignals(False)

    def set_known_styles(self, styles) -> None:
        """Offer only the styles the loaded model knows (the others stay listed, greyed out)."""
        model = self.style.model()
        for i in range(self.style.count()):
            model.item(i).setEnabled(self.style.itemData(i) in styles)
        if styles and self.style.currentData() not in styles:
            self.style.setCurrentIndex(self.style.findData(styles[0]))

    def set_running(self, running: bool, text: str = "") -> None:
        """Show the progress bar and Cancel while a request runs."""
        self.progress_box.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setRange(0, 0)   # busy until the first progress report (model loading, prompt)
            self.status.setText(text or "Starting…")
