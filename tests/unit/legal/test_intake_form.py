"""The legal-aid intake form is filled from the case: read back with pdftotext."""

from __future__ import annotations

from pathlib import Path

from desktop.printing.forms import legal as legal_form
from desktop.services.legal import cases
from desktop.storage.database import Database
from tests.unit.printing.conftest import pdf_text, run
from tests.unit.sync.helpers import valid_id


def test_member_case_form(db: Database, people: dict[str, str], tmp_path: Path) -> None:
    case = cases.add_case(
        db,
        {
            "member_id": people["李娟"],
            "case_type": "工资拖欠",
            "employer": "东莞某某电子有限公司",
            "handler": "陈律师",
            "summary": "申请人反映用人单位拖欠2026年8月至10月工资共计一万二千元。",
            "intake_on": "2026-11-02",
        },
    )
    cases.close_case(
        db, case.id, outcome="调解成功", amount_recovered="12000", closed_on="2026-11-20"
    )
    out = legal_form.write_intake_form(db, case.id, tmp_path / "登记表.pdf")
    words = pdf_text(out)
    flat = "".join(words.split())
    for expected in (
        "法律援助申请登记表",
        "受理日期：2026年11月02日",
        "李娟",
        "曾氏科技工会",
        "东莞某某电子有限公司",
        "工资拖欠",
        "陈律师",
        "拖欠2026年8月至10月工资",
        "调解成功",
        "12000.00元",
        "2026年11月20日",
        "138****5678",
    ):
        assert expected in flat, expected
    assert "13812345678" not in flat and valid_id(1) not in flat  # masked by default
    full = legal_form.write_intake_form(db, case.id, tmp_path / "全.pdf", unmasked=True)
    assert "13812345678" in "".join(pdf_text(full).split())


def test_non_member_form_leaves_the_id_number_to_be_written(
    db: Database, people: dict[str, str], tmp_path: Path
) -> None:
    case = cases.add_case(db, {"applicant_name": "赵六", "case_type": "工伤"})
    out = legal_form.write_intake_form(db, case.id, tmp_path / "a.pdf")
    lines = [
        " ".join(line.split()) for line in run("pdftotext", "-layout", str(out), "-").splitlines()
    ]
    assert any(line.startswith("申请人 赵六") and line.endswith("是否会员 否") for line in lines)
    assert any(line.startswith("身份证号 联系电话") for line in lines)  # both blank
    assert any("案件类型 工伤" in line and "办理状态 受理" in line for line in lines)


def _summary(n: int) -> str:
    base = "申请人反映用人单位自二〇二五年起未足额支付加班工资，多次协商未果，现申请法律援助。"
    return (base * (n // len(base) + 1))[: n - 1] + "终"


def test_a_long_summary_is_printed_whole_or_marked_as_cut(
    db: Database, people: dict[str, str], tmp_path: Path
) -> None:
    # Six hundred characters fit the box at a smaller size: every one is printed.
    summary = _summary(600)
    case = cases.add_case(
        db, {"member_id": people["李娟"], "case_type": "工资拖欠", "summary": summary}
    )
    out = legal_form.write_intake_form(db, case.id, tmp_path / "长.pdf")
    flat = "".join(pdf_text(out).split()).replace("案情摘要", "")  # the side label
    assert summary in flat
    # Three thousand do not: what is printed says that the rest is in the case record,
    # instead of stopping mid-sentence as if that were all.
    summary = _summary(3000)
    case = cases.add_case(
        db, {"member_id": people["李娟"], "case_type": "工资拖欠", "summary": summary}
    )
    out = legal_form.write_intake_form(db, case.id, tmp_path / "更长.pdf")
    flat = "".join(pdf_text(out).split())
    assert summary[:300] in flat and "终" not in flat.split("案情摘要")[-1].split("结案结果")[0]
    assert "（未完，全文见系统中的记录）" in flat
