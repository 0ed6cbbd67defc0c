"""Rows are read by column name, never by position (issue #19, item 5).

An AST scan of ``desktop/`` (views and the CLI are scanned by their own helper's test)
that fails on ``row[5]``-style reads: an integer subscript of 3 or more on a database
row. Narrower indexes (``row[0]`` of a one- or two-column SELECT) and tuple unpacking
are not flagged: the SELECT beside them names their few columns.

What counts as a row, inside one function:
- the result of ``.first()``, ``.one()``, ``.one_or_none()``, ``.fetchone()``;
- a name bound to one of those, or to ``rows[i]`` of a row set;
- a loop or comprehension variable over a row set: a call of ``.all()``, ``.fetchall()``,
  ``.fetchmany()``, ``.execute(...)``, ``.exec_driver_sql(...)``, or a name bound to
  one (also through ``list()``/``sorted()``/``enumerate()``);
- ``list(row)``/``tuple(row)`` of a row;
- a parameter of a function of the same module that is called with a row (``_peer(r)``).
Lists, dicts and tuples built in Python are none of these, so their code is not flagged.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "desktop"
SKIPPED_DIRS = ("views", "cli")  # scanned by the views/CLI helper's own check
FROZEN = "storage/migrations/versions/"  # a migration is history: never edited once released
MIN_INDEX = 3

ONE_ROW = frozenset({"first", "one", "one_or_none", "fetchone"})
ROW_SETS = frozenset({"all", "fetchall", "fetchmany", "execute", "exec_driver_sql"})
PASS_THROUGH = frozenset({"list", "sorted", "tuple", "reversed"})

HOT_PATHS: dict[tuple[str, str], str] = {
    # (module path under desktop/, function name) -> why a positional read stays there.
    # None today: the hot paths (segments.encode_from_log, plan._load_log, the member
    # list's rows) read through NamedTuple._make, a few percent, where the SQLAlchemy
    # row's attribute access would cost about a fifth of a full export (docs/benchmarks.md).
}

PENDING: dict[str, str] = {
    # Modules outside the named-rows helper's files that still read rows by position;
    # whoever converts one deletes its line (a stale line fails the test below).
}


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    function: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}: {self.text}"


def _method(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _builtin(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return None


class _Scope:
    """Names known to hold a row or a row set inside one function body."""

    def __init__(self, rows: set[str]) -> None:
        self.rows = set(rows)
        self.row_sets: set[str] = set()

    def is_row_set(self, node: ast.AST) -> bool:
        if _method(node) in ROW_SETS:
            return True
        if isinstance(node, ast.Name):
            return node.id in self.row_sets
        if isinstance(node, ast.Call) and _builtin(node) in PASS_THROUGH | {"enumerate"}:
            return bool(node.args) and self.is_row_set(node.args[0])
        return False

    def is_row(self, node: ast.AST) -> bool:
        if _method(node) in ONE_ROW:
            return True
        if isinstance(node, ast.Name):
            return node.id in self.rows
        if isinstance(node, ast.Subscript) and self.is_row_set(node.value):
            return isinstance(node.slice, ast.Constant)
        if isinstance(node, ast.Call) and _builtin(node) in {"list", "tuple"}:
            return bool(node.args) and self.is_row(node.args[0])
        return False

    def bind_loop(self, target: ast.AST, source: ast.AST) -> None:
        if not self.is_row_set(source):
            return
        if isinstance(target, ast.Name):
            self.rows.add(target.id)
        elif (
            _builtin(source) == "enumerate"
            and isinstance(target, ast.Tuple)
            and len(target.elts) == 2
            and isinstance(target.elts[1], ast.Name)
        ):
            self.rows.add(target.elts[1].id)

    def bind(self, target: ast.AST, value: ast.AST) -> None:
        if not isinstance(target, ast.Name):
            return
        if self.is_row(value):
            self.rows.add(target.id)
        elif self.is_row_set(value):
            self.row_sets.add(target.id)


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST, list[str]]]:
    """(name, body holder, parameter names) of every function, and the module itself."""
    yield "<module>", tree, []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            yield node.name, node, params


def _own_nodes(holder: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a body in source order, without those of nested functions and
    classes (each function is a scope of its own; ``_functions`` finds methods)."""
    todo = list(reversed(list(ast.iter_child_nodes(holder))))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        yield node
        todo.extend(reversed(list(ast.iter_child_nodes(node))))


def _scan_scope(holder: ast.AST, rows: set[str]) -> tuple[_Scope, list[ast.AST]]:
    scope = _Scope(rows)
    nodes = list(_own_nodes(holder))
    for _ in range(2):  # a second pass sees names bound after a loop that uses them
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    scope.bind(target, node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                scope.bind(node.target, node.value)
            elif isinstance(node, ast.NamedExpr):
                scope.bind(node.target, node.value)
            elif isinstance(node, ast.For | ast.AsyncFor):
                scope.bind_loop(node.target, node.iter)
            elif isinstance(node, ast.comprehension):
                scope.bind_loop(node.target, node.iter)
    return scope, nodes


def offences(source: str, path: str) -> list[Offence]:
    tree = ast.parse(source)
    functions = list(_functions(tree))
    by_name = {name: (holder, params) for name, holder, params in functions}
    row_params: dict[str, set[str]] = {name: set() for name in by_name}
    # Parameters fed with rows by calls in the same module, to a fixed point.
    changed = True
    while changed:
        changed = False
        for name, holder, _params in functions:
            scope, nodes = _scan_scope(holder, row_params[name])
            for node in nodes:
                callee = _builtin(node)
                if callee is None or callee not in by_name or callee == "<module>":
                    continue
                assert isinstance(node, ast.Call)
                params = by_name[callee][1]
                for arg, param in zip(node.args, params, strict=False):
                    if scope.is_row(arg) and param not in row_params[callee]:
                        row_params[callee].add(param)
                        changed = True
    found: list[Offence] = []
    for name, holder, _params in functions:
        if (path, name) in HOT_PATHS:
            continue
        scope, nodes = _scan_scope(holder, row_params[name])
        for node in nodes:
            if not (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Constant)
                and type(node.slice.value) is int
                and node.slice.value >= MIN_INDEX
            ):
                continue
            if scope.is_row(node.value):
                found.append(Offence(path, node.lineno, name, ast.unparse(node)))
    return found


def _modules() -> Iterator[tuple[str, Path]]:
    for file in sorted(DESKTOP.rglob("*.py")):
        rel = file.relative_to(DESKTOP).as_posix()
        if rel.split("/", 1)[0] in SKIPPED_DIRS or rel.startswith(FROZEN):
            continue
        yield rel, file


def test_no_row_is_read_by_position() -> None:
    found = [
        str(o)
        for rel, file in _modules()
        if rel not in PENDING
        for o in offences(file.read_text("utf-8"), rel)
    ]
    assert not found, "rows read by position (read them by column name):\n" + "\n".join(found)


def test_pending_list_is_not_stale() -> None:
    """A module converted since must leave ``PENDING``, so the scan covers it again."""
    clean = [
        rel
        for rel, file in _modules()
        if rel in PENDING and not offences(file.read_text("utf-8"), rel)
    ]
    missing = [rel for rel in PENDING if not (DESKTOP / rel).exists()]
    assert not clean and not missing, f"remove from PENDING: {clean + missing}"
    for path, function in HOT_PATHS:
        tree = ast.parse((DESKTOP / path).read_text("utf-8"))
        assert function in {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


PLANTED = """
from sqlalchemy import text


def positional(conn):
    values = conn.exec_driver_sql("SELECT * FROM members WHERE id = ?", ("x",)).one()
    return values[16]


def looped(conn):
    rows = conn.execute(text("SELECT * FROM unions")).all()
    return [r[7] for r in rows]


def helper(row):
    return row[5]


def caller(conn):
    for r in conn.exec_driver_sql("SELECT * FROM sites"):
        helper(r)
    return conn.execute(text("SELECT 1, 2, 3, 4")).first()[3]
"""

FINE = """
def plain(conn, items, mapping):
    values = [1, 2, 3, 4, 5]
    pair = conn.exec_driver_sql("SELECT a, b FROM t").one()
    band = ("x", "y", 16, 34)
    for item in items:
        item[4]
    for row in conn.exec_driver_sql("SELECT a, b, c, d FROM t"):
        row.d
    return values[4], mapping[3], band[3], pair[1], items[0][5]
"""


def test_scan_catches_planted_offences(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(PLANTED, "utf-8")
    found = offences(planted.read_text("utf-8"), "planted.py")
    assert sorted((o.function, o.text) for o in found) == [
        ("caller", "conn.execute(text('SELECT 1, 2, 3, 4')).first()[3]"),
        ("helper", "row[5]"),
        ("looped", "r[7]"),
        ("positional", "values[16]"),
    ]


def test_scan_leaves_lists_dicts_and_tuples_alone() -> None:
    assert offences(FINE, "fine.py") == []
