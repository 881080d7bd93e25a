"""Verovio in a process of its own.

Verovio's layout and drawing hold Python's global interpreter lock for their whole run (tens of
milliseconds for a 16-bar chorale), so on a thread of the window's process they would still
stall the window.  In a second process they cannot: the engraving thread only writes the MEI,
sends it down a pipe and waits (without the lock) for the engraving to come back.

The process starts on first use ("spawn": a fresh interpreter that imports only ``notation``)
and ends with its owner.  A frozen app engraves in-process instead: there the interpreter
cannot be started again on a module of the bundle.
"""
from __future__ import annotations

import multiprocessing
import sys
from typing import Mapping

from ..score import Cell, Score
from .engrave import EngraveError, EngraveOptions, Engraver, Engraving, document


def separate_process_possible() -> bool:
    return not getattr(sys, "frozen", False)


class EngraverProcess:
    """An ``Engraver`` in another process, with the same ``engrave`` call."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="engraver", daemon=True)
        self._process.start()
        child.close()

    def engrave(self, score: Score, options: EngraveOptions = EngraveOptions(),
                colors: Mapping[Cell, str] | None = None) -> Engraving:
        mei = document(score, options, colors)
        try:
            self._conn.send((mei, options, score.steps_per_bar))
            answer = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise EngraveError(f"the engraving process ended ({exc})") from None
        if isinstance(answer, str):
            raise EngraveError(answer)
        return answer

    def terminate(self) -> None:
        """Stop the process now; an ``engrave`` waiting for its answer raises EngraveError."""
        if self._process.is_alive():
            self._process.terminate()

    def close(self) -> None:
        try:
            self._conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self._process.join(2)
        if self._process.is_alive():
            self._process.terminate()
        self._conn.close()


def _serve(conn) -> None:
    """The engraving process: one MEI document in, one Engraving (or what went wrong) out."""
    engraver = Engraver()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            conn.send(engraver.engrave_mei(*job))
        except Exception as exc:   # noqa: BLE001 — any failure goes back as a message, the process lives on
            conn.send(f"{type(exc).__name__}: {exc}")
