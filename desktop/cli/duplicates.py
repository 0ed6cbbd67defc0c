"""``uniondesk duplicates list|merge``: likely duplicate member records, and merging two.

ID numbers and phones are masked in the list. ``merge KEEP OTHER`` keeps the record
KEEP; ``--take FIELD=other`` takes that field from OTHER instead. Two records with
different valid ID numbers merge only with ``--confirm-different-ids`` (and the merge is
written to the audit log).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.services.duplicates import finding, merging


def _list(ctx: Context, args: argparse.Namespace) -> int:
    pairs = finding.find_pairs(ctx.db)
    if args.json:
        print_json([asdict(p) for p in pairs])
        return 0
    if not pairs:
        print("没有发现重复的会员记录")
        return 0
    for p in pairs:
        print(f"【{p.reason_label}】")
        for side in (p.first, p.second):
            print(
                f"  {side.id}  {side.name}  {side.id_number_masked}  "
                f"{f'{side.birth_year}年' if side.birth_year else '-'}  "
                f"{side.phone_masked or '-'}  {side.union_name}  {side.card_no or '-'}"
            )
    print(f"共 {len(pairs)} 对")
    return 0


def _take(values: list[str]) -> list[str] | None:
    fields: list[str] = []
    for item in values:
        name, sep, side = item.partition("=")
        if not sep or side != "other" or not name:
            print(
                f"用法错误：--take {item} 的写法应为 字段=other（例如 --take phone=other）",
                file=sys.stderr,
            )
            return None
        fields.append(name)
    return fields


def _merge(ctx: Context, args: argparse.Namespace) -> int:
    take = _take(args.take)
    if take is None:
        return 2
    result = merging.merge(
        ctx.db, args.keep, args.other, take=take, confirm_different_ids=args.confirm_different_ids
    )
    taken = "、".join(merging.FIELD_LABELS[f] for f in result.fields_taken) or "无"
    print(
        f"已合并：保留 {result.survivor_id}，{result.merged_id} 已并入"
        f"（取自被合并记录的字段：{taken}；转入签到 {result.moved_attendance} 条）"
    )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("duplicates", help="重复会员记录：查看与合并")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)

    v = verbs.add_parser("list", help="列出可能重复的会员记录（身份证号、手机号打码）")
    add_json_flag(v)
    v.set_defaults(handler=_list)

    v = verbs.add_parser("merge", help="把「并入的编号」这条记录并入「保留的编号」（后者保留）")
    v.add_argument("keep", metavar="保留的编号", help="保留的会员编号")
    v.add_argument("other", metavar="并入的编号", help="被合并的会员编号")
    v.add_argument(
        "--take",
        action="append",
        default=[],
        metavar="字段=other",
        help="该字段取被合并记录的值，可多次使用：" + "、".join(merging.MERGEABLE),
    )
    v.add_argument(
        "--confirm-different-ids",
        action="store_true",
        help="两条记录身份证号不同时，确认确属同一人并合并（记入审计日志）",
    )
    v.set_defaults(handler=_merge)
