"""The member fields a clerk edits: label, kind and code list, in one table.

The member dialog, the CLI's ``--<field>`` options and the roster columns are all built
from ``MEMBER_FIELDS``, so a field is added once and appears everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop.models.codes import (
    EDUCATION,
    ETHNICITY,
    HUKOU_TYPE,
    MEMBERSHIP_STATUS,
    POLITICAL_STATUS,
    CodeList,
)

Kind = Literal["text", "date", "bool", "code", "id_number", "phone", "union"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind
    required: bool = False
    codes: CodeList | None = None
    max_len: int = 100
    sensitive: bool = False


MEMBER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "姓名", "text", required=True, max_len=50),
    FieldSpec("id_number", "身份证号", "id_number", required=True, sensitive=True),
    FieldSpec("union_id", "所属工会", "union", required=True),
    FieldSpec("phone", "手机号", "phone", sensitive=True),
    FieldSpec("ethnicity", "民族", "code", codes=ETHNICITY),
    FieldSpec("political_status", "政治面貌", "code", codes=POLITICAL_STATUS),
    FieldSpec("education", "学历", "code", codes=EDUCATION),
    FieldSpec("hukou_type", "户籍类型", "code", codes=HUKOU_TYPE),
    FieldSpec("is_migrant_worker", "农民工", "bool"),
    FieldSpec("employer", "工作单位", "text"),
    FieldSpec("position", "岗位", "text", max_len=50),
    FieldSpec("joined_on", "入会日期", "date"),
    FieldSpec("membership_status", "会籍状态", "code", codes=MEMBERSHIP_STATUS),
    FieldSpec("card_no", "会员证号", "text", max_len=32),
    FieldSpec("notes", "备注", "text", max_len=2000),
)
FIELDS_BY_NAME = {f.name: f for f in MEMBER_FIELDS}
EDITABLE = frozenset(FIELDS_BY_NAME)
