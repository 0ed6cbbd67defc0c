"""``uniondesk audit list|verify``, and the CLI's unmasked views recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import acting
from desktop.cli import main
from desktop.services import audit
from desktop.services.members import registry as members
from desktop.storage import rawconn
from desktop.storage.database import Database
from tests.unit.spreadsheets.helpers import make_id, setup_registry

NUMBER, PHONE = make_id(seq=9), "13712345678"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def member(db: Database) -> str:
    union = setup_registry(db)["甲公司工会"]
    record, _ = members.add(
        db, {"name": "赵六", "id_number": NUMBER, "union_id": union, "phone": PHONE}
    )
    return record.id


def test_verify_exit_codes(
    db: Database, data_dir: Path, member: str, capsys: pytest.CaptureFixture[str]
) -> None:
    total = len(audit.recent(db, limit=1000, changes=True))
    code, out, _ = run(capsys, data_dir, "audit", "verify")
    assert (code, out.strip()) == (0, f"审计记录完整，共 {total} 条")
    con = rawconn.connect(db.paths.database, autocommit=True)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET detail = detail || '!' WHERE id = 2")
    con.close()
    code, out, err = run(capsys, data_dir, "audit", "verify")
    assert code == 1 and out == ""
    assert err.startswith("审计记录不完整：第 2 条（") and "内容被改动" in err
    code, out, _ = run(capsys, data_dir, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == 1 and report["broken"]["kind"] == "edited" and report["broken"]["id"] == 2


def test_list_filters(
    db: Database, data_dir: Path, member: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with acting.acting_as(acting.Actor("wang", "王会计", acting.STAFF, account_id=2)):
        audit.record(db, audit.PRINT, "会员卡；1 张；文件 卡.pdf")
    code, out, _ = run(capsys, data_dir, "audit", "list", "--user", "wang", "--json")
    [entry] = json.loads(out)
    assert code == 0 and (entry["account"], entry["action"]) == ("wang", "print")
    code, out, _ = run(capsys, data_dir, "audit", "list", "--action", "修改记录", "--json")
    tables = {e["table"] for e in json.loads(out)}
    assert tables == {"federations", "unions", "members"}
    [added] = [e for e in json.loads(out) if e["table"] == "members"]
    assert added["record_id"] == member and "id_number" in added["fields"]
    code, out, _ = run(capsys, data_dir, "audit", "list", "--text", "卡.pdf")
    assert code == 0 and out.count("\n") == 1 and "  wang  打印：会员卡" in out
    code, out, _ = run(capsys, data_dir, "audit", "list", "--since", "2026-11-22")
    assert out.strip() == "没有符合条件的审计记录。"
    code, out, _ = run(
        capsys, data_dir, "audit", "list", "--since", "2026-11-21", "--until", "2026-11-21"
    )
    assert out.count("\n") == 4
    code, _, err = run(
        capsys, data_dir, "audit", "list", "--since", "2026-11-22", "--until", "2026-11-21"
    )
    assert code == 1 and "--since" in err
    with pytest.raises(SystemExit) as usage:
        main(["--data-dir", str(data_dir), "audit", "list", "--action", "nothing"])
    assert usage.value.code == 2


def test_members_show_unmasked_and_print_form_unmasked_are_recorded(
    db: Database, data_dir: Path, member: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, data_dir, "members", "show", member)
    assert code == 0 and NUMBER not in out and audit.recent(db) == []
    code, out, _ = run(
        capsys, data_dir, "members", "show", member, "--unmasked", "--reason", f"核对 {PHONE}"
    )
    assert code == 0 and NUMBER in out
    [shown] = audit.recent(db)
    assert shown.action == audit.UNMASKED_VIEW
    assert shown.detail == f"会员 {member}：身份证号、手机号（命令行）；原因：核对 [手机号已隐去]"
    out_pdf = tmp_path / f"{NUMBER}登记表.pdf"
    code, _, _ = run(
        capsys, data_dir, "print", "form", "registration", str(out_pdf),
        "--member", member, "--unmasked", "--reason", "换证核对",
    )  # fmt: skip
    assert code == 0
    unmasked, printed = audit.recent(db)[:2]
    assert printed.action == audit.PRINT and unmasked.action == audit.UNMASKED_VIEW
    assert printed.detail == f"会员登记表；{member}；文件 [身份证号已隐去]登记表.pdf（未打码）"
    assert unmasked.detail.endswith("；原因：换证核对")
    with db.connect(write=False) as conn:
        trail = str(conn.exec_driver_sql("SELECT * FROM audit_log").all())
    assert NUMBER not in trail and PHONE not in trail and str(tmp_path) not in trail


def test_an_error_report_is_recorded_and_the_log_holds_no_full_number(
    db: Database, data_dir: Path, member: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The import's error report copies refused rows whole: recorded as an export. The
    error log of this session (unmasked views, prints, a verify that fails) stays clean."""
    from desktop import app_log
    from desktop.config import resolve_paths
    from tests.unit.spreadsheets.helpers import write_xlsx

    bad = make_id(seq=11)[:-1] + ("0" if make_id(seq=11)[-1] != "0" else "1")
    roster = write_xlsx(
        tmp_path / "in.xlsx", [["姓名", "身份证号", "工会"], ["孙七", bad, "甲公司工会"]]
    )
    report = tmp_path / "错误.xlsx"
    code, _, _ = run(capsys, data_dir, "roster", "import", str(roster), "--errors", str(report))
    assert code == 1 and report.exists()
    [entry] = audit.entries(db, audit.AuditFilter(text="导入错误报告"))
    assert entry.detail == "导入错误报告：1 行（含完整身份证号、手机号）；文件 错误.xlsx"
    run(capsys, data_dir, "members", "show", member, "--unmasked", "--reason", "核对")
    run(capsys, data_dir, "print", "form", "registration", str(tmp_path / "a.pdf"),
        "--member", member, "--unmasked", "--reason", "核对")  # fmt: skip
    con = rawconn.connect(db.paths.database, autocommit=True)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DELETE FROM audit_log WHERE id = 3")
    con.close()
    assert run(capsys, data_dir, "audit", "verify")[0] == 1
    log = app_log.log_file(resolve_paths(data_dir))
    text = log.read_text("utf-8") if log.exists() else ""
    for value in (NUMBER, PHONE, bad, NUMBER[-6:]):
        assert value not in text


@pytest.mark.parametrize(
    "command",
    [
        ["members", "show", "{member}", "--unmasked"],
        ["print", "form", "registration", "{tmp}/a.pdf", "--member", "{member}", "--unmasked"],
        ["roster", "export", "{tmp}/名册.xlsx", "--unmasked"],
        ["legal", "form", "CASE", "--out", "{tmp}/b.pdf", "--unmasked"],
    ],
    ids=["members-show", "print-form", "roster-export", "legal-form"],
)
def test_full_numbers_without_a_reason_are_refused_before_anything_is_written(
    db: Database,
    data_dir: Path,
    member: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    """A script (no terminal to ask at) that wants full numbers must say why; nothing is
    shown, written or recorded when it does not."""
    args = [a.format(member=member, tmp=tmp_path) for a in command]
    code, out, err = run(capsys, data_dir, *args)
    assert code == 1 and "--reason" in err and "Traceback" not in err
    assert NUMBER not in out + err
    assert audit.recent(db) == []
    assert not [p for p in tmp_path.iterdir() if p.suffix in {".pdf", ".xlsx"}]
