"""Chinese wording for what the sync engine returns: tables, fields, values, nodes.

Tables and fields are named by ``models.labels`` (the audit trail names them the same way).

Plain functions (no widgets) so the item models and wizards share one wording.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from desktop.errors import UnionDeskError
from desktop.models.labels import field_label as field_label
from desktop.models.labels import table_label as table_label
from desktop.models.member_fields import FIELDS_BY_NAME
from desktop.services.members import registry as members
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync import office

PREVIEW_COUNTS = (
    ("changes", "新修改条数"),
    ("new", "新增记录"),
    ("updated", "更新记录"),
    ("deleted", "删除记录"),
    ("conflicts", "新冲突（保留两个值，待您选择）"),
    ("resolved", "已化解的冲突"),
    ("duplicate_id_numbers", "身份证号重复"),
    ("pending_references", "引用的记录尚未收到"),
    ("future_clocks", "时间超前的修改"),
    ("unknown_fields", "新版本字段（保留）"),
    ("quarantined", "数值不合规则（已隔离）"),
    ("attachments", "附件"),
)
ATTENTION = {
    "conflicts",
    "duplicate_id_numbers",
    "pending_references",
    "future_clocks",
    "quarantined",
}


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


class NodeNames:
    """Node id → the office name a clerk enrolled, this PC, or a short id."""

    def __init__(self, db: Database) -> None:
        known = office.known_offices(db)
        self.own = set(known.own)
        self.names = dict(known.names)

    def __call__(self, node: str) -> str:
        if node in self.own:
            return "本机"
        name = self.names.get(node)
        return name if name else f"节点 {node[:8]}"

    def many(self, nodes: str) -> str:
        parts = [self(n) for n in nodes.split(",") if n]
        return "、".join(parts) if parts else "（仅本机）"


def local_time(at: datetime) -> str:
    """Stored timestamps are naive UTC; show them in the PC's local time."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def receipt_summary(direction: str, summary: dict[str, Any]) -> str:
    if summary.get("ack_only"):
        return "回执（只含已收到的修改记录，无数据）"
    if summary.get("up_to_date"):
        return "已是最新（修改本机都已有）"
    if direction == "out":
        mode = "全量" if summary.get("full") else "增量"
        return f"{mode}，{summary.get('changes', 0)} 条修改"
    counts = summary.get("counts") or {}
    parts = [
        f"{label.split('（')[0]} {counts[key]}"
        for key, label in PREVIEW_COUNTS[1:]
        if counts.get(key)
    ]
    return "，".join(parts) if parts else "没有新内容"


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
