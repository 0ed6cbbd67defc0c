"""Received values are checked like local input: invalid changes are quarantined, never
crash the import, never block the rest of the package; dry run and import agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import main
from desktop.storage.database import Database
from desktop.sync import export as ex
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    get_field,
    mesh,
    node_of,
    set_field,
)


@pytest.fixture
def pair(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    return a, b


def cli(db: Database, *argv: str) -> int:
    return main(["--data-dir", str(db.paths.data_dir), *argv])


def forge(db: Database, table: str, row_id: str, fields: dict[str, Any]) -> None:
    """Append a change to ``db``'s own log as a buggy or hostile version would: the
    package that carries it is validly signed by this office."""
    with db.connect() as conn:
        conn.exec_driver_sql(
            "UPDATE sync_clock SET counter = counter + 1, hlc = hlc + 1 WHERE id = 1"
        )
        conn.exec_driver_sql(
            "INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields) "
            "SELECT node_id, counter, hlc, ctx, ?, ?, ? FROM sync_clock WHERE id = 1",
            (table, row_id, json.dumps(fields)),
        )


def send(a: Database, b: Database, folder: Path, name: str) -> Path:
    path = folder / f"{name}.udsync"
    ex.export(a, path, to=[node_of(b)])
    return path


def quarantined(db: Database, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert cli(db, "sync", "quarantine", "--json") == 0
    return list(json.loads(capsys.readouterr().out))


def test_null_name_and_union_are_quarantined_and_the_rest_applied(pair, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    uid = add_union(a, add_federation(a))
    one, two = add_member(a, uid, "张三", "A1"), add_member(a, uid, "李四", "A2")
    assert cli(b, "sync", "import", str(send(a, b, tmp_path, "1")), "--yes") == 0
    forge(a, "members", one, {"name": None})
    forge(a, "members", two, {"union_id": None})
    later = add_member(a, uid, "王五", "A3")  # the office's own later work
    pkg = send(a, b, tmp_path, "2")
    capsys.readouterr()

    assert cli(b, "sync", "import", str(pkg), "--dry-run", "--json") == 0
    dry = json.loads(capsys.readouterr().out)
    assert cli(b, "sync", "import", str(pkg), "--yes", "--json") == 0
    real = json.loads(capsys.readouterr().out)
    assert dry["counts"] == real["counts"] and real["counts"]["quarantined"] == 2
    assert get_field(b, "members", one, "name") == "张三"
    assert get_field(b, "members", two, "union_id") == uid
    assert get_field(b, "members", later, "name") == "王五"  # not blocked
    shown = "\n".join(real["warnings"])
    assert node_of(a)[:8] in shown and one in shown and two in shown and "已隔离" in shown
    assert "张三" not in shown and "李四" not in shown

    listed = quarantined(b, capsys)
    assert {(q["row_id"], q["field"], q["origin"]) for q in listed} == {
        (one, "name", node_of(a)),
        (two, "union_id", node_of(a)),
    }
    assert all(q["reason"] == "不能为空" for q in listed)
    # the next package from the same office still imports (no crash, no block)
    add_member(a, uid, "赵六", "A4")
    assert cli(b, "sync", "import", str(send(a, b, tmp_path, "3")), "--yes") == 0


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("phone", "1" * 220, "超过上限"),
        ("id_number", "123", "身份证号"),
        ("birth_date", "yesterday", "日期"),
        ("deleted", 7, "0 或 1"),
        ("ethnicity", "99", "代码表"),
        ("name", "张\x1b[31m三", "控制字符"),
    ],
)
def test_invalid_value_is_quarantined_and_check_flags_it(
    pair, tmp_path, capsys, field: str, value: Any, reason: str
) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    uid = add_union(a, add_federation(a))
    mid = add_member(a, uid, "张三", "B1")
    assert cli(b, "sync", "import", str(send(a, b, tmp_path, "1")), "--yes") == 0
    set_field(a, "members", mid, field, value)  # SQLite itself takes any of these
    set_field(a, "members", mid, "employer", "新单位")  # a valid change beside it
    before = get_field(b, "members", mid, field)
    capsys.readouterr()
    assert cli(b, "sync", "import", str(send(a, b, tmp_path, "2")), "--yes") == 0
    assert "已隔离" in capsys.readouterr().out
    assert get_field(b, "members", mid, field) == before
    assert get_field(b, "members", mid, "employer") == "新单位"
    (entry,) = quarantined(b, capsys)
    assert entry["field"] == field and reason in entry["reason"] and entry["row_id"] == mid
    # the office that stored it is told by ``check``; the receiver's data is clean
    assert cli(a, "check") == 1
    out = capsys.readouterr().out
    assert "不合规则" in out and mid in out
    assert cli(b, "check") == 0


def test_pending_row_with_an_invalid_change_does_not_block_later_imports(
    pair, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """A member whose union has not arrived waits; an invalid change of it waiting with
    it is quarantined, and the member appears once its union does."""
    a, b = pair
    fed = add_federation(a)
    uid = add_union(a, fed)
    mid = add_member(a, uid, "张三", "C1")
    forge(a, "members", mid, {"name": None})
    first = tmp_path / "first.udsync"
    ex.export(a, first, to=[node_of(b)])
    # B first holds the invalid change beside a pending member, as an older version did
    with b.connect() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sync_change (node_id, counter, hlc, ctx, tbl, row_id, fields) "
            "VALUES (?, 999, 1, 0, 'members', ?, ?)",
            (node_of(a), mid, json.dumps({"name": None})),
        )
        conn.exec_driver_sql(
            "INSERT INTO sync_pending (tbl, row_id, missing_tbl, missing_id) "
            "VALUES ('members', ?, 'unions', ?)",
            (mid, uid),
        )
    capsys.readouterr()
    assert cli(b, "sync", "import", str(first), "--yes") == 0
    assert get_field(b, "members", mid, "name") == "张三"
    assert {q["counter"] for q in quarantined(b, capsys)} >= {999}
