"""The house's rules: core modules stay headless (only desktop/views imports Qt), each
layer imports only lower ones, no cycles between top-level packages, frozen migrations."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "desktop"
ALLOWED = ("views/",)


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


# The layers, lowest first: a module may import its own package and any lower layer,
# never a higher one or a sibling of the same rank (docs/ARCHITECTURE.md). The base is
# the single modules at the top of ``desktop/`` that everything (and each other) may use.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset(
        {"__init__", "acting", "app_log", "arguments", "clock", "config", "control_chars"}
        | {"errors", "gc_pause", "im_session", "private_files", "progress", "resources"}
        | {"textnorm"}
    ),
    frozenset({"storage"}),
    frozenset({"models"}),
    frozenset({"cards", "spreadsheets"}),
    frozenset({"services"}),
    frozenset({"sync"}),
    frozenset({"demo", "printing"}),
    frozenset({"opening"}),
    frozenset({"cli", "views"}),
    frozenset({"__main__"}),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _unit(parts: tuple[str, ...]) -> str:
    """``desktop/services/x.py`` → "services"; ``desktop/clock.py`` → "clock"."""
    head = parts[0]
    return head[:-3] if head.endswith(".py") else head


def _desktop_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``desktop.…`` module a file imports (function-level imports included), with
    its line: ``from desktop.services import members`` counts as desktop.services.members."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.startswith("desktop.")]
    return found


def _imported_unit(module: str) -> str | None:
    parts = module.split(".")[1:]
    if not parts:
        return None
    unit = parts[0]
    return unit if unit in RANK else None


def layer_violations(root: Path) -> list[str]:
    """``file:line imports module`` for every import of a higher or same-rank layer."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        unit = _unit(rel.parts)
        for line, module in _desktop_imports(path):
            target = _imported_unit(module)
            if target is None or target == unit:
                continue
            rank, own = RANK[target], RANK.get(unit, len(LAYERS))
            if rank > own or (rank == own and own > 0):  # base modules may use each other
                found.append(f"{rel.as_posix()}:{line} imports {module}")
    return sorted(set(found))


def package_cycles(root: Path) -> list[list[str]]:
    """Cycles in the graph of top-level units (each edge: some module imports another)."""
    edges: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        unit = _unit(path.relative_to(root).parts)
        for _line, module in _desktop_imports(path):
            target = _imported_unit(module)
            if target is not None and target != unit:
                edges.setdefault(unit, set()).add(target)
    cycles: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == trail[0]:
                cycles.append([*trail, nxt])
            elif nxt not in trail and nxt > trail[0]:
                walk(nxt, [*trail, nxt])

    for start in sorted(edges):
        walk(start, [start])
    return cycles


def test_every_top_level_unit_has_a_layer() -> None:
    units = {_unit(p.relative_to(ROOT).parts) for p in ROOT.rglob("*.py")}
    assert units - set(RANK) == set()


def test_no_layer_imports_a_higher_one() -> None:
    assert layer_violations(ROOT) == []


def test_no_import_cycles_between_top_level_packages() -> None:
    assert package_cycles(ROOT) == []


def test_migrations_are_frozen() -> None:
    """A migration never imports application code: today's code must not change what an
    old migration does. Alembic's env.py may not either (no autogenerate)."""
    offenders = {
        path.name: [m for _line, m in _desktop_imports(path)]
        for path in (ROOT / "storage" / "migrations").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_layer_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """Each check finds a planted offence (a check that cannot fail is a defect)."""
    root = tmp_path / "desktop"
    for name in ("storage", "services", "sync", "models"):
        (root / name).mkdir(parents=True)
    (root / "storage" / "low.py").write_text("def f():\n    from desktop.services import x\n")
    (root / "services" / "a.py").write_text("from desktop.sync import b\n")
    (root / "sync" / "b.py").write_text("from desktop.services.a import y\n")
    (root / "models" / "m.py").write_text("import desktop.models.other\n")
    assert layer_violations(root) == [
        "services/a.py:1 imports desktop.sync",
        "services/a.py:1 imports desktop.sync.b",
        "storage/low.py:2 imports desktop.services",
        "storage/low.py:2 imports desktop.services.x",
    ]
    assert package_cycles(root) == [["services", "sync", "services"]]


def test_the_check_itself_sees_qt_imports(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport shiboken6\n")
    assert _qt_imports(sample) == ["PySide6.QtCore", "shiboken6"]


def test_core_imports_without_qt_loaded() -> None:
    import subprocess
    import sys

    code = (
        "import sys, desktop.opening, desktop.services.members.registry, "
        "desktop.services.members.queries, desktop.storage.capture, desktop.cli\n"
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
    assert "desktop.services.unions.federations" in loaded and "desktop.storage.database" in loaded
    assert "desktop.opening" in loaded
    assert "sqlalchemy.orm" not in loaded
    assert not [m for m in loaded if m.startswith(("PySide6", "shiboken6"))]
    # Keys and the federation are made only on a first start: neither cryptography nor
    # python-stdnum (validation) on every start.
    assert not [m for m in loaded if m.startswith(("cryptography", "stdnum"))]


def test_the_dashboards_federation_filter_imports_without_the_orm_or_pinyin() -> None:
    """The dashboard is built on the cold start, and its federation filter reads
    ``unions.scope``: the ORM models and pypinyin's dictionaries cost ~0.3 s each there
    (docs/benchmarks.md, eighteenth session), and an office's start needs neither."""
    loaded = _fresh_modules("import desktop.services.unions.scope")
    assert "desktop.services.unions.scope" in loaded
    assert "sqlalchemy.orm" not in loaded and "desktop.models.member" not in loaded
    assert not [m for m in loaded if m.startswith("pypinyin")]
    assert not [m for m in loaded if m.startswith("sqlalchemy.dialects.postgresql")]


def test_the_windows_open_loads_neither_the_unlock_dialog_nor_the_audit_viewers_code() -> None:
    """Before the first paint the window opens the registry (``unlock.flow``) and installs
    the audit trail's record-change capture: the unlock dialog (only when the key is
    missing) and the audit viewer's queries and chain check are loaded when used."""
    loaded = _fresh_modules(
        "import desktop.services.audit.changes, desktop.opening\n"
        "from desktop.views.unlock import flow\n"
        "flow.open_unlocked(None, lambda _paths: None)  # the key is here: opened"
    )
    assert "desktop.services.audit.changes" in loaded
    assert "desktop.views.unlock.dialog" not in loaded
    assert "desktop.services.audit.queries" not in loaded
    assert "desktop.services.audit.verifying" not in loaded
    later = _fresh_modules("from desktop.services import audit; audit.verify; audit.AuditFilter")
    assert "desktop.services.audit.verifying" in later
    assert "desktop.services.audit.queries" in later
