"""What gets printed, as plain dataclasses, and the queries that fill them.

The renderers never touch the database: the CLI and the GUI call ``load_cards`` (or the
form loaders) in a read transaction, then hand the records to a renderer, possibly on a
worker thread. Warnings name the member for the clerk's screen; logs use UUIDs only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, RowMapping, select

from desktop.cards.signing import self_signer
from desktop.errors import UnionDeskError
from desktop.models import Attachment, Federation, Member, Union
from desktop.models.codes import CURRENT_STATUSES, MEMBERSHIP_STATUS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintWarning:
    """Something the clerk should know; ``member_id`` is what logs may record."""

    member_id: str
    message: str


@dataclass(frozen=True)
class CardRecord:
    member_id: str
    name: str
    union_name: str
    federation_name: str
    card_no: str
    joined_on: date | None
    payload: str
    photo: bytes | None = None
    has_photo_ref: bool = False  # the member has a photo hash (even if its blob is gone)


@dataclass
class CardBatch:
    records: list[CardRecord]
    warnings: list[PrintWarning] = field(default_factory=list)


def _member_rows(
    conn: Connection, *, union_name: str | None, member_ids: Sequence[str] | None
) -> list[RowMapping]:
    m, u, f = Member.__table__.c, Union.__table__.c, Federation.__table__.c
    stmt = (
        select(Member.__table__, u.name.label("union_name"), f.name.label("federation_name"))
        .join(Union.__table__, u.id == m.union_id)
        .join(Federation.__table__, f.id == u.federation_id)
        .where(m.deleted.is_(False))
    )
    if union_name is not None:
        from desktop.services.unions.registry import find_by_name

        union_id = find_by_name(conn, union_name)  # refuses an unknown or ambiguous name
        stmt = stmt.where(m.union_id == union_id, m.membership_status.in_(CURRENT_STATUSES))
        stmt = stmt.order_by(m.sort_key, m.id)
    elif member_ids:
        stmt = stmt.where(m.id.in_(list(member_ids)))
    else:
        raise UnionDeskError("没有选择会员：请先在名单中勾选会员，或指定工会名称 / 会员编号。")
    rows = conn.execute(stmt).mappings().all()
    if member_ids and union_name is None:
        order = {mid: i for i, mid in enumerate(member_ids)}
        rows = sorted(rows, key=lambda r: order.get(str(r["id"]), 0))
        unknown = set(member_ids) - {str(r["id"]) for r in rows}
        if unknown:
            raise UnionDeskError(f"找不到以下会员（可能已删除）：{'、'.join(sorted(unknown))}。")
        _require_current(rows)
    return list(rows)


def _require_current(rows: Sequence[RowMapping]) -> None:
    """Members chosen one by one get a card only while they are members (在会 or 保留会籍):
    a card handed to someone who left verifies as 已失效. Refused naming each of them."""
    gone = [r for r in rows if r["membership_status"] not in CURRENT_STATUSES]
    if not gone:
        return
    named = "、".join(
        f"「{r['name']}」（{MEMBERSHIP_STATUS.label(r['membership_status'])}"
        + (f"，{_day(r['left_on'])} 起）" if r["left_on"] else "）")
        for r in gone
    )
    raise UnionDeskError(f"以下会员不在会，不能制作会员卡：{named}。请只选择在会或保留会籍的会员。")


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def load_cards(
    conn: Connection,
    *,
    union_name: str | None = None,
    member_ids: Sequence[str] | None = None,
) -> CardBatch:
    """Members to print cards for, with signed QR payloads and their photo bytes."""
    signer = self_signer(conn)
    batch = CardBatch([])
    rows = _member_rows(conn, union_name=union_name, member_ids=member_ids)
    photo_ids = {str(r["photo"]) for r in rows if r["photo"]}
    photos: dict[str, bytes] = {}
    if photo_ids:
        a = Attachment.__table__.c
        for sha, data in conn.execute(select(a.sha256, a.data).where(a.sha256.in_(photo_ids))):
            photos[str(sha)] = bytes(data)
    for r in rows:
        member_id, name = str(r["id"]), str(r["name"])
        card_no = r["card_no"]
        if not card_no:
            batch.warnings.append(
                PrintWarning(member_id, f"会员「{name}」还没有会员证号，已跳过。")
            )
            log.info("card skipped, no card number: member %s", member_id)
            continue
        photo_ref = r["photo"]
        batch.records.append(
            CardRecord(
                member_id=member_id,
                name=name,
                union_name=str(r["union_name"]),
                federation_name=str(r["federation_name"]),
                card_no=str(card_no),
                joined_on=r["joined_on"],
                payload=signer.payload(str(card_no), member_id),
                photo=photos.get(str(photo_ref)) if photo_ref else None,
                has_photo_ref=bool(photo_ref),
            )
        )
    if not batch.records:
        reasons = "；".join(w.message for w in batch.warnings[:3])
        raise UnionDeskError("没有可制卡的会员。" + (reasons or "所选范围内没有在会会员。"))
    return batch
