"""Demo data holds hardship files at every stage, through the care writers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from desktop.demo import generate as demo
from desktop.services.care import assistance, files, hardship, retention
from desktop.services.upkeep import integrity
from desktop.storage.database import Database

TODAY = date(2026, 11, 21)


def test_demo_hardship_files_at_every_stage(db: Database) -> None:
    demo.fill_demo(db, members=400, unions=5, seed=3, today=TODAY)
    rows = hardship.list_files(db, today=TODAY, include_closed=True)
    states = {r.state for r in rows}
    assert states == {"ok", "due", "overdue", "closed"}
    assert retention.purgeable(db, today=TODAY)  # closed more than 10 years ago
    assert any(r.state == "closed" for r in rows if r.id not in {
        p.id for p in retention.purgeable(db, today=TODAY)
    })  # fmt: skip
    due = hardship.list_files(db, today=TODAY, due_within=30)
    assert {r.state for r in due} == {"due", "overdue"}
    with db.connect(write=False) as conn:
        reviewed = conn.execute(text("SELECT count(*) FROM hardship_reviews")).scalar_one()
    assert reviewed > 0
    one = files.get_file(db, rows[0].id, today=TODAY)
    assert one.household and one.consents and one.monthly_income_per_capita is None
    assert f"{TODAY.year}年春节送温暖" in assistance.batches(db)
    assert assistance.batch_lines(db, f"{TODAY.year}年春节送温暖")
    report = integrity.check(db)  # every demo value passes the rules of local input
    assert report.ok, [p.message for p in report.problems]
