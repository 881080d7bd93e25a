"""Every action of the window in one registry: its name, text, shortcuts, tip and the menu it sits in.

The window and each feature add their actions here (in menu order, with ``separator`` between
groups); the menu bar is then built from the registry in one go, and a list of shortcuts can be
read from it.  Frescobaldi's ``actioncollection.py`` is the model.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

Shortcut = str | QKeySequence | QKeySequence.StandardKey


class ActionRegistry:
    """The actions of one window by name, and what goes into each of its menus."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self._actions: dict[str, QAction] = {}
        self._menus: dict[str, list[QAction | None]] = {}   # menu title → its entries; None is a separator

    def add(self, name: str, text: str, slot: Callable[[], object] | None = None,
            shortcut: Shortcut | Sequence[Shortcut] | None = None, tip: str = "", *, menu: str | None = None,
            checkable: bool = False) -> QAction:
        """A new action on the window (so its shortcut works anywhere in it), in ``menu`` if given.

        ``slot`` is called without arguments when the action is triggered.
        """
        act = QAction(text, self.window)
        if slot is not None:
            act.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.setCheckable(checkable)
        self.window.addAction(act)
        return self.register(name, act, menu=menu)

    def register(self, name: str, action: QAction, *, menu: str | None = None) -> QAction:
        """Keep an action made elsewhere (undo and redo, a dock's toggle, a submenu's action)."""
        if name in self._actions:
            raise ValueError(f"there is already an action named {name!r}")
        self._actions[name] = action
        if menu is not None:
            self._menus.setdefault(menu, []).append(action)
        return action

    def separator(self, menu: str) -> None:
        """A line in ``menu`` between what was added so far and what comes next."""
        self._menus.setdefault(menu, []).append(None)

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def __contains__(self, name: str) -> bool:
        return name in self._actions

    def names(self) -> list[str]:
        return list(self._actions)

    def shortcuts(self) -> list[tuple[str, str, list[str]]]:
        """(name, text, shortcuts) of every action that has a shortcut: the app's key list."""
        return [(name, act.text().replace("&", ""), [s.toString() for s in act.shortcuts()])
                for name, act in self._actions.items() if act.shortcuts()]

    def build_menus(self, bar: QMenuBar, titles: Sequence[str]) -> dict[str, QMenu]:
        """Fill ``bar`` with the menus named in ``titles``, in that order, each with its registered entries."""
        unknown = set(self._menus) - set(titles)
        if unknown:
            raise ValueError(f"actions were added to menus the bar does not have: {sorted(unknown)}")
        menus = {}
        for title in titles:
            menu = menus[title] = bar.addMenu(title)
            for entry in self._menus.get(title, []):
                if entry is None:
                    menu.addSeparator()
                else:
                    menu.addAction(entry)
        return menus
