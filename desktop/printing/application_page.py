"""The phone application page (入会申请页面): one self-contained HTML file per office.

The office publishes the file (WeChat, a USB stick, any static host); a worker opens it
on a phone, fills it in, and the page shows the application as a QR encrypted to the
office's key (format: ``desktop/cards/application_qr.py``). Everything is inlined — the
template, its style, the bundled libraries (``resources/templates/application_page/
vendor/``), the office's public key, its unions and the code lists — and a Content
Security Policy of ``default-src 'none'`` forbids the page any request, so it works
offline and no applicant's data can leave the phone except as the QR.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.cards.application_qr import PAGE_VERSION
from desktop.errors import FileAccessError, UnionDeskError
from desktop.models.codes import EDUCATION, HUKOU_TYPE, POLITICAL_STATUS
from desktop.models.member_fields import FIELDS_BY_NAME
from desktop.resources import resources_dir
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync import office

TEMPLATE_DIR = ("templates", "application_page")

CONSENT = (
    "根据《中华人民共和国个人信息保护法》，{office}（以下简称本工会）为办理您的入会申请、"
    "会员登记和会籍管理，需要处理您在本页填写的姓名、身份证号、手机号、工作单位、户籍类型、"
    "学历、政治面貌等个人信息，其中身份证号属于敏感个人信息。这些信息仅在本手机上加密后以二维码"
    "形式交给本工会，不经过任何网站或第三方；本工会仅将其用于入会审核和会员服务，按规定保管，"
    "不向无关方提供。您可以向本工会查阅、更正您的信息，或撤回同意（撤回不影响此前已进行的处理）。"
    "不同意则无法通过本页面申请，您可以到工会办公室当面办理。"
)


def _template_file(name: str) -> str:
    path = resources_dir().joinpath(*TEMPLATE_DIR, name)
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        raise UnionDeskError(
            f"找不到申请页面模板文件 {name}（安装不完整），请重新安装工会桌面通。"
        ) from exc


def _script_json(value: object) -> str:
    """JSON safe inside a <script>: no ``</script>``, no line separators JS chokes on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def page_config(
    office_name: str, node_id: str, box_public: bytes, unions: Sequence[tuple[str, str]]
) -> dict[str, object]:
    """What the page's script reads as ``UD_CONFIG``."""
    return {
        "office": office_name,
        "node": node_id,
        "key": box_public.hex(),
        "pageVersion": PAGE_VERSION,
        "unions": [[uid, name] for uid, name in unions],
        "codes": {
            "hukou_type": [list(item) for item in HUKOU_TYPE],
            "education": [list(item) for item in EDUCATION],
            "political_status": [list(item) for item in POLITICAL_STATUS],
        },
        "limits": {
            "name": FIELDS_BY_NAME["name"].max_len,
            "employer": FIELDS_BY_NAME["employer"].max_len,
        },
    }


def build_page(
    office_name: str, node_id: str, box_public: bytes, unions: Sequence[tuple[str, str]]
) -> str:
    """The page's HTML for this office and its unions ((id, name), in the order shown)."""
    if len(box_public) != 32:
        raise UnionDeskError("本机的加密公钥无效，无法生成申请页面。请先完成初始设置。")
    if not unions:
        raise UnionDeskError("还没有登记任何基层工会，申请页面无工会可选。请先用 unions add 登记。")
    office = html.escape(office_name)
    config = page_config(office_name, node_id, box_public, unions)
    parts = {
        "{{CSS}}": _template_file("page.css"),
        "{{VENDOR}}": _template_file("vendor/vendor.min.js"),
        "{{PAGE}}": _template_file("page.js"),
        "{{CONFIG}}": _script_json(config),
        "{{CONSENT}}": html.escape(CONSENT.format(office=office_name)),
        "{{OFFICE}}": office,
        "{{PAGE_VERSION}}": str(PAGE_VERSION),
        "{{MAX_NAME}}": str(2 * FIELDS_BY_NAME["name"].max_len),
        "{{MAX_EMPLOYER}}": str(2 * FIELDS_BY_NAME["employer"].max_len),
    }
    page = _template_file("page.html")
    # One pass over the template's own markers: an inlined script is never searched.
    out: list[str] = []
    rest = page
    while "{{" in rest:
        head, _, tail = rest.partition("{{")
        key, _, rest = tail.partition("}}")
        out.append(head)
        out.append(parts["{{" + key + "}}"])
    out.append(rest)
    return "".join(out)


@dataclass(frozen=True)
class PublishedPage:
    """What ``publish`` wrote, for the clerk's confirmation."""

    page: Path
    poster: Path | None
    unions: int


def publish(
    db: Database, page: str | os.PathLike[str], poster: str | os.PathLike[str] | None = None,
    url: str | None = None,
) -> PublishedPage:  # fmt: skip
    """Write this office's application page (and its poster): for the CLI's
    ``page`` verb and the review queue's 生成申请页面 button alike. The page holds only
    public data (the office's public key, union names), so it is an ordinary file."""
    from desktop.printing.application_poster import check_url, render_poster

    check_url(url)
    key = office.application_page_key(db)
    listed = [(u.id, u.name) for u in unions.list_all(db)]
    text = build_page(key.office_name, key.node_id, key.box_public, listed)
    target = Path(page)
    part = target.with_name(target.name + ".part")
    try:
        part.write_text(text, "utf-8")
        os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise FileAccessError(
            f"无法写入文件 {target}：{exc.strerror or exc}。请检查路径和权限。"
        ) from exc
    if poster is not None:
        render_poster(poster, key.office_name, url or None)
    return PublishedPage(target, Path(poster) if poster is not None else None, len(listed))
