"""ID numbers checked against public tables (issue 17, point 9): 15-digit numbers, typing
noise, province codes, and what the area-code warning means."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import stdnum
from sqlalchemy import text
from stdnum.cn import ric

from desktop.cli import main
from desktop.errors import ValidationError
from desktop.models import id_numbers
from desktop.models.validation import check_id_number
from desktop.storage.database import Database

TODAY = date(2026, 11, 21)
UNION = "华强电子有限公司工会"
GOOD = "11010519491231002X"
OLD_15 = "110105491231002"  # the same person's first-generation number


def with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_a_15_digit_number_becomes_its_18_digit_form() -> None:
    info = check_id_number(OLD_15, today=TODAY)
    assert info.id_number == GOOD and info.birth_date == date(1949, 12, 31)
    assert info.warning is not None and "已将 15 位身份证号转换为 18 位" in info.warning
    assert "「X」" in info.warning
    assert OLD_15 not in info.warning and GOOD not in info.warning  # warnings reach terminals
    assert id_numbers.upgrade_15("44030490010154") is None  # 14 digits
    with pytest.raises(ValidationError, match="15 位旧身份证号应全部为数字"):
        check_id_number("11010549123100X", today=TODAY)


@pytest.mark.parametrize(
    "typed",
    [
        "110105-19491231-002X",
        "'11010519491231002X",
        " 110105 19491231 002x ",
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105－19491231－002X",  # full-width hyphens
    ],
)
def test_typing_noise_is_cleaned(typed: str) -> None:
    assert check_id_number(typed, today=TODAY).id_number == GOOD


@pytest.mark.parametrize("province", ["99", "00", "10", "16", "24", "47", "72", "80", "84"])
def test_a_province_that_does_not_exist_is_refused(province: str) -> None:
    number = with_check(province + "0101" + "19900101" + "001")
    with pytest.raises(ValidationError, match=f"前两位「{province}」不是省级行政区划代码"):
        check_id_number(number, today=TODAY)


@pytest.mark.parametrize("province", sorted(id_numbers.PROVINCES))
def test_every_real_province_is_accepted(province: str) -> None:
    code = {"71": "710000", "81": "810000", "82": "820000", "83": "830000"}.get(
        province, province + "0000"
    )
    check_id_number(with_check(code + "20000101" + "001"), today=TODAY)


def _codes_in_force_today() -> list[str]:
    """Every county code stdnum's table (its loc.dat, read here on its own) lists with a
    period still open: ``county="朝阳区"`` or ``county="[-1991]西郊区,[1997-]西青区"``."""
    found = []
    province = ""
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        code, _, county = line.strip().partition(" county=")
        periods = county.strip('"').split(",")
        if any(not p.startswith("[") or p.split("]")[0].endswith("-") for p in periods):
            found.append(province + code)
    return found


def test_no_warning_for_a_code_in_force_today_whatever_the_birth_year() -> None:
    codes = _codes_in_force_today()
    assert len(codes) > 3000 and "110112" in codes  # 通州区, [1997-]
    for code in codes:
        for born in ("19400101", "19800101", "20200101"):
            info = check_id_number(with_check(code + born + "001"), today=TODAY)
            assert info.warning is None, (code, born, info.warning)


def test_the_area_warning_says_what_it_means() -> None:
    # 110110 燕山区 was in force until 1986: nobody born in 1990 can have been given it.
    abolished = check_id_number(with_check("110110" + "19900101" + "001"), today=TODAY)
    assert abolished.warning is not None
    assert "已于 1986 年停用" in abolished.warning and "出生年份 1990 年" in abolished.warning
    # Born before it was abolished: the number may well have been given then.
    assert check_id_number(with_check("110110" + "19800101" + "001"), today=TODAY).warning is None
    unknown = check_id_number(with_check("119999" + "19900101" + "001"), today=TODAY)
    assert unknown.warning is not None and "查不到" in unknown.warning
    assert "不在现行代码表中" not in (abolished.warning + unknown.warning)


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ready(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, data_dir, "init", "--federation", "测试园区工会联合会")[0] == 0
    assert run(capsys, data_dir, "unions", "add", UNION, "--industry", "C")[0] == 0
    return data_dir


def _add(capsys: pytest.CaptureFixture[str], data_dir: Path, number: str) -> tuple[int, str, str]:
    return run(
        capsys, data_dir, "members", "add", "--name", "张三", "--id-number", number,
        "--union", UNION,
    )  # fmt: skip


def test_the_cli_converts_cleans_and_refuses(
    ready: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _add(capsys, ready, OLD_15)
    assert code == 0 and "已将 15 位身份证号转换为 18 位" in err
    assert OLD_15 not in err and GOOD not in err
    with db.connect(write=False) as conn:
        stored = conn.execute(text("SELECT id_number FROM members")).scalars().all()
    assert stored == [GOOD]
    other = with_check("440304" + "19900101" + "123")
    code, _, err = _add(capsys, ready, f"'{other[:6]}-{other[6:14]}-{other[14:]}")
    assert code == 0, err
    code, _, err = _add(capsys, ready, with_check("99" + "0101" + "19900101" + "001"))
    assert code == 1 and "不是省级行政区划代码" in err
    with db.connect(write=False) as conn:
        stored = conn.execute(text("SELECT id_number FROM members ORDER BY rowid")).scalars().all()
    assert stored == [GOOD, other]


def test_a_roster_reads_15_digit_numbers_as_their_18_digit_form(
    db: Database, tmp_path: Path
) -> None:
    """Converted before any lookup: the same person twice (old and new number) is one
    person, and the row says what was done; an abolished code warns per birth year."""
    from desktop.services.rosters import importer
    from desktop.services.rosters.checking import ImportOptions
    from tests.unit.spreadsheets.helpers import make_id, setup_registry, write_xlsx

    setup_registry(db)
    late = make_id(area="110110", birth="19900101", seq=3)  # 燕山区 ended in 1986
    early = make_id(area="110110", birth="19800101", seq=5)
    rows = [
        ["姓名", "身份证号", "工会"],
        ["张三", OLD_15, "甲公司工会"],
        ["张三", GOOD, "甲公司工会"],
        ["李四", early, "甲公司工会"],
        ["王五", late, "甲公司工会"],
    ]
    path = write_xlsx(tmp_path / "old.xlsx", rows, text_columns=[1])
    preview = importer.prepare(db, path, ImportOptions(today=TODAY))
    first, second, third, fourth = preview.rows
    assert first.action == "new" and first.values["id_number"] == GOOD
    assert any("已将 15 位身份证号转换为 18 位" in w for w in first.warnings)
    assert second.action == "refuse" and "与第 2 行的身份证号相同" in second.problems[0].message
    assert third.warnings == []
    assert len(fourth.warnings) == 1 and "已于 1986 年停用" in fourth.warnings[0]
