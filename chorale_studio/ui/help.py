"""Help in the window: a one-page quick guide, the keyboard shortcuts read from the action registry (so the
list never goes stale), and the legend of the voice-leading overlay with a count of each mark in the piece."""
from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
                               QTextBrowser, QVBoxLayout, QWidget)

from ..analysis import analyze
from .actions import ActionRegistry
from .overlay import FAMILIES, VoiceLeadingOverlay, markers_of

GUIDE = """<h2>Chorale Studio in one page</h2>
<h3>Voices</h3>
<p>Four voices: <b>soprano, alto, tenor, bass</b>, each in its own colour. Keys <b>1–4</b> (or the voices panel)
choose the voice you draw in; its range is shaded on the roll and marked on the keyboard. Click to draw a note
of the snap length (toolbar: 1/16, 1/8, 1/4), drag to make it longer; drag a note to move it, its right edge to
resize it; arrows move the selection (Shift: by octave or bar); with bars selected in the ruler, Shift+←/→
selects one bar fewer or more. Right-click a note or a bar for what you can do
with it.</p>
<h3>Note input from the keyboard</h3>
<p>Press <b>N</b> (Edit ▸ Note Input) for a cursor at the playhead in the active voice, as in a notation program.
Letters <b>A–G</b> enter a note there, in the key signature and in the octave nearest the previous note; the cursor
moves on. <b>3–7</b> pick the length (sixteenth, eighth, quarter, half, whole), <b>.</b> dots it, <b>0</b> enters
a rest; <b>↑/↓</b> move the last note by a semitone, <b>Ctrl+↑/↓</b> by an octave; <b>Backspace</b> takes it back;
<b>←/→</b> move the cursor; <b>Alt+1–4</b> choose the voice. Every note is one undo step. <b>Esc</b> or <b>N</b>
leaves, and the keys are the roll's again. A MIDI keyboard chosen in Edit ▸ MIDI Input enters what you play at the
cursor: a chord gives one note per voice from the active voice down.</p>
<h3>Importing</h3>
<p>File ▸ Import reads MIDI and MusicXML: four parts, the four sung parts of a score with instruments (found by their
names, or chosen in a list), a closed score on two staves, or a one-track MIDI file whose voices are separated by
pitch and line.</p>
<h3>Locks</h3>
<p>The lane under the bar numbers locks bars: click locks a whole bar, Alt-click only the active voice,
right-click chooses voices. Locked music is hatched and is never rewritten by the model.</p>
<h3>Generate</h3>
<p>Select bars in the ruler (or notes) — the cells that will be written are outlined in yellow and named in the
status bar — then <b>Fill</b> (Ctrl+G). <b>Continue</b> adds bars after the last one, <b>Harmonize</b> writes
chosen voices under a tune, <b>New Chorale</b> writes a piece in a key and meter of your choice. With
<i>End With a Cadence</i> a new piece or a continuation ends on the tonic in root position after the dominant.
Mark phrase ends with Piece ▸ Phrase End (a fermata).</p>
<h3>Candidates</h3>
<p>While the model writes, its notes stream in as ghost notes. Then step through the candidates (Alt+←/→),
hear one (Alt+Space), and <b>Accept</b> it (Ctrl+Return: one undo step) or discard them all.</p>
<h3>Score and overlay</h3>
<p>View ▸ Score (<b>F8</b>) shows the piece engraved under the roll: click a notehead to select the note (the
keys then edit it in the roll); locked bars are shaded and the bars a candidate would write are coloured.
View ▸ Voice-Leading Overlay (<b>Ctrl+Shift+V</b>) rings parallels, crossings, spacing and range problems in
the roll and the score — while candidates are browsed, those of the candidate shown; View ▸ Overlay Legend
says what each colour means and counts them.</p>
<h3>Playback</h3>
<p>Space plays and pauses from the playhead; click the ruler to move it. Mute, solo and the instrument of each
voice are in the voices panel.</p>
<h3>Export</h3>
<p>File ▸ Export writes MIDI (phrase ends as markers), MusicXML (with fermatas) or a WAV recording. Piece ▸
Transpose moves the whole piece by an interval or to a key as one undo step.</p>"""

FAMILY_TEXT = {
    "parallels": "Parallel (or contrary, or hidden) fifths and octaves: two voices move into a perfect fifth or "
                 "octave together",
    "crossing": "Crossing and overlap: a lower voice sings above a higher one, or past its last note",
    "spacing": "Spacing: more than an octave between soprano and alto, or alto and tenor",
    "range": "Range: a note outside its voice's range",
}


class QuickGuide(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quick Guide")
        self.text = QTextBrowser()
        self.text.setHtml(GUIDE)
        _layout(self, self.text)
        self.resize(640, 640)


class ShortcutsWindow(QDialog):
    """Every action that has a shortcut, as the registry knows it now."""

    def __init__(self, parent: QWidget | None, registry: ActionRegistry) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = registry.shortcuts()
        self.names = [name for name, _text, _keys in rows]
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for i, (name, text, keys) in enumerate(rows):
            if name in ("undo", "redo"):   # their text names the step they would undo or redo now
                text = name.capitalize()
            self.table.setItem(i, 0, QTableWidgetItem(text.rstrip("…")))
            self.table.setItem(i, 1, QTableWidgetItem(",  ".join(keys)))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.resizeColumnToContents(1)
        note = QLabel("In the piano roll: 1–4 choose the voice · arrows move the selection (Shift: octave, bar) · "
                      "Shift+←/→ with bars selected: one bar fewer or more · Delete removes it · Esc cancels a drag · "
                      "Ctrl/Shift-drag selects with a rectangle · Ctrl-wheel zooms.\nIn note input (N): A–G enter a "
                      "note · 3–7 length (sixteenth … whole), . dots it · 0 rest · ↑/↓ semitone, Ctrl+↑/↓ octave · "
                      "Backspace takes back · ←/→ cursor · Alt+1–4 voice · Esc leaves")
        note.setWordWrap(True)
        _layout(self, self.table, note)
        self.resize(520, 640)

    def texts(self) -> list[str]:
        return [self.table.item(i, 0).text() for i in range(self.table.rowCount())]


class OverlayLegend(QDialog):
    """What each mark of the voice-leading overlay means, with how many of each the piece shown has now
    (a candidate's, while candidates are browsed)."""

    def __init__(self, parent: QWidget | None, overlay: VoiceLeadingOverlay, colors: dict[str, QColor]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Voice-Leading Overlay")
        self.overlay, self.colors = overlay, colors
        self.table = QTableWidget(len(FAMILIES), 3)
        self.table.setHorizontalHeaderLabels(["Mark", "Meaning", "In the piece"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        note = QLabel("Rings on the notes concerned, joined by a dotted line; hover a ring for the details. "
                      "View ▸ Voice-Leading Overlay shows them on the roll.")
        note.setWordWrap(True)
        _layout(self, self.table, note)
        self.resize(620, 320)
        overlay.doc.scoreChanged.connect(self.refresh)
        overlay.changed.connect(self.refresh)
        self.refresh()

    def counts(self) -> dict[str, Counter]:
        """Per family, how many findings of each kind the piece shown has."""
        score = self.overlay.shown()
        out: dict[str, Counter] = {family: Counter() for family in FAMILIES}
        for m in markers_of(score, analyze(score).findings):
            out[m.family][m.finding.kind.replace("_", " ")] += 1
        return out

    def refresh(self) -> None:
        if not self.isVisible() and self.table.item(0, 1) is not None:
            return
        for i, (family, found) in enumerate(self.counts().items()):
            swatch = QPixmap(18, 18)
            mark = QTableWidgetItem(family)
            swatch.fill(self.colors[family])
            mark.setIcon(swatch)
            self.table.setItem(i, 0, mark)
            self.table.setItem(i, 1, QTableWidgetItem(FAMILY_TEXT[family]))
            total = sum(found.values())
            detail = ", ".join(f"{n} {kind}" for kind, n in found.most_common())
            self.table.setItem(i, 2, QTableWidgetItem(f"{total}" + (f" ({detail})" if detail else "")))
        self.table.resizeRowsToContents()
        self.table.resizeColumnToContents(2)


def _layout(dialog: QDialog, *widgets: QWidget) -> None:
    layout = QVBoxLayout(dialog)
    for w in widgets:
        layout.addWidget(w)
    buttons = QDialogButtonBox(QDialogButtonBox.Close)
    buttons.rejected.connect(dialog.close)
    layout.addWidget(buttons)


class HelpWindows:
    """The Help menu's windows (and the overlay's legend in View), made when first asked for."""

    def __init__(self, parent: QWidget, registry: ActionRegistry, overlay: VoiceLeadingOverlay, colors) -> None:
        self.parent, self.registry, self.overlay, self.colors = parent, registry, overlay, colors
        self.guide: QuickGuide | None = None
        self.shortcuts: ShortcutsWindow | None = None
        self.legend: OverlayLegend | None = None
        registry.add("help_guide", "&Quick Guide", self.show_guide, "F1", "Voices, locks, generating, candidates, "
                     "playback and export on one page", menu="&Help")
        registry.add("help_shortcuts", "&Keyboard Shortcuts", self.show_shortcuts, "Ctrl+/",
                     "Every key the window knows", menu="&Help")
        registry.add("overlay_legend", "Overlay &Legend", self.show_legend, None,
                     "What each mark of the voice-leading overlay means, and how many the piece has", menu="&View")
        registry.separator("&Help")

    def show_guide(self) -> QuickGuide:
        self.guide = self.guide or QuickGuide(self.parent)
        return _raise(self.guide)

    def show_shortcuts(self) -> ShortcutsWindow:
        self.shortcuts = ShortcutsWindow(self.parent, self.registry)   # afresh: actions may have been added
        return _raise(self.shortcuts)

    def show_legend(self) -> OverlayLegend:
        self.legend = self.legend or OverlayLegend(self.parent, self.overlay, self.colors)
        _raise(self.legend)
        self.legend.refresh()
        return self.legend


def _raise(dialog: QDialog) -> QDialog:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
