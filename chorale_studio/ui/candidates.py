"""The candidate browser: step through the answers A, B, C…, hear each, accept one or discard them all.

It only shows and chooses; the generation controller previews the chosen candidate on the piano
roll, plays it and, on Accept, pushes the single undo command.  Nothing here touches the document.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QToolButton, QWidget


def letter(index: int) -> str:
    """0 → 'A', 1 → 'B' …"""
    return chr(ord("A") + index)


class CandidateBrowser(QWidget):
    """A/B/C… buttons, previous/next, what is heard in the chosen one ("2 incomplete chords, 1 parallel
    fifth") and its badness, Hear, Accept and Discard."""

    currentChanged = Signal(int)
    hearRequested = Signal(int)
    acceptRequested = Signal(int)
    discardRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidates: tuple = ()
        self.current = 0
        # The request and the description wrap (a group box title or a one-line label would widen the dock
        # or cut the text); the description is its own tooltip too.
        self.request = QLabel()
        self.request.setObjectName("candidateRequest")
        self.request.setWordWrap(True)
        self.title = QLabel()
        self.title.setObjectName("candidateTitle")
        self.detail = QLabel()
        self.detail.setObjectName("candidateDetail")
        self.detail.setWordWrap(True)
        self.letters_row = QWidget()
        self.letters_grid = QGridLayout(self.letters_row)
        self.letters_grid.setContentsMargins(0, 0, 0, 0)
        self.letters_grid.setSpacing(3)
        self.letter_buttons: list[QToolButton] = []
        self.prev_button = QPushButton("◀ Previous")
        self.next_button = QPushButton("Next ▶")
        self.hear_button = QPushButton("♪ Hear")
        self.hear_button.setToolTip("Play this candidate from the start of the new music")
        self.accept_button = QPushButton("Accept")
        self.accept_button.setObjectName("acceptCandidate")
        self.accept_button.setDefault(True)
        self.accept_button.setToolTip("Put this candidate into the chorale (one undo step)")
        self.discard_button = QPushButton("Discard All")
        self.discard_button.setToolTip("Leave the chorale as it was")
        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.hear_button.clicked.connect(lambda: self.hearRequested.emit(self.current))
        self.accept_button.clicked.connect(lambda: self.acceptRequested.emit(self.current))
        self.discard_button.clicked.connect(self.discardRequested.emit)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.request, 0, 0, 1, 2)
        grid.addWidget(self.title, 1, 0, 1, 2)
        grid.addWidget(self.letters_row, 2, 0, 1, 2)
        grid.addWidget(self.detail, 3, 0, 1, 2)
        grid.addWidget(self.prev_button, 4, 0)
        grid.addWidget(self.next_button, 4, 1)
        grid.addWidget(self.hear_button, 5, 0, 1, 2)
        grid.addWidget(self.accept_button, 6, 0)
        grid.addWidget(self.discard_button, 6, 1)

    def set_candidates(self, candidates, request: str = "") -> None:
        """Show ``candidates`` (best first), the answers to ``request`` ("Fill bars 2–3"), and choose the first."""
        self.candidates = tuple(candidates)
        self.request.setText(request)
        self.request.setVisible(bool(request))
        for b in self.letter_buttons:
            b.deleteLater()
        self.letter_buttons = []
        for i, c in enumerate(self.candidates):
            b = QToolButton()
            b.setText(letter(i))
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonTextOnly)
            b.setToolTip(f"Candidate {letter(i)}: {c.flaws or 'not judged'} (badness {c.vl_score:.1f})")
            b.setMinimumWidth(30)
            b.clicked.connect(lambda _c=False, i=i: self.choose(i))
            self.letters_grid.addWidget(b, 0, i)
            self.letter_buttons.append(b)
        self.letters_grid.setColumnStretch(len(self.candidates), 1)
        self.current = -1
        if self.candidates:
            self.choose(0)

    def choose(self, index: int) -> None:
        if not self.candidates:
            return
        index %= len(self.candidates)
        changed = index != self.current
        self.current = index
        for i, b in enumerate(self.letter_buttons):
            b.setChecked(i == index)
        c = self.candidates[index]
        n = len(self.candidates)
        self.title.setText(f"<b>Candidate {letter(index)}</b> of {n}" + ("  <i>(best)</i>" if index == 0 and n > 1
                                                                        else ""))
        relaxed = (f"; {c.relaxed_notes} note{'s' if c.relaxed_notes != 1 else ''} broke a strict rule "
                   "because nothing else fitted" if c.relaxed_notes else "")
        self.detail.setText(f"Heard: <b>{c.flaws or 'not judged'}</b>. Badness {c.vl_score:.1f} (lower is better; "
                            f"it also counts how surprised the model was){relaxed}.")
        self.detail.setToolTip(self.detail.text())
        self.prev_button.setEnabled(n > 1)
        self.next_button.setEnabled(n > 1)
        if changed:
            self.currentChanged.emit(index)

    def next(self) -> None:
        self.choose(self.current + 1)

    def previous(self) -> None:
        self.choose(self.current - 1)
