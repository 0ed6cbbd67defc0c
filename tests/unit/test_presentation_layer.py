"""The presentation (desktop/views, desktop/cli) never holds a database connection and
never reaches into the sync engine: it calls services and the sync façade
(``desktop.sync.office``), which open their own transactions. So a screen and a command
word the same refusal the same way, and the engine can change its tables alone."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "desktop"
PRESENTATION = ("views", "cli")
#: What may hold the database: a call ``<x>.connect()`` / ``.begin()`` on one of these
#: names opens a transaction (Qt's ``signal.connect`` is on other names).
DB_NAMES = frozenset({"db", "_db", "engine", "_engine"})
TRANSACTION_CALLS = frozenset({"connect", "begin"})
ALWAYS_BANNED_CALLS = frozenset({"session", "exec_driver_sql"})
SYNC_FACADE = "desktop.sync.office"


def _receiver_name(node: ast.expr) -> str | None:
    """``ctx.db`` → "db", ``self._db`` → "_db", ``db`` → "db"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _imported(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(module, name) pairs: ``from desktop.sync import trust`` → ("desktop.sync.trust",
    "trust"); ``from desktop.sync.trust import Peer`` → ("desktop.sync.trust", "Peer");
    ``import x.y`` → ("x.y", "y")."""
    if isinstance(node, ast.Import):
        return [(a.name, a.name.rsplit(".", 1)[-1]) for a in node.names]
    if node.module is None or node.level:
        return []
    if node.module in ("desktop", "desktop.sync"):  # the names are modules
        return [(f"{node.module}.{a.name}", a.name) for a in node.names]
    return [(node.module, a.name) for a in node.names]


def offences(path: Path) -> list[str]:
    """Every way ``path`` touches the database or the sync engine directly, by line."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            receiver = _receiver_name(node.func.value)
            if attr in ALWAYS_BANNED_CALLS or (attr in TRANSACTION_CALLS and receiver in DB_NAMES):
                found.append(f"{node.lineno}: .{attr}() on {receiver}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "engine"
            and _receiver_name(node.value) in DB_NAMES
        ):
            found.append(f"{node.lineno}: the engine of a Database")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for module, name in _imported(node):
                if module.split(".")[0] == "sqlalchemy":
                    found.append(f"{node.lineno}: imports {module}")
                elif name == "Connection":
                    found.append(f"{node.lineno}: imports Connection")
                elif (
                    module.startswith("desktop.sync.")
                    and module != SYNC_FACADE
                    and not module.startswith(SYNC_FACADE + ".")
                ):
                    found.append(f"{node.lineno}: imports {module}")
    return sorted(set(found))


def test_views_and_cli_hold_no_connection_and_use_the_sync_facade() -> None:
    found = {}
    for package in PRESENTATION:
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = offences(path)
            if bad:
                found[path.relative_to(ROOT).as_posix()] = bad
    assert found == {}


def test_the_scan_sees_each_offence(tmp_path: Path) -> None:
    """Planted offences, one per rule, each found (so the scan above can fail)."""
    planted = {
        "with self.ctx.db.connect(write=False) as conn:\n    pass\n": ".connect() on db",
        "with ctx.db.connect() as conn:\n    pass\n": ".connect() on db",
        "with self._db.connect() as conn:\n    pass\n": ".connect() on _db",
        "with engine.connect() as conn:\n    pass\n": ".connect() on engine",
        "with db.engine.begin() as conn:\n    pass\n": "the engine of a Database",
        "with self.ctx.db.session() as s:\n    pass\n": ".session() on db",
        "conn.exec_driver_sql('SELECT 1')\n": ".exec_driver_sql() on conn",
        "from sqlalchemy import text\n": "imports sqlalchemy",
        "import sqlalchemy.orm\n": "imports sqlalchemy.orm",
        "from desktop.storage.database import Connection\n": "imports Connection",
        "from desktop.sync import trust\n": "imports desktop.sync.trust",
        "from desktop.sync.importer import ImportResult\n": "imports desktop.sync.importer",
        "import desktop.sync.certs\n": "imports desktop.sync.certs",
    }
    for i, (code, expected) in enumerate(planted.items()):
        sample = tmp_path / f"offence_{i}.py"
        sample.write_text(code)
        assert any(expected in o for o in offences(sample)), (code, offences(sample))


def test_the_scan_allows_the_facade_and_qt_signals(tmp_path: Path) -> None:
    sample = tmp_path / "fine.py"
    sample.write_text(
        "from desktop.sync import office\n"
        "from desktop.sync.office import ImportResult, Peer\n"
        "from desktop.storage.database import Database\n"
        "from desktop.services.members import queries\n"
        "button.clicked.connect(page.refresh)\n"
        "self.model.modelReset.connect(self._update)\n"
        "rows = queries.read_page(self.ctx.db, flt)\n"
        "peers = office.peers(ctx.db)\n"
    )
    assert offences(sample) == []
