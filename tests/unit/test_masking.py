"""Masked outputs cannot be turned back into full ID numbers (issue 17, point 5).

Each test takes what a masked output really shows for a member (the list row, an export
row read back from the .xlsx, the CLI's JSON, a printed form through pdftotext), and
counts by brute force (``id_candidates``) the full numbers that fit it all: the masked
number, the birth date or year or age beside it, the gender. A count of 1 is a leaked
number; the rule is more than a thousand.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from desktop.models.masking import birth_text, mask_id_number, mask_phone
from desktop.services.members import queries as member_queries
from desktop.services.members.queries import MemberFilter
from desktop.storage.database import Database
from tests.conftest import TEST_TODAY
from tests.unit.id_candidates import aged, born_in, born_on, candidates

UNION = "华强电子有限公司工会"
# Beijing (40 listed codes start 110) and Hong Kong (810000, the only code starting 810).
PEOPLE = {
    "张三": ("11010519491231002X", "F"),
    "李四": ("810000199001010019", "M"),
}
ENOUGH = 1000


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return code, out


@pytest.fixture
def registry(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Name → member id of the people above, registered through the CLI."""
    run(capsys, data_dir, "init", "--federation", "测试园区工会联合会", "--card-prefix", "GH")
    run(capsys, data_dir, "unions", "add", UNION, "--industry", "C")
    ids = {}
    for name, (number, _) in PEOPLE.items():
        _, out = run(
            capsys, data_dir, "members", "add", "--name", name, "--id-number", number,
            "--union", UNION, "--phone", "13800138000",
        )  # fmt: skip
        ids[name] = out.strip()
    return ids


def born_in_any(_: date) -> bool:
    return True


def _masked_in(text: str) -> str:
    found = re.findall(r"[0-9X*]{18}", text)
    assert found and len(set(found)) == 1 and "*" in found[0], text
    return found[0]


def test_mask_keeps_the_first_three_and_the_last_two() -> None:
    assert mask_id_number("11010519491231002X") == "110*************2X"
    assert mask_id_number("1234567") == "*******" and mask_id_number(None) == ""
    assert mask_phone("13812345678") == "138****5678"
    assert birth_text(date(1949, 12, 31), unmasked=False) == "1949年"
    assert birth_text(date(1949, 12, 31), unmasked=True) == "1949-12-31"


@pytest.mark.parametrize("name", list(PEOPLE))
def test_a_list_row_fits_many_numbers(db: Database, registry: dict[str, str], name: str) -> None:
    """The member table shows the masked number, the gender and the age."""
    with db.connect(write=False) as conn:
        (row,) = member_queries.find(conn, name)
    age = row.age(TEST_TODAY)
    assert age is not None
    count = candidates(row.id_number_masked, born=aged(age, TEST_TODAY), gender=row.gender)
    assert count > ENOUGH, (row.id_number_masked, count)


def test_a_masked_export_row_fits_many_numbers(
    db: Database, registry: dict[str, str], tmp_path: Path
) -> None:
    from desktop.services.rosters.export import export_members

    out = export_members(db, tmp_path / "roster.xlsx", MemberFilter()).path
    sheet = load_workbook(out).worksheets[0]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "出生日期" not in header  # a masked export carries the year only
    birth_col = header.index("出生年份")
    for row in rows:
        _, gender = PEOPLE[str(row[0])]
        birth = row[birth_col]
        born = born_on(birth.date()) if hasattr(birth, "date") else born_in(int(str(birth)))
        count = candidates(str(row[header.index("身份证号")]), born=born, gender=gender)
        assert count > ENOUGH, (row, count)
    full = export_members(db, tmp_path / "full.xlsx", MemberFilter(), unmasked=True).path
    header = next(load_workbook(full).worksheets[0].iter_rows(values_only=True))
    assert "出生日期" in header  # the clerk asked for the whole roster


def _count_from_json(shown: dict[str, object], gender: str) -> int:
    if shown.get("birth_date"):
        born = born_on(date.fromisoformat(str(shown["birth_date"])))
    else:
        born = born_in(int(str(shown["birth_year"])))
    return candidates(str(shown["id_number"]), born=born, gender=gender)


def test_the_cli_json_fits_many_numbers(
    data_dir: Path, registry: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for name, member_id in registry.items():
        _, gender = PEOPLE[name]
        _, out = run(capsys, data_dir, "members", "find", name, "--json")
        (found,) = json.loads(out)
        assert _count_from_json(found, gender) > ENOUGH, found
        _, out = run(capsys, data_dir, "members", "show", member_id, "--json")
        shown = json.loads(out)
        assert _count_from_json(shown, gender) > ENOUGH, shown
        _, out = run(capsys, data_dir, "members", "show", member_id)
        assert str(shown["birth_year"]) in out and "-12-31" not in out and "-01-01" not in out
    _, out = run(
        capsys,
        data_dir,
        "members",
        "show",
        registry["张三"],
        "--json",
        "--unmasked",
        "--reason",
        "核对",
    )
    assert json.loads(out)["birth_date"] == "1949-12-31"


@pytest.mark.parametrize("kind", ["registration", "hardship", "transfer"])
def test_a_masked_form_fits_many_numbers(
    data_dir: Path,
    registry: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    kind: str,
) -> None:
    pdf = tmp_path / f"{kind}.pdf"
    run(capsys, data_dir, "print", "form", kind, str(pdf), "--member", registry["张三"])
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    masked = _masked_in(text)
    dates = re.findall(r"(\d{4})年(\d{2})月(\d{2})日", text.replace(" ", ""))
    births = [date(*map(int, d)) for d in dates if d[0] == "1949"]
    if births:
        born = born_on(births[0])
    elif "1949年" in text.replace(" ", ""):
        born = born_in(1949)
    else:  # the transfer slip shows no birth at all
        born = born_in_any
    assert candidates(masked, born=born, gender="F") > ENOUGH, text
