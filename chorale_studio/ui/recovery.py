"""Autosave and crash recovery: unsaved work survives a crash, a killed process or a power cut.

While a document has unsaved edits, an ``Autosaver`` writes it to a
recovery file of its own — ``autosave-<id>.chorale`` in the ``recovery``
folder of the platform's app-data folder (``$CHORALE_STUDIO_DATA_DIR`` overrides
the app-data folder) — about 1.5 s after the last change to the undo stack and
every 60 s, atomically like every save.  The file is an ordinary project whose
settings carry one extra entry, ``"recovery": {"original_path", "saved_at"}``.
A clean save, an undo back to the saved state (or to an import as it was read),
or a clean exit removes it.

Each recovery file has a ``QLockFile`` beside it while its document is open, so
a second running instance never mistakes it for a leftover; after a crash the
lock is stale (its process is gone) and the file is offered at the next start —
Restore or Discard — and never opened silently in place of the real file.
"""
from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import ChoraleError
from ..io.atomic import atomic_write_bytes
from ..io.project import load_project, project_bytes
from ..score import Score
from .document import ScoreDocument

DATA_DIR_ENV = "CHORALE_STUDIO_DATA_DIR"
AUTOSAVE_DELAY_MS = 1500      # after the last edit: a burst of edits is written once
AUTOSAVE_INTERVAL_MS = 60_000
RECOVERY_KEY = "recovery"     # the settings entry that says where a recovery file came from

log = logging.getLogger(__name__)


def recovery_folder() -> Path:
    """``recovery`` inside $CHORALE_STUDIO_DATA_DIR, or inside the platform's app-data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    base = Path(override) if override else Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation))
    return base / "recovery"


def _lock_for(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)   # held as long as the document is open; stale only when its process is gone
    return lock


class Autosaver(QObject):
    """Keeps one document's recovery file up to date while it has unsaved changes."""

    saved = Signal(str)    # the recovery file was written
    failed = Signal(str)   # it could not be (the message says why); the document itself is unaffected

    def __init__(self, doc: ScoreDocument, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.folder = Path(folder) if folder is not None else recovery_folder()
        self.path = self.folder / f"autosave-{uuid.uuid4().hex[:12]}.chorale"
        self._lock = _lock_for(self.path)
        self._closed = False
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(AUTOSAVE_DELAY_MS)
        self._delay.timeout.connect(self.autosave)
        self._tick = QTimer(self)
        self._tick.setInterval(AUTOSAVE_INTERVAL_MS)
        self._tick.timeout.connect(self.autosave)
        self._tick.start()
        doc.undo_stack.indexChanged.connect(lambda _index: self._delay.start())
        doc.fileChanged.connect(self._file_changed)

    def _file_changed(self) -> None:
        # Saved, or undone back to the saved state (or to the import as read): nothing is left to recover.
        if self.doc.has_unsaved_edits():
            self._delay.start()
        else:
            self.remove()

    def autosave(self) -> bool:
        """Write the recovery file now if there is unsaved work (remove it if there is none)."""
        if self._closed:
            return False
        if not self.doc.has_unsaved_edits():   # (an import nobody has edited is in its own file)
            self.remove()
            return False
        origin = {"original_path": str(self.doc.path) if self.doc.path else None,
                  "saved_at": datetime.now().isoformat(timespec="seconds")}
        try:
            data = project_bytes(self.doc.score, {**self.doc.project_settings(), RECOVERY_KEY: origin})
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self._lock.isLocked():
                self._lock.tryLock(0)
            atomic_write_bytes(self.path, data)
        except (ChoraleError, OSError) as exc:
            log.warning("autosave failed: %s", exc)
            self.failed.emit(str(exc))
            return False
        self.saved.emit(str(self.path))
        return True

    def remove(self) -> None:
        """Delete the recovery file (the work is saved or deliberately dropped)."""
        self._delay.stop()
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the recovery file %s: %s", self.path, exc)
        if self._lock.isLocked():
            self._lock.unlock()

    def close(self) -> None:
        """A clean exit: stop autosaving and remove the recovery file."""
        self._tick.stop()
        self.remove()
        self._closed = True


class Leftover:
    """A recovery file left by a session that did not end cleanly; holds its lock while it is offered."""

    def __init__(self, path: Path, lock: QLockFile, score: Score, settings: dict) -> None:
        self.path = path
        self._lock = lock
        self.score = score
        origin = settings.pop(RECOVERY_KEY, None)
        origin = origin if isinstance(origin, dict) else {}
        original = origin.get("original_path")
        self.original: Path | None = Path(original) if isinstance(original, str) and original else None
        saved_at = origin.get("saved_at")
        self.saved_at = saved_at if isinstance(saved_at, str) else ""
        self.settings = settings

    @property
    def name(self) -> str:
        return self.original.name if self.original else (self.score.title or "Untitled")

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        """Keep the file for a later start, but let other instances see it again."""
        if self._lock.isLocked():
            self._lock.unlock()


def leftovers(folder: Path | None = None) -> list[Leftover]:
    """Recovery files that no running Chorale Studio holds, newest first.

    A file that cannot be read is logged and left where it is (it is never deleted unasked).
    """
    folder = Path(folder) if folder is not None else recovery_folder()
    found: list[Leftover] = []
    for path in sorted(folder.glob("autosave-*.chorale"), key=lambda p: p.stat().st_mtime, reverse=True):
        lock = _lock_for(path)
        if not lock.tryLock(0):
            continue   # its document is open in another running instance
        try:
            project = load_project(path)
        except ChoraleError as exc:
            log.warning("recovery file %s cannot be read: %s", path, exc)
            lock.unlock()
            continue
        found.append(Leftover(path, lock, project.score, dict(project.settings)))
    return found


def offer_recovery(doc: ScoreDocument, autosaver: Autosaver, parent: QWidget | None = None,
                   folder: Path | None = None) -> Leftover | None:
    """At start: offer each leftover recovery file — Restore, Discard or Decide Later.

    Restoring loads it into ``doc`` as a modified document bound to its original project path (if
    it had one), so the next Save writes the real file, and makes it ``autosaver``'s recovery file.
    Returns the leftover that was restored, or None.
    """
    pending = leftovers(folder)
    restored: Leftover | None = None
    for i, left in enumerate(pending):
        if restored:
            left.release()
            continue
        box = QMessageBox(QMessageBox.Warning, "Chorale Studio",
                          f"“{left.name}” has unsaved changes from a session that ended unexpectedly.", parent=parent)
        box.setObjectName("recoveryDialog")
        where = f"Its file: {left.original}" if left.original else "It was never saved."
        when = f"Last autosaved {left.saved_at.replace('T', ' at ')}." if left.saved_at else ""
        box.setInformativeText(f"{where}\n{when}\n\nRestore these changes? (Restoring does not touch the saved "
                               f"file until you save.)")
        restore = box.addButton("Restore", QMessageBox.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.DestructiveRole)
        box.addButton("Decide Later", QMessageBox.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        if box.clickedButton() is restore:
            doc.load(left.score, left.original, left.settings, clean=False)
            autosaver.autosave()    # the restored work is this session's recovery file from now on
            left.discard()
            restored = left
        elif box.clickedButton() is discard:
            left.discard()
        else:
            left.release()
            for rest in pending[i + 1:]:
                rest.release()
            break
    return restored
