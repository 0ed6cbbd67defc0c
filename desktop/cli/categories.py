"""``uniondesk categories …``: the 3+N service categories; the N list is the clerk's to edit.

A category is named by its code (``family_care``) or its current name (亲情关爱); the
3 fixed ones are listed but every edit of them is refused by the service (exit 1).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.services.activities import categories
from desktop.services.activities.categories import CategoryRecord


def _describe(cat: CategoryRecord) -> str:
    kind = "固定" if cat.fixed else "自定"
    state = "启用" if cat.active else "停用"
    return f"{cat.name}\t{kind}\t{state}\t{cat.code}"


def _list(ctx: Context, args: argparse.Namespace) -> int:
    rows = categories.list_categories(ctx.db, include_inactive=args.all)
    if args.json:
        print_json(rows)
        return 0
    for cat in rows:
        print(_describe(cat))
    fixed = sum(1 for c in rows if c.fixed)
    print(f"共 {len(rows)} 个服务类别（固定 {fixed} 个，自定 {len(rows) - fixed} 个）")
    return 0


def _add(ctx: Context, args: argparse.Namespace) -> int:
    cat = categories.add_category(ctx.db, args.name)
    if args.json:
        print_json(cat)
    else:
        print(f"已新增服务类别「{cat.name}」，代码 {cat.code}")
    return 0


def _rename(ctx: Context, args: argparse.Namespace) -> int:
    old = categories.find_category(ctx.db, args.category)
    cat = categories.rename_category(ctx.db, old.code, args.new_name)
    if args.json:
        print_json(cat)
    elif cat.name == old.name:
        print(f"服务类别「{cat.name}」名称未变")
    else:
        print(f"已将服务类别「{old.name}」改名为「{cat.name}」（代码 {cat.code}）")
    return 0


def _set_active(active: bool) -> Callable[[Context, argparse.Namespace], int]:
    def handler(ctx: Context, args: argparse.Namespace) -> int:
        cat = categories.set_active(ctx.db, args.category, active)
        if args.json:
            print_json(cat)
        elif active:
            print(f"已启用服务类别「{cat.name}」，新活动和服务台账可再选用")
        else:
            print(f"已停用服务类别「{cat.name}」，新活动不再可选，已有记录保留原类别")
        return 0

    return handler


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("categories", help="服务类别（3+N）")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("list", help="服务类别列表")
    p.add_argument("--all", action="store_true", help="包括已停用的类别")
    add_json_flag(p)
    p.set_defaults(handler=_list)
    p = verbs.add_parser("add", help="新增自定服务类别")
    p.add_argument("name", metavar="名称", help="类别名称，如 职工技能竞赛")
    add_json_flag(p)
    p.set_defaults(handler=_add)
    p = verbs.add_parser("rename", help="重命名自定服务类别")
    p.add_argument("category", metavar="类别", help="类别代码或名称")
    p.add_argument("new_name", metavar="新名称", help="新名称")
    add_json_flag(p)
    p.set_defaults(handler=_rename)
    for verb, active, help_text in (
        ("disable", False, "停用自定服务类别（已有记录保留）"),
        ("enable", True, "重新启用已停用的服务类别"),
    ):
        p = verbs.add_parser(verb, help=help_text)
        p.add_argument("category", metavar="类别", help="类别代码或名称")
        add_json_flag(p)
        p.set_defaults(handler=_set_active(active))
