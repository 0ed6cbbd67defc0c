"""``uniondesk settings show [--json]`` and ``uniondesk settings set KEY VALUE``.

The same service as the 设置 page (``desktop.services.settings.office``): the same
checks, administrators only once accounts exist, each change in the audit trail. The
sync identity is shown from ``desktop.sync.office``; its key card is exported with
``uniondesk sync id --export-key FILE`` (one command for key material).
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.errors import ValidationError
from desktop.services.settings import office as settings
from desktop.sync import office as sync_office


def _key_help() -> str:
    lines = ["可设置的设置项："]
    group = ""
    for key in settings.KEYS:
        if key.group != group:
            group = key.group
            lines.append(f"【{group}】")
        lines.append(f"  {key.key:<24}{key.label}：{key.meaning}")
    lines.append(
        "本机同步身份（名称、指纹）随「本会名称」；导出密钥卡：uniondesk sync id --export-key 文件"
    )
    return "\n".join(lines)


def _as_dict(ctx: Context) -> dict[str, Any]:
    seen = settings.read(ctx.db)
    fed = seen.federation
    me = sync_office.this_office(ctx.db)
    return {
        "name": fed.name if fed else None,
        "credit_code": fed.credit_code if fed else None,
        "address": fed.address if fed else None,
        "contact_person": fed.contact_person if fed else None,
        "contact_phone": fed.contact_phone if fed else None,
        "card_prefix": seen.card_prefix,
        "backup_keep": seen.backup_keep,
        "backup_second_copy_dir": (
            str(seen.backup_second_copy_dir) if seen.backup_second_copy_dir else None
        ),
        "idle_lock_minutes": seen.idle_lock_minutes,
        "income_threshold": seen.income_threshold,
        "sync_office_name": me.name,
        "sync_fingerprint": me.fingerprint,
    }


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "（未设置）"
    if key == "idle_lock_minutes":
        return "从不锁屏" if value == 0 else f"{value} 分钟"
    if key == "income_threshold":
        return f"{value} 元/人·月"
    if key == "backup_keep":
        return f"{value} 份"
    return str(value)


def _show(ctx: Context, args: argparse.Namespace) -> int:
    values = _as_dict(ctx)
    if args.json:
        print_json(values)
        return 0
    group = ""
    for key in settings.KEYS:
        if key.key.startswith("backup_") and not ctx.db.takes_file_backups:
            continue  # the hub keeps no file backups (its administrator's pg_dump)
        if key.group != group:
            group = key.group
            print(f"【{group}】")
        print(f"  {key.label}（{key.key}）：{_shown(key.key, values[key.key])}")
    print("【同步身份】")
    print(f"  本机名称：{values['sync_office_name'] or '（未设置）'}")
    print(f"  指纹：{values['sync_fingerprint']}")
    return 0


def _set(ctx: Context, args: argparse.Namespace) -> int:
    label = settings.KEY_NAMES[args.key].label if args.key in settings.KEY_NAMES else args.key
    try:
        settings.set_value(ctx.db, args.key, args.value)
    except ValidationError as exc:
        if exc.field == "key":
            raise
        raise ValidationError(
            f"设置「{label}」（{args.key}）：{exc.message}", field=exc.field
        ) from None
    shown = _shown(args.key, _as_dict(ctx)[args.key])
    print(f"已保存：{label} = {shown}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("settings", help="设置：本会信息、会员证、备份、安全、困难帮扶")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>", required=True)
    p = verbs.add_parser(
        "show",
        help="显示本机的全部设置和同步身份",
        description="显示本机的全部设置和同步身份。\n\n" + _key_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_json_flag(p)
    p.set_defaults(handler=_show)
    p = verbs.add_parser(
        "set",
        help="修改一项设置（需要管理员账号；记入审计日志）",
        description="修改一项设置（需要管理员账号；每次修改记入审计日志）。\n\n" + _key_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("key", metavar="设置项", help="设置项，见下方列表")
    p.add_argument("value", metavar="值", help='新的值；填 "" 表示清除（可选项）')
    p.set_defaults(handler=_set)
