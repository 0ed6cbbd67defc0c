"""Honours and the editable title list on a real SQLite file; the member list filter."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.services.honours import records, titles
from desktop.services.members import queries
from desktop.services.members.queries import MemberFilter
from desktop.storage.database import Database


def _count(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM honours")).scalar_one())


def test_seeded_titles_and_adding_one(db: Database) -> None:
    names = [t.name for t in titles.list_titles(db)]
    assert names[:5] == ["南粤工匠", "南粤最美职工", "劳动模范", "五一劳动奖章", "工人先锋号"]
    assert next(t for t in titles.list_titles(db) if t.name == "工人先锋号").team
    added = titles.add_title(db, "巾帼建功标兵")
    assert added.name in [t.name for t in titles.list_titles(db)]
    with pytest.raises(ValidationError, match="已存在"):
        titles.add_title(db, "劳动模范")
    titles.set_active(db, added.code, False)
    assert added.name not in [t.name for t in titles.list_titles(db)]


def test_member_and_team_honours(db: Database, people: dict[str, str]) -> None:
    h = records.add_honour(
        db,
        {
            "member_id": people["李娟"],
            "title": "南粤工匠",
            "level": "省",
            "year": "2025年",
            "awarding_body": "广东省总工会",
        },
    )
    assert (h.holder, h.title, h.level_label, h.year) == ("李娟", "南粤工匠", "省级", 2025)
    team = records.add_honour(
        db, {"team_name": "焊装车间三班", "title": "pioneer_team", "level": "city", "year": 2026}
    )
    assert team.holder == "焊装车间三班" and team.member_id is None
    assert [r.id for r in records.list_honours(db)] == [team.id, h.id]
    assert [r.id for r in records.list_honours(db, title="南粤工匠")] == [h.id]
    assert [r.id for r in records.honours_of_member(db, people["李娟"])] == [h.id]


def test_the_member_list_filters_by_honour(db: Database, people: dict[str, str]) -> None:
    records.add_honour(
        db, {"member_id": people["王强"], "title": "劳动模范", "level": "国家", "year": 2020}
    )
    flt = MemberFilter(honour_title="model_worker")
    assert [r.name for r in queries.read_page(db, flt)] == ["王强"]
    assert queries.count_matching(db, flt) == 1
    assert queries.count_matching(db, MemberFilter(honour_title="nanyue_craftsman")) == 0
    assert queries.count_matching(db, MemberFilter()) == 2


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        ({"title": "诺贝尔奖"}, "未知的荣誉称号「诺贝尔奖」", "title"),
        ({"level": "乡"}, "荣誉级别「乡」不在代码表中", "level"),
        ({"level": None}, "荣誉级别不能为空", "level"),
        ({"year": 2027}, "获得年份 2027 晚于今年（2026）", "year"),
        ({"year": "去年"}, "获得年份应为四位数字年份", "year"),
        ({"year": 1900}, "不能早于 1949 年", "year"),
        ({"member_id": None}, "是个人荣誉，请选择获奖会员", "member_id"),
        ({"member_id": None, "title": "工人先锋号"}, "是集体荣誉，请填写", "team_name"),
        ({"member_id": "nobody"}, "获奖会员不存在", "member_id"),
        # a team title is the team's: never filed under one member (who would then show
        # as 工人先锋号 in the member list's honour filter)
        ({"title": "工人先锋号"}, "是集体荣誉，请填写获奖的班组", "team_name"),
    ],
)
def test_bad_honours_are_refused_and_nothing_written(
    db: Database, people: dict[str, str], values: dict[str, object], message: str, field: str
) -> None:
    base: dict[str, object] = {
        "member_id": people["李娟"],
        "title": "劳动模范",
        "level": "市级",
        "year": 2024,
    }
    base.update(values)
    with pytest.raises(ValidationError, match=message) as info:
        records.add_honour(db, base)
    assert info.value.field == field
    assert "李娟" not in info.value.message
    assert _count(db) == 0


def test_the_same_honour_is_recorded_once(db: Database, people: dict[str, str]) -> None:
    """Typed twice (QA report B7): the second is refused; another year, level or holder is
    another honour."""
    model = {"member_id": people["王强"], "title": "劳动模范", "level": "省级", "year": 2025}
    records.add_honour(db, model)
    with pytest.raises(ValidationError) as caught:
        records.add_honour(db, {**model, "title": "model_worker", "level": "省", "year": "2025年"})
    assert caught.value.message == "该会员 2025 年的省级「劳动模范」已登记，不能重复登记"
    assert "王强" not in caught.value.message
    records.add_honour(db, {**model, "year": 2024})
    records.add_honour(db, {**model, "level": "国家"})
    records.add_honour(db, {**model, "member_id": people["李娟"]})
    team = {"team_name": "焊装车间三班", "title": "工人先锋号", "level": "市", "year": 2026}
    records.add_honour(db, team)
    with pytest.raises(ValidationError, match="「焊装车间三班」2026 年的市级「工人先锋号」已登记"):
        records.add_honour(db, {**team, "team_name": " 焊装车间三班 "})
    assert _count(db) == 5


def test_a_team_name_is_never_dropped(db: Database, people: dict[str, str]) -> None:
    """A team beside a member, or for a personal title, is refused, not silently lost."""
    with pytest.raises(ValidationError) as caught:
        records.add_honour(
            db,
            {"member_id": people["王强"], "team_name": "焊装车间三班", "title": "劳动模范",
             "level": "省", "year": 2025},
        )  # fmt: skip
    assert caught.value.problems == {
        "team_name": "「劳动模范」是个人荣誉，不填写获奖集体：请清空集体名称"
    }
    with pytest.raises(ValidationError, match="只能二选一"):
        records.add_honour(
            db,
            {"member_id": people["王强"], "team_name": "焊装车间三班", "title": "工人先锋号",
             "level": "市", "year": 2025},
        )  # fmt: skip
    assert _count(db) == 0


def test_the_cli_refuses_member_and_team_together_as_usage(
    db: Database, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli import main

    with pytest.raises(SystemExit) as usage:
        main(
            ["--data-dir", str(db.paths.data_dir), "honours", "add", "--member", people["王强"],
             "--team", "焊装车间三班", "--title", "劳动模范", "--level", "省", "--year", "2025"]
        )  # fmt: skip
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "用法错误" in err and "--team" in err and "--member" in err
    assert _count(db) == 0


def test_an_honour_before_the_member_was_sixteen_is_refused(
    db: Database, people: dict[str, str]
) -> None:
    """劳动模范 in 1990 for a worker born in 2000 is a typing slip, not an honour."""
    with db.connect(write=False) as conn:
        born = conn.execute(
            text("SELECT birth_date FROM members WHERE id = :m"), {"m": people["李娟"]}
        ).scalar_one()
    first = int(str(born)[:4]) + 16
    base = {"member_id": people["李娟"], "title": "劳动模范", "level": "市级"}
    with pytest.raises(ValidationError, match=f"早于该会员年满 16 周岁的年份（{first}）") as info:
        records.add_honour(db, {**base, "year": first - 1})
    assert info.value.field == "year" and "李娟" not in info.value.message
    assert _count(db) == 0
    records.add_honour(db, {**base, "year": first})
