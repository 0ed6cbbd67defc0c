"""``uniondesk stats`` (registry figures) and ``uniondesk check`` (integrity)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.models.codes import MEMBERS_STATUS_ORDER, MEMBERSHIP_STATUS
from desktop.opening import open_database
from desktop.services.figures import summary as stats
from desktop.services.unions import scope
from desktop.services.upkeep import integrity


def _stats(ctx: Context, args: argparse.Namespace) -> int:
    federation = scope.resolve(ctx.db, args.federation)
    figures = stats.registry_stats(ctx.db, federation)
    if args.json:
        print_json(figures)
        return 0
    if federation is not None:
        print(f"联合会：{scope.name_of(ctx.db, federation)}")
    print(f"工会：{figures.unions} 个")
    print(f"会员：{figures.members_total} 人（在会及保留会籍 {figures.members_current} 人）")
    order = {code: n for n, code in enumerate(MEMBERS_STATUS_ORDER)}  # as 首页 lists them
    for status, count in sorted(figures.by_status.items(), key=lambda i: order.get(i[0], 99)):
        print(f"  {MEMBERSHIP_STATUS.label(status)}：{count}")
    print(f"农民工会员：{figures.migrant_workers} 人")
    print(f"女性会员：{figures.female} 人")
    if federation is None:
        _by_federation(ctx)
    return 0


def _by_federation(ctx: Context) -> None:
    """An upper office's roll-up: each federation held here (own first), when several."""
    choices = scope.held(ctx.db)
    if len(choices) < 2:
        return
    counts = stats.counts_by_federation(ctx.db)
    repeated = scope.repeated_names(choices)
    print("各联合会（在会及保留会籍会员）：")
    for c in choices:
        held = counts.get(c.id)
        own = "（本会）" if c.own else ""
        number = f"（编号 {c.id}）" if c.name in repeated else ""
        print(
            f"  {c.name}{own}{number}：工会 {held.unions if held else 0} 个，"
            f"会员 {held.members_current if held else 0} 人"
        )


def _check(ctx: Context, args: argparse.Namespace) -> int:
    # The one command that opens a damaged file (read-only) to report it, not refuse it.
    db = open_database(ctx.paths, allow_corrupt=True, create=False)
    try:
        report = integrity.check(db, rebuild_search=args.rebuild_search)
    finally:
        db.close()
    if args.json:
        print_json({"ok": report.ok, **asdict(report)})
        return 0 if report.ok else 1
    if report.rebuilt_search is not None:
        print(f"已重建搜索索引：{report.rebuilt_search} 名会员")
    if report.problems and report.problems[0].kind == "integrity_check":
        print(f"问题：{report.problems[0].message}", file=sys.stderr)
        return 1
    print(f"会员 {report.members} 人，搜索索引 {report.search_documents} 条，本机修改记录 "
          f"{report.own_changes} 条")  # fmt: skip
    if report.ok:
        print("检查通过，未发现问题。")
        return 0
    for problem in report.problems:
        print(f"问题：{problem.message}")
        if problem.member_ids:
            print("  涉及会员编号：" + "、".join(problem.member_ids))
    return 1


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="登记库统计")
    p.add_argument(
        "--federation",
        metavar="联合会名称",
        help="只统计该联合会（本会或收到的下级联合会）；「本会」为本单位自己的；"
        "同名的联合会填编号（见各联合会列表）",
    )
    add_json_flag(p)
    p.set_defaults(handler=_stats)

    p = sub.add_parser("check", help="检查数据库完整性（发现问题时退出码为 1）")
    p.add_argument("--rebuild-search", action="store_true", help="先重建会员搜索索引")
    add_json_flag(p)
    p.set_defaults(handler=_check)
