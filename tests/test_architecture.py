"""The code keeps the shape docs/architecture.md draws: imports point down the layers, the window's
parts stay small and free of import circles, every undo command is made by the editor, every colour
lives in the theme, the menus come from the action registry, and ruff finds nothing.

These read the source (``ast``), so they run in a moment and need no window, except the menu check.
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "chorale_studio"
UI = PACKAGE / "ui"
LOWER_LAYERS = ("score", "tokens", "io", "analysis", "generation", "training", "playback", "notation")
PURE_LAYERS = ("score", "tokens")
HEAVY = ("PySide6", "shiboken6", "torch")
UI_MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(name: str, source: str, is_package: bool = False) -> list[tuple[str, int]]:
    """Every module ``source`` (the text of module ``name``) imports, anywhere in it, with its line.

    ``from X import a`` counts as importing X and X.a (a may be a submodule).
    """
    package = name if is_package else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            out.append((target, node.lineno))
            out += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return out


def sources(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        yield module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py"


def layer_violations(modules) -> list[str]:
    """What breaks the layering among ``modules`` ((name, source, is_package) triples)."""
    found = []
    for name, source, is_package in modules:
        layer = name.split(".")[1] if name.count(".") >= 1 else ""
        if layer not in LOWER_LAYERS:
            continue
        for target, line in imported(name, source, is_package):
            if target.startswith("chorale_studio.ui") or target == "chorale_studio.cli":
                found.append(f"{name}:{line} imports {target} (a lower layer imports the top)")
            if layer in PURE_LAYERS and target.split(".")[0] in HEAVY:
                found.append(f"{name}:{line} imports {target} ({layer}/ stays free of Qt and torch)")
    return sorted(set(found))


def test_lower_layers_never_import_the_ui_or_the_command_line_and_the_domain_needs_no_qt_or_torch():
    assert layer_violations(sources(PACKAGE)) == []


@pytest.mark.parametrize("module, source, broken", [
    ("chorale_studio.score.model", "from ..ui import theme\n", "imports chorale_studio.ui"),
    ("chorale_studio.tokens.commands", "from ..cli import main\n", "imports chorale_studio.cli"),
    ("chorale_studio.generation.engine", "def f():\n    from chorale_studio.ui.editor import ScoreEditor\n",
     "imports chorale_studio.ui.editor"),
    ("chorale_studio.score.model", "import torch\n", "free of Qt and torch"),
    ("chorale_studio.tokens.vocab", "from PySide6.QtCore import QObject\n", "free of Qt and torch"),
])
def test_the_layer_check_catches_each_kind_of_wrong_import(module, source, broken):
    found = layer_violations([(module, source, False)])
    assert found and broken in found[0]
    assert layer_violations([("chorale_studio.ui.editor", "from ..score import edits\n", False)]) == []


def test_the_ui_modules_import_each_other_without_a_circle():
    modules = {name: (source, is_package) for name, source, is_package in sources(UI)}
    graph = {name: {t for t, _ in imported(name, source, is_package) if t in modules and t != name}
             for name, (source, is_package) in modules.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            pytest.fail("import circle: " + " → ".join(path[path.index(name):] + [name]))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_no_file_of_the_window_is_longer_than_a_newcomer_can_read():
    long = {str(p.relative_to(REPO)): n for p in UI.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > UI_MAX_LINES}
    assert long == {}, f"split these (at most {UI_MAX_LINES} lines each): {long}"


def _undo_commands() -> set[str]:
    tree = ast.parse((UI / "commands.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)
            and any(getattr(b, "id", None) == "QUndoCommand" for b in node.bases)}


def test_views_and_features_make_no_undo_commands_the_editor_does():
    commands = _undo_commands()
    assert {"NotesCommand", "LockCommand", "PieceCommand", "ReplaceCellsCommand", "TempoCommand"} <= commands
    found = []
    for path in UI.rglob("*.py"):
        if path.name in ("editor.py", "commands.py") and path.parent == UI:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", None) == "QUndoCommand" for b in node.bases):
                found.append(f"{where} defines an undo command (they live in ui/commands.py)")
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in commands:
                    found.append(f"{where} makes a {called} (ask the ScoreEditor)")
                if called == "push" and path != UI / "document.py":   # ScoreDocument.push: the stack itself
                    found.append(f"{where} pushes onto the undo stack (ask the ScoreEditor)")
    assert found == []


_HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")


def test_every_colour_of_the_window_is_named_in_the_theme():
    found = []
    for path in UI.rglob("*.py"):
        if path.name == "theme.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _HEX.search(node.value):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.value[:40]!r}")
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "QColor" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} QColor({node.args[0].value!r})")
    assert found == [], "move these colours into ui/theme.py"


def test_every_menu_entry_is_an_action_of_the_registry(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from chorale_studio.ui.main_window import MainWindow

    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))
    window = MainWindow(audio="null")
    qtbot.addWidget(window)
    registered = {id(window.registry[name]) for name in window.registry.names()}
    in_menus = [a for menu in window.menuBar().actions() for a in menu.menu().actions() if not a.isSeparator()]
    assert in_menus and all(id(a) in registered for a in in_menus)
    keys = {name: shortcuts for name, _text, shortcuts in window.registry.shortcuts()}
    assert keys["undo"] and keys["generate_fill"] == ["Ctrl+G"] and keys["play"] == ["Space"]
    window.generation.shutdown()


def _ruff() -> list[str] | None:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    return [exe] if exe else None


def test_ruff_finds_nothing_with_the_projects_rules():
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    run = subprocess.run([*ruff, "check", "--output-format", "concise", "."], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
