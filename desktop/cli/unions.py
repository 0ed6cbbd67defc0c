"""``uniondesk unions add|list``: the federation's grassroots unions.

``list`` shows every federation's unions held here (an upper office receives its
sub-federations' by sync), own first, each with its 所属联合会; ``--federation NAME``
(or 本会) narrows it to one.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.models.codes import INDUSTRY, OWNERSHIP
from desktop.services.unions import registry as unions
from desktop.services.unions import scope

_LABELS = {
    "employer": "单位名称",
    "credit_code": "统一社会信用代码",
    "industry": "行业（GB/T 4754 门类代码或名称）",
    "ownership": "单位类别（代码或名称）",
    "address": "地址",
    "founded_on": "成立日期 YYYY-MM-DD",
    "chair": "工会主席",
    "employee_count": "职工人数",
    "notes": "备注",
}


def _add(ctx: Context, args: argparse.Namespace) -> int:
    values = {k: getattr(args, k) for k in _LABELS if getattr(args, k) is not None}
    record = unions.add(ctx.db, args.name, **values)
    if args.json:
        print_json(record)
    else:
        print(record.id)
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    federation = scope.resolve(ctx.db, args.federation)
    records = unions.list_held(ctx.db, federation)
    if args.json:
        print_json(records)
        return 0
    if not records:
        print("还没有登记工会。" if federation is None else "该联合会还没有登记工会。")
    for r in records:
        industry = INDUSTRY.label(r.industry)
        ownership = OWNERSHIP.label(r.ownership)
        extra = "，".join(x for x in (industry, ownership) if x)
        owner = f"{r.federation_name}（本会）" if r.own else r.federation_name
        print(
            f"{r.id}  {r.name}  所属联合会：{owner}  会员 {r.member_count} 人"
            + (f"（{extra}）" if extra else "")
        )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("unions", help="基层工会")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)
    add = verbs.add_parser("add", help="登记工会")
    add.add_argument("name", metavar="名称")
    for key, label in _LABELS.items():
        add.add_argument("--" + key.replace("_", "-"), dest=key, metavar="值", help=label)
    add_json_flag(add)
    add.set_defaults(handler=_add)
    ls = verbs.add_parser("list", help="列出工会（本会及收到的下级联合会的工会）")
    ls.add_argument(
        "--federation",
        metavar="联合会名称",
        help="只列出该联合会的工会（「本会」为本单位自己的）",
    )
    add_json_flag(ls)
    ls.set_defaults(handler=_list)
