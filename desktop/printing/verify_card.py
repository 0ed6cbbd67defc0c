"""Card verification for the CLI and the GUI's "verify card" field: signature, then record.

A good signature proves the card was issued by a trusted office and not altered; the
member record then says whether the card is still current (status, a newer card number).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop.cards import signing
from desktop.models import Member, Union
from desktop.models.codes import CURRENT_STATUSES, MEMBERSHIP_STATUS
from desktop.services.erasure import records as erasure_records
from desktop.storage.database import Database


@dataclass(frozen=True)
class CardCheck:
    valid: bool  # signature valid and the member's card still current
    signature_valid: bool
    summary: str  # Chinese, several lines, for the clerk
    card_no: str | None = None
    member_id: str | None = None
    signer_node_id: str | None = None


def check_card(db: Database, payload: str) -> CardCheck:
    with db.connect(write=False) as conn:
        result = signing.verify(conn, payload)
        claim = result.claim
        if not result.valid or claim is None:
            return CardCheck(
                False,
                False,
                f"无效：{result.reason}",
                claim.card_no if claim else None,
                claim.member_id if claim else None,
            )
        m, u = Member.__table__.c, Union.__table__.c
        row = conn.execute(
            select(m.name, m.card_no, m.membership_status, m.deleted, u.name.label("union_name"))
            .join(Union.__table__, u.id == m.union_id)
            .where(m.id == claim.member_id)
        ).first()
        erased_on = erasure_records.erased_on_in(conn, "members", claim.member_id)
    lines = [result.reason, f"会员证号：{claim.card_no}"]
    valid = True
    if erased_on is not None:  # no name, no status: the record holds the person no more
        valid = False
        lines.append(f"该会员的个人信息已删除（{erased_on.isoformat()}），此卡已失效。")
    elif row is None:
        lines.append("本机没有该会员的记录（可能是其他单位的会员，尚未同步）。")
    else:
        status = row.membership_status
        lines.append(
            f"会员：{row.name}（{row.union_name}）  会籍状态：{MEMBERSHIP_STATUS.label(status)}"
        )
        if row.deleted or status not in CURRENT_STATUSES:
            valid = False
            lines.append("该会员已不在会，此卡已失效。")
        elif row.card_no != claim.card_no:
            valid = False
            lines.append(f"该会员已换发新卡（现会员证号 {row.card_no}），此卡已作废。")
    head = "有效" if valid else "已失效"
    return CardCheck(
        valid,
        True,
        head + "：" + "\n".join(lines),
        claim.card_no,
        claim.member_id,
        result.signer_node_id,
    )
