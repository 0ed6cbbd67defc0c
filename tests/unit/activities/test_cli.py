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
