"""``uniondesk transfers …``: 会籍转接 out (inside or outside the federation), in from
elsewhere, and the list (issue #21 item 3).

Thin: every rule is in ``desktop.services.transfers``. ID numbers are masked in every
output; a refusal (the union the member is already in, a member not current, a date
after today) is a Chinese message on stderr and exit 1, nothing written.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from desktop.cli.common import Context, add_json_flag, iso_date, print_json
from desktop.errors import UnionDeskError
from desktop.models.codes import TRANSFER_KIND
from desktop.services.transfers import queries, records, slips
from desktop.services.unions import registry as unions

_IN_FIELDS = (
    ("phone", "手机号"),
    ("employer", "工作单位"),
    ("position", "岗位"),
    ("joined_on", "原入会日期（按新入会办理时沿用；默认转入日期）"),
    ("notes", "备注"),
)


def _kind(text_value: str) -> str:
    code = TRANSFER_KIND.lookup(text_value)
    if code is None:
        raise argparse.ArgumentTypeError(f"转接类型只能是：{'、'.join(TRANSFER_KIND.labels)}")
    return code


def _shown(record: queries.TransferRecord) -> dict[str, Any]:
    shown = asdict(record)
    shown["kind_label"] = TRANSFER_KIND.label(record.kind)
    return shown


def _line(r: queries.TransferRecord) -> str:
    return (
        f"{r.id}  {r.transferred_on:%Y-%m-%d}  {TRANSFER_KIND.label(r.kind)}  {r.slip_no or '-'}  "
        f"{r.member_name}  {r.id_number_masked}  {r.from_union or '-'} → {r.to_union or '-'}"
        + (f"  （{r.notes}）" if r.notes else "")
    )


def _out(ctx: Context, args: argparse.Namespace) -> int:
    if (args.to_union is None) == (args.to_outside is None):
        raise UnionDeskError(
            "请用 --to-union 指定本联合会的转入工会，或用 --to-outside 填写联合会以外的转入单位"
            "（二选一）"
        )
    record = records.transfer_out(
        ctx.db,
        args.member,
        to_union_id=unions.id_by_name(ctx.db, args.to_union) if args.to_union else None,
        to_union_name=args.to_outside,
        transferred_on=args.on,
        reason=args.reason,
        operator=args.operator,
    )
    if args.json:
        print_json(_shown(record))
        return 0
    if record.kind == "internal":
        print(
            f"已转接：会员已由「{record.from_union}」转至「{record.to_union}」，"
            f"转接单号 {record.slip_no}"
        )
    else:
        print(
            f"已转出：会员转至「{record.to_union}」，会籍状态为已转出，转接单号 {record.slip_no}。"
            f"打印转接单：uniondesk print form transfer 转接单.pdf --transfer {record.id}"
        )
    return 0


def _in(ctx: Context, args: argparse.Namespace) -> int:
    name = args.name
    if args.qr:
        reading = slips.read(ctx.db, args.qr)
        print(reading.message)
        name = name or reading.content.name
    if not name:
        raise UnionDeskError("请用 --name 填写转入会员的姓名（或用 --qr 扫描转接单二维码）")
    values: dict[str, Any] = {
        "name": name,
        "id_number": args.id_number,
        "union_id": unions.id_by_name(ctx.db, args.union),
    }
    for field, _label in _IN_FIELDS:
        if getattr(args, field) is not None:
            values[field] = getattr(args, field)
    done = records.transfer_in(
        ctx.db,
        values,
        slip_no=args.slip,
        from_union_name=args.from_union,
        transferred_on=args.on,
        reason=args.reason,
        qr=args.qr,
        operator=args.operator,
    )
    if args.json:
        print_json({**asdict(done), "transfer": _shown(done.transfer)})
        return 0
    if done.outcome == "linked":
        print(
            f"已转入：与此人原有的会员记录 {done.member_id} 关联并恢复在会，会员证号 {done.card_no}"
        )
    else:
        print(f"已转入（按新入会办理）：会员 {done.member_id}，会员证号 {done.card_no}")
    if done.note:
        print(f"说明：{done.note}")
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    rows = queries.listing(ctx.db, kind=args.kind, member_id=args.member)
    if args.json:
        print_json([_shown(r) for r in rows])
        return 0
    if not rows:
        print("没有会籍转接记录。")
    for r in rows:
        print(_line(r))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("transfers", help="会籍转接（转出、转入）")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)

    v = verbs.add_parser("out", help="转出：联合会内转到另一工会，或转出联合会（发转接单号）")
    v.add_argument("member", metavar="会员编号")
    v.add_argument("--to-union", metavar="工会名称", help="本联合会内的转入工会")
    v.add_argument("--to-outside", metavar="单位名称", help="联合会以外的转入单位")
    v.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="转接日期（默认今天）")
    v.add_argument("--reason", metavar="原因", help="转接原因")
    v.add_argument("--operator", metavar="姓名", help="经办人（默认本机登录用户）")
    add_json_flag(v)
    v.set_defaults(handler=_out)

    v = verbs.add_parser("in", help="转入：凭转接单号和身份证号接收外单位转来的会员")
    v.add_argument("--id-number", required=True, metavar="号码", help="公民身份号码（核对身份证）")
    v.add_argument("--union", required=True, metavar="工会名称", help="转入本联合会的哪个工会")
    v.add_argument("--name", metavar="姓名", help="姓名（扫描转接单二维码时可省略）")
    v.add_argument("--slip", metavar="转接单号", help="转接单上的编号")
    v.add_argument("--qr", metavar="文字", help="扫描转接单二维码得到的文字（UDTR1: 开头）")
    v.add_argument("--from-union", metavar="单位名称", help="转出单位")
    v.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="转入日期（默认今天）")
    v.add_argument("--reason", metavar="原因", help="转接原因")
    v.add_argument("--operator", metavar="姓名", help="经办人（默认本机登录用户）")
    for field, label in _IN_FIELDS:
        v.add_argument("--" + field.replace("_", "-"), dest=field, metavar="值", help=label)
    add_json_flag(v)
    v.set_defaults(handler=_in)

    v = verbs.add_parser("list", help="会籍转接记录（最新在前）")
    v.add_argument("--kind", type=_kind, help="联合会内转接、转出联合会或外单位转入")
    v.add_argument("--member", metavar="会员编号", help="只列此会员的转接")
    add_json_flag(v)
    v.set_defaults(handler=_list)
