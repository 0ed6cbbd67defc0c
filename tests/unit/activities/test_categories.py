"""The editable N list of service categories: resolve by code or name, rename, retire."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop.errors import NotFoundError, ValidationError
from desktop.services import activities
from desktop.services.activities import categories
from desktop.storage.database import Database


def _rows(db: Database) -> list[tuple[str, str, int]]:
    with db.connect(write=False) as conn:
        return [
            (str(r[0]), str(r[1]), int(r[2]))
            for r in conn.execute(
                text("SELECT code, name, active FROM service_categories ORDER BY code")
            )
        ]


def _changes(db: Database) -> int:
    """Rows of captured change history, to prove a refusal wrote nothing at all."""
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT counter FROM sync_clock WHERE id = 1")).scalar_one())


def test_find_by_code_or_name_including_retired(db: Database) -> None:
    assert categories.find_category(db, "family_care").name == "亲情关爱"
    assert categories.find_category(db, " 亲情关爱 ").code == "family_care"
    categories.set_active(db, "亲情关爱", False)
    retired = categories.find_category(db, "亲情关爱")
    assert retired.code == "family_care" and not retired.active
    with pytest.raises(NotFoundError, match="未找到服务类别「不存在的类别」"):
        categories.find_category(db, "不存在的类别")
    with pytest.raises(ValidationError, match="请指定服务类别"):
        categories.find_category(db, "  ")


def test_rename_to_a_name_another_category_has_is_refused(db: Database) -> None:
    new = categories.add_category(db, "技能竞赛")
    before, counter = _rows(db), _changes(db)
    with pytest.raises(ValidationError, match="「亲情关爱」已存在") as info:
        categories.rename_category(db, new.code, " 亲情关爱 ")
    assert info.value.field == "name"
    # A fixed category's name and a retired category's name are taken as well.
    with pytest.raises(ValidationError, match="「法律援助」已存在"):
        categories.rename_category(db, "技能竞赛", "法律援助")
    assert _rows(db) == before and _changes(db) == counter
    categories.set_active(db, "festival", False)
    before, counter = _rows(db), _changes(db)
    with pytest.raises(ValidationError, match="「节日喜庆」已存在（已停用）"):
        categories.rename_category(db, new.code, "节日喜庆")
    assert _rows(db) == before and _changes(db) == counter


def test_rename_by_name_and_to_its_own_name(db: Database) -> None:
    renamed = categories.rename_category(db, "心理咨询", "心理健康咨询")
    assert renamed.code == "counselling" and renamed.name == "心理健康咨询"
    assert categories.find_category(db, "counselling").name == "心理健康咨询"
    counter = _changes(db)
    same = categories.rename_category(db, "counselling", "心理健康咨询")
    assert same.name == "心理健康咨询" and _changes(db) == counter  # nothing to write
    categories.rename_category(db, "counselling", "心理咨询")
    assert _changes(db) > counter  # so the counter does see a real rename


def test_fixed_categories_refuse_every_edit(db: Database) -> None:
    before = _rows(db)
    for call in (
        lambda: categories.rename_category(db, "legal_aid", "法律服务"),
        lambda: categories.rename_category(db, "困难帮扶", "帮扶"),
        lambda: categories.set_active(db, "文体健康", False),
        lambda: categories.set_active(db, "hardship_help", True),
    ):
        with pytest.raises(ValidationError, match="固定的 3 类服务"):
            call()
    assert _rows(db) == before


def test_add_refuses_a_retired_name_and_says_how_to_bring_it_back(db: Database) -> None:
    categories.set_active(db, "child_care", False)
    with pytest.raises(ValidationError, match="已停用，可重新启用"):
        categories.add_category(db, "子女关爱")
    back = categories.set_active(db, "子女关爱", True)
    assert back.active and "子女关爱" in [c.name for c in categories.list_categories(db)]


def test_retired_category_keeps_its_label_on_old_activities(db: Database) -> None:
    act = activities.add(
        db,
        {
            "title": "中秋游园",
            "category": "节日喜庆",
            "starts_at": "2026-09-25 09:00",
            "ends_at": "2026-09-25 11:00",
        },
    )
    categories.set_active(db, "festival", False)
    assert activities.get(db, act.id).category_name == "节日喜庆"
    with pytest.raises(ValidationError, match="已停用"):
        activities.add(
            db,
            {
                "title": "元宵灯会",
                "category": "节日喜庆",
                "starts_at": "2027-02-20 18:00",
                "ends_at": "2027-02-20 20:00",
            },
        )
