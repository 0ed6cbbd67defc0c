"""What an import would do, computed before anything is written.

The wizard shows it, the CLI prints it, ``importer.commit`` writes it. Row numbers are
the sheet's own (1-based), so a clerk finds the row in the file as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from desktop.spreadsheets.headers import HeaderMap
from desktop.spreadsheets.reader import RawTable

Action = Literal["new", "update", "unchanged", "skip", "refuse"]
OnDuplicate = Literal["update", "skip", "refuse"]
ON_DUPLICATE_LABELS: dict[str, str] = {
    "refuse": "拒绝（作为错误列出）",
    "update": "更新已有会员",
    "skip": "跳过",
}
ACTION_LABELS: dict[str, str] = {
    "new": "新增",
    "update": "更新",
    "unchanged": "无变化",
    "skip": "跳过",
    "refuse": "有错误",
}


@dataclass(frozen=True)
class Problem:
    row: int  # the sheet's row number, 1-based
    column: str  # the column's header as written in the file
    message: str
    field: str | None = None
    column_index: int | None = None  # zero-based, for highlighting in the error report

    def text(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


@dataclass(slots=True)
class RowResult:
    row: int
    action: Action
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # validated: all fields, or changes
    member_id: str | None = None  # the existing member for update / unchanged / skip
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ImportPreview:
    table: RawTable
    header: HeaderMap
    on_duplicate: OnDuplicate
    rows: list[RowResult]
    notes: list[str] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        tally = {"new": 0, "update": 0, "unchanged": 0, "skip": 0, "refuse": 0}
        for r in self.rows:
            tally[r.action] += 1
        return {
            "total": len(self.rows),
            "new": tally["new"],
            "updated": tally["update"],
            "unchanged": tally["unchanged"],
            "skipped": tally["skip"],
            "refused": tally["refuse"],
        }

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "refuse"]

    @property
    def can_commit(self) -> bool:
        return not self.refused and any(r.action in ("new", "update") for r in self.rows)

    def summary(self) -> str:
        c = self.counts
        return (
            f"共 {c['total']} 行：新增 {c['new']}，更新 {c['updated']}，无变化 {c['unchanged']}，"
            f"跳过 {c['skipped']}，有错误 {c['refused']}"
        )

    def to_json(self) -> dict[str, Any]:
        """Counts, per refused row its number, column and reason, and each row's notes
        (a completed partial date, an old area code); no personal data."""
        return {
            "file": str(self.table.path),
            "sheet": self.table.sheet,
            "header_row": self.header.row + 1,
            "on_duplicate": self.on_duplicate,
            "counts": self.counts,
            "refused": [
                {"row": p.row, "column": p.column, "field": p.field, "reason": p.message}
                for p in self.problems
            ],
            "notes": list(self.notes),
            "warnings": [{"row": r.row, "message": w} for r in self.rows for w in r.warnings],
        }


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]
    backup: str  # the backup taken before writing; "" when none was (nothing to write, a hub)
    member_ids: tuple[str, ...]

    def summary(self) -> str:
        c = self.counts
        written = (
            f"导入完成：新增 {c['new']} 名，更新 {c['updated']} 名，无变化 {c['unchanged']} 名，"
            f"跳过 {c['skipped']} 名。"
        )
        if self.backup:
            return written + "导入前的数据已自动备份。"
        if self.member_ids:
            return written + NO_FILE_BACKUP
        return written


#: What an import written at the hub says of its backup.
NO_FILE_BACKUP = "总库不做文件备份（由数据库管理员用 pg_dump 备份），本次导入在一个事务中完成。"
