"""``uniondesk honours add|list|titles``: honours of members and teams."""

from __future__ import annotations

import argparse

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.models.codes import HONOUR_LEVEL
from desktop.services.honours import records, titles
from desktop.services.honours.records import HonourRecord
from desktop.services.members.queries import resolve_member_key


def _line(h: HonourRecord) -> str:
    return f"{h.year}\t{h.title}\t{h.level_label}\t{h.holder}\t{h.awarding_body or ''}\t{h.id}"


def _add(ctx: Context, args: argparse.Namespace) -> int:
    values = {
        "title": args.title,
        "level": args.level,
        "year": args.year,
        "awarding_body": args.body,
        "team_name": args.team,
        "notes": args.notes,
    }
    if args.member:
        values["member_id"] = resolve_member_key(ctx.db, args.member)
    honour = records.add_honour(ctx.db, values)
    if args.json:
        print_json(honour)
    else:
        print(f"已登记荣誉：{_line(honour)}")
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    rows = records.list_honours(ctx.db, title=args.title, year=args.year)
    if args.json:
        print_json(rows)
        return 0
    for h in rows:
        print(_line(h))
    print(f"共 {len(rows)} 项荣誉")
    return 0


def _titles(ctx: Context, args: argparse.Namespace) -> int:
    if args.add:
        added = titles.add_title(ctx.db, args.add, team=args.team)
        print(f"已添加荣誉称号「{added.name}」（代码 {added.code}）")
        return 0
    rows = titles.list_titles(ctx.db, include_inactive=args.all)
    if args.json:
        print_json(rows)
        return 0
    for t in rows:
        kind = "集体" if t.team else "个人"
        print(f"{t.code}\t{t.name}\t{kind}{'' if t.active else '（已停用）'}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("honours", help="荣誉（劳模、工匠、工人先锋号等）")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("add", help="登记荣誉")
    holder = p.add_mutually_exclusive_group()  # one holder: never a team silently dropped
    holder.add_argument("--member", help="获奖会员（会员编号、会员证号或身份证号）")
    holder.add_argument("--team", help="集体荣誉的班组、团队或工会名称（如工人先锋号）")
    p.add_argument("--title", required=True, help="荣誉称号（名称或代码）")
    p.add_argument("--level", required=True, help=f"级别：{'、'.join(HONOUR_LEVEL.labels)}")
    p.add_argument("--year", required=True, help="获得年份")
    p.add_argument("--body", help="授予单位")
    p.add_argument("--notes", help="备注")
    add_json_flag(p)
    p.set_defaults(handler=_add)
    p = verbs.add_parser("list", help="荣誉列表")
    p.add_argument("--title", help="荣誉称号")
    p.add_argument("--year", type=int)
    add_json_flag(p)
    p.set_defaults(handler=_list)
    p = verbs.add_parser("titles", help="荣誉称号列表，或用 --add 添加称号")
    p.add_argument("--add", metavar="名称", help="添加一个荣誉称号")
    p.add_argument("--team", action="store_true", help="（与 --add 一起）集体荣誉")
    p.add_argument("--all", action="store_true", help="含已停用的称号")
    add_json_flag(p)
    p.set_defaults(handler=_titles)
