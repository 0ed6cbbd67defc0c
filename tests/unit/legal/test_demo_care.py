"""The demo registry includes legal-aid cases at every stage and honours, valid by the
services' own rules."""

from __future__ import annotations

from datetime import date

from desktop.demo import generate as demo
from desktop.models.codes import LEGAL_OPEN_STAGES
from desktop.models.validation import check_phone
from desktop.services.honours import records
from desktop.services.legal import cases
from desktop.storage.database import Database

TODAY = date(2026, 11, 21)


def test_demo_has_cases_at_every_stage_and_honours(db: Database) -> None:
    demo.fill_demo(db, members=200, unions=3, seed=1, today=TODAY)
    rows = cases.list_cases(db)
    assert len(rows) == 40
    statuses = {r.status for r in rows}
    assert "accepted" in statuses and "closed" in statuses
    assert statuses & set(LEGAL_OPEN_STAGES)
    assert any(r.is_member for r in rows) and any(not r.is_member for r in rows)
    for r in rows:
        full = cases.get_case(db, r.id)
        assert full.intake_on <= TODAY
        if full.status == "closed":
            assert full.outcome and full.closed_on is not None
            assert full.intake_on <= full.closed_on <= TODAY
            assert (full.amount_recovered_fen or 0) >= 0
        if not full.is_member:
            assert check_phone(full.applicant_phone) == full.applicant_phone
    honours = records.list_honours(db)
    assert len(honours) == 16
    assert {h.holder for h in honours if h.member_id is None} == {
        "焊装车间三班",
        "物流园夜班组",
        "质检一组",
    }
    assert all(h.year <= TODAY.year for h in honours)
