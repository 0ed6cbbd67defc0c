"""The backups folder (storage/backups.py): catalog, rotation, second copy, restore moves."""

from __future__ import annotations

import os
import sqlite3
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
    future_at, tonight_at = datetime(2035, 1, 1), datetime(2026, 11, 21, 23)
    future = _fake(db.paths.backups, future_at)
    tonight = _fake(db.paths.backups, tonight_at)
    made = db.backup("manual")
    assert made.exists() and not future.exists() and not tonight.exists()
    # named in the future, they count as older than the backup just written (QA D2)
    with db.connect() as conn:
        settings_store.write(conn, settings_store.BACKUP_KEEP, "3")
    future, tonight = _fake(db.paths.backups, future_at), _fake(db.paths.backups, tonight_at)
    assert (
        backups.rotate(db.paths.backups, 3, date(2026, 11, 21), now=datetime(2026, 11, 21, 9)) == []
    )
    assert [
        p for p in health.backups_newest_first(db.paths.backups, datetime(2026, 11, 21, 9))
    ] == [made, future, tonight]


def test_backups_made_while_the_clock_was_ahead_do_not_push_out_the_real_ones(
    db: Database, fixed_clock: FixedClock
) -> None:
    """QA D2: the PC's clock a year ahead for two backups, then put right. The real ones
    that follow are the newest ones (rotation, and the damaged-database advice)."""
    with db.connect() as conn:
        settings_store.write(conn, settings_store.BACKUP_KEEP, "2")
    year = timedelta(days=365)
    fixed_clock.advance(year)
    ahead = []
    for _ in range(2):
        fixed_clock.advance(timedelta(minutes=1))
        ahead.append(db.backup("manual"))
    fixed_clock.advance(-year)
    real = [db.backup("manual")]
    # kept behind the real one: the later-named of the two is the second newest now
    assert ahead[1].exists() and not ahead[0].exists()
    advice = db.corruption_error(["*** in database main ***"]).message
    assert real[0].name in advice and all(p.name not in advice for p in ahead)
    assert health.last_good_backup(db.paths.backups, fixed_clock.now()) == real[0]
    for _ in range(2):
        fixed_clock.advance(timedelta(minutes=1))
        real.append(db.backup("manual"))
    left = set(health.backup_paths(db.paths.backups))
    assert left == {real[2], real[1]}  # the newest two real ones, not the future-named
    assert real[2].name in db.corruption_error(["*** in database main ***"]).message


def test_the_list_puts_backups_named_in_the_future_last_and_says_why(
    db: Database, fixed_clock: FixedClock
) -> None:
    """QA D2's list: ``backup list`` and the page showed a backup made while the clock
    was a year ahead at the top, as if it were the newest."""
    year = timedelta(days=365)
    fixed_clock.advance(year)
    ahead = db.backup("manual")
    fixed_clock.advance(-year)
    older = db.backup("manual")
    fixed_clock.advance(timedelta(minutes=1))
    newest = db.backup("manual")
    listed = backups.catalog(db.paths.backups, fixed_clock.now())
    assert [b.path for b in listed] == [newest, older, ahead]
    assert [b.ahead for b in listed] == [False, False, True]


def test_a_backup_is_recorded_as_checked_and_rotated_by_the_office_setting(
    db: Database, fixed_clock: FixedClock
) -> None:
    with db.connect() as conn:
        settings_store.write(conn, settings_store.BACKUP_KEEP, "2")
    made = []
    for _ in range(4):
        fixed_clock.advance(timedelta(minutes=1))
        made.append(db.backup("manual"))
    listed = backups.catalog(db.paths.backups, fixed_clock.now())
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
    (entry,) = backups.catalog(db.paths.backups, datetime(2026, 11, 21, 10))
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
    (entry,) = backups.catalog(db.paths.backups, datetime(2026, 11, 21, 23), stick)
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


def test_two_backups_at_once_leave_each_other_s_part_file_alone(
    db: Database, fixed_clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA D4: a window's backup and a command's import backup into one folder at once.
    The second one to start used to delete the first one's ``.part`` (「请检查磁盘是否
    有故障」 or 「unable to open database file」); a ``.part`` a killed backup left an
    hour before is still swept."""
    folder = db.paths.backups
    folder.mkdir(exist_ok=True)
    killed = folder / "uniondesk-20261120-080000-000000-manual.db.part"
    killed.write_bytes(b"left by a killed backup")
    old = killed.stat().st_mtime - 2 * 3600  # two hours without a write
    os.utime(killed, (old, old))
    other = open_database(db.paths)  # the other window or command on the same folder
    real_pack = backups.pack
    during: list[Path] = []
    started: list[bool] = []

    def pack_while_the_other_backs_up(copy: Path, key: bytes) -> Path | None:
        if not started:  # the first backup's copy is written: the other one starts now
            started.append(True)
            fixed_clock.advance(timedelta(seconds=1))
            during.append(other.backup("before-sync-import"))
        return real_pack(copy, key)

    monkeypatch.setattr(backups, "pack", pack_while_the_other_backs_up)
    try:
        first = db.backup("manual")
    finally:
        other.close()
    assert first.exists() and during[0].exists()
    assert {p.name for p in health.backup_paths(folder)} == {first.name, during[0].name}
    assert not killed.exists() and not list(folder.glob("*.part"))
    assert not backups.verify(first) and not backups.verify(during[0])


def test_a_backup_that_cannot_be_written_says_so_in_chinese(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No SQLite or OS words (「unable to open database file」) in the clerk's message."""
    from desktop.storage import rawconn

    real_connect = rawconn.connect

    def refuse_the_copy(path: Path, *args: object, **kwargs: object) -> rawconn.Connection:
        if path.name.endswith(".part"):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rawconn, "connect", refuse_the_copy)
    with pytest.raises(DatabaseError) as refused:
        db.backup("before-sync-import")
    message = refused.value.message
    assert "备份没有写成" in message and str(db.paths.backups) in message
    assert "unable" not in message and "未写入任何数据" in message
    assert not list(db.paths.backups.glob("*.part"))
