"""What an import's counts are called, in the order a clerk reads them.

Shared by the import wizard, ``uniondesk sync import`` and ``sync history``, the window's
收发记录 and the audit trail's entry for an import (which had named them ``new 10787,
changes 10828`` in English). No imports: the sync façade (``office``) gives it to the
CLI and the views.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COUNT_LABELS: tuple[tuple[str, str], ...] = (
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
#: Counts that ask the clerk to look (shown marked in the wizard).
ATTENTION = frozenset(
    {"conflicts", "duplicate_id_numbers", "pending_references", "future_clocks", "quarantined"}
)


def short_label(key: str) -> str:
    """A count's name without its explanation in brackets (新冲突, not 新冲突（…）)."""
    label = dict(COUNT_LABELS).get(key, key)
    return label.split("（")[0]


def counts_text(counts: Mapping[str, int], *, skip: tuple[str, ...] = ()) -> str:
    """「新增记录 10787，附件 12」: the non-zero counts in reading order, then any count
    this version has no name for (from a newer one) as it is."""
    known = [key for key, _label in COUNT_LABELS]
    keys = [k for k in known if k not in skip] + sorted(set(counts) - set(known))
    return "，".join(f"{short_label(k)} {counts[k]}" for k in keys if counts.get(k))


def receipt_text(direction: str, summary: Mapping[str, Any]) -> str:
    """A 收发记录 line's what: 「增量，21286 条修改」 for a package sent, the counts of one
    received (「新增记录 10787，附件 12」), or what kind of package it was."""
    if summary.get("ack_only"):
        return "回执（只含已收到的修改记录，无数据）"
    if summary.get("up_to_date"):
        return "已是最新（修改本机都已有）"
    if direction == "out":
        mode = "全量" if summary.get("full") else "增量"
        return f"{mode}，{summary.get('changes', 0)} 条修改"
    return counts_text(summary.get("counts") or {}, skip=("changes",)) or "没有新内容"
