"""The activities/sites/servicelog/report CLI verbs, parsed and run against a real DB."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import activities as cli_activities
from desktop.cli import report as cli_report
from desktop.cli.common import CliArgumentParser, Context
from desktop.errors import UnionDeskError
from desktop.storage.database import Database


def run(data_dir: Path, *argv: str) -> int:
    parser = CliArgumentParser(prog="uniondesk")
    sub = parser.add_subparsers(dest="area", parser_class=CliArgumentParser)
    cli_activities.register(sub)
    cli_report.register(sub)
    args = parser.parse_args(list(argv))
    ctx = Context(str(data_dir))
    try:
        return int(args.handler(ctx, args))
    finally:
        ctx.close()


def test_clerk_flow(
    db: Database,
    members: dict[str, str],
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        run(
            data_dir,
            "sites",
            "add",
            "--kind",
            "站",
            "--name",
            "创业路服务站",
            "--area",
            "80",
            "--facility",
            "AED",
        )
        == 0
    )
    site_id = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert (
        run(
            data_dir,
            "activities",
            "add",
            "--title",
            "普法讲座",
            "--category",
            "法律援助",
            "--start",
            "2026-11-21 14:00",
            "--end",
            "2026-11-21 15:30",
            "--site",
            site_id,
        )
        == 0
    )
    act_id = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert run(data_dir, "activities", "attend", act_id, "C001", "C999", "--guest", "访客") == 1
    err = capsys.readouterr().err
    assert "C999" in err and "未找到" in err
    assert (
        run(
            data_dir,
            "servicelog",
            "add",
            "--date",
            "2026-11-21",
            "--site",
            site_id,
            "困难帮扶=3",
            "法律援助=2",
        )
        == 0
    )
    with pytest.raises(UnionDeskError, match="负数"):
        run(data_dir, "servicelog", "add", "--site", site_id, "困难帮扶=-1")
    out = tmp_path / "annual.xlsx"
    assert run(data_dir, "report", "annual", "--year", "2026", str(out)) == 0
    ws = load_workbook(out)["3+N服务"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["法律援助"][2] == 1 and rows["法律援助"][4] == 2 and rows["法律援助"][6] == 2
    assert (
        run(
            data_dir,
            "report",
            "monthly",
            "--year",
            "2026",
            "--month",
            "11",
            str(tmp_path / "m.xlsx"),
        )
        == 0
    )


def test_clerk_shows_edits_and_cancels_an_activity(
    db: Database,
    members: dict[str, str],
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What the window's 编辑活动 / 删除活动 and its sign-in list do, at the command line;
    a blank guest name among good ones is reported, the others still signed in."""
    from desktop.services import activities

    act = activities.add(
        db, {"title": "普法讲座", "category": "法律援助", "starts_at": "2026-11-20 09:00"}
    ).id
    assert (
        run(data_dir, "activities", "attend", act, "C001", "--guest", " ", "--guest", "王阿姨") == 1
    )
    captured = capsys.readouterr()
    assert "请填写非会员的姓名" in captured.err and "Traceback" not in captured.err
    assert activities.get(db, act).attendance == 2

    assert run(data_dir, "activities", "show", act) == 0
    out = capsys.readouterr().out
    assert "普法讲座" in out and "法律援助" in out and "王阿姨" in out and "C001" in out
    assert "已签到 2 人（会员 1，非会员 1）" in out

    assert (
        run(data_dir, "activities", "update", act, "--title", "劳动法讲座", "--end",
            "2026-11-20 11:00", "--spent", "300")
        == 0
    )  # fmt: skip
    rec = activities.get(db, act)
    assert (rec.title, rec.spent_fen, rec.ends_at.hour) == ("劳动法讲座", 30000, 11)
    with pytest.raises(UnionDeskError, match="不能早于开始时间"):
        run(data_dir, "activities", "update", act, "--end", "2026-11-19")
    assert activities.get(db, act).ends_at.hour == 11

    with pytest.raises(UnionDeskError, match="--yes"):  # no terminal to ask
        run(data_dir, "activities", "delete", act)
    assert activities.get(db, act).title == "劳动法讲座"
    assert run(data_dir, "activities", "delete", act, "--yes") == 0
    assert "劳动法讲座" in capsys.readouterr().out
    assert activities.list_activities(db) == []


def test_list_says_when_it_shows_only_the_latest(
    db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """「共 N 项」 is the true count: a list cut at --limit says so and how to narrow it."""
    from desktop.services import activities

    for day in (1, 2, 3):
        activities.add(
            db, {"title": f"讲座{day}", "category": "法律援助", "starts_at": f"2026-11-0{day}"}
        )
    assert run(data_dir, "activities", "list", "--limit", "2") == 0
    out = capsys.readouterr().out
    assert "讲座3" in out and "讲座2" in out and "讲座1" not in out
    assert "只列出最近的 2 项" in out and "--year" in out
    assert run(data_dir, "activities", "list") == 0
    assert "共 3 项活动" in capsys.readouterr().out


def test_site_with_an_unknown_facility_is_refused_whole(db: Database, data_dir: Path) -> None:
    """A typo in --facility refuses the command before anything is written: running it
    again corrected gives one site, not two."""
    from desktop.errors import ValidationError
    from desktop.services import sites

    with pytest.raises(ValidationError, match="游泳池"):
        run(data_dir, "sites", "add", "--kind", "站", "--name", "测试站", "--facility", "AED",
            "--facility", "游泳池")  # fmt: skip
    assert sites.list_sites(db) == []


def test_attend_reads_a_notepad_file_of_cards(
    db: Database,
    members: dict[str, str],
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--stdin takes a file saved by Windows Notepad (a BOM, CRLF) or cells copied from a
    spreadsheet row (tab-separated): every card is read, none glued to its neighbour."""
    import io

    from desktop.services import activities

    act = activities.add(
        db, {"title": "普法讲座", "category": "法律援助", "starts_at": "2026-11-20 09:00"}
    ).id
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffC001\r\nC002\tC004\r\n\r\n"))
    assert run(data_dir, "activities", "attend", act, "--stdin") == 0
    assert capsys.readouterr().out.count("签到成功") == 3
    assert activities.get(db, act).attendance == 3


def test_coverage_of_a_year_that_cannot_be_is_refused_not_swapped_for_this_year(
    db: Database, members: dict[str, str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA: ``activities coverage --year 0`` printed this year's figure as year 0's."""
    assert run(data_dir, "activities", "coverage") == 0
    assert "2026 年参加过活动的会员" in capsys.readouterr().out
    for year in ("0", "1800", "2099"):
        with pytest.raises(UnionDeskError, match="年份应在 1900–2027 之间"):
            run(data_dir, "activities", "coverage", "--year", year)
    assert run(data_dir, "activities", "coverage", "--year", "2027") == 0  # planned ones
