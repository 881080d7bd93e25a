"""Saving without risk: a file is either fully replaced or left exactly as it was.

The bytes go to a temporary file in the same folder, are flushed to disk
(fsync) and only then renamed over the target with ``os.replace``, which is
atomic on one file system.  A crash, a full disk or a missing permission
therefore never leaves a half-written project behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import FileFormatError

#: Mode for a new file; an existing file keeps its own (mkstemp would create it private, 0600).
NEW_FILE_MODE = 0o644


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; on failure raise FileFormatError, old file untouched."""
    path = Path(path)
    tmp_name: str | None = None
    try:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_FILE_MODE
        if path.is_dir():
            raise IsADirectoryError(21, "it is a folder")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        reason = (exc.strerror or str(exc) or type(exc).__name__).lower()
        raise FileFormatError(f"could not save to {path}: {reason}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass  # the temp file was never created or is already gone; the target is untouched
