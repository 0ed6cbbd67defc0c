"""Two clerks, one member: the optimistic version check's differences.

Why optimistic: at a hub several clerks work on one registry, and holding a lock on a
member while a dialog stands open would block the other clerk for as long as the first
one drinks tea. Instead every write of a member adds one to ``members.version`` (a
local column: each PC counts the writes of its own copy), a dialog keeps the version
it loaded, and the member writer saves with ``WHERE id = :id AND version = :seen``
(``writer.update_many``'s ``seen``). When no row matches, this module works out what
the clerk is told: which fields the other clerk (or a received sync change) changed,
their value now, and what this clerk typed — ID numbers and phones masked as
everywhere else (``models.masking``), codes as their labels, the union by its name.

A field both clerks set to the same value is no difference; when nothing differs at
all (the other write changed nothing this clerk saw, or the same thing), the edit goes
ahead on the version now stored: the check refuses only an overwrite the clerk has not
seen. A version given alone (``members update --if-version N``: no values seen to
compare) is strict: any other version is refused, differences or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import EditConflictError, FieldDifference, NotFoundError
from desktop.models.codes import MEMBERSHIP_STATUS
from desktop.models.masking import mask_id_number, mask_phone
from desktop.models.member_fields import MEMBER_FIELDS

# The fields a clerk sees of a member, in the dialog's order, with their labels.
LABELS: dict[str, str] = {
    **{spec.name: spec.label for spec in MEMBER_FIELDS},
    "left_on": "离会日期",
    "leave_reason": "离会原因",
    "photo": "照片",
}
_CODES = {spec.name: spec.codes for spec in MEMBER_FIELDS if spec.codes is not None}
_CODES.setdefault("membership_status", MEMBERSHIP_STATUS)
# plain SQL for either engine: flags are 0/1 on both (a ``smallint`` on the hub, where
# ``NOT deleted`` is refused: "argument of NOT must be type boolean")
_READ = text(f"SELECT version, {', '.join(LABELS)} FROM members WHERE id = :id AND deleted = 0")
EMPTY = "（空）"


@dataclass(frozen=True)
class Seen:
    """What an edit was based on: the ``version`` the clerk loaded and, when known (a
    dialog), the ``values`` they saw (field → value, as ``registry.MemberRecord`` holds
    them). Without ``values`` (a command given a version), every field being changed
    that now holds something else is listed as a difference."""

    version: int
    values: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Stored:
    """A member's fields as stored now, with their version."""

    version: int
    values: dict[str, Any]


def plain(value: Any) -> Any:
    """A value as compared: dates as ISO text, booleans as 0/1, blank text as None."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if value == "":
        return None
    return value


def read(conn: Connection, member_id: str) -> Stored:
    """The member's shown fields and version as they are now (in the caller's
    transaction: on PostgreSQL after the failed UPDATE, the latest committed row)."""
    row = conn.execute(_READ, {"id": member_id}).one_or_none()
    if row is None:
        raise NotFoundError(f"找不到会员 {member_id}（可能已被删除）")
    mapping = row._mapping
    return Stored(int(mapping["version"]), {f: plain(mapping[f]) for f in LABELS})


def _shown(conn: Connection, field: str, value: Any) -> str:
    if value is None:
        return EMPTY
    if field == "id_number":
        return mask_id_number(str(value))
    if field == "phone":
        return mask_phone(str(value))
    if field == "union_id":
        name = conn.execute(
            text("SELECT name FROM unions WHERE id = :u"), {"u": value}
        ).scalar_one_or_none()
        return str(name) if name is not None else "（已删除的工会）"
    if field == "is_migrant_worker":
        return "是" if value else "否"
    if field == "photo":
        return "有照片"
    codes = _CODES.get(field)
    if codes is not None:
        return codes.label(str(value))
    return str(value)


def differences(
    conn: Connection, stored: Stored, seen: Seen, typed: Mapping[str, Any]
) -> list[FieldDifference]:
    """The fields that differ between what is stored now and what this clerk would
    save, among those the other write changed (``seen.values`` given) or those being
    changed (not given); in the dialog's order, values as a clerk may see them."""
    typed_plain = {f: plain(v) for f, v in typed.items() if f in LABELS}
    found: list[FieldDifference] = []
    for field, label in LABELS.items():
        now = stored.values[field]
        if seen.values is not None:
            before = plain(seen.values.get(field))
            if field not in seen.values or now == before:
                continue  # the other write left it alone
            yours = typed_plain.get(field, before)
        elif field in typed_plain:
            yours = typed_plain[field]
        else:
            continue
        if now != yours:
            found.append(
                FieldDifference(field, label, _shown(conn, field, now), _shown(conn, field, yours))
            )
    return found


def conflict_error(differences: list[FieldDifference], version: int) -> EditConflictError:
    """The refusal a clerk reads: labels only in the message (it may reach a log)."""
    labels = "、".join(d.label for d in differences)
    return EditConflictError(
        f"保存未完成：您编辑期间，这位会员的记录已被另一位工作人员（或收到的同步数据）修改"
        f"（{labels}）。请核对差异后选择「重新载入」或「仍然保存」；本次未写入任何数据。",
        differences=differences,
        version=version,
    )
