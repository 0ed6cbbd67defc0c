"""``uniondesk audit list``: the local audit trail (e.g. unmasked roster exports)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.services import audit


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是「{value}」")
    return number


def _list(ctx: Context, args: argparse.Namespace) -> int:
    records = audit.recent(ctx.db, args.limit)
    if args.json:
        print_json(
            [
                {
                    "occurred_at": r.occurred_at.isoformat(),
                    "os_user": r.os_user,
                    "action": r.action,
                    "label": r.label,
                    "detail": r.detail,
                }
                for r in records
            ]
        )
        return 0
    if not records:
        print("审计记录为空。")
    for r in records:
        when = r.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {r.os_user}  {r.label}" + (f"：{r.detail}" if r.detail else ""))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="本机审计记录（如导出未打码的名册）")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)
    ls = verbs.add_parser("list", help="列出最近的审计记录（最新在前）")
    ls.add_argument("--limit", type=_positive, default=200, help="最多显示多少条（默认 200）")
    add_json_flag(ls)
    ls.set_defaults(handler=_list)
