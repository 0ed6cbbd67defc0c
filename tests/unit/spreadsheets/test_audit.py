"""The local audit trail: unmasked roster exports are recorded, without personal data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop import clock
from desktop.cli import main
from desktop.errors import DatabaseError
from desktop.models import synced_tables
from desktop.services import audit
from desktop.services.members.queries import MemberFilter
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.rosters.export import export_members
from desktop.storage.database import Database

from .helpers import make_id, setup_registry, write_xlsx

UNMASKED = audit.ROSTER_EXPORT_UNMASKED
NUMBER = make_id(seq=5)
PHONE = "13800138000"


@pytest.fixture
def registry(db: Database, tmp_path: Path) -> dict[str, str]:
    ids = setup_registry(db, "甲公司工会", "乙公司工会")
    path = write_xlsx(
        tmp_path / "in.xlsx",
        [
            ["姓名", "身份证号", "工会", "手机号"],
            ["张三", NUMBER, "甲公司工会", PHONE],
            ["李四", make_id(seq=6), "乙公司工会", ""],
        ],
    )
    importer.commit(db, importer.prepare(db, path, ImportOptions()))
    return ids


def changes(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one())


def test_unmasked_export_is_recorded_without_personal_data(
    db: Database, registry: dict[str, str], tmp_path: Path
) -> None:
    before = changes(db)
    export_members(db, tmp_path / "masked.xlsx")
    [imported, masked] = [e.action for e in audit.recent(db)][::-1]
    assert (imported, masked) == (audit.IMPORT, audit.EXPORT)  # a masked export is no unmask
    export_members(
        db,
        tmp_path / "张三的名册.xlsx",
        MemberFilter(union_id=registry["甲公司工会"], status="current", search="张三"),
        unmasked=True,
    )
    entry = audit.recent(db)[0]
    assert entry.action == audit.ROSTER_EXPORT_UNMASKED
    assert entry.label == "导出未打码的会员名册"
    assert entry.os_user == audit.os_user() and entry.os_user
    assert entry.occurred_at.replace(tzinfo=None) == clock.current().utcnow()
    assert entry.detail == "1 名会员；工会：甲公司工会，会籍状态：在会和保留会籍，按关键词筛选"
    for secret in ("张三", NUMBER, NUMBER[-4:], PHONE, "名册.xlsx", str(tmp_path)):
        assert secret not in entry.detail
    assert changes(db) == before  # local: the capture triggers never see it
    assert "audit_log" not in synced_tables()


def test_newest_first_and_limit(db: Database, registry: dict[str, str], tmp_path: Path) -> None:
    export_members(db, tmp_path / "a.xlsx", unmasked=True)
    export_members(db, tmp_path / "b.xlsx", MemberFilter(migrant=False), unmasked=True)
    details = [e.detail for e in audit.entries(db, audit.AuditFilter(action=UNMASKED))]
    assert details == ["2 名会员；全部工会，非农民工", "2 名会员；全部工会"]
    assert len(audit.recent(db, limit=1)) == 1


def test_export_that_cannot_be_recorded_is_not_kept(
    db: Database, registry: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise DatabaseError("数据库只读")

    monkeypatch.setattr(audit, "record", broken)
    target = tmp_path / "full.xlsx"
    with pytest.raises(DatabaseError):
        export_members(db, target, unmasked=True)
    assert not target.exists()


def test_unknown_action_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(db, "anything")
    assert audit.recent(db, changes=True) == []


def test_os_user_never_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(audit.getpass, "getuser", no_user)
    assert audit.os_user() == audit.UNKNOWN_USER


def test_cli_export_unmasked_then_audit_list(
    db: Database,
    registry: dict[str, str],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["--data-dir", str(data_dir)]
    assert main([*base, "audit", "list", "--action", UNMASKED]) == 0
    assert "没有符合条件的审计记录" in capsys.readouterr().out
    assert main([*base, "roster", "export", str(tmp_path / "m.xlsx")]) == 0
    out = tmp_path / "full.xlsx"
    assert (
        main(
            [
                *base,
                "roster",
                "export",
                str(out),
                "--unmasked",
                "--reason",
                "报送",
                "--union",
                "乙公司工会",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main([*base, "audit", "list", "--json", "--action", UNMASKED]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["action"] == "roster_export_unmasked"
    assert entry["detail"] == "1 名会员；工会：乙公司工会；原因：报送"
    assert datetime.fromisoformat(entry["occurred_at"]).tzinfo is not None
    assert main([*base, "audit", "list", "--limit", "1"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.endswith("导出未打码的会员名册：1 名会员；工会：乙公司工会；原因：报送")
    assert f"  {audit.os_user()}  " in line
    with pytest.raises(SystemExit) as usage:
        main([*base, "audit", "list", "--limit", "0"])
    assert usage.value.code == 2
