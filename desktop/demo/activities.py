"""Demo data for activities and 会站家: sites, facilities, workers, activities with
attendance, a service log and evaluations. Called by ``uniondesk demo`` inside its one
transaction, after the members exist; reproducible for a given ``random.Random`` seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from desktop import clock
from desktop.models.base import new_id
from desktop.services.activities import attendance
from desktop.services.activities import records as activity_records
from desktop.services.sites import evaluations, facilities, service_log, workers
from desktop.services.sites import records as sites
from desktop.services.sites.evaluations import DEFAULT_STATION_ITEMS, DEFAULT_STATION_LEVELS
from desktop.storage.pinyin import text_pinyin

STREETS = ("幸福路", "科技园", "滨海大道", "创业路", "工业一路", "南山街", "中心广场", "物流园")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TITLES = {
    "hardship_help": ("困难职工走访慰问", "金秋助学金发放", "医疗互助政策宣讲"),
    "legal_aid": ("劳动法律进企业", "劳动合同签订指导", "工伤维权咨询日"),
    "culture_sport_health": ("职工趣味运动会", "职工健步走", "篮球友谊赛", "义诊进园区"),
    "career": ("技能培训班", "职工技能竞赛", "学历提升宣讲"),
    "family_care": ("亲子手工坊", "单身职工联谊", "家庭开放日"),
    "festival": ("春节送温暖", "中秋游园会", "三八妇女节活动", "端午包粽子"),
    "counselling": ("心理健康讲座", "减压团体辅导"),
    "child_care": ("暑期爱心托管班", "四点半课堂"),
    "public_services": ("积分入学政策解读", "公租房申请指导"),
}


@dataclass(frozen=True)
class ActivityDemoSummary:
    sites: int
    workers: int
    activities: int
    attendances: int
    service_records: int
    evaluations: int


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def fill_activities(
    conn: Connection,
    rng: random.Random,
    *,
    today: date | None = None,
    stations: int = 8,
    homes: int = 12,
    activities_per_year: int = 120,
    log_days: int = 400,
    current_members: list[str] | None = None,
) -> ActivityDemoSummary:
    """Insert the demo rows (lists of dicts) on the caller's transaction, each table
    through its service module's ``insert_prepared``. Covers this year and last, so the
    dashboard compares two years.

    ``current_members``: ids of the live active/retained members in rowid order, when the
    caller has just written them (the demo fill) — reading them back is a scan of the whole
    members table, seconds at a million members. Left out, they are read.
    """
    today = today or clock.current().today()
    unions = [
        str(r[0])
        for r in conn.execute(text("SELECT id FROM unions WHERE deleted = 0 ORDER BY rowid"))
    ]
    members = current_members
    if members is None:
        members = [
            str(r[0])
            for r in conn.execute(
                text(
                    "SELECT id FROM members WHERE deleted = 0 AND membership_status IN "
                    "('active', 'retained') ORDER BY rowid"
                )
            )
        ]
    cats = [
        str(r[0])
        for r in conn.execute(
            text(
                "SELECT code FROM service_categories WHERE deleted = 0 AND active = 1 "
                "ORDER BY sort_order"
            )
        )
    ]

    site_rows: list[dict[str, Any]] = []
    kinds = ["federation"] + ["station"] * stations + ["home"] * homes
    for n, kind in enumerate(kinds):
        street = STREETS[n % len(STREETS)]
        if kind == "federation":
            name = "联合会办公室（党群服务中心）"
        elif kind == "station":
            name = f"{street}职工服务站" if n <= len(STREETS) else f"{street}第{n}职工服务站"
        else:
            name = f"职工之家（{street}{n}号）"
        site_rows.append(
            {
                "id": new_id(),
                "kind": kind,
                "name": name,
                "union_id": rng.choice(unions) if kind == "home" and unions else None,
                "address": f"{street}{rng.randint(1, 300)}号",
                "area_m2": float(rng.randrange(40, 400, 5)),
                "seats": rng.randrange(10, 120, 5),
                "opening_hours": rng.choice(
                    ("周一至周五 9:00–18:00", "周一至周六 9:00–21:00", "每天 8:30–20:30")
                ),
                "opened_on": date(today.year - rng.randint(1, 6), rng.randint(1, 12), 1),
                "star_level": None,
                "sort_key": text_pinyin(name).full,
                "deleted": False,
            }
        )
    sites.insert_prepared(conn, site_rows)
    facility_codes = (
        "reading_room",
        "activity_room",
        "nursing_room",
        "counselling_room",
        "gym",
        "legal_room",
        "aed",
        "rest_area",
        "first_aid_kit",
        "wifi",
    )
    fac_rows = [
        {
            "id": new_id(),
            "site_id": s["id"],
            "facility": code,
            "condition": rng.choices(("good", "fair", "poor"), (8, 3, 1))[0],
            "quantity": 1,
            "deleted": False,
        }
        for s in site_rows
        for code in facility_codes
        if rng.random() < 0.6
    ]
    if fac_rows:
        facilities.insert_prepared(conn, fac_rows)
    worker_rows = []
    for s in site_rows:
        for _ in range(rng.randint(1, 3) if s["kind"] != "home" else rng.randint(0, 1)):
            start = date(today.year - rng.randint(0, 3), rng.randint(1, 12), 1)
            worker_rows.append(
                {
                    "id": new_id(),
                    "name": _name(rng),
                    "gender": rng.choice("MF"),
                    "phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
                    "site_id": s["id"],
                    "position": rng.choice(("站长", "社工", "专职工作者")),
                    "contract_start": start,
                    "contract_end": start.replace(year=start.year + rng.choice((1, 2, 3))),
                    "status": "active",
                    "deleted": False,
                }
            )
    if worker_rows:
        workers.insert_prepared(conn, worker_rows)

    act_rows: list[dict[str, Any]] = []
    att_rows: list[dict[str, Any]] = []
    for year in (today.year - 1, today.year):
        last_day = today if year == today.year else date(year, 12, 31)
        span = (last_day - date(year, 1, 1)).days
        count = activities_per_year * max(span, 1) // 365
        for _ in range(count):
            cat = rng.choice(cats)
            start = datetime.combine(
                date(year, 1, 1) + timedelta(days=rng.randint(0, span)), datetime.min.time()
            ).replace(hour=rng.choice((9, 14, 19)))
            budget = rng.randrange(500, 20000, 100) * 100
            act_id = new_id()
            act_rows.append(
                {
                    "id": act_id,
                    "title": rng.choice(TITLES.get(cat, ("主题活动",))),
                    "category": cat,
                    "starts_at": start,
                    "ends_at": start + timedelta(hours=rng.choice((1, 2, 3))),
                    "site_id": rng.choice(site_rows)["id"],
                    "organiser": "联合会",
                    "budget_fen": budget,
                    "spent_fen": int(budget * rng.uniform(0.6, 1.0)),
                    "description": None,
                    "deleted": False,
                }
            )
            picked = rng.sample(members, min(len(members), rng.randint(5, 40)))
            stamp = start - timedelta(hours=8)  # UTC of a Beijing-time check-in
            att_rows += [
                {
                    "id": new_id(),
                    "activity_id": act_id,
                    "member_id": m,
                    "guest_name": None,
                    "method": rng.choices(("card", "search"), (4, 1))[0],
                    "checked_in_at": stamp,
                    "deleted": False,
                }
                for m in picked
            ]
            att_rows += [
                {
                    "id": new_id(),
                    "activity_id": act_id,
                    "member_id": None,
                    "guest_name": _name(rng),
                    "method": "guest",
                    "checked_in_at": stamp,
                    "deleted": False,
                }
                for _ in range(rng.randint(0, 3))
            ]
    if act_rows:
        activity_records.insert_prepared(conn, act_rows)
    if att_rows:
        attendance.insert_prepared(conn, att_rows)

    log_rows: list[dict[str, Any]] = []
    served_sites = [s for s in site_rows if s["kind"] != "federation"]
    for back in range(log_days):
        day = today - timedelta(days=back)
        if day.weekday() == 6:
            continue
        for s in rng.sample(served_sites, max(1, len(served_sites) // 3)):
            for cat in rng.sample(cats, rng.randint(1, 3)):
                log_rows.append(
                    {
                        "id": new_id(),
                        "served_on": day,
                        "site_id": s["id"],
                        "category": cat,
                        "people": rng.randint(1, 30),
                        "worker_id": None,
                        "notes": None,
                        "deleted": False,
                    }
                )
    if log_rows:
        service_log.insert_prepared(conn, log_rows)

    evaluations = _evaluations(conn, rng, site_rows, fac_rows, today)
    return ActivityDemoSummary(
        len(site_rows), len(worker_rows), len(act_rows), len(att_rows), len(log_rows), evaluations
    )


def _evaluations(
    conn: Connection,
    rng: random.Random,
    site_rows: list[dict[str, Any]],
    fac_rows: list[dict[str, Any]],
    today: date,
) -> int:
    tpl_id = new_id()
    evaluations.insert_prepared(
        conn,
        "templates",
        [
            {
                "id": tpl_id,
                "name": "职工服务站星级评定标准（示例）",
                "site_kind": "station",
                "active": True,
                "deleted": False,
            }
        ],
    )
    items: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "template_id": tpl_id,
            "position": n,
            "title": i.title,
            "max_points": i.max_points,
            "is_bonus": i.is_bonus,
            "deleted": False,
        }
        for n, i in enumerate(DEFAULT_STATION_ITEMS, start=1)
    ]
    evaluations.insert_prepared(conn, "items", items)
    evaluations.insert_prepared(
        conn,
        "levels",
        [
            {
                "id": new_id(),
                "template_id": tpl_id,
                "star_level": lv.star_level,
                "min_points": lv.min_points,
                "min_area_m2": lv.min_area_m2,
                "min_seats": lv.min_seats,
                "required_facilities": " ".join(lv.required_facilities) or None,
                "deleted": False,
            }
            for lv in DEFAULT_STATION_LEVELS
        ],
    )
    usable: dict[str, set[str]] = {}
    for f in fac_rows:
        if f["condition"] in ("good", "fair"):
            usable.setdefault(f["site_id"], set()).add(f["facility"])
    evals: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for s in (s for s in site_rows if s["kind"] == "station"):
        star: int | None = None
        for year in (today.year - 1, today.year):
            eval_id = new_id()
            points = [round(rng.uniform(0.55, 1.0) * float(i["max_points"])) for i in items]
            points[-1] = rng.choice((0, 0, 5, 10))  # the bonus item
            total = float(sum(points))
            star = None
            for lv in DEFAULT_STATION_LEVELS:
                ok = (
                    total >= lv.min_points
                    and s["area_m2"] >= (lv.min_area_m2 or 0)
                    and s["seats"] >= (lv.min_seats or 0)
                    and set(lv.required_facilities) <= usable.get(s["id"], set())
                )
                if not ok:
                    break
                star = lv.star_level
            evals.append(
                {
                    "id": eval_id,
                    "site_id": s["id"],
                    "template_id": tpl_id,
                    "evaluated_on": date(year, 3, 15),
                    "assessor": "区总工会考核组",
                    "total_points": total,
                    "star_level": star,
                    "deleted": False,
                }
            )
            scores += [
                {
                    "id": new_id(),
                    "evaluation_id": eval_id,
                    "item_id": i["id"],
                    "item_title": i["title"],
                    "max_points": i["max_points"],
                    "is_bonus": i["is_bonus"],
                    "points": float(p),
                    "deleted": False,
                }
                for i, p in zip(items, points, strict=True)
            ]
        sites.set_star_level(conn, s["id"], star)
    if evals:
        evaluations.insert_prepared(conn, "evaluations", evals)
        evaluations.insert_prepared(conn, "scores", scores)
    return len(evals)
