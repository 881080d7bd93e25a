"""Which model writes the music: the shipped one by default, or any compatible checkpoint folder.

The chooser only shows and remembers the choice; the folder is checked by loading it on the
generation worker (``GenerationRunner.load``), which answers with what the model can do or
with the ModelFolderError text saying why the folder is not a chorale model.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..paths import default_model_dir

SETTINGS_KEY = "generation/modelFolder"
STYLE_NAMES = {"JSFAKES": "JS Fakes", "BACH": "Bach"}
STRATEGY_NAMES = {"prefix": "prefix (writes the chosen voices after the others, then revises each voice)"}


def describe_capabilities(caps) -> str:
    """'Strategy: prefix … · styles: JS Fakes, Bach · meters: 4/4, 3/4' for the model's tooltip and label."""
    styles = ", ".join(STYLE_NAMES.get(s, s) for s in caps.styles) or "none"
    meters = ", ".join(caps.meters) or "4/4"
    return f"Strategy: {STRATEGY_NAMES.get(caps.strategy, caps.strategy)}\nStyles: {styles} · meters: {meters}"


class ModelChooser(QWidget):
    """Shows the model folder in use and what it supports; "Load Model Folder…" asks for another."""

    folderRequested = Signal(str)   # the composer picked a folder: check it by loading it

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        remembered = settings.value(SETTINGS_KEY, "")
        self.folder = Path(remembered) if remembered and Path(remembered).is_dir() else default_model_dir()
        self.capabilities = None
        self.name_label = QLabel()
        self.name_label.setObjectName("modelName")
        self.info_label = QLabel()
        self.info_label.setObjectName("modelInfo")
        self.info_label.setWordWrap(True)
        self.load_button = QPushButton("Load Model Folder…")
        self.load_button.setToolTip("Use another compatible checkpoint folder (config.json, model.safetensors, "
                                    "tokenizer.json)")
        self.load_button.clicked.connect(self.ask_folder)
        self.default_button = QPushButton("Shipped Model")
        self.default_button.setToolTip(f"Go back to the model that comes with the app ({default_model_dir()})")
        self.default_button.clicked.connect(lambda: self.folderRequested.emit(str(default_model_dir())))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.load_button, 1)
        buttons.addWidget(self.default_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.name_label)
        layout.addWidget(self.info_label)
        layout.addLayout(buttons)
        self._show()

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Load Model Folder", str(self.folder.parent))
        if folder:
            self.folderRequested.emit(folder)

    def set_loaded(self, folder: str, capabilities) -> None:
        """The worker loaded ``folder``: use it from now on and remember it."""
        self.folder = Path(folder)
        self.capabilities = capabilities
        if self.folder == default_model_dir():
            self.settings.remove(SETTINGS_KEY)
        else:
            self.settings.setValue(SETTINGS_KEY, str(self.folder))
        self._show()

    def _show(self) -> None:
        shipped = self.folder == default_model_dir()
        self.name_label.setText(f"<b>{'Shipped model' if shipped else self.folder.name}</b>")
        self.name_label.setToolTip(str(self.folder))
        if self.capabilities is None:
            self.info_label.setText("Loads with the first request.")
        else:
            self.info_label.setText(describe_capabilities(self.capabilities))
        self.default_button.setEnabled(not shipped)
