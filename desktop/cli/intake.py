"""Phone applications on the CLI: ``page OUT.html [--poster OUT.pdf] [--url URL]`` writes
the office's application page (and its A4 poster); ``scan [PAYLOAD] [--stdin]`` opens
what the scanner typed and prints the application, ID number and phone masked.

``add_verbs`` adds both verbs to the ``applications`` area (``cli/applications.py``).
Filing the scanned application (channel 扫码) is the applications service's job, handed
in as ``file_scan`` with ``seen_ids`` (the payload ids already filed); without them
``scan`` only decodes and checks, and catches a QR scanned twice within one ``--stdin``
run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Container
from functools import partial
from typing import Any

from desktop.cli.common import Context, add_json_flag, print_json
from desktop.errors import UnionDeskError
from desktop.models.codes import EDUCATION, HUKOU_TYPE, POLITICAL_STATUS
from desktop.models.masking import mask_id_number, mask_phone
from desktop.storage.database import Database
from desktop.sync.office import ScannedApplication

#: Files one checked scan as an application (channel 扫码); returns its id.
FileScan = Callable[[Database, ScannedApplication], str]
#: The payload ids of the applications already filed (a set, or an object whose ``in``
#: asks the database).
SeenIds = Callable[[Database], Container[str]]


def add_verbs(
    verbs: Any, *, file_scan: FileScan | None = None, seen_ids: SeenIds | None = None
) -> None:
    """Add ``page`` and ``scan`` to ``verbs`` (an area's argparse sub-parsers); ``scan``
    files each application through ``file_scan`` when given."""
    page = verbs.add_parser("page", help="生成本单位的手机入会申请页面（单个 HTML 文件）和海报")
    page.add_argument("out", metavar="输出文件", help="输出 HTML 文件")
    page.add_argument("--poster", metavar="OUT.pdf", help="同时生成 A4 宣传海报（PDF）")
    page.add_argument(
        "--url", help="页面发布的网址（海报上的二维码打开它）；不给则海报说明如何获取页面"
    )
    page.set_defaults(handler=_page)

    scan = verbs.add_parser("scan", help="读取扫码枪扫入的入会申请二维码内容并核对")
    scan.add_argument("payload", metavar="扫码内容", nargs="?", help="扫码得到的文字（UDAPP1:…）")
    scan.add_argument("--stdin", action="store_true", help="从标准输入读取，每行一份申请")
    add_json_flag(scan)
    scan.set_defaults(handler=partial(_scan, file_scan=file_scan, seen_ids=seen_ids))


def _page(ctx: Context, args: argparse.Namespace) -> int:
    from desktop.printing.application_page import publish

    done = publish(ctx.db, args.out, args.poster, args.url)
    print(f"已生成入会申请页面：{done.page}（{done.unions} 个工会可选）")
    if done.poster is not None:
        print(f"已生成宣传海报：{done.poster}")
    return 0


def _shown(
    values: dict[str, Any], union_name: str, draft: Any, warnings: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "payload_id": draft.payload_id,
        "page_version": draft.page_version,
        "name": values["name"],
        "id_number": mask_id_number(values["id_number"]),
        "birth_year": values["birth_date"].year,
        "gender": values["gender"],
        "phone": mask_phone(values.get("phone")),
        "employer": values.get("employer") or "",
        "union_id": values["union_id"],
        "union": union_name,
        "is_migrant_worker": bool(values.get("is_migrant_worker")),
        "hukou_type": HUKOU_TYPE.label(values.get("hukou_type")),
        "education": EDUCATION.label(values.get("education")),
        "political_status": POLITICAL_STATUS.label(values.get("political_status")),
        "consent": draft.consent,
        "warnings": list(warnings),
    }


class _Seen:
    """Filed before (``seen_ids``) or read earlier in this run."""

    def __init__(self, filed: Container[str]) -> None:
        self.filed = filed
        self.run: set[str] = set()

    def __contains__(self, payload_id: object) -> bool:
        return payload_id in self.run or payload_id in self.filed


def _scan(
    ctx: Context,
    args: argparse.Namespace,
    *,
    file_scan: FileScan | None = None,
    seen_ids: SeenIds | None = None,
) -> int:
    from desktop.services.unions import registry as unions
    from desktop.sync import office

    if args.stdin:
        texts = [line for line in sys.stdin.read().splitlines() if line.strip()]
    elif args.payload:
        texts = [args.payload]
    else:
        raise UnionDeskError("请给出扫码得到的文字，或用 --stdin 从标准输入读取。")
    names = {u.id: u.name for u in unions.list_all(ctx.db)}
    seen = _Seen(seen_ids(ctx.db) if seen_ids is not None else frozenset())
    shown: list[dict[str, Any]] = []
    refused = 0
    for number, text in enumerate(texts, start=1):
        try:
            scanned = office.read_application_scan(ctx.db, text, seen)
            filed = file_scan(ctx.db, scanned) if file_scan is not None else None
        except UnionDeskError as exc:
            where = f"第 {number} 份：" if len(texts) > 1 else ""
            print(f"{where}{exc.message}", file=sys.stderr)
            refused += 1
            continue
        seen.run.add(scanned.draft.payload_id)
        values = scanned.values
        item = _shown(values, names.get(values["union_id"], ""), scanned.draft, scanned.warnings)
        shown.append(dict(item, application_id=filed) if filed is not None else item)
    if args.json:
        print_json(shown)
    else:
        for item in shown:
            done = f"已登记（编号 {item['application_id']}）" if "application_id" in item else ""
            print(
                f"入会申请{done}（第 {item['page_version']} 版页面）：{item['name']}  "
                f"身份证号 {item['id_number']}  手机 {item['phone']}  工会 {item['union']}  "
                f"工作单位 {item['employer'] or '—'}  "
                f"农民工 {'是' if item['is_migrant_worker'] else '否'}  "
                f"户籍 {item['hukou_type'] or '—'}  学历 {item['education'] or '—'}  "
                f"政治面貌 {item['political_status'] or '—'}"
            )
            for warning in item["warnings"]:
                print(f"  注意：{warning}")
    return 1 if refused else 0
