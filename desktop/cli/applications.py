"""``uniondesk applications …``: record, list, show, approve and reject 入会申请 (issue #21).

Thin: every rule is in ``desktop.services.applications``. ID numbers and phones are
masked in every output; a refusal (an ID number already current, a join date before the
16th birthday) is a Chinese message on stderr and exit 1, nothing written.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, replace
from typing import Any

from desktop.cli import intake
from desktop.cli.common import Context, add_json_flag, iso_date, print_json
from desktop.models.codes import APPLICATION_CHANNEL, APPLICATION_STATUS
from desktop.models.masking import mask_id_number, mask_phone
from desktop.services.applications import queries, records
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync.office import ScannedApplication

# option → service field (the union is given by its name)
_FIELDS = (
    ("phone", "手机号"),
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("education", "学历"),
    ("hukou_type", "户籍类型"),
    ("is_migrant_worker", "农民工：是 或 否（不填按户籍类型判断）"),
    ("employer", "工作单位"),
    ("position", "岗位"),
    ("joined_on", "入会日期（不填则为批准之日）"),
    ("notes", "备注"),
)


def _status(text_value: str) -> str:
    code = APPLICATION_STATUS.lookup(text_value)
    if code is None:
        labels = "、".join(APPLICATION_STATUS.labels)
        raise argparse.ArgumentTypeError(f"状态只能是：{labels}")
    return code


def _add(ctx: Context, args: argparse.Namespace) -> int:
    values: dict[str, Any] = {
        "name": args.name,
        "id_number": args.id_number,
        "union_id": unions.id_by_name(ctx.db, args.union),
        "channel": args.channel,
        "submitted_on": args.received_on,
    }
    for name, _label in _FIELDS:
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    record = records.add(ctx.db, values)
    if args.json:
        print_json(_masked(record))
    else:
        print(record.id)
    return 0


def _masked(record: queries.ApplicationRecord) -> dict[str, Any]:
    shown = asdict(
        replace(record, id_number=mask_id_number(record.id_number), phone=mask_phone(record.phone))
    )
    shown["channel_label"] = APPLICATION_CHANNEL.label(record.channel)
    shown["status_label"] = APPLICATION_STATUS.label(record.status)
    return shown


def _list(ctx: Context, args: argparse.Namespace) -> int:
    rows = queries.queue(ctx.db, status=args.status, search=args.search or "")
    if args.json:
        print_json({"counts": queries.counts(ctx.db), "applications": rows})
        return 0
    counts = queries.counts(ctx.db)
    print("  ".join(f"{APPLICATION_STATUS.label(c)} {n}" for c, n in counts.items()))
    if not rows:
        print("没有符合条件的入会申请。")
    for r in rows:
        flag = "  ⚠已是在会会员" if r.current_member else ""
        print(
            f"{r.id}  {r.submitted_on:%Y-%m-%d}  {r.name}  {r.id_number_masked}  "
            f"{r.union_name}  {APPLICATION_CHANNEL.label(r.channel) or '-'}  "
            f"{APPLICATION_STATUS.label(r.status)}{flag}"
        )
    return 0


_LABELS = {
    "id": "申请编号", "name": "姓名", "id_number": "身份证号", "phone": "手机号",
    "union_name": "申请加入的工会", "channel_label": "申请渠道", "submitted_on": "收到日期",
    "status_label": "状态", "employer": "工作单位", "position": "岗位",
    "joined_on": "入会日期", "reviewer": "审核人", "reviewed_on": "审核日期",
    "reject_reason": "不予批准的原因", "notes": "备注", "member_id": "会员编号",
}  # fmt: skip


def _show(ctx: Context, args: argparse.Namespace) -> int:
    shown = _masked(queries.get(ctx.db, args.id))
    if args.json:
        print_json(shown)
        return 0
    for key, label in _LABELS.items():
        if shown.get(key) is not None:
            print(f"{label}：{shown[key]}")
    if shown["is_migrant_worker"] is not None:
        print(f"农民工：{'是' if shown['is_migrant_worker'] else '否'}")
    if shown["current_member"]:
        print("注意：该身份证号已是在会会员，不能批准")
    return 0


def _approve(ctx: Context, args: argparse.Namespace) -> int:
    done = records.approve(ctx.db, args.id, joined_on=args.joined_on, approver=args.approver)
    if args.json:
        print_json(done)
        return 0
    verb = "已恢复会籍" if done.rejoined else "已入会"
    print(
        f"已批准：会员 {done.member_id} {verb}，会员证号 {done.card_no or '-'}，"
        f"入会日期 {done.joined_on:%Y-%m-%d}"
    )
    return 0


def _reject(ctx: Context, args: argparse.Namespace) -> int:
    record = records.reject(ctx.db, args.id, args.reason, reviewer=args.reviewer)
    if args.json:
        print_json(_masked(record))
        return 0
    print(f"已不予批准入会申请 {record.id}")
    return 0


def _file_scan(db: Database, scanned: ScannedApplication) -> str:
    return records.file_scanned(db, scanned.values, scanned.draft.payload_id)


def register(sub: Any) -> None:
    p = sub.add_parser("applications", help="入会申请")
    verbs = p.add_subparsers(dest="verb", metavar="<操作>", required=True)
    # page and scan: the phone application page (issue #24), filed here as 扫码
    intake.add_verbs(verbs, file_scan=_file_scan, seen_ids=records.seen_ids)

    v = verbs.add_parser("add", help="登记入会申请（输出申请编号）")
    v.add_argument("--name", required=True, metavar="姓名", help="姓名")
    v.add_argument("--id-number", required=True, metavar="号码", help="公民身份号码")
    v.add_argument("--union", required=True, metavar="工会名称", help="申请加入的工会")
    v.add_argument(
        "--channel", required=True, metavar="渠道", help="申请渠道：纸质、电话、扫码或上门"
    )
    v.add_argument("--received-on", metavar="YYYY-MM-DD", help="收到日期（默认今天）")
    for name, label in _FIELDS:
        v.add_argument("--" + name.replace("_", "-"), dest=name, metavar="值", help=label)
    add_json_flag(v)
    v.set_defaults(handler=_add)

    v = verbs.add_parser("list", help="审核队列（默认全部状态）")
    v.add_argument("--status", type=_status, help="待审核、已批准或未批准")
    v.add_argument("--search", metavar="文字", help="按姓名、单位、不予批准的原因等查找")
    add_json_flag(v)
    v.set_defaults(handler=_list)

    v = verbs.add_parser("show", help="查看入会申请")
    v.add_argument("id", metavar="申请编号")
    add_json_flag(v)
    v.set_defaults(handler=_show)

    v = verbs.add_parser("approve", help="批准入会（登记为会员并发放会员证号）")
    v.add_argument("id", metavar="申请编号")
    v.add_argument("--joined-on", type=iso_date, metavar="YYYY-MM-DD", help="入会日期（默认今天）")
    v.add_argument("--approver", metavar="姓名", help="审批人（默认本机登录用户）")
    add_json_flag(v)
    v.set_defaults(handler=_approve)

    v = verbs.add_parser("reject", help="不予批准（须写明原因）")
    v.add_argument("id", metavar="申请编号")
    v.add_argument("--reason", required=True, metavar="原因", help="不予批准的原因")
    v.add_argument("--reviewer", metavar="姓名", help="审核人（默认本机登录用户）")
    add_json_flag(v)
    v.set_defaults(handler=_reject)
