"""The one date rule (``desktop.models.dates``) and the join-date rule, through the member
service and ``uniondesk members add/update --joined-on`` as a clerk types them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from desktop.cli import main
from desktop.errors import ValidationError
from desktop.models import dates
from desktop.models.dates import DateError, DateReading, read_date
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines


TODAY = date(2026, 11, 21)


def _id(birth: str, seq: int = 123) -> str:
    body = f"440304{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("value", "expected", "note"),
    [
        ("2019-03-05", date(2019, 3, 5), None),
        ("2019.3.5", date(2019, 3, 5), None),
        ("２０１９年３月５日", date(2019, 3, 5), None),
        ("20190305", date(2019, 3, 5), None),
        (20190305, date(2019, 3, 5), None),
        (43529, date(2019, 3, 5), None),  # an Excel serial
        (43529.0, date(2019, 3, 5), None),
        ("43529", date(2019, 3, 5), None),
        ("2017.12", date(2017, 12, 1), "只写到月份（2017.12），已按 2017-12-01 记录，请核对"),
        (2017.12, date(2017, 12, 1), "只写到月份（2017.12），已按 2017-12-01 记录，请核对"),
        (2019.3, date(2019, 3, 1), "只写到月份（2019.3），已按 2019-03-01 记录，请核对"),
        ("2019-3", date(2019, 3, 1), "只写到月份（2019-3），已按 2019-03-01 记录，请核对"),
        ("2019/03", date(2019, 3, 1), "只写到月份（2019/03），已按 2019-03-01 记录，请核对"),
        ("2019年3月", date(2019, 3, 1), "只写到月份（2019年3月），已按 2019-03-01 记录，请核对"),
        ("201903", date(2019, 3, 1), "只写到月份（201903），已按 2019-03-01 记录，请核对"),
        (201903, date(2019, 3, 1), "只写到月份（201903），已按 2019-03-01 记录，请核对"),
        (2019, date(2019, 1, 1), "只写了年份（2019），已按 2019-01-01 记录，请核对"),
        (2019.0, date(2019, 1, 1), "只写了年份（2019），已按 2019-01-01 记录，请核对"),
        ("2019年", date(2019, 1, 1), "只写了年份（2019年），已按 2019-01-01 记录，请核对"),
    ],
)
def test_read_date(value: object, expected: date, note: str | None) -> None:
    assert read_date(value, today=TODAY) == DateReading(expected, note)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1500, "不是可识别的日期"),  # the old reader: 1904-02-08
        (7305, "不是可识别的日期"),  # 1919-12-31, before any living member joined
        (47000, "不是可识别的日期"),  # 2028-09-04: more than a year after today
        (-3, "不是可识别的日期"),
        (10**9, "不是可识别的日期"),
        (2019.1, "2019年1月，也可能是 2019年10月"),
        (2019.35, "不存在"),  # month 35
        (43529.5, "不是可识别的日期"),  # not a whole number: not a serial
        ("2019.13", "不存在"),
        ("2019-02-30", "不存在"),
        ("1850-01-01", "年份不合理"),
        ("去年", "不是可识别的日期"),
        (True, "应为日期"),
    ],
)
def test_read_date_refuses(value: object, message: str) -> None:
    with pytest.raises(DateError, match=message):
        read_date(value, today=TODAY)


def test_serial_window_follows_the_callers_today() -> None:
    assert read_date(47000, today=date(2028, 1, 1)).value == date(2028, 9, 4)


def test_sixteenth_birthday_of_a_leap_day() -> None:
    assert dates.sixteenth_birthday(date(2008, 2, 29)) == date(2024, 2, 29)
    assert dates.sixteenth_birthday(date(2084, 2, 29)) == date(2100, 3, 1)  # 2100: no leap
    assert dates.sixteenth_birthday(date(1985, 3, 15)) == date(2001, 3, 15)


# ---- the member service (the dialog calls the same functions) ---------------------------


@pytest.fixture
def union_id(db: Database) -> str:
    federations.create(db, "测试联合会", card_prefix="GH")
    return unions.add(db, "甲公司工会").id


def _joined(db: Database, member_id: str) -> str:
    with db.connect(write=False) as conn:
        return str(
            conn.execute(
                text("SELECT joined_on FROM members WHERE id = :i"), {"i": member_id}
            ).scalar_one()
        )


def test_service_completes_a_partial_join_date_with_a_warning(db: Database, union_id: str) -> None:
    record, warnings = members.add(
        db,
        {"name": "张三", "id_number": _id("19850315"), "union_id": union_id, "joined_on": "2019.3"},
    )
    assert record.joined_on == date(2019, 3, 1)
    assert warnings == ("入会日期只写到月份（2019.3），已按 2019-03-01 记录，请核对",)


def test_service_refuses_join_before_16th_birthday_and_in_the_future(
    db: Database, union_id: str
) -> None:
    values = {"name": "张三", "id_number": _id("19850315"), "union_id": union_id}
    with pytest.raises(ValidationError) as exc:
        members.add(db, {**values, "joined_on": "2001-03-14"})
    assert "年满 16 周岁" in exc.value.problems["joined_on"]
    with pytest.raises(ValidationError) as exc:
        members.add(db, {**values, "joined_on": "2026-11-22"})
    assert exc.value.problems["joined_on"] == "入会日期 2026-11-22 晚于今天，请核对"
    record, _ = members.add(db, {**values, "joined_on": "2001-03-15"})
    # An edit of the join date alone is checked against the stored birth date.
    with pytest.raises(ValidationError) as exc:
        members.update(db, record.id, {"joined_on": "1999"})
    assert "年满 16 周岁" in exc.value.problems["joined_on"]
    assert _joined(db, record.id) == "2001-03-15"


# ---- the CLI ------------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_ready(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert (
        _run(capsys, data_dir, "init", "--federation", "测试联合会", "--card-prefix", "GH")[0] == 0
    )
    assert _run(capsys, data_dir, "unions", "add", "甲公司工会", "--industry", "C")[0] == 0
    return data_dir


def test_cli_joined_on_by_the_same_rule(
    db: Database, cli_ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (
        "members",
        "add",
        "--name",
        "张三",
        "--id-number",
        _id("19850315"),
        "--union",
        "甲公司工会",
    )
    code, out, err = _run(capsys, cli_ready, *base, "--joined-on", "2019年3月")
    assert code == 0, err
    member_id = out.strip()
    assert "注意：入会日期只写到月份（2019年3月），已按 2019-03-01 记录，请核对" in err
    assert _joined(db, member_id) == "2019-03-01"
    code, _, err = _run(
        capsys, cli_ready, "members", "update", member_id, "--joined-on", "2000-01-01"
    )
    assert code == 1 and "年满 16 周岁" in err
    code, _, err = _run(
        capsys, cli_ready, "members", "update", member_id, "--joined-on", "2027-01-01"
    )
    assert code == 1 and "晚于今天" in err
    # Typed text keeps its digits: 2019.1 is January (only a number cell may have lost a 0).
    code, _, err = _run(capsys, cli_ready, "members", "update", member_id, "--joined-on", "2019.1")
    assert code == 0 and "已按 2019-01-01 记录" in err
    assert _joined(db, member_id) == "2019-01-01"
    code, _, err = _run(capsys, cli_ready, "members", "update", member_id, "--joined-on", "去年")
    assert code == 1 and "入会日期：「去年」不是可识别的日期" in err and "Traceback" not in err
