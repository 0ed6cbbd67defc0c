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

from desktop.im_session import wants_fcitx

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
    assert 'MessagesFile: "ChineseSimplified.isl"' in text
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


# ---- .udsync on Linux: MIME type, .desktop entry, the .deb's tree ------------------------

MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
SYNC_MIME = "application/x-uniondesk-sync"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(INSTALLER / "uniondesk.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_mime_type_for_sync_packages() -> None:
    """shared-mime-info must map *.udsync to the type the .desktop entry claims, and the
    glob must be the suffix the app's entry point accepts as a double-clicked file."""
    import xml.etree.ElementTree as ET

    from desktop.__main__ import GUI_FILE_SUFFIXES

    root = ET.parse(INSTALLER / "uniondesk-mime.xml").getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == SYNC_MIME
    globs = {g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")}
    assert globs == {f"*{suffix}" for suffix in GUI_FILE_SUFFIXES}
    comments = {c.get("{http://www.w3.org/XML/1998/namespace}lang"): c.text for c in mime}
    assert comments.get("zh_CN") == "工会桌面通同步包"
    assert SYNC_MIME in desktop_entry()["MimeType"].split(";")


def test_desktop_entry_passes_the_double_clicked_file() -> None:
    entry = desktop_entry()
    exec_ = entry["Exec"].split()
    assert exec_ == ["uniondesk", "%f"], "one file per start: the app takes one .udsync"
    assert entry["TryExec"] == "uniondesk"
    assert entry["MimeType"].endswith(";")


def test_deb_tree_installs_menu_entry_icons_and_mime_type(tmp_path: Path) -> None:
    """build_deb's tree (no dpkg-deb needed): the files desktop integration relies on."""
    import sys

    sys.path.insert(0, str(INSTALLER))
    try:
        import build_deb
    finally:
        sys.path.remove(str(INSTALLER))
    app = tmp_path / "UnionDesk"
    (app / "_internal").mkdir(parents=True)
    (app / "UnionDesk").write_bytes(b"#!/bin/sh\n")
    (app / "UnionDesk").chmod(0o755)
    tree = tmp_path / "tree"
    build_deb.build_tree(app, tree, "0.1.0", "amd64")
    share = tree / "usr" / "share"
    assert (share / "mime" / "packages" / "uniondesk.xml").read_bytes() == (
        INSTALLER / "uniondesk-mime.xml"
    ).read_bytes()
    assert (share / "applications" / "uniondesk.desktop").is_file()
    for size in (48, 128, 256):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "uniondesk.png").is_file()
    assert (tree / "usr" / "bin" / "uniondesk").readlink() == Path("/opt/uniondesk/UnionDesk")
    control = (tree / "DEBIAN" / "control").read_text(encoding="utf-8")
    assert "Depends: libegl1" in control  # no ELF file here: no libc6 floor is made up


# ---- glibc floor ---------------------------------------------------------------------

OBJDUMP_T = """
/x/libQt6Core.so.6:     file format elf64-x86-64

DYNAMIC SYMBOL TABLE:
0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.2.5) memcpy
0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.28) statx
0000000000000000      DF *UND*	0000000000000000  GLIBC_2.17  clock_gettime
0000000000123450 g    DF .text	0000000000000042 (GLIBC_2.34) defined_not_needed
0000000000000000  w   D  *UND*	0000000000000000  Base        __gmon_start__
"""


def test_glibc_audit_reads_only_imported_symbols() -> None:
    """The newest *undefined* GLIBC_ symbol is the floor; a defined one does not count,
    and both objdump spellings (with and without parentheses) are read."""
    import sys

    sys.path.insert(0, str(INSTALLER))
    try:
        import glibc_audit
    finally:
        sys.path.remove(str(INSTALLER))
    assert glibc_audit.newest_import(OBJDUMP_T) == ((2, 28), "statx")
    assert glibc_audit.newest_import(OBJDUMP_T.replace("(GLIBC_2.28) statx", "")) == (
        (2, 17),
        "clock_gettime",
    )
    assert glibc_audit.newest_import("no symbols") is None
    assert glibc_audit.parse_version("2.28") < glibc_audit.parse_version("2.31")


# ---- Chinese input on Linux: the launcher routes fcitx to its ibus frontend ------------


def route(env: dict[str, str], plugins: Path) -> str | None:
    import sys

    sys.path.insert(0, str(INSTALLER))
    try:
        import launcher
    finally:
        sys.path.remove(str(INSTALLER))
    return launcher.route_input_method(env, plugins)


def test_fcitx_is_routed_to_ibus_when_the_bundle_has_no_fcitx_plugin(tmp_path: Path) -> None:
    (tmp_path / "platforminputcontexts").mkdir()
    (tmp_path / "platforminputcontexts" / "libibusplatforminputcontextplugin.so").touch()
    env = {"QT_IM_MODULE": "fcitx", "XMODIFIERS": "@im=fcitx"}
    assert route(env, tmp_path) == "ibus"
    assert env["QT_IM_MODULE"] == "ibus" and env["IBUS_USE_PORTAL"] == "1"
    # the window still knows the session meant fcitx (its fcitx 4 bridge reads this)
    assert env["UNIONDESK_IM_ROUTED_FROM"] == "fcitx" and wants_fcitx(env)

    env = {"QT_IM_MODULES": "wayland;fcitx5;ibus"}
    assert route(env, tmp_path) == "ibus"
    assert env["QT_IM_MODULES"] == "wayland;ibus"

    env = {"XMODIFIERS": "@im=fcitx"}  # only XIM configured: Qt 6 would use compose
    assert route(env, tmp_path) == "ibus"

    for unchanged in ({"QT_IM_MODULE": "ibus"}, {}, {"XMODIFIERS": "@im=ibus"}):
        before = dict(unchanged)
        assert route(unchanged, tmp_path) is None
        assert unchanged == before


def test_fcitx_left_alone_when_the_bundle_ships_a_fcitx_plugin(tmp_path: Path) -> None:
    (tmp_path / "platforminputcontexts").mkdir()
    (tmp_path / "platforminputcontexts" / "libfcitx5platforminputcontextplugin.so").touch()
    env = {"QT_IM_MODULE": "fcitx"}
    assert route(env, tmp_path) is None
    assert env == {"QT_IM_MODULE": "fcitx"}


# ---- Windows: Inno Setup script, its Chinese messages, the CI workflow -----------------


def iss_text() -> str:
    return (INSTALLER / "uniondesk.iss").read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def isl_entries(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(\w+)=(.*?)\r?$", text, re.M))


def test_chinese_messages_file_is_in_the_repo_and_used() -> None:
    """Inno Setup ships no ChineseSimplified.isl: the script must name ours, by a path
    relative to itself (not compiler:Languages, which is what broke on 6.4.1)."""
    text = iss_text()
    match = re.search(r'^Name: "chinesesimplified"; MessagesFile: "([^"]+)"$', text, re.M)
    assert match, "the [Languages] entry is missing"
    assert not match.group(1).startswith("compiler:")
    raw = (INSTALLER / match.group(1)).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, as Inno Setup reads it"
    entries = isl_entries(raw.decode("utf-8-sig"))
    assert entries["LanguageID"] == "$0804"
    assert entries["ButtonNext"] == "下一步(&N) >"
    assert entries["ButtonCancel"] == "取消"
    # every message of Inno Setup 6.4's Default.isl has a translation (281 keys there)
    assert len([k for k in entries if not k.endswith(("FontName", "FontSize"))]) >= 281
    # the standard custom messages the script uses ({cm:...}) are translated too
    for used in set(re.findall(r"\{cm:(\w+)", text)) - {"SyncFileType"}:
        assert used in entries, f"{used} is not in ChineseSimplified.isl"
    assert all(re.search(r"[\u4e00-\u9fff]", entries[k]) for k in ("ButtonBack", "WizardReady"))


def test_inno_setup_associates_sync_packages() -> None:
    text = iss_text()
    assert re.search(r"^ChangesAssociations=yes$", text, re.M)
    registry = [line for line in text.splitlines() if line.startswith("Root: HKA;")]
    assert any(
        '"Software\\Classes\\.udsync"' in line and "{#SyncProgId}" in line for line in registry
    )
    (command,) = [line for line in registry if "shell\\open\\command" in line]
    assert '"""{app}\\{#AppExe}"" ""%1"""' in command  # the file's path, quoted
    # the uninstaller takes the association away again (the ProgId key with all under it)
    (progid,) = [line for line in registry if 'Subkey: "Software\\Classes\\{#SyncProgId}";' in line]
    assert "uninsdeletekey" in progid
    assert all("uninsdelete" in line for line in registry if ".udsync" in line)
    assert 'Name: "{autoprograms}\\{#AppName}"' in text and '#define AppName "工会桌面通"' in text


def test_uninstall_keeps_data_unless_asked() -> None:
    text = iss_text()
    code = text[text.index("[Code]") :]
    assert "MB_DEFBUTTON2" in code, "the delete-data question must default to 否"
    assert "not UninstallSilent" in code, "a silent uninstall never deletes data"
    assert code.index("= IDYES") < code.index("DelTree(")
    assert "{localappdata}\\UnionDesk" in code


def test_windows_workflow() -> None:
    workflow = ROOT / ".github" / "workflows" / "windows.yml"
    text = workflow.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text
    assert "-c requirements.lock" in text
    assert "choco install innosetup" in text
    assert "installer\\build.py" in text
    assert "/VERYSILENT" in text and "/CURRENTUSER" in text
    assert 'installer\\smoke.py "$env:LOCALAPPDATA\\Programs\\UnionDesk"' in text
    assert "工会桌面通.lnk" in text and "UnionDesk.SyncPackage" in text
    assert "unins000.exe" in text and "keep-me.txt" in text
    assert "\t" not in text


def test_lock_pins_the_release_build() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^pyinstaller==\d", lock, re.M | re.I)


# ---- the glibc-2.28 build: what comes from the system, which PySide6 ------------------

# Debian package that provides each library the spec leaves to the system (libsystemd0
# comes with libdbus-1-3).
SYSTEM_PACKAGE = {
    "libdbus-1.so": "libdbus-1-3",
    "libsystemd.so": "libdbus-1-3",
    "libfontconfig.so": "libfontconfig1",
    "libfreetype.so": "libfreetype6",
    "libpng16.so": "libpng16-16",
}


def installer_module(name: str):  # type: ignore[no-untyped-def]
    import importlib
    import sys

    sys.path.insert(0, str(INSTALLER))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(INSTALLER))


def test_libraries_left_to_the_system_are_in_depends() -> None:
    """A library the spec keeps out of the bundle must be pulled in by the .deb's Depends,
    or the app fails to start on a system without it."""
    provided = None
    for node in ast.parse(spec_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SYSTEM_PROVIDED" for t in node.targets
        ):
            provided = ast.literal_eval(node.value)
    assert provided, "SYSTEM_PROVIDED not found in the spec"
    assert set(provided) <= set(SYSTEM_PACKAGE), "name the Debian package of the new entry"
    depends = {
        alt.strip() for dep in installer_module("build_deb").DEPENDS for alt in dep.split("|")
    }
    for lib in provided:
        assert SYSTEM_PACKAGE[lib] in depends, f"{lib}: add {SYSTEM_PACKAGE[lib]} to DEPENDS"


def test_chroot_build_pins_the_glibc_228_pyside() -> None:
    """The chroot build takes every pin of requirements.lock except PySide6/shiboken6,
    which it replaces by the newest release with manylinux_2_28 wheels."""
    chroot = installer_module("chroot")
    pins = [line for line in chroot.constraints().splitlines() if "==" in line]
    names = [line.split("==")[0].lower().replace("_", "-") for line in pins]
    assert len(names) == len(set(names)), "one pin per package"
    assert f"PySide6-Essentials=={chroot.PYSIDE}" in pins
    assert f"shiboken6=={chroot.PYSIDE}" in pins
    assert chroot.PYSIDE.startswith("6.9.")
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert any(line.startswith("pyinstaller==") for line in pins)
    assert all(line in lock for line in pins if not line.lower().startswith(("pyside", "shiboken")))
