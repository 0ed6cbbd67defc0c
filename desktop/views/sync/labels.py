"""Chinese wording for what the sync engine returns: tables, fields, values, nodes.

Tables and fields are named by ``models.labels`` (the audit trail names them the same way).

Plain functions (no widgets) so the item models and wizards share one wording.
"""

from __future__ import annotations

from typing import Any

from desktop.errors import UnionDeskError
from desktop.models.labels import field_label as field_label
from desktop.models.labels import table_label as table_label
from desktop.models.member_fields import FIELDS_BY_NAME
from desktop.services.members import registry as members
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync import office
from desktop.sync.office import ATTENTION as ATTENTION
from desktop.sync.office import COUNT_LABELS, receipt_text
from desktop.sync.office import NodeNames as NodeNames
from desktop.views.widgets.dates import local_time as local_time

PREVIEW_COUNTS = COUNT_LABELS  # the wizard's counts, named as everywhere else
receipt_summary = receipt_text  # a 收发记录 line's what (``sync history`` says the same)


def value_text(
    table: str, field: str, value: Any, union_names: dict[str, str] | None = None
) -> str:
    if value is None or value == "":
        return "（空）"
    if field == "deleted":
        return "已删除" if value else "未删除"
    spec = FIELDS_BY_NAME.get(field) if table == "members" else None
    if spec is not None and spec.codes is not None:
        return spec.codes.label(str(value)) or str(value)
    if spec is not None and spec.kind == "bool":
        return "是" if value else "否"
    if field == "union_id":
        return (union_names or {}).get(str(value), f"工会 {str(value)[:8]}")
    return str(value)


def union_names(db: Database) -> dict[str, str]:
    # every federation's unions: an upper office sees its sub-federations' conflicts too
    return {u.id: u.name for u in unions.list_held(db)}


def record_label(db: Database, table: str, row_id: str) -> str:
    """What a clerk recognises a row by (a member's or union's name), else a short id."""
    try:
        if table == "members":
            m = members.get(db, row_id)
            return f"{m.name}（{m.union_name}）"
        if table == "unions":
            return unions.get(db, row_id).name
    except UnionDeskError:
        return f"已删除的记录 {row_id[:8]}"
    return f"记录 {row_id[:8]}"


def _office(name: str, node: str) -> str:
    return f"「{name}」" if name else f"节点 {node[:8]}…"


def origin_row(origin: office.NewOrigin) -> tuple[str, str, str, str]:
    """(单位, 节点, 指纹, 是否接收及由谁担保) for one office this PC never enrolled."""
    name = origin.name or "（名称未知）"
    if origin.name and origin.vouched in (office.INTRODUCER, office.REFUSED):
        name += "（发送单位提供的名称，未核实）"
    voucher = _office(origin.voucher_name, origin.voucher)
    if origin.vouched == office.INTRODUCER:
        how = f"接收：由发送单位{voucher}引荐（本机允许它引荐其他单位）"
    elif origin.vouched == office.ROOT_CERT:
        how = f"接收：凭本机认可的上级单位{voucher}签发的单位证书"
    elif origin.vouched == office.SUCCESSION:
        how = f"接收：是本机信任的单位{voucher}换的新身份，由原节点的密钥签名证明"
    else:
        how = f"未接收，它的修改将被跳过：{origin.reason}"
    return name, f"{origin.node_id[:8]}…", origin.fingerprint, how
