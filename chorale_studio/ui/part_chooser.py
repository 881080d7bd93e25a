"""Which four parts to read as soprano, alto, tenor and bass, asked when an imported score has more
parts than four and their names do not say (``io.parts``): one list per voice, the default chosen."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ..io.parts import PartInfo
from ..score import Voice


class PartChooser(QDialog):
    """Four lists of the score's parts, one per voice; OK only when four different parts are chosen."""

    def __init__(self, parent: QWidget | None, file_name: str, parts: Sequence[PartInfo], default: list[int]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose the Four Voices")
        intro = QLabel(f"{file_name} has {len(parts)} parts, and their names do not say which are the soprano, "
                       "alto, tenor and bass. Choose the part each voice is read from.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.boxes: list[QComboBox] = []
        for voice, index in zip(Voice, default):
            box = QComboBox()
            box.addItems([p.label + ("" if p.sings else " — outside singing range") for p in parts])
            box.setCurrentIndex(index)
            box.currentIndexChanged.connect(self._check)
            form.addRow(voice.label, box)
            self.boxes.append(box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, 0)
        self._check()

    def choice(self) -> list[int]:
        """The chosen parts (0-based) for S, A, T, B."""
        return [box.currentIndex() for box in self.boxes]

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(len(set(self.choice())) == 4)

    @classmethod
    def ask(cls, parent: QWidget | None, file_name: str, parts: Sequence[PartInfo], default: list[int]
            ) -> list[int] | None:
        """The composer's choice, or None when they cancel (the import then opens nothing)."""
        dialog = cls(parent, file_name, parts, default)
        return dialog.choice() if dialog.exec() == QDialog.Accepted else None
