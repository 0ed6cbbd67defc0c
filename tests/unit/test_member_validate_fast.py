"""``members.validate``'s fast path returns exactly what the straightforward version did.

The reference below is the function as it stood before the fast path, verbatim; random
rows (valid, invalid, blank, odd types) must give the same cleaned values and warnings, or
the same problems and message.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text

from desktop import clock
from desktop.errors import ValidationError
from desktop.models.codes import RURAL_HUKOU
from desktop.models.member_fields import EDITABLE, FIELDS_BY_NAME
from desktop.models.validation import (
    check_id_number,
    check_no_control_chars,
    check_phone,
)
from desktop.services.members import registry as members
from desktop.services.members.registry import (
    Validated,
    _as_bool,
    _as_date,
    _check_duplicate_card,
    _check_duplicate_id,
)
from desktop.textnorm import normalise_name


def reference_validate(
    conn: Connection,
    values: dict[str, Any],
    *,
    member_id: str | None = None,
    check_area: bool = True,
    today: date | None = None,
    union_ids: Container[str] | None = None,
    check_duplicates: bool = True,
) -> Validated:
    """``members.validate`` as it was before its fast path (commit a780b00), plus the
    rules added since (control characters; names normalised with ``normalise_name``)."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationError(f"未知的会员字段：{'、'.join(sorted(unknown))}")
    problems: dict[str, str] = {}
    warnings: list[str] = []
    out: dict[str, Any] = {}
    creating = member_id is None
    for name in FIELDS_BY_NAME:
        if name not in values and not (creating and FIELDS_BY_NAME[name].required):
            continue
        spec = FIELDS_BY_NAME[name]
        raw = values.get(name)
        try:
            if spec.kind == "id_number":
                info = check_id_number(str(raw or ""), today=today, check_area=check_area)
                out.update(id_number=info.id_number, birth_date=info.birth_date, gender=info.gender)
                if info.warning:
                    warnings.append(info.warning)
            elif spec.kind == "phone":
                out[name] = check_phone(None if raw is None else str(raw))
            elif spec.kind == "date":
                out[name] = _as_date(raw, name, today, warnings)
            elif spec.kind == "bool":
                out[name] = _as_bool(raw)
            elif spec.kind == "code":
                if raw in (None, ""):
                    out[name] = None
                else:
                    assert spec.codes is not None
                    code = spec.codes.lookup(str(raw))
                    if code is None:
                        said = f"{spec.label}「{raw}」不在代码表中；{members._allowed(spec)}"
                        raise ValidationError(said, field=name)
                    out[name] = code
            elif spec.kind == "union":
                union = str(raw or "").strip()
                if not union:
                    raise ValidationError("请选择所属工会", field=name)
                if union_ids is not None:
                    exists = union in union_ids
                else:
                    exists = (
                        conn.execute(
                            text("SELECT 1 FROM unions WHERE id = :u AND deleted = 0"),
                            {"u": union},
                        ).first()
                        is not None
                    )
                if not exists:
                    raise ValidationError("所选工会不存在或已删除", field=name)
                out[name] = union
            else:
                cleaned = str(raw).strip() if raw is not None else ""
                if name == "name":
                    # since the rosters QA: a Latin name keeps one space between words
                    cleaned = normalise_name(cleaned)
                # added with the control-character rule (issue 17, point 7)
                check_no_control_chars(cleaned, name, spec.label, one_line=name != "notes")
                if spec.required and not cleaned:
                    raise ValidationError(f"{spec.label}不能为空", field=name)
                if len(cleaned) > spec.max_len:
                    raise ValidationError(f"{spec.label}不能超过 {spec.max_len} 个字", field=name)
                out[name] = cleaned or None
        except ValidationError as exc:
            problems[name] = exc.message
    # rules added after a780b00: join date not after today nor before the 16th birthday
    members._check_joined_on(conn, out, problems, today, member_id if check_duplicates else None)
    if "id_number" in out and "id_number" not in problems and check_duplicates:
        _check_duplicate_id(conn, out["id_number"], member_id, problems)
    if out.get("card_no") and check_duplicates:
        _check_duplicate_card(conn, out["card_no"], member_id, problems)
    if problems:
        raise ValidationError("；".join(problems.values()), problems=problems)
    if creating:
        if out.get("is_migrant_worker") is None:
            out["is_migrant_worker"] = out.get("hukou_type") in RURAL_HUKOU
        out.setdefault("membership_status", None)
        out["membership_status"] = out["membership_status"] or "active"
        if out.get("joined_on") is None and out["membership_status"] != "applicant":
            out["joined_on"] = today or clock.current().today()
    elif "is_migrant_worker" in out and out["is_migrant_worker"] is None:
        out["is_migrant_worker"] = False
    return Validated(out, tuple(warnings))


UNIONS = frozenset({"u1", "u2"})
_TEXT = st.sampled_from(["", " ", "张三", "  欧阳 修 ", "ｚｈａｎｇ", "x" * 51, "y" * 120, "备注"])
_ANY = st.one_of(st.none(), _TEXT, st.text(max_size=6), st.integers(-2, 2), st.booleans())
FIELD_VALUES: dict[str, Any] = {
    "name": st.one_of(_ANY, st.just("王伟")),
    "id_number": st.one_of(
        _ANY,
        st.sampled_from(
            [
                "11010519491231002X",
                "11010519491231002x",
                "440304199001015410",
                "999999199001015410",
                "440304199001015415",
                "44030419900101541",
                "４４０３０４１９９００１０１５４１０",
                "440304203001015416",
                "44030419901301541X",
            ]
        ),
    ),
    "union_id": st.one_of(_ANY, st.sampled_from(["u1", " u2 ", "u3"])),
    "phone": st.one_of(
        _ANY,
        st.sampled_from(
            [
                "13800138000",
                "+8613800138000",
                "138-0013-8000",
                "1380013800",
                "２３８００１３８０００",
            ]
        ),
    ),
    "ethnicity": st.one_of(_ANY, st.sampled_from(["汉族", "汉", "01", "壮", " 回族 ", "火星族"])),
    "political_status": st.one_of(_ANY, st.sampled_from(["群众", "中共党员", "党员", "团员"])),
    "education": st.one_of(_ANY, st.sampled_from(["大学本科", "高中", "博士后"])),
    "hukou_type": st.one_of(_ANY, st.sampled_from(["本地农村", "外地城镇", "local_rural"])),
    "is_migrant_worker": st.one_of(_ANY, st.sampled_from(["是", "否", "Y", "maybe"])),
    "employer": _ANY,
    "position": _ANY,
    "joined_on": st.one_of(
        _ANY, st.dates(), st.sampled_from(["2020-02-29", "2021-02-29", "２０２０-０１-０１"])
    ),
    "membership_status": st.one_of(
        _ANY, st.sampled_from(["active", "在会", "申请中", "applicant"])
    ),
    "card_no": _ANY,
    "notes": _ANY,
}
_ROWS = st.fixed_dictionaries({}, optional=FIELD_VALUES)


def _outcome(fn: Any, values: dict[str, Any], **kwargs: Any) -> Any:
    try:
        checked = fn(None, dict(values), union_ids=UNIONS, check_duplicates=False,
                     today=date(2026, 11, 21), **kwargs)  # fmt: skip
    except ValidationError as exc:
        return ("refused", exc.message, exc.problems)
    return ("ok", checked.values, checked.warnings)


@settings(max_examples=400, deadline=None)
@given(values=_ROWS, check_area=st.booleans())
@example(values={"name": "A A\x08"}, check_area=False)  # a kept space moves the position
def test_new_member_same_as_reference(values: dict[str, Any], check_area: bool) -> None:
    expected = _outcome(reference_validate, values, check_area=check_area)
    assert _outcome(members.validate, values, check_area=check_area) == expected


@settings(max_examples=200, deadline=None)
@given(values=_ROWS)
def test_changes_same_as_reference(values: dict[str, Any]) -> None:
    expected = _outcome(reference_validate, values, member_id="m1")
    assert _outcome(members.validate, values, member_id="m1") == expected


def test_unknown_field_same_as_reference() -> None:
    values = {"name": "张三", "colour": "red"}
    assert _outcome(members.validate, values) == _outcome(reference_validate, values)
