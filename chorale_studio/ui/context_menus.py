"""Right-click menus on the piano roll: a note's actions, and a bar's, taken from the action registry (so a
menu entry does what the menu bar's does, with the same shortcut shown)."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from .actions import ActionRegistry

#: The registry's actions each menu offers (None: a separator); missing or disabled ones are left out.
NOTE_ACTIONS = ("cut", "copy", "delete", None, "fermata", None, "generate_fill", "generate_harmonize")
PLACE_ACTIONS = ("paste", None, "fermata", None, "generate_fill")
BAR_ACTIONS = ("generate_fill", "generate_harmonize", "generate_again", None, "insert_bars", "delete_bars",
               None, "transpose")


class ContextMenus:
    """Pops up the menu a right-click asks for; ``menu`` is the last one shown (tests read it)."""

    def __init__(self, registry: ActionRegistry, parent: QWidget) -> None:
        self.registry, self.parent = registry, parent
        self.menu: QMenu | None = None

    def show(self, names: Sequence[str | None], at: QPoint) -> QMenu:
        menu = QMenu(self.parent)
        for name in names:
            if name is None:
                if menu.actions() and not menu.actions()[-1].isSeparator():
                    menu.addSeparator()
            elif name in self.registry and self.registry[name].isEnabled():
                menu.addAction(self.registry[name])
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = menu
        menu.popup(at)
        return menu

    def texts(self) -> list[str]:
        """The entries of the menu last shown, without the & marks."""
        return [a.text().replace("&", "") for a in self.menu.actions() if not a.isSeparator()] if self.menu else []
