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
from desktop.models.erasure import ERASURE_REASON
from desktop.services.erasure import records as erasure
from desktop.services.erasure.backups import HeldBackup

_REASONS = "、".join(f"{code}（{label}）" for code, label in ERASURE_REASON)
WHAT = (
    "将删除该会员的个人信息：姓名、身份证号、手机号、出生日期、民族等个人资料、工作单位、"
    "会员证号、照片和备注；同一人的入会申请、困难职工档案（含家庭成员）、法律援助申请人信息和"
    "活动签到中的姓名；并从搜索和同步修改记录中清除。同步后各单位都会同样删除。此操作不可撤销。"
)


def backup_lines(held: list[HeldBackup]) -> list[str]:
    """What the clerk is told about the backups made before the erasure."""
    if not held:
        return ["没有早于本次删除的备份。"]
    lines = [
        f"以下 {len(held)} 份备份早于本次删除，仍含有此人的信息；备份轮换最迟在所列日期后删除它们"
        "（保留最近的备份，另每月一份保留 12 个月，因此最迟为备份日期后 13 个月）："
    ]
    lines += [f"  {b.name}：最迟 {b.removed_by.isoformat()} 后删除" for b in held]
    return lines


def _erase(ctx: Context, args: argparse.Namespace) -> int:
    reason = erasure.reason_code(args.reason)
    member_id = erasure.resolve(ctx.db, args.member)
    if not args.yes:
        print(WHAT)
        if input(f"确认删除会员记录 {member_id} 的个人信息？[y/N] ").strip().lower() not in {
            "y",
            "yes",
            "是",
        }:
            print("已取消，未删除任何信息。")
            return 1
    result = erasure.erase(ctx.db, member_id, reason)
    if args.json:
        print_json(result)
        return 0
    blanked = "，".join(f"{table} {count} 条" for table, count in sorted(result.rows.items()))
    print(
        f"已删除会员记录 {member_id} 的个人信息（{blanked}；"
        f"修改记录改写 {result.log_changes} 条）。"
    )
    for line in backup_lines(result.backups):
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
