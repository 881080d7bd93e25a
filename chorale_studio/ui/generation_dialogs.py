"""The dialogs of the Generate menu: what a new chorale should be, and which voices to harmonize."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QSpinBox, QVBoxLayout, QWidget)

from ..score import Key, Meter, Score, Voice
from .model_chooser import STYLE_NAMES


def bars_text(bars) -> str:
    """'bar 3' or 'bars 2–5' (1-based) for 0-based ``bars``."""
    bars = sorted(set(bars))
    if not bars:
        return "no bars"
    return f"bar {bars[0] + 1}" if len(bars) == 1 else f"bars {bars[0] + 1}–{bars[-1] + 1}"


def cells_text(cells) -> str:
    """What a set of cells is, in words: 'bars 5–6' (every voice), 'the alto in bar 4', 'soprano and bass
    in bars 2–3'."""
    cells = set(cells)
    voices = sorted({v for v, _ in cells})
    where = bars_text(b for _, b in cells)
    if len(voices) == len(Voice) or not cells:
        return where
    names = [v.label.lower() for v in voices]
    who = f"the {names[0]}" if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{who} in {where}"


class NewChoraleDialog(QDialog):
    """Bars, key, meter and style of a new chorale."""

    def __init__(self, parent: QWidget, style: str, score: Score, cadence: bool = True) -> None:
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
        self.cadence = QCheckBox("End with a cadence (dominant, then the tonic in root position)")
        self.cadence.setToolTip("The same setting as Generate ▸ End With a Cadence; the last chord gets a fermata")
        self.cadence.setChecked(cadence)
        form.addRow(self.cadence)
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
                "meter": Meter.parse(self.meter.currentText()), "style": self.style.currentData(),
                "cadence": self.cadence.isChecked()}


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
