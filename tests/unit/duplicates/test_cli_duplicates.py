"""``uniondesk duplicates list|merge`` in-process: output, refusals (1) and usage (2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines

ID_A = "11010519491231002X"
ID_B = "110101198111064773"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pair(db: Database) -> tuple[str, str]:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    uid = unions.add(db, "华强电子有限公司工会", industry="C", ownership="170").id
    ids = []
    for phone in ("13800138000", "13900139000"):
        with db.connect() as conn:
            checked = members.validate(
                conn,
                {"name": "张三", "id_number": ID_A, "union_id": uid, "phone": phone},
                check_duplicates=False,
            )
            ids.append(member_writer.insert_one(conn, dict(checked.values)))
    return ids[0], ids[1]


def _deleted(db: Database, member_id: str) -> int:
    with db.connect(write=False) as conn:
        return int(
            conn.execute(text("SELECT deleted FROM members WHERE id = :i"), {"i": member_id}).one()[
                0
            ]
        )


def test_list_json_is_masked(capsys, data_dir, pair) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = run(capsys, data_dir, "duplicates", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [p["reason"] for p in listed] == ["same_id"]
    assert ID_A not in out and "13800138000" not in out and "138****8000" in out
    code, out, _err = run(capsys, data_dir, "duplicates", "list")
    assert code == 0 and "身份证号相同" in out and "共 1 对" in out


def test_merge_takes_a_field_and_refuses_itself(capsys, data_dir, db, pair) -> None:  # type: ignore[no-untyped-def]
    keep, other = pair
    code, _out, err = run(capsys, data_dir, "duplicates", "merge", keep, keep)
    assert code == 1 and "与它自己合并" in err
    code, _out, err = run(capsys, data_dir, "duplicates", "merge", keep, other, "--take", "phone")
    assert code == 2 and "字段=other" in err
    code, out, err = run(
        capsys, data_dir, "duplicates", "merge", keep, other, "--take", "phone=other"
    )
    assert code == 0, err
    assert "已合并" in out and "手机号" in out
    assert _deleted(db, other) == 1
    assert members.get(db, keep).phone == "13900139000"
    code, out, _err = run(capsys, data_dir, "duplicates", "list")
    assert "没有发现重复" in out


def test_different_ids_need_the_flag(capsys, data_dir, db, pair) -> None:  # type: ignore[no-untyped-def]
    keep, other = pair
    with db.connect() as conn:
        member_writer.update_fields(conn, other, {"id_number": ID_B})
    code, _out, err = run(capsys, data_dir, "duplicates", "merge", keep, other)
    assert code == 1 and "--confirm-different-ids" in err and ID_B not in err
    assert _deleted(db, other) == 0
    code, _out, err = run(
        capsys, data_dir, "duplicates", "merge", keep, other, "--confirm-different-ids"
    )
    assert code == 0, err
    code, out, _err = run(capsys, data_dir, "audit", "list")
    assert "合并身份证号不同" in out


def test_list_shows_only_the_birth_year_beside_the_masked_number(  # type: ignore[no-untyped-def]
    capsys, data_dir, pair
) -> None:
    """docs/PRIVACY.md: the full birth date gives back 8 of the 13 hidden digits."""
    code, out, _err = run(capsys, data_dir, "duplicates", "list", "--json")
    assert code == 0
    sides = [side for p in json.loads(out) for side in (p["first"], p["second"])]
    assert [s["birth_year"] for s in sides] == [1949, 1949]
    assert all("birth_date" not in s for s in sides)
    assert "1949-12-31" not in out and "12-31" not in out
    code, out, _err = run(capsys, data_dir, "duplicates", "list")
    assert code == 0 and "1949年" in out and "12-31" not in out
