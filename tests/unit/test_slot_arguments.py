"""A button's ``clicked`` (and an action's ``triggered``) sends ``checked`` (a bool) to a
slot that takes an argument. Connected straight to a method with an optional first
parameter, ``False`` arrives as that parameter: the member list's 导入名册… button
opened the roster wizard on a file named 「False」 and the sync page's 导入同步包… began
checking one. Such a method is connected through a lambda that drops the bool."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "desktop" / "views"
CHECKED_SIGNALS = frozenset({"clicked", "triggered"})


def _bool_swallowing_connections(source: str) -> list[str]:
    """``line: signal -> method`` where ``<x>.clicked.connect(self.method)`` meets a method
    of the same class whose first parameter is not the ``checked: bool``."""
    found = []
    for cls in (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)):
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        for node in ast.walk(cls):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr in CHECKED_SIGNALS
                and node.args
                and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name)
                and node.args[0].value.id == "self"
            ):
                continue
            method = methods.get(node.args[0].attr)
            if method is None or len(method.args.args) < 2:
                continue
            first = method.args.args[1].annotation
            if first is None or ast.unparse(first) != "bool":
                found.append(f"{node.lineno}: {node.func.value.attr} -> {method.name}")
    return found


def test_the_check_finds_the_defect_it_is_for() -> None:
    source = (
        "class Page:\n"
        "    def __init__(self):\n"
        "        self.button.clicked.connect(self.open)\n"
        "        self.other.clicked.connect(self.plain)\n"
        "        self.toggle.clicked.connect(self.flag)\n"
        "    def open(self, path=None): ...\n"
        "    def plain(self): ...\n"
        "    def flag(self, checked: bool): ...\n"
    )
    assert _bool_swallowing_connections(source) == ["3: clicked -> open"]


def test_no_button_sends_its_checked_flag_as_an_argument() -> None:
    found = {
        str(path.relative_to(VIEWS)): hits
        for path in sorted(VIEWS.rglob("*.py"))
        if (hits := _bool_swallowing_connections(path.read_text("utf-8")))
    }
    assert found == {}
