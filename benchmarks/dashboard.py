"""BENCH dashboard: every 首页 figure over 1M members, 100k activities, 1M service-log rows.

Builds its own data in a temp dir with plain executemany (capture switched off for the
load: the figure is about reading), then times ``dashboard.dashboard_in`` against the
baseline — counting the members table once — in the same run. Goal: ≤ 300 ms absolute.

    python -m benchmarks.dashboard [--members 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks import median_seconds
from desktop.config import Paths
from desktop.db import open_database
from desktop.models.activity import category_id
from desktop.services import dashboard

GOAL = 0.300
TODAY = date(2026, 11, 21)
CATS = (
    "hardship_help",
    "legal_aid",
    "culture_sport_health",
    "career",
    "family_care",
    "festival",
    "counselling",
    "child_care",
    "public_services",
)
STATUSES = (
    ("active",) * 80
    + ("retained",) * 6
    + ("withdrawn",) * 6
    + ("transferred_out",) * 5
    + ("applicant",) * 2
    + ("expelled",)
)


def _uuid(n: int, prefix: str) -> str:
    return f"{prefix}{n:035d}"[-36:]


def _chunks(rows: Iterator[tuple[Any, ...]], size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(folder: Path, members: int, seed: int = 1) -> None:
    db = open_database(Paths(folder))
    db.close()
    rng = random.Random(seed)
    con = sqlite3.connect(folder / "uniondesk.db", isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1000000")
    con.execute("BEGIN")
    con.execute("UPDATE sync_clock SET capturing = 0")
    con.execute("INSERT INTO federations (id, name, card_prefix) VALUES ('f', '测试联合会', 'GH')")
    n_unions = max(10, members // 500)
    con.executemany(
        "INSERT INTO unions (id, federation_id, name, sort_key, deleted) VALUES (?, 'f', ?, ?, 0)",
        [(_uuid(i, "u"), f"工会{i:05d}", f"gonghui{i:05d}") for i in range(n_unions)],
    )
    day0 = date(1955, 1, 1).toordinal()
    span = date(2008, 12, 31).toordinal() - day0
    join0 = date(2005, 1, 1).toordinal()
    join_span = TODAY.toordinal() - join0

    def member_rows() -> Iterator[tuple[Any, ...]]:
        for i in range(members):
            status = rng.choice(STATUSES)
            joined = date.fromordinal(join0 + int(join_span * rng.random() ** 0.5)).isoformat()
            left = (
                date.fromordinal(join0 + rng.randrange(join_span)).isoformat()
                if status in ("withdrawn", "transferred_out", "expelled")
                else None
            )
            yield (
                _uuid(i, "m"),
                _uuid(rng.randrange(n_unions), "u"),
                "某某",
                f"{i:018d}",
                rng.choice("MF"),
                date.fromordinal(day0 + rng.randrange(span)).isoformat(),
                int(rng.random() < 0.35),
                f"GH{i:09d}",
                joined,
                status,
                left,
                "mou mou",
            )

    for chunk in _chunks(member_rows()):
        con.executemany(
            "INSERT INTO members (id, union_id, name, id_number, gender, birth_date, "
            "is_migrant_worker, card_no, joined_on, membership_status, left_on, sort_key, "
            "deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            chunk,
        )
    n_sites = 200
    con.executemany(
        "INSERT INTO sites (id, kind, name, area_m2, seats, sort_key, deleted) "
        "VALUES (?, ?, ?, ?, ?, '', 0)",
        [
            (
                _uuid(i, "s"),
                "federation" if i == 0 else rng.choice(("station", "home")),
                f"阵地{i}",
                float(rng.randrange(30, 400)),
                rng.randrange(10, 100),
            )
            for i in range(n_sites)
        ],
    )
    n_acts = max(1, members // 10)
    y0 = date(TODAY.year - 2, 1, 1).toordinal()
    act_span = TODAY.toordinal() - y0
    con.executemany(
        "INSERT INTO activities (id, title, category, starts_at, ends_at, site_id, deleted) "
        "VALUES (?, '活动', ?, ?, ?, ?, 0)",
        [
            (
                _uuid(i, "a"),
                rng.choice(CATS),
                f"{date.fromordinal(y0 + rng.randrange(act_span))} 09:00:00.000000",
                f"{date.fromordinal(y0 + rng.randrange(act_span))} 11:00:00.000000",
                _uuid(rng.randrange(n_sites), "s"),
            )
            for i in range(n_acts)
        ],
    )
    # Attendance: 3 a head on average for the activities (300k at full size).
    for chunk in _chunks(
        (
            _uuid(i, "t"),
            _uuid(rng.randrange(n_acts), "a"),
            _uuid(rng.randrange(members), "m"),
            "card",
            "2026-01-01 01:00:00.000000",
        )
        for i in range(n_acts * 3)
    ):
        con.executemany(
            "INSERT INTO attendances (id, activity_id, member_id, method, checked_in_at, deleted) "
            "VALUES (?, ?, ?, ?, ?, 0)",
            chunk,
        )
    for chunk in _chunks(
        (
            _uuid(i, "r"),
            date.fromordinal(y0 + rng.randrange(act_span)).isoformat(),
            _uuid(rng.randrange(n_sites), "s"),
            rng.choice(CATS),
            rng.randint(1, 30),
        )
        for i in range(members)
    ):
        con.executemany(
            "INSERT INTO service_records (id, served_on, site_id, category, people, deleted) "
            "VALUES (?, ?, ?, ?, ?, 0)",
            chunk,
        )
    con.executemany(
        "INSERT INTO hardship_cases (id, member_id, level, opened_on, review_due_on, deleted) "
        "VALUES (?, ?, 'relative', '2025-01-01', ?, 0)",
        [
            (
                _uuid(i, "h"),
                _uuid(rng.randrange(members), "m"),
                (TODAY + timedelta(days=rng.randint(-60, 365))).isoformat(),
            )
            for i in range(max(1, members // 200))
        ],
    )
    con.execute("UPDATE sync_clock SET capturing = 1")
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert category_id("legal_aid")  # the seeded categories are in place


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        build(folder, args.members)
        print(
            f"# built {args.members} members, {args.members // 10} activities, "
            f"{args.members} service-log rows in {time.perf_counter() - t0:.1f}s"
        )
        db = open_database(Paths(folder))
        try:
            with db.connect(write=False) as conn:
                figures = dashboard.dashboard_in(conn, TODAY)
                print(
                    f"# members {figures.members.total}, by union "
                    f"{len(figures.members.by_union)}, categories "
                    f"{len(figures.activities.rows)}"
                )

                def project() -> object:
                    return dashboard.dashboard_in(conn, TODAY)

                def baseline() -> object:
                    return conn.execute(text("SELECT count(*) FROM members")).scalar_one()

                p = median_seconds(project, args.repeat, warm=True)
                b = median_seconds(baseline, args.repeat, warm=True)
        finally:
            db.close()
    verdict = "MET" if p <= GOAL else "MISSED"
    print(
        f"BENCH dashboard project={p:.3f}s baseline={b:.3f}s ratio={p / b:.2f} "
        f"goal=≤{GOAL:.3f}s {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
