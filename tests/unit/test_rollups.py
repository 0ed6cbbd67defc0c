"""Roll-ups at an upper office (issue #25 item 5): a district union that received its
parks' registries by sync lists, filters, counts and exports every federation's unions
and members (tests/hub_offices.py builds the three offices through the CLI)."""

from __future__ import annotations

import pytest

from tests.hub_offices import DISTRICT, PARK_A, PARK_B, UNIONS, Hub, hub_db, hub_offices, run
from tests.unit.sync.helpers import valid_id

__all__ = ["hub_db", "hub_offices"]


def test_upper_office_lists_its_sub_federations_unions(hub_offices: Hub) -> None:
    """The defect of the issue: `unions list` said 「还没有登记工会」 for received unions
    (it listed the local federation's only) while `stats` counted them."""
    listed = run(hub_offices.district, "unions", "list")
    for union in UNIONS:
        assert union in listed, listed
    counted = run(hub_offices.district, "stats")
    assert f"工会：{len(UNIONS)} 个" in counted


def _ids_by_name(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from desktop.services.unions import registry

    return {u.name: u.id for u in registry.list_held(db)}


def test_union_list_holds_every_federation_own_first_and_named(hub_db) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.unions import registry, scope

    listed = registry.list_held(hub_db)
    assert [(u.name, u.federation_name, u.own) for u in listed] == [
        ("区机关工会", DISTRICT, True),
        ("甲二公司工会", PARK_A, False),  # pinyin order within a federation
        ("甲一公司工会", PARK_A, False),
        ("乙一公司工会", PARK_B, False),
    ]
    assert {u.name: u.member_count for u in listed} == {
        name: len(tokens) for name, (_fed, tokens) in UNIONS.items()
    }
    choices = scope.held(hub_db)
    assert [(c.name, c.own, c.unions) for c in choices] == [
        (DISTRICT, True, 1),
        (PARK_A, False, 2),
        (PARK_B, False, 1),
    ]
    park_a = scope.resolve(hub_db, PARK_A)
    assert [u.name for u in registry.list_held(hub_db, park_a)] == ["甲二公司工会", "甲一公司工会"]
    own = scope.resolve(hub_db, "本会")
    assert [u.name for u in registry.list_held(hub_db, own)] == ["区机关工会"]
    assert scope.resolve(hub_db, "全部") is None
    # the pickers (a member's union, a roster's) still offer this office's own unions only
    assert [u.name for u in registry.list_all(hub_db)] == ["区机关工会"]


def test_unknown_federation_name_is_refused_naming_the_ones_held(hub_db) -> None:  # type: ignore[no-untyped-def]
    from desktop.errors import NotFoundError
    from desktop.services.unions import scope

    with pytest.raises(NotFoundError) as caught:
        scope.resolve(hub_db, "丙园区")
    assert "找不到名为「丙园区」的联合会" in caught.value.message
    assert PARK_A in caught.value.message and PARK_B in caught.value.message


def test_another_federations_union_cannot_be_edited_or_deleted_here(hub_db) -> None:  # type: ignore[no-untyped-def]
    from desktop.errors import UnionDeskError
    from desktop.services.unions import registry

    ids = _ids_by_name(hub_db)
    theirs = ids["甲二公司工会"]
    with pytest.raises(UnionDeskError) as caught:
        registry.update(hub_db, theirs, chair="某人")
    assert f"属于「{PARK_A}」" in caught.value.message and "不能修改" in caught.value.message
    with pytest.raises(UnionDeskError) as caught:
        registry.delete(hub_db, theirs)
    assert "不能删除" in caught.value.message
    assert registry.get(hub_db, theirs).chair is None  # nothing written
    assert registry.get(hub_db, theirs).federation_name == PARK_A
    # its own union stays editable
    assert registry.update(hub_db, ids["区机关工会"], chair="某人").chair == "某人"


def test_cli_unions_list_names_the_federation_and_filters(hub_offices: Hub) -> None:
    listed = run(hub_offices.district, "unions", "list")
    lines = listed.strip().splitlines()
    assert f"所属联合会：{DISTRICT}（本会）" in lines[0] and "区机关工会" in lines[0]
    assert f"所属联合会：{PARK_B}" in lines[-1]
    only = run(hub_offices.district, "unions", "list", "--federation", PARK_A)
    assert "甲一公司工会" in only and "甲二公司工会" in only
    assert "区机关工会" not in only and "乙一公司工会" not in only
    own = run(hub_offices.district, "unions", "list", "--federation", "本会")
    assert "区机关工会" in own and "甲一公司工会" not in own


def test_cli_refuses_an_unknown_federation_with_exit_1(hub_offices: Hub, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop.cli import main

    capsys.readouterr()
    code = main(["--data-dir", str(hub_offices.district), "unions", "list", "--federation", "丙"])
    out, err = capsys.readouterr()
    assert code == 1 and "找不到名为「丙」的联合会" in err and "Traceback" not in out + err


def test_members_filter_by_federation(hub_db) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.members.queries import MemberFilter, count_matching, read_page
    from desktop.services.unions import scope

    park_a = scope.resolve(hub_db, PARK_A)
    rows = read_page(hub_db, MemberFilter(federation_id=park_a))
    assert sorted(r.name for r in rows) == ["会员a1", "会员a2", "会员a3", "会员a4"]
    assert count_matching(hub_db, MemberFilter(federation_id=park_a)) == 4
    own = scope.resolve(hub_db, "本会")
    assert sorted(r.name for r in read_page(hub_db, MemberFilter(federation_id=own))) == [
        "会员d1",
        "会员d2",
    ]
    assert count_matching(hub_db, MemberFilter()) == 8  # every federation by default
    # with the search (an ID tail): a park's member found, another park's not
    tail = valid_id("b1")[-6:]
    assert [r.name for r in read_page(hub_db, MemberFilter(search=tail))] == ["会员b1"]
    assert read_page(hub_db, MemberFilter(federation_id=park_a, search=tail)) == []
    park_b = scope.resolve(hub_db, PARK_B)
    found = read_page(hub_db, MemberFilter(federation_id=park_b, search=tail))
    assert [r.name for r in found] == ["会员b1"]


def test_cli_members_list_by_federation(hub_offices: Hub) -> None:
    import json

    listed = json.loads(run(hub_offices.district, "members", "list", "--json"))
    assert len(listed) == 8
    park_b = json.loads(
        run(hub_offices.district, "members", "list", "--federation", PARK_B, "--json")
    )
    assert sorted(m["name"] for m in park_b) == ["会员b1", "会员b2"]
    assert {m["union_name"] for m in park_b} == {"乙一公司工会"}
    text_out = run(hub_offices.district, "members", "list", "--federation", "本会")
    assert "会员d1" in text_out and "会员a1" not in text_out


def _read_roster(path) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_roster_export_scoped_to_one_federation_holds_only_its_rows(
    hub_offices: Hub, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "甲园区名册.xlsx"
    run(hub_offices.district, "roster", "export", str(out), "--federation", PARK_A)
    rows = _read_roster(out)
    assert sorted(str(r["姓名"]) for r in rows) == ["会员a1", "会员a2", "会员a3", "会员a4"]
    park_unions = {u for u, (fed, _t) in UNIONS.items() if fed == PARK_A}
    assert {r["所属工会"] for r in rows} == park_unions
    every = tmp_path / "全部.xlsx"
    run(hub_offices.district, "roster", "export", str(every))
    assert len(_read_roster(every)) == 8


def test_scoped_export_names_the_federation_in_the_audit_trail(hub_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.members.queries import MemberFilter
    from desktop.services.rosters import export
    from desktop.services.unions import scope

    park_b = scope.resolve(hub_db, PARK_B)
    result = export.export_members(hub_db, tmp_path / "乙.xlsx", MemberFilter(federation_id=park_b))
    assert result.rows == 2
    assert {str(r["姓名"]) for r in _read_roster(result.path)} == {"会员b1", "会员b2"}
    with hub_db.connect(write=False) as conn:
        detail = conn.exec_driver_sql(
            "SELECT detail FROM audit_log ORDER BY rowid DESC LIMIT 1"
        ).scalar_one()
    assert f"联合会：{PARK_B}" in detail


def _sheet(path, title: str) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    return [
        tuple(r) for r in load_workbook(path, read_only=True)[title].iter_rows(values_only=True)
    ]


def _table(path, title: str) -> dict[str, tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """Rows of a report sheet by their first cell (title, subtitle and headers included)."""
    return {str(r[0]): r for r in _sheet(path, title) if r[0] is not None}


def test_dashboard_figures_by_federation(hub_db) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.figures import dashboard
    from desktop.services.unions import scope

    whole = dashboard.dashboard(hub_db)
    assert whole.members.total == 8 and whole.activities_scoped
    assert {u.union_name for u in whole.members.by_union} == set(UNIONS)
    park_a = dashboard.dashboard(hub_db, federation_id=scope.resolve(hub_db, PARK_A))
    assert park_a.members.total == 4 and not park_a.activities_scoped
    assert {u.union_name: u.total for u in park_a.members.by_union} == {
        "甲一公司工会": 3,
        "甲二公司工会": 1,
    }
    assert park_a.members.new_in_year == 4  # joined today (the pinned clock)
    assert sum(b.count for b in park_a.members.age_bands) + park_a.members.age_other == 4
    own = dashboard.dashboard(hub_db, federation_id=scope.resolve(hub_db, "本会"))
    assert own.members.total == 2
    parts = [dashboard.dashboard(hub_db, federation_id=c.id).members for c in scope.held(hub_db)]
    assert sum(p.total for p in parts) == whole.members.total
    for i, band in enumerate(whole.members.age_bands):  # age bands add up too
        assert sum(p.age_bands[i].count for p in parts) == band.count


def test_stats_by_federation(hub_offices: Hub) -> None:
    whole = run(hub_offices.district, "stats")
    assert "会员：8 人" in whole
    assert f"{DISTRICT}（本会）：工会 1 个，会员 2 人" in whole
    assert f"{PARK_A}：工会 2 个，会员 4 人" in whole
    assert f"{PARK_B}：工会 1 个，会员 2 人" in whole
    park_b = run(hub_offices.district, "stats", "--federation", PARK_B)
    assert "工会：1 个" in park_b and "会员：2 人" in park_b and PARK_A not in park_b


def test_annual_report_rolls_up_every_federation(hub_offices: Hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    out = tmp_path / "年报.xlsx"
    run(hub_offices.district, "report", "annual", "--year", "2026", str(out))
    names = load_workbook(out, read_only=True).sheetnames
    assert names[:5] == [
        "会员情况",
        "各联合会汇总",
        f"会员-{DISTRICT}",
        f"会员-{PARK_A}",
        f"会员-{PARK_B}",
    ]
    assert "3+N服务" in names and "困难帮扶" in names
    whole = _table(out, "会员情况")
    assert whole["合计"][1] == 8
    summary = _table(out, "各联合会汇总")
    assert summary[f"{DISTRICT}（本会）"][1:3] == (1, 2)
    assert summary[PARK_A][1:3] == (2, 4)
    assert summary[PARK_B][1:3] == (1, 2)
    assert summary["合计"][1:3] == (4, 8)
    park_a = _table(out, f"会员-{PARK_A}")
    assert park_a["甲一公司工会"][1] == 3 and park_a["甲二公司工会"][1] == 1
    assert park_a["小计"][1] == 4 and "乙一公司工会" not in park_a


def test_annual_report_narrowed_to_one_federation(hub_offices: Hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    out = tmp_path / "乙园区年报.xlsx"
    run(
        hub_offices.district, "report", "annual", "--year", "2026", str(out), "--federation", PARK_B
    )
    assert load_workbook(out, read_only=True).sheetnames == ["会员情况", "会员结构", "会站家阵地"]
    table = _table(out, "会员情况")
    assert table["合计"][1] == 2 and "乙一公司工会" in table
    assert not set(table) & {"区机关工会", "甲一公司工会", "甲二公司工会"}
    assert any(key.startswith(f"{PARK_B}会员情况年报表") for key in table)
    assert any("本表只含" in key for key in table)
    monthly = tmp_path / "月报.xlsx"
    run(hub_offices.district, "report", "monthly", "--year", "2026", "--month", "11",
        str(monthly), "--federation", PARK_A)  # fmt: skip
    rows = _table(monthly, "会员月报")
    assert rows["合计"][1] == 4 and "乙一公司工会" not in rows and "区机关工会" not in rows


def test_a_union_name_held_by_two_federations_is_told_apart_by_federation(  # type: ignore[no-untyped-def]
    hub_db, capsys
) -> None:
    import json

    from desktop.cli import main
    from desktop.services.unions import registry

    registry.add(hub_db, "乙一公司工会")  # the district's own union of a park's union's name
    data = str(hub_db.paths.data_dir)
    capsys.readouterr()
    code = main(["--data-dir", data, "members", "list", "--union", "乙一公司工会"])
    _out, err = capsys.readouterr()
    assert code == 1 and "有多个名为「乙一公司工会」的工会" in err and "--federation" in err
    code = main(["--data-dir", data, "members", "list", "--union", "乙一公司工会",
                 "--federation", PARK_B, "--json"])  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == 0 and sorted(m["name"] for m in json.loads(out)) == ["会员b1", "会员b2"]
    code = main(["--data-dir", data, "members", "list", "--union", "乙一公司工会",
                 "--federation", "本会", "--json"])  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == 0 and json.loads(out) == []


def test_two_sub_federations_of_one_name_are_told_apart_by_their_number(hub_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A city hub holds hundreds of offices: two sub-federations may share a name (each
    district has its 城关街道工会联合会). The clerk is shown their numbers and may name one
    by it; the refusal used to send the hub to 「上级单位」, and stats listed both alike."""
    from sqlalchemy import text

    from desktop.errors import UnionDeskError
    from desktop.services.unions import scope

    ids = {c.name: c.id for c in scope.held(hub_db)}
    with hub_db.connect() as conn:
        conn.execute(
            text("UPDATE federations SET name = :a WHERE id = :b"),
            {"a": PARK_A, "b": ids[PARK_B]},
        )
    with pytest.raises(UnionDeskError) as caught:
        scope.resolve(hub_db, PARK_A)
    message = caught.value.message
    assert ids[PARK_A] in message and ids[PARK_B] in message and "编号" in message
    assert "上级单位" not in message
    assert scope.resolve(hub_db, ids[PARK_B]) == ids[PARK_B]
    assert scope.resolve(hub_db, f" {ids[PARK_A]} ") == ids[PARK_A]
    whole = run(tmp_path / "district", "stats")
    assert f"{PARK_A}（编号 {ids[PARK_A]}）：工会 2 个，会员 4 人" in whole
    assert f"{PARK_A}（编号 {ids[PARK_B]}）：工会 1 个，会员 2 人" in whole
    assert f"{DISTRICT}（本会）：工会 1 个" in whole  # a name held once: as before
    park_b = run(tmp_path / "district", "stats", "--federation", ids[PARK_B])
    assert "工会：1 个" in park_b and "会员：2 人" in park_b
