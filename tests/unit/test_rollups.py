"""Roll-ups at an upper office (issue #25 item 5): a district union that received its
parks' registries by sync lists, filters, counts and exports every federation's unions
and members (tests/hub_offices.py builds the three offices through the CLI)."""

from __future__ import annotations

import pytest

from tests.hub_offices import DISTRICT, PARK_A, PARK_B, UNIONS, Hub, hub_db, hub_offices, run

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
