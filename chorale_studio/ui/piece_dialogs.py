"""The Piece menu's questions: transpose by an interval or to a key, and what a new key signature means."""
from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QLabel, QMessageBox,
                               QRadioButton, QVBoxLayout, QWidget)

from ..score import Key, Score, edits
from .editor import interval_name

#: The intervals offered, in semitones (the direction is chosen beside them).
INTERVALS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)


class TransposeDialog(QDialog):
    """By an interval up or down, or to a key of the same mode; says which notes would leave their range."""

    def __init__(self, parent: QWidget | None, score: Score) -> None:
        super().__init__(parent)
        self.setWindowTitle("Transpose")
        self.score = score
        self.by_interval = QRadioButton("By an interval")
        self.to_key = QRadioButton("To a key")
        group = QButtonGroup(self)
        for button in (self.by_interval, self.to_key):
            group.addButton(button)
        self.by_interval.setChecked(True)
        self.direction = QComboBox()
        self.direction.addItems(["up", "down"])
        self.interval = QComboBox()
        for semitones in INTERVALS:
            self.interval.addItem(interval_name(semitones).removeprefix("up "), semitones)
        self.interval.setCurrentIndex(INTERVALS.index(5))
        self.keys = [Key(f, score.key.mode) for f in range(-6, 7)]
        self.key = QComboBox()
        self.key.addItems([k.name for k in self.keys])
        self.key.setCurrentIndex(self.keys.index(score.key) if score.key in self.keys else 6)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.by_interval, 0, 0)
        grid.addWidget(self.direction, 0, 1)
        grid.addWidget(self.interval, 0, 2)
        grid.addWidget(self.to_key, 1, 0)
        grid.addWidget(self.key, 1, 1, 1, 2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Transpose")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        for w in (self.direction, self.interval, self.key):
            w.currentIndexChanged.connect(self._update)
        group.buttonToggled.connect(lambda *_: self._update())
        self._update()

    def values(self) -> tuple[int, Key | None]:
        """(semitones, the key to land in or None for the key the interval leads to)."""
        if self.to_key.isChecked():
            key = self.keys[self.key.currentIndex()]
            return edits.semitones_between(self.score.key, key), key
        sign = 1 if self.direction.currentIndex() == 0 else -1
        return sign * self.interval.currentData(), None

    def _update(self) -> None:
        semitones, key = self.values()
        try:
            after = edits.transposed(self.score, semitones, key)
        except ValueError as exc:
            self.summary.setText(str(exc))
            self.buttons.button(QDialogButtonBox.Ok).setEnabled(False)
            return
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(semitones) or after.key != self.score.key)
        out = edits.out_of_range(after)
        text = f"Every note moves {interval_name(semitones)}; the piece will be in {after.key.name}."
        if out:
            voices = sorted({v for v, _ in out})
            text += (f"<br><b>{len(out)} note(s) will leave the range of the "
                     f"{', '.join(v.label.lower() for v in voices)}</b> (kept; the overlay marks them).")
        self.summary.setText(text)


TRANSPOSE, SIGNATURE = "transpose", "signature"


def ask_key_change(parent: QWidget | None, old: Key, new: Key) -> str | None:
    """Transpose the music into ``new``, or only write the new signature?  None: cancelled."""
    box = QMessageBox(QMessageBox.Question, "Key", f"Change the key from {old.name} to {new.name}",
                      QMessageBox.Cancel, parent)
    box.setInformativeText(f"Transpose the music {interval_name(edits.semitones_between(old, new))}, so that it "
                           f"sounds in {new.name}, or only change the key signature (the notes stay)?")
    transpose = box.addButton("Transpose the Music", QMessageBox.AcceptRole)
    signature = box.addButton("Only the Signature", QMessageBox.DestructiveRole)
    box.setDefaultButton(transpose)
    box.exec()
    clicked = box.clickedButton()
    return TRANSPOSE if clicked is transpose else SIGNATURE if clicked is signature else None
