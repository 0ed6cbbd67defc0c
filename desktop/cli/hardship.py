"""``uniondesk hardship …``: hardship files 困难职工档案 (一户一档).

``add`` opens a file (household members as ``--household 姓名,关系,身份证号,就业就学,
单位或学校,健康状况,月收入``; health and income only with ``--consent-*``), ``show`` prints
it with the sensitive values hidden unless ``--sensitive --reason`` (audited), ``list``
filters ``--due-within DAYS`` (overdue or due within N days of today), ``assist``,
``review``, ``close``, ``consent``, ``withdraw-consent`` (deletes the sensitive values);
``threshold`` reads or sets the local income line;
``purgeable`` / ``purge`` apply the 10-year retention.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.errors import ValidationError
from desktop.models.codes import (
    ASSISTANCE_KIND,
    CONSENT_FORM,
    FUND_SOURCE,
    HARDSHIP_CAUSE,
    HARDSHIP_LEVEL,
    HOUSEHOLD_RELATION,
    REVIEW_RESULT,
)
from desktop.services import audit
from desktop.services.care import (
    assistance,
    consent,
    files,
    hardship,
    household,
    retention,
    reviews,
    sensitive,
    settings,
    withdrawal,
)
from desktop.services.care.files import HardshipFile
from desktop.services.settings import office as office_settings

HOUSEHOLD_KEYS = (
    "name",
    "relation",
    "id_number",
    "work_status",
    "work_place",
    "health",
    "monthly_income",
)


def _household(texts: list[str] | None) -> list[dict[str, Any]]:
    rows = []
    for n, raw in enumerate(texts or [], start=1):
        parts = [p.strip() for p in raw.replace("，", ",").split(",")]
        if len(parts) > len(HOUSEHOLD_KEYS):
            raise ValidationError(
                f"--household 第 {n} 项最多 {len(HOUSEHOLD_KEYS)} 段："
                "姓名,关系,身份证号,就业就学,单位或学校,健康状况,月收入"
            )
        rows.append({k: v for k, v in zip(HOUSEHOLD_KEYS, parts, strict=False) if v})
    return rows


def _add(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.db.clock.today()
    agreed = None
    if args.consent_date or args.consent_form or args.consent_by:
        agreed = consent.clean(args.consent_date, args.consent_form, args.consent_by, today=today)
    case_id = hardship.add_file(
        ctx.db,
        args.member,
        level=args.level,
        causes=args.causes,
        opened_on=args.opened_on or today,
        today=today,
        household_size=args.household_size,
        monthly_income_per_capita=args.income,
        disability_grade=args.disability_grade,
        health_notes=args.health,
        household_members=_household(args.household),
        consent=agreed,
        notes=args.notes,
    )
    if args.json:
        print_json({"id": case_id})
    else:
        print(case_id)
    return 0


def _file_json(f: HardshipFile) -> dict[str, Any]:
    data = asdict(f)
    for person, record in zip(data["household"], f.household, strict=True):
        person["id_number"] = record.masked_id_number
    return data


def _show(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.db.clock.today()
    if args.sensitive:
        f = sensitive.reveal(ctx.db, args.id, args.reason, today=today)
    elif args.reason:
        raise ValidationError("--reason 只与 --sensitive 一起使用")
    else:
        f = files.get_file(ctx.db, args.id, today=today)
    if args.json:
        print_json(_file_json(f))
        return 0
    hidden = "（已隐藏，查看请加 --sensitive --reason 原因）"
    print(f"困难职工档案 {f.id}")
    print(f"会员：{f.member_name}（{f.union_name}）")
    print(f"困难类别：{f.level_label}　致困原因：{f.cause_labels or '未填'}")
    income = hidden
    if f.sensitive_shown:
        shown = f.monthly_income_per_capita
        income = "未填" if shown is None else f"{shown} 元"
    line = f" / 当地标准 {f.income_threshold} 元" if f.income_threshold else ""
    print(f"家庭人口：{f.household_size or ''}　月人均收入：{income}{line}")
    if f.sensitive_shown:
        print(f"残疾等级：{f.disability_label or '无'}　健康状况：{f.health_notes or '未填'}")
    print(f"建档：{f.opened_on}　下次复核：{f.review_due_on}")
    if f.closed_on:
        print(f"脱困：{f.closed_on}（{f.close_reason or ''}）")
    consent_text = "；".join(
        f"{c.consented_on} {c.form_label}（登记人 {c.recorded_by}）" for c in f.consents
    )
    none = "已撤回（敏感信息已删除）" if f.consent_withdrawn else "未登记"
    print(f"个人信息同意：{consent_text or none}")
    for p in f.household:
        extra = f"\t{p.health or ''}\t{p.monthly_income or ''}" if f.sensitive_shown else ""
        relation = HOUSEHOLD_RELATION.label(p.relation)
        print(
            f"  家庭成员\t{p.name}\t{relation}\t{p.masked_id_number}\t{p.age or ''}{extra}\t{p.id}"
        )
    for a in f.assistance:
        print(f"  救助\t{a.given_on}\t{a.kind_label}\t{a.amount_yuan} 元\t{a.fund_source_label}")
    for r in f.reviews:
        print(f"  复核\t{r.reviewed_on}\t{r.result_label}\t{r.reviewer or ''}")
    return 0


def _list(ctx: Context, args: argparse.Namespace) -> int:
    rows = hardship.list_files(
        ctx.db,
        today=ctx.db.clock.today(),
        due_within=args.due_within,
        include_closed=args.all,
    )
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(
            f"{r.member_name}\t{r.union_name}\t{r.level_label}\t{r.review_due_on}\t"
            f"{r.state_label}\t{r.id}"
        )
    print(f"共 {len(rows)} 份档案")
    return 0


def _assist(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.db.clock.today()
    rec = assistance.assist(
        ctx.db,
        args.id,
        given_on=args.on or today,
        kind=args.kind,
        amount=args.amount,
        fund_source=args.source,
        handler=args.handled_by,
        batch=args.batch,
        notes=args.notes,
        today=today,
    )
    if args.json:
        print_json(rec)
    else:
        print(f"已登记{rec.kind_label} {rec.amount_yuan} 元（{rec.fund_source_label}）")
    return 0


def _review(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.db.clock.today()
    rec = reviews.review(
        ctx.db,
        args.id,
        reviewed_on=args.on or today,
        result=args.result,
        reviewer=args.reviewer,
        next_due_on=args.next_due,
        level=args.level,
        notes=args.notes,
        today=today,
    )
    if args.json:
        print_json(rec)
    elif rec.next_due_on is None:
        print(f"已复核：{rec.result_label}，档案已脱困退档")
    else:
        print(f"已复核：{rec.result_label}，下次复核 {rec.next_due_on}")
    return 0


def _close(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.db.clock.today()
    hardship.close_file(ctx.db, args.id, args.on or today, args.reason, today=today)
    print("已脱困退档；档案自脱困之日起保存至少 10 年")
    return 0


def _consent(ctx: Context, args: argparse.Namespace) -> int:
    rec = consent.record(ctx.db, args.id, args.on, args.form, args.by, today=ctx.db.clock.today())
    print(f"已登记同意：{rec.consented_on} {rec.form_label}")
    return 0


def _remove_person(ctx: Context, args: argparse.Namespace) -> int:
    household.remove_member(ctx.db, args.id, args.person)
    print("已移除该家庭成员，其身份证号、健康和收入等信息已删除（同步后各单位同时删除）")
    return 0


def _withdraw(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.db.clock.today()
    done = withdrawal.withdraw(ctx.db, args.id, args.on or today, args.by, today=today)
    print(
        f"已登记本人于 {done.withdrawn_on} 撤回同意：档案及家庭成员的健康、残疾和收入信息已删除"
        "（同步后各单位同时删除）；再次录入须重新登记同意"
    )
    return 0


def _threshold(ctx: Context, args: argparse.Namespace) -> int:
    if args.yuan is not None:
        office_settings.set_income_threshold(ctx.db, args.yuan)  # administrators, audited
    value = settings.income_threshold(ctx.db)
    print(f"困难认定收入标准：{value} 元/人·月" if value else "困难认定收入标准：未设置")
    return 0


def _purgeable(ctx: Context, args: argparse.Namespace) -> int:
    rows = retention.purgeable(ctx.db, today=ctx.db.clock.today())
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r.member_name}\t脱困 {r.closed_on}\t保存至 {r.kept_until}\t{r.id}")
    print(f"共 {len(rows)} 份档案保存期满，可清除")
    return 0


def _purge(ctx: Context, args: argparse.Namespace) -> int:
    retention.purge(ctx.db, args.id, today=ctx.db.clock.today())
    print("已清除该档案（同步后各单位同时清除）")
    return 0


def _receipt(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.forms.assistance_receipt import render_receipt, yuan

    data = render_receipt(
        ctx.db, args.batch, args.out, allow_missing_glyphs=args.allow_missing_glyphs
    )
    print(f"已生成签收表：{args.out}（{len(data.lines)} 人，合计 {yuan(data.total_fen)} 元）")
    return 0


def _form(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.forms.render import render_form
    from desktop.printing.queries import form_values

    f = files.get_file(ctx.db, args.id, today=ctx.db.clock.today())
    reason = print_reason(args)
    payload = form_values(ctx.db, "hardship", f.id, sensitive_reason=reason)  # this file
    render_form("hardship", payload, args.out, allow_missing_glyphs=args.allow_missing_glyphs)
    audit.printed(ctx.db, "困难职工登记表", args.out, subject=f"档案 {args.id}")
    print(f"已生成困难职工登记表：{args.out}")
    if reason is None:
        print(SENSITIVE_NOT_PRINTED)
    return 0


SENSITIVE_NOT_PRINTED = (
    "健康、残疾和收入信息未打印（留空供本人填写）；需要打印时加 --sensitive --reason 原因。"
)


def print_reason(args: argparse.Namespace) -> str | None:
    """The reason for printing the sensitive values, None when they stay off the form."""
    if args.reason and not (args.sensitive or getattr(args, "unmasked", False)):
        raise ValidationError("--reason 只与 --sensitive 或 --unmasked 一起使用")
    if args.sensitive:
        return str(args.reason or "")  # an empty reason is refused by the service
    return None


def add_sensitive_print_flags(parser: argparse.ArgumentParser, *, unmasked: bool = True) -> None:
    """--sensitive/--reason of a printed 困难职工登记表 (``hardship form``, ``print form``;
    ``unmasked``: the command also has --unmasked, which the reason serves too)."""
    parser.add_argument(
        "--sensitive",
        action="store_true",
        help="同时打印健康、残疾和收入信息（须填原因，记入日志）",
    )
    parser.add_argument(
        "--reason",
        metavar="原因",
        help="打印敏感信息（--sensitive）或完整身份证号、手机号（--unmasked）的原因"
        if unmasked
        else "打印健康、残疾和收入信息（--sensitive）的原因",
    )


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"天数应为整数：{text}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"天数不能为负数：{text}")
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser("hardship", help="困难职工档案（一户一档）")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>")
    date_help = "YYYY-MM-DD（默认今天）"

    v = verbs.add_parser("add", help="建档")
    v.add_argument("--member", required=True, metavar="会员编号")
    v.add_argument("--level", required=True, help="、".join(HARDSHIP_LEVEL.labels))
    v.add_argument("--causes", help="致困原因，用、分隔：" + "、".join(HARDSHIP_CAUSE.labels))
    v.add_argument("--opened-on", metavar="日期", help=date_help)
    v.add_argument("--household-size", metavar="人数", help="家庭人口（默认按登记的成员数加本人）")
    v.add_argument("--income", metavar="元", help="家庭月人均收入（敏感，须登记同意）")
    v.add_argument("--disability-grade", metavar="等级", help="残疾等级（敏感，须登记同意）")
    v.add_argument("--health", metavar="说明", help="健康状况（敏感，须登记同意）")
    v.add_argument(
        "--household",
        action="append",
        metavar="成员",
        help="家庭成员：姓名,关系,身份证号,就业就学,单位或学校,健康状况,月收入（可重复）",
    )
    v.add_argument("--consent-date", metavar="日期", help="本人同意日期")
    v.add_argument("--consent-form", metavar="方式", help="、".join(CONSENT_FORM.labels))
    v.add_argument("--consent-by", metavar="登记人", help="登记同意的工作人员")
    v.add_argument("--notes", metavar="备注")
    add_json_flag(v)
    v.set_defaults(handler=_add)

    v = verbs.add_parser("show", help="查看档案")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("--sensitive", action="store_true", help="查看敏感信息（须填原因，记入日志）")
    v.add_argument("--reason", metavar="原因", help="查看敏感信息的原因")
    add_json_flag(v)
    v.set_defaults(handler=_show)

    v = verbs.add_parser("list", help="档案列表")
    v.add_argument(
        "--due-within", type=_days, metavar="DAYS", help="只列已逾期或 N 天内到期复核的档案"
    )
    v.add_argument("--all", action="store_true", help="包括已脱困的档案")
    add_json_flag(v)
    v.set_defaults(handler=_list)

    v = verbs.add_parser("assist", help="登记救助")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("--on", metavar="日期", help=date_help)
    v.add_argument("--kind", required=True, help="、".join(ASSISTANCE_KIND.labels))
    v.add_argument("--amount", required=True, metavar="元", help="金额（元）")
    v.add_argument("--source", required=True, help="资金来源：" + "、".join(FUND_SOURCE.labels))
    v.add_argument("--handler", dest="handled_by", metavar="经办人")
    v.add_argument("--batch", metavar="批次", help="发放批次，如 2026年春节送温暖")
    v.add_argument("--notes", metavar="备注")
    add_json_flag(v)
    v.set_defaults(handler=_assist)

    v = verbs.add_parser("review", help="年度复核")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("--on", metavar="日期", help=date_help)
    v.add_argument("--result", required=True, help="、".join(REVIEW_RESULT.labels))
    v.add_argument("--reviewer", required=True, metavar="复核人")
    v.add_argument("--next-due", metavar="日期", help="下次复核日期（默认一年后）")
    v.add_argument("--level", help="新的困难类别（调整时）")
    v.add_argument("--notes", metavar="复核意见")
    add_json_flag(v)
    v.set_defaults(handler=_review)

    v = verbs.add_parser("close", help="脱困退档")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("--on", metavar="日期", help=date_help)
    v.add_argument("--reason", required=True, metavar="原因", help="脱困原因")
    v.set_defaults(handler=_close)

    v = verbs.add_parser("consent", help="登记本人同意（处理敏感个人信息）")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("--on", required=True, metavar="日期")
    v.add_argument("--form", required=True, help="、".join(CONSENT_FORM.labels))
    v.add_argument("--by", required=True, metavar="登记人")
    v.set_defaults(handler=_consent)

    v = verbs.add_parser("remove-person", help="移除家庭成员（删除其身份证号、健康和收入等信息）")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("person", metavar="家庭成员编号", help="见 hardship show 每行末尾")
    v.set_defaults(handler=_remove_person)

    v = verbs.add_parser(
        "withdraw-consent", help="本人撤回同意：删除档案及家庭成员的健康、残疾和收入信息"
    )
    v.add_argument("id", metavar="档案编号")
    v.add_argument("--on", metavar="日期", help="本人表示撤回的日期（默认今天）")
    v.add_argument("--by", required=True, metavar="登记人", help="登记撤回的工作人员")
    v.set_defaults(handler=_withdraw)

    v = verbs.add_parser("threshold", help="查看或设置当地困难认定收入标准")
    v.add_argument("yuan", nargs="?", metavar="元", help="元/人·月")
    v.set_defaults(handler=_threshold)

    v = verbs.add_parser("purgeable", help="保存期满（脱困满 10 年）可清除的档案")
    add_json_flag(v)
    v.set_defaults(handler=_purgeable)

    v = verbs.add_parser("receipt", help="打印救助金领取签收表（按发放批次）")
    v.add_argument("batch", metavar="批次", help="发放批次名称")
    v.add_argument("out", metavar="输出文件", help="输出 PDF 文件")
    v.add_argument("--allow-missing-glyphs", action="store_true", help="字体缺字时用〓标出并继续")
    v.set_defaults(handler=_receipt)

    v = verbs.add_parser("form", help="打印困难职工登记表（含家庭成员）")
    v.add_argument("id", metavar="档案编号")
    v.add_argument("out", metavar="输出文件", help="输出 PDF 文件")
    add_sensitive_print_flags(v, unmasked=False)
    v.add_argument("--allow-missing-glyphs", action="store_true", help="字体缺字时用〓标出并继续")
    v.set_defaults(handler=_form)

    v = verbs.add_parser("purge", help="清除保存期满的档案（各单位同步清除）")
    v.add_argument("id", metavar="档案编号")
    v.set_defaults(handler=_purge)
