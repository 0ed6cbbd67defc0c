"""``uniondesk members …``: register, edit, show, find, mark as left, delete.

The ``--<field>`` options are built from ``MEMBER_FIELDS``; every rule is in
``desktop.services.members``. ID numbers and phones are masked in every output except
``members show --unmasked``; beside a masked number the birth date is given as its year
only (``birth_year``), since the full date gives the number back (``masking``).

Two clerks at once (issue #25): ``members show`` prints the record's 版本 (``version``
in JSON); ``members update``/``leave``/``delete --if-version N`` save only if nobody
saved since that version, and otherwise print what the other write changed (masked),
write nothing and exit 1 — a script that reads, decides and writes passes the version
it read. Without ``--if-version`` a command writes what it is given, as before.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, replace
from typing import Any

from desktop.cli import erasure as erasure_cli
from desktop.cli.common import (
    UNMASK_REASON_HELP,
    Context,
    add_json_flag,
    iso_date,
    print_json,
    status_filter,
    unmask_reason,
)
from desktop.errors import EditConflictError
from desktop.models.codes import GENDER, MEMBERSHIP_STATUS
from desktop.models.masking import birth_year_text, mask_id_number, mask_phone
from desktop.models.member_fields import MEMBER_FIELDS
from desktop.services import audit
from desktop.services.members import history as member_history
from desktop.services.members import queries as member_queries
from desktop.services.members import registry as members
from desktop.services.members import status_rules
from desktop.services.members import writer as member_writer
from desktop.services.unions import registry as unions
from desktop.services.unions import scope

# Fields with their own option names (the union is given by name, not by id).
_SPECIAL = {"name", "id_number", "union_id"}


def _leave_status(text: str) -> str:
    """A leaving status (``status_rules.LEAVE_STATUSES``) by its label (已退会), alias or
    code; else a usage error naming the ones there are."""
    code = MEMBERSHIP_STATUS.lookup(text)
    if code in status_rules.LEAVE_STATUSES or code == "transferred_out":
        return code  # 已转出: the service says to go through transfers out, as the window
    leaving = [(c, label) for c, label in MEMBERSHIP_STATUS if c in status_rules.LEAVE_STATUSES]
    labels, codes = "、".join(lb for _c, lb in leaving), "、".join(c for c, _lb in leaving)
    raise argparse.ArgumentTypeError(f"离会类型应为：{labels}（或代码 {codes}）")


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _add_field_options(parser: argparse.ArgumentParser, *, creating: bool) -> None:
    parser.add_argument("--name", required=creating, metavar="姓名", help="姓名")
    parser.add_argument("--id-number", required=creating, metavar="号码", help="公民身份号码")
    parser.add_argument("--union", required=creating, metavar="工会名称", help="所属工会的名称")
    for spec in MEMBER_FIELDS:
        if spec.name in _SPECIAL:
            continue
        parser.add_argument(_option(spec.name), dest=spec.name, metavar="值", help=spec.label)


def _values(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {
        spec.name: getattr(args, spec.name)
        for spec in MEMBER_FIELDS
        if spec.name not in _SPECIAL and getattr(args, spec.name) is not None
    }
    if args.name is not None:
        values["name"] = args.name
    if args.id_number is not None:
        values["id_number"] = args.id_number
    if args.union is not None:
        values["union_id"] = unions.id_by_name(ctx.db, args.union)
    return values


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"注意：{warning}", file=sys.stderr)


def _add(ctx: Context, args: argparse.Namespace) -> int:
    members.require_federation(ctx.db)
    record, warnings = members.add(ctx.db, _values(ctx, args))
    _warn(warnings)
    print(record.id)
    return 0


def _seen(args: argparse.Namespace) -> member_writer.Seen | None:
    version = getattr(args, "if_version", None)
    return None if version is None else member_writer.Seen(version)


def _conflict(exc: EditConflictError) -> int:
    """The refusal and, under it, what differs: 字段 / 当前保存的值 / 您填写的值."""
    print(exc.message, file=sys.stderr)
    if exc.differences:
        print("字段\t当前保存的值\t您填写的值", file=sys.stderr)
        for d in exc.differences:
            print(f"{d.label}\t{d.theirs}\t{d.yours}", file=sys.stderr)
    print(
        f"当前版本：{exc.version}（核对后可用 --if-version {exc.version} 再次保存）",
        file=sys.stderr,
    )
    return 1


def _update(ctx: Context, args: argparse.Namespace) -> int:
    changes = _values(ctx, args)
    if not changes:
        print("用法错误：没有要修改的字段（例如 --phone 13800138000）", file=sys.stderr)
        return 2
    try:
        record, warnings = members.update(ctx.db, args.id, changes, seen=_seen(args))
    except EditConflictError as exc:
        return _conflict(exc)
    _warn(warnings)
    print(f"已更新会员 {record.id}")
    return 0


def _delete(ctx: Context, args: argparse.Namespace) -> int:
    try:
        members.delete(ctx.db, args.id, seen=_seen(args))
    except EditConflictError as exc:
        return _conflict(exc)
    print(f"已删除会员 {args.id}")
    return 0


def _show(ctx: Context, args: argparse.Namespace) -> int:
    why = unmask_reason(args)  # before anything is read: a refused reason reads nothing
    record = members.get(ctx.db, args.id)
    birth = record.birth_date
    if why is not None:  # recorded before anything is shown: no trace, no full numbers
        audit.record(
            ctx.db,
            audit.UNMASKED_VIEW,
            f"会员 {record.id}：身份证号、手机号（命令行）；原因：{audit.free_text(why)}",
        )
    else:
        record = replace(
            record,
            id_number=mask_id_number(record.id_number),
            phone=mask_phone(record.phone),
            birth_date=None,
        )
    if args.json:
        shown = asdict(record)
        if not args.unmasked:
            del shown["birth_date"]
            shown["birth_year"] = birth.year if birth else None
        print_json(shown)
        return 0
    labels = {spec.name: spec.label for spec in MEMBER_FIELDS}
    codes = {spec.name: spec.codes for spec in MEMBER_FIELDS if spec.codes is not None}
    labels.update(
        id="会员编号", union_name="所属工会", gender="性别", birth_date="出生日期",
        left_on="离会日期", leave_reason="离会原因", photo="照片", version="版本",
    )  # fmt: skip
    for key, value in asdict(record).items():
        if key == "birth_date" and not args.unmasked and birth is not None:
            print(f"出生年份：{birth_year_text(birth)}")
            continue
        if key == "union_id" or value is None:
            continue
        if key == "gender":
            value = GENDER.label(value)
        elif key in codes:
            value = codes[key].label(value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        print(f"{labels.get(key, key)}：{value}")
    return 0


def _row_json(row: member_queries.MemberRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "gender": row.gender,
        "birth_year": row.birth_date.year if row.birth_date else None,
        "union_name": row.union_name,
        "id_number": row.id_number_masked,
        "phone": row.phone_masked,
        "card_no": row.card_no,
        "membership_status": row.membership_status,
        "joined_on": row.joined_on,
        "is_migrant_worker": row.is_migrant_worker,
    }


def _find(ctx: Context, args: argparse.Namespace) -> int:
    rows = member_queries.search_members(ctx.db, args.query, args.limit)
    if args.json:
        print_json([_row_json(r) for r in rows])
        return 0
    if not rows:
        print("没有找到匹配的会员。")
    _print_rows(rows)
    return 0


def _print_rows(rows: list[member_queries.MemberRow]) -> None:
    """One line a member, masked: what ``members find`` and ``members list`` print."""
    for r in rows:
        status = MEMBERSHIP_STATUS.label(r.membership_status)
        print(
            f"{r.id}  {r.name}  {r.id_number_masked}  {r.phone_masked or '-'}  "
            f"{r.card_no or '-'}  {r.union_name}  {status}"
        )


def _list(ctx: Context, args: argparse.Namespace) -> int:
    """The member list, narrowed like the members page: a federation (an upper office's
    sub-federation, or 本会), a union, a status, search words."""
    federation_id = scope.resolve(ctx.db, args.federation)
    union_id = unions.id_by_name(ctx.db, args.union, federation_id) if args.union else None
    flt = member_queries.MemberFilter(
        union_id=union_id, status=args.status, search=args.search, federation_id=federation_id
    )
    rows = member_queries.read_page(ctx.db, flt, limit=args.limit)
    if args.json:
        print_json([_row_json(r) for r in rows])
        return 0
    total = member_queries.count_matching(ctx.db, flt)
    if not rows:
        print("没有符合条件的会员。")
    _print_rows(rows)
    if total > len(rows):
        print(f"共 {total} 名，只显示前 {len(rows)} 名（可用 --limit 调整）")
    return 0


def _leave(ctx: Context, args: argparse.Namespace) -> int:
    try:
        record = members.mark_left(
            ctx.db, args.id, args.status, on=args.on, reason=args.reason, seen=_seen(args)
        )
    except EditConflictError as exc:
        return _conflict(exc)
    label = MEMBERSHIP_STATUS.label(record.membership_status)
    print(f"已将会员 {record.id} 的会籍状态改为「{label}」")
    return 0


def _history(ctx: Context, args: argparse.Namespace) -> int:
    rows = member_history.status_history(ctx.db, args.id)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("该会员没有会籍状态变更记录。")
    for r in rows:
        before = MEMBERSHIP_STATUS.label(r.from_status) if r.from_status else "（入会）"
        print(
            f"{r.changed_on:%Y-%m-%d}  {before} → {MEMBERSHIP_STATUS.label(r.to_status)}  "
            f"{r.reason or '-'}  经办：{r.operator or '-'}"
        )
    return 0


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为整数：{text}") from exc
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError("应在 1 到 10000 之间")
    return value


def _photo(ctx: Context, args: argparse.Namespace) -> int:
    """Attach or replace (FILE) or remove (--remove) a member's photo."""
    from pathlib import Path

    from desktop.services.members import photos

    if args.remove == (args.file is not None):
        print("用法错误：给出照片文件，或用 --remove 删除照片（二者选一）", file=sys.stderr)
        return 2
    if args.remove:
        photos.remove(ctx.db, args.id)
        print(f"已删除会员 {args.id} 的照片")
        return 0
    path = Path(args.file)
    photos.attach(ctx.db, args.id, path.name, photos.read_file(path))
    print(f"已为会员 {args.id} 添加照片（已按会员卡照片比例裁剪）")
    return 0


def _version(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError("应为正整数（members show 显示的「版本」）")
    return value


def _add_if_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--if-version",
        type=_version,
        metavar="N",
        help="只在记录仍是第 N 版时保存（members show 显示的「版本」）；"
        "期间有人修改过则列出差异、不写入",
    )


def register(sub: Any) -> None:
    p = sub.add_parser("members", help="会员")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)

    v = verbs.add_parser("add", help="登记会员（输出新会员编号）")
    _add_field_options(v, creating=True)
    v.set_defaults(handler=_add)

    v = verbs.add_parser("update", help="修改会员信息")
    v.add_argument("id", metavar="会员编号")
    _add_field_options(v, creating=False)
    _add_if_version(v)
    v.set_defaults(handler=_update)

    v = verbs.add_parser("delete", help="删除误录的会员（离会请用 leave）")
    v.add_argument("id", metavar="会员编号")
    _add_if_version(v)
    v.set_defaults(handler=_delete)

    v = verbs.add_parser("show", help="查看会员")
    v.add_argument("id", metavar="会员编号")
    v.add_argument(
        "--unmasked", action="store_true", help="显示完整身份证号和手机号（记入审计记录）"
    )
    v.add_argument("--reason", metavar="原因", help=UNMASK_REASON_HELP)
    add_json_flag(v)
    v.set_defaults(handler=_show)

    v = verbs.add_parser("find", help="搜索会员（姓名、拼音、身份证尾号、手机号、会员证号）")
    v.add_argument("query", metavar="查询")
    v.add_argument("--limit", type=_limit, default=50, metavar="N", help="最多显示条数")
    add_json_flag(v)
    v.set_defaults(handler=_find)

    v = verbs.add_parser("list", help="列出会员（可按联合会、工会、会籍状态筛选）")
    v.add_argument(
        "--federation",
        metavar="联合会名称",
        help="只列出该联合会（本会或收到的下级联合会）的会员；「本会」为本单位自己的",
    )
    v.add_argument("--union", metavar="工会名称", help="只列出该工会的会员")
    v.add_argument(
        "--status",
        type=status_filter,
        metavar="状态",
        help="会籍状态（在会、保留会籍、已转出 … 或代码 active、retained …）；"
        "current 表示在会+保留会籍",
    )
    v.add_argument("--search", metavar="查询", help="姓名、拼音、身份证尾号、手机号或会员证号")
    v.add_argument("--limit", type=_limit, default=200, metavar="N", help="最多显示条数")
    add_json_flag(v)
    v.set_defaults(handler=_list)

    v = verbs.add_parser("leave", help="会员离会或保留会籍（记录保留）")
    v.add_argument("id", metavar="会员编号")
    v.add_argument(
        "--status",
        required=True,
        type=_leave_status,
        metavar="离会类型",
        help="已退会、已开除 或 保留会籍（也可写代码 withdrawn、expelled、retained）",
    )
    v.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="离会日期（默认今天）")
    v.add_argument("--reason", metavar="原因", help="离会原因")
    _add_if_version(v)
    v.set_defaults(handler=_leave)

    v = verbs.add_parser("photo", help="添加、更换或删除会员照片（JPEG/PNG）")
    v.add_argument("id", metavar="会员编号")
    v.add_argument("file", nargs="?", metavar="照片文件", help="JPEG 或 PNG 照片")
    v.add_argument("--remove", action="store_true", help="删除该会员的照片")
    v.set_defaults(handler=_photo)
    v = verbs.add_parser("history", help="会籍状态变更记录")
    v.add_argument("id", metavar="会员编号")
    add_json_flag(v)
    v.set_defaults(handler=_history)
    erasure_cli.add_erase_verb(verbs)
