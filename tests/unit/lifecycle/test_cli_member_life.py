"""``uniondesk members add|update|leave`` and ``transfers in`` as the QA tester typed them:
a child is never registered, a leave happens once on a real day, and a leaving status is
reached only through ``members leave`` or ``transfers out`` (QA report B1–B3)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.unit.lifecycle.test_applications import id_born
from tests.unit.test_cli_members import UNION, ready, run  # noqa: F401

CHILD = id_born(date(2020, 1, 2))
ADULT = id_born(date(1985, 5, 5))


def _add(capsys: pytest.CaptureFixture[str], data: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys, data, "members", "add", "--name", "离会测试", "--id-number", ADULT,
        "--union", UNION, *extra,
    )  # fmt: skip


def _shown(capsys: pytest.CaptureFixture[str], data: Path, member: str) -> dict[str, object]:
    code, out, err = run(capsys, data, "members", "show", member, "--json")
    assert code == 0, err
    return dict(json.loads(out))


def test_a_child_is_refused_with_or_without_a_join_date(
    ready: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    child = ("--name", "小孩", "--id-number", CHILD, "--union", UNION)
    code, out, err = run(capsys, ready, "members", "add", *child)
    assert code == 1 and out == "" and "早于该会员年满 16 周岁的日子" in err and CHILD not in err
    code, _out, typed = run(capsys, ready, "members", "add", *child, "--joined-on", "2026-11-21")
    assert code == 1 and typed == err
    code, out, err = run(capsys, ready, "transfers", "in", *child)
    assert code == 1 and "早于该会员年满 16 周岁的日子" in err
    code, out, _err = run(capsys, ready, "members", "list", "--json")
    assert json.loads(out) == []


def test_leave_once_on_a_real_day(
    ready: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _add(capsys, ready, "--joined-on", "2020-05-01")
    assert code == 0, err
    member = out.strip()
    leave = ("members", "leave", member, "--status")
    code, _, err = run(capsys, ready, *leave, "withdrawn", "--on", "2019-01-01")
    assert code == 1 and "早于该会员的入会日期 2020-05-01" in err
    code, _, err = run(capsys, ready, *leave, "withdrawn", "--on", "2026-12-31")
    assert code == 1 and "离会日期 2026-12-31 晚于今天" in err
    code, _, err = run(capsys, ready, *leave, "transferred_out")
    assert code == 1 and "请办理会籍转出（transfers out），会出具转接单" in err
    code, _, err = run(capsys, ready, *leave, "withdrawn", "--on", "2026-11-01", "--reason", "辞职")
    assert code == 0, err
    code, _, err = run(capsys, ready, *leave, "expelled", "--reason", "第二次")
    assert code == 1 and "已退会" in err and "2026-11-01" in err
    shown = _shown(capsys, ready, member)
    assert (shown["left_on"], shown["leave_reason"]) == ("2026-11-01", "辞职")
    code, out, _ = run(capsys, ready, "members", "history", member, "--json")
    assert [(r["changed_on"], r["to_status"]) for r in json.loads(out)] == [
        ("2026-11-01", "withdrawn")
    ]


def test_update_and_add_never_set_a_leaving_status(
    ready: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _out, err = _add(capsys, ready, "--membership-status", "已退会")
    assert code == 1 and "会员离会" in err
    code, out, err = _add(capsys, ready)
    assert code == 0, err
    member = out.strip()
    status = ("members", "update", member, "--membership-status")
    code, _, err = run(capsys, ready, *status, "已退会")
    assert code == 1 and "members leave" in err
    code, _, err = run(capsys, ready, *status, "已转出")
    assert code == 1 and "请办理会籍转出（transfers out），会出具转接单" in err
    shown = _shown(capsys, ready, member)
    assert shown["membership_status"] == "active" and shown["left_on"] is None
