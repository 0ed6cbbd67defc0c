"""Core modules stay headless: only desktop/views and desktop/tasks.py may import Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "desktop"
ALLOWED = ("views/", "tasks.py")


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in {"PySide6", "shiboken6"}]
    return found


def test_no_qt_outside_views() -> None:
    offenders = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ALLOWED):
            continue
        imports = _qt_imports(path)
        if imports:
            offenders[rel] = imports
    assert offenders == {}


def _desktop_imports(path: Path) -> set[str]:
    """The ``desktop.<package>`` names a module imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {".".join(n.split(".")[:2]) for n in names if n.startswith("desktop.")}
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        # printing imports services (masks), so services reading a card use desktop.cards.
        ("services", {"desktop.printing", "desktop.views", "desktop.cli"}),
        ("cards", {"desktop.printing", "desktop.services", "desktop.views", "desktop.cli"}),
    ],
)
def test_lower_packages_never_import_upward(package: str, forbidden: set[str]) -> None:
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(_desktop_imports(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_itself_sees_qt_imports(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport shiboken6\n")
    assert _qt_imports(sample) == ["PySide6.QtCore", "shiboken6"]


def test_core_imports_without_qt_loaded() -> None:
    import subprocess
    import sys

    code = (
        "import sys, desktop.db, desktop.services.members, desktop.services.member_queries, "
        "desktop.sync.capture, desktop.cli\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _fresh_modules(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; the names of the modules it left loaded."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def test_code_lists_and_ids_import_without_the_orm() -> None:
    loaded = _fresh_modules("import desktop.models.codes, desktop.models.ids")
    assert "desktop.models.codes" in loaded and "desktop.models.ids" in loaded
    assert "sqlalchemy.orm" not in loaded
    assert "desktop.models.member" not in loaded


def test_gui_start_modules_load_neither_qt_nor_the_orm() -> None:
    """The cold start imports these before PySide6; the ORM would cost ~0.2 s there."""
    code = (
        "import importlib, desktop.__main__ as entry\n"
        "for name in entry.GUI_START_MODULES:\n"
        "    importlib.import_module(name)\n"
    )
    loaded = _fresh_modules(code)
    assert "desktop.services.federations" in loaded and "desktop.db" in loaded
    assert "sqlalchemy.orm" not in loaded
    assert not [m for m in loaded if m.startswith(("PySide6", "shiboken6"))]
    # Keys and the federation are made only on a first start: neither cryptography nor
    # python-stdnum (validation) on every start.
    assert not [m for m in loaded if m.startswith(("cryptography", "stdnum"))]
