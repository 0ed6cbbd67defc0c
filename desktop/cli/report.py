"""``uniondesk report monthly|annual``: the upward report tables as .xlsx files."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.common import Context
from desktop.services.figures import report_book as reports
from desktop.services.unions import scope


def _monthly(ctx: Context, args: argparse.Namespace) -> int:
    federation = scope.resolve(ctx.db, args.federation)
    out = reports.write_monthly(ctx.db, args.year, args.month, Path(args.out), federation)
    print(f"已生成会员情况月报表：{out}")
    return 0


def _annual(ctx: Context, args: argparse.Namespace) -> int:
    federation = scope.resolve(ctx.db, args.federation)
    out = reports.write_annual(ctx.db, args.year, Path(args.out), federation_id=federation)
    print(f"已生成年度统计表：{out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("report", help="生成上报统计表（.xlsx）")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("monthly", help="会员情况月报表")
    p.add_argument("--year", type=int, required=True, help="年份，如 2026")
    p.add_argument("--month", type=int, required=True, help="月份 1–12")
    p.add_argument("out", metavar="输出文件", help="输出文件（.xlsx）")
    _federation_option(p)
    p.set_defaults(handler=_monthly)
    p = verbs.add_parser("annual", help="年度统计表（会员、3+N 服务、会站家阵地）")
    p.add_argument("--year", type=int, required=True, help="年份，如 2026")
    p.add_argument("out", metavar="输出文件", help="输出文件（.xlsx）")
    _federation_option(p)
    p.set_defaults(handler=_annual)


def _federation_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--federation",
        metavar="联合会名称",
        help="只统计该联合会（本会或收到的下级联合会）；「本会」为本单位自己的；默认全部汇总",
    )
