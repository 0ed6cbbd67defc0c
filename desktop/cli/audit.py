"""``uniondesk audit list|verify``: read the local audit trail and check its hash chain.

``list`` filters like the viewer page (account, action, dates, text); ``verify`` walks the
chain and exits 1 naming the first broken entry (edited, missing, out of order, tail
cut), so a script or a scheduled task can check the trail.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop.cli.common import Context, add_json_flag, iso_date, print_json
from desktop.services import audit
from desktop.services.audit.wording import shown_detail


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是「{value}」")
    return number


def _action(value: str) -> str:
    if value in audit.ACTION_LABELS:
        return value
    for code, label in audit.ACTION_LABELS.items():
        if value == label:
            return code
    codes = "、".join(f"{c}（{label}）" for c, label in audit.ACTION_LABELS.items())
    raise argparse.ArgumentTypeError(f"未知的操作类型「{value}」，可用：{codes}")


def _list(ctx: Context, args: argparse.Namespace) -> int:
    if args.since and args.until and args.since > args.until:
        print("--since 的日期晚于 --until，请调换后重试。", file=sys.stderr)
        return 1
    records = audit.entries(
        ctx.db,
        audit.AuditFilter(
            account=args.account,
            action=args.action,
            since=args.since,
            until=args.until,
            text=args.text,
            limit=args.limit,
        ),
    )
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "occurred_at": r.occurred_at.isoformat(),
                    "account": r.account,
                    "account_id": r.account_id,
                    "os_user": r.os_user,
                    "action": r.action,
                    "label": r.label,
                    "detail": r.detail,
                    "table": r.tbl,
                    "record_id": r.record_id,
                    "fields": r.fields.split(",") if r.fields else [],
                }
                for r in records
            ]
        )
        return 0
    if not records:
        print("没有符合条件的审计记录。")
    for r in records:
        when = r.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        detail = shown_detail(r)
        print(f"{when}  {r.account}  {r.label}" + (f"：{detail}" if detail else ""))
    return 0


def _verify(ctx: Context, args: argparse.Namespace) -> int:
    verdict = audit.verify(ctx.db)
    if args.json:
        broken = verdict.broken
        print_json(
            {
                "ok": verdict.ok,
                "count": verdict.count,
                "anchored": verdict.anchored,
                "message": verdict.message,
                "broken": None
                if broken is None
                else {
                    "kind": broken.kind,
                    "id": broken.entry_id,
                    "occurred_at": broken.occurred_at,
                },
            }
        )
    elif verdict.ok:
        print(verdict.message)
    else:
        print(verdict.message, file=sys.stderr)
    return 0 if verdict.ok else 1


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help="本机审计记录：谁在何时做了什么；校验记录是否完整")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)
    ls = verbs.add_parser("list", help="列出审计记录（最新在前）")
    ls.add_argument("--user", dest="account", metavar="账号", help="只看该账号的操作")
    ls.add_argument(
        "--action", type=_action, metavar="类型", help="只看该类操作（代码或中文名，如 export）"
    )
    ls.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="从该日起（含）")
    ls.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="到该日止（含）")
    ls.add_argument("--text", metavar="文字", help="说明中含有这段文字")
    ls.add_argument("--limit", type=_positive, default=200, help="最多显示多少条（默认 200）")
    add_json_flag(ls)
    ls.set_defaults(handler=_list)
    vf = verbs.add_parser("verify", help="校验审计记录的哈希链：被改动、删除、调换或截去都会指出")
    add_json_flag(vf)
    vf.set_defaults(handler=_verify)
