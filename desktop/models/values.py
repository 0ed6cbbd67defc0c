"""Received values checked like local input before a merge may use them.

A change is signed by its origin, which proves who wrote it, not that its values fit the
schema: an office running another version, or a hostile one, can send a NULL name, a
220-character phone or ``deleted = 7``. Every change a merge reads (received now, or held
in the log from before this check existed) passes through :class:`Checker`; a change
with any invalid value is *quarantined*: kept in the log (so counters stay contiguous
and relays forward it byte for byte) but never merged, and listed for the clerk.

The rules depend only on the change itself and this version's schema — never on the
date or on other rows — so every office of one version quarantines the same changes
and still converges. They are the column types, NOT NULL and lengths of the models, no
control characters, and for members the clerk's own field rules (check digit of the ID
number, mobile number shape, code lists), from ``services.validation`` and
``services.member_fields``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, Text

Rule = Callable[[Any], str | None]
"""A field's check: None when the value is acceptable, else the reason (Chinese, and
never quoting the value: reasons end up in messages and the clerk's list)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and newlines kept
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FAR_FUTURE = date(9999, 12, 31)  # the ID rule's "born before today", made date-free

TABLE_LABELS = {
    "members": "会员",
    "unions": "工会",
    "federations": "总工会",
    "applications": "入会申请",
    "transfers": "会籍转接",
    "member_status_changes": "会籍变更记录",
    "hardship_cases": "困难职工档案",
    "activities": "活动",
    "attendance": "签到",
    "legal_cases": "法律援助案件",
    "legal_case_documents": "法律援助案件文件",
    "honours": "荣誉",
    "honour_titles": "荣誉称号",
    "hardship_household": "困难职工家庭成员",
    "hardship_assistance": "困难职工救助记录",
    "hardship_reviews": "困难职工复核记录",
    "hardship_consents": "困难职工个人信息同意",
}


@dataclass(frozen=True)
class Invalid:
    """One value of a change refused, by field."""

    field: str
    reason: str


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


def _type_rule(column: Any) -> Rule:
    """Type, NOT NULL and length from the model's column."""
    kind = column.type
    nullable = bool(column.nullable)

    def null() -> str | None:
        return None if nullable else "不能为空"

    if isinstance(kind, Boolean):

        def boolean(v: Any) -> str | None:
            if v is None:
                return null()
            return None if type(v) in (bool, int) and v in (0, 1) else "应为 0 或 1（是/否）"

        return boolean
    if isinstance(kind, Integer):

        def integer(v: Any) -> str | None:
            if v is None:
                return null()
            return None if type(v) is int else "应为整数"

        return integer
    if isinstance(kind, Float | Numeric):

        def number(v: Any) -> str | None:
            if v is None:
                return null()
            return None if type(v) in (int, float) else "应为数字"

        return number
    if isinstance(kind, DateTime):

        def stamp(v: Any) -> str | None:
            if v is None:
                return null()
            if type(v) is not str:
                return "应为日期时间"
            try:
                datetime.fromisoformat(v)
            except ValueError:
                return "不是有效的日期时间"
            return None

        return stamp
    if isinstance(kind, Date):

        def day(v: Any) -> str | None:
            if v is None:
                return null()
            if type(v) is not str or not _ISO_DATE.match(v):
                return "应为 YYYY-MM-DD 格式的日期"
            try:
                date.fromisoformat(v)
            except ValueError:
                return "不是存在的日期"
            return None

        return day
    if isinstance(kind, String | Text):
        limit = getattr(kind, "length", None)
        control = _CONTROL_TEXT if isinstance(kind, Text) else _CONTROL

        def text(v: Any) -> str | None:
            if v is None:
                return null()
            if type(v) is not str:
                return "应为文字"
            if limit is not None and len(v) > limit:
                return f"长度 {len(v)} 超过上限 {limit}"
            if control.search(v):
                return "含有控制字符"
            return None

        return text

    def anything(v: Any) -> str | None:
        return null() if v is None else None

    return anything


def _id_number(v: Any) -> str | None:
    from desktop.errors import ValidationError
    from desktop.models.validation import check_id_number

    if v is None or type(v) is not str:
        return None  # NOT NULL and type: the column's own rule says so
    if v == "":
        return None  # erased (models.erasure.ERASED_ID_NUMBER): the record travels blanked
    try:
        info = check_id_number(v, today=_FAR_FUTURE, check_area=False)
    except ValidationError:
        return "不是有效的身份证号（位数、校验位或出生日期不对）"
    return None if info.id_number == v else "身份证号未规范（应为大写 X、无空格）"


def _phone(v: Any) -> str | None:
    from desktop.errors import ValidationError
    from desktop.models.validation import check_phone

    if v is None or type(v) is not str:
        return None
    try:
        return None if check_phone(v) == v else "手机号未规范（应为 11 位数字）"
    except ValidationError:
        return "不是有效的手机号（应为以 1 开头的 11 位数字）"


def _not_blank(v: Any) -> str | None:
    return "不能为空" if type(v) is str and not v.strip() else None


def _in_codes(codes: Iterable[str], label: str) -> Rule:
    allowed = frozenset(codes)

    def rule(v: Any) -> str | None:
        return None if v is None or v in allowed else f"不在「{label}」代码表中"

    return rule


def _member_rules() -> dict[str, list[Rule]]:
    """The member dialog's rules (``member_fields``), for the values as stored."""
    from desktop.models.codes import GENDER
    from desktop.models.member_fields import MEMBER_FIELDS

    rules: dict[str, list[Rule]] = {
        "id_number": [_id_number],
        "phone": [_phone],
        "gender": [_in_codes(GENDER.codes, GENDER.label_zh)],
    }
    for spec in MEMBER_FIELDS:
        if spec.codes is not None:
            rules.setdefault(spec.name, []).append(_in_codes(spec.codes.codes, spec.label))
        if spec.kind == "text" and spec.required:
            rules.setdefault(spec.name, []).append(_not_blank)
    return rules


def _positive(v: Any) -> str | None:
    return "应大于 0" if type(v) is int and v <= 0 else None


CARE_TABLES = (
    "hardship_cases",
    "hardship_household",
    "hardship_assistance",
    "hardship_reviews",
    "hardship_consents",
)


def _care_rules(table: str) -> dict[str, list[Rule]]:
    """The hardship files' code lists and rules (issue 22), as the care services apply
    them to local input; ``cause`` is left free (older files hold free text)."""
    from desktop.models import codes as c

    def coded(code_list: c.CodeList) -> list[Rule]:
        return [_in_codes(code_list.codes, code_list.label_zh)]

    rules: dict[str, dict[str, list[Rule]]] = {
        "hardship_cases": {
            "level": coded(c.HARDSHIP_LEVEL),
            "disability_grade": coded(c.DISABILITY_GRADE),
        },
        "hardship_household": {
            "id_number": [_id_number],
            "relation": coded(c.HOUSEHOLD_RELATION),
            "work_status": coded(c.WORK_STATUS),
        },
        "hardship_assistance": {
            "kind": coded(c.ASSISTANCE_KIND),
            "fund_source": coded(c.FUND_SOURCE),
            "amount_fen": [_positive],
        },
        "hardship_reviews": {"result": coded(c.REVIEW_RESULT)},
        "hardship_consents": {"form": coded(c.CONSENT_FORM)},
    }
    return rules[table]


_EXTRA: dict[str, Callable[[], dict[str, list[Rule]]]] = {
    "members": _member_rules,
    "legal_cases": lambda: {"applicant_phone": [_phone]},
    "applications": lambda: _application_rules(),
    "member_status_changes": lambda: _status_change_rules(),
    "transfers": lambda: _transfer_rules(),
    **{table: partial(_care_rules, table) for table in CARE_TABLES},
}


def _application_rules() -> dict[str, list[Rule]]:
    """An application's ID number, phone and code fields, as the member dialog's."""
    from desktop.models.codes import APPLICATION_CHANNEL, APPLICATION_STATUS

    rules = {k: v for k, v in _member_rules().items() if k in _APPLICATION_CODED}
    rules["channel"] = [_in_codes(APPLICATION_CHANNEL.codes, APPLICATION_CHANNEL.label_zh)]
    rules["status"] = [_in_codes(APPLICATION_STATUS.codes, APPLICATION_STATUS.label_zh)]
    return rules


_APPLICATION_CODED = frozenset(
    {"id_number", "phone", "ethnicity", "political_status", "education", "hukou_type"}
)


def _status_change_rules() -> dict[str, list[Rule]]:
    """A status-history row names statuses of the code list (issue #21)."""
    from desktop.models.codes import MEMBERSHIP_STATUS

    known = [_in_codes(MEMBERSHIP_STATUS.codes, MEMBERSHIP_STATUS.label_zh)]
    return {"from_status": known, "to_status": known}


def _transfer_rules() -> dict[str, list[Rule]]:
    """A transfer's kind is of the code list (issue #21; blank on rows from before it)."""
    from desktop.models.codes import TRANSFER_KIND

    return {"kind": [_in_codes(TRANSFER_KIND.codes, TRANSFER_KIND.label_zh)]}


@dataclass
class _Field:
    """A field's checks: NULL allowed or not, then the rules for a value that is set.

    ``known_good`` remembers text values already accepted (a package repeats its union
    id, status and employer names thousands of times): a set lookup instead of the rules.
    """

    nullable: bool
    rules: tuple[Rule, ...]
    known_good: set[str]


_KNOWN_GOOD_MAX = 4096


@cache
def _rules(table: str) -> dict[str, _Field]:
    """Field → its checks, for one synced table of this version (empty if unknown)."""
    from desktop.models.base import Base, synced_tables

    local = synced_tables().get(table)
    model = Base.metadata.tables.get(table)
    if local is None or model is None:
        return {}
    extra = _EXTRA[table]() if table in _EXTRA else {}
    return {
        column.name: _Field(
            bool(column.nullable), (_type_rule(column), *extra.get(column.name, ())), set()
        )
        for column in model.columns
        if column.name != "id" and column.name not in local
    }


@cache
def field_label(table: str, field: str) -> str:
    from desktop.models.member_fields import FIELDS_BY_NAME

    labels = {"deleted": "删除标记", "birth_date": "出生日期", "gender": "性别"}
    if table == "members" and field in FIELDS_BY_NAME:
        return FIELDS_BY_NAME[field].label
    return labels.get(field, field)


def check(table: str, fields: dict[str, Any]) -> list[Invalid]:
    """Every invalid value of one change (fields this version lacks are not judged:
    they are kept and re-exported, never applied)."""
    rules = _rules(table)
    found: list[Invalid] = []
    for name, value in fields.items():
        spec = rules.get(name)
        if spec is None:
            continue
        if value is None:
            if not spec.nullable:
                found.append(Invalid(name, "不能为空"))
            continue
        text = type(value) is str
        if text and value in spec.known_good:
            continue
        for rule in spec.rules:
            reason = rule(value)
            if reason is not None:
                found.append(Invalid(name, reason))
                break
        else:
            if text and len(spec.known_good) < _KNOWN_GOOD_MAX:
                spec.known_good.add(value)
    return found


def check_column(table: str, name: str, column: list[Any]) -> dict[int, Invalid]:
    """Positions in ``column`` (one field's values, as a segment carries them) whose value
    is invalid: each distinct value is judged once, with exactly ``check``'s rules."""
    spec = _rules(table).get(name)
    if spec is None:
        return {}
    kinds = set(map(type, column))
    # True == 1 == 1.0 in a set: distinct by (type, value) unless all share one type
    keyed = len(kinds) > 1
    distinct = set(zip(map(type, column), column, strict=True)) if keyed else set(column)
    bad: dict[Any, Invalid] = {}
    for item in distinct:
        value = item[1] if keyed else item
        found = check(table, {name: value})
        if found:
            bad[item] = found[0]
    if not bad:
        return {}
    if keyed:
        return {at: bad[(type(v), v)] for at, v in enumerate(column) if (type(v), v) in bad}
    return {at: bad[v] for at, v in enumerate(column) if v in bad}
