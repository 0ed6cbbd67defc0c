"""``uniondesk roster template|import|export``: Excel rosters in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop.cli.common import (
    UNMASK_REASON_HELP,
    Context,
    add_json_flag,
    print_json,
    status_filter,
    unmask_reason,
)
from desktop.progress import ProgressFn
from desktop.services import audit
from desktop.services.members.queries import MemberFilter
from desktop.services.rosters import export, importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.unions import registry as unions
from desktop.services.unions import scope
from desktop.spreadsheets import template
from desktop.spreadsheets.error_report import write_error_report
from desktop.spreadsheets.headers import parse_map_option
from desktop.spreadsheets.preview import ImportPreview
from desktop.spreadsheets.reader import DEFAULT_ROW_LIMIT

SHOWN_PROBLEMS = 50


def register(sub: Any) -> None:
    parser = sub.add_parser("roster", help="Excel 名册：模板、导入、导出")
    verbs = parser.add_subparsers(dest="verb", metavar="<操作>", parser_class=type(parser))

    p = verbs.add_parser("template", help="生成空白名册模板（.xlsx）")
    p.add_argument("out", metavar="输出文件", help="保存到的 .xlsx 文件")
    p.set_defaults(handler=_template)

    p = verbs.add_parser("import", help="导入会员名册（.xlsx、.xls 或 .csv）")
    p.add_argument("file", metavar="文件", help="名册文件")
    p.add_argument("--union", help="名册没有「所属工会」列（或为空）时使用的工会名称")
    p.add_argument("--dry-run", action="store_true", help="只检查并显示预览，不写入")
    p.add_argument(
        "--on-duplicate",
        choices=("update", "skip", "refuse"),
        default="refuse",
        help="身份证号已登记时：update 更新、skip 跳过、refuse 作为错误（默认）",
    )
    p.add_argument("--errors", metavar="OUT.xlsx", help="有错误时把错误报告写到此文件")
    p.add_argument(
        "--map", action="append", default=[], metavar="列名=字段", help="指定列对应的字段，可重复"
    )
    p.add_argument(
        "--sheet",
        metavar="工作表名称",
        help="要导入的工作表（默认：第一张有会员名册表头的可见工作表）",
    )
    p.add_argument("--max-rows", type=int, default=DEFAULT_ROW_LIMIT, help="行数上限")
    add_json_flag(p)
    p.set_defaults(handler=_import)

    p = verbs.add_parser("export", help="导出会员名册（默认隐去身份证号和手机号中间几位）")
    p.add_argument("out", metavar="输出文件", help="保存到的 .xlsx 文件")
    p.add_argument("--union", help="只导出该工会的会员")
    p.add_argument(
        "--federation",
        metavar="联合会名称",
        help="只导出该联合会（本会或收到的下级联合会）的工会和会员；「本会」为本单位自己的",
    )
    p.add_argument(
        "--status",
        type=status_filter,
        metavar="状态",
        help="会籍状态（在会、保留会籍、已转出 … 或代码 active、retained …）；"
        "current 表示在会+保留会籍",
    )
    p.add_argument("--unmasked", action="store_true", help="导出完整的身份证号和手机号")
    p.add_argument("--reason", metavar="原因", help=UNMASK_REASON_HELP)
    add_json_flag(p)
    p.set_defaults(handler=_export)
    parser.set_defaults(handler=None)


def _stderr_progress() -> ProgressFn:
    def show(done: int, total: int, text: str) -> None:
        if sys.stderr.isatty() and total:
            print(f"\r{text} {done}/{total}", end="", file=sys.stderr, flush=True)

    return show


def _template(ctx: Context, args: argparse.Namespace) -> int:
    names: list[str] = []
    if ctx.paths.database_url is not None or ctx.paths.database.exists():  # the hub: no file
        names = [u.name for u in unions.list_all(ctx.db)]
    path = template.write_template(Path(args.out), names)
    print(f"已生成名册模板：{path}")
    return 0


def _import(ctx: Context, args: argparse.Namespace) -> int:
    options = ImportOptions(
        union=args.union,
        on_duplicate=args.on_duplicate,
        mapping=parse_map_option(args.map),
        sheet=args.sheet,
        row_limit=args.max_rows,
    )
    preview = importer.prepare(ctx.db, Path(args.file), options, progress=_stderr_progress())
    report = None
    if preview.refused and args.errors:
        report = write_error_report(preview, Path(args.errors))
        audit.error_report(ctx.db, len(preview.refused), report)
    payload = preview.to_json()
    payload["dry_run"] = bool(args.dry_run)
    payload["written"] = False
    payload["error_report"] = str(report) if report else None
    if preview.refused:
        _print_refusal(preview, report, as_json=args.json, payload=payload)
        return 1
    if not args.dry_run:
        result = importer.commit(ctx.db, preview, progress=_stderr_progress())
        payload["written"] = bool(result.member_ids)
        payload["backup"] = result.backup or None
    if args.json:
        print_json(payload)
    else:
        print(preview.summary())
        for note in preview.notes:
            print(note)
        _print_warnings(preview)
        print(_outcome(preview, dry_run=args.dry_run))
    return 0


def _outcome(preview: ImportPreview, *, dry_run: bool) -> str:
    """The last line: a preview, nothing to import (a header-only file), or imported."""
    if dry_run:
        return "（预览，未写入）"
    if not preview.rows:
        return "名册中没有需要导入的会员（表头下面没有会员行），未写入任何数据。"
    if not preview.can_commit:
        return "名册中没有需要导入的会员（都已登记且没有变化，或已跳过），未写入任何数据。"
    return "已导入。"


def _print_warnings(preview: ImportPreview) -> None:
    """Each row's notes (a completed partial date, an old area code), the first ones only."""
    lines = [f"第 {r.row} 行：{w}" for r in preview.rows for w in r.warnings]
    if not lines:
        return
    print(f"请核对以下 {len(lines)} 条提示：")
    for line in lines[:SHOWN_PROBLEMS]:
        print(f"  {line}")
    if len(lines) > SHOWN_PROBLEMS:
        print(f"  …… 另有 {len(lines) - SHOWN_PROBLEMS} 条提示（导入向导的预览中可逐行查看）")


def _print_refusal(
    preview: ImportPreview, report: Path | None, *, as_json: bool, payload: dict[str, Any]
) -> None:
    if as_json:
        print_json(payload)
    problems = preview.problems
    print(f"错误：{preview.summary()}。有问题的行如下，未导入任何数据：", file=sys.stderr)
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  {problem.text()}", file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  …… 另有 {len(problems) - SHOWN_PROBLEMS} 个问题", file=sys.stderr)
    if report is not None:
        print(f"错误报告已保存到：{report}", file=sys.stderr)
    else:
        print(
            "可加 --errors 错误报告.xlsx 导出带标注的名册（全部会员行，错误的单元格标红；"
            "改正后可直接导入这份报告）",
            file=sys.stderr,
        )


def _export(ctx: Context, args: argparse.Namespace) -> int:
    why = unmask_reason(args)
    federation_id = scope.resolve(ctx.db, args.federation)
    union_id = None
    if args.union:
        union_id = unions.id_by_name(ctx.db, args.union, federation_id)
    flt = MemberFilter(union_id=union_id, status=args.status, federation_id=federation_id)
    result = export.export_members(
        ctx.db,
        Path(args.out),
        flt,
        unmasked=args.unmasked,
        progress=_stderr_progress(),
        reason=why,
    )
    if args.json:
        print_json({"file": str(result.path), "rows": result.rows, "masked": result.masked})
    else:
        masked = "（身份证号、手机号已部分隐藏）" if result.masked else "（含完整身份证号和手机号）"
        print(f"已导出 {result.rows} 名会员到 {result.path}{masked}")
    return 0
