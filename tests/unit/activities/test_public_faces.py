"""The activities and sites areas' public faces: ``from desktop.services import sites`` then
``sites.add_site(...)``. Each name is loaded on first use, so importing one module of an
area (the sites area imports ``activities.inputs``) costs no more than that module."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from desktop.services import activities, sites

AREAS = (activities, sites)


def _type_checking_imports(package: ModuleType) -> dict[str, str]:
    """Name → defining module, as the ``if TYPE_CHECKING:`` block of ``__init__`` says."""
    tree = ast.parse(Path(str(package.__file__)).read_text("utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module
                prefix = package.__name__ + "."
                assert imp.module.startswith(prefix)
                found.update({a.name: imp.module.removeprefix(prefix) for a in imp.names})
    return found


@pytest.mark.parametrize("package", AREAS, ids=lambda p: p.__name__)
def test_face_table_type_imports_and_all_agree(package: ModuleType) -> None:
    face = package._FACE
    assert _type_checking_imports(package) == face
    assert sorted(package.__all__) == sorted(face)
    assert len(package.__all__) == len(set(package.__all__))


@pytest.mark.parametrize("package", AREAS, ids=lambda p: p.__name__)
def test_every_public_name_is_its_module_s_object(package: ModuleType) -> None:
    submodules = {p.stem for p in Path(str(package.__file__)).parent.glob("*.py")}
    for name, module in package._FACE.items():
        # A name equal to a submodule would be replaced by the module once it is imported.
        assert name not in submodules
        defining = importlib.import_module(f"{package.__name__}.{module}")
        assert getattr(package, name) is getattr(defining, name), name
        assert name in dir(package)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        package.not_a_name  # noqa: B018


def test_one_module_loads_alone_and_a_public_name_loads_its_module() -> None:
    """One fresh interpreter (a subprocess is the slow part): import a module of the sites
    area, note what is loaded, then use two public names and note again."""
    code = (
        "import sys\n"
        "import desktop.services.sites.records\n"
        "print(' '.join(sorted(sys.modules)))\n"
        "from desktop.services import activities, sites\n"
        "assert callable(activities.attend_by_card) and callable(sites.list_sites)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    first, then = (set(line.split()) for line in out.stdout.splitlines())
    heavy = {
        "desktop.services.activities.records",
        "desktop.services.activities.attendance",
        "desktop.services.activities.photos",
        "desktop.services.sites.facilities",
        "desktop.services.sites.workers",
        "desktop.services.figures.summary",
        "desktop.cards.signing",
        "cryptography",
    }
    assert "desktop.services.activities.inputs" in first
    assert heavy & first == set()
    assert {"desktop.services.activities.attendance", "desktop.services.sites.records"} <= then
    assert "desktop.services.activities.photos" not in then
    assert "desktop.services.sites.workers" not in then


# Names the services of these areas give a fetched row; a list of rows is indexed only to
# take one row (``rows[0].id``), never a column.
ROW_NAMES = {"r", "row", "old", "current", "values", "result"}


def _positional_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
            continue
        if not isinstance(node.slice.value, int):
            continue
        target = node.value
        if (isinstance(target, ast.Name) and target.id in ROW_NAMES) or isinstance(
            target, ast.Subscript
        ):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_rows_are_read_by_name() -> None:
    """Reads return typed records built from named columns, never ``row[3]``: a column
    added to a SELECT cannot shift what a field receives."""
    services = Path(str(activities.__file__)).parent.parent
    offenders = [
        hit
        for package in ("activities", "sites")
        for path in sorted((services / package).glob("*.py"))
        for hit in _positional_reads(path)
    ]
    assert offenders == []
