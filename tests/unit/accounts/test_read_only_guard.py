"""The read-only guard: a signed-in read-only account changes no record, through any
service, while its bookkeeping (sign-in counters, audit entries) still gets written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from desktop import acting
from desktop.errors import PermissionDeniedError
from desktop.services import audit
from desktop.services.accounts import records, signin
from desktop.services.members import registry as members
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import write_guard
from desktop.storage.database import Database
from desktop.sync import office
from tests.unit.accounts.conftest import STAFF_PASSWORD
from tests.unit.spreadsheets.helpers import make_id, setup_registry, write_xlsx
from tests.unit.sync.helpers import mesh, node_of

ID_NUMBER = "44030419900101123" + ric.calc_check_digit("44030419900101123" + "0")
REFUSED = "只读）没有「修改数据」的权限"


@pytest.mark.parametrize(
    ("statement", "target"),
    [
        ("INSERT INTO members (id) VALUES (?)", ("members", None)),
        ('  insert or replace into "app_settings" VALUES (1)', ("app_settings", None)),
        ("UPDATE OR IGNORE unions SET name = ?", ("unions", None)),
        ("DELETE FROM temp.fresh_counts", ("temp", "fresh_counts")),
        ("REPLACE INTO audit_log VALUES (1)", ("audit_log", None)),
        ("SELECT * FROM members", None),
        ("CREATE TEMP TABLE x AS SELECT 1", None),
    ],
)
def test_written_table(statement: str, target: tuple[str, str | None] | None) -> None:
    assert write_guard.written_table(statement) == target


def snapshot(db: Database) -> tuple[object, ...]:
    with db.connect(write=False) as conn:
        return tuple(
            conn.execute(text(sql)).all()
            for sql in (
                "SELECT id, name, phone, deleted FROM members ORDER BY id",
                "SELECT id, name FROM unions ORDER BY id",
                "SELECT count(*) FROM sync_change",
            )
        )


@pytest.fixture
def reader(db: Database, admin: acting.Actor) -> tuple[acting.Actor, str]:
    """A registry with one member, and a signed-in read-only account."""
    federations.create(db, "测试街道总工会", card_prefix="CS")
    union = unions.add(db, "甲公司工会")
    member, _ = members.add(
        db, {"name": "张三", "id_number": ID_NUMBER, "union_id": union.id, "phone": None}
    )
    records.add(db, "reader", "只读员", STAFF_PASSWORD, acting.READONLY)
    actor = signin.sign_in(db, "reader", STAFF_PASSWORD)
    return actor, member.id


def test_read_only_account_cannot_edit_a_member_but_may_read(
    db: Database, reader: tuple[acting.Actor, str]
) -> None:
    _actor, member_id = reader
    before = snapshot(db)
    with pytest.raises(PermissionDeniedError, match=REFUSED):
        members.update(db, member_id, {"phone": "13800138000"})
    with pytest.raises(PermissionDeniedError, match=REFUSED):
        members.delete(db, member_id)
    with pytest.raises(PermissionDeniedError, match=REFUSED):
        unions.add(db, "乙公司工会")
    assert snapshot(db) == before
    assert members.get(db, member_id).name == "张三"  # reading stays open


def test_read_only_session_still_writes_its_bookkeeping(
    db: Database, reader: tuple[acting.Actor, str]
) -> None:
    records.change_password(db, "reader", STAFF_PASSWORD, "Reader-new-2")
    audit.record(db, audit.EXPORT, "测试")
    with pytest.raises(signin.SignInRefused):
        signin.authenticate(db, "reader", "wrong-password")
    signin.sign_out(db)
    details = [r.detail for r in audit.recent(db)]
    assert "账号 reader 退出登录" in details
    assert "账号 reader：修改了自己的密码" in details
    assert "账号 reader：密码错误" in details


def test_staff_account_may_write(db: Database, reader: tuple[acting.Actor, str]) -> None:
    _actor, member_id = reader
    with acting.acting_as(acting.Actor("clerk", "张", acting.STAFF, account_id=99)):
        members.update(db, member_id, {"phone": "13800138000"})
    assert members.get(db, member_id).phone == "13800138000"


def test_read_only_imports_are_refused_before_their_automatic_backup(
    db_factory: object, tmp_path: Path
) -> None:
    """A read-only account's roster or package import made the 导入名册前 / 导入同步包前
    backup — which rotates an older one out — and only then was refused."""
    a, b = db_factory("a"), db_factory("b")  # type: ignore[operator]
    mesh([a, b], tmp_path)
    union = setup_registry(a)["甲公司工会"]
    members.add(a, {"name": "张三", "id_number": make_id(seq=7), "union_id": union})
    package = tmp_path / "给乙.udsync"
    office.export_package(a, package, to=[node_of(b)])
    roster = write_xlsx(
        tmp_path / "in.xlsx", [["姓名", "身份证号", "工会"], ["李四", make_id(seq=8), "甲公司工会"]]
    )
    preview = importer.prepare(a, roster, ImportOptions())
    reader = acting.Actor("reader", "只读员", acting.READONLY, account_id=3)
    with acting.acting_as(reader):
        with pytest.raises(PermissionDeniedError, match=REFUSED):
            importer.commit(a, preview)
        with pytest.raises(PermissionDeniedError, match=REFUSED):
            office.import_package(b, package)
    assert list(a.paths.backups.glob("*.udbak")) == []
    assert list(b.paths.backups.glob("*.udbak")) == []
