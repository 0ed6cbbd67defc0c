"""Record changes in the audit trail: every insert, update and tombstone of a synced
record names its table, record id and changed FIELDS, never a value, with the acting
account; a bulk write (a roster import, a sync apply) is one summary entry per table."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import acting
from desktop.services import audit
from desktop.services.audit import changes
from desktop.services.audit.wording import shown_detail
from desktop.services.members import registry as members
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.storage.database import Database
from desktop.sync import office
from tests.unit.spreadsheets.helpers import make_id, setup_registry, write_xlsx
from tests.unit.sync.helpers import mesh, node_of

pytestmark = pytest.mark.both_engines

NAME, NUMBER, PHONE, NEW_PHONE = "欧阳秀英", make_id(seq=7), "13800138000", "13912345678"
CLERK = acting.Actor("zhang", "张会计", acting.STAFF, account_id=3)


def changes_of(db: Database) -> list[audit.AuditRecord]:
    return list(reversed(audit.entries(db, audit.AuditFilter(action=audit.RECORD_CHANGE))))


def raw_trail(db: Database) -> str:
    """Every column of every audit row as one text, to grep for personal values."""
    with db.connect(write=False) as conn:
        rows = conn.exec_driver_sql("SELECT * FROM audit_log").all()
    return "\n".join("|".join(str(v) for v in row) for row in rows)


def test_insert_update_delete_name_fields_and_account_never_values(db: Database) -> None:
    union = setup_registry(db)["甲公司工会"]
    with acting.acting_as(CLERK):
        member, _ = members.add(
            db, {"name": NAME, "id_number": NUMBER, "union_id": union, "phone": PHONE}
        )
        members.update(db, member.id, {"phone": NEW_PHONE, "employer": "某某科技有限公司"})
        members.delete(db, member.id)
    mine = [e for e in changes_of(db) if e.record_id == member.id]
    assert [e.detail.split(" ")[0] for e in mine] == ["新增", "修改", "删除"]
    added, edited, deleted = mine
    assert {"name", "id_number", "phone"} <= set((added.fields or "").split(","))
    assert edited.fields == "employer,phone"
    assert edited.detail == f"修改 members 记录 {member.id}；字段：employer、phone"
    # As the audit page and `uniondesk audit list` show them: Chinese names, a short id.
    short = f"…{member.id[-8:]}"  # a UUIDv7's random end: its start is the minute
    assert [shown_detail(e) for e in mine] == [
        f"新增 会员（记录 {short}）",
        f"修改 会员（记录 {short}）：工作单位、手机号",
        f"删除 会员（记录 {short}）",
    ]
    assert deleted.fields == "deleted"
    assert {(e.tbl, e.account, e.account_id) for e in mine} == {("members", "zhang", 3)}
    trail = raw_trail(db)
    for value in (NAME, NUMBER, NUMBER[-6:], PHONE, NEW_PHONE, "某某科技"):
        assert value not in trail
    assert audit.verify(db).ok


def test_a_union_s_entry_names_it_a_member_s_never(db: Database) -> None:
    """QA: 「新增 基层工会（记录 …9bc427be）」 told an administrator nothing; a union is
    named without personal data, a member never is (an erased person must not reappear)."""
    from desktop.services.unions import registry as unions

    union = setup_registry(db)["甲公司工会"]
    member, _ = members.add(db, {"name": NAME, "id_number": NUMBER, "union_id": union})
    renamed = unions.add(db, "乙公司工会")
    unions.update(db, renamed.id, name="乙公司工会委员会")
    shown = {e.record_id: shown_detail(e) for e in changes_of(db)}
    assert (
        shown[renamed.id]
        == f"修改 基层工会「乙公司工会委员会」（记录 …{renamed.id[-8:]}）：工会名称"
    )
    assert shown[member.id] == f"新增 会员（记录 …{member.id[-8:]}）"
    assert NAME not in "".join(shown.values())


def test_a_roster_import_is_one_summary_entry(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    count = changes.SUMMARY_OVER + 10
    rows = [["姓名", "身份证号", "工会", "手机号"]] + [
        [f"会员{i}", make_id(seq=100 + i), "甲公司工会", f"1380013{i:04d}"] for i in range(count)
    ]
    before = len(changes_of(db))
    result = importer.commit(
        db, importer.prepare(db, write_xlsx(tmp_path / "名册.xlsx", rows), ImportOptions())
    )
    after = changes_of(db)[before:]
    assert len(after) == 1
    [summary] = after
    ids = sorted(result.member_ids)
    assert summary.tbl == "members" and summary.record_id is None and summary.fields is None
    assert summary.detail == f"members：{count} 条记录变更（首条 {ids[0]}，末条 {ids[-1]}）"
    assert shown_detail(summary) == f"会员：{count} 条记录变更（首条 {ids[0]}，末条 {ids[-1]}）"
    [imported] = audit.entries(db, audit.AuditFilter(action=audit.IMPORT))
    assert imported.detail == f"会员名册：新增 {count} 名，更新 0 名；文件 名册.xlsx"
    assert "会员1" not in raw_trail(db) and make_id(seq=101) not in raw_trail(db)


def test_a_sync_apply_is_summarised_and_both_ends_record_the_package(
    db_factory: object, tmp_path: Path
) -> None:
    a, b = db_factory("a"), db_factory("b")  # type: ignore[operator]
    mesh([a, b], tmp_path)
    union = setup_registry(a)["甲公司工会"]
    for i in range(changes.SUMMARY_OVER + 1):
        members.add(a, {"name": f"会员{i}", "id_number": make_id(seq=200 + i), "union_id": union})
    package = tmp_path / "给乙.udsync"
    office.export_package(a, package, to=[node_of(b)])
    [sent] = audit.entries(a, audit.AuditFilter(action=audit.SYNC_EXPORT))
    assert sent.detail.startswith("给乙.udsync：") and "发往 1 个单位" in sent.detail
    office.import_package(b, package)
    [received] = audit.entries(b, audit.AuditFilter(action=audit.SYNC_IMPORT))
    assert received.detail.startswith(f"给乙.udsync：来自节点 {node_of(a)[:8]}")
    summaries = {e.tbl: e for e in changes_of(b) if e.record_id is None}
    assert "members" in summaries and "21 条记录变更" in summaries["members"].detail
    assert not [e for e in changes_of(b) if e.tbl == "members" and e.record_id]
    assert audit.verify(b).ok
