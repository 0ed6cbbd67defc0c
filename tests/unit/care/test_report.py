"""The annual report's 困难帮扶 sheet, every figure reconciled with an independent SQL
count over the same tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import text

from desktop.models.codes import ASSISTANCE_KIND, FUND_SOURCE, HARDSHIP_CAUSE, HARDSHIP_LEVEL
from desktop.services.care import assistance, hardship, retention
from desktop.services.figures import report_book
from desktop.services.members import registry as members
from desktop.storage.database import Database
from tests.unit.care.conftest import valid_id

AS_OF = date(2026, 11, 21)
LONG_AGO = date(2037, 1, 1)  # a purge needs 10 years after the exit


def _n(db: Database, sql: str, **params: Any) -> tuple[int, ...]:
    with db.connect(write=False) as conn:
        return tuple(int(v or 0) for v in conn.execute(text(sql), params).one())


def _filled(db: Database, people: dict[str, str]) -> None:
    ids = []
    for i in range(6):
        record, _ = members.add(
            db,
            {
                "name": f"会员{i}",
                "id_number": valid_id(f"44030419800101{i}12"),
                "union_id": people["union"],
            },
        )
        ids.append(record.id)
    plan = [
        ("deep", "患病、残疾", "2025-03-01", None),
        ("deep", "患病", "2026-02-01", None),
        ("relative", "失业、子女就学", "2026-04-01", None),
        ("relative", "子女就学", "2024-05-01", "2026-06-30"),  # closed this year, purged
        ("accidental", "意外事故", "2023-01-01", "2025-08-01"),  # closed last year
        ("deep", "患病", "2010-01-01", "2015-01-01"),  # closed long ago: purged below
    ]
    cases = []
    for member, (level, causes, opened, _closed) in zip(ids, plan, strict=True):
        cases.append(
            hardship.add_file(db, member, level=level, causes=causes, opened_on=opened, today=AS_OF)
        )
    gifts = [
        (0, "2026-01-20", "送温暖", "1200.50", "上级工会补助"),
        (0, "2026-05-10", "医疗救助", "3000", "帮扶专项资金"),
        (1, "2026-02-15", "送温暖", "800", "上级工会补助"),
        (2, "2026-08-25", "助学", "2000", "社会捐助"),
        (3, "2026-01-20", "送温暖", "500", "本级工会经费"),
        (0, "2025-12-20", "生活救助", "600", "本级工会经费"),  # last year
        (5, "2014-06-01", "医疗救助", "999", "本级工会经费"),  # purged with its file
    ]
    for n, day, kind, amount, source in gifts:
        assistance.assist(
            db, cases[n], given_on=day, kind=kind, amount=amount, fund_source=source,
            today=AS_OF,
        )  # fmt: skip
    for case, (_l, _c, _o, closed) in zip(cases, plan, strict=True):
        if closed:
            hardship.close_file(db, case, closed, "脱困", today=AS_OF)
    retention.purge(db, cases[5], today=LONG_AGO)
    retention.purge(db, cases[3], today=LONG_AGO)  # its 2026 assistance goes with it


def _tables(out: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The sheet's tables by title: the rows under each title's two header rows."""
    ws = load_workbook(out)["困难帮扶"]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    titles = [
        i for i, r in enumerate(rows) if r[0] and (r[1] is None) and i + 1 < len(rows)
        and rows[i + 2][0] in ("困难类别", "致困原因", "类别")
    ]  # fmt: skip
    tables = {}
    for k, start in enumerate(titles):
        end = titles[k + 1] if k + 1 < len(titles) else len(rows)
        tables[str(rows[start][0])] = [r for r in rows[start + 4 : end] if r[0]]
    return tables


def test_the_annual_hardship_table_reconciles_with_sql(
    db: Database, people: dict[str, str], tmp_path: Path
) -> None:
    _filled(db, people)
    out = report_book.write_annual(db, 2026, tmp_path / "年报.xlsx", today=AS_OF)
    tables = _tables(out)
    levels = {r[0]: r[1:4] for r in tables["测试街道总工会困难职工帮扶情况（2026年）"]}
    day = AS_OF.isoformat()
    for code, label in HARDSHIP_LEVEL:
        assert levels[label] == _n(
            db,
            "SELECT (SELECT count(*) FROM hardship_cases WHERE deleted = 0 AND level = :l "
            "  AND opened_on <= :d AND (closed_on IS NULL OR closed_on > :d)), "
            "(SELECT count(*) FROM hardship_cases WHERE deleted = 0 AND level = :l "
            "  AND strftime('%Y', opened_on) = '2026'), "
            "(SELECT count(*) FROM hardship_cases WHERE deleted = 0 AND level = :l "
            "  AND strftime('%Y', closed_on) = '2026')",
            l=code,
            d=day,
        ), label
    assert levels["合计"] == (3, 2, 0)
    causes = dict(r[:2] for r in tables["在档困难职工致困原因"])
    for code, label in HARDSHIP_CAUSE:
        (expected,) = _n(
            db,
            "SELECT count(*) FROM hardship_cases WHERE deleted = 0 AND opened_on <= :d "
            "AND (closed_on IS NULL OR closed_on > :d) AND instr(' ' || cause || ' ', :c) > 0",
            d=day,
            c=f" {code} ",
        )
        assert causes[label] == expected, label
    assert causes["患病"] == 2 and causes["子女就学"] == 1
    for title, column, codes in (
        ("救助情况（按救助类别）", "kind", ASSISTANCE_KIND),
        ("救助情况（按资金来源）", "fund_source", FUND_SOURCE),
    ):
        got = {r[0]: (r[1], round(r[2] * 100)) for r in tables[title]}
        for code, label in codes:
            assert got[label] == _n(
                db,
                "SELECT count(*), coalesce(sum(amount_fen), 0) FROM hardship_assistance "
                f"WHERE deleted = 0 AND {column} = :c AND given_on LIKE '2026-%' AND case_id "
                "IN (SELECT id FROM hardship_cases WHERE deleted = 0)",
                c=code,
            ), (title, label)
        assert got["合计"] == (4, 700050)
