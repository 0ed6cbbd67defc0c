"""Find the header row and map its columns to member fields.

Rosters put a title ("XX 公司工会会员花名册") and a date line above the header, mark
required columns with *, and name columns in many ways; the aliases below are the ones
offices use. Columns derived from the ID number (性别, 出生日期, 年龄) and row numbers
are recognised and ignored. When a required field has no column, the caller is asked
for a mapping (``--map 列名=字段`` on the CLI, the mapping page in the wizard).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.errors import UnionDeskError
from desktop.models.member_fields import FIELDS_BY_NAME, MEMBER_FIELDS
from desktop.spreadsheets.cells import fold

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "会员姓名", "职工姓名", "员工姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号",
        "公民身份证号码",
        "证件号码",
        "证件号",
        "身份证",
    ),
    "union_id": ("所属工会", "工会", "单位工会", "工会名称", "基层工会", "所在工会"),
    "phone": ("手机号", "手机", "手机号码", "联系电话", "电话", "联系方式", "移动电话"),
    "ethnicity": ("民族",),
    "political_status": ("政治面貌",),
    "education": ("学历", "文化程度", "最高学历"),
    "hukou_type": ("户籍类型", "户口性质", "户籍性质", "户口类型", "户籍"),
    "is_migrant_worker": ("农民工", "是否农民工"),
    "employer": ("工作单位", "单位", "单位名称", "所在单位", "用人单位"),
    "position": ("岗位", "职务", "职位", "工种"),
    "joined_on": ("入会日期", "入会时间", "入会年月", "入会年份", "加入工会时间", "加入工会日期"),
    "membership_status": ("会籍状态", "状态"),
    "card_no": ("会员证号", "会员卡号", "会员证编号"),
    "notes": ("备注",),
}
# Recognised but not imported: derived from the ID number, or written by our reports.
IGNORED = (
    "序号",
    "编号",
    "性别",
    "出生日期",
    "出生年月",
    "年龄",
    "原表行号",
    "问题说明",
)
HEADER_SCAN_ROWS = 30
SKIP = "-"  # a mapping target meaning "do not import this column"
REQUIRED = ("name", "id_number")


def header_key(value: Any) -> str:
    """A header cell compared without spaces, * marks, colons or bracketed notes."""
    text = fold(str(value or ""))
    text = re.sub(r"[（(【\[].*?[）)】\]]", "", text)
    return re.sub(r"[\s*＊:：]", "", text)


_LOOKUP: dict[str, str] = {}
for _field, _names in ALIASES.items():
    for _name in _names:
        _LOOKUP[header_key(_name)] = _field
for _spec in MEMBER_FIELDS:
    _LOOKUP.setdefault(header_key(_spec.label), _spec.name)
    _LOOKUP.setdefault(_spec.name, _spec.name)
_IGNORED = {header_key(n) for n in IGNORED}


def field_for(header: Any) -> str | None:
    return _LOOKUP.get(header_key(header))


def field_choices() -> list[tuple[str, str]]:
    """(field, label) for the mapping page and ``--map``."""
    return [(spec.name, spec.label) for spec in MEMBER_FIELDS]


@dataclass
class HeaderMap:
    row: int  # zero-based index of the header row in the sheet
    headers: list[str]  # the header cells as written
    columns: dict[str, int]  # field -> zero-based column index
    unknown: list[str] = field(default_factory=list)  # headers not mapped and not ignored

    def header_of(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        if index is None:
            return FIELDS_BY_NAME[field_name].label
        return self.headers[index] or FIELDS_BY_NAME[field_name].label


class HeaderNotFound(UnionDeskError):
    """No row of the first ones reads as a roster header."""


class MappingNeeded(UnionDeskError):
    """The header row was found but a required field has no column: ask the clerk."""

    def __init__(self, message: str, header: HeaderMap, missing: Sequence[str]) -> None:
        super().__init__(message)
        self.header = header
        self.missing = tuple(missing)


def parse_map_option(items: Sequence[str]) -> dict[str, str]:
    """``列名=字段`` pairs (字段 as the English name or the Chinese label)."""
    mapping: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UnionDeskError(f"映射「{item}」格式不对，应写成 列名=字段，例如 证件号=身份证号")
        column, target = (part.strip() for part in item.split("=", 1))
        field_name = target if target in FIELDS_BY_NAME else _LOOKUP.get(header_key(target))
        if field_name is None:
            names = "、".join(spec.label for spec in MEMBER_FIELDS)
            raise UnionDeskError(f"映射「{item}」中的字段「{target}」不认识，可用的字段：{names}")
        mapping[column] = field_name
    return mapping


def _score(row: Sequence[Any], overrides: Mapping[str, str]) -> int:
    fields = set()
    for cell in row:
        key = header_key(cell)
        found = overrides.get(fold(str(cell or ""))) or _LOOKUP.get(key)
        if found and found != SKIP:
            fields.add(found)
    return len(fields)


def _folded_overrides(overrides: Mapping[str, str] | None) -> dict[str, str]:
    return {
        fold(k): v if v in FIELDS_BY_NAME or v == SKIP else _LOOKUP.get(header_key(v), v)
        for k, v in (overrides or {}).items()
    }


def _best_row(rows: Sequence[Sequence[Any]], overrides: Mapping[str, str]) -> tuple[int, int]:
    """The best-scoring of the first rows and its score; (-1, 0) when none scores."""
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = _score(row, overrides)
        if score > best_score:
            best, best_score = index, score
    return best, best_score


@dataclass(frozen=True)
class HeaderGuess:
    """What the first rows of a sheet say about it, for choosing the sheet to read."""

    row: int  # zero-based index of the best header row
    complete: bool  # it names both 姓名 and 身份证号 (a roster, not a summary table)
    key_columns: tuple[int, ...]  # the columns of 姓名 and 身份证号, for counting members


def guess_header(
    rows: Sequence[Sequence[Any]], overrides: Mapping[str, str] | None = None
) -> HeaderGuess | None:
    """The sheet's header if a row names two fields, else None. Picks the sheet to read."""
    folded = _folded_overrides(overrides)
    best, score = _best_row(rows, folded)
    if score < 2:
        return None
    keys: dict[str, int] = {}
    for index, cell in enumerate(rows[best]):
        found = folded.get(fold(str(cell or ""))) or _LOOKUP.get(header_key(cell))
        if found in REQUIRED:
            keys.setdefault(found, index)
    return HeaderGuess(best, len(keys) == len(REQUIRED), tuple(sorted(keys.values())))


def has_header(rows: Sequence[Sequence[Any]], overrides: Mapping[str, str] | None = None) -> bool:
    """Does a sheet look like a roster (a row naming two fields)?"""
    return guess_header(rows, overrides) is not None


def detect(
    rows: Sequence[Sequence[Any]],
    overrides: Mapping[str, str] | None = None,
    *,
    union_given: bool = False,
) -> HeaderMap:
    """The header row (the best-scoring of the first rows) and its column mapping."""
    overrides = _folded_overrides(overrides)
    best, best_score = _best_row(rows, overrides)
    # One recognised name in a row of several labels is still a header: ask for the rest.
    filled = sum(1 for c in rows[best] if isinstance(c, str) and c.strip()) if best >= 0 else 0
    if best < 0 or (best_score < 2 and filled < 2):
        raise HeaderNotFound(
            "找不到表头：前 30 行里没有一行同时包含「姓名」「身份证号」等列名。"
            "请确认第一张可见工作表是会员名册，表头写在一行里（例如：姓名、身份证号、所属工会、手机号），"
            "或用 --map 列名=字段 指定。"
        )
    headers = [fold(str(c)) if c not in (None, "") else "" for c in rows[best]]
    columns: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        field_name = overrides.get(header) or _LOOKUP.get(header_key(header))
        if field_name == SKIP:
            continue
        if field_name is None:
            if header_key(header) not in _IGNORED:
                unknown.append(header)
            continue
        if field_name in columns:
            duplicates.append(f"「{headers[columns[field_name]]}」和「{header}」")
            continue
        columns[field_name] = index
    result = HeaderMap(best, headers, columns, unknown)
    if duplicates:
        raise MappingNeeded(
            f"第 {best + 1} 行表头中 {'、'.join(duplicates)} 对应同一个字段，"
            "请删除多余的列，或用 --map 指定哪一列导入",
            result,
            (),
        )
    missing = [f for f in REQUIRED if f not in columns]
    if not union_given and "union_id" not in columns:
        missing.append("union_id")
    if missing:
        labels = "、".join(FIELDS_BY_NAME[f].label for f in missing)
        hint = "；或用 --union 指定工会" if "union_id" in missing else ""
        raise MappingNeeded(
            f"第 {best + 1} 行表头中找不到「{labels}」列。"
            f"未识别的列：{'、'.join(unknown) or '无'}。"
            f"请用 --map 列名=字段 指定对应关系{hint}",
            result,
            missing,
        )
    return result


def check_merged(
    header: HeaderMap, merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    """Merged cells in or across the header row make columns ambiguous: refuse them."""
    for (r1, c1), (r2, c2) in merged:
        if r1 <= header.row <= r2 and (c2 > c1 or r2 > r1):
            raise UnionDeskError(
                f"表头（第 {header.row + 1} 行）有合并单元格 {_ref(r1, c1)}:{_ref(r2, c2)}。"
                "请在 Excel 中选中表头，点「合并后居中」取消合并，使每一列只有一个列名、"
                "表头只占一行，再导入。"
            )


def _ref(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"
