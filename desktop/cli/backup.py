"""``uniondesk backup create|list|verify|restore``: the office's backups from the command line.

Calls the same services as the 备份与恢复 page (``desktop.services.backups``); restore
asks for confirmation (or ``--yes``) and prints what happens next.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.cli.confirming import confirm
from desktop.clock import current as current_clock
from desktop.errors import DatabaseError, UnionDeskError
from desktop.opening import open_database
from desktop.services.backups import catalog, options, restoring
from desktop.storage.database import HUB_BACKUP_REFUSED, HUB_RESTORE_REFUSED, Database
from desktop.storage.health import finding_summary


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _checked(verified: bool | None) -> str:
    return {True: "✓ 已校验", False: "✗ 校验未通过", None: "未校验"}[verified]


def _registry(ctx: Context) -> Database | None:
    """The open registry, or None when it cannot be opened (damaged, not a database):
    then list, verify and restore still work on the backups folder."""
    try:
        return ctx.db
    except DatabaseError as exc:
        print(f"注意：{exc.message}", file=sys.stderr)
        print("以下操作只读取备份文件夹，不打开当前数据库。", file=sys.stderr)
        return None


def _create(ctx: Context, args: argparse.Namespace) -> int:
    made = catalog.create(ctx.db)
    print(f"已备份：{made.backup.path}（{_size(made.backup.size)}，写入后已校验）")
    if made.second_copy is not None:
        print(f"第二份备份：{made.second_copy}（已校验）")
    if made.warning:
        print(f"警告：{made.warning}", file=sys.stderr)
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    db = _registry(ctx)
    if db is not None:
        entries = catalog.list_backups(db)
    else:
        entries = catalog.list_in(ctx.paths.backups, current_clock().now())
    if args.json:
        print_json(
            [
                {
                    "name": e.name,
                    "created": e.created.isoformat(),
                    "reason": e.reason,
                    "reason_label": e.reason_label,
                    "size": e.size,
                    "verified": e.verified,
                    "checked_at": e.checked_at.isoformat() if e.checked_at else None,
                    "second_copy": str(e.second_copy) if e.second_copy else None,
                    "named_ahead": e.ahead,
                }
                for e in entries
            ]
        )
        return 0
    if not entries:
        print(f"备份文件夹 {ctx.paths.backups} 中还没有备份。用 uniondesk backup create 备份。")
    for e in entries:
        second = f"  第二份：{e.second_copy.parent}" if e.second_copy else ""
        ahead = f"  {catalog.AHEAD_NOTE}" if e.ahead else ""
        print(
            f"{e.created:%Y-%m-%d %H:%M:%S}  {e.reason_label:<8}  {_size(e.size):>9}  "
            f"{_checked(e.verified)}  {e.name}{second}{ahead}"
        )
    return 0


def _verify(ctx: Context, args: argparse.Namespace) -> int:
    db = _registry(ctx)
    if db is None:
        result = catalog.verify_in(ctx.paths.backups, args.backup, current_clock().now())
    else:
        result = catalog.verify(db, args.backup)
    if result.ok:
        print(f"备份 {result.name} 校验通过，可以用来恢复。")
        return 0
    print(
        f"错误：备份 {result.name} 校验未通过：{finding_summary(result.findings)}。"
        "不要用它恢复，请选择另一份备份。",
        file=sys.stderr,
    )
    return 1


def _restore(ctx: Context, args: argparse.Namespace) -> int:
    db = _registry(ctx)
    backup = catalog.resolve_in(ctx.paths.backups, args.backup)
    if not args.yes:
        print(
            f"将用备份 {backup.name} 恢复数据库。当前数据库会移到 backups/replaced-… 文件夹保留"
            "（不会删除），备份之后在本机录入的数据将不在恢复后的数据库中。"
        )
        if not confirm("确认恢复？[y/N] "):
            raise UnionDeskError("已取消恢复，未做任何改动。")
    ctx._db = None  # restore closes it; the reopened registry is closed below
    try:
        if db is None:
            result = restoring.restore_unopenable(ctx.paths, current_clock(), backup, open_database)
        else:
            result = restoring.restore(db, backup, open_database)
    except restoring.RestoreError as exc:
        if exc.db is not None:
            exc.db.close()
        raise
    result.db.close()
    print(result.message)
    return 0


def _settings(ctx: Context, args: argparse.Namespace) -> int:
    db = ctx.db
    if args.keep is not None:
        options.set_keep_count(db, args.keep)
    if args.second_copy is not None:
        options.set_second_copy_dir(db, args.second_copy or None)
    second = options.second_copy_dir(db)
    print(f"保留最近 {options.keep_count(db)} 份备份，另外每月最新的一份保留一年。")
    print(f"第二份备份：{second if second else '未设置'}")
    return 0


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数，而不是「{value}」") from None


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="备份与恢复：备份、查看、校验、恢复")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)
    create = verbs.add_parser("create", help="立即备份（写入后校验；设置了第二份备份时一并复制）")
    create.set_defaults(handler=_create, hub_refusal=HUB_BACKUP_REFUSED)
    ls = verbs.add_parser("list", help="列出备份（最新在前）")
    add_json_flag(ls)
    ls.set_defaults(handler=_list, hub_refusal=HUB_RESTORE_REFUSED)
    verify = verbs.add_parser("verify", help="校验一份备份")
    verify.add_argument(
        "backup", metavar="备份", help="备份文件名（见 backup list），或备份文件的路径"
    )
    verify.set_defaults(handler=_verify, hub_refusal=HUB_RESTORE_REFUSED)
    restore = verbs.add_parser(
        "restore", help="用一份备份恢复数据库（当前数据库移到一旁保留，不会删除；需要管理员）"
    )
    restore.add_argument(
        "backup", metavar="备份", help="备份文件名（见 backup list），或备份文件的路径"
    )
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    restore.set_defaults(handler=_restore, hub_refusal=HUB_RESTORE_REFUSED)
    settings = verbs.add_parser("settings", help="查看或修改备份设置（修改需要管理员）")
    settings.add_argument("--keep", type=_int, help="保留最近多少份备份（1–365，默认 30）")
    settings.add_argument(
        "--second-copy", metavar="文件夹", help="第二份备份的文件夹或 U 盘（空字符串表示关闭）"
    )
    settings.set_defaults(handler=_settings, hub_refusal=HUB_BACKUP_REFUSED)
