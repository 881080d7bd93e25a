"""The Generate panel: model, sampling settings, progress with Cancel, and the candidate browser.

The settings are a ``generation.requests.Sampling`` — the engine's own value, with its own limits —
plus whether the seed is locked.  They are saved in the project's settings table (the same keys
``chorale-studio generate`` writes) and in QSettings as the default for new pieces; both are read
field by field over ``dataclasses.fields(Sampling)``, so a field added to Sampling is kept and
saved with no change here (give it a widget in ``GeneratePanel._widgets`` to show it).  The panel
holds widgets only; the generation controller acts.
"""
from __future__ import annotations

import random
from dataclasses import MISSING, asdict, fields, replace

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from ..generation.requests import CANDIDATES_RANGE, TEMPERATURE_RANGE, TOP_P_RANGE, GenerationError, Sampling
from . import theme
from .candidates import CandidateBrowser
from .model_chooser import STYLE_NAMES, ModelChooser

SEED_MAX = 2**31 - 1
SEED_LOCKED = "seed_locked"   # the one setting that is the window's, not the engine's
_QSETTINGS_GROUP = "generation/"
#: What a composer starts with: the engine's defaults, but three candidates to choose from.
PANEL_DEFAULTS = Sampling(candidates=3)


def _coerced(value, like):
    """``value`` as the type of ``like`` (QSettings' INI files give back strings, "true"/"false" for bools)."""
    if isinstance(like, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    if isinstance(like, (int, float, str)):
        return type(like)(value)
    return value


def sampling_from(data, base: Sampling = PANEL_DEFAULTS) -> Sampling:
    """Sampling from a settings table; a missing or unusable entry (Sampling refuses it) keeps ``base``'s value."""
    out = base
    for f in fields(Sampling):
        value = data.get(f.name) if hasattr(data, "get") else None
        if value is None:
            continue
        like = getattr(base, f.name) if f.default is MISSING else f.default
        try:
            out = replace(out, **{f.name: _coerced(value, like)})
        except (GenerationError, TypeError, ValueError):
            continue
    return out


def seed_locked_from(data, default: bool = False) -> bool:
    value = data.get(SEED_LOCKED) if hasattr(data, "get") else None
    return default if value is None else _coerced(value, True)


def settings_table(sampling: Sampling, seed_locked: bool) -> dict:
    """The settings as plain values, the keys `chorale-studio generate` writes into a project too."""
    return {**asdict(sampling), SEED_LOCKED: seed_locked}


def load_default_settings(qsettings: QSettings) -> tuple[Sampling, bool]:
    names = [f.name for f in fields(Sampling)] + [SEED_LOCKED]
    table = {name: qsettings.value(_QSETTINGS_GROUP + name) for name in names}
    return sampling_from(table), seed_locked_from(table)


def save_default_settings(qsettings: QSettings, sampling: Sampling, seed_locked: bool) -> None:
    for name, value in settings_table(sampling, seed_locked).items():
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
        self.setStyleSheet(theme.GENERATE_PANEL_STYLESHEET)
        self.setMinimumWidth(270)
        self.model_chooser = ModelChooser(qsettings)
        model_box = QGroupBox("Model")
        QVBoxLayout(model_box).addWidget(self.model_chooser)

        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(*TEMPERATURE_RANGE)
        self.temperature.setSingleStep(0.05)
        self.temperature.setToolTip("Lower: safer, more predictable music. Higher: bolder, riskier choices.")
        self.top_p = QDoubleSpinBox()
        self.top_p.setRange(TOP_P_RANGE[0] + 0.01, TOP_P_RANGE[1])   # above the limit: 2 decimals
        self.top_p.setSingleStep(0.05)
        self.top_p.setToolTip("Only the most likely words that together reach this probability are drawn from")
        self.candidates = QSpinBox()
        self.candidates.setRange(*CANDIDATES_RANGE)
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
        self.quick = QCheckBox("Quick (draft only)")
        self.quick.setToolTip("Skip the revision pass that rewrites each voice once more against the others: "
                              "about twice as fast, chords a little less complete")
        settings_box = QGroupBox("Settings")
        form = QFormLayout(settings_box)
        form.setLabelAlignment(Qt.AlignRight)
        form.addRow("Temperature", self.temperature)
        form.addRow("Top-p", self.top_p)
        form.addRow("Candidates", self.candidates)
        form.addRow("Seed", seed_row)
        form.addRow("Style", self.style)
        form.addRow(self.strict)
        form.addRow(self.quick)

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
        #: The Sampling fields the panel shows, by name; the others keep the value last shown.
        self._widgets = {"temperature": self.temperature, "top_p": self.top_p, "candidates": self.candidates,
                         "seed": self.seed, "style": self.style, "strict": self.strict, "quick": self.quick}
        self._shown = PANEL_DEFAULTS
        for w in (*self._widgets.values(), self.seed_lock):
            _changed_signal(w).connect(lambda *_: self.settingsChanged.emit())

    def sampling(self) -> Sampling:
        """The settings the widgets show (GenerationError for a value the engine refuses)."""
        return replace(self._shown, **{name: _value(w) for name, w in self._widgets.items()})

    def seed_locked(self) -> bool:
        return self.seed_lock.isChecked()

    def show_settings(self, sampling: Sampling, seed_locked: bool) -> None:
        """Put the settings into the widgets without announcing each change."""
        self._shown = sampling
        widgets = (*self._widgets.values(), self.seed_lock)
        for w in widgets:
            w.blockSignals(True)
        for name, w in self._widgets.items():
            _show(w, getattr(sampling, name))
        self.seed_lock.setChecked(seed_locked)
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


def _changed_signal(w: QWidget):
    if isinstance(w, QCheckBox):
        return w.toggled
    if isinstance(w, QComboBox):
        return w.currentIndexChanged
    return w.valueChanged


def _value(w: QWidget):
    """The value a settings widget shows, as Sampling holds it."""
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        return w.currentData()
    if isinstance(w, QDoubleSpinBox):
        return round(w.value(), 2)
    return w.value()


def _show(w: QWidget, value) -> None:
    if isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        w.setCurrentIndex(max(0, w.findData(value)))
    else:
        w.setValue(value)
