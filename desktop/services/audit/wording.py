"""An audit entry as a clerk reads it.

A record change is stored as the fold wrote it (``changes.py``: kind, table, record id,
field names — the text the entry's hash covers, never rewritten); shown raw it read
「新增 attendances 记录 01a251fe-af90-7639-…；字段：6 个字段」. Shown, the table and the
fields take their Chinese names (``models.labels``) and the record id its last eight
characters: 「修改 入会申请（记录 …9c41d2e7）：审核状态、审核日期、审核人」, and a record of
a table named without personal data its name as well (``record_names``): 「新增 基层工会
「一号工会」（记录 …9bc427be）」. Older entries read the same way, since the names are taken
from the entry's own columns.
"""

from __future__ import annotations

from desktop.models.labels import field_label, table_label
from desktop.services.audit.changes import KIND_LABELS
from desktop.services.audit.codes import RECORD_CHANGE
from desktop.services.audit.queries import AuditRecord

#: How many characters of a record id are shown: its last ones, the random part of a
#: UUIDv7 (its first ones are its time, the same for every record written that minute).
SHORT_ID = 8


def shown_detail(record: AuditRecord) -> str:
    """The entry's detail in the clerk's words (every entry but a record change is
    written that way already)."""
    if record.action != RECORD_CHANGE or not record.tbl:
        return record.detail
    table = table_label(record.tbl)
    if record.record_id is None:  # a bulk write's one summary: 「表：N 条记录变更（…）」
        prefix = f"{record.tbl}："
        rest = record.detail.removeprefix(prefix)
        return f"{table}：{rest}" if rest != record.detail else record.detail
    kind = record.detail.split(" ", 1)[0]
    if kind not in KIND_LABELS.values():
        return record.detail
    named = f"「{record.record_name}」" if record.record_name else ""
    what = f"{kind} {table}{named}（记录 …{record.record_id[-SHORT_ID:]}）"
    names = [n for n in (record.fields or "").split(",") if n]
    if kind != KIND_LABELS["update"] or not names:  # new or deleted: every field
        return what
    return f"{what}：{'、'.join(field_label(record.tbl, n) for n in names)}"
