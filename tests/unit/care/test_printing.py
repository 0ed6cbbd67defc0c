"""The 困难职工登记表 filled from the file (household included) and the 救助金领取签收表
of one batch, read back with pdftotext."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main
from desktop.services import audit
from desktop.services.care import assistance, hardship
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY
from tests.unit.care.conftest import CHILD_ID, SPOUSE_ID, a_consent
from tests.unit.care.conftest import household as family
from tests.unit.printing.conftest import pdf_text


def test_the_registration_form_carries_the_household(
    db: Database, data_dir: Path, people: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    case = hardship.add_file(
        db,
        people["张三"],
        level="深度困难",
        causes="患病、子女就学",
        opened_on="2026-01-10",
        today=TEST_TODAY,
        monthly_income_per_capita=650,
        disability_grade="二级",
        household_members=family(monthly_income=900, health="高血压", work_place="无"),
        consent=a_consent(),
    )
    out = tmp_path / "form.pdf"
    assert main(["--data-dir", str(data_dir), "hardship", "form", case, str(out)]) == 0
    assert "健康、残疾和收入信息未打印" in capsys.readouterr().out
    body = pdf_text(out)
    for expected in ("困难职工登记表", "张三", "深度困难", "患病、子女就学", "张妻", "配偶"):
        assert expected in body, expected
    for hidden in ("650 元", "二级", "高血压", "900"):  # no reason given: left blank
        assert hidden not in body, hidden
    assert [r.action for r in audit.recent(db)] == [audit.PRINT]  # printed, nothing shown

    args = ["--data-dir", str(data_dir), "hardship", "form", case, str(out), "--sensitive"]
    assert main(args) == 1  # no reason
    assert "须填写原因" in capsys.readouterr().err
    assert main([*args, "--reason", "本人签字确认"]) == 0
    body = pdf_text(out)
    for expected in (
        "困难职工登记表",
        "张三",
        "深度困难",
        "患病、子女就学",
        "650 元",
        "二级",
        "张妻",
        "配偶",
        "高血压",
        "900",
        "张小",
        "子女",
        "在校",
        "2027年01月10日",
    ):
        assert expected in body, expected
    assert SPOUSE_ID not in body and CHILD_ID not in body
    [entry] = [r for r in audit.recent(db) if r.action == audit.HARDSHIP_VIEW_SENSITIVE]
    assert "打印登记表" in entry.detail and "本人签字确认" in entry.detail


def test_the_assistance_receipt_of_a_batch(
    db: Database, data_dir: Path, people: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    batch = "2026年春节送温暖"
    for name, amount in (("张三", "1200.50"), ("李四", "500")):
        case = hardship.add_file(
            db, people[name], level="相对困难", opened_on="2026-01-10", today=TEST_TODAY
        )
        assistance.assist(
            db, case, given_on="2026-01-20", kind="送温暖", amount=amount,
            fund_source="上级工会补助", batch=batch, today=TEST_TODAY,
        )  # fmt: skip
        assistance.assist(
            db, case, given_on="2026-03-01", kind="助学", amount="300",
            fund_source="社会捐助", batch="2026年金秋助学", today=TEST_TODAY,
        )  # fmt: skip
    out = tmp_path / "receipt.pdf"
    code = main(["--data-dir", str(data_dir), "hardship", "receipt", batch, str(out)])
    assert code == 0
    assert "2 人，合计 1,700.50 元" in capsys.readouterr().out
    body = pdf_text(out)
    for expected in (
        "救助金领取签收表",
        f"发放批次：{batch}",
        "测试街道总工会",
        "上级工会补助",
        "张三",
        "李四",
        "甲公司工会",
        "1,200.50",
        "500.00",
        "合计：1,700.50 元，共 2 人",
        "领取人签名",
        "第1页 共1页",
    ):
        assert expected in body, expected
    assert "300.00" not in body  # another batch
    code = main(["--data-dir", str(data_dir), "hardship", "receipt", "无此批次", str(out)])
    assert code == 1 and "没有批次为「无此批次」" in capsys.readouterr().err


def test_the_receipt_names_the_handler_recorded_with_the_batch(
    db: Database, people: dict[str, str], tmp_path: Path
) -> None:
    from desktop.printing.forms.assistance_receipt import render_receipt

    for name, handler in (("张三", "刘芳"), ("李四", "刘芳")):
        case = hardship.add_file(
            db, people[name], level="相对困难", opened_on="2026-01-10", today=TEST_TODAY
        )
        assistance.assist(
            db, case, given_on="2026-01-20", kind="送温暖", amount="500",
            fund_source="上级工会补助", batch="送温暖", handler=handler, today=TEST_TODAY,
        )  # fmt: skip
        assistance.assist(
            db, case, given_on="2026-03-01", kind="助学", amount="300",
            fund_source="社会捐助", batch="助学", today=TEST_TODAY,
        )  # fmt: skip
    out = tmp_path / "receipt.pdf"
    render_receipt(db, "送温暖", out)
    assert "经办人：刘芳" in "".join(pdf_text(out).split())
    render_receipt(db, "助学", out)  # nobody recorded: the line stays blank for the pen
    assert "经办人：审核人：" in "".join(pdf_text(out).split())


def test_the_form_of_a_file_is_that_file_not_the_member_s_latest(
    db: Database, data_dir: Path, people: dict[str, str], tmp_path: Path
) -> None:
    """A household that left hardship and fell back into it has two files: printing the
    first (closed) one must print that file, and its sensitive-view entry names it."""
    first = hardship.add_file(
        db, people["张三"], level="深度困难", causes="患病", opened_on="2024-03-01",
        today=TEST_TODAY,
    )  # fmt: skip
    hardship.close_file(db, first, "2025-06-30", "病愈", today=TEST_TODAY)
    second = hardship.add_file(
        db, people["张三"], level="意外致困", causes="意外事故", opened_on="2026-02-01",
        today=TEST_TODAY,
    )  # fmt: skip
    for case, level, opened in (
        (first, "深度困难", "2024年03月01日"),
        (second, "意外致困", "2026年02月01日"),
    ):
        out = tmp_path / f"{case}.pdf"
        assert main(["--data-dir", str(data_dir), "hardship", "form", case, str(out)]) == 0
        body = "".join(pdf_text(out).split())
        assert level in body and f"建档日期：{opened}" in body, (case, body[:200])
    # By member (print form hardship --member): the open file.
    out = tmp_path / "by-member.pdf"
    args = ["--data-dir", str(data_dir), "print", "form", "hardship", str(out)]
    assert main([*args, "--member", people["张三"]]) == 0
    assert "意外致困" in pdf_text(out)


def test_a_receipt_with_a_rare_character_prints_it_as_a_mark_when_asked(
    db: Database, data_dir: Path, people: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from desktop.services.members import registry as members

    members.update(db, people["张三"], {"name": "王𠮷"})
    case = hardship.add_file(
        db, people["张三"], level="相对困难", opened_on="2026-01-10", today=TEST_TODAY
    )
    assistance.assist(
        db, case, given_on="2026-01-20", kind="送温暖", amount="500",
        fund_source="上级工会补助", batch="送温暖", today=TEST_TODAY,
    )  # fmt: skip
    out = tmp_path / "receipt.pdf"
    args = ["--data-dir", str(data_dir), "hardship", "receipt", "送温暖", str(out)]
    assert main(args) == 1 and not out.exists()
    assert "𠮷" in capsys.readouterr().err
    assert main([*args, "--allow-missing-glyphs"]) == 0
    assert "王〓" in pdf_text(out)
    form = tmp_path / "form.pdf"  # the file's 登记表 takes the same option
    args = ["--data-dir", str(data_dir), "hardship", "form", case, str(form)]
    assert main(args) == 1 and "加 --allow-missing-glyphs" in capsys.readouterr().err
    assert main([*args, "--allow-missing-glyphs"]) == 0 and "王〓" in pdf_text(form)


@pytest.mark.both_engines
def test_the_receipt_names_this_office_s_own_federation_on_either_engine(
    db: Database, people: dict[str, str]
) -> None:
    """发放单位: this office's own federation, on either engine (a hub prints receipts too)."""
    from desktop.printing.forms import assistance_receipt

    case = hardship.add_file(
        db, people["张三"], level="相对困难", opened_on="2026-01-10", today=TEST_TODAY
    )
    assistance.assist(
        db, case, given_on="2026-01-20", kind="送温暖", amount="100",
        fund_source="上级工会补助", batch="春节送温暖", today=TEST_TODAY,
    )  # fmt: skip
    assert assistance_receipt.load(db, "春节送温暖").federation_name == "测试街道总工会"
