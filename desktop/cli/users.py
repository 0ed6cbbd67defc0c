"""``uniondesk users add|passwd|list|disable|enable|role`` and the command's sign-in.

Who a command acts as (docs/SECURITY.md, 「命令行以谁的身份」): once this registry has
accounts, every command names one with the global ``--user NAME`` (or env
``UNIONDESK_USER``) and proves it with the account's password before it runs, so the
audit trail and the permission checks see the same person the window would. Passwords
are never command-line arguments (they would sit in the shell history and in every
process list): they are prompted with ``getpass`` (new ones twice), or read one per
line from stdin with ``--password-stdin`` — first the signing-in account's password,
then whatever the command asks for, in the order it asks. Before any account exists
nothing asks to sign in, and ``users add`` makes the first administrator.

A refused sign-in (no ``--user``, wrong password, locked or disabled account) exits 2
with the reason and is recorded in the audit trail.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from desktop import acting
from desktop.cli.common import Context, add_json_flag, print_json
from desktop.errors import UnionDeskError
from desktop.services import audit
from desktop.services.accounts import records, signin

ENV_USER = "UNIONDESK_USER"
#: Said instead of prompting when stdin is not a terminal (a scheduled task, a batch
#: file): ``getpass`` would print Python's English warnings, then read the end of input.
NO_TERMINAL = (
    "没有可以输入密码的终端：请在命令提示符窗口中运行，或加 --password-stdin "
    "从标准输入给出密码（每行一个）。未做任何改动。"
)


class SignInFailed(UnionDeskError):
    """The command may not run: exit 2 (a usage problem, nothing was done)."""


class Passwords:
    """Where a command's passwords come from: the terminal, or stdin one per line."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin
        #: The signed-in account's password, for ``users passwd`` (the old one).
        self.signed_in_with: str | None = None

    def ask(self, prompt: str, *, confirm: bool = False) -> str:
        if self.from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise SignInFailed(
                    f"--password-stdin：标准输入中缺少「{prompt.rstrip('：')}」这一行，"
                    "未做任何改动。每个密码占一行，按命令询问的顺序给出。"
                )
            return line.rstrip("\r\n")
        if not sys.stdin.isatty():
            raise SignInFailed(NO_TERMINAL)
        try:
            first = getpass.getpass(prompt)
            if confirm and getpass.getpass("再输入一次：") != first:
                raise UnionDeskError("两次输入的密码不一致，未做任何改动，请重新运行命令。")
        except EOFError:  # Ctrl-D (Ctrl-Z on Windows) at the prompt
            raise SignInFailed("没有输入密码，未做任何改动。") from None
        return first


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        metavar="用户名",
        help=f"以哪个账号运行命令（默认取环境变量 {ENV_USER}）；本机有账号后必须指定",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入读取密码（每行一个），不在终端提示；密码从不作为参数给出",
    )


def _accounts_exist(ctx: Context) -> bool:
    """Whether sign-in is needed: only an existing registry with accounts asks. A file
    that cannot be opened is left to the command itself (``check`` reads a damaged
    one; every other command refuses it with the same message as before). The hub
    (``--database-url``) has no file here: its accounts are rows on the server, asked
    for like a file's."""
    if ctx.paths.database_url is None and not ctx.paths.database.exists():
        return False
    try:
        return records.exist(ctx.db)
    except UnionDeskError:
        return False


@contextmanager
def command_actor(ctx: Context, args: argparse.Namespace) -> Iterator[None]:
    """Sign in for one command when accounts exist; the actor ends with the command."""
    args.passwords = Passwords(bool(getattr(args, "password_stdin", False)))
    if getattr(args, "without_sign_in", False) or not _accounts_exist(ctx):
        yield
        return
    name = (getattr(args, "user", None) or os.environ.get(ENV_USER, "")).strip()
    if not name:
        audit.record(ctx.db, audit.LOGIN_FAILED, "命令行：未指定账号")
        raise SignInFailed(
            f"本机已设置账号，请用 --user 用户名（或环境变量 {ENV_USER}）指定以哪个账号运行，"
            "命令会询问该账号的密码。"
        )
    password = args.passwords.ask(f"账号「{name}」的密码：")
    try:
        actor = signin.authenticate(ctx.db, name, password)
    except signin.SignInRefused as exc:
        raise SignInFailed(f"登录失败：{exc.message}") from None
    args.passwords.signed_in_with = password
    with acting.acting_as(actor):
        yield


# -- verbs ---------------------------------------------------------------------------

#: A role by its code or its Chinese label (admin / 管理员 …).
_ROLE_NAMES = {
    **{code: code for code in records.ROLES},
    **{label: code for code, label in acting.ROLE_LABELS.items()},
}


def _role(text: str) -> str:
    role = _ROLE_NAMES.get(text.strip())
    if role is None:
        choices = "、".join(f"{c}（{acting.ROLE_LABELS[c]}）" for c in records.ROLES)
        raise argparse.ArgumentTypeError(f"角色应为 {choices}：{text}")
    return role


def _add(ctx: Context, args: argparse.Namespace) -> int:
    db = ctx.db
    first = not records.exist(db)
    if first and args.role not in (None, acting.ADMIN):
        raise UnionDeskError("本机还没有账号：第一个账号必须是管理员，请去掉 --role 后重试。")
    if not first:
        acting.require(acting.ADMINISTER)  # before asking for a password it cannot use
    password = args.passwords.ask(f"新账号「{args.username}」的密码：", confirm=True)
    if first:
        made = records.create_first_admin(db, args.username, args.name, password)
        print(
            f"已创建第一个账号「{made.username}」（管理员，可查看敏感信息）。"
            f"以后运行命令请加 --user {made.username}，图形界面启动时会要求登录。"
        )
        return 0
    made = records.add(
        db, args.username, args.name, password, args.role or acting.STAFF, sensitive=args.sensitive
    )
    print(f"已创建账号「{made.username}」（{made.role_label}）。")
    return 0


def _passwd(ctx: Context, args: argparse.Namespace) -> int:
    me = acting.current()
    target = (args.username or me.username).strip()
    if not me.signed_in:
        raise UnionDeskError("本机还没有账号，请先用 uniondesk users add 创建管理员账号。")
    if target.casefold() == me.username.casefold():
        old = args.passwords.signed_in_with or args.passwords.ask("原密码：")
        new = args.passwords.ask("新密码：", confirm=True)
        records.change_password(ctx.db, me.username, old, new)
        print(f"账号「{me.username}」的密码已修改。")
        return 0
    acting.require(acting.ADMINISTER)
    new = args.passwords.ask(f"账号「{target}」的新密码：", confirm=True)
    records.reset_password(ctx.db, target, new)
    print(f"账号「{target}」的密码已重置，请通知本人登录后修改。")
    return 0


def _recover(ctx: Context, args: argparse.Namespace) -> int:
    """Runs without signing in: the recovery key is the proof (docs/SECURITY.md)."""
    code = args.passwords.ask("恢复密钥（XXXX-XXXX-…）：")
    new = args.passwords.ask(f"管理员「{args.username}」的新密码：", confirm=True)
    made = records.reset_with_recovery_key(ctx.db, args.username, code, new)
    print(f"已用恢复密钥重置管理员「{made.username}」的密码（也已解除锁定），请用新密码登录。")
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    accounts = records.list_accounts(ctx.db)
    if args.json:
        print_json(
            [
                {
                    "username": a.username,
                    "display_name": a.display_name,
                    "role": a.role,
                    "sensitive": a.sensitive,
                    "disabled": a.disabled,
                    "locked_until": a.locked_until,
                    "password_changed_at": a.password_changed_at,
                }
                for a in accounts
            ]
        )
        return 0
    if not accounts:
        print("本机还没有账号。")
    for a in accounts:
        flags = [a.role_label]
        if a.sensitive:
            flags.append("可查看敏感信息")
        if a.disabled:
            flags.append("已停用")
        if a.locked_until is not None and a.locked_until > ctx.db.clock.utcnow():
            flags.append("已锁定")
        print(f"{a.username}\t{a.display_name}\t{'，'.join(flags)}")
    return 0


def _disable(ctx: Context, args: argparse.Namespace) -> int:
    made = records.disable(ctx.db, args.username)
    print(f"账号「{made.username}」已停用。")
    return 0


def _enable(ctx: Context, args: argparse.Namespace) -> int:
    made = records.enable(ctx.db, args.username)
    print(f"账号「{made.username}」已启用（未锁定），可以登录。")
    return 0


def _set_role(ctx: Context, args: argparse.Namespace) -> int:
    if args.role is None and args.sensitive is None:
        raise UnionDeskError(
            "请给出新角色（admin、staff、readonly），或 --sensitive / --no-sensitive。"
        )
    made = records.get(ctx.db, args.username)
    if args.role is not None:
        made = records.set_role(ctx.db, args.username, args.role)
    if args.sensitive is not None:
        made = records.set_sensitive(ctx.db, args.username, args.sensitive)
    extra = "，可查看敏感信息" if made.sensitive else ""
    print(f"账号「{made.username}」现在是{made.role_label}{extra}。")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="账号：添加、修改密码、列出、停用、角色")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)

    v = verbs.add_parser("add", help="添加账号（本机还没有账号时，创建第一个管理员）")
    v.add_argument("username", metavar="用户名")
    v.add_argument("--name", required=True, metavar="姓名", help="显示在状态栏和审计记录中")
    v.add_argument("--role", type=_role, metavar="角色", help="admin、staff（默认）或 readonly")
    v.add_argument("--sensitive", action="store_true", help="可查看困难帮扶等敏感信息")
    v.set_defaults(handler=_add)

    v = verbs.add_parser("passwd", help="修改自己的密码，或（管理员）重置别人的密码")
    v.add_argument("username", nargs="?", metavar="用户名", help="不填则修改自己的密码")
    v.set_defaults(handler=_passwd)

    v = verbs.add_parser(
        "recover", help="忘记管理员密码：用本单位的恢复密钥为该管理员设置新密码（无需登录）"
    )
    v.add_argument("username", metavar="用户名", help="管理员的用户名")
    v.set_defaults(handler=_recover, without_sign_in=True, hub_refusal=records.HUB_NO_RECOVERY_KEY)

    v = verbs.add_parser("list", help="列出账号（管理员）")
    add_json_flag(v)
    v.set_defaults(handler=_list)

    v = verbs.add_parser("disable", help="停用账号（管理员）")
    v.add_argument("username", metavar="用户名")
    v.set_defaults(handler=_disable)

    v = verbs.add_parser("enable", help="重新启用账号，并解除锁定（管理员）")
    v.add_argument("username", metavar="用户名")
    v.set_defaults(handler=_enable)

    v = verbs.add_parser("role", help="修改账号的角色或敏感信息权限（管理员）")
    v.add_argument("username", metavar="用户名")
    v.add_argument("role", nargs="?", type=_role, metavar="角色", help="admin、staff 或 readonly")
    v.add_argument(
        "--sensitive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="授予（--sensitive）或取消（--no-sensitive）查看敏感信息的权限",
    )
    v.set_defaults(handler=_set_role)
