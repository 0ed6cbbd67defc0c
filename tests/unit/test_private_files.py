"""Leftovers and permissions (issue 17, point 8).

Owner-only modes are checked as bits (true as root too); a killed unmasked export is a
real process killed with SIGKILL; the data dir's temp folder is emptied at the next open.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from desktop.cli import main as cli_main
from desktop.config import Paths
from desktop.opening import open_database
from desktop.printing.forms.render import blank, render_form
from desktop.private_files import mode_of
from desktop.services.activities import categories
from desktop.services.figures import report_book as reports
from desktop.services.rosters import export, importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.spreadsheets.error_report import write_error_report
from desktop.storage.database import Database
from desktop.sync import export as sync_export
from tests.conftest import TEST_TODAY
from tests.unit.corruption import filled_registry
from tests.unit.sync.helpers import add_federation, add_member, add_union, mesh, node_of

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="Windows: the profile's ACL")


@posix_only
def test_data_dir_database_wal_backups_are_owner_only(db: Database) -> None:
    federations.create(db, "权限工会联合会")  # a write: -wal and -shm exist
    backup = db.backup("manual")
    paths = db.paths
    assert mode_of(paths.data_dir) == 0o700
    for file in (paths.database, paths.database.with_name("uniondesk.db-wal"), backup):
        assert mode_of(file) == 0o600, file.name
    assert mode_of(paths.database.with_name("uniondesk.db-shm")) == 0o600
    assert mode_of(paths.backups) == 0o700 and mode_of(paths.tmp) == 0o700


@posix_only
def test_a_new_data_dir_is_created_owner_only(tmp_path: Path) -> None:
    db = open_database(Paths(tmp_path / "new" / "data"))
    try:
        assert mode_of(db.paths.data_dir) == 0o700 and mode_of(db.paths.database) == 0o600
    finally:
        db.close()


@posix_only
def test_exports_reports_and_key_cards_are_owner_only(db: Database, tmp_path: Path) -> None:
    federations.create(db, "权限工会联合会")
    unions.add(db, "甲工会")
    roster = export.export_members(db, tmp_path / "名册.xlsx", unmasked=True).path
    monthly = reports.write_monthly(db, 2026, 11, tmp_path / "月报.xlsx")
    card = tmp_path / "key.card"
    assert (
        cli_main(["--data-dir", str(db.paths.data_dir), "sync", "id", "--export-key", str(card)])
        == 0
    )
    form = tmp_path / "登记表.pdf"
    render_form("registration", blank("registration"), form)
    for file in (roster, monthly, card, form):
        assert mode_of(file) == 0o600, file.name


@posix_only
def test_sync_package_is_owner_only_and_a_stale_tmp_is_removed(db_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    add_member(a, add_union(a, add_federation(a)), "张三", "X1")
    out = tmp_path / "stick" / "p.udsync"
    out.parent.mkdir()
    stale = out.with_name("p.udsync.tmp")
    stale.write_bytes(b"\0" * 4096)  # a killed export's full-size leftover
    other = out.with_name("周一.udsync.tmp")  # … of an export under another name
    other.write_bytes(b"\0" * 4096)
    sync_export.export(a, out, [node_of(b)])
    assert not stale.exists() and not other.exists() and mode_of(out) == 0o600


def test_stale_temporaries_are_removed_at_start(db_template: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "tmp" / "openpyxl.dir").mkdir(parents=True)
    (data / "tmp" / "openpyxl.abc123").write_text("440683199001018923", encoding="utf-8")
    (data / "backups").mkdir()
    killed = data / "backups" / "uniondesk-20260101-000000-000000-x.db.part"
    killed.write_bytes(b"half")
    hours_ago = killed.stat().st_mtime - 2 * 3600  # a killed backup's: nobody writes it
    os.utime(killed, (hours_ago, hours_ago))
    (data / "uniondesk.db").write_bytes(db_template.read_bytes())
    (data / "keys.json").write_bytes((db_template.parent / "keys.json").read_bytes())
    db = open_database(Paths(data))
    try:
        assert list((data / "tmp").iterdir()) == []
        db.backup("manual")
        assert not list((data / "backups").glob("*.part"))
    finally:
        db.close()


def test_a_stale_part_beside_an_export_target_is_removed(db: Database, tmp_path: Path) -> None:
    federations.create(db, "导出工会联合会")
    target = tmp_path / "名册.xlsx"
    stale = tmp_path / "名册.xlsx.part"
    stale.write_bytes(b"half an export")
    export.export_members(db, target)
    assert target.exists() and not stale.exists()
    assert not [p for p in tmp_path.iterdir() if p.name not in {"名册.xlsx", "data"}]


_KILLED_EXPORT = """
import os, sys, time
from pathlib import Path
from desktop.config import Paths
from desktop.opening import open_database
from desktop.services.rosters import export

db = open_database(Paths(Path(sys.argv[1])))

def progress(done, total, text):
    if total and done == total:  # every row spooled by openpyxl, the file not yet saved
        print("spooled", flush=True)
        time.sleep(60)

export.export_members(db, Path(sys.argv[2]), unmasked=True, progress=progress)
"""


def test_a_killed_unmasked_export_leaves_nothing_outside_the_data_dir(
    db_template: Path, tmp_path: Path
) -> None:
    data = filled_registry(db_template, tmp_path / "data", members=2000)
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    env = {**os.environ, "TMPDIR": str(system_tmp), "TEMP": str(system_tmp)}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_EXPORT, str(data), str(out_dir / "名册.xlsx")],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "spooled"
            leftovers = list((data / "tmp").iterdir())
            assert leftovers, "openpyxl's spool file should be in the data dir's temp folder"
            assert all(mode_of(p) & 0o077 == 0 for p in leftovers)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
    assert list(system_tmp.iterdir()) == []  # no roster with full IDs in the system temp
    assert list(out_dir.iterdir()) == []  # no half file beside the target
    assert list((data / "tmp").iterdir())  # the killed process's spool is still there …
    open_database(Paths(data)).close()
    assert list((data / "tmp").iterdir()) == []  # … and the next start removes it


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(
            z.read(n).decode("utf-8")
            for n in z.namelist()
            if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"
        )


FORMULA_NAMES = ("=1+1工会", "+8613800000000", "-2工会", "@SUM(A1)")


def test_report_workbooks_write_formula_like_names_as_text(db: Database, tmp_path: Path) -> None:
    federations.create(db, "=HYPERLINK(1)联合会")
    for name in FORMULA_NAMES:
        unions.add(db, name)
    categories.add_category(db, "=CMD类别")
    for out in (
        reports.write_monthly(db, 2026, 11, tmp_path / "月报.xlsx"),
        reports.write_annual(db, 2026, tmp_path / "年报.xlsx"),
    ):
        xml = _sheet_xml(out)
        assert "<f>" not in xml and "<f " not in xml, out.name
        for name in FORMULA_NAMES:
            assert name in xml
        assert "=HYPERLINK(1)联合会" in xml
    assert "=CMD类别" in _sheet_xml(tmp_path / "年报.xlsx")


def test_openpyxl_spools_exports_and_error_reports_in_the_data_dir(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where openpyxl puts its spool files (full IDs of an unmasked export or of the
    refused rows of an import) while it writes: never the system temp folder."""
    spooled: list[Path] = []
    real = openpyxl_writer.create_temporary_file

    def recording(suffix: str = "") -> str:
        name = real(suffix)
        spooled.append(Path(name))
        return name

    bad = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "工会"])
    ws.append(["乙", "440304198503151234", "不存在的工会"])
    wb.save(bad)
    monkeypatch.setattr(openpyxl_writer, "create_temporary_file", recording)
    federations.create(db, "临时文件工会联合会")
    unions.add(db, "甲公司工会")
    export.export_members(db, tmp_path / "名册.xlsx", unmasked=True)
    reports.write_monthly(db, 2026, 11, tmp_path / "月报.xlsx")
    preview = importer.prepare(db, bad, ImportOptions(today=TEST_TODAY))
    write_error_report(preview, tmp_path / "errors.xlsx")
    assert len(spooled) >= 3  # each workbook's sheets, as openpyxl writes them
    assert all(db.paths.tmp in p.parents for p in spooled), [str(p) for p in spooled]


def test_a_start_leaves_the_temp_folder_of_a_live_process_alone(
    db: Database, tmp_path: Path
) -> None:
    """The window exporting while a CLI command starts on the same data dir: the start
    must not remove the running export's spool."""
    live = subprocess.Popen(
        [sys.executable, "-c", _HOLD_TEMP, str(db.paths.tmp)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        text=True,
    )
    with live:
        try:
            assert live.stdout is not None
            folder = Path(live.stdout.readline().strip())
            (folder / "openpyxl.spool").write_text("rows", encoding="utf-8")
            open_database(db.paths).close()
            assert (folder / "openpyxl.spool").exists()
        finally:
            live.send_signal(signal.SIGKILL)
            live.wait(10)
    open_database(db.paths).close()
    assert not folder.exists()


_HOLD_TEMP = """
import sys, time
from pathlib import Path
from desktop.private_files import process_temp_dir

print(process_temp_dir(Path(sys.argv[1])), flush=True)
time.sleep(60)
"""
