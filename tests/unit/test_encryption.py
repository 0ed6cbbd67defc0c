"""Encryption at rest (issue 23, part 5): the registry, its log and every backup hold no
personal value and no private key in clear; a missing or wrong key is its own message;
a moved folder or a backup on a new PC unlocks with the recovery key or an
administrator's password; an older plain registry is encrypted in place."""

from __future__ import annotations

import hashlib
import io
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.config import ENV_STATE_DIR, Paths
from desktop.errors import DatabaseKeyError, DatabaseKeyMissingError
from desktop.opening import open_database
from desktop.services import audit
from desktop.services.members import registry as members
from desktop.storage import encrypting, keys, rawconn
from desktop.storage.database import Database
from desktop.sync import trust
from tests.unit.spreadsheets.helpers import make_id, setup_registry

NAME = "欧阳明月"
PHONE = "13912345678"
ID_NUMBER = make_id(seq=417)


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its real cost takes ~0.5 s per password; the format is the same."""
    monkeypatch.setattr(keys, "PASSWORD_COST", keys.KdfCost(t=1, m=1024, p=1))


def _with_member(db: Database) -> None:
    unions = setup_registry(db)
    members.add(
        db,
        {"name": NAME, "id_number": ID_NUMBER, "union_id": next(iter(unions.values())),
         "phone": PHONE},
    )  # fmt: skip


def _secrets(db: Database) -> list[bytes]:
    with db.connect(write=False) as conn:
        own = trust.self_keys(conn)
    return [
        ID_NUMBER.encode(), PHONE.encode(), NAME.encode("utf-8"), own.sign_private,
        own.box_private,
    ]  # fmt: skip


def _leaks(folder: Path, secrets: list[bytes]) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.name}: {s[:4]!r}…" for s in secrets if s in data]
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _new_pc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str = "pc2") -> Path:
    state = tmp_path / f"{name}-state"
    monkeypatch.setenv(ENV_STATE_DIR, str(state))
    return state


def test_database_log_and_backup_hold_no_personal_value_or_private_key(db: Database) -> None:
    _with_member(db)
    secrets = _secrets(db)
    backup = db.backup("manual")
    assert _leaks(db.paths.data_dir, secrets) == []  # database, its -wal, the backup
    db.close()  # the last close folds the log into the file
    assert _leaks(db.paths.data_dir, secrets) == []
    assert not db.paths.database.read_bytes().startswith(b"SQLite format 3")
    assert keys.backup_keys_file(backup).read_bytes() == keys.keys_file(db.paths).read_bytes()


def test_a_folder_moved_to_another_pc_asks_for_the_key_and_is_not_damaged(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _with_member(db)
    db.close()
    moved = tmp_path / "moved"
    shutil.copytree(db.paths.data_dir, moved)
    before = _digest(moved / "uniondesk.db")
    _new_pc(monkeypatch, tmp_path)
    with pytest.raises(DatabaseKeyMissingError) as caught:
        open_database(Paths(moved))
    assert "管理员密码" in caught.value.message and "恢复密钥" in caught.value.message
    assert "损坏" not in caught.value.message
    code = main(["--data-dir", str(moved), "members", "find", NAME])
    err = capsys.readouterr().err
    assert code == 1 and "uniondesk unlock" in err and "Traceback" not in err
    assert "损坏" not in err and NAME not in err
    assert not list(moved.glob("uniondesk.db.*"))  # nothing moved aside as damaged
    assert _digest(moved / "uniondesk.db") == before


def test_a_wrong_key_is_not_reported_as_damage(db: Database, tmp_path: Path) -> None:
    other = open_database(Paths(tmp_path / "other"))  # its key is held here too
    other.close()
    db.close()
    before = _digest(db.paths.database)
    shutil.copyfile(tmp_path / "other" / "keys.json", keys.keys_file(db.paths))
    with pytest.raises(DatabaseKeyError) as caught:
        open_database(db.paths)
    assert not isinstance(caught.value, DatabaseKeyMissingError)
    assert "密钥不对" in caught.value.message and "uniondesk unlock" in caught.value.message
    assert "已损坏" not in caught.value.message
    assert _digest(db.paths.database) == before
    assert not list(db.paths.data_dir.glob("uniondesk.db.*"))  # nothing moved aside


def test_unlock_with_the_recovery_key_on_a_new_pc(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _with_member(db)
    code = keys.new_recovery_key(db.paths, keys.database_key(db.paths))
    db.close()
    moved = tmp_path / "moved"
    shutil.copytree(db.paths.data_dir, moved)
    _new_pc(monkeypatch, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("0000-0000-0000-0000-0000-0000-0000-0000\n"))
    assert main(["--data-dir", str(moved), "unlock", "--stdin"]) == 1
    assert "恢复密钥不对" in capsys.readouterr().err
    typed = code.lower().replace("-", " ")  # as a clerk may type it back
    monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
    assert main(["--data-dir", str(moved), "unlock", "--stdin"]) == 0
    assert "已解锁" in capsys.readouterr().out
    with closing(open_database(Paths(moved))) as reopened:  # who unlocked, with what
        [entry] = [e for e in audit.recent(reopened) if "解锁" in e.detail]
    assert "恢复密钥" in entry.detail and code not in entry.detail
    assert main(["--data-dir", str(moved), "members", "find", NAME, "--json"]) == 0
    assert NAME in capsys.readouterr().out


def test_unlock_without_a_terminal_is_refused_in_chinese_before_any_prompt(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """QA D5: a batch file's ``uniondesk unlock < NUL`` printed getpass's English warnings
    and 「程序内部错误（EOFError…）」."""
    import warnings

    db.close()
    moved = tmp_path / "moved"
    shutil.copytree(db.paths.data_dir, moved)
    _new_pc(monkeypatch, tmp_path)
    for argv, what in ((["unlock"], "恢复密钥"), (["unlock", "--user", "admin"], "密码")):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, nothing to read
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a GetPassWarning fails the test
            assert main(["--data-dir", str(moved), *argv]) == 1
        err = capsys.readouterr().err
        assert f"没有可以输入{what}的终端" in err and "--stdin" in err, err
        assert "EOFError" not in err and "Warning" not in err


def test_unlock_with_an_administrator_password(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = keys.database_key(db.paths)
    keys.add_password_slot(db.paths, key, "admin", "旧密码-1")
    keys.replace_password_slot(db.paths, key, "admin", "新密码-2")
    keys.add_password_slot(db.paths, key, "second", "另一位")
    assert keys.remove_slot(db.paths, "second") and not keys.remove_slot(db.paths, "second")
    assert keys.password_users(db.paths) == ["admin"]
    raw = keys.keys_file(db.paths).read_bytes()
    assert key not in raw and key.hex().encode() not in raw and "新密码".encode() not in raw
    db.close()
    moved = tmp_path / "moved"
    shutil.copytree(db.paths.data_dir, moved)
    _new_pc(monkeypatch, tmp_path)
    for user, password in (("admin", "旧密码-1"), ("second", "另一位"), ("nobody", "新密码-2")):
        with pytest.raises(DatabaseKeyError):
            keys.unlock_with_password(Paths(moved), user, password)
    monkeypatch.setattr("sys.stdin", io.StringIO("新密码-2\n"))
    assert main(["--data-dir", str(moved), "unlock", "--user", "admin", "--stdin"]) == 0
    open_database(Paths(moved)).close()


def test_a_backup_restores_on_a_new_pc_with_the_recovery_key(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The clerk's day after a dead PC: the backup and its .keys.json from the USB stick go
    into the new installation's backups folder; restore first asks for the key, the
    recovery key unlocks the backup, restore puts it in place."""
    _with_member(db)
    code = keys.new_recovery_key(db.paths, keys.database_key(db.paths))
    backup = db.backup("manual")
    assert backup.suffix == ".udbak"
    db.close()
    _new_pc(monkeypatch, tmp_path)
    fresh = Paths(tmp_path / "new-pc-data")
    fresh.backups.mkdir(parents=True)
    shutil.copyfile(backup, fresh.backups / backup.name)
    shutil.copyfile(
        keys.backup_keys_file(backup), keys.backup_keys_file(fresh.backups / backup.name)
    )
    base = ["--data-dir", str(fresh.data_dir)]
    assert main([*base, "backup", "restore", backup.name, "--yes"]) == 1
    assert "unlock --backup" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("WRONG-CODE\n"))
    assert main([*base, "unlock", "--backup", backup.name, "--stdin"]) == 1
    assert "做备份时有效的恢复密钥" in capsys.readouterr().err  # it may be an older one
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main([*base, "unlock", "--backup", backup.name, "--stdin"]) == 1
    err = capsys.readouterr().err
    assert "没有从标准输入读到恢复密钥" in err and "不对" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO(code + "\n"))
    assert main([*base, "unlock", "--backup", backup.name, "--stdin"]) == 0
    assert main([*base, "backup", "restore", backup.name, "--yes"]) == 0
    restored = open_database(fresh)
    try:
        with restored.connect(write=False) as conn:
            names = conn.exec_driver_sql("SELECT name FROM members").scalars().all()
        assert names == [NAME]
    finally:
        restored.close()


def _plain_copy(db: Database, target: Path) -> None:
    """The registry as an older version (before encryption) left it: plain SQLite."""
    con = rawconn.connect(db.paths.database, autocommit=True)
    try:
        con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        con.execute("SELECT sqlcipher_export('plain')").fetchall()
        con.execute("DETACH DATABASE plain")
    finally:
        con.close()


def _counts(db: Database) -> dict[str, int]:
    with db.connect(write=False) as conn:
        names = [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            n: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar_one()) for n in names
        }


def _data_counts(db: Database) -> dict[str, int]:
    """Every table's rows but the sync identity's: a copy elsewhere takes a new one."""
    skip = ("sync_node", "sync_context", "sync_peer", "app_settings")
    return {n: c for n, c in _counts(db).items() if n not in skip}


def test_an_older_plain_registry_is_encrypted_in_place(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_member(db)
    secrets = _secrets(db)
    expected = _data_counts(db)
    legacy = Paths(tmp_path / "legacy")
    (legacy.backups).mkdir(parents=True)
    _plain_copy(db, legacy.database)
    _plain_copy(db, legacy.backups / "uniondesk-20261101-080000-000000-manual.db")
    (legacy.backups / "uniondesk-20261102-080000-000000-manual.db").write_bytes(
        b"SQLite format 3\x00" + ID_NUMBER.encode() + bytes(4000)
    )  # a plain backup nothing can read
    db.close()
    assert legacy.database.read_bytes().startswith(b"SQLite format 3")
    assert main(["--data-dir", str(legacy.data_dir), "members", "find", NAME]) == 0
    err = capsys.readouterr().err
    assert "【恢复密钥】" in err and "只显示这一次" in err
    assert _leaks(legacy.data_dir, secrets) == []
    assert sorted(p.name for p in legacy.backups.iterdir()) == [
        "uniondesk-20261101-080000-000000-manual.db",
        "uniondesk-20261101-080000-000000-manual.db.keys.json",
    ]
    reopened = open_database(legacy)
    try:
        assert reopened.recovery_code is None  # shown once only
        assert _data_counts(reopened) == expected
    finally:
        reopened.close()
    assert not legacy.database.read_bytes().startswith(b"SQLite format 3")
    assert not list(legacy.data_dir.glob("uniondesk.db.*"))
    assert main(["--data-dir", str(legacy.data_dir), "members", "find", NAME]) == 0
    assert "恢复密钥" not in capsys.readouterr().err


def test_an_encryption_cut_short_is_finished_or_undone(db: Database, tmp_path: Path) -> None:
    _with_member(db)
    expected = _data_counts(db)
    legacy = Paths(tmp_path / "legacy")
    legacy.data_dir.mkdir()
    _plain_copy(db, legacy.data_dir / "uniondesk.db.plain")  # renamed aside, then killed
    (legacy.data_dir / "uniondesk.db.encrypting").write_bytes(b"half")
    db.close()
    encrypting.recover(legacy)
    assert legacy.database.exists() and not (legacy.data_dir / "uniondesk.db.encrypting").exists()
    reopened = open_database(legacy)
    try:
        assert _data_counts(reopened) == expected
    finally:
        reopened.close()


def test_a_new_database_shows_its_recovery_key_once(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "new")
    first = open_database(paths)
    code = first.recovery_code
    first.close()
    assert code is not None and len(keys.normalize_recovery_code(code)) == 32
    assert code.encode() not in keys.keys_file(paths).read_bytes()
    second = open_database(paths)
    assert second.recovery_code is None
    second.close()


def test_a_recovery_key_is_read_back_as_a_clerk_types_it() -> None:
    assert keys.format_recovery_code("ABCD" * 8).count("-") == 7
    typed = " abcd-efgh-o1il-xyz0 "  # lower case, spaces, O/I/L for 0/1/1
    assert keys.normalize_recovery_code(typed) == "ABCDEFGH0111XYZ0"


def test_a_new_recovery_key_replaces_the_old_one(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = keys.new_recovery_key(db.paths, keys.database_key(db.paths))
    db.close()
    assert main(["--data-dir", str(db.paths.data_dir), "recovery-key"]) == 0
    err = capsys.readouterr().err
    new = err.split("【恢复密钥】")[1].split()[0]
    assert len(keys.normalize_recovery_code(new)) == 32 and new != old
    with closing(open_database(db.paths)) as reopened:  # the replacement is audited
        [entry] = [e for e in audit.recent(reopened) if e.action == audit.DATABASE_KEY]
    assert "恢复密钥" in entry.detail and new not in entry.detail and old not in entry.detail
    _new_pc(monkeypatch, tmp_path)
    with pytest.raises(DatabaseKeyError):
        keys.unlock_with_recovery_key(db.paths, old)
    keys.unlock_with_recovery_key(db.paths, new)
    open_database(db.paths).close()


def test_a_replaced_recovery_key_or_password_no_longer_opens_the_older_backups(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backups share the database key, and each kept ``keys.json`` as it was: the old
    recovery key (a lost sheet, the reason to replace it) or a removed administrator's
    password unwrapped the key from any older backup's ring — and with it the database
    and every later backup. Replacing or removing a slot now rewrites those rings too."""
    _with_member(db)
    key = keys.database_key(db.paths)
    old = keys.new_recovery_key(db.paths, key)
    keys.add_password_slot(db.paths, key, "boss", "old-password")
    keys.add_password_slot(db.paths, key, "gone", "gone-password")
    backup = db.backup("manual")
    ring = keys.backup_keys_file(backup)
    aside = db.paths.backups / "replaced-20261201-000000"
    aside.mkdir()
    shutil.copy2(keys.keys_file(db.paths), aside / keys.KEYS_FILE)  # a restore moved it here
    new = keys.new_recovery_key(db.paths, key)
    keys.replace_password_slot(db.paths, key, "boss", "new-password")
    assert keys.remove_slot(db.paths, "gone")
    _new_pc(monkeypatch, tmp_path)
    for ring_file in (ring, aside / keys.KEYS_FILE):
        with pytest.raises(DatabaseKeyError):
            keys.unlock_with_recovery_key(db.paths, old, ring_file=ring_file)
        with pytest.raises(DatabaseKeyError):
            keys.unlock_with_password(db.paths, "boss", "old-password", ring_file=ring_file)
        assert "gone" not in keys.password_users(db.paths, ring_file=ring_file)
        assert keys.unlock_with_recovery_key(db.paths, new, ring_file=ring_file) == key
        assert keys.unlock_with_password(db.paths, "boss", "new-password", ring_file=ring_file)
