"""The look of the window: voice colours, the dark palette, the piano-roll paint colours and the
stylesheets of the panels.  Every colour of the UI is named here, nowhere else."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ..score import Voice

#: One clearly distinct colour per voice (coral, amber, teal, blue), bright enough on a dark ground.
VOICE_COLORS: dict[Voice, QColor] = {
    Voice.SOPRANO: QColor("#ff6b6b"),
    Voice.ALTO: QColor("#ffb23f"),
    Voice.TENOR: QColor("#2ec4b6"),
    Voice.BASS: QColor("#5b8cff"),
}

# Piano-roll paint colours.
BACKGROUND = QColor("#1b1d22")
ROW_WHITE = QColor("#24272e")
ROW_BLACK = QColor("#1d1f25")
LINE_STEP = QColor("#2b2e36")
LINE_BEAT = QColor("#3a3e48")
LINE_BAR = QColor("#69707f")
LINE_OCTAVE = QColor("#30343d")
RULER_BG = QColor("#2a2d35")
RULER_TEXT = QColor("#d7dae0")
RULER_SELECTED = QColor("#3d5a80")
LOCK_LANE_BG = QColor("#202228")
LOCK_HATCH = QColor(200, 205, 215, 95)
PLAYHEAD = QColor("#f4f4f4")
SELECTION = QColor("#ffffff")
RUBBER_BAND = QColor(120, 170, 255, 60)
KEY_WHITE = QColor("#e8e8e8")
KEY_BLACK = QColor("#2a2a2e")
KEY_LABEL = QColor("#4a4f5a")
KEY_SEPARATOR = QColor("#9a9ca3")
EDGE_LINE = QColor("#15171b")            # between the roll's margins and the canvas
CAPTION_TEXT = QColor("#8a909c")
LOCKED_BAR = QColor("#3b3f4a")           # a whole locked bar in the lock lane
LOCKED_BAR_TINT = QColor(160, 170, 190, 28)
PADLOCK = QColor("#f0f0f0")
PADLOCK_SMALL = QColor("#e0e0e0")
BEFORE_PICKUP = QColor(0, 0, 0, 90)
PAST_END = QColor("#141519")
NOTE_LABEL = QColor(20, 20, 24, 220)
GHOST_BARS = QColor(61, 125, 216, 26)    # the bars generation is writing
RUBBER_BAND_EDGE = QColor(150, 190, 255)
TARGET_FILL = QColor(255, 196, 0, 22)     # the cells Fill would write now
TARGET_EDGE = QColor(255, 196, 0, 170)
FERMATA = QColor("#ffb74d")              # a phrase end
PLANNED_CHORD = QColor("#4fc3f7")        # a chord of the composer's plan, in the harmony lane

#: The voice-leading overlay: one colour per rule family.
OVERLAY_COLORS: dict[str, QColor] = {
    "parallels": QColor("#ff4d6d"),
    "crossing": QColor("#c77dff"),
    "spacing": QColor("#ffd166"),
    "range": QColor("#ff9f1c"),
}

#: The voices panel's toggles: the colour each shows when it is on.
TOGGLE_COLORS = {"mute": "#e0a030", "solo": "#4fc3f7", "show": "#8a93a6", "lock": "#c0c6d2"}
CAPTION_STYLE = f"color: {CAPTION_TEXT.name()}; padding: 0 4px 0 10px; background: transparent;"
VOICE_KEY_STYLE = "color: #7a808c; background: transparent; border: none; padding-left: 4px;"
PIECE_SUMMARY_STYLE = "color: #c8ccd4; padding: 0 4px;"
HINTS_STYLE = "color: #7a808c; font-size: 11px; padding: 4px;"


def toggle_style(checked: str) -> str:
    """A small square toggle of the voices panel that fills with ``checked`` when on."""
    return (f"QToolButton {{ background: #1e2025; border: 1px solid #444954; font-weight: bold; }}"
            f"QToolButton:checked {{ background: {checked}; color: #111; border-color: {checked}; }}")


def voice_button_style(voice: Voice) -> str:
    """A toolbar button that chooses ``voice``: its name in the voice's colour, filled when chosen."""
    color = VOICE_COLORS[voice].name()
    return (f"QToolButton {{ color: {color}; font-weight: bold; min-width: 18px; }}"
            f"QToolButton:checked {{ background: {color}; color: {EDGE_LINE.name()}; }}")


def voice_name_style(voice: Voice) -> str:
    return f"color: {VOICE_COLORS[voice].name()}; font-weight: bold; background: transparent; border: none;"


#: The Generate panel's group boxes, buttons and progress bar.
GENERATE_PANEL_STYLESHEET = """
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


_STYLESHEET = """
QMainWindow, QWidget { background: #25272d; color: #dcdfe4; }
QMenuBar { background: #2b2e35; }
QMenuBar::item:selected, QMenu::item:selected { background: #3d5a80; }
QMenu { background: #2b2e35; border: 1px solid #444954; }
QMenu::item:disabled { color: #7a808c; }
QToolBar { background: #2b2e35; border: none; border-bottom: 1px solid #1a1c20; spacing: 4px; padding: 3px; }
QToolButton { padding: 3px 5px; border-radius: 4px; }
QToolButton:hover { background: #3a3e48; }
QToolButton:checked { background: #3d5a80; }
QToolButton:disabled { color: #6c717c; }
QStatusBar { background: #2b2e35; color: #b8bcc6; }
QStatusBar QLabel { padding: 0 8px; }
QComboBox, QSpinBox, QDoubleSpinBox { background: #1e2025; border: 1px solid #444954; border-radius: 3px;
    padding: 2px 6px; min-height: 18px; }
QComboBox QAbstractItemView { background: #1e2025; selection-background-color: #3d5a80; }
QLabel#transportPosition { font-family: "DejaVu Sans Mono"; font-size: 13px; color: #9fd3ff;
    background: #15171b; border: 1px solid #3a3e48; border-radius: 3px; padding: 2px 10px; }
QFrame#voicesPanel { background: #23252b; }
QLabel#panelTitle { font-weight: bold; color: #9aa1ad; padding: 4px 2px; }
QFrame#voiceRow { background: #2a2d34; border-radius: 5px; }
QFrame#voiceRow[active="true"] { background: #343946; border: 1px solid #5a6272; }
QScrollBar { background: #1e2025; }
QScrollBar::handle { background: #454a55; border-radius: 4px; min-width: 24px; min-height: 24px; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; }
"""


def apply_theme(app: QApplication) -> None:
    """Dark DAW-style palette and stylesheet for the whole application."""
    app.setStyle("Fusion")
    pal = QPalette()
    for role, color in ((QPalette.Window, "#25272d"), (QPalette.WindowText, "#dcdfe4"),
                        (QPalette.Base, "#1e2025"), (QPalette.AlternateBase, "#2a2d34"),
                        (QPalette.Text, "#dcdfe4"), (QPalette.Button, "#2f323a"),
                        (QPalette.ButtonText, "#dcdfe4"), (QPalette.Highlight, "#3d5a80"),
                        (QPalette.HighlightedText, "#ffffff"), (QPalette.ToolTipBase, "#2b2e35"),
                        (QPalette.ToolTipText, "#dcdfe4"), (QPalette.PlaceholderText, "#7a808c")):
        pal.setColor(role, QColor(color))
    pal.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#6c717c"))
    pal.setColor(QPalette.Disabled, QPalette.Text, QColor("#6c717c"))
    app.setPalette(pal)
    app.setStyleSheet(_STYLESHEET)


# The score pane (ui/notation): black notes on white paper, and what is drawn over the engraving.
NOTATION_PAPER = QColor("#fbfaf6")
NOTATION_CANDIDATE = "#1565c0"                 # a candidate's notes, written into the engraving (MEI colour)
NOTATION_CANDIDATE_BARS = QColor(21, 101, 192, 22)
NOTATION_LOCKED = QColor(90, 96, 110, 40)      # a locked voice's staff in a bar
NOTATION_LOCK_EDGE = QColor("#5a606e")
NOTATION_SELECTED = QColor("#ff7a00")
NOTATION_PLAYHEAD = QColor(229, 57, 53, 200)
