"""Every kind of invalid received value: the dry run counts exactly what the import then
does, the quarantine names the origin office and the record, the rest of the package
applies, and ``uniondesk check`` flags such a value if it is stored (older versions)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.storage import rawconn
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    get_field,
    mesh,
    node_of,
)
from tests.unit.sync.test_quarantine import cli, forge, quarantined, send

# field, value, words of the reason; a wrong type for each kind of column as well
CASES: list[tuple[str, Any, str]] = [
    ("phone", "1" * 220, "超过上限"),
    ("id_number", "123", "身份证号"),
    ("birth_date", "yesterday", "日期"),
    ("deleted", 7, "0 或 1"),
    ("name", None, "不能为空"),
    ("union_id", None, "不能为空"),
    ("ethnicity", "99", "代码表"),
    ("political_status", "党员", "代码表"),
    ("name", 12345, ""),
    ("birth_date", 20200101, ""),
    ("deleted", "yes", ""),
    ("phone", 13800138000, ""),
]


def _ids(case: tuple[str, Any, str]) -> str:
    return f"{case[0]}={type(case[1]).__name__}:{str(case[1])[:12]}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_dry_run_and_import_agree_on_an_invalid_value(
    db_factory, tmp_path, capsys, case: tuple[str, Any, str]
) -> None:  # type: ignore[no-untyped-def]
    field, value, reason = case
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    uid = add_union(a, add_federation(a))
    mid = add_member(a, uid, "张三", "D1")
    assert cli(b, "sync", "import", str(send(a, b, tmp_path, "1")), "--yes") == 0
    forge(a, "members", mid, {field: value})  # validly signed by A, as a buggy version
    forge(a, "members", mid, {"employer": "新单位"})  # valid, same record, after it
    other = add_member(a, uid, "李四", "D2")  # the office's own later work
    pkg = send(a, b, tmp_path, "2")
    before = get_field(b, "members", mid, field)

    capsys.readouterr()
    assert cli(b, "sync", "import", str(pkg), "--dry-run", "--json") == 0
    dry = json.loads(capsys.readouterr().out)
    assert get_field(b, "members", other, "name") is None  # the dry run wrote nothing
    assert cli(b, "sync", "import", str(pkg), "--yes", "--json") == 0
    real = json.loads(capsys.readouterr().out)
    assert dry["counts"] == real["counts"]
    assert real["counts"]["quarantined"] == 1
    assert dry["warnings"] == real["warnings"]

    assert get_field(b, "members", mid, field) == before  # never merged
    assert get_field(b, "members", mid, "employer") == "新单位"  # the rest applies
    assert get_field(b, "members", other, "name") == "李四"
    shown = "\n".join(real["warnings"])
    assert node_of(a)[:8] in shown and mid in shown and "已隔离" in shown
    (entry,) = quarantined(b, capsys)
    assert (entry["origin"], entry["table"], entry["row_id"], entry["field"]) == (
        node_of(a),
        "members",
        mid,
        field,
    )
    assert reason in entry["reason"]
    # the next package of the same office is not blocked by it
    later = add_member(a, uid, "王五", "D3")
    assert cli(b, "sync", "import", str(send(a, b, tmp_path, "3")), "--yes") == 0
    assert get_field(b, "members", later, "name") == "王五"
    assert cli(b, "check") == 0

    # stored by an older version (or received before values were checked): ``check``
    # names the record — unless the schema itself refuses the value
    try:
        with b.connect() as conn:
            conn.exec_driver_sql(
                f"UPDATE members SET {field} = ? WHERE id = ?",  # noqa: S608 (fixed names)
                (value, mid),
            )
    except Exception as exc:
        assert isinstance(getattr(exc, "orig", exc), rawconn.IntegrityError)
        return
    capsys.readouterr()
    if field in ("name", "phone") and isinstance(value, int):
        # a text column's affinity stores the number as its text: a valid value there
        assert get_field(b, "members", mid, field) == str(value)
        assert cli(b, "check") == 0
        return
    assert cli(b, "check") == 1
    out = capsys.readouterr().out
    assert "不合规则" in out and mid in out
