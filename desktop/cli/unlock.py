"""``uniondesk unlock`` (a moved folder or a restored backup asks once) and
``uniondesk recovery-key`` (a new recovery key, the old one stops working).

The database is encrypted (docs/SECURITY.md). A data folder copied to another PC, or a
backup restored there, opens only after an administrator's password or the recovery
key has unwrapped its key from ``keys.json``; this command does that and keeps the key
for this installation. Secrets are prompted (``getpass``) or read from stdin
(``--stdin``), never taken as arguments (they would stay in the shell's history).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from desktop import acting
from desktop.cli.common import Context
from desktop.errors import UnionDeskError
from desktop.services import audit
from desktop.services.backups import catalog
from desktop.storage import keys
from desktop.storage.database import HUB_HAS_NO_KEYS

RECOVERY_WARNING = (
    "请立即把上面的恢复密钥抄写或打印出来，保存在电脑以外的安全地方（例如单位保险柜）。"
    "它只显示这一次，本程序不保存它的明文。数据文件夹被移到另一台电脑、或在新电脑上从备份恢复时，"
    "需要输入管理员密码或这个恢复密钥；两者都没有，数据将无法读取。"
)


def print_recovery_key(code: str) -> None:
    """The recovery key, once, on stderr (stdout may be a JSON document)."""
    print(f"\n【恢复密钥】{code}\n{RECOVERY_WARNING}\n", file=sys.stderr)


def _secret(prompt: str, from_stdin: bool, *, what: str) -> str:
    """A password or the recovery key (``what``), from stdin with ``--stdin``, else typed
    at the terminal; refused, before any prompt, when there is no terminal (a scheduled
    task): ``getpass`` would print Python's English warnings and then fail."""
    if from_stdin:
        given = sys.stdin.readline().rstrip("\r\n")
        if not given.strip():  # an empty pipe or file: not a wrong secret
            raise UnionDeskError(f"没有从标准输入读到{what}（输入为空），未做任何改动。")
        return given
    if not sys.stdin.isatty():
        raise UnionDeskError(
            f"没有可以输入{what}的终端：请在命令提示符窗口中运行，或加 --stdin 从标准输入"
            f"给出{what}。未做任何改动。"
        )
    try:
        return getpass.getpass(prompt)
    except EOFError:  # Ctrl-D (Ctrl-Z on Windows) at the prompt
        raise UnionDeskError(f"没有输入{what}，未做任何改动。") from None


def _unlock(ctx: Context, args: argparse.Namespace) -> int:
    if args.backup:
        return _unlock_backup(ctx, args)
    ring = keys.read_ring(keys.keys_file(ctx.paths))
    if ring is None:
        print(
            f"错误：数据目录 {ctx.paths.data_dir} 中没有 keys.json，无需解锁或无法解锁。"
            "要在这台电脑上用另一台电脑的备份恢复：把备份和它旁边同名的 .keys.json 复制到"
            "数据目录的 backups 文件夹，运行 uniondesk unlock --backup 备份文件名，"
            "再运行 uniondesk backup restore 备份文件名。",
            file=sys.stderr,
        )
        return 1
    if keys.load_key(ring.key_id) is not None:
        print("本机已保存这个数据库的密钥，无需解锁。")
        return 0
    _unwrap(ctx, args, None)
    audit.record(ctx.db, audit.DATABASE_KEY, audit.unlocked_detail(args.user))
    print("已解锁：本机已保存数据库密钥，以后打开不再询问。")
    return 0


def _unlock_backup(ctx: Context, args: argparse.Namespace) -> int:
    """A backup made under another key (another PC, an older data dir): its own
    ``.keys.json`` is unlocked, so ``backup restore`` can then unpack it here."""
    backup = catalog.resolve_in(ctx.paths.backups, args.backup)
    ring_file = keys.backup_keys_file(backup)
    ring = keys.read_ring(ring_file)
    if ring is None:
        print(
            f"错误：备份 {backup.name} 旁边没有同名的 {ring_file.name}，无法解锁。"
            "请把它从原来的备份文件夹一并复制过来。",
            file=sys.stderr,
        )
        return 1
    if keys.load_key(ring.key_id) is None:
        _unwrap(ctx, args, ring_file)
    print(
        f"已解锁备份 {backup.name}：本机已保存它的密钥。"
        f"现在可以运行 uniondesk backup restore {backup.name} 恢复。"
    )
    return 0


def _unwrap(ctx: Context, args: argparse.Namespace, ring_file: Path | None) -> None:
    if args.user:
        password = _secret(f"管理员「{args.user}」的密码：", args.stdin, what="密码")
        keys.unlock_with_password(ctx.paths, args.user, password, ring_file=ring_file)
    else:
        code = _secret("恢复密钥（XXXX-XXXX-…）：", args.stdin, what="恢复密钥")
        keys.unlock_with_recovery_key(ctx.paths, code, ring_file=ring_file)


def _new_recovery_key(ctx: Context, args: argparse.Namespace) -> int:
    acting.require(acting.ADMINISTER)
    key = keys.database_key(ctx.paths)
    code = keys.new_recovery_key(ctx.paths, key)
    audit.record(ctx.db, audit.DATABASE_KEY, audit.RECOVERY_KEY_REPLACED)
    print("已生成新的恢复密钥，旧的恢复密钥从现在起不能再用。")
    print_recovery_key(code)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "unlock",
        help="用管理员密码或恢复密钥解锁加密的数据库（文件夹移到新电脑或从备份恢复之后）",
    )
    p.add_argument("--user", metavar="用户名", help="用这位管理员的密码解锁（不给则输入恢复密钥）")
    p.add_argument("--stdin", action="store_true", help="从标准输入读取密码或恢复密钥（一行）")
    p.add_argument(
        "--backup",
        metavar="备份",
        help="解锁一份来自另一台电脑的备份（备份文件名或路径；它旁边须有同名的 .keys.json）",
    )
    p.set_defaults(handler=_unlock, hub_refusal=HUB_HAS_NO_KEYS)

    p = sub.add_parser("recovery-key", help="生成新的恢复密钥（旧的作废；只显示一次）")
    p.set_defaults(handler=_new_recovery_key, hub_refusal=HUB_HAS_NO_KEYS)
