"""Diagnostics: a rotating log file, a crash dialog instead of a silent death, and Qt's warnings in the log.

``install()`` is called once by the app after the QApplication exists:

- log records of every library (and Python warnings) go to
  ``chorale-studio.log`` in the platform's log folder (on Linux
  ``~/.local/state/Chorale Studio/Chorale Studio/logs``; ``CHORALE_STUDIO_LOG_DIR``
  overrides it), rotated at 1 MB with three old files kept;
- an uncaught exception, on any thread, is logged with its traceback and
  shown in a dialog (on the GUI thread) that says where the log is, and the
  app keeps running;
- Qt's own warnings (``qWarning`` and friends) go to the same log.

Qt is imported inside the functions that need it: the logging part works
without a window (the CLI, tests).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

LOG_DIR_ENV = "CHORALE_STUDIO_LOG_DIR"
LOG_FILE_NAME = "chorale-studio.log"
MAX_LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 3

log = logging.getLogger("chorale_studio")

_handler: logging.Handler | None = None
_showing_crash = False   # one crash dialog at a time: an error in a paint event would otherwise stack dialogs
_qt_handler = None       # the installed Qt message handler, kept alive (Qt holds only a raw pointer)
_previous: tuple | None = None   # (sys.excepthook, threading.excepthook, Qt message handler) before install()
_bridge = None           # carries crash messages from other threads to the GUI thread


def log_folder() -> Path:
    """Where the log goes: $CHORALE_STUDIO_LOG_DIR, else the platform's state folder + ``logs``."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    from PySide6.QtCore import QStandardPaths

    return Path(QStandardPaths.writableLocation(QStandardPaths.StateLocation)) / "logs"


def log_path() -> Path | None:
    """The log file being written, or None before ``setup_logging`` (or when it could not open one)."""
    if isinstance(_handler, logging.FileHandler):
        return Path(_handler.baseFilename)
    return None


def setup_logging(folder: Path | None = None) -> Path | None:
    """Send log records (and Python warnings) to a rotating file; return its path.

    Calling it again replaces the previous file handler.  If the folder cannot
    be created the records go to stderr instead: diagnostics must never stop the app.
    """
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    try:
        folder = Path(folder) if folder is not None else log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        _handler = logging.handlers.RotatingFileHandler(folder / LOG_FILE_NAME, maxBytes=MAX_LOG_BYTES,
                                                        backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError as exc:
        _handler = logging.StreamHandler(sys.stderr)
        print(f"Chorale Studio: cannot write a log file ({exc}); logging to the terminal", file=sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(_handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    log.info("Chorale Studio started (Python %s, pid %d)", sys.version.split()[0], os.getpid())
    return log_path()


def crash_message(exc: BaseException) -> str:
    """What the crash dialog says: what happened, that the work is safe, and where the details are."""
    what = " ".join(str(exc).split()) or type(exc).__name__
    where = log_path()
    details = f"The details were written to\n{where}" if where else "The details were printed to the terminal."
    return (f"Something went wrong inside Chorale Studio: {what}\n\n"
            f"Your piece is still open (and autosaved); save it under a new name to be safe.\n\n{details}")


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: log the traceback, then show a dialog instead of dying silently.

    Qt calls it on whatever thread the error happened (a worker's slot, too); widgets live
    on the GUI thread only, so from elsewhere the dialog is sent there by a queued signal.
    """
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("uncaught exception on thread %s:\n%s", threading.current_thread().name,
                 "".join(traceback.format_exception(exc_type, exc, tb)).rstrip())
    if threading.current_thread() is threading.main_thread():
        show_crash_dialog(crash_message(exc))
    elif _bridge is not None:
        _bridge.crashed.emit(crash_message(exc))


def show_crash_dialog(message: str) -> None:
    """The crash dialog (GUI thread only); one at a time."""
    global _showing_crash
    from PySide6.QtWidgets import QApplication, QMessageBox

    if _showing_crash or QApplication.instance() is None:
        return
    _showing_crash = True
    try:
        box = QMessageBox(QMessageBox.Critical, "Chorale Studio", message, QMessageBox.Ok,
                          QApplication.activeWindow())
        box.setObjectName("crashDialog")
        box.exec()
    finally:
        _showing_crash = False


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def _make_bridge():
    """A QObject on the GUI thread whose signal carries crash messages from other threads."""
    from PySide6.QtCore import QObject, Signal

    class CrashBridge(QObject):
        crashed = Signal(str)

    bridge = CrashBridge()
    bridge.crashed.connect(show_crash_dialog)
    return bridge


def _qt_message(mode, context, message: str) -> None:
    from PySide6.QtCore import QtMsgType

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.WARNING)
    where = f" ({context.file}:{context.line})" if context is not None and context.file else ""
    logging.getLogger("qt").log(level, "%s%s", message, where)


def install_qt_message_handler():
    """Route Qt's own messages into the log; returns the handler that was installed before."""
    global _qt_handler
    from PySide6.QtCore import qInstallMessageHandler

    _qt_handler = _qt_message
    return qInstallMessageHandler(_qt_handler)


def install(folder: Path | None = None) -> Path | None:
    """All of the above at once (the app calls this right after creating the QApplication)."""
    global _previous, _bridge
    path = setup_logging(folder)
    _bridge = _make_bridge()
    _previous = (sys.excepthook, threading.excepthook, install_qt_message_handler())
    sys.excepthook = excepthook
    threading.excepthook = _thread_excepthook
    return path


def uninstall() -> None:
    """Undo ``install``: the previous exception hook and Qt handler come back, the log file is closed."""
    global _handler, _previous, _qt_handler, _bridge
    if _previous is not None:
        from PySide6.QtCore import qInstallMessageHandler

        sys.excepthook, threading.excepthook, previous_qt = _previous
        qInstallMessageHandler(previous_qt)
        _previous = _qt_handler = _bridge = None
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
