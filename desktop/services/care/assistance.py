"""救助（帮扶）台账: money or goods given under a hardship file, one writer of
``hardship_assistance``.

Amounts are typed in yuan and stored in fen (whole numbers: no float rounding in sums);
a negative, zero or non-numeric amount is refused. ``batch`` names a distribution
(2026年春节送温暖): the 救助金领取签收表 prints one batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import ValidationError
from desktop.models.base import new_id
from desktop.models.codes import ASSISTANCE_KIND, FUND_SOURCE
from desktop.services.activities.inputs import as_amount_fen, as_code, opt_text, require_date
from desktop.services.care.common import need_date, open_case_row
from desktop.storage.database import Database


@dataclass(frozen=True)
class AssistanceRecord:
    id: str
    case_id: str
    given_on: date
    kind: str
    kind_label: str
    amount_fen: int
    fund_source: str
    fund_source_label: str
    handler: str | None
    batch: str | None
    notes: str | None

    @property
    def amount_yuan(self) -> str:
        return f"{self.amount_fen // 100}.{self.amount_fen % 100:02d}"


@dataclass(frozen=True)
class BatchLine:
    """One line of a batch's receipt: who received how much (no ID number)."""

    member_name: str
    union_name: str
    given_on: date
    kind_label: str
    amount_fen: int
    fund_source_label: str
    handler: str


def assist(
    db: Database,
    case_id: str,
    *,
    given_on: Any,
    kind: Any,
    amount: Any,
    fund_source: Any,
    today: date,
    handler: Any = None,
    batch: Any = None,
    notes: Any = None,
) -> AssistanceRecord:
    """Record one assistance on an open file."""
    day = require_date(given_on, "given_on", "发放日期")
    if day > today:
        raise ValidationError(f"发放日期 {day.isoformat()} 晚于今天", field="given_on")
    fen = as_amount_fen(amount, "amount", "救助金额")
    if fen is None or fen == 0:
        raise ValidationError("救助金额应大于 0（单位：元），如 500 或 1200.50", field="amount")
    kind_code = as_code(ASSISTANCE_KIND, kind, "kind", "救助类别")
    source = as_code(FUND_SOURCE, fund_source, "fund_source", "资金来源")
    values = {
        "kind": kind_code,
        "fund_source": source,
        "handler": opt_text(handler, "handler", "经办人", 50),
        "batch": opt_text(batch, "batch", "发放批次", 60),
        "notes": opt_text(notes, "notes", "备注", 1000),
    }
    record_id = new_id()
    with db.connect() as conn:
        row = open_case_row(conn, case_id, "登记救助")
        opened = need_date(row.opened_on)
        if day < opened:
            raise ValidationError(
                f"发放日期 {day.isoformat()} 早于建档日期 {opened.isoformat()}，请核对",
                field="given_on",
            )
        conn.execute(
            text(
                "INSERT INTO hardship_assistance (id, case_id, given_on, kind, amount_fen, "
                "fund_source, handler, batch, notes) VALUES (:id, :case_id, :given_on, :kind, "
                ":amount_fen, :fund_source, :handler, :batch, :notes)"
            ),
            {
                "id": record_id,
                "case_id": case_id,
                "given_on": day.isoformat(),
                "amount_fen": fen,
                **values,
            },
        )
    return AssistanceRecord(
        record_id,
        case_id,
        day,
        kind_code,
        ASSISTANCE_KIND.label(kind_code),
        fen,
        source,
        FUND_SOURCE.label(source),
        values["handler"],
        values["batch"],
        values["notes"],
    )


def list_in(conn: Connection, case_id: str) -> list[AssistanceRecord]:
    rows = conn.execute(
        text(
            "SELECT id, case_id, given_on, kind, amount_fen, fund_source, handler, batch, notes "
            "FROM hardship_assistance WHERE case_id = :c AND deleted = 0 ORDER BY given_on, id"
        ),
        {"c": case_id},
    ).all()
    return [
        AssistanceRecord(
            r.id,
            r.case_id,
            need_date(r.given_on),
            r.kind,
            ASSISTANCE_KIND.label(r.kind),
            int(r.amount_fen),
            r.fund_source,
            FUND_SOURCE.label(r.fund_source),
            r.handler,
            r.batch,
            r.notes,
        )
        for r in rows
    ]


def batches(db: Database) -> list[str]:
    """Batch names in use, newest distribution first."""
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT batch FROM hardship_assistance WHERE deleted = 0 AND batch IS NOT NULL "
                "GROUP BY batch ORDER BY max(given_on) DESC, batch"
            )
        ).all()
    return [str(r.batch) for r in rows]


def batch_lines(db: Database, batch: str) -> list[BatchLine]:
    """The lines of one batch's receipt, by union then name."""
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT m.name AS member_name, coalesce(u.name, '') AS union_name, a.given_on, "
                "a.kind, a.amount_fen, a.fund_source, coalesce(a.handler, '') AS handler "
                "FROM hardship_assistance a JOIN hardship_cases h ON h.id = a.case_id "
                "JOIN members m ON m.id = h.member_id LEFT JOIN unions u ON u.id = m.union_id "
                "WHERE a.deleted = 0 AND h.deleted = 0 AND a.batch = :b "
                "ORDER BY union_name, m.name, a.given_on"
            ),
            {"b": batch},
        ).all()
    if not rows:
        raise ValidationError(f"没有批次为「{batch}」的救助记录，请核对批次名称", field="batch")
    return [
        BatchLine(
            r.member_name,
            r.union_name,
            need_date(r.given_on),
            ASSISTANCE_KIND.label(r.kind),
            int(r.amount_fen),
            FUND_SOURCE.label(r.fund_source),
            r.handler,
        )
        for r in rows
    ]


def erase_in(conn: Connection, case_id: str) -> None:
    """Purge: tombstone the ledger lines (amounts kept for the totals of past years)."""
    conn.execute(
        text(
            "UPDATE hardship_assistance SET deleted = 1, handler = NULL, notes = NULL "
            "WHERE case_id = :c"
        ),
        {"c": case_id},
    )


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert ledger lines already made whole and valid (the demo generator)."""
    from sqlalchemy import insert

    from desktop.models.care import Assistance

    if rows:
        conn.execute(insert(Assistance), rows)
