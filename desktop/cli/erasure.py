"""``uniondesk members erase`` and ``uniondesk erasures list``: 个人信息删除 (PIPL Art. 47).

The erase verb sits with the other member verbs (``members.register`` adds it from
here); ``erasures list`` shows what was erased here or received, without any personal
value. After an erasure the backups made before it are listed: they still hold the
person until the rotation removes them.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.cli.confirming import confirm
from desktop.models.erasure import ERASURE_REASON
from desktop.services.erasure import records as erasure
from desktop.services.erasure.backups import describe as backup_lines

_REASONS = "、".join(f"{code}（{label}）" for code, label in ERASURE_REASON)


def _erase(ctx: Context, args: argparse.Namespace) -> int:
    reason = erasure.reason_code(args.reason)
    member_id = erasure.resolve(ctx.db, args.member)
    if not args.yes:
        print(erasure.WHAT_IS_ERASED)
        if not confirm(f"确认删除会员记录 {member_id} 的个人信息？[y/N] "):
            print("已取消，未删除任何信息。")
            return 1
    result = erasure.erase(ctx.db, member_id, reason)
    if args.json:
        print_json(result)
        return 0
    print(erasure.summary(result))
    for line in backup_lines(result.backups, file_backups=result.file_backups):
        print(line)
    return 0


def add_erase_verb(verbs: Any) -> None:
    v = verbs.add_parser("erase", help="删除个人信息（本人申请等；不可撤销，同步到各单位）")
    v.add_argument("member", metavar="会员编号或身份证号")
    v.add_argument("--reason", required=True, metavar="原因", help=f"删除原因：{_REASONS}")
    v.add_argument("--yes", action="store_true", help="不再询问确认")
    add_json_flag(v)
    v.set_defaults(handler=_erase)


def _list(ctx: Context, args: argparse.Namespace) -> int:
    entries = erasure.list_erasures(ctx.db)
    if args.json:
        print_json(entries)
        return 0
    if not entries:
        print("没有删除过个人信息的会员。")
        return 0
    for e in entries:
        print(f"{e.erased_at:%Y-%m-%d %H:%M}  会员记录 {e.member_id}  {e.reason_label}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("erasures", help="个人信息删除记录")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)
    v = verbs.add_parser("list", help="列出已删除个人信息的会员记录（不含个人信息）")
    add_json_flag(v)
    v.set_defaults(handler=_list)
