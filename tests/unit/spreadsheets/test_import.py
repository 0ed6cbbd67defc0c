"""Roster import from real files: headers, normalisation, validation, duplicates, commit —
into an office's SQLite file and into the PostgreSQL hub."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.services.members import registry as members
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.spreadsheets.headers import MappingNeeded
from desktop.storage.database import Database

from .helpers import make_id, setup_registry, write_csv, write_xlsx

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 21)
HEADER = ["姓名", "身份证号", "所属工会", "手机号", "民族", "入会日期"]


def opts(**kw: object) -> ImportOptions:
    return ImportOptions(today=TODAY, **kw)  # type: ignore[arg-type]


def member_count(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM members WHERE deleted = 0")).scalar_one()
        )


def stored(db: Database, id_number: str) -> dict[str, object]:
    with db.connect(write=False) as conn:
        row = (
            conn.execute(
                text("SELECT * FROM members WHERE id_number = :n AND deleted = 0"), {"n": id_number}
            )
            .mappings()
            .one()
        )
    return dict(row)


def test_aliases_title_rows_and_commit(db: Database, tmp_path: Path) -> None:
    setup_registry(db, "甲公司工会")
    a, b = make_id(seq=123), make_id(birth="19900101", seq=456)
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["甲公司工会会员花名册"],
            ["填报日期：2026年11月1日"],
            [],
            ["序号", "名字", "公民身份号码", "单位工会", "联系电话", "民族", "入会时间", "年龄"],
            [1, "张三", a, "甲公司工会", "13800138000", "壮", "2019.3.5", 41],
            [2, "李四", b, "甲公司工会", "13900139000", "汉族", "2019年3月5日", 36],
        ],
        text_columns=[2, 4],
    )
    preview = importer.prepare(db, path, opts())
    assert preview.header.row == 3
    assert preview.counts["new"] == 2 and preview.counts["refused"] == 0
    assert member_count(db) == 0  # the preview writes nothing
    result = importer.commit(db, preview)
    assert Path(result.backup).exists()
    row = stored(db, a)
    assert row["name"] == "张三" and row["phone"] == "13800138000"
    assert row["ethnicity"] == "08" and str(row["joined_on"]) == "2019-03-05"
    assert row["gender"] == "M" and str(row["birth_date"]) == "1985-03-15"
    assert str(row["card_no"]).startswith("GH")
    assert str(stored(db, b)["joined_on"]) == "2019-03-05"
    with db.connect(write=False) as conn:
        changes = conn.execute(
            text("SELECT count(*) FROM sync_change WHERE tbl = 'members'")
        ).scalar_one()
    assert changes >= 2  # change capture ran for the inserted rows


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2019/03/05", "2019-03-05"),
        ("2019.3.5", "2019-03-05"),
        ("2019年3月5日", "2019-03-05"),
        ("２０１９－０３－０５", "2019-03-05"),
        (43529, "2019-03-05"),  # an Excel serial number in a General cell
        (date(2019, 3, 5), "2019-03-05"),
    ],
)
def test_date_formats(db: Database, tmp_path: Path, cell: object, expected: str) -> None:
    setup_registry(db)
    number = make_id()
    path = write_xlsx(tmp_path / "d.xlsx", [HEADER, ["王五", number, "甲公司工会", "", "", cell]])
    importer.commit(db, importer.prepare(db, path, opts()))
    assert str(stored(db, number)["joined_on"]) == expected


def test_full_width_and_lower_x_are_normalised(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = "11010519491231002X"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number[:-1]) + "x"
    path = write_xlsx(
        tmp_path / "w.xlsx",
        [HEADER, ["\u3000赵六 ", wide, " 甲公司工会\u3000", "１３８００１３８０００", "", ""]],
    )
    importer.commit(db, importer.prepare(db, path, opts()))
    row = stored(db, number)
    assert row["name"] == "赵六" and row["phone"] == "13800138000"
    assert str(row["joined_on"]) == TODAY.isoformat()


@pytest.mark.parametrize(
    "cell",
    [
        440304198503151230,  # an int cell: Excel keeps 15 digits
        4.40304198503151e17,  # a float cell
        "4.40304198503151E+17",  # the text Excel shows, pasted back
        "440304198503151000",  # zeros where the digits were lost; check digit fails
    ],
)
def test_numeric_id_cells_are_refused_never_converted(
    db: Database, tmp_path: Path, cell: object
) -> None:
    setup_registry(db)
    path = write_xlsx(tmp_path / "n.xlsx", [HEADER, ["张三", cell, "甲公司工会", "", "", ""]])
    preview = importer.prepare(db, path, opts())
    assert preview.counts["refused"] == 1
    problem = preview.problems[0]
    assert problem.row == 2 and problem.column == "身份证号"
    assert "文本" in problem.message and "重新输入" in problem.message
    assert problem.text().startswith("第 2 行「身份证号」：")
    with pytest.raises(UnionDeskError):
        importer.commit(db, preview)
    assert member_count(db) == 0


def test_check_digit_message_names_row_and_column(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [["姓名", "证件号码", "工会"]]
        + [["甲", make_id(seq=s), "甲公司工会"] for s in range(1, 11)]
        + [["乙", bad, "甲公司工会"]],
        text_columns=[1],
    )
    preview = importer.prepare(db, path, opts())
    assert [p.text() for p in preview.problems] == [
        f"第 12 行「证件号码」：校验位错误，应为 {good[-1]}"
    ]


def test_gbk_and_utf8_bom_csv(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    a, b = make_id(seq=11), make_id(seq=12)
    gbk = write_csv(
        tmp_path / "g.csv", [["姓名", "身份证号码", "工会"], ["钱七", a, "甲公司工会"]], "gbk"
    )
    bom = write_csv(
        tmp_path / "u.csv", [["姓名", "身份证号", "工会"], ["孙八", b, "甲公司工会"]], "utf-8-sig"
    )
    importer.commit(db, importer.prepare(db, gbk, opts()))
    importer.commit(db, importer.prepare(db, bom, opts()))
    assert stored(db, a)["name"] == "钱七" and stored(db, b)["name"] == "孙八"


def test_union_option_and_unknown_union(db: Database, tmp_path: Path) -> None:
    setup_registry(db, "甲公司工会", "乙公司工会")
    a, b = make_id(seq=21), make_id(seq=22)
    path = write_xlsx(tmp_path / "u.xlsx", [["姓名", "身份证号"], ["甲", a]])
    with pytest.raises(MappingNeeded):
        importer.prepare(db, path, opts())
    importer.commit(db, importer.prepare(db, path, opts(union="乙公司工会")))
    assert stored(db, a)["union_id"] is not None
    path2 = write_xlsx(tmp_path / "u2.xlsx", [["姓名", "身份证号", "工会"], ["乙", b, "丙工会"]])
    preview = importer.prepare(db, path2, opts())
    assert "丙工会" in preview.problems[0].message
    assert len(preview.problems) == 1  # not also 「请选择所属工会」 for the same cell


def test_mapping_asked_and_given(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = make_id()
    path = write_xlsx(tmp_path / "m.xlsx", [["姓名", "号码", "工会"], ["甲", number, "甲公司工会"]])
    with pytest.raises(MappingNeeded) as caught:
        importer.prepare(db, path, opts())
    assert caught.value.missing == ("id_number",) and "号码" in caught.value.header.unknown
    preview = importer.prepare(db, path, opts(mapping={"号码": "身份证号"}))
    assert preview.counts["new"] == 1


def test_all_or_nothing_when_one_row_is_refused(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    rows = [HEADER] + [[f"人{i}", make_id(seq=i), "甲公司工会", "", "", ""] for i in range(1, 6)]
    rows.append(["坏", make_id(seq=9), "甲公司工会", "12345", "火星族", ""])
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    preview = importer.prepare(db, path, opts())
    assert preview.counts == {
        "total": 6,
        "new": 5,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "refused": 1,
    }
    columns = sorted(p.column for p in preview.problems)
    assert columns == ["手机号", "民族"]
    with pytest.raises(UnionDeskError, match="未导入任何数据"):
        importer.commit(db, preview)
    assert member_count(db) == 0


def test_duplicates_inside_the_file(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = make_id()
    rows = [
        HEADER,
        ["甲", number, "甲公司工会", "", "", ""],
        ["甲", number, "甲公司工会", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    refused = importer.prepare(db, path, opts())
    assert refused.counts["refused"] == 1 and "第 2 行" in refused.problems[0].message
    skipped = importer.prepare(db, path, opts(on_duplicate="skip"))
    assert skipped.counts["new"] == 1 and skipped.counts["skipped"] == 1


def _seed(db: Database, tmp_path: Path) -> str:
    number = make_id()
    path = write_xlsx(
        tmp_path / "seed.xlsx", [HEADER, ["甲", number, "甲公司工会", "13800138000", "汉族", ""]]
    )
    importer.commit(db, importer.prepare(db, path, opts()))
    return number


def test_duplicates_against_database_each_choice(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = _seed(db, tmp_path)
    other = make_id(seq=77)
    rows = [
        HEADER,
        ["甲", number, "甲公司工会", "13900139000", "", ""],
        ["新人", other, "甲公司工会", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "dup.xlsx", rows)

    refused = importer.prepare(db, path, opts())
    assert refused.counts["refused"] == 1
    assert "已登记为会员「甲」" in refused.problems[0].message

    skipped = importer.prepare(db, path, opts(on_duplicate="skip"))
    assert skipped.counts == {
        "total": 2,
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "refused": 0,
    }

    updated = importer.prepare(db, path, opts(on_duplicate="update"))
    assert updated.counts["updated"] == 1 and updated.counts["new"] == 1
    assert updated.rows[0].values == {"phone": "13900139000"}
    importer.commit(db, updated)
    row = stored(db, number)
    assert row["phone"] == "13900139000" and row["ethnicity"] == "01"  # blank cell kept value
    with db.connect(write=False) as conn:
        found = members.get_in(conn, str(row["id"]))
    assert found.phone == "13900139000"

    again = importer.prepare(db, path, opts(on_duplicate="update"))
    assert again.counts["unchanged"] == 2 and not again.can_commit


def test_update_cannot_move_a_member_to_another_union(db: Database, tmp_path: Path) -> None:
    setup_registry(db, "甲公司工会", "乙公司工会")
    number = _seed(db, tmp_path)
    path = write_xlsx(tmp_path / "mv.xlsx", [HEADER, ["甲", number, "乙公司工会", "", "", ""]])
    preview = importer.prepare(db, path, opts(on_duplicate="update"))
    assert preview.counts["refused"] == 1 and "会籍转接" in preview.problems[0].message


def test_a_roster_never_sets_a_leaving_status_nor_brings_back_one_who_left(
    db: Database, tmp_path: Path
) -> None:
    """A leave comes with its date and reason (会员离会), a transfer out with its slip: a
    roster row saying 已退会 or 已转出 for a new member is refused, as the member form
    refuses it; and a roster saying 在会 for a member transferred away would count them
    twice (QA: 已转出 → 在会 by --on-duplicate update, without a word)."""
    setup_registry(db)
    header = ["姓名", "身份证号", "所属工会", "会籍状态", "入会日期"]
    new = write_xlsx(
        tmp_path / "new.xlsx",
        [header, ["乙", make_id(seq=31), "甲公司工会", "已退会", "2020-01-01"],
         ["丙", make_id(seq=32), "甲公司工会", "已转出", "2020-01-01"]],
    )  # fmt: skip
    preview = importer.prepare(db, new, opts())
    assert preview.counts["refused"] == 2 and member_count(db) == 0
    assert "members leave" in preview.problems[0].message
    assert "transfers out" in preview.problems[1].message

    number = _seed(db, tmp_path)
    with db.connect() as conn:  # transferred away (by the transfer service, with its slip)
        conn.execute(
            text("UPDATE members SET membership_status = 'transferred_out' WHERE id_number = :n"),
            {"n": number},
        )
    back = write_xlsx(
        tmp_path / "back.xlsx", [header, ["甲", number, "甲公司工会", "在会", "2020-01-01"]]
    )
    refused = importer.prepare(db, back, opts(on_duplicate="update"))
    assert refused.counts["refused"] == 1
    assert "名册不能改回「在会」" in refused.problems[0].message
    assert stored(db, number)["membership_status"] == "transferred_out"
    same = write_xlsx(
        tmp_path / "same.xlsx", [header, ["甲", number, "甲公司工会", "已转出", "2020-01-01"]]
    )
    kept = importer.prepare(db, same, opts(on_duplicate="update"))
    assert kept.counts["refused"] == 0  # the status it has is no change


def test_card_number_duplicates(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    number = _seed(db, tmp_path)
    card = stored(db, number)["card_no"]
    rows = [["姓名", "身份证号", "工会", "会员证号"], ["乙", make_id(seq=5), "甲公司工会", card]]
    preview = importer.prepare(db, write_xlsx(tmp_path / "card.xlsx", rows), opts())
    assert (
        preview.problems[0].column == "会员证号" and "已被「甲」使用" in preview.problems[0].message
    )


def test_formula_cells_in_imported_columns_are_refused(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    rows = [
        ["姓名", "身份证号", "工会", "年龄"],
        ["甲", '=TEXT(440304198503151234,"0")', "甲公司工会", '=DATEDIF(1,2,"y")'],
    ]
    preview = importer.prepare(db, write_xlsx(tmp_path / "fx.xlsx", rows), opts())
    assert [p.column for p in preview.problems] == ["身份证号"]
    assert "公式" in preview.problems[0].message


def test_csv_scientific_id_refused(db: Database, tmp_path: Path) -> None:
    setup_registry(db)
    path = write_csv(
        tmp_path / "s.csv",
        [["姓名", "身份证号", "工会"], ["甲", "4.40304E+17", "甲公司工会"]],
        "gbk",
    )
    preview = importer.prepare(db, path, opts())
    assert "4.40304E+17" in preview.problems[0].message
