"""``uniondesk activities|sites|servicelog …``: what a clerk does at the counter."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.cli.confirming import confirm
from desktop.errors import UnionDeskError, ValidationError
from desktop.models.codes import FACILITY, SITE_KIND
from desktop.services import activities, sites
from desktop.services.activities.inputs import as_code, yuan
from desktop.services.sites import service_log
from desktop.services.sites.service_log import DayEntry


def _act_add(ctx: Context, args: argparse.Namespace) -> int:
    rec = activities.add(
        ctx.db,
        {
            "title": args.title,
            "category": args.category,
            "starts_at": args.start,
            "ends_at": args.end or args.start,
            "site_id": args.site,
            "organiser": args.organiser,
            "budget": args.budget,
            "spent": args.spent,
            "description": args.description,
        },
    )
    if args.json:
        print_json(rec)
    else:
        print(f"已登记活动「{rec.title}」（{rec.category_name}），编号 {rec.id}")
    return 0


def _act_list(ctx: Context, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UnionDeskError(f"--limit 应为正整数，当前为 {args.limit}")
    rows = activities.list_activities(
        ctx.db, year=args.year, category=args.category, search=args.search, limit=args.limit + 1
    )
    cut = len(rows) > args.limit
    rows = rows[: args.limit]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(
            f"{r.starts_at:%Y-%m-%d %H:%M}\t{r.category_name}\t{r.title}\t签到 {r.attendance}"
            f"\t预算 {yuan(r.budget_fen)}\t{r.id}"
        )
    if cut:
        print(
            f"只列出最近的 {args.limit} 项活动，还有更早的未列出："
            "请用 --year、--category 或 --search 缩小范围，或加大 --limit"
        )
    else:
        print(f"共 {len(rows)} 项活动")
    return 0


def _act_attend(ctx: Context, args: argparse.Namespace) -> int:
    cards = list(args.card)
    if args.stdin:  # one card per line as a scanner types them, or a row of cells
        cards += [c for line in sys.stdin for c in line.replace("\ufeff", "").split()]
    failed = 0
    for card in cards:
        try:
            rec = activities.attend_by_card(ctx.db, args.activity, card)
            print(f"签到成功：{rec.card_no}")
        except ValidationError as exc:
            failed += 1
            print(f"错误：{exc.message}", file=sys.stderr)
    for name in args.guest:
        try:
            activities.attend_guest(ctx.db, args.activity, name)
            print("已登记非会员 1 人")
        except ValidationError as exc:
            failed += 1
            print(f"错误：{exc.message}", file=sys.stderr)
    return 1 if failed else 0


_METHODS = {"card": "刷卡", "search": "查找", "guest": "非会员"}


def _act_show(ctx: Context, args: argparse.Namespace) -> int:
    rec = activities.get(ctx.db, args.activity)
    rows = activities.list_attendance(ctx.db, rec.id)
    if args.json:
        print_json({"activity": rec, "attendance": rows})
        return 0
    print(f"活动名称：{rec.title}")
    print(f"服务类别：{rec.category_name}")
    print(f"时间：{rec.starts_at:%Y-%m-%d %H:%M} 至 {rec.ends_at:%Y-%m-%d %H:%M}")
    for label, value in (
        ("活动阵地", rec.site_name),
        ("组织者", rec.organiser),
        ("预算（元）", yuan(rec.budget_fen)),
        ("实际支出（元）", yuan(rec.spent_fen)),
        ("活动简介", rec.description),
    ):
        if value:
            print(f"{label}：{value}")
    members = sum(1 for r in rows if r.member_id)
    print(f"已签到 {len(rows)} 人（会员 {members}，非会员 {len(rows) - members}）")
    for r in rows:
        when = r.checked_in_at.replace(tzinfo=UTC).astimezone()
        parts = (r.display_name or "（无姓名）", _METHODS.get(r.method, r.method),
                 f"{when:%Y-%m-%d %H:%M}", r.card_no or "", r.union_name or "")  # fmt: skip
        print("\t".join(parts))
    return 0


def _act_update(ctx: Context, args: argparse.Namespace) -> int:
    given = {
        "title": args.title,
        "category": args.category,
        "starts_at": args.start,
        "ends_at": args.end,
        "site_id": args.site,
        "organiser": args.organiser,
        "budget": args.budget,
        "spent": args.spent,
        "description": args.description,
    }
    values = {k: v for k, v in given.items() if v is not None}
    if not values:
        raise UnionDeskError("请至少给出一项要修改的内容，如 --title 或 --end。未做任何改动。")
    rec = activities.update(ctx.db, args.activity, values)
    print(f"已修改活动「{rec.title}」（{rec.starts_at:%Y-%m-%d %H:%M}）")
    return 0


def _act_delete(ctx: Context, args: argparse.Namespace) -> int:
    rec = activities.get(ctx.db, args.activity)
    signed = f"及其 {rec.attendance} 条签到记录" if rec.attendance else ""
    question = f"确认删除活动「{rec.title}」（{rec.starts_at:%Y-%m-%d}）{signed}？[y/N] "
    if not args.yes and not confirm(question):
        print("未删除。")
        return 1
    activities.delete(ctx.db, rec.id)
    print(f"已删除活动「{rec.title}」（{rec.starts_at:%Y-%m-%d}）{signed}")
    return 0


def _act_coverage(ctx: Context, args: argparse.Namespace) -> int:
    year = args.year if args.year is not None else ctx.db.clock.today().year
    cov = activities.coverage(ctx.db, year)
    if args.json:
        print_json(
            {"year": cov.year, "reached": cov.reached, "members": cov.members, "share": cov.share}
        )
    else:
        print(
            f"{cov.year} 年参加过活动的会员 {cov.reached} 人，占会员 {cov.members} 人的 "
            f"{cov.share:.1%}"
        )
    return 0


def _site_add(ctx: Context, args: argparse.Namespace) -> int:
    for fac in args.facility:  # all checked before the site is written
        as_code(FACILITY, fac, "facility", "设施")
    rec = sites.add_site(
        ctx.db,
        args.kind,
        args.name,
        address=args.address,
        area_m2=args.area,
        seats=args.seats,
        opening_hours=args.hours,
    )
    for fac in args.facility:
        sites.set_facility(ctx.db, rec.id, fac)
    print(f"已登记{rec.kind_label}「{rec.name}」，编号 {rec.id}")
    return 0


def _site_list(ctx: Context, args: argparse.Namespace) -> int:
    rows = sites.list_sites(ctx.db, SITE_KIND.lookup(args.kind) if args.kind else None)
    if args.json:
        print_json(rows)
        return 0
    for s in rows:
        star = f"{s.star_level}星" if s.star_level else "未评星"
        area = f"{s.area_m2:g}㎡" if s.area_m2 is not None else ""
        print(f"{s.kind_label}\t{s.name}\t{area}\t{star}\t{s.id}")
    print(f"共 {len(rows)} 个阵地")
    return 0


def _log_add(ctx: Context, args: argparse.Namespace) -> int:
    entries = []
    for item in args.entry:
        cat, _, people = item.rpartition("=")
        entries.append(DayEntry(cat, people))
    ids = service_log.add_day(ctx.db, args.date or ctx.db.clock.today(), args.site, entries)
    print(f"已记录服务台账 {len(ids)} 条")
    return 0


def _activity_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    """An activity's fields, for ``add`` (title, category and start required) and for
    ``update`` (each optional: only what is given changes)."""
    p.add_argument("--title", required=adding)
    p.add_argument("--category", required=adding, help="服务类别（代码或名称，如 文体健康）")
    p.add_argument("--start", required=adding, help="开始时间，如 2026-11-21 14:00")
    p.add_argument("--end", help="结束时间")
    p.add_argument("--site", help="阵地编号")
    p.add_argument("--organiser")
    p.add_argument("--budget", help="预算（元）")
    p.add_argument("--spent", help="实际支出（元）")
    p.add_argument("--description")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("activities", help="活动登记与签到")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("add", help="登记活动")
    _activity_options(p, adding=True)
    add_json_flag(p)
    p.set_defaults(handler=_act_add)
    p = verbs.add_parser("list", help="活动列表")
    p.add_argument("--year", type=int)
    p.add_argument("--category")
    p.add_argument("--search")
    p.add_argument("--limit", type=int, default=500, help="最多列出几项（默认 500，最近的在前）")
    add_json_flag(p)
    p.set_defaults(handler=_act_list)
    p = verbs.add_parser("attend", help="签到（会员证号或非会员姓名）")
    p.add_argument("activity", metavar="活动编号", help="活动编号")
    p.add_argument("card", metavar="会员证号", nargs="*", help="会员证号")
    p.add_argument("--guest", action="append", default=[], help="非会员姓名（可重复）")
    p.add_argument(
        "--stdin", action="store_true", help="从标准输入读取卡号（每行一个，或以空格、制表符分隔）"
    )
    p.set_defaults(handler=_act_attend)
    p = verbs.add_parser("show", help="活动详情与签到名单")
    p.add_argument("activity", metavar="活动编号", help="活动编号")
    add_json_flag(p)
    p.set_defaults(handler=_act_show)
    p = verbs.add_parser("update", help="修改活动（只改给出的项）")
    p.add_argument("activity", metavar="活动编号", help="活动编号")
    _activity_options(p, adding=False)
    p.set_defaults(handler=_act_update)
    p = verbs.add_parser("delete", help="删除活动（连同其签到记录）")
    p.add_argument("activity", metavar="活动编号", help="活动编号")
    p.add_argument("--yes", action="store_true", help="不再询问，直接删除")
    p.set_defaults(handler=_act_delete)
    p = verbs.add_parser("coverage", help="会员活动覆盖率")
    p.add_argument("--year", type=int)
    add_json_flag(p)
    p.set_defaults(handler=_act_coverage)

    parser = sub.add_parser("sites", help="会站家阵地登记")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("add", help="登记阵地")
    p.add_argument("--kind", required=True, help="federation/station/home 或 会/站/家")
    p.add_argument("--name", required=True)
    p.add_argument("--address")
    p.add_argument("--area", help="面积（平方米）")
    p.add_argument("--seats")
    p.add_argument("--hours", help="开放时间")
    p.add_argument("--facility", action="append", default=[], help="设施（可重复），如 AED")
    p.set_defaults(handler=_site_add)
    p = verbs.add_parser("list", help="阵地列表")
    p.add_argument("--kind")
    add_json_flag(p)
    p.set_defaults(handler=_site_list)

    parser = sub.add_parser("servicelog", help="服务台账")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("add", help="记录一天的服务（类别=人次，可多项）")
    p.add_argument("--date", default=None, help="日期，默认今天")
    p.add_argument("--site", required=True, help="阵地编号")
    p.add_argument("entry", metavar="类别=人次", nargs="+", help="如 困难帮扶=3 法律援助=2")
    p.set_defaults(handler=_log_add)
