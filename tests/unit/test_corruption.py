"""A damaged database is never trusted (issue 17, point 6).

Real files: a demo registry with 16 KB overwritten in the middle, as a failing disk or
a bad copy leaves it. It is refused (reads and writes) with a message naming the last
good backup, ``check`` reports it with exit 1, backups are verified before they join
the rotation, and damage that appears after the open is caught before a bulk write.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.clock import FixedClock
from desktop.config import Paths
from desktop.demo import generate as demo
from desktop.errors import DatabaseError
from desktop.opening import open_database
from desktop.services.figures import summary as stats
from desktop.services.members import writer as member_writer
from desktop.services.upkeep import integrity
from desktop.storage import backups as backup_files
from desktop.storage import cipher_pages, keys, rawconn
from desktop.storage import database as db_module
from desktop.storage import health as db_health
from desktop.storage.health import CorruptDatabaseError
from tests.unit.corruption import copy_registry, damage, digest, filled_registry


@pytest.fixture(scope="module")
def registry(db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1500-member registry with one good backup and an unmasked roster of it."""
    folder = filled_registry(db_template, tmp_path_factory.mktemp("registry") / "data")
    db = open_database(Paths(folder))
    try:
        db.backup("manual")
    finally:
        db.close()
    roster = folder.parent / "roster.xlsx"
    assert cli_main(["--data-dir", str(folder), "roster", "export", str(roster)]) == 0
    return folder


@pytest.fixture
def damaged(registry: Path, tmp_path: Path) -> Path:
    folder = copy_registry(registry, tmp_path / "data")
    damage(folder / "uniondesk.db")
    return folder


def _backup(folder: Path) -> Path:
    (only,) = db_health.backups_newest_first(folder / "backups")
    return only


def test_damaged_database_is_refused_on_open_naming_the_last_good_backup(damaged: Path) -> None:
    before = digest(damaged / "uniondesk.db")
    with pytest.raises(CorruptDatabaseError) as caught:
        open_database(Paths(damaged))
    message = caught.value.message
    assert "已损坏" in message and str(_backup(damaged)) in message
    assert f"uniondesk backup restore {_backup(damaged).name}" in message  # how to restore
    assert digest(damaged / "uniondesk.db") == before


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["members", "find", "张"],
        ["roster", "export", "{tmp}/out.xlsx", "--unmasked", "--reason", "报送"],
        ["roster", "import", "{roster}"],
        ["demo", "--members", "10"],
    ],
    ids=["stats", "find", "export", "import", "demo"],
)
def test_cli_refuses_a_damaged_database_without_a_traceback(
    registry: Path,
    damaged: Path,
    tmp_path: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = digest(damaged / "uniondesk.db")
    roster = registry.parent / "roster.xlsx"
    args = [a.format(tmp=tmp_path, roster=roster) for a in command]
    assert cli_main(["--data-dir", str(damaged), *args]) == 1
    err = capsys.readouterr().err
    assert "已损坏" in err and _backup(damaged).name in err and "Traceback" not in err
    assert digest(damaged / "uniondesk.db") == before
    assert not (tmp_path / "out.xlsx").exists()


def test_check_reports_damage_with_exit_1(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--data-dir", str(damaged), "check"]) == 1
    captured = capsys.readouterr()
    assert "已损坏" in captured.err and _backup(damaged).name in captured.err
    assert cli_main(["--data-dir", str(damaged), "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problems"][0]["kind"] == "integrity_check"
    # a rebuild would write: refused, never a traceback
    assert cli_main(["--data-dir", str(damaged), "check", "--rebuild-search"]) == 1
    assert "已损坏" in capsys.readouterr().err


def test_large_file_checked_in_the_background_refuses_the_first_write(
    damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``OPEN_CHECK_BYTES`` the open returns at once; the first write waits for the
    check and is refused, and from then on reads are refused too."""
    monkeypatch.setattr(db_health, "OPEN_CHECK_BYTES", 0)
    db = open_database(Paths(damaged))
    try:
        with pytest.raises(CorruptDatabaseError), db.connect() as conn:
            conn.exec_driver_sql("UPDATE app_settings SET value = value")
        with pytest.raises(CorruptDatabaseError):
            stats.registry_stats(db)
    finally:
        db.close()


def test_the_windows_open_checks_in_the_background_and_tells_its_watchers_once(
    damaged: Path,
) -> None:
    """The window's open (``check_first=False``) returns before any check, however small the
    file; the check's damage reaches every watcher once, one added late included, and the
    first write is refused after waiting for it."""
    before = digest(damaged / "uniondesk.db")
    db = open_database(Paths(damaged), check_first=False)
    told: list[list[str]] = []
    try:
        assert db.health.findings is None  # not checked before the open returned
        db.health.watch(told.append)
        with pytest.raises(CorruptDatabaseError), db.connect() as conn:
            conn.exec_driver_sql("UPDATE app_settings SET value = value")
        assert len(told) == 1 and told[0]
        with pytest.raises(CorruptDatabaseError):
            stats.registry_stats(db)
        assert len(told) == 1  # known damage is not news
        late: list[list[str]] = []
        db.health.watch(late.append)
        assert late == told
    finally:
        db.close()
    assert digest(damaged / "uniondesk.db") == before


def test_a_file_that_fails_to_open_before_its_check_is_refused_as_damaged(
    registry: Path, tmp_path: Path
) -> None:
    """The window's open reads the schema before the check has run: when that read fails
    the file is checked there and then, and refused as damaged (naming the last good
    backup, so the window offers it), not as an unreadable file."""
    folder = copy_registry(registry, tmp_path / "data")
    db_file = folder / "uniondesk.db"
    con = rawconn.connect(db_file, mode="ro")
    try:
        (root,) = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()
        (page_size,) = con.execute("PRAGMA page_size").fetchone()
    finally:
        con.close()
    with db_file.open("r+b") as fh:  # the schema version's page: the open's first read
        fh.seek((int(root) - 1) * int(page_size))
        fh.write(bytes(int(page_size)))
    with pytest.raises(CorruptDatabaseError) as refused:
        open_database(Paths(folder), check_first=False)
    assert _backup(folder).name in refused.value.message


def test_damage_after_the_open_is_caught_before_a_backup(registry: Path, tmp_path: Path) -> None:
    folder = copy_registry(registry, tmp_path / "data")
    db = open_database(Paths(folder))  # sound when opened
    try:
        db.engine.dispose()
        damage(folder / "uniondesk.db")
        before = digest(folder / "uniondesk.db")
        with pytest.raises(CorruptDatabaseError):
            db.backup("roster-import")
        rotation = db_health.backups_newest_first(folder / "backups")
        assert len(rotation) == 1  # no bad copy added
        assert not list((folder / "backups").glob("*.part"))
        assert digest(folder / "uniondesk.db") == before
    finally:
        db.close()


def _demo(db: db_module.Database) -> None:
    demo.fill_demo(db, members=10)


def _bulk_insert(db: db_module.Database) -> None:
    with db.connect() as conn:
        member_writer.insert_rows(conn, [{"name": "王五"}] * member_writer.CHECK_BEFORE_ROWS)


@pytest.mark.parametrize("bulk_write", [_demo, _bulk_insert], ids=["demo", "bulk_insert"])
def test_damage_after_the_open_is_caught_before_a_bulk_write(
    registry: Path, tmp_path: Path, bulk_write: Callable[[db_module.Database], None]
) -> None:
    folder = copy_registry(registry, tmp_path / "data")
    db = open_database(Paths(folder))  # sound when opened
    try:
        db.engine.dispose()
        damage(folder / "uniondesk.db")
        before = digest(folder / "uniondesk.db")
        with pytest.raises(CorruptDatabaseError):
            bulk_write(db)
        assert digest(folder / "uniondesk.db") == before
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["packed", "uncompressed"])
def test_a_backup_that_fails_its_check_never_joins_the_rotation(
    db: db_module.Database,
    monkeypatch: pytest.MonkeyPatch,
    fixed_clock: FixedClock,
    kind: str,
) -> None:
    """A copy damaged on its way to disk is deleted and refused; the good ones stay.
    ``packed``: found by the pages' HMACs while packing; ``uncompressed`` (a page layout
    the packer does not read): found by the copy's own check."""
    monkeypatch.setattr(db_module, "KEEP_BACKUPS", 3)
    suffix = ".udbak" if kind == "packed" else ".db"

    def backup(reason: str) -> Path:
        fixed_clock.advance(timedelta(minutes=1))
        return db.backup(reason)

    if kind == "uncompressed":

        def another_layout(body: bytes) -> None:
            raise cipher_pages.CipherLayoutError("page size 8192")

        monkeypatch.setattr(cipher_pages, "_check_first_page", another_layout)
    good = [backup(f"good{i}") for i in range(3)]

    def copies() -> list[Path]:  # each with its keys.json copy beside it
        files = sorted(db.paths.backups.iterdir())
        assert {keys.backup_keys_file(p) for p in files if p.suffix == suffix} == {
            p for p in files if p.name.endswith(".keys.json")
        }
        assert not [p for p in files if p.name.endswith(".part")]
        return [p for p in files if p.suffix == suffix]

    assert copies() == good
    real_verify, real_pack = db_health.verify_backup, backup_files.pack

    def damaged_on_disk(path: Path, **kw: bytes) -> list[str]:
        damage(path)
        return real_verify(path, **kw)

    def damaged_then_packed(copy: Path, key: bytes) -> Path | None:
        damage(copy)
        return real_pack(copy, key)

    monkeypatch.setattr(db_health, "verify_backup", damaged_on_disk)
    monkeypatch.setattr(backup_files, "pack", damaged_then_packed)
    with pytest.raises(DatabaseError) as caught:
        backup("bad")
    assert "校验未通过" in caught.value.message
    assert copies() == good  # no bad copy, no good one aged out
    monkeypatch.setattr(db_health, "verify_backup", real_verify)
    monkeypatch.setattr(backup_files, "pack", real_pack)
    newest = backup("after")
    assert copies() == [*good[1:], newest]


def test_the_message_names_the_newest_backup_that_passes(registry: Path, tmp_path: Path) -> None:
    """Older versions kept any copy: a damaged newest backup is skipped, not named."""
    folder = copy_registry(registry, tmp_path / "data")
    good = _backup(folder)
    bad = good.with_name("uniondesk-29991231-000000-000000-manual.db")
    shutil.copyfile(good, bad)
    damage(bad)
    assert db_health.last_good_backup(folder / "backups") == good
    damage(folder / "uniondesk.db")
    with pytest.raises(CorruptDatabaseError) as caught:
        open_database(Paths(folder))
    assert good.name in caught.value.message and bad.name not in caught.value.message


def test_check_on_a_sound_registry_still_passes(registry: Path, tmp_path: Path) -> None:
    db = open_database(Paths(copy_registry(registry, tmp_path / "data")))
    try:
        assert integrity.check(db).ok
    finally:
        db.close()


def test_the_message_counts_sqlite_s_findings_in_chinese() -> None:
    """A broken b-tree gives a line per page in SQLite's English: the clerk reads how
    many (QA D8), the log keeps SQLite's words (page numbers, never a record's value)."""
    findings = [
        "*** in database main ***\nTree 94 page 1806: btreeInitPage() returns error code 11\n"
        "Tree 94 page 1799: unable to get the page. error code=1",
        "Tree 94 page 1795: unable to get the page. error code=1",
    ]
    assert db_health.finding_summary(findings) == "完整性检查发现 3 处结构错误"
    message = db_health.corruption_message(Path("/d/uniondesk.db"), Path("/d/backups"), findings)
    assert "数据库 /d/uniondesk.db 已损坏（完整性检查发现 3 处结构错误）" in message
    assert "Tree" not in message and "1799" not in message and "***" not in message
    ten = [
        f"Tree 6 page {2265 + n} cell 3: overflow list length is 1 but should be 2"
        for n in range(10)
    ]
    assert db_health.finding_summary(ten) == "完整性检查发现 至少 10 处结构错误"
    assert (
        db_health.finding_summary(["database disk image is malformed"])
        == "读取时发现文件结构已损坏"
    )
    assert db_health.finding_summary(["无法读取：file is not a database"]) == (
        "文件无法读取（不是完整的数据库文件，或磁盘读取出错）"
    )
    # our own findings are Chinese already: shown as they are
    assert db_health.finding_summary(["文件大小 10 字节与页数 3×4096 不符", "x"]) == (
        "文件大小 10 字节与页数 3×4096 不符，另有 1 处问题"
    )


def test_a_damaged_registry_is_described_in_chinese_and_sqlite_s_words_go_to_the_log(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA D8: 「SQLite 完整性检查：Tree 6 page 2265 cell 3: overflow list length…」 in the
    clerk's message."""
    import re

    for command in (["check"], ["stats"]):
        assert cli_main(["--data-dir", str(damaged), *command]) == 1
        err = capsys.readouterr().err
        assert "已损坏（" in err and ("处结构错误" in err or "结构已损坏" in err), err
        reason = err.split("已损坏（", 1)[1].split("）", 1)[0]
        assert not re.search(r"[A-Za-z]", reason), reason  # no SQLite English in it
    logged = "".join(p.read_text("utf-8") for p in (damaged / "logs").glob("*.log*"))
    assert "integrity findings" in logged
