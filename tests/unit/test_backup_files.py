"""The backups folder (storage/backups.py): catalog, rotation, second copy, restore moves."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.clock import FixedClock
from desktop.errors import DatabaseError
from desktop.opening import open_database
from desktop.storage import backups, health, settings_store
from desktop.storage.database import Database


def _fake(
    folder: Path,
    created: datetime,
    reason: str = "manual",
    sidecar: bool = False,
    old_kind: bool = False,
) -> Path:
    """A file named like a backup; ``old_kind``: an older version's uncompressed ``.db``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / backups.backup_name(created, reason)
    if old_kind:
        path = path.with_suffix(".db")
    path.write_bytes(b"x")
    if sidecar:
        backups.sidecar_of(path).write_text("{}")
    return path


def test_names_read_back_as_time_and_reason() -> None:
    made = datetime(2026, 11, 21, 9, 30, 1, 250)
    name = backups.backup_name(made, "before-upgrade-0016")
    assert backups.parse_name(name) == (made, "before-upgrade-0016")
    assert backups.parse_name("uniondesk-x-manual.db") is None
    assert backups.parse_name(name + ".keys.json") is None
    assert name.endswith(".udbak")
    assert backups.parse_name(name.removesuffix(".udbak") + ".db") == (made, "before-upgrade-0016")


def test_rotation_keeps_the_newest_n_and_one_a_month_for_a_year(tmp_path: Path) -> None:
    today = date(2026, 11, 21)
    folder = tmp_path / "b"
    recent = [_fake(folder, datetime(2026, 11, 20 - i, 9)) for i in range(5)]
    # two a month back to December 2025 (this month and the 11 before it), then older
    monthly = {}
    for back in range(1, 15):
        year, month = divmod(2026 * 12 + 10 - back, 12)
        # older months hold an older version's uncompressed backups: one rotation for both
        newer = _fake(folder, datetime(year, month + 1, 15, 9), sidecar=True, old_kind=back > 6)
        _fake(folder, datetime(year, month + 1, 2, 9), sidecar=True, old_kind=back > 6)
        monthly[back] = newer
    removed = backups.rotate(folder, keep=3, today=today)
    left = set(health.backup_paths(folder))
    expected = set(recent[:3]) | {monthly[b] for b in range(1, 12)}
    assert left == expected
    assert monthly[12] in removed and recent[3] in removed
    # a sidecar goes with its backup, and stays with a kept one
    assert not backups.sidecar_of(monthly[12]).exists()
    assert backups.sidecar_of(monthly[1]).exists()


def test_removed_by_is_when_the_monthly_rule_lets_go(tmp_path: Path) -> None:
    made = datetime(2026, 3, 31, 23, 59)
    gone = backups.removed_by(made)
    assert gone == date(2027, 3, 1)
    folder = tmp_path / "b"
    path = _fake(folder, made)
    assert path in backups.to_keep([(path, made)] * 1, keep=1, today=gone - timedelta(days=1))
    newer = _fake(folder, datetime(2027, 2, 1))
    assert backups.rotate(folder, keep=1, today=gone - timedelta(days=1)) == []
    assert backups.rotate(folder, keep=1, today=gone) == [path]
    assert newer.exists()


def test_the_backup_just_written_survives_backups_named_in_the_future(db: Database) -> None:
    with db.connect() as conn:
        settings_store.write(conn, settings_store.BACKUP_KEEP, "1")
    # the PC's date was wrong once: a backup named years ahead, one later today
    future = _fake(db.paths.backups, datetime(2035, 1, 1))
    tonight = _fake(db.paths.backups, datetime(2026, 11, 21, 23))
    made = db.backup("manual")
    assert made.exists() and future.exists() and tonight.exists()


def test_a_backup_is_recorded_as_checked_and_rotated_by_the_office_setting(
    db: Database, fixed_clock: FixedClock
) -> None:
    with db.connect() as conn:
        settings_store.write(conn, settings_store.BACKUP_KEEP, "2")
    made = []
    for _ in range(4):
        fixed_clock.advance(timedelta(minutes=1))
        made.append(db.backup("manual"))
    listed = backups.catalog(db.paths.backups)
    assert [b.path for b in listed] == made[:1:-1]  # newest two; same month
    assert all(b.verified is True and b.reason == "manual" for b in listed)
    assert listed[0].created == fixed_clock.now()
    assert listed[0].size == made[-1].stat().st_size


def test_verify_records_a_damaged_backup_as_failed(db: Database) -> None:
    path = db.backup("manual")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    findings = backups.verify(path, at=datetime(2026, 11, 21, 10))
    assert findings
    (entry,) = backups.catalog(db.paths.backups)
    assert entry.verified is False and entry.checked_at == datetime(2026, 11, 21, 10)


def test_second_copy_with_its_sidecar_checked_there(db: Database, tmp_path: Path) -> None:
    path = db.backup("manual")
    ring = backups.sidecar_of(path).read_bytes()  # the keys.json copy a backup carries
    stick = tmp_path / "stick"
    stick.mkdir()
    result = backups.second_copy(path, stick, keep=30, today=date(2026, 11, 21))
    assert result.path == stick / path.name and not result.warning
    assert (stick / path.name).read_bytes() == path.read_bytes()
    assert backups.sidecar_of(stick / path.name).read_bytes() == ring
    (entry,) = backups.catalog(db.paths.backups, stick)
    assert entry.second_copy == stick / path.name


def test_a_missing_stick_is_a_warning_and_the_backup_stands(db: Database, tmp_path: Path) -> None:
    path = db.backup("manual")
    result = backups.second_copy(path, tmp_path / "E-drive", keep=30, today=date(2026, 11, 21))
    assert result.path is None
    assert "找不到文件夹" in result.warning and "U 盘" in result.warning
    assert path.exists()


def test_folder_problem_names_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert backups.folder_problem(tmp_path) == ""
    assert not list(tmp_path.iterdir())  # the write probe is gone again
    assert "找不到文件夹" in backups.folder_problem(tmp_path / "none")
    assert "完整路径" in backups.folder_problem(Path("relative"))

    def refused(path: Path) -> Path:  # a read-only stick (root ignores a chmod in tests)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(backups, "create_private", refused)
    assert "不能写入" in backups.folder_problem(tmp_path)


def test_restore_moves_the_database_and_its_wal_aside_then_copies_the_backup(
    db: Database,
) -> None:
    backup = db.backup("manual")
    with db.connect() as conn:
        conn.exec_driver_sql("INSERT INTO app_settings (key, value) VALUES ('after', '1')")
    db.close()
    database = db.paths.database
    wal = database.with_name(database.name + "-wal")
    wal.write_bytes(b"stale log")  # what made a hand restore read as damaged
    before = database.read_bytes()
    replaced = backups.replace_database(
        database, db.paths.backups, backup, datetime(2026, 11, 21, 10)
    )
    assert replaced.folder.name.startswith("replaced-20261121-100000")
    assert (replaced.folder / database.name).read_bytes() == before
    assert (replaced.folder / wal.name).read_bytes() == b"stale log"
    assert not wal.exists()
    assert backup.exists()  # unpacked, still in the catalog
    assert not database.with_name(database.name + backups.STAGING_SUFFIX).exists()
    restored = open_database(db.paths)
    try:
        with restored.connect(write=False) as conn:
            after = conn.exec_driver_sql("SELECT value FROM app_settings WHERE key = 'after'")
            assert after.first() is None  # the backup's state, not the moved-aside one's
            assert conn.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
    finally:
        restored.close()


def test_a_backup_that_fails_its_check_moves_nothing(db: Database) -> None:
    backup = db.backup("manual")
    backup.write_bytes(backup.read_bytes()[:4096])
    db.close()
    before = db.paths.database.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        backups.replace_database(db.paths.database, db.paths.backups, backup, datetime(2026, 1, 1))
    assert "校验未通过" in caught.value.message and "未做任何改动" in caught.value.message
    assert db.paths.database.read_bytes() == before
    assert not list(db.paths.backups.glob("replaced-*"))
