"""``uniondesk init`` (create this installation's federation) and ``uniondesk demo``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.demo import generate as demo
from desktop.services.unions import federations


def _init(ctx: Context, args: argparse.Namespace) -> int:
    fed = federations.create(ctx.db, args.federation, card_prefix=args.card_prefix)
    if args.json:
        print_json(fed)
    else:
        print(f"已创建工会联合会「{fed.name}」（编号 {fed.id}）")
    return 0


def _progress(done: int, total: int, text: str) -> None:
    if total and (done == total or done % 100_000 == 0):
        print(text, file=sys.stderr)


def _demo(ctx: Context, args: argparse.Namespace) -> int:
    summary = demo.fill_demo(
        ctx.db, members=args.members, unions=args.unions, seed=args.seed, progress=_progress
    )
    if args.json:
        print_json(summary)
    else:
        created = "新建" if summary.created_federation else "已有"
        print(
            f"演示数据已生成：{created}工会联合会「{summary.federation_name}」，"
            f"{summary.unions} 个工会，{summary.members} 名会员"
        )
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为整数：{text}") from exc
    if value < 0:
        raise argparse.ArgumentTypeError(f"不能为负数：{text}")
    return value


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="创建本单位（工会联合会）")
    p.add_argument("--federation", required=True, metavar="名称", help="工会联合会名称")
    p.add_argument("--card-prefix", default="", metavar="前缀", help="会员证号前缀（字母或数字）")
    add_json_flag(p)
    p.set_defaults(handler=_init, creates_registry=True)

    p = sub.add_parser("demo", help="在空的登记库中生成演示数据")
    p.add_argument(
        "--members", type=_count, default=2000, metavar="N", help="会员人数（默认 2000）"
    )
    p.add_argument("--unions", type=_count, default=20, metavar="K", help="工会数量（默认 20）")
    p.add_argument(
        "--seed", type=int, default=0, metavar="S", help="随机种子（相同种子生成相同数据）"
    )
    add_json_flag(p)
    p.set_defaults(handler=_demo, creates_registry=True)
