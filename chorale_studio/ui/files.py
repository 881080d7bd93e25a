"""Files for the window's document: open, import, save, export (a WAV in the background) and recent files.

Formats come from ``chorale_studio.io`` and sound from ``chorale_studio.playback``, both imported when
first needed so the window opens at once.  Loading a file replaces the document's content (not an
edit: it starts a fresh undo history); errors and remarks go to the ``Notifier``, so whatever is
on screen or on disk stays as it was when a file cannot be read or written.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from ..errors import ChoraleError, ImportCancelled
from ..score import Voice
from .document import ScoreDocument
from .notifier import Notifier

APP_NAME = "Chorale Studio"
MAX_RECENT = 8
PROJECT_FILTER = "Chorale Studio project (*.chorale)"
IMPORT_FILTER = "MIDI or MusicXML (*.mid *.midi *.musicxml *.xml *.mxl)"
OPEN_FILTER = "Chorale Studio project, MIDI or MusicXML (*.chorale *.mid *.midi *.musicxml *.xml *.mxl)"


class BackgroundJob(QThread):
    """Runs one slow function (a WAV render) off the GUI thread; ``done`` carries an error message or ''."""

    done = Signal(str)

    def __init__(self, work, parent=None) -> None:
        super().__init__(parent)
        self.work = work

    def run(self) -> None:
        try:
            self.work()
        except (ChoraleError, OSError, ValueError) as exc:
            self.done.emit(str(exc) or type(exc).__name__)
            return
        self.done.emit("")


class DocumentFiles(QObject):
    """Reads files into a ScoreDocument and writes it out; asks before unsaved work would be dropped."""

    opened = Signal()   # a file was read into the document

    def __init__(self, doc: ScoreDocument, notifier: Notifier, qsettings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self.doc, self.notifier, self.qsettings, self.parent_widget = doc, notifier, qsettings, parent
        self.jobs: list[BackgroundJob] = []

    # ---- opening -------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded, or nothing to lose)."""
        if not self.doc.is_modified():
            return True
        box = QMessageBox(QMessageBox.Warning, APP_NAME, f"“{self.doc.display_name}” has unsaved changes.",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self.parent_widget)
        box.setInformativeText("Save them before continuing?")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def open_file(self, path: str | Path) -> bool:
        """Open a .chorale project, or import a MIDI/MusicXML file as a new, unsaved chorale."""
        path = Path(path)
        if not self.maybe_save():
            return False
        try:
            if path.suffix.lower() == ".chorale":
                from ..io.project import load_project
                project = load_project(path)
                self.doc.load(project.score, path, project.settings)
                messages: list[str] = []
                remarks: list[str] = []
            else:
                from ..io.files import load_any
                from .part_chooser import PartChooser
                result = load_any(path, choose=lambda parts, default: PartChooser.ask(
                    self.parent_widget, path.name, parts, default))
                if not result.score.title:
                    result.score.title = path.stem
                self.doc.load(result.score, None, imported=True)
                messages, remarks = list(result.messages), list(result.remarks)
        except ImportCancelled:
            self.notifier.show_status(f"{path.name} was not opened", 5000)
            return False
        except (ChoraleError, OSError) as exc:
            self.notifier.show_error(f"Could not open {path.name}", str(exc))
            return False
        self._remember_recent(path)
        self.opened.emit()
        self.notifier.show_status("; ".join([f"Opened {path.name}", *remarks]), 8000)
        if messages:
            self.notifier.show_info(f"{path.name} was imported with some adjustments",
                                    "\n".join(f"• {m}" for m in messages))
        return True

    def ask_open(self) -> None:
        self._ask_and_open("Open", OPEN_FILTER)

    def ask_import(self) -> None:
        self._ask_and_open("Import MIDI or MusicXML", IMPORT_FILTER)

    def _ask_and_open(self, title: str, file_filter: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, title, self.last_folder(), file_filter)
        if path:
            self.open_file(path)

    # ---- saving --------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.doc.path is None or self.doc.path.suffix.lower() != ".chorale":
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            start = str(self.doc.path or Path.home() / f"{self.doc.display_name}.chorale")
            path, _ = QFileDialog.getSaveFileName(self.parent_widget, "Save Chorale", start, PROJECT_FILTER)
            if not path:
                return False
        path = Path(path)
        if path.suffix.lower() != ".chorale":
            path = path.with_suffix(".chorale")
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        from ..io.project import save_project
        try:
            save_project(path, self.doc.score, self.doc.project_settings())
        except (ChoraleError, OSError) as exc:
            self.notifier.show_error(f"Could not save {path.name}", str(exc))
            return False
        self.doc.mark_saved(path)
        self._remember_recent(path)
        self.notifier.show_status(f"Saved {path}", 5000)
        return True

    # ---- exporting -----------------------------------------------------------------------------
    def _export_path(self, path, title: str, suffix: str, file_filter: str) -> Path | None:
        if path is None:
            start = (self.doc.path or self.document_folder() / self.doc.display_name).with_suffix(suffix)
            path, _ = QFileDialog.getSaveFileName(self.parent_widget, title, str(start), file_filter)
            if not path:
                return None
        return Path(path)

    def export_midi(self, path: str | Path | None = None) -> bool:
        path = self._export_path(path, "Export MIDI", ".mid", "MIDI (*.mid)")
        if path is None:
            return False
        from ..io.midi import write_midi
        programs = {v: self.doc.mix[v].program for v in Voice}
        return self._write(lambda: write_midi(self.doc.score, path, programs=programs), path)

    def export_musicxml(self, path: str | Path | None = None) -> bool:
        path = self._export_path(path, "Export MusicXML", ".musicxml", "MusicXML (*.musicxml *.xml *.mxl)")
        if path is None:
            return False
        from ..analysis.harmony import harmony
        from ..io.musicxml import write_musicxml
        return self._write(lambda: write_musicxml(self.doc.score, path, harmony(self.doc.score).chords), path)

    def _write(self, work, path: Path) -> bool:
        try:
            work()
        except (ChoraleError, OSError) as exc:
            self.notifier.show_error(f"Could not export {path.name}", str(exc))
            return False
        self.notifier.show_status(f"Exported {path}", 5000)
        return True

    def export_wav(self, path: str | Path | None = None) -> BackgroundJob | None:
        """Render to WAV in the background; returns the running job (its ``done`` says how it went)."""
        path = self._export_path(path, "Export WAV", ".wav", "WAV audio (*.wav)")
        if path is None:
            return None
        score, mix = self.doc.snapshot(), self.doc.mix

        def render() -> None:
            from ..playback.render import render_wav
            render_wav(score, path, mix=mix)

        job = BackgroundJob(render, self)
        job.done.connect(lambda error: self._wav_done(job, path, error))
        self.jobs.append(job)
        self.notifier.show_status(f"Rendering {path.name}…", 0)
        job.start()
        return job

    def _wav_done(self, job: BackgroundJob, path: Path, error: str) -> None:
        self.jobs.remove(job)
        if error:
            self.notifier.show_error(f"Could not render {path.name}", error)
        else:
            self.notifier.show_status(f"Exported {path}", 5000)

    def wait_for_jobs(self) -> None:
        for job in self.jobs:
            job.wait()

    # ---- recent files --------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.qsettings.value("recentFiles", [])
        if isinstance(value, str):   # QSettings returns a lone string for a one-item list in INI files
            value = [value]
        return [str(v) for v in value or []]

    def _remember_recent(self, path: Path) -> None:
        entry = str(Path(path).resolve())
        files = [entry] + [f for f in self.recent_files() if f != entry]
        self.qsettings.setValue("recentFiles", files[:MAX_RECENT])

    def document_folder(self) -> Path:
        """Where the document lives: its project's folder, else that of the last project opened or saved (an
        imported file's folder is where it came from, not where its chorale goes)."""
        if self.doc.path is not None:
            return self.doc.path.parent
        projects = [Path(f) for f in self.recent_files() if f.lower().endswith(".chorale")]
        return projects[0].parent if projects else Path.home()

    def last_folder(self) -> str:
        files = self.recent_files()
        return str(Path(files[0]).parent) if files else str(Path.home())

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        files = self.recent_files()
        for i, f in enumerate(files):
            act = menu.addAction(f"&{i + 1}  {Path(f).name}")
            act.setToolTip(f)
            act.triggered.connect(lambda _c=False, f=f: self.open_file(f))
        if not files:
            menu.addAction("(none)").setEnabled(False)
