"""Merge two member records of one person, as one recorded and synced operation.

The survivor takes the fields the clerk chose from the other record; the other record's
attendance, transfers, applications and hardship files move to the survivor; the other
record becomes a tombstone; a ``member_merges`` row says who merged what, when, and
which fields were taken. All in one transaction, every member write through the member
writer. This module is the one writer of ``member_merges``.

Why the row: sync carries the merge's writes like any others, but an office may hold an
edit to the merged-away record that the merging office never saw. The sync apply asks
``merged_away`` which received changes concern merged-away records and hands their
fields to ``carry_over``, which writes them on the survivor (a local, travelling change).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, UnionDeskError, ValidationError
from desktop.models.ids import new_id
from desktop.models.masking import mask_id_number, mask_phone
from desktop.models.member_fields import FIELDS_BY_NAME
from desktop.models.validation import check_id_number
from desktop.services import audit
from desktop.services.activities import attendance
from desktop.services.members import registry
from desktop.services.members import writer as member_writer
from desktop.services.members.registry import MemberRecord
from desktop.storage.database import Database

# The fields a clerk may take from the other record, with their labels, in dialog order.
FIELD_LABELS: dict[str, str] = {
    **{name: spec.label for name, spec in FIELDS_BY_NAME.items()},
    "photo": "照片",
}
MERGEABLE = tuple(FIELD_LABELS)
# Taking the ID number takes what is derived from it.
_WITH_ID_NUMBER = ("birth_date", "gender")
# Tables whose rows point at a member and move to the survivor, each through its own
# writer (attendance is moved first and counted: ``attendance.reassign_member``).


def _movers() -> tuple[tuple[str, Callable[[Connection, str, str], int]], ...]:
    """(table, its writer's move) for every table that points at a member but attendance."""
    from desktop.services.applications import records as applications
    from desktop.services.care import hardship
    from desktop.services.honours import records as honours
    from desktop.services.legal import cases as legal_cases
    from desktop.services.transfers import records as transfers

    return (
        ("applications", applications.reassign_member),
        ("member_status_changes", member_writer.reassign_history),
        ("honours", honours.reassign_member),
        ("legal_cases", legal_cases.reassign_member),
        ("hardship_cases", hardship.reassign_member),
        ("transfers", transfers.reassign_member),
    )


# Member columns a received edit of a merged-away record may carry over.
_NOT_CARRIED = frozenset({"id", "deleted", "sort_key"})
# A chain of merges (A into B, B into C) is followed at most this far.
_MAX_CHAIN = 20


@dataclass(frozen=True)
class FieldChoice:
    """One row of the side-by-side view: the field and how each record shows it."""

    name: str
    label: str
    keep_text: str
    other_text: str

    @property
    def differs(self) -> bool:
        return self.keep_text != self.other_text


@dataclass(frozen=True)
class MergeResult:
    merge_id: str
    survivor_id: str
    merged_id: str
    fields_taken: tuple[str, ...]
    moved_attendance: int
    different_ids: bool


def _shown(record: MemberRecord, name: str) -> str:
    value = getattr(record, name)
    if name == "id_number":
        return mask_id_number(value)
    if name == "phone":
        return mask_phone(value)
    if name == "union_id":
        return record.union_name
    if name == "photo":
        return "有照片" if value else "无照片"
    spec = FIELDS_BY_NAME.get(name)
    if spec is not None and spec.codes is not None and value:
        return spec.codes.label(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def compare(db: Database, keep_id: str, other_id: str) -> list[FieldChoice]:
    """Both records field by field, as the merge dialog shows them (ID number and phone
    masked)."""
    keep, other = registry.get(db, keep_id), registry.get(db, other_id)
    return [FieldChoice(n, FIELD_LABELS[n], _shown(keep, n), _shown(other, n)) for n in MERGEABLE]


def _valid_id(value: str) -> bool:
    try:
        check_id_number(value, check_area=False)
    except ValidationError:
        return False
    return True


def has_different_ids(db: Database, keep_id: str, other_id: str) -> bool:
    """Do the two records carry different valid ID numbers (merging needs a confirmation)?"""
    keep, other = registry.get(db, keep_id), registry.get(db, other_id)
    return _different_ids(keep, other)


def _different_ids(keep: MemberRecord, other: MemberRecord) -> bool:
    return (
        keep.id_number != other.id_number
        and _valid_id(keep.id_number)
        and _valid_id(other.id_number)
    )


def _check_take(take: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(take))
    unknown = [f for f in chosen if f not in FIELD_LABELS]
    if unknown:
        allowed = "、".join(MERGEABLE)
        raise ValidationError(
            f"不能选用的字段：{'、'.join(unknown)}。可选用的字段：{allowed}", field="take"
        )
    return chosen


def merge(
    db: Database,
    keep_id: str,
    other_id: str,
    *,
    take: Iterable[str] = (),
    confirm_different_ids: bool = False,
) -> MergeResult:
    """Merge ``other_id`` into ``keep_id``; ``take``: fields the survivor takes from the
    other record. Refused (nothing written): a record with itself, a record missing or
    deleted, an unknown field, two different valid ID numbers without confirmation."""
    if keep_id == other_id:
        raise ValidationError("不能把一条会员记录与它自己合并：请选择两条不同的记录", field="other")
    chosen = _check_take(take)
    with db.connect() as conn:
        keep = _live(conn, keep_id, "保留的记录")
        other = _live(conn, other_id, "被合并的记录")
        different = _different_ids(keep, other)
        if different and not confirm_different_ids:
            raise UnionDeskError(
                "两条记录的身份证号不同（都是有效号码），可能不是同一个人。"
                "请核对后再合并；确属同一人时需明确确认"
                "（命令行加 --confirm-different-ids，窗口中在第二次询问时选择“确认合并”）"
            )
        changes: dict[str, Any] = {f: getattr(other, f) for f in chosen}
        if "id_number" in chosen:
            changes.update({f: getattr(other, f) for f in _WITH_ID_NUMBER})
        member_writer.merge_records(conn, keep_id, other_id, changes)
        moved = attendance.reassign_member(conn, other_id, keep_id)
        _move_other_children(conn, other_id, keep_id)
        merge_id = new_id()
        conn.execute(
            text(
                "INSERT INTO member_merges (id, survivor_id, merged_id, merged_at, operator, "
                "fields_taken, different_ids) VALUES (:id, :s, :m, :at, :op, :f, :d)"
            ),
            {
                "id": merge_id,
                "s": keep_id,
                "m": other_id,
                "at": db.clock.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f"),
                "op": audit.os_user()[:100],
                "f": json.dumps(list(chosen)),
                "d": different,
            },
        )
        if different:
            audit.record_in(
                conn,
                audit.MEMBER_MERGE_DIFFERENT_IDS,
                f"保留 {keep_id}，合并 {other_id}（合并记录 {merge_id}）",
            )
    return MergeResult(merge_id, keep_id, other_id, chosen, moved, different)


def _live(conn: Connection, member_id: str, what: str) -> MemberRecord:
    try:
        return registry.get_in(conn, member_id)
    except NotFoundError:
        raise NotFoundError(
            f"{what}不存在或已删除（会员 {member_id}），请刷新重复记录列表"
        ) from None


def _move_other_children(conn: Connection, from_member: str, to_member: str) -> None:
    for _table, move in _movers():
        move(conn, from_member, to_member)


# ---- for the sync apply ----------------------------------------------------------------------


@dataclass(frozen=True)
class MergeRow:
    """A live recorded merge, as the sync apply needs it."""

    id: str
    survivor_id: str
    merged_id: str


def any_merges(conn: Connection) -> bool:
    """Has any merge been recorded here (most registries: none)?"""
    return (
        conn.exec_driver_sql("SELECT 1 FROM member_merges WHERE deleted = 0 LIMIT 1").first()
        is not None
    )


def merged_away(conn: Connection, member_ids: Iterable[str]) -> dict[str, MergeRow]:
    """Merged-away member id → its live merge, for those of ``member_ids`` that were."""
    ids = sorted(set(member_ids))
    found: dict[str, MergeRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.exec_driver_sql(
            "SELECT id, survivor_id, merged_id FROM member_merges WHERE deleted = 0 "
            f"AND merged_id IN ({', '.join('?' for _ in chunk)}) ORDER BY id",
            tuple(chunk),
        ).all()
        for r in rows:
            found.setdefault(
                str(r.merged_id), MergeRow(str(r.id), str(r.survivor_id), str(r.merged_id))
            )
    return found


def final_survivor(conn: Connection, member_id: str) -> str | None:
    """The live record a merged-away record ended in (merges followed in a chain), or
    None when it was not merged away or the chain ends in a deleted record.

    Two offices merging one pair in opposite directions before syncing make a loop (A
    into B here, B into A there); its survivor is the loop's smallest id, on every
    office alike (``settle_loops`` brings that record back).
    """
    seen = [member_id]
    while len(seen) <= _MAX_CHAIN:
        merge_row = merged_away(conn, [seen[-1]]).get(seen[-1])
        if merge_row is None:
            end = seen[-1]
            break
        if merge_row.survivor_id in seen:
            end = min(seen[seen.index(merge_row.survivor_id) :])
            break
        seen.append(merge_row.survivor_id)
    else:
        return None
    if len(seen) == 1:
        return None  # not merged away
    live = conn.exec_driver_sql(
        "SELECT 1 FROM members WHERE id = ? AND deleted = 0", (end,)
    ).first()
    return end if live is not None else None


def _looped(conn: Connection, member_id: str) -> set[str]:
    """The records of the merge loop ``member_id`` is in (empty when it is in none)."""
    seen = [member_id]
    while len(seen) <= _MAX_CHAIN:
        merge_row = merged_away(conn, [seen[-1]]).get(seen[-1])
        if merge_row is None:
            return set()
        if merge_row.survivor_id in seen:
            return set(seen[seen.index(merge_row.survivor_id) :])
        seen.append(merge_row.survivor_id)
    return set()


def settle_loops(conn: Connection) -> list[str]:
    """Opposite merges of one pair (received from two offices) tombstoned both records:
    bring back the loop's smallest id, as every office does alike. Capture must be on
    (the revival travels); returns the records brought back."""
    rows = conn.exec_driver_sql(
        "SELECT mm.merged_id FROM member_merges mm JOIN members s ON s.id = mm.survivor_id "
        "WHERE mm.deleted = 0 AND s.deleted = 1 ORDER BY mm.merged_id"
    ).all()
    revived: list[str] = []
    for (merged,) in rows:
        loop = _looped(conn, str(merged))
        if not loop:
            continue
        keep = min(loop)
        live = conn.exec_driver_sql(
            "SELECT 1 FROM members WHERE id = ? AND deleted = 0", (keep,)
        ).first()
        if live is None and keep not in revived:
            member_writer.update_fields(conn, keep, {"deleted": False})
            revived.append(keep)
    return revived


def carry_over(conn: Connection, merged_id: str, fields: Mapping[str, Any]) -> bool:
    """An edit of a merged-away record, received after the merge and unseen by it, written
    on its survivor instead (a local change that travels). Capture must be on. Returns
    whether anything was written.

    A record that is its own survivor — the smallest id of a loop of opposite merges,
    brought back by ``settle_loops`` — keeps the edit where the apply put it: carried
    "over" to itself, every office would write it again as a change of its own, each
    such change received elsewhere would be carried again, and the offices would pass the
    record's values back and forth for good (soak scenario 6963)."""
    survivor = final_survivor(conn, merged_id)
    changes = {k: v for k, v in fields.items() if k not in _NOT_CARRIED}
    if survivor is None or survivor == merged_id or not changes:
        return False
    member_writer.update_fields(conn, survivor, changes)
    return True


def repoint_children(conn: Connection) -> int:
    """Received attendance (and transfers, applications, hardship files) that still point
    at a merged-away record move to its survivor; how many attendances moved."""
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT mm.merged_id FROM member_merges mm JOIN attendances a "
        "ON a.member_id = mm.merged_id AND a.deleted = 0 WHERE mm.deleted = 0"
    ).all()
    olds = {str(r.merged_id) for r in rows}
    for table, _move in _movers():
        olds |= {
            str(r.merged_id)
            for r in conn.exec_driver_sql(
                f'SELECT DISTINCT mm.merged_id FROM member_merges mm JOIN "{table}" t '
                "ON t.member_id = mm.merged_id AND t.deleted = 0 WHERE mm.deleted = 0"
            ).all()
        }
    moved = 0
    for old in sorted(olds):
        survivor = final_survivor(conn, old)
        if survivor is not None and survivor != old:
            moved += attendance.reassign_member(conn, old, survivor)
            _move_other_children(conn, old, survivor)
    return moved
