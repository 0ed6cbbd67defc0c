"""``uniondesk legal add|list|update|close``: legal-aid cases at the counter.

Phones are printed masked, in text and JSON alike (a case printout is the intake form,
``legal form``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.common import (
    UNMASK_REASON_HELP,
    Context,
    add_json_flag,
    add_output_argument,
    output_path,
    print_json,
    unmask_reason,
)
from desktop.models.codes import LEGAL_CASE_STATUS, LEGAL_CASE_TYPE, LEGAL_OUTCOME
from desktop.services.activities.inputs import yuan
from desktop.services.legal import cases, documents
from desktop.services.legal.cases import LegalCaseRecord, LegalCaseRow
from desktop.services.members.queries import resolve_member_key


def _line(r: LegalCaseRow) -> str:
    result = f"\t{r.outcome_label} {yuan(r.amount_recovered_fen)}元" if r.status == "closed" else ""
    who = r.applicant_name + ("（会员）" if r.is_member else "")
    return (
        f"{r.intake_on}\t{r.type_label}\t{who}\t{r.phone_masked}\t{r.employer or ''}"
        f"\t{r.status_label}{result}\t{r.id}"
    )


def _show(args: argparse.Namespace, rec: LegalCaseRecord, verb: str) -> int:
    row = cases.as_row(rec)
    if args.json:
        print_json(row)
    else:
        print(f"{verb}：{_line(row)}")
    return 0


def _values(args: argparse.Namespace) -> dict[str, Any]:
    names = {
        "intake": "intake_on",
        "type": "case_type",
        "summary": "summary",
        "employer": "employer",
        "case_handler": "handler",
        "notes": "notes",
        "name": "applicant_name",
        "phone": "applicant_phone",
    }
    values = {
        field: getattr(args, opt) for opt, field in names.items() if getattr(args, opt) is not None
    }
    return values


def _add(ctx: Context, args: argparse.Namespace) -> int:
    values = _values(args)
    if args.member:
        values["member_id"] = resolve_member_key(ctx.db, args.member)
    return _show(args, cases.add_case(ctx.db, values), "已受理")


def _list(ctx: Context, args: argparse.Namespace) -> int:
    rows = cases.list_cases(
        ctx.db, status=args.status, case_type=args.type, year=args.year, open_only=args.open
    )
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(_line(r))
    print(f"共 {len(rows)} 件")
    return 0


def _update(ctx: Context, args: argparse.Namespace) -> int:
    values = _values(args)
    if args.member:
        values["member_id"] = resolve_member_key(ctx.db, args.member)
    rec = cases.update_case(ctx.db, args.case, values, status=args.stage)
    return _show(args, rec, "已更新")


def _close(ctx: Context, args: argparse.Namespace) -> int:
    rec = cases.close_case(
        ctx.db, args.case, outcome=args.outcome, amount_recovered=args.amount, closed_on=args.date
    )
    return _show(args, rec, "已结案")


def _attach(ctx: Context, args: argparse.Namespace) -> int:
    files = documents.read_files(args.files)
    added = documents.add_documents(ctx.db, args.case, files)
    print(f"已添加 {len(added)} 个文件")
    return 0


def _form(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.forms.legal import write_intake_form

    target = output_path(args)
    if target is None:
        return 2
    why = unmask_reason(args)
    out = write_intake_form(
        ctx.db,
        args.case,
        Path(target),
        unmasked=args.unmasked,
        reason=why,
        allow_missing_glyphs=args.allow_missing_glyphs,
    )
    print(f"已生成法律援助申请登记表：{out}")
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--member", help="申请人会员（会员编号、会员证号或身份证号）")
    p.add_argument("--name", help="非会员申请人姓名")
    p.add_argument("--phone", help="非会员申请人手机号")
    p.add_argument("--type", help=f"案件类型：{'、'.join(LEGAL_CASE_TYPE.labels)}")
    p.add_argument("--intake", help="受理日期，如 2026-11-21（默认今天）")
    p.add_argument("--summary", help="案情摘要")
    p.add_argument("--employer", help="用人单位")
    p.add_argument("--handler", dest="case_handler", help="承办人")
    p.add_argument("--notes", help="备注")
    add_json_flag(p)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("legal", help="法律援助案件")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    p = verbs.add_parser("add", help="受理案件")
    _common(p)
    p.set_defaults(handler=_add)
    p = verbs.add_parser("list", help="案件列表（手机号已遮挡）")
    p.add_argument("--status", help=f"状态：{'、'.join(LEGAL_CASE_STATUS.labels)}")
    p.add_argument("--type", help="案件类型")
    p.add_argument("--year", type=int, help="受理年份")
    p.add_argument("--open", action="store_true", help="只列未结案的")
    add_json_flag(p)
    p.set_defaults(handler=_list)
    p = verbs.add_parser("update", help="修改案件或进入调解/仲裁/诉讼/咨询阶段")
    p.add_argument("case", metavar="案件编号", help="案件编号")
    p.add_argument("--stage", help="办理阶段：调解、仲裁、诉讼、咨询")
    _common(p)
    p.set_defaults(handler=_update)
    p = verbs.add_parser("close", help="结案（须填写结案结果）")
    p.add_argument("case", metavar="案件编号", help="案件编号")
    p.add_argument("--outcome", help=f"结案结果：{'、'.join(LEGAL_OUTCOME.labels)}")
    p.add_argument("--amount", help="追回金额（元）")
    p.add_argument("--date", help="结案日期（默认今天）")
    add_json_flag(p)
    p.set_defaults(handler=_close)
    p = verbs.add_parser("attach", help="为案件添加文件（PDF、JPEG、PNG）")
    p.add_argument("case", metavar="案件编号", help="案件编号")
    p.add_argument("files", metavar="文件", nargs="+", help="文件路径")
    p.set_defaults(handler=_attach)
    p = verbs.add_parser("form", help="打印法律援助申请登记表（PDF）")
    p.add_argument("case", metavar="案件编号", help="案件编号")
    add_output_argument(p, "输出 PDF 文件")
    p.add_argument("--unmasked", action="store_true", help="打印完整的身份证号和手机号")
    p.add_argument("--reason", metavar="原因", help=UNMASK_REASON_HELP)
    p.add_argument("--allow-missing-glyphs", action="store_true", help="字体缺字时用〓标出并继续")
    p.set_defaults(handler=_form)
