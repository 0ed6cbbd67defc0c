"""Administrators' passwords unwrap the database key (``keys.json``), and only theirs:
set when an administrator is made or changes password, dropped when one is disabled.
A folder moved to another PC is unlocked from the command line with that password."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from desktop import acting
from desktop.cli import main
from desktop.config import ENV_STATE_DIR, Paths
from desktop.errors import DatabaseKeyError
from desktop.services.accounts import records
from desktop.storage import keys
from desktop.storage.database import Database
from tests.unit.accounts.conftest import ADMIN_PASSWORD


def test_slots_follow_the_administrators(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    admin = records.create_first_admin(db, "admin", "王管理", ADMIN_PASSWORD)
    assert keys.password_users(db.paths) == ["admin"]
    acting.sign_in(admin.actor())
    records.add(db, "deputy", "李副", "Deputy-pass-1", acting.ADMIN)
    records.add(db, "clerk", "张办", "Clerk-pass-1", acting.STAFF)
    assert sorted(keys.password_users(db.paths)) == ["admin", "deputy"]  # never a clerk's
    records.disable(db, "deputy")
    assert keys.password_users(db.paths) == ["admin"]
    records.change_password(db, "admin", ADMIN_PASSWORD, "Newer-pass-2")
    db.close()

    moved = tmp_path / "moved"
    shutil.copytree(db.paths.data_dir, moved)
    monkeypatch.setenv(ENV_STATE_DIR, str(tmp_path / "pc2-state"))  # another PC
    with pytest.raises(DatabaseKeyError):
        keys.unlock_with_password(Paths(moved), "admin", ADMIN_PASSWORD)  # the old one
    monkeypatch.setattr("sys.stdin", io.StringIO("Newer-pass-2\n"))
    assert main(["--data-dir", str(moved), "unlock", "--user", "admin", "--stdin"]) == 0
    assert "已解锁" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("Newer-pass-2\n"))
    args = ["--data-dir", str(moved), "--user", "admin", "--password-stdin", "users", "list"]
    assert main(args) == 0
    assert "clerk" in capsys.readouterr().out
