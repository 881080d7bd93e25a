"""Importing torch at launch, on a thread of its own, without stalling the window.

Importing torch takes about a second, most of it in the dynamic loader: ``libtorch_cpu`` (hundreds of
megabytes) is mapped and its static constructors register thousands of operators.  Python's import
runs that inside ``dlopen`` while holding the interpreter lock, so a window painting on the main
thread stalled for a quarter of a second or more.  Loading torch's C++ libraries first through libc's
``dlopen`` — a ctypes call, which releases the lock — does the same work with the lock free; the
``import torch`` that follows finds them loaded and only builds the Python side.

The loader's own lock is held all that time, and any other thread that loads a library meanwhile
waits for it — the window does, the first time it draws an icon or a font (Qt loads plugins lazily).
So ``start()`` begins at launch, before the window is built, and the window is shown only once the
libraries are in (``wait_for_libraries``): the window's construction and the loading overlap, and a
shown window never waits.  The model loader (which imports torch again, waiting on the same import
lock) then finds torch imported or nearly so.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
import threading

#: torch's own C++ libraries, dependencies first; libtorch_python is left to Python (its constructors
#: may touch the interpreter).
_LIBRARIES = {"linux": ("libc10.so", "libtorch_cpu.so", "libtorch.so"),
              "darwin": ("libc10.dylib", "libtorch_cpu.dylib", "libtorch.dylib")}

_started: threading.Thread | None = None
_libraries_done = threading.Event()


def torch_library_folder() -> str | None:
    """``torch/lib`` of the torch that ``import torch`` would load (None if torch is not installed)."""
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return None
    return os.path.join(os.path.dirname(spec.origin), "lib")


def load_torch_libraries() -> int:
    """dlopen torch's C++ libraries with the interpreter lock released; how many were loaded."""
    names = _LIBRARIES.get("darwin" if sys.platform == "darwin" else sys.platform.rstrip("0123456789"))
    folder = torch_library_folder()
    if not names or folder is None or "torch" in sys.modules:
        return 0
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return 0
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = (ctypes.c_char_p, ctypes.c_int)
    loaded = 0
    for name in names:
        path = os.path.join(folder, name)
        # RTLD_LOCAL: torch's own import finds them loaded (by soname) and reuses them; made global, their
        # symbols would take the place of other libraries' (verovio aborted in std::bad_alloc).
        if os.path.exists(path) and dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_LOCAL):
            loaded += 1
    return loaded


def _import_torch() -> None:
    try:
        try:
            load_torch_libraries()
        finally:
            _libraries_done.set()
        import torch  # noqa: F401
        import safetensors.torch  # noqa: F401
    except Exception:   # noqa: BLE001 — the model loader imports them again and reports what is wrong
        pass


def start() -> threading.Thread:
    """Begin importing torch in the background (once); the thread is returned for whoever must wait."""
    global _started
    if _started is None:
        _started = threading.Thread(target=_import_torch, name="import torch", daemon=True)
        _started.start()
    return _started


def wait_for_libraries(timeout: float) -> bool:
    """Wait (at most ``timeout`` seconds) until torch's C++ libraries are loaded; True if they are (or if
    ``start`` was never called: nothing to wait for)."""
    return _started is None or _libraries_done.wait(timeout)
