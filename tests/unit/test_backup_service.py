"""备份与恢复 services (desktop/services/backups/) and ``uniondesk backup`` on real data dirs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from desktop import acting
from desktop.cli import main
from desktop.clock import FixedClock
from desktop.config import Paths
from desktop.errors import DatabaseError, PermissionDeniedError, ValidationError
from desktop.opening import open_database
from desktop.services import audit
from desktop.services.accounts import passwords, records, signin
from desktop.services.backups import catalog, options, restoring
from desktop.storage import health
from desktop.storage.database import Database
from tests.unit.sync.helpers import add_federation, add_member, add_union, node_of

STAFF = acting.Actor("clerk", "办事员", acting.STAFF, account_id=2)
ADMIN = acting.Actor("boss", "主任", acting.ADMIN, account_id=1)


def _members(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM members").scalar_one())


def test_create_lists_audits_and_copies_to_the_second_folder(db: Database, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    options.set_second_copy_dir(db, stick)
    made = catalog.create(db)
    assert made.second_copy == stick / made.backup.name and made.warning == ""
    (entry,) = catalog.list_backups(db)
    assert entry.reason_label == "手动备份" and entry.verified is True
    assert entry.second_copy == stick / entry.name
    records = audit.recent(db)
    assert (records[0].action, records[0].detail) == (audit.BACKUP, entry.name)


def test_a_missing_stick_warns_and_the_backup_is_made(db: Database, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    options.set_second_copy_dir(db, stick)
    stick.rmdir()  # the stick is not plugged in today
    made = catalog.create(db)
    assert made.second_copy is None and "U 盘" in made.warning
    assert made.backup.path.exists()


def test_reason_labels_for_automatic_backups() -> None:
    assert catalog.reason_label("before-upgrade-0012") == "程序升级前"
    assert catalog.reason_label("before-sync-import") == "导入同步包前"
    assert catalog.reason_label("roster-import") == "导入名册前"


def test_settings_are_checked_and_for_administrators(db: Database, tmp_path: Path) -> None:
    assert options.keep_count(db) == 30 and options.second_copy_dir(db) is None
    with pytest.raises(ValidationError) as caught:
        options.set_keep_count(db, 366)
    assert "1 到 365" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        options.set_second_copy_dir(db, tmp_path / "missing")
    assert "找不到文件夹" in caught.value.message
    with acting.acting_as(STAFF), pytest.raises(PermissionDeniedError):
        options.set_keep_count(db, 5)
    with acting.acting_as(ADMIN):
        options.set_keep_count(db, 5)
    assert options.keep_count(db) == 5
    assert audit.recent(db)[0].action == audit.SETTINGS_CHANGE


def test_restore_puts_the_backup_back_with_a_fresh_identity_and_says_what_next(
    db: Database, fixed_clock: FixedClock
) -> None:
    union = add_union(db, add_federation(db))
    add_member(db, union, "甲", "1")
    backup = catalog.create(db).backup
    fixed_clock.advance(timedelta(hours=1))
    add_member(db, union, "乙", "2")  # written after the backup: the marker is ahead
    node = node_of(db)
    with acting.acting_as(STAFF), pytest.raises(PermissionDeniedError):
        restoring.restore(db, backup.name, open_database)
    assert _members(db) == 2  # refused before anything closed
    result = restoring.restore(db, backup.name, open_database)
    try:
        assert _members(result.db) == 1
        assert result.identity_renewed and node_of(result.db) != node
        assert "2026-11-21 09:00 的备份" in result.message
        assert "新的同步身份" in result.message and "补发" in result.message
        assert "没有删除" in result.message
        moved = result.replaced_folder / "uniondesk.db"
        assert moved.exists()
        records = audit.recent(result.db)
        assert records[0].action == audit.RESTORE
        assert records[0].detail.startswith(backup.name)
    finally:
        result.db.close()


def test_restore_refuses_while_another_window_or_command_has_the_registry_open(
    db: Database,
) -> None:
    """A CLI ``backup restore`` run while the window was open moved the database aside
    under the window, which went on saving into the moved file (backups/replaced-…):
    everything typed afterwards was silently left out of the restored registry."""
    union = add_union(db, add_federation(db))
    backup = catalog.create(db).backup
    add_member(db, union, "乙", "2")
    window = open_database(db.paths)  # the open window (another connection to the file)
    _members(window)
    try:
        with pytest.raises(restoring.RestoreError) as caught:
            restoring.restore(db, backup.name, open_database)
        assert (
            "正在被另一个工会桌面通窗口或命令使用" in caught.value.message
            and "未做任何改动" in caught.value.message
        )
        reopened = caught.value.db
        assert reopened is not None and _members(reopened) == 1  # nothing moved
        assert not any(p.name.startswith("replaced-") for p in db.paths.backups.iterdir())
    finally:
        window.close()
    result = restoring.restore(reopened, backup.name, open_database)  # closed: restores
    assert _members(result.db) == 0
    result.db.close()


def test_restore_refuses_a_damaged_backup_and_keeps_the_database_open(db: Database) -> None:
    backup = catalog.create(db).backup
    backup.path.write_bytes(backup.path.read_bytes()[:4096])
    with pytest.raises(DatabaseError) as caught:
        restoring.restore(db, backup.name, open_database)
    assert "校验未通过" in caught.value.message
    assert not isinstance(caught.value, restoring.RestoreError)  # refused before closing db
    assert _members(db) == 0  # still open, untouched
    assert catalog.list_backups(db)[0].verified is False


def test_restore_from_a_second_copy_given_by_its_path(
    db: Database, tmp_path: Path, fixed_clock: FixedClock
) -> None:
    """A new PC, or the data dir's backups lost with the disk: the USB stick's copy."""
    stick = tmp_path / "stick"
    stick.mkdir()
    options.set_second_copy_dir(db, stick)
    union = add_union(db, add_federation(db))
    add_member(db, union, "甲", "1")
    copy = catalog.create(db).second_copy
    assert copy is not None
    for path in health.backup_paths(db.paths.backups):
        path.unlink()
    fixed_clock.advance(timedelta(days=1))
    add_member(db, union, "乙", "2")
    result = restoring.restore(db, str(copy), open_database)
    try:
        assert _members(result.db) == 1 and copy.exists()
    finally:
        result.db.close()


# -- the CLI -----------------------------------------------------------------------------


def _run(data: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_backup_create_list_verify_restore(
    db: Database, capsys: pytest.CaptureFixture[str], fixed_clock: FixedClock
) -> None:
    data = db.paths.data_dir
    union = add_union(db, add_federation(db))
    add_member(db, union, "甲", "1")
    db.close()
    code, out, _ = _run(data, capsys, "backup", "create")
    assert code == 0 and "已备份" in out
    fixed_clock.advance(timedelta(minutes=5))
    code, out, _ = _run(data, capsys, "backup", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["reason_label"] == "手动备份" and listed["verified"] is True
    code, out, _ = _run(data, capsys, "backup", "list")
    assert "✓ 已校验" in out and listed["name"] in out
    code, out, _ = _run(data, capsys, "backup", "verify", listed["name"])
    assert code == 0 and "校验通过" in out
    again = open_database(Paths(data))
    add_member(again, union, "乙", "2")
    again.close()
    code, out, err = _run(data, capsys, "backup", "restore", listed["name"])
    assert code == 1 and "--yes" in err  # not a terminal: never restores unasked
    code, out, err = _run(data, capsys, "backup", "restore", listed["name"], "--yes")
    assert code == 0, err
    assert "已恢复到" in out and "交换一次同步包" in out
    reopened = open_database(Paths(data))
    try:
        assert _members(reopened) == 1
    finally:
        reopened.close()
    code, out, err = _run(data, capsys, "backup", "verify", "uniondesk-nope-manual.db")
    assert code == 1 and "backup list" in err


def test_cli_backup_list_shows_a_backup_named_in_the_future_last_with_why(
    db: Database, capsys: pytest.CaptureFixture[str], fixed_clock: FixedClock
) -> None:
    data = db.paths.data_dir
    fixed_clock.advance(timedelta(days=365))
    ahead = catalog.create(db).backup.name
    fixed_clock.advance(-timedelta(days=365))
    real = catalog.create(db).backup.name
    db.close()
    code, out, _ = _run(data, capsys, "backup", "list")
    lines = out.splitlines()
    assert code == 0 and real in lines[0] and ahead in lines[1]
    assert "时钟超前" in lines[1] and "时钟超前" not in lines[0]
    code, out, _ = _run(data, capsys, "backup", "list", "--json")
    assert [(e["name"], e["named_ahead"]) for e in json.loads(out)] == [
        (real, False),
        (ahead, True),
    ]


def test_cli_backup_settings(
    db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = db.paths.data_dir
    db.close()
    code, out, err = _run(data, capsys, "backup", "settings", "--keep", "0")
    assert code == 1 and "1 到 365" in err
    code, out, err = _run(
        data, capsys, "backup", "settings", "--keep", "12", "--second-copy", str(tmp_path)
    )
    assert code == 0 and "保留最近 12 份" in out and str(tmp_path) in out


def test_cli_restores_a_registry_that_no_longer_opens(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """The case a restore is most often for: the registry is damaged and is refused."""
    data = db.paths.data_dir
    union = add_union(db, add_federation(db))
    add_member(db, union, "甲", "1")
    name = catalog.create(db).backup.name
    db.close()
    database = data / "uniondesk.db"
    database.write_bytes(database.read_bytes()[:100] + b"\xff" * (database.stat().st_size - 100))
    damaged = database.read_bytes()
    code, out, err = _run(data, capsys, "backup", "list")
    assert code == 0 and name in out and "不打开当前数据库" in err
    code, out, err = _run(data, capsys, "backup", "restore", name, "--yes")
    assert code == 0, err
    assert "已恢复到" in out
    (moved,) = data.glob("backups/replaced-*/uniondesk.db")
    assert moved.read_bytes() == damaged  # kept as it was, for whoever looks into it
    reopened = open_database(Paths(data))
    try:
        assert _members(reopened) == 1
    finally:
        reopened.close()


def test_restore_a_backup_made_under_another_key_brings_its_ring(
    db: Database, tmp_path: Path
) -> None:
    """A backup from another data folder (another key): its keys.json comes with it, and
    the folder's own ring is moved aside with the database, never deleted."""
    other = open_database(Paths(tmp_path / "other"))
    union = add_union(other, add_federation(other))
    add_member(other, union, "甲", "1")
    theirs = other.backup("manual")
    other.close()
    ours = (db.paths.data_dir / "keys.json").read_bytes()
    result = restoring.restore(db, str(theirs), open_database)
    try:
        assert _members(result.db) == 1
        assert (db.paths.data_dir / "keys.json").read_bytes() != ours
        assert ours in [p.read_bytes() for p in db.paths.backups.glob("replaced-*/keys.json")]
    finally:
        result.db.close()


def test_after_a_restore_the_audit_trail_verifies_and_names_the_older_one(
    db: Database, fixed_clock: FixedClock
) -> None:
    """The restored trail is older than the one this PC anchored: not a cut tail, but a
    restore, recorded, with the newer trail kept in the moved-aside database."""
    from desktop.services.audit import verifying

    union = add_union(db, add_federation(db))
    made = catalog.create(db)
    add_member(db, union, "乙", "2")
    assert verifying.verify(db).ok
    result = restoring.restore(db, made.backup.name, open_database)
    try:
        assert verifying.verify(result.db).ok
        [entry] = [r for r in audit.recent(result.db) if r.action == audit.RESTORE]
        assert "恢复前的审计记录到第" in entry.detail and "replaced-" in entry.detail
    finally:
        result.db.close()


def test_the_restore_entry_names_where_the_older_trail_really_ended(db: Database) -> None:
    """It named the anchor kept in the state dir, which lags or is missing (a new PC, a
    state dir lost, a trail the anchor no longer matches): the database's own head."""
    from desktop.services.audit import anchor, chain

    union = add_union(db, add_federation(db))
    made = catalog.create(db)
    add_member(db, union, "乙", "2")
    with db.connect(write=False) as conn:
        head, _hash = chain.head(conn)
    anchor.anchor_path(db).unlink()  # this PC's anchor is gone
    result = restoring.restore(db, made.backup.name, open_database)
    try:
        [entry] = [r for r in audit.recent(result.db) if r.action == audit.RESTORE]
        assert f"恢复前的审计记录到第 {head} 条" in entry.detail
    finally:
        result.db.close()


def test_cli_backup_create_on_a_read_only_registry_writes_and_rotates_nothing(
    db: Database, capsys: pytest.CaptureFixture[str], fixed_clock: FixedClock
) -> None:
    """QA D3: the backup was written and an older one rotated away, then 「未写入任何数据」."""
    from tests.unit.test_storage_errors import read_only

    data = db.paths.data_dir
    options.set_keep_count(db, 1)
    kept = catalog.create(db).backup.name
    entries = len(audit.recent(db))
    db.close()
    fixed_clock.advance(timedelta(minutes=5))
    with read_only(data / "uniondesk.db"):
        code, out, err = _run(data, capsys, "backup", "create")
    assert code == 1 and out == ""
    assert "只读" in err and "没有做这次备份" in err and "原有备份均未改动" in err
    assert [p.name for p in health.backup_paths(data / "backups")] == [kept]
    assert not list((data / "backups").glob("*.part"))
    code, out, err = _run(data, capsys, "backup", "create")  # writable again: made, audited
    assert code == 0, err
    again = open_database(Paths(data))
    try:
        assert len(audit.recent(again)) == entries + 1
    finally:
        again.close()


def test_a_restore_keeps_the_accounts_as_they_are_now(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accounts say who may use this PC now, not what the registry held: a restore
    brought back the backup's accounts — a clerk disabled since (someone who left) could
    sign in again, a password changed since was the old one again, an account made since
    was gone."""
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
    admin = records.create_first_admin(db, "admin", "王管理", "Admin-pass-1").actor()
    with acting.acting_as(admin):
        records.add(db, "clerk", "张办事", "Staff-pass-1", acting.STAFF)
        backup = catalog.create(db).backup
        records.disable(db, "clerk")
        records.reset_password(db, "admin", "Admin-pass-2")
        records.add(db, "late", "后来者", "Later-pass-1", acting.READONLY)
        result = restoring.restore(db, backup.name, open_database)
    try:
        with pytest.raises(signin.SignInRefused, match="已停用"):
            signin.authenticate(result.db, "clerk", "Staff-pass-1")
        with pytest.raises(signin.SignInRefused):
            signin.authenticate(result.db, "admin", "Admin-pass-1")
        assert signin.authenticate(result.db, "admin", "Admin-pass-2").role == acting.ADMIN
        assert signin.authenticate(result.db, "late", "Later-pass-1").role == acting.READONLY
        [entry] = [e for e in audit.recent(result.db) if e.action == audit.RESTORE]
        assert "账号沿用恢复前的状态" in entry.detail
    finally:
        result.db.close()
        acting.sign_out()
