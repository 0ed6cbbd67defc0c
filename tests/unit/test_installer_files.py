"""Light checks on installer/: the files a release build needs agree with the source tree.

PyInstaller itself never runs here (minutes, not milliseconds); installer/build.py freezes
and smoke-tests the real thing. These tests catch the cheap mistakes: a data folder added
to the app but not to the spec, a broken .desktop entry, an Inno Setup script without its
AppId or Chinese language.
"""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "uniondesk.spec"


def spec_text() -> str:
    return SPEC.read_text(encoding="utf-8")


def test_spec_is_valid_python() -> None:
    ast.parse(spec_text(), filename=str(SPEC))


@pytest.mark.parametrize(
    "needle",
    [
        "desktop/storage/migrations/versions",  # Alembic loads revisions from files at run time
        '"env.py", "script.py.mako"',
        'collect_submodules("desktop")',  # CLI areas and GUI pages are imported by name
        'collect_data_files("stdnum")',
        'collect_data_files("pypinyin")',
        'collect_data_files("reportlab")',
        '"QtWebEngineCore"',  # heavy Qt modules stay out (QT_UNUSED → excludes)
        'excludes = [f"PySide6.{m}" for m in QT_UNUSED]',
    ],
)
def test_spec_names(needle: str) -> None:
    assert needle in spec_text()


def test_spec_ships_every_resource_folder() -> None:
    """Every folder under resources/ is either named in the spec's loop or would be missed."""
    match = re.search(r"for sub in \(([^)]*)\):", spec_text())
    assert match, "the spec no longer lists resource folders"
    listed = set(re.findall(r'"([^"]+)"', match.group(1)))
    present = {p.name for p in (ROOT / "resources").iterdir() if p.is_dir()}
    assert present <= listed, f"resource folders missing from the spec: {present - listed}"
    assert (ROOT / "resources" / "fonts").is_dir()


def test_migration_files_exist_where_the_spec_looks() -> None:
    migrations = ROOT / "desktop" / "storage" / "migrations"
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    assert list((migrations / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_icons_exist() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "uniondesk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    for size in (48, 128, 256):
        assert (icons / f"uniondesk-{size}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_desktop_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(INSTALLER / "uniondesk.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "uniondesk"
    assert entry["Icon"] == "uniondesk"
    assert entry["Name[zh_CN]"] == "工会桌面通"
    assert entry["Name"]
    assert entry["Categories"].endswith(";")
    assert entry["Terminal"] == "false"


def test_inno_setup_script() -> None:
    raw = (INSTALLER / "uniondesk.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "keep the UTF-8 BOM: Inno Setup < 6.3 needs it"
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    assert re.search(r"^AppId=\{\{[0-9A-F-]{36}\}$", text, re.M), "AppId must be a fixed GUID"
    assert 'MessagesFile: "compiler:Languages\\ChineseSimplified.isl"' in text
    assert re.search(r"^PrivilegesRequired=lowest$", text, re.M)
    assert "DefaultDirName={localappdata}\\Programs\\UnionDesk" in text
    assert "desktopicon" in text and "{autoprograms}" in text
    assert "{localappdata}\\UnionDesk" in text  # the uninstall message names the data dir
    assert "{#FrozenDir}" in text and "UnionDesk.exe" in text


def test_build_extra_is_not_a_runtime_dependency() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any("pyinstaller" in dep.lower() for dep in project["dependencies"])
    assert any("pyinstaller" in dep.lower() for dep in project["optional-dependencies"]["build"])


def spec_list(name: str) -> list[str]:
    """A list literal assigned to ``name`` at the spec's top level."""
    for node in ast.parse(spec_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError(f"{name} not found in the spec")


def test_no_excluded_qt_module_is_imported() -> None:
    """A page importing a Qt module the spec leaves out would only fail when clicked, frozen."""
    excluded = set(spec_list("QT_UNUSED"))
    used: dict[str, str] = {}
    for path in (ROOT / "desktop").rglob("*.py"):
        for module in re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")):
            used.setdefault(module, str(path.relative_to(ROOT)))
    clash = {m: f for m, f in used.items() if m in excluded}
    assert not clash, f"remove these from QT_UNUSED in installer/uniondesk.spec: {clash}"
