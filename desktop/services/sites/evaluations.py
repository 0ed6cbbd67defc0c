"""星级评定 / 示范点考核: editable checklist templates, scoring a site, history per site.

Points: base items up to their maximum plus bonus items (加分项) on top. The star level
is the highest level of the template whose rules the site meets: enough points, and if
the level says so a minimum area, a minimum number of seats and facilities in use
(e.g. an AED for 四星). Scoring also writes the site's current ``star_level``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.base import new_id
from desktop.models.codes import FACILITY, SITE_KIND
from desktop.models.evaluation import (
    Evaluation,
    EvaluationItem,
    EvaluationLevel,
    EvaluationScore,
    EvaluationTemplate,
)
from desktop.services.activities.inputs import opt_text, require_past_date
from desktop.services.sites import facilities, records
from desktop.storage.database import Database

USABLE_CONDITIONS = ("good", "fair")


@dataclass(frozen=True)
class ItemSpec:
    title: str
    max_points: float
    is_bonus: bool = False
    id: str | None = None


@dataclass(frozen=True)
class LevelSpec:
    star_level: int
    min_points: float
    min_area_m2: float | None = None
    min_seats: int | None = None
    required_facilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateRecord:
    id: str
    name: str
    site_kind: str | None
    active: bool
    items: tuple[ItemSpec, ...]
    levels: tuple[LevelSpec, ...]

    @property
    def base_max(self) -> float:
        return sum(i.max_points for i in self.items if not i.is_bonus)


@dataclass(frozen=True)
class EvaluationRecord:
    id: str
    site_id: str
    template_id: str
    template_name: str
    evaluated_on: date
    assessor: str | None
    total_points: float
    star_level: int | None
    notes: str | None
    # Why the next level up was not reached (empty at the top or when not computed).
    shortfalls: tuple[str, ...] = field(default=())


def _check_template(
    name: str, site_kind: str | None, items: Sequence[ItemSpec], levels: Sequence[LevelSpec]
) -> str:
    clean = opt_text(name, "name", "模板名称", 100)
    if clean is None:
        raise ValidationError("模板名称不能为空", field="name")
    if site_kind is not None and site_kind not in SITE_KIND:
        raise ValidationError(f"未知的阵地类别「{site_kind}」", field="site_kind")
    if not items:
        raise ValidationError("评分模板至少要有一个评分项", field="items")
    for n, item in enumerate(items, start=1):
        if not (item.title or "").strip():
            raise ValidationError(f"第 {n} 个评分项：内容不能为空", field="items")
        if item.max_points <= 0:
            raise ValidationError(f"第 {n} 个评分项「{item.title}」：满分应大于 0", field="items")
    seen: set[int] = set()
    for level in levels:
        if not 1 <= level.star_level <= 5:
            raise ValidationError("星级应为 1–5 星", field="levels")
        if level.star_level in seen:
            raise ValidationError(f"{level.star_level} 星的条件重复", field="levels")
        seen.add(level.star_level)
        for code in level.required_facilities:
            if code not in FACILITY:
                raise ValidationError(
                    f"{level.star_level} 星条件中的设施「{code}」不在设施代码表中", field="levels"
                )
    ordered = sorted(levels, key=lambda lv: lv.star_level)
    for lower, higher in zip(ordered, ordered[1:], strict=False):
        if higher.min_points < lower.min_points:
            raise ValidationError(
                f"{higher.star_level} 星的最低得分 {higher.min_points:g} 不能低于 "
                f"{lower.star_level} 星的 {lower.min_points:g}",
                field="levels",
            )
    return clean


def _item_rows(template_id: str, items: Sequence[ItemSpec]) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id or new_id(),
            "template_id": template_id,
            "position": n,
            "title": i.title.strip(),
            "max_points": float(i.max_points),
            "is_bonus": i.is_bonus,
            "deleted": False,
        }
        for n, i in enumerate(items, start=1)
    ]


def _level_rows(template_id: str, levels: Sequence[LevelSpec]) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id(),
            "template_id": template_id,
            "star_level": lv.star_level,
            "min_points": float(lv.min_points),
            "min_area_m2": lv.min_area_m2,
            "min_seats": lv.min_seats,
            "required_facilities": " ".join(lv.required_facilities) or None,
            "deleted": False,
        }
        for lv in levels
    ]


def create_template(
    db: Database,
    name: str,
    items: Sequence[ItemSpec],
    levels: Sequence[LevelSpec],
    site_kind: str | None = None,
) -> TemplateRecord:
    clean = _check_template(name, site_kind, items, levels)
    template_id = new_id()
    with db.connect() as conn:
        conn.execute(
            insert(EvaluationTemplate),
            [
                {
                    "id": template_id,
                    "name": clean,
                    "site_kind": site_kind,
                    "active": True,
                    "deleted": False,
                }
            ],
        )
        conn.execute(insert(EvaluationItem), _item_rows(template_id, items))
        if levels:
            conn.execute(insert(EvaluationLevel), _level_rows(template_id, levels))
        return template_in(conn, template_id)


def update_template(
    db: Database,
    template_id: str,
    name: str,
    items: Sequence[ItemSpec],
    levels: Sequence[LevelSpec],
    site_kind: str | None = None,
) -> TemplateRecord:
    """Replace a template's items and levels; items keep their ids when given back."""
    clean = _check_template(name, site_kind, items, levels)
    with db.connect() as conn:
        template_in(conn, template_id)
        conn.execute(
            text("UPDATE evaluation_templates SET name = :n, site_kind = :k WHERE id = :id"),
            {"n": clean, "k": site_kind, "id": template_id},
        )
        kept = {i.id for i in items if i.id}
        existing = {
            str(i)
            for i in conn.execute(
                text("SELECT id FROM evaluation_items WHERE template_id = :t AND deleted = 0"),
                {"t": template_id},
            ).scalars()
        }
        for gone in existing - kept:
            conn.execute(
                text("UPDATE evaluation_items SET deleted = 1 WHERE id = :id"), {"id": gone}
            )
        rows = _item_rows(template_id, items)
        for row in rows:
            if row["id"] in existing:
                conn.execute(
                    text(
                        "UPDATE evaluation_items SET position = :position, title = :title, "
                        "max_points = :max_points, is_bonus = :is_bonus WHERE id = :id"
                    ),
                    row,
                )
        new_rows = [r for r in rows if r["id"] not in existing]
        if new_rows:
            conn.execute(insert(EvaluationItem), new_rows)
        conn.execute(
            text("UPDATE evaluation_levels SET deleted = 1 WHERE template_id = :t AND deleted = 0"),
            {"t": template_id},
        )
        if levels:
            conn.execute(insert(EvaluationLevel), _level_rows(template_id, levels))
        return template_in(conn, template_id)


def template_in(conn: Connection, template_id: str) -> TemplateRecord:
    row = conn.execute(
        text(
            "SELECT id, name, site_kind, active FROM evaluation_templates "
            "WHERE id = :id AND deleted = 0"
        ),
        {"id": template_id},
    ).first()
    if row is None:
        raise NotFoundError("评分模板不存在或已删除", field="template_id")
    items = tuple(
        ItemSpec(
            title=r.title, max_points=float(r.max_points), is_bonus=bool(r.is_bonus), id=str(r.id)
        )
        for r in conn.execute(
            text(
                "SELECT id, title, max_points, is_bonus FROM evaluation_items "
                "WHERE template_id = :t AND deleted = 0 ORDER BY position"
            ),
            {"t": template_id},
        )
    )
    levels = tuple(
        LevelSpec(
            star_level=int(r.star_level),
            min_points=float(r.min_points),
            min_area_m2=r.min_area_m2,
            min_seats=r.min_seats,
            required_facilities=tuple((r.required_facilities or "").split()),
        )
        for r in conn.execute(
            text(
                "SELECT star_level, min_points, min_area_m2, min_seats, required_facilities "
                "FROM evaluation_levels WHERE template_id = :t AND deleted = 0 "
                "ORDER BY star_level"
            ),
            {"t": template_id},
        )
    )
    return TemplateRecord(
        id=str(row.id),
        name=str(row.name),
        site_kind=row.site_kind,
        active=bool(row.active),
        items=items,
        levels=levels,
    )


def get_template(db: Database, template_id: str) -> TemplateRecord:
    with db.connect(write=False) as conn:
        return template_in(conn, template_id)


def list_templates(db: Database) -> list[TemplateRecord]:
    with db.connect(write=False) as conn:
        ids = [
            str(i)
            for i in conn.execute(
                text("SELECT id FROM evaluation_templates WHERE deleted = 0 ORDER BY name")
            ).scalars()
        ]
        return [template_in(conn, i) for i in ids]


def _star_level(
    conn: Connection, site_id: str, template: TemplateRecord, total: float
) -> tuple[int | None, tuple[str, ...]]:
    site = records.get_in(conn, site_id)
    usable = {
        f.facility
        for f in facilities.facilities_in(conn, site_id)
        if f.condition in USABLE_CONDITIONS
    }
    reached: int | None = None
    shortfalls: tuple[str, ...] = ()
    for level in sorted(template.levels, key=lambda lv: lv.star_level):
        missing: list[str] = []
        if total < level.min_points:
            missing.append(f"得分需达到 {level.min_points:g} 分（当前 {total:g} 分）")
        if level.min_area_m2 is not None and (site.area_m2 or 0) < level.min_area_m2:
            missing.append(f"面积需不少于 {level.min_area_m2:g} 平方米")
        if level.min_seats is not None and (site.seats or 0) < level.min_seats:
            missing.append(f"座位需不少于 {level.min_seats} 个")
        for code in level.required_facilities:
            if code not in usable:
                missing.append(f"需配备可用的{FACILITY.label(code)}")
        if missing:
            shortfalls = tuple(f"{level.star_level} 星：{m}" for m in missing)
            break
        reached = level.star_level
    return reached, shortfalls


def _latest_star(conn: Connection, site_id: str) -> int | None:
    """The star level of the site's latest evaluation by date (the later recorded of one
    day: ids are time-ordered UUIDv7, the same on every office)."""
    row = conn.execute(
        text(
            "SELECT star_level FROM evaluations WHERE site_id = :s AND deleted = 0 "
            "ORDER BY evaluated_on DESC, id DESC LIMIT 1"
        ),
        {"s": site_id},
    ).first()
    return None if row is None else row.star_level


def preview_level(
    db: Database, site_id: str, template_id: str, total: float
) -> tuple[int | None, tuple[str, ...]]:
    """The star level a total would give this site now, without writing anything.

    The scoring dialog shows it live as the assessor types, using the same rules
    ``score_site`` applies when it saves, so what is shown is what will be recorded.
    """
    with db.connect(write=False) as conn:
        template = template_in(conn, template_id)
        return _star_level(conn, site_id, template, round(total, 2))


def score_site(
    db: Database,
    site_id: str,
    template_id: str,
    scores: Mapping[str, float | str],
    *,
    evaluated_on: date | str,
    assessor: str | None = None,
    notes: str | None = None,
    today: date | None = None,
) -> EvaluationRecord:
    """Score a site against a template: ``scores`` maps item id → points (missing = 0).

    The evaluation is dated no later than ``today`` (default: the registry's clock). The
    site's current star level becomes that of its latest evaluation by date: a past one
    typed in afterwards joins the history without replacing a newer result."""
    day = require_past_date(evaluated_on, "evaluated_on", "评定日期", today or db.clock.today())
    with db.connect() as conn:
        template = template_in(conn, template_id)
        records.get_in(conn, site_id)
        known = {i.id for i in template.items}
        stray = set(scores) - known
        if stray:
            raise ValidationError("评分中含有不属于该模板的评分项，请刷新后重试", field="scores")
        rows: list[dict[str, Any]] = []
        evaluation_id = new_id()
        total = 0.0
        for n, item in enumerate(template.items, start=1):
            raw = scores.get(item.id or "", 0)
            try:
                points = float(raw if raw != "" else 0)
            except (TypeError, ValueError) as exc:
                raise ValidationError(
                    f"第 {n} 项「{item.title}」：得分应为数字，当前为「{raw}」", field="scores"
                ) from exc
            if not math.isfinite(points):  # "nan" passes every comparison below
                raise ValidationError(
                    f"第 {n} 项「{item.title}」：得分应为数字，当前为「{raw}」", field="scores"
                )
            if points < 0:
                raise ValidationError(f"第 {n} 项「{item.title}」：得分不能为负数", field="scores")
            if points > item.max_points:
                raise ValidationError(
                    f"第 {n} 项「{item.title}」：得分 {points:g} 超过该项满分 {item.max_points:g}",
                    field="scores",
                )
            total += points
            rows.append(
                {
                    "id": new_id(),
                    "evaluation_id": evaluation_id,
                    "item_id": item.id,
                    "item_title": item.title,
                    "max_points": item.max_points,
                    "is_bonus": item.is_bonus,
                    "points": points,
                    "note": None,
                    "deleted": False,
                }
            )
        total = round(total, 2)
        star, shortfalls = _star_level(conn, site_id, template, total)
        conn.execute(
            insert(Evaluation),
            [
                {
                    "id": evaluation_id,
                    "site_id": site_id,
                    "template_id": template_id,
                    "evaluated_on": day,
                    "assessor": opt_text(assessor, "assessor", "评定人", 100),
                    "total_points": total,
                    "star_level": star,
                    "notes": opt_text(notes, "notes", "备注", 100_000),
                    "deleted": False,
                }
            ],
        )
        conn.execute(insert(EvaluationScore), rows)
        records.set_star_level(conn, site_id, _latest_star(conn, site_id))
    return EvaluationRecord(
        evaluation_id,
        site_id,
        template_id,
        template.name,
        day,
        assessor,
        total,
        star,
        notes,
        shortfalls,
    )


def history(db: Database, site_id: str) -> list[EvaluationRecord]:
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT e.id, e.site_id, e.template_id, t.name AS template_name, e.evaluated_on, "
                "e.assessor, "
                "e.total_points, e.star_level, e.notes FROM evaluations e "
                "JOIN evaluation_templates t ON t.id = e.template_id "
                "WHERE e.site_id = :s AND e.deleted = 0 ORDER BY e.evaluated_on DESC"
            ),
            {"s": site_id},
        ).all()
    return [
        EvaluationRecord(
            id=r.id,
            site_id=r.site_id,
            template_id=r.template_id,
            template_name=r.template_name,
            evaluated_on=date.fromisoformat(r.evaluated_on)
            if isinstance(r.evaluated_on, str)
            else r.evaluated_on,
            assessor=r.assessor,
            total_points=float(r.total_points),
            star_level=r.star_level,
            notes=r.notes,
        )
        for r in rows
    ]


class ScoreLine(NamedTuple):
    """One item of a past evaluation as scored (a tuple, so callers may unpack it)."""

    item_title: str
    points: float
    max_points: float
    is_bonus: bool


def scores_of(db: Database, evaluation_id: str) -> list[ScoreLine]:
    """The items of one past evaluation, as scored (title, points, max points, bonus?)."""
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT item_title, points, max_points, is_bonus FROM evaluation_scores "
                "WHERE evaluation_id = :e AND deleted = 0 ORDER BY rowid"
            ),
            {"e": evaluation_id},
        ).all()
    return [
        ScoreLine(str(r.item_title), float(r.points), float(r.max_points), bool(r.is_bonus))
        for r in rows
    ]


# A starting template for 职工服务站 star rating; offices edit it to their own rules.
DEFAULT_STATION_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec("有固定场所和醒目标识", 10),
    ItemSpec("开放时间公示且每周开放不少于 5 天", 10),
    ItemSpec("配备专职或兼职社会化工会工作者", 15),
    ItemSpec("服务台账完整、按月统计", 15),
    ItemSpec("开展困难帮扶、法律援助、文体健康服务", 20),
    ItemSpec("开展 N 类特色服务不少于 3 项", 15),
    ItemSpec("职工满意度测评", 15),
    ItemSpec("获上级工会表彰或媒体正面报道（加分项）", 10, is_bonus=True),
)
DEFAULT_STATION_LEVELS: tuple[LevelSpec, ...] = (
    LevelSpec(1, 60),
    LevelSpec(2, 70, min_area_m2=30),
    LevelSpec(3, 80, min_area_m2=60, min_seats=20),
    LevelSpec(4, 88, min_area_m2=100, min_seats=30, required_facilities=("aed",)),
    LevelSpec(
        5,
        95,
        min_area_m2=150,
        min_seats=50,
        required_facilities=("aed", "nursing_room", "counselling_room"),
    ),
)


def insert_prepared(conn: Connection, kind: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows of one of this module's tables that the caller has already made whole
    and valid (the demo generator), in one statement on its transaction: this module stays
    the one writer of the evaluation tables. ``kind``: templates, items, levels,
    evaluations or scores."""
    tables = {
        "templates": EvaluationTemplate,
        "items": EvaluationItem,
        "levels": EvaluationLevel,
        "evaluations": Evaluation,
        "scores": EvaluationScore,
    }
    if rows:
        conn.execute(insert(tables[kind]), rows)
