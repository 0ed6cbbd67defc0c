"""``uniondesk settings show|set`` in-process: the same service, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import acting
from desktop.cli import main
from desktop.services import audit
from desktop.services.settings import office
from desktop.services.unions import federations
from desktop.storage.database import Database


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fed_db(db: Database) -> Database:
    federations.create(db, "测试街道总工会", card_prefix="CS")
    return db


def test_show_and_set(fed_db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, data_dir, "settings", "set", "idle_lock_minutes", "0")
    assert code == 0, err
    assert "从不锁屏" in out
    code, out, err = run(capsys, data_dir, "settings", "set", "address", "某路 1 号")
    assert code == 0, err
    code, out, _ = run(capsys, data_dir, "settings", "show", "--json")
    shown = json.loads(out)
    assert shown["idle_lock_minutes"] == 0
    assert shown["address"] == "某路 1 号"
    assert shown["backup_keep"] == 30
    assert shown["sync_fingerprint"]
    code, out, _ = run(capsys, data_dir, "settings", "show")
    assert "【本会信息】" in out and "测试街道总工会" in out and "指纹" in out


def test_refusals_name_the_setting_and_write_nothing(
    fed_db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, data_dir, "settings", "set", "backup_keep", "400")
    assert code == 1
    assert "保留备份份数" in err and "1 到 365" in err and "Traceback" not in err
    code, _, err = run(capsys, data_dir, "settings", "set", "colour", "red")
    assert code == 1 and "colour" in err and "idle_lock_minutes" in err
    assert office.read(fed_db).backup_keep == 30
    with pytest.raises(SystemExit) as usage:
        run(capsys, data_dir, "settings", "set", "backup_keep")
    assert usage.value.code == 2


def test_a_staff_account_may_not_change_settings(
    fed_db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with acting.acting_as(acting.Actor("clerk", "王会计", acting.STAFF, account_id=2)):
        code, _, err = run(capsys, data_dir, "settings", "set", "backup_keep", "20")
    assert code == 1 and "权限" in err
    assert office.read(fed_db).backup_keep == 30
    assert not [r for r in audit.recent(fed_db) if r.action == audit.SETTINGS_CHANGE]


def test_help_lists_the_keys_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["settings", "set", "--help"])
    out = capsys.readouterr().out
    for key in office.KEYS:
        assert key.key in out and key.label in out
