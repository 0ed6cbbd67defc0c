"""Figure: package intake at the hub (issue #25 item 4) — 300 offices × 10,000 members
imported into the PostgreSQL hub in ≤ 10 minutes on this 2-core machine, reported beside
PostgreSQL's own ``COPY`` of the same rows in the same run.

K ordinary SQLite offices (each ``init``, the demo generator's M members, ``sync id``,
``trust`` of the hub and ``sync export``) send one package each; P processes import them
into one hub through the CLI (``--database-url … sync import … --yes``), each taking the
next package. The baseline copies every row the hub then holds (``COPY … TO STDOUT`` of
each table: the registry's tables, the change log, the search index, the dashboard's
counts) into empty tables of the same columns and indexes with ``COPY … FROM STDIN``;
the members' share of it is printed too (the only table earlier runs copied). The goal is
checked on the intake time projected linearly to 300 × 10,000 members.

    python -m benchmarks.hub_intake [--offices 20] [--members 2000] [--processes 4]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing as mp
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_line

GOAL_OFFICES, GOAL_MEMBERS, GOAL_SECONDS = 300, 10_000, 600.0


def _cli(data: Path, *argv: str, url: str | None = None) -> str:
    from desktop.cli import main

    out = io.StringIO()
    hub = ["--database-url", url] if url else []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--data-dir", str(data), *hub, *argv])
    if code != 0:
        raise SystemExit(f"{argv[:2]} failed: {out.getvalue()}")
    return out.getvalue()


def _office(folder: Path, n: int, members: int, hub_card: Path, hub_fp: str) -> Path:
    """One SQLite office with ``members`` demo members; its package for the hub."""
    from desktop.config import resolve_paths
    from desktop.demo import generate as demo
    from desktop.opening import open_database

    data = folder / f"office{n}"
    _cli(data, "init", "--federation", f"第{n}园区工会联合会", "--card-prefix", "GH")
    db = open_database(resolve_paths(data))
    try:
        demo.fill_demo(db, members=members, unions=max(1, members // 200), seed=n)
    finally:
        db.close()
    _cli(data, "sync", "trust", str(hub_card), "--fingerprint", hub_fp)
    package = folder / f"office{n}.udsync"
    _cli(data, "sync", "export", str(package))
    return data


def _import(job: tuple[str, str, str]) -> float:
    data, url, package = job
    started = time.perf_counter()
    _cli(Path(data), "sync", "import", package, "--yes", url=url)
    return time.perf_counter() - started


def _stored_rows(conn: Any) -> dict[str, bytes]:
    """Every table of the hub that holds rows after the intake (the registry's tables, the
    change log, the search index, the dashboard's counts), as ``COPY … TO`` text."""
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = "
            "'public'::regnamespace AND reltuples <> 0 ORDER BY relname"
        )
    ]
    conn.execute("ANALYZE")
    stored: dict[str, bytes] = {}
    for table in tables or []:
        buffer = io.BytesIO()
        with conn.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
            for block in copy:
                buffer.write(block)
        if buffer.getbuffer().nbytes:
            stored[table] = buffer.getvalue()
    return stored


def _copy_baseline(conn: Any, stored: dict[str, bytes]) -> tuple[float, float]:
    """Seconds for PostgreSQL's own ``COPY … FROM`` of the rows the intake stored, into
    empty tables of the same columns and indexes (no triggers): every table, and the
    members alone (the figure the previous runs reported)."""
    for table in stored:
        conn.execute(
            f'CREATE TABLE "copied_{table}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING INDEXES)'
        )
    conn.commit()
    spent: dict[str, float] = {}
    for table, data in stored.items():
        started = time.perf_counter()
        with conn.cursor().copy(f'COPY "copied_{table}" FROM STDIN') as copy:
            copy.write(data)
        conn.commit()
        spent[table] = time.perf_counter() - started
    rows = sum(data.count(b"\n") for data in stored.values())
    print(f"# COPY baseline: {rows:,} rows in {len(stored)} tables, {sum(spent.values()):.2f} s "
          f"(members {spent.get('members', 0.0):.2f} s)")  # fmt: skip
    return sum(spent.values()), spent.get("members", 0.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args(argv)
    import psycopg

    from tests.pg_server import PostgresServer

    folder = Path(tempfile.mkdtemp(prefix="uniondesk-hub-intake-"))
    try:
        with PostgresServer() as server:
            server.create_database("hub")
            url = server.url("hub")
            hub = folder / "hub"
            _cli(hub, "init", "--federation", "城关区总工会", "--card-prefix", "GH", url=url)
            hub_card = folder / "hub.udkey"
            hub_fp = json.loads(
                _cli(hub, "sync", "id", "--json", "--export-key", str(hub_card), url=url)
            )["fingerprint"]
            made = time.perf_counter()
            packages: list[Path] = []
            for n in range(args.offices):
                data = _office(folder, n, args.members, hub_card, hub_fp)
                card = folder / f"office{n}.udkey"
                fp = json.loads(_cli(data, "sync", "id", "--json", "--export-key", str(card)))
                _cli(hub, "sync", "trust", str(card), "--fingerprint", fp["fingerprint"], url=url)
                packages.append(folder / f"office{n}.udsync")
            print(f"# {args.offices} offices × {args.members} members made in "
                  f"{time.perf_counter() - made:.1f} s")  # fmt: skip
            jobs = [(str(hub), url, str(p)) for p in packages]
            started = time.perf_counter()
            with mp.get_context("fork").Pool(args.processes) as pool:
                each = pool.map(_import, jobs, chunksize=1)
            intake = time.perf_counter() - started
            conninfo = server.conninfo("hub")
            with psycopg.connect(conninfo) as conn:
                held = conn.execute("SELECT count(*) FROM members").fetchone()
                total = int(held[0]) if held else 0
                stored = _stored_rows(conn)
                baseline, members_only = _copy_baseline(conn, stored)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    expected = args.offices * args.members
    print(f"# hub holds {total} members ({expected} sent); {args.processes} processes; "
          f"one package {min(each):.2f}–{max(each):.2f} s")  # fmt: skip
    projected = intake * (GOAL_OFFICES * GOAL_MEMBERS) / max(1, total)
    print(f"# projected to {GOAL_OFFICES} × {GOAL_MEMBERS:,}: {projected:.0f} s")
    print(f"# beside a COPY of the members alone ({members_only:.2f} s): "
          f"{intake / max(members_only, 1e-9):.0f}×")  # fmt: skip
    size = f"{args.offices}x{args.members}_p{args.processes}"
    print(bench_line(f"hub_intake_{size}_vs_copy", intake, baseline, "≤", GOAL_SECONDS,
                     value=projected))  # fmt: skip


if __name__ == "__main__":
    main()
