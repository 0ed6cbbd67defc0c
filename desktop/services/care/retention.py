"""Retention: a closed file is kept at least 10 years after its exit (脱困), then offered
for purge. A purge erases the file everywhere: every row of the file, household, ledger,
reviews and consents is blanked and tombstoned through its writer, and sync carries the
tombstones (with the blanked values) to every office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.models.erasure import PERSONAL
from desktop.services import audit
from desktop.services.care import assistance, consent, hardship, household, reviews, scrub
from desktop.services.care.common import RETENTION_YEARS, add_years, case_row, need_date
from desktop.storage import redaction
from desktop.storage.database import Database


@dataclass(frozen=True)
class PurgeableFile:
    id: str
    member_name: str
    closed_on: date
    kept_until: date


def kept_until(closed_on: date) -> date:
    return add_years(closed_on, RETENTION_YEARS)


def purgeable(db: Database, *, today: date) -> list[PurgeableFile]:
    """Closed files whose 10 years after exit have passed."""
    limit = add_years(today, -RETENTION_YEARS)
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT h.id, m.name AS member_name, h.closed_on FROM hardship_cases h "
                "JOIN members m ON m.id = h.member_id WHERE h.deleted = 0 "
                "AND h.closed_on IS NOT NULL AND h.closed_on <= :limit ORDER BY h.closed_on"
            ),
            {"limit": limit.isoformat()},
        ).all()
    return [
        PurgeableFile(
            r.id, r.member_name, need_date(r.closed_on), kept_until(need_date(r.closed_on))
        )
        for r in rows
    ]


def purge(db: Database, case_id: str, *, today: date) -> None:
    """Erase a file whose retention has ended; refused before that. The values go from
    the sync change log too (``scrub``), so no package sends them again."""
    with db.connect() as conn:
        row = case_row(conn, case_id)
        if row.closed_on is None:
            raise ValidationError("在档（未脱困）的困难职工档案不能清除")
        until = kept_until(need_date(row.closed_on))
        if until > today:
            raise ValidationError(
                f"该档案于 {row.closed_on} 脱困，须保存至 {until.isoformat()}（脱困后至少 "
                f"{RETENTION_YEARS} 年），到期后才能清除"
            )
        rows = scrub.file_rows_in(conn, case_id)
        with scrub.scrubbing(conn):
            household.erase_in(conn, case_id)
            assistance.erase_in(conn, case_id)
            reviews.erase_in(conn, case_id)
            consent.erase_in(conn, case_id)
            hardship.erase_in(conn, case_id)
            blanks = {t: PERSONAL[t] for t in ("hardship_cases", *scrub.CHILD_TABLES)}
            scrub.redact_logged_in(conn, rows, blanks)
        audit.record_in(conn, audit.HARDSHIP_PURGE, f"档案 {case_id}")
    redaction.truncate_wal(db)
