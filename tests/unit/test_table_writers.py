"""One writer per table: only ``services/members/writer.py`` writes ``members``, only
``services/unions/writer.py`` writes ``unions``, and each other synced table has its one
service module (issue #19; docs/ARCHITECTURE.md lists them).

The scan reads the SQL text of every module under ``desktop/`` — string literals,
f-strings (a formatted part kept as ``{expression}``) and ``+`` chains of them,
docstrings aside — and the ORM calls ``insert(Member)``, ``update(Union)``,
``Member.__table__.delete()``. It is a scan of text, so generic code that writes a
table named at run time (``UPDATE "{table}"``, the sync apply) is held by tests of its
behaviour instead: a received member or union goes through its writer.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import desktop
from desktop.errors import UnionDeskError
from desktop.services.members import queries
from desktop.services.members import registry as members
from desktop.services.members import writer as member_writer
from desktop.services.unions import registry as unions
from desktop.services.unions import writer as union_writer
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from desktop.sync import writer as sync_writer
from tests.unit.sync.helpers import mesh, valid_id

ROOT = Path(desktop.__file__).parent
# table → (the one module allowed to write it, relative to desktop/; its ORM class)
WRITERS = {
    "members": ("services/members/writer.py", "Member"),
    "unions": ("services/unions/writer.py", "Union"),
    "federations": ("services/unions/federations.py", "Federation"),
    "activities": ("services/activities/records.py", "Activity"),
    "attendances": ("services/activities/attendance.py", "Attendance"),
    "activity_photos": ("services/activities/photos.py", "ActivityPhoto"),
    "service_categories": ("services/activities/categories.py", "ServiceCategory"),
    "sites": ("services/sites/records.py", "Site"),
    "site_facilities": ("services/sites/facilities.py", "SiteFacility"),
    "union_workers": ("services/sites/workers.py", "UnionWorker"),
    "service_records": ("services/sites/service_log.py", "ServiceRecord"),
    "evaluation_templates": ("services/sites/evaluations.py", "EvaluationTemplate"),
    "evaluation_items": ("services/sites/evaluations.py", "EvaluationItem"),
    "evaluation_levels": ("services/sites/evaluations.py", "EvaluationLevel"),
    "evaluations": ("services/sites/evaluations.py", "Evaluation"),
    "evaluation_scores": ("services/sites/evaluations.py", "EvaluationScore"),
    "member_merges": ("services/duplicates/merging.py", "MemberMerge"),
    "legal_cases": ("services/legal/cases.py", "LegalCase"),
    "legal_case_documents": ("services/legal/documents.py", "LegalCaseDocument"),
    "honour_titles": ("services/honours/titles.py", "HonourTitle"),
    "honours": ("services/honours/records.py", "Honour"),
    "applications": ("services/applications/records.py", "Application"),
    "member_status_changes": ("services/members/writer.py", "MemberStatusChange"),
    "hardship_cases": ("services/care/hardship.py", "HardshipCase"),
    "hardship_household": ("services/care/household.py", "HouseholdMember"),
    "hardship_assistance": ("services/care/assistance.py", "Assistance"),
    "hardship_reviews": ("services/care/reviews.py", "Review"),
    "hardship_consents": ("services/care/consent.py", "Consent"),
    "transfers": ("services/transfers/records.py", "Transfer"),
    "erasures": ("services/erasure/records.py", "Erasure"),
    "erased_rows": ("services/erasure/records.py", "ErasedRow"),
}
_VERBS = (
    r"(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM"
    r"|UPDATE(?:\s+OR\s+\w+)?(?=\s+\S+\s+SET\b))"
)


def _write_pattern(table: str, model: str) -> re.Pattern[str]:
    """A write statement on ``table``: bare, quoted ("", ``, [], ''), schema-qualified,
    or named by the model in an f-string (``{Member.__tablename__}``)."""
    name = rf"(?:main\.)?(?:{table}|\"{table}\"|`{table}`|\[{table}\]|'{table}')"
    by_model = rf"\{{[^{{}}]*\b{model}\.__table(?:name)?__[^{{}}]*\}}"
    return re.compile(rf"\b{_VERBS}\s+(?:{name}|{by_model})(?![\w.])", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to text (``TABLE = "members"``), put in where an
    f-string or a ``+`` chain uses them."""
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _render(node: ast.expr, consts: dict[str, str]) -> str | None:
    """The text a string expression builds, its run-time parts as ``{expression}``
    (module constants put in); None for an expression that is not text."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else _part(part.value, consts)  # type: ignore[attr-defined]
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left, consts), _render(node.right, consts)
        if left is None and right is None:
            return None
        return (_part(node.left, consts) if left is None else left) + (
            _part(node.right, consts) if right is None else right
        )
    return None


def _part(node: ast.expr, consts: dict[str, str]) -> str:
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id]
    return "{" + ast.unparse(node) + "}"


def _texts(tree: ast.Module) -> Iterator[tuple[int, str]]:
    skip = _docstrings(tree)
    consts = _constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp) and id(node) not in skip:
            rendered = _render(node, consts)
            if rendered:
                yield node.lineno, rendered


def _orm_writes(tree: ast.AST, model: str) -> Iterator[int]:
    """``insert(Member)``, ``sa.update(Member)``, ``delete(Member.__table__)`` and
    ``Member.__table__.insert()``."""

    def is_model(node: ast.expr) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            node = node.value
        return isinstance(node, ast.Name) and node.id == model

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        verb = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if verb not in ("insert", "update", "delete"):
            continue
        if node.args and is_model(node.args[0]):
            yield node.lineno
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
            if func.value.attr == "__table__" and is_model(func.value):
                yield node.lineno


# A module can write these tables only if its source holds a write verb and a table or
# model name: the others (two thirds) are not parsed.
_MAY_WRITE = re.compile(r"\b(?:insert|update|delete|replace)\b", re.IGNORECASE)
_MAY_NAME = re.compile("|".join(WRITERS) + "|" + "|".join(m for _, m in WRITERS.values()))


def offences(root: Path) -> dict[str, list[str]]:
    """table → "module:line" of every write to it outside its writer."""
    found: dict[str, list[str]] = {table: [] for table in WRITERS}
    patterns = {table: _write_pattern(table, model) for table, (_, model) in WRITERS.items()}
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if not (_MAY_WRITE.search(source) and _MAY_NAME.search(source)):
            continue
        module = path.relative_to(root).as_posix()
        tree = ast.parse(source, filename=str(path))
        texts = list(_texts(tree))
        for table, (writer, model) in WRITERS.items():
            if module == writer:
                continue
            lines = {line for line, text in texts if patterns[table].search(text)}
            lines.update(_orm_writes(tree, model))
            found[table] += [f"{module}:{line}" for line in sorted(lines)]
    return found


def test_only_each_tables_writer_writes_it() -> None:
    assert offences(ROOT) == {table: [] for table in WRITERS}


def test_the_writers_do_write_their_tables() -> None:
    """The scan sees the writers' own statements (it is not blind to the code's style)."""
    for table, (writer, model) in WRITERS.items():
        tree = ast.parse((ROOT / writer).read_text(encoding="utf-8"))
        by_sql = any(_write_pattern(table, model).search(t) for _, t in _texts(tree))
        assert by_sql or _orm_writes(tree, model), table


PLANTED = '''\
"""A module that writes members and unions behind their writers' backs.

Its docstring may say UPDATE members SET name: that is prose, not SQL.
"""
from sqlalchemy import insert, text, update
from desktop.models import Member, Union

TABLE = "members"

def offend(conn, table, values):
    conn.execute(text("update  members set name = :n"))
    conn.exec_driver_sql('INSERT OR REPLACE INTO "members" (id) VALUES (?)')
    conn.exec_driver_sql(f"DELETE FROM [members] WHERE id = {values}")
    conn.execute(insert(Member), values)
    conn.execute(Member.__table__.update().values(name="x"))
    conn.exec_driver_sql(f"UPDATE {Member.__tablename__} SET name = ?", ("x",))
    conn.execute(text("UPDATE unions " + "SET name = :n"), values)
    conn.execute(update(Union).values(name="x"))
    conn.exec_driver_sql("INSERT INTO main.unions (id) " f"VALUES ({values})")
    conn.exec_driver_sql(f"UPDATE {TABLE} SET name = ?", ("x",))
    conn.exec_driver_sql("SELECT 1 FROM members; -- reads are fine")
    conn.exec_driver_sql(f'UPDATE "{table}" SET name = ?', ("x",))  # generic: see below
'''


def test_the_scan_catches_a_planted_write(tmp_path: Path) -> None:
    """A copy of ``desktop/`` with one offending module (and the members writer writing
    unions) fails the scan, line by line, and only there."""
    copy = tmp_path / "desktop"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "services" / "planted.py").write_text(PLANTED, encoding="utf-8")
    member_writer_copy = copy / WRITERS["members"][0]
    member_writer_copy.write_text(
        member_writer_copy.read_text(encoding="utf-8")
        + '\n\ndef sneak(conn):\n    conn.exec_driver_sql("DELETE FROM unions")\n',
        encoding="utf-8",
    )
    sneak_line = len(member_writer_copy.read_text(encoding="utf-8").splitlines())
    found = offences(copy)
    assert found["members"] == [f"services/planted.py:{n}" for n in (11, 12, 13, 14, 15, 16, 20)]
    assert found["unions"] == [
        f"{WRITERS['members'][0]}:{sneak_line}",
        *(f"services/planted.py:{n}" for n in (17, 18, 19)),
    ]


# ---- generic sync code never reaches members or unions ----------------------------------------


def test_the_generic_sync_writes_refuse_tables_that_have_a_writer(db: Database) -> None:
    with db.connect() as conn:
        for table in ("members", "unions"):  # the tables with derived data
            with pytest.raises(UnionDeskError, match="只能由它的写入模块写入"):
                sync_writer.update_generic(conn, table, ("name",), [("x", "some-id")])


def _office(db: Database) -> str:
    from desktop.services.unions import federations

    return federations.create(db, "测试联合会", card_prefix="T").id


def test_a_received_member_and_union_go_through_their_writers(
    db_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a sync apply the receiver's search finds members by their new name only,
    its dashboard summary equals a recount, and a received union sorts by the union
    rule, the same key its author made. The writers' received paths are the ones used
    (recorded on the way through), for the first package (inserts) and the second
    (updates)."""
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    _office(a)
    union = unions.add(a, "曾氏科技工会")
    one, _ = members.add(a, {"name": "单雄信", "id_number": valid_id(1), "union_id": union.id})
    two, _ = members.add(a, {"name": "欧阳修", "id_number": valid_id(2), "union_id": union.id})
    used: list[str] = []
    for module, names in (
        (member_writer, ("insert_received", "update_received")),
        (union_writer, ("insert_received", "update_received")),
    ):
        for name in names:
            original = getattr(module, name)

            def spy(*args: Any, _name: str = f"{module.TABLE}.{name}", _f: Any = original) -> Any:
                used.append(_name)
                return _f(*args)

            monkeypatch.setattr(module, name, spy)
    ex.export(a, tmp_path / "1.udsync", full=True)
    importer.import_file(b, tmp_path / "1.udsync")
    assert sorted(set(used)) == ["members.insert_received", "unions.insert_received"]
    used.clear()
    members.update(a, one.id, {"name": "程咬金"})
    members.mark_left(a, two.id, "withdrawn")
    unions.update(a, union.id, name="曾家工会")
    ex.export(a, tmp_path / "2.udsync")
    importer.import_file(b, tmp_path / "2.udsync")
    assert sorted(set(used)) == ["members.update_received", "unions.update_received"]
    from desktop.services.figures import summary as stats

    with b.connect(write=False) as conn:
        assert [m.id for m in queries.find(conn, "程咬金")] == [one.id]
        assert queries.find(conn, "单雄信") == []
        assert stats.summary_differences(conn) == 0
        keys = dict(conn.exec_driver_sql("SELECT id, sort_key FROM unions").all())
    assert keys == {union.id: union_writer.union_sort_key("曾家工会")}
    with a.connect(write=False) as conn:
        mine = conn.exec_driver_sql("SELECT sort_key FROM unions").scalar_one()
    assert keys[union.id] == mine


def test_a_resolved_name_conflict_is_written_through_the_member_writer(
    db_factory: Any, tmp_path: Path
) -> None:
    """Resolving a conflict writes the chosen value now, a local write: for a member's
    name that is a new sort key and search document too (the generic UPDATE left both
    stale)."""
    from desktop.storage.pinyin import sort_key
    from desktop.sync import conflicts

    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    _office(a)
    union = unions.add(a, "甲工会")
    one, _ = members.add(a, {"name": "张三", "id_number": valid_id(1), "union_id": union.id})
    ex.export(a, tmp_path / "1.udsync", full=True)
    importer.import_file(b, tmp_path / "1.udsync")
    members.update(a, one.id, {"name": "李四"})
    members.update(b, one.id, {"name": "王五"})
    ex.export(b, tmp_path / "2.udsync")
    importer.import_file(a, tmp_path / "2.udsync")
    with a.connect() as conn:
        [item] = conflicts.list_open(conn)
        chosen = item.loser_value
        conflicts.resolve(conn, item.id, chosen)
    with a.connect(write=False) as conn:
        assert [m.id for m in queries.find(conn, chosen)] == [one.id]
        assert queries.find(conn, item.winner_value) == []
        stored = conn.exec_driver_sql("SELECT sort_key FROM members").scalar_one()
    assert stored == sort_key(chosen)


def _member_row(union_id: str, i: int) -> dict[str, Any]:
    return {"name": f"会员{i}", "id_number": valid_id(i), "union_id": union_id}


def test_an_update_inside_an_append_block_is_refused(db: Database) -> None:
    """The set-based capture records appended rows only: an update made meanwhile would
    never travel, so the writer refuses it (and the block is usable again after)."""
    _office(db)
    union = unions.add(db, "甲工会")
    with db.connect() as conn:
        [first] = member_writer.insert_rows(conn, [_member_row(union.id, 1)])
        with member_writer.appending(conn, rows=1) as append:
            append(member_writer.prepare_rows([_member_row(union.id, 2)], 2))
            with pytest.raises(UnionDeskError, match="追加块中不能修改会员"):
                member_writer.update_fields(conn, first, {"phone": "13800000000"})
            with pytest.raises(UnionDeskError, match="不能嵌套"):
                with member_writer.appending(conn):
                    pass
        member_writer.update_fields(conn, first, {"phone": "13800000000"})


def test_received_rows_are_written_with_capture_off_only(db: Database) -> None:
    """A received change applied with capture on would be recorded again as this PC's
    own and travel back: both writers refuse."""
    _office(db)
    union = unions.add(db, "甲工会")
    with db.connect() as conn:
        with pytest.raises(UnionDeskError, match="关闭变更记录"):
            member_writer.update_received(conn, ("phone",), [("13800000000", "x")])
        with pytest.raises(UnionDeskError, match="关闭变更记录"):
            union_writer.update_received(conn, ("name",), [("乙工会", union.id)])


def test_update_many_refreshes_documents_of_searchable_changes_and_refuses_unknown_columns(
    db: Database,
) -> None:
    """A roster's updates: the new phone is searchable at once, the old one is gone;
    a column the table lacks is refused before anything is written."""
    _office(db)
    union = unions.add(db, "甲工会")
    with db.connect() as conn:
        ids = member_writer.insert_rows(
            conn, [{**_member_row(union.id, i), "phone": f"1390000000{i}"} for i in range(3)]
        )
        member_writer.update_many(
            conn,
            [(ids[0], {"phone": "13712345678"}), (ids[1], {"employer": "乙公司"})],
        )
        assert [m.id for m in queries.find(conn, "12345678")] == [ids[0]]
        assert queries.find(conn, "13900000000") == []
        assert [m.id for m in queries.find(conn, "13900000001")] == [ids[1]]
        with pytest.raises(UnionDeskError, match="colour"):
            member_writer.update_many(conn, [(ids[2], {"colour": "red"})])
