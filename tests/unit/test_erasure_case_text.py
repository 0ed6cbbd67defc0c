"""个人信息删除 reaches the free text written about the person and the files filed for
them: a legal-aid case's 案情摘要, 单位 and 备注 and its documents (link rows and bytes),
an honour's 备注 — on the table, in the change log, and in the next sync package.

The clerk's day: 张三 comes in about unpaid wages, the clerk writes what happened (with
his phone in the summary, as clerks do), files his 会员登记表 scan with the case, and
records his 劳动模范 title with a note; later he asks to be erased."""

from __future__ import annotations

import hashlib
import json

import pytest

from desktop.models.erasure import PERSONAL
from desktop.services.erasure import records as erasure
from desktop.services.honours import records as honours
from desktop.services.legal import cases as legal
from desktop.services.legal import documents
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines

ID_NUMBER = "11010519491231002X"
SUMMARY = "拖欠三个月工资，联系电话13800138000"
EMPLOYER = "秘密五金厂"
CASE_NOTES = "张三本人来访，妻子欧阳秘密陪同"
HONOUR_NOTES = "张三同志在车间苦干三十年"
DOCUMENT = b"%PDF-1.4 registration form of the person DOC-BYTES-51c2 %%EOF"
SECRETS = (SUMMARY, "13800138000", EMPLOYER, "欧阳秘密", "苦干三十年", "e_reg.pdf")


def _clerks_day(db: Database) -> dict[str, str]:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    uid = unions.add(db, "测试科技有限公司工会", industry="C", ownership="170").id
    member = members.add(
        db, {"name": "张三", "id_number": ID_NUMBER, "union_id": uid, "phone": "13800138000"}
    )[0].id
    case = legal.add_case(
        db,
        {
            "member_id": member,
            "case_type": "工资拖欠",
            "summary": SUMMARY,
            "employer": EMPLOYER,
            "notes": CASE_NOTES,
        },
    ).id
    [doc] = documents.add_documents(db, case, [("e_reg.pdf", DOCUMENT)])
    honour = honours.add_honour(
        db, {"member_id": member, "title": "劳动模范", "level": "省级", "year": 2025,
             "notes": HONOUR_NOTES},
    ).id  # fmt: skip
    return {"member": member, "case": case, "document": doc.id, "honour": honour}


def _logged(db: Database) -> str:
    with db.connect(write=False) as conn:
        return "\n".join(conn.exec_driver_sql("SELECT fields FROM sync_change").scalars())


def _attachment(db: Database, sha: str) -> bool:
    with db.connect(write=False) as conn:
        found = conn.exec_driver_sql("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,))
        return found.first() is not None


def test_erasure_clears_the_case_text_its_documents_and_honour_notes(db: Database) -> None:
    rows = _clerks_day(db)
    sha = hashlib.sha256(DOCUMENT).hexdigest()
    assert _attachment(db, sha) and SUMMARY in _logged(db)

    result = erasure.erase(db, rows["member"], "request")

    case = legal.get_case(db, rows["case"])
    assert (case.summary, case.employer, case.notes) == (None, None, None)
    assert documents.list_documents(db, rows["case"]) == []
    assert not _attachment(db, sha)  # the scan's bytes are gone, not only its link
    assert [h.notes for h in honours.honours_of_member(db, rows["member"])] in ([], [None])
    with db.connect(write=False) as conn:
        doc = conn.exec_driver_sql(
            "SELECT deleted, file_name, sha256 FROM legal_case_documents WHERE id = ?",
            (rows["document"],),
        ).one()
        honour_notes = conn.exec_driver_sql(
            "SELECT notes FROM honours WHERE id = ?", (rows["honour"],)
        ).scalar()
    assert doc.deleted and doc.file_name == PERSONAL["legal_case_documents"]["file_name"]
    assert honour_notes is None
    log = _logged(db)
    assert not [s for s in SECRETS if s in log]  # the next package cannot carry them
    assert result.rows["legal_case_documents"] == 1 and result.rows["honours"] == 1
    assert any(json.loads(line).get("deleted") == 1 for line in log.splitlines())
