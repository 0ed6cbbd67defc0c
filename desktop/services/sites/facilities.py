"""A site's facilities (活动室, AED, 母婴室 …) with their condition and quantity: one row
per kind of facility, which the star rating checks for the levels that require one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, text

from desktop.models.base import new_id
from desktop.models.codes import FACILITY, FACILITY_CONDITION
from desktop.services.activities.inputs import as_code, as_count, opt_text
from desktop.services.sites.records import get_in
from desktop.storage.database import Database


@dataclass(frozen=True)
class FacilityRecord:
    id: str
    site_id: str
    facility: str
    condition: str
    quantity: int
    notes: str | None

    @property
    def label(self) -> str:
        return FACILITY.label(self.facility)


def set_facility(
    db: Database,
    site_id: str,
    facility: str,
    condition: str = "good",
    quantity: int | str = 1,
    notes: str | None = None,
) -> FacilityRecord:
    """Record (or update) one kind of facility at a site."""
    code = as_code(FACILITY, facility, "facility", "设施")
    cond = as_code(FACILITY_CONDITION, condition, "condition", "设施状况")
    qty = as_count(quantity, "quantity", "数量")
    note = opt_text(notes, "notes", "备注", 200)
    with db.connect() as conn:
        get_in(conn, site_id)
        row = conn.execute(
            text(
                "SELECT id FROM site_facilities WHERE site_id = :s AND facility = :f "
                "AND deleted = 0"
            ),
            {"s": site_id, "f": code},
        ).first()
        values = {"s": site_id, "f": code, "c": cond, "q": qty, "n": note}
        if row is None:
            fac_id = new_id()
            conn.execute(
                text(
                    "INSERT INTO site_facilities (id, site_id, facility, condition, quantity, "
                    "notes) VALUES (:id, :s, :f, :c, :q, :n)"
                ),
                {"id": fac_id, **values},
            )
        else:
            fac_id = str(row.id)
            conn.execute(
                text(
                    "UPDATE site_facilities SET condition = :c, quantity = :q, notes = :n "
                    "WHERE id = :id"
                ),
                {"id": fac_id, **values},
            )
    return FacilityRecord(fac_id, site_id, code, cond, int(qty or 0), note)


def remove_facility(db: Database, site_id: str, facility: str) -> None:
    code = as_code(FACILITY, facility, "facility", "设施")
    with db.connect() as conn:
        conn.execute(
            text(
                "UPDATE site_facilities SET deleted = 1 WHERE site_id = :s AND facility = :f "
                "AND deleted = 0"
            ),
            {"s": site_id, "f": code},
        )


def facilities_in(conn: Connection, site_id: str) -> list[FacilityRecord]:
    rows = conn.execute(
        text(
            "SELECT id, site_id, facility, condition, quantity, notes FROM site_facilities "
            "WHERE site_id = :s AND deleted = 0"
        ),
        {"s": site_id},
    ).all()
    order = {c: i for i, c in enumerate(FACILITY.codes)}
    recs = [
        FacilityRecord(
            id=r.id,
            site_id=r.site_id,
            facility=r.facility,
            condition=r.condition,
            quantity=int(r.quantity),
            notes=r.notes,
        )
        for r in rows
    ]
    return sorted(recs, key=lambda f: order.get(f.facility, 999))


def list_facilities(db: Database, site_id: str) -> list[FacilityRecord]:
    with db.connect(write=False) as conn:
        return facilities_in(conn, site_id)


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows the caller has already made whole and valid (the demo generator's
    thousands), in one statement on its transaction: this module stays the table's one
    writer. The ORM table is imported here, not at the top: the window's start reads
    this module and must not pay for the ORM."""
    from desktop.models.site import SiteFacility

    if rows:
        conn.execute(insert(SiteFacility), rows)


def tombstone_all_of(conn: Connection, site_id: str) -> None:
    """Mark every facility of a site deleted (the site is being deleted)."""
    conn.execute(
        text("UPDATE site_facilities SET deleted = 1 WHERE site_id = :id AND deleted = 0"),
        {"id": site_id},
    )
