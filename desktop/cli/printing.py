"""``uniondesk print cards|form …`` and ``uniondesk card verify PAYLOAD``.

Thin: loads records in one read transaction, renders outside it, prints warnings (which
name members, for the clerk at the terminal; logs carry UUIDs only).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json, unmask_reason
from desktop.cli.hardship import SENSITIVE_NOT_PRINTED, add_sensitive_print_flags, print_reason
from desktop.errors import UnionDeskError
from desktop.services import audit


def register(sub: Any) -> None:
    p = sub.add_parser("print", help="打印会员卡和表格（生成 PDF）")
    verbs = p.add_subparsers(dest="verb", metavar="<对象>", parser_class=type(p))
    verbs.required = True

    cards = verbs.add_parser("cards", help="会员卡：A4 十卡（带裁切线）或单卡")
    cards.add_argument("out", metavar="输出文件", help="输出 PDF 文件")
    who = cards.add_mutually_exclusive_group(required=True)
    who.add_argument("--union", help="该基层工会全部在会会员（工会全称）")
    who.add_argument("--member", action="append", metavar="UUID", help="会员编号，可重复")
    cards.add_argument(
        "--layout",
        choices=("single", "sheet"),
        default="sheet",
        help="sheet：A4 每页 10 张（默认）；single：每页一张（制卡机）",
    )
    cards.add_argument(
        "--allow-missing-glyphs",
        action="store_true",
        help="字体缺字时用〓标出并继续（默认停止并报告）",
    )
    add_json_flag(cards)
    cards.set_defaults(handler=_cards)

    form = verbs.add_parser("form", help="表格：入会申请书、登记表、困难职工、签到表、转接单")
    form.add_argument(
        "kind",
        metavar="表格",
        choices=("application", "registration", "hardship", "attendance", "transfer"),
        help="application 入会申请书、registration 会员登记表、hardship 困难职工登记表、"
        "attendance 活动签到表、transfer 会籍转接单",
    )
    form.add_argument("out", metavar="输出文件", help="输出 PDF 文件")
    subject = form.add_mutually_exclusive_group(required=True)
    subject.add_argument("--member", metavar="UUID", help="会员编号（预填该会员信息）")
    subject.add_argument("--activity", metavar="UUID", help="活动编号（签到表）")
    subject.add_argument(
        "--application", metavar="UUID", help="入会申请编号（按申请预填入会申请书）"
    )
    subject.add_argument(
        "--transfer", metavar="UUID", help="会籍转接记录编号（按该次转接预填转接单）"
    )
    subject.add_argument("--blank", action="store_true", help="打印空白表")
    form.add_argument(
        "--unmasked", action="store_true", help="显示完整身份证号和手机号（默认打码）"
    )
    form.add_argument(
        "--allow-missing-glyphs", action="store_true", help="字体缺字时用〓标出并继续"
    )
    add_sensitive_print_flags(form)
    form.set_defaults(handler=_form)

    card = sub.add_parser("card", help="会员卡核验")
    card_verbs = card.add_subparsers(dest="verb", metavar="<操作>", parser_class=type(card))
    card_verbs.required = True
    verify = card_verbs.add_parser("verify", help="核验会员卡二维码内容是否被伪造或改动")
    verify.add_argument("payload", metavar="扫码内容", help="扫码得到的文字（UD1:…）")
    add_json_flag(verify)
    verify.set_defaults(handler=_verify)


def _cards(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.cards import render_cards
    from desktop.printing.queries import card_batch

    batch = card_batch(ctx.db, union_name=args.union, member_ids=args.member)
    warnings = batch.warnings + render_cards(
        batch.records,
        args.out,
        layout=args.layout,
        allow_missing_glyphs=args.allow_missing_glyphs,
    )
    audit.printed(ctx.db, "会员卡", args.out, subject=f"{len(batch.records)} 张")
    if args.json:
        print_json(
            {
                "out": args.out,
                "cards": len(batch.records),
                "warnings": [w.message for w in warnings],
            }
        )
    else:
        for w in warnings:
            print(f"注意：{w.message}", file=sys.stderr)
        print(f"已生成 {len(batch.records)} 张会员卡：{args.out}")
    return 0


def _form(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.forms.render import FORM_TITLES, FormData, blank, render_form
    from desktop.printing.queries import form_values
    from desktop.services.transfers import queries as transfer_queries

    kind = args.kind
    why = unmask_reason(args, asked=not args.blank)
    reason = print_reason(args)
    if reason is not None and kind != "hardship":
        raise UnionDeskError("--sensitive 只用于困难职工登记表（hardship）。")
    payload: FormData
    if args.blank:
        payload = blank(kind)
    elif args.application:
        if kind != "application":
            raise UnionDeskError("--application 只用于入会申请书（application）。")
        payload = form_values(ctx.db, kind, args.application, unmasked=args.unmasked)
    elif args.transfer:
        if kind != "transfer":
            raise UnionDeskError("--transfer 只用于会籍转接单（transfer）。")
        if not transfer_queries.exists(ctx.db, args.transfer):
            raise UnionDeskError(
                f"找不到会籍转接记录 {args.transfer}：请用 uniondesk transfers list 查看编号。"
            )
        payload = form_values(ctx.db, kind, args.transfer, unmasked=args.unmasked)
    elif kind == "attendance":
        if not args.activity:
            raise UnionDeskError("签到表需要指定活动（--activity），或用 --blank 打印空白表。")
        payload = form_values(ctx.db, kind, args.activity, unmasked=args.unmasked)
    else:
        if not args.member:
            raise UnionDeskError(
                f"「{FORM_TITLES[kind]}」需要指定会员（--member），或用 --blank 打印空白表。"
            )
        payload = form_values(
            ctx.db, kind, args.member, unmasked=args.unmasked, sensitive_reason=reason
        )
    render_form(kind, payload, args.out, allow_missing_glyphs=args.allow_missing_glyphs)
    subject = args.member or args.activity or args.application or args.transfer or "空白表"
    unmasked = args.unmasked and not args.blank
    audit.printed(
        ctx.db, FORM_TITLES[kind], args.out, subject=subject, unmasked=unmasked, reason=why
    )
    print(f"已生成{FORM_TITLES[kind]}：{args.out}")
    if kind == "hardship" and reason is None and not args.blank:
        print(SENSITIVE_NOT_PRINTED)
    return 0


def _verify(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.verify_card import check_card

    result = check_card(ctx.db, args.payload)
    if args.json:
        print_json(result)
    else:
        print(result.summary)
    return 0 if result.valid else 1
