"""Forms (pre-filled, masked, blank, attendance pages) and the print/card CLI."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from desktop.cards.signing import self_signer
from desktop.cli import printing as cli_printing
from desktop.cli.common import CliArgumentParser, Context
from desktop.errors import UnionDeskError
from desktop.models import HardshipCase, Transfer, new_id
from desktop.printing.forms.attendance import MIN_BLANK_ROWS, ROWS_PER_PAGE, pages_for
from desktop.storage.database import Database
from tests.unit.printing.conftest import pdf_text, pdf_words, run, seed


def cli(data_dir: Path, *argv: str) -> int:
    parser = CliArgumentParser(prog="uniondesk")
    sub = parser.add_subparsers(dest="area", parser_class=CliArgumentParser)
    cli_printing.register(sub)
    args = parser.parse_args(list(argv))
    ctx = Context(str(data_dir))
    try:
        from desktop.errors import UnionDeskError

        try:
            return int(args.handler(ctx, args) or 0)
        except UnionDeskError:
            return 1
    finally:
        ctx.close()


def test_registration_form_is_prefilled_and_masks_the_id_number(
    db: Database, data_dir: Path, tmp_path: Path
) -> None:
    s = seed(db, 1)
    member = str(s.members[0]["id"])
    out = tmp_path / "reg.pdf"
    assert cli(data_dir, "print", "form", "registration", str(out), "--member", member) == 0
    body = pdf_text(out)
    for expected in (
        "工会会员登记表",
        "测试会员0",
        "蛇口联合工会",
        "SZ2026TEST00000",
        "汉族",
        "男",
        "440*************15",
        "138****5678",
        "盖章",
    ):
        assert expected in body, expected
    assert "440304199001015415" not in body and "13812345678" not in body
    out2 = tmp_path / "reg-full.pdf"
    cli(
        data_dir,
        "print",
        "form",
        "registration",
        str(out2),
        "--member",
        member,
        "--unmasked",
        "--reason",
        "核对",
    )
    assert "440304199001015415" in pdf_text(out2)


@pytest.mark.parametrize(
    "kind,title",
    [
        ("application", "入会申请书"),
        ("hardship", "困难职工登记表"),
        ("transfer", "会籍转接单"),
        ("attendance", "活动签到表"),
    ],
)
def test_blank_forms(data_dir: Path, db: Database, tmp_path: Path, kind: str, title: str) -> None:
    out = tmp_path / f"{kind}.pdf"
    assert cli(data_dir, "print", "form", kind, str(out), "--blank") == 0
    body = pdf_text(out).replace(" ", "")
    assert title in body
    fonts = run("pdffonts", str(out)).splitlines()[2:]
    assert fonts and all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts)


def test_hardship_and_transfer_forms_use_their_records(
    db: Database, data_dir: Path, tmp_path: Path
) -> None:
    s = seed(db, 1)
    member = str(s.members[0]["id"])
    with db.connect() as conn:
        conn.execute(
            insert(HardshipCase.__table__),
            [
                {
                    "id": new_id(),
                    "member_id": member,
                    "level": "deep",
                    "cause": "本人重病",
                    "household_size": 4,
                    "monthly_income_per_capita": 800,
                    "opened_on": date(2026, 1, 2),
                    "review_due_on": date(2027, 1, 2),
                }
            ],
        )
        conn.execute(
            insert(Transfer.__table__),
            [
                {
                    "id": new_id(),
                    "member_id": member,
                    "from_union_id": s.union_id,
                    "to_union_name": "西丽街道总工会",
                    "transferred_on": date(2026, 11, 1),
                    "slip_no": "ZJ2026-0007",
                    "reason": "工作调动",
                }
            ],
        )
    cli(data_dir, "print", "form", "hardship", str(tmp_path / "h.pdf"), "--member", member)
    body = pdf_text(tmp_path / "h.pdf")
    assert "深度困难" in body and "本人重病" in body and "800 元" not in body  # no reason
    out = str(tmp_path / "h.pdf")
    cli(
        data_dir,
        "print",
        "form",
        "hardship",
        out,
        "--member",
        member,
        "--sensitive",
        "--reason",
        "复核",
    )
    assert "800 元" in pdf_text(tmp_path / "h.pdf")
    cli(data_dir, "print", "form", "transfer", str(tmp_path / "t.pdf"), "--member", member)
    body = pdf_text(tmp_path / "t.pdf")
    assert body.count("ZJ2026-0007") == 2 and "西丽街道总工会" in body and "骑缝章" in body


def test_attendance_sheet_lists_attendees_then_blank_rows(
    db: Database, data_dir: Path, tmp_path: Path
) -> None:
    from desktop.models.activity import Activity, Attendance

    s = seed(db, ROWS_PER_PAGE)
    activity = new_id()
    with db.connect() as conn:
        conn.execute(
            insert(Activity.__table__),
            [
                {
                    "id": activity,
                    "title": "职工健康讲座",
                    "category": "culture_sport_health",
                    "starts_at": datetime(2026, 11, 30, 14, 30),
                    "ends_at": datetime(2026, 11, 30, 16),
                    "organiser": "粤海街道总工会",
                }
            ],
        )
        conn.execute(
            insert(Attendance.__table__),
            [
                {
                    "id": new_id(),
                    "activity_id": activity,
                    "member_id": m["id"],
                    "method": "card",
                    "checked_in_at": datetime(2026, 11, 30, 14, i),
                }
                for i, m in enumerate(s.members)
            ],
        )
        conn.execute(
            insert(Attendance.__table__),
            [
                {
                    "id": new_id(),
                    "activity_id": activity,
                    "guest_name": "来宾甲",
                    "member_id": None,
                    "method": "manual",
                    "checked_in_at": datetime(2026, 11, 30, 15),
                }
            ],
        )
    out = tmp_path / "att.pdf"
    assert cli(data_dir, "print", "form", "attendance", str(out), "--activity", activity) == 0
    body = pdf_text(out)
    assert "职工健康讲座" in body and "来宾甲" in body and "测试会员17" in body
    assert "138****5678" in body
    assert pages_for(ROWS_PER_PAGE + 1) == 2
    assert "第2页共2页" in body.replace(" ", "")
    assert str(2 * ROWS_PER_PAGE) in body  # numbered blank rows fill the last page
    assert pages_for(ROWS_PER_PAGE - MIN_BLANK_ROWS) == 1


def test_form_bad_input(db: Database, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    assert cli(data_dir, "print", "form", "registration", str(out), "--member", new_id()) == 1
    assert cli(data_dir, "print", "form", "attendance", str(out), "--member", new_id()) == 1
    assert not out.exists()


def test_cli_cards_and_verify(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = seed(db, 2)
    out = tmp_path / "cards.pdf"
    assert cli(data_dir, "print", "cards", str(out), "--union", s.union_name) == 0
    assert "测试会员1" in pdf_text(out)
    one = tmp_path / "one.pdf"
    assert (
        cli(
            data_dir,
            "print",
            "cards",
            str(one),
            "--member",
            str(s.members[1]["id"]),
            "--layout",
            "single",
        )
        == 0
    )
    assert "测试会员0" not in pdf_text(one) and "测试会员1" in pdf_text(one)
    assert cli(data_dir, "print", "cards", str(tmp_path / "n.pdf"), "--union", "无此工会") == 1
    with db.connect(write=False) as conn:
        payload = self_signer(conn).payload("SZ2026TEST00000", str(s.members[0]["id"]))
    capsys.readouterr()
    assert cli(data_dir, "card", "verify", payload) == 0
    assert "有效" in capsys.readouterr().out
    assert cli(data_dir, "card", "verify", payload.replace("TEST00000", "TEST00001")) == 1
    assert "无效" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["registration", "application"])
@pytest.mark.parametrize("name", ["工" * 50, "Maximilian Alexander Christopher Montgomery-Smiths"])
def test_a_50_character_name_stays_readable_in_the_form_s_name_cell(
    db: Database, data_dir: Path, tmp_path: Path, kind: str, name: str
) -> None:
    s = seed(db, 1, names=[name])
    out = tmp_path / f"{kind}.pdf"
    assert cli(data_dir, "print", "form", kind, str(out), "--member", str(s.members[0]["id"])) == 0
    # The name cell is the first row of the table (top of the page).
    words = [w for w in pdf_words(out, 1) if w[0] and set(w[0]) <= set(name) and w[2] < 150]
    assert "".join(w[0] for w in words) == name.replace(" ", "")
    for text_, x0, top, x1, bottom in words:
        assert bottom - top >= 5.9, text_  # ≥ 6 pt, never squeezed to a smudge
        if set(text_) == {"工"}:
            assert (x1 - x0) / len(text_) >= 0.9 * (bottom - top), text_
    if " " in name:  # a long Latin name wraps between words rather than being squeezed
        assert len({round(w[2]) for w in words}) >= 2, words


def test_cards_for_a_union_by_part_of_its_name_suggest_the_full_name(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(db, 1, union_name="深圳市蛇口联合工会委员会")
    out = tmp_path / "cards.pdf"
    assert cli(data_dir, "print", "cards", str(out), "--union", "蛇口") == 1
    assert not out.exists()
    from desktop.printing.records import load_cards

    with db.connect(write=False) as conn, pytest.raises(UnionDeskError) as err:
        load_cards(conn, union_name="蛇口")
    assert "找不到名为「蛇口」的" in err.value.message
    assert "深圳市蛇口联合工会委员会" in err.value.message  # the one the clerk meant
