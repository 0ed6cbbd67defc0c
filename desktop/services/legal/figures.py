"""The annual report's legal-aid table: cases by type and outcome, amount recovered.

A case counts in the year it was taken in (受理日期); its outcome column is its result
if closed, else 「办理中」. The amount recovered sums closed cases only (an open case's
amount is not yet final). Read in the caller's transaction so the whole report reads
one snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from desktop.models.codes import LEGAL_CASE_TYPE, LEGAL_OUTCOME

OPEN = "open"  # the outcome column of cases not yet closed
OUTCOME_COLUMNS: tuple[tuple[str, str], ...] = (*LEGAL_OUTCOME.items, (OPEN, "办理中"))


@dataclass(frozen=True)
class LegalTypeRow:
    case_type: str
    label: str
    cases: int
    by_outcome: dict[str, int]
    recovered_fen: int


@dataclass(frozen=True)
class LegalFigures:
    year: int
    rows: list[LegalTypeRow] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.rows)

    @property
    def recovered_fen(self) -> int:
        return sum(r.recovered_fen for r in self.rows)

    def outcome_total(self, outcome: str) -> int:
        return sum(r.by_outcome.get(outcome, 0) for r in self.rows)


def legal_figures(conn: Connection, year: int) -> LegalFigures:
    """Every case type of the code list (zeros included, so the table keeps its shape),
    then any type a newer version sent that this one does not know."""
    rows = conn.execute(
        text(
            "SELECT case_type, CASE WHEN status = 'closed' THEN coalesce(outcome, '') "
            "ELSE 'open' END AS outcome, count(*) AS n, "
            "sum(CASE WHEN status = 'closed' THEN coalesce(amount_recovered_fen, 0) "
            "ELSE 0 END) AS fen "
            "FROM legal_cases WHERE deleted = 0 AND intake_on BETWEEN :a AND :b "
            "GROUP BY case_type, 2"
        ),
        {"a": f"{year:04d}-01-01", "b": f"{year:04d}-12-31"},
    ).all()
    counts: dict[str, dict[str, int]] = {}
    money: dict[str, int] = {}
    for r in rows:
        counts.setdefault(str(r.case_type), {})[str(r.outcome)] = int(r.n)
        money[str(r.case_type)] = money.get(str(r.case_type), 0) + int(r.fen or 0)
    types = [*LEGAL_CASE_TYPE.codes, *sorted(set(counts) - set(LEGAL_CASE_TYPE.codes))]
    return LegalFigures(
        year,
        [
            LegalTypeRow(
                t,
                LEGAL_CASE_TYPE.label(t),
                sum(counts.get(t, {}).values()),
                counts.get(t, {}),
                money.get(t, 0),
            )
            for t in types
        ],
    )
