"""BENCH roster_import: a 100k-row .xlsx roster imported vs python-calamine reading it.

Builds its own roster (valid ID numbers from stdnum's check digit, not Faker per row)
and an empty registry in a temp dir. The project figure is ``importer.prepare`` +
``importer.commit``: read, header detection, normalisation, every row through
``members.validate``, the duplicate checks against the file and the database, the
automatic backup, card numbers, and the insert with change capture and search index.
The baseline is python-calamine alone reading the same sheet into Python lists.
Goals: ≤ 2.5× the baseline; peak RSS of the import < 500 MB (measured in a child
process, its own VmHWM: ``benchmarks.peak_rss_mb``; the baseline there is calamine's own
peak).
Both sides run in fresh child processes and are timed in CPU seconds of that process
(``time.process_time``), so other load on a shared machine does not skew the ratio;
wall-clock seconds are printed on the comment line.

A second comment line gives the floor under the goal: what SQLite alone needs to store
what the import stored (the same member rows into the members table with its indexes,
kept row by row or built after the rows, whichever is cheaper; the same change records;
the same search documents; each a bare ``executemany`` in one transaction), added to
calamine's read, as a multiple of that read. No importer can be faster than this floor,
whatever its Python costs.

    python -m benchmarks.roster_import [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.cn import ric

from benchmarks import bare_executemany, bench_line, peak_rss_mb, run_child

RATIO_GOAL = 2.5
RSS_GOAL_MB = 500.0
AREAS = ("440304", "440305", "110105", "310104", "420106", "510107", "330106", "441900")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌海波鹏辉"
ETHNICITIES = ("汉族",) * 20 + ("壮族", "回", "苗族", "土家族")
POLITICAL = ("群众",) * 6 + ("中共党员", "共青团员")
EDUCATION = ("高中", "大学专科", "大学本科", "初中", "中专/中技/职高")
HUKOU = ("本地城镇", "本地农村", "外地城镇", "外地农村")
HEADER = [
    "序号", "姓名", "身份证号", "所属工会", "手机号", "民族", "政治面貌", "学历",
    "户籍类型", "工作单位", "岗位", "入会日期",
]  # fmt: skip
UNIONS = ("甲电子有限公司工会", "乙物流有限公司工会", "丙餐饮管理有限公司工会")


def id_number(i: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=i // 400)
    body = f"{AREAS[i % len(AREAS)]}{born:%Y%m%d}{i % 400 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def build_roster(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会员名册")
    ws.append(["某某工会联合会会员花名册"])
    ws.append(HEADER)
    for i in range(rows):
        ws.append(
            [
                i + 1,
                rnd.choice(SURNAMES) + "".join(rnd.choices(GIVEN, k=rnd.choice((1, 2)))),
                id_number(i),
                UNIONS[i % len(UNIONS)],
                f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
                rnd.choice(ETHNICITIES),
                rnd.choice(POLITICAL),
                rnd.choice(EDUCATION),
                rnd.choice(HUKOU),
                "某某有限公司",
                "操作工",
                f"20{rnd.randrange(10, 26)}.{rnd.randrange(1, 13)}.{rnd.randrange(1, 29)}",
            ]
        )
    wb.save(path)


def _child_import(roster: Path, data_dir: Path) -> None:
    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.services.members import writer as member_writer
    from desktop.services.rosters import importer
    from desktop.services.rosters.checking import ImportOptions
    from desktop.services.unions import federations
    from desktop.services.unions import registry as unions

    # The member writes (pinyin and search documents, the insert, change capture and the
    # dashboard counts) belong to the member service; their share is timed separately so
    # the comment line shows what the importer's own code costs. A few clock calls per
    # 5,000-row chunk: no measurable cost.
    insert_seconds = [0.0]
    prepare_rows, appending = member_writer.prepare_rows, member_writer.appending

    def timed(fn: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                insert_seconds[0] += time.process_time() - began

        return call

    @contextmanager
    def timed_appending(conn: Any, **kwargs: Any) -> Iterator[Any]:
        block = appending(conn, **kwargs)
        append = timed(block.__enter__)()
        try:
            yield timed(append)
        except BaseException as exc:
            if not block.__exit__(type(exc), exc, exc.__traceback__):
                raise
        else:
            timed(block.__exit__)(None, None, None)

    member_writer.prepare_rows = timed(prepare_rows)
    member_writer.appending = timed_appending  # type: ignore[assignment]
    db = open_database(resolve_paths(data_dir))
    federations.create(db, "基准联合会", card_prefix="GH")
    for name in UNIONS:
        unions.add(db, name)
    db.checkpoints.flush()  # the setup's WAL checkpoint, not inside the timed window
    wall, start = time.perf_counter(), time.process_time()
    preview = importer.prepare(db, roster, ImportOptions(today=date(2026, 11, 21)))
    checked = time.process_time()
    result = importer.commit(db, preview)
    end = time.process_time()
    wall = time.perf_counter() - wall
    db.close()
    assert preview.counts["new"] == preview.counts["total"], preview.problems[:3]
    _report(
        seconds=end - start,
        wall=wall,
        check=checked - start,
        write=end - checked,
        member_writes=insert_seconds[0],
        rows=result.counts["new"],
    )


def _child_calamine(roster: Path) -> None:
    import python_calamine

    wall, start = time.perf_counter(), time.process_time()
    workbook = python_calamine.CalamineWorkbook.from_path(str(roster))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    seconds = time.process_time() - start
    _report(seconds=seconds, wall=time.perf_counter() - wall, rows=len(rows))


def _child_floor(data_dir: Path) -> None:
    """SQLite's own share of the import: the stored rows written again with bare executemany."""
    import sqlite3

    from desktop.storage import search_index

    src = sqlite3.connect(data_dir / "uniondesk.db")
    parts: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="uniondesk-floor-") as tmp:
        for table, columns, filtered in (
            ("members", "*", "deleted = 0"),
            ("sync_change", "*", "tbl = 'members'"),
            ("member_search", "rowid, terms", "1"),
        ):
            schema = [
                str(r[0])
                for r in src.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                    "AND name NOT LIKE 'member_search_%' ORDER BY type DESC",
                    (table,),
                )
                if not str(r[0]).startswith("CREATE TRIGGER")
            ]
            rows = src.execute(f"SELECT {columns} FROM {table} WHERE {filtered}").fetchall()
            if table == "member_search":
                schema += search_index.TABLE_SETTINGS
            names = "(rowid, terms)" if table == "member_search" else ""
            marks = ", ".join("?" * len(rows[0]))
            insert = f"INSERT INTO {table} {names} VALUES ({marks})"
            cache = ["cache_size = -65536"]
            _wall, parts[table] = bare_executemany(
                Path(tmp) / f"{table}.db", schema, insert, rows, cache
            )
            if table == "members":
                # or the indexes built after the rows, as the import does into a small table
                indexes = [s for s in schema if s.startswith("CREATE INDEX")]
                tables = [s for s in schema if s not in indexes]
                _wall, after = bare_executemany(
                    Path(tmp) / "members-after.db", tables, insert, rows, cache, indexes
                )
                parts[table] = min(parts[table], after)
    src.close()
    print(json.dumps(parts))


def _report(**values: float) -> None:
    print(json.dumps({**values, "rss_mb": peak_rss_mb()}))


def _run_child(*args: str) -> dict[str, float]:
    result: dict[str, float] = run_child("benchmarks.roster_import", *args)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", choices=("import", "calamine", "floor"))
    parser.add_argument("--roster")
    parser.add_argument("--data-dir")
    args = parser.parse_args(argv)
    if args.child == "import":
        _child_import(Path(args.roster), Path(args.data_dir))
        return 0
    if args.child == "calamine":
        _child_calamine(Path(args.roster))
        return 0
    if args.child == "floor":
        _child_floor(Path(args.data_dir))
        return 0
    with tempfile.TemporaryDirectory(prefix="uniondesk-roster-") as tmp:
        roster = Path(tmp) / "roster.xlsx"
        build_roster(roster, args.rows)
        base = min(
            (_run_child("--child", "calamine", "--roster", str(roster)) for _ in range(3)),
            key=lambda r: r["seconds"],
        )
        data_dir = str(Path(tmp) / "data")
        project = _run_child("--child", "import", "--roster", str(roster), "--data-dir", data_dir)
        floor = _run_child("--child", "floor", "--data-dir", data_dir)
    own = project["seconds"] - project["member_writes"]
    print(
        f"# {args.rows} rows, CPU s: read+check {project['check']:.2f}, "
        f"write {project['write']:.2f} (of which the member service's writes "
        f"{project['member_writes']:.2f}); importer without those {own:.2f} "
        f"= {own / base['seconds']:.2f}x calamine; "
        f"wall s: import {project['wall']:.2f}, calamine {base['wall']:.2f}",
        flush=True,
    )
    stored = sum(floor.values())
    print(
        f"# floor, CPU s: calamine's read {base['seconds']:.2f} + SQLite storing the same "
        f"rows with bare executemany: members with their indexes {floor['members']:.2f}, "
        f"change records {floor['sync_change']:.2f}, search documents "
        f"{floor['member_search']:.2f} = {base['seconds'] + stored:.2f} "
        f"= {(base['seconds'] + stored) / base['seconds']:.2f}x calamine "
        f"(goal {RATIO_GOAL}x), before any Python of the import",
        flush=True,
    )
    print(bench_line("roster_import", project["seconds"], base["seconds"], "≤", RATIO_GOAL))
    print(
        bench_line(
            "roster_import_peak_rss_mb",
            project["rss_mb"],
            base["rss_mb"],
            "≤",
            RSS_GOAL_MB,
            value=project["rss_mb"],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
