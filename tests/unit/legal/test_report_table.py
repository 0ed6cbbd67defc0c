"""The annual report's legal-aid sheet: cases by type and outcome and the amount
recovered, read back from the real .xlsx and reconciled with independent SQL."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import text

from desktop.services.figures import report_book
from desktop.services.legal import cases
from desktop.storage.database import Database

SHEET = "法律援助"


def _seed(db: Database, people: dict[str, str]) -> None:
    plan = [
        ("2026-01-05", "wage_arrears", "mediated", "3000"),
        ("2026-02-05", "wage_arrears", "mediated", "1500.50"),
        ("2026-03-05", "wage_arrears", None, None),  # open: counts, no amount
        ("2026-04-05", "work_injury", "upheld", "80000"),
        ("2026-05-05", "work_injury", "not_upheld", "0"),
        ("2026-06-05", "labour_contract", "advised", None),
        ("2025-12-31", "wage_arrears", "mediated", "999"),  # last year: not in 2026
    ]
    for intake, kind, outcome, amount in plan:
        case = cases.add_case(
            db, {"member_id": people["李娟"], "case_type": kind, "intake_on": intake}
        )
        if outcome:
            cases.close_case(db, case.id, outcome=outcome, amount_recovered=amount)
    gone = cases.add_case(db, {"applicant_name": "某", "case_type": "social_insurance"})
    cases.delete_case(db, gone.id)


def test_legal_sheet_matches_sql(db: Database, people: dict[str, str], tmp_path: Path) -> None:
    _seed(db, people)
    out = report_book.write_annual(db, 2026, tmp_path / "年报.xlsx")
    book = load_workbook(out, read_only=True)
    rows = [list(r) for r in book[SHEET].iter_rows(values_only=True)]
    book.close()
    header = next(r for r in rows if r and r[0] == "案件类型")
    body = {r[0]: r for r in rows[rows.index(header) + 1 :] if r and r[0]}
    col = {name: i for i, name in enumerate(header) if name}
    with db.connect(write=False) as conn:
        expected = conn.execute(
            text(
                "SELECT case_type, count(*) AS n, "
                "coalesce(sum(CASE WHEN status = 'closed' THEN amount_recovered_fen END), 0) "
                "AS fen, "
                "sum(status <> 'closed') AS open_n, sum(outcome = 'mediated') AS mediated "
                "FROM legal_cases WHERE deleted = 0 AND intake_on LIKE '2026-%' GROUP BY case_type"
            )
        ).all()
    labels = {"wage_arrears": "工资拖欠", "work_injury": "工伤", "labour_contract": "劳动合同"}
    assert len(expected) == 3
    for r in expected:
        line = body[labels[r.case_type]]
        assert line[col["案件数"]] == r.n
        assert line[col["办理中"]] == r.open_n
        assert line[col["调解成功"]] == r.mediated
        assert line[col["追回金额（元）"]] == r.fen / 100
    total = body["合计"]
    assert total[col["案件数"]] == sum(r.n for r in expected) == 6
    assert total[col["追回金额（元）"]] == 84_500.50
    assert body["社保"][col["案件数"]] == 0  # every type listed; the deleted case not counted
