"""Budget for speed machinery (#19 item 6): each mechanism on and off, idle and busy.

For every mechanism, the figure it was built for is measured with the mechanism in place
(project) and switched off (baseline) in the same run: ``ratio`` is baseline/project,
the speed-up it buys (goal: ≥ 1.15, about 15% of the figure). Each measurement runs in a
new process (cold caches, as a clerk's first import), and the variants of one figure
alternate round by round, so the machine's drift hits them alike; the figures are medians.

Two loads: *idle* (the benchmark free to use both cores) and *busy* (a busy loop pinned
to core 1, the benchmark pinned to core 0: an office PC whose second core is taken).
A mechanism is kept when its busy gain reaches the goal on a figure it was built for;
one whose gain needs a free second core is not.

The off switches live here only: each is a monkeypatch of the module in the child process
(no production toggle). A mechanism already removed from the code has nothing left to
switch off and is measured no more; its last figures are in docs/benchmarks.md.

python -m benchmarks.machinery [--members N] [--generate N] [--rounds R] [--loads idle,busy]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

GOAL = 1.15
# mechanism → the figures it was built for; "" is every mechanism on
MECHANISMS: dict[str, tuple[str, ...]] = {
    "statement_worker": ("bulk_insert", "sync_apply"),
    "summary_trigger_ddl": ("bulk_insert", "sync_apply"),
    "capture_trigger_ddl": ("bulk_insert", "sync_apply"),
    "demo_producer": ("generate",),
    "deferred_indexes": ("bulk_insert", "sync_apply"),
    "bulk_capture": ("bulk_insert",),
    "background_checkpoint": ("bulk_insert",),
}
# Named in #19 as what users feel: reported, kept whatever the ratio.
KEEPERS = {"deferred_indexes"}


def _present(mechanism: str) -> bool:
    """Whether the code measured (this directory's ``desktop``) still has ``mechanism``."""
    import importlib
    import importlib.util

    where = {
        "statement_worker": ("desktop.storage.statement_worker", None),
        "summary_trigger_ddl": ("desktop.services.figures.summary", "bulk_member_insert"),
        "bulk_capture": ("desktop.storage.capture", "bulk_insert"),
        "deferred_indexes": ("desktop.storage.deferred_indexes", None),
        "background_checkpoint": ("desktop.storage.checkpoints", None),
        "demo_producer": ("desktop.demo.pipeline", None),
    }
    if mechanism == "capture_trigger_ddl":
        # the dashboard's suspension stays; this one is the capture trigger's own
        import inspect

        from desktop.storage import capture

        return "suspended_triggers" in inspect.getsource(capture.bulk_insert)
    module, name = where[mechanism]
    if importlib.util.find_spec(module) is None:
        return False
    return name is None or hasattr(importlib.import_module(module), name)


# ---- off switches (child process only) ---------------------------------------------------


@contextmanager
def _nothing(*_args: Any, **_kwargs: Any) -> Iterator[None]:
    yield


class _Inline:
    """The statement worker's face for the sync writer, running each statement at once
    on the caller's thread; search documents as one ``executemany`` (single-threaded,
    cheaper than the worker's one statement over JSON: 8.2 against 11.0 s per 100k on a
    loaded machine)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def submit(self, *statements: tuple[str, Any]) -> None:
        from desktop.storage import search_index

        for sql, params in statements:
            if sql == _MANY:
                self._conn.exec_driver_sql(search_index.INSERT_SQL, params)
            else:
                self._conn.exec_driver_sql(sql, params)

    def wait(self) -> None:
        pass


_MANY = "executemany"


@contextmanager
def _inline_worker(conn: Any) -> Iterator[_Inline]:
    yield _Inline(conn)


@contextmanager
def _no_worker(_conn: Any) -> Iterator[None]:
    """``members.appending`` without a worker: documents by ``executemany`` and change
    capture at the end of the block, on the caller's thread."""
    yield None


def _flag_muted(suspend: Any) -> Any:
    """``capture.suspended_triggers`` without DDL for the capture insert trigger: it stays
    and is muted by its ``capturing`` flag (its WHEN test then runs for every row). Other
    triggers are still suspended by ``suspend``."""

    @contextmanager
    def suspended(conn: Any, names: Any) -> Iterator[None]:
        names = list(names)
        if not any(str(n).startswith("sync_ins_") for n in names):
            with suspend(conn, names):
                yield
            return
        was = conn.exec_driver_sql("SELECT capturing FROM sync_clock WHERE id = 1").scalar()
        conn.exec_driver_sql("UPDATE sync_clock SET capturing = 0 WHERE id = 1")
        try:
            yield
        finally:
            conn.exec_driver_sql("UPDATE sync_clock SET capturing = ? WHERE id = 1", (was,))

    return suspended


def _switch_off(mechanisms: str) -> None:
    """``mechanisms``: one name, or several joined by "+" (all off together)."""
    for mechanism in mechanisms.split("+") if mechanisms else []:
        _switch_one_off(mechanism)


def _switch_one_off(mechanism: str) -> None:
    if mechanism == "statement_worker":
        from desktop.services.members import registry
        from desktop.storage import search_index
        from desktop.sync import importer

        registry.statement_worker = _no_worker  # type: ignore[assignment]
        importer.statement_worker = _inline_worker  # type: ignore[assignment]
        search_index.documents_statement = lambda docs: (_MANY, docs)  # type: ignore[assignment]
    elif mechanism == "summary_trigger_ddl":
        # the dashboard's insert trigger is not dropped; it counts row by row (it has no
        # flag to mute it, and the set-based count would double what it counts)
        from desktop.services.figures import summary

        summary.bulk_member_insert = _nothing  # type: ignore[assignment]
    elif mechanism == "capture_trigger_ddl":
        from desktop.storage import capture

        capture.suspended_triggers = _flag_muted(capture.suspended_triggers)  # type: ignore[assignment]
    elif mechanism == "demo_producer":
        os.environ["UNIONDESK_DEMO_PRODUCER"] = "never"
    elif mechanism == "deferred_indexes":
        from desktop.services.members import registry
        from desktop.storage import deferred_indexes

        registry.deferred_indexes = _nothing  # type: ignore[assignment]
        deferred_indexes.deferred_indexes = _nothing  # type: ignore[assignment]
    elif mechanism == "bulk_capture":
        # the per-row insert trigger records each change instead
        from desktop.storage import capture

        capture.bulk_insert = _nothing  # type: ignore[assignment]
    elif mechanism == "background_checkpoint":
        # SQLite's own automatic checkpoint, inside the commit that passes 1000 pages
        from desktop.storage import checkpoints, database

        connect = database._on_connect

        def on_connect(dbapi_conn: Any, record: object) -> None:
            connect(dbapi_conn, record)
            dbapi_conn.execute("PRAGMA wal_autocheckpoint = 1000").close()

        database._on_connect = on_connect
        checkpoints.BackgroundCheckpointer.request = lambda self: None  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown mechanism {mechanism}")


# ---- the figures, one per child process ---------------------------------------------------


def _bulk_setup(root: Path, n: int) -> tuple[Path, Path]:
    """An empty registry with 20 demo unions, and ``n`` demo member rows for them
    (pickled): made once, so each round's process only copies and loads them."""
    import pickle
    import random

    from desktop.config import resolve_paths
    from desktop.demo import generate as demo
    from desktop.opening import open_database

    template = root / "template"
    db = open_database(resolve_paths(template))
    demo.fill_demo(db, members=0, unions=20, seed=0)
    with db.connect() as conn:
        unions = [dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM unions")]
    db.close()
    for u in unions:
        u["founded_on"] = date.fromisoformat(u["founded_on"])
    factory = demo._MemberFactory(random.Random(0), demo.PARKS[0], unions, date(2026, 11, 21))
    cards: list[str | None] = [f"C{i:09d}" for i in range(n)]
    rows = factory.rows(factory.draw_unions(n), ["active"] * n, cards)
    pickled = root / "rows.pickle"
    pickled.write_bytes(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    return template, pickled


def _bulk_insert(folder: Path, template: Path, pickled: Path) -> tuple[float, float]:
    """``members.insert_rows`` of the demo members into an empty registry (#2)."""
    import pickle

    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.services.members import registry as members

    shutil.copytree(template, folder)
    rows = pickle.loads(pickled.read_bytes())
    db = open_database(resolve_paths(folder))
    start, cpu = time.perf_counter(), time.process_time()
    with db.connect() as conn:
        members.insert_rows(conn, rows)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return wall, cpu


def _sync_apply(folder: Path, template: Path, package: Path) -> tuple[float, float]:
    """``importer.import_file`` of a full package of new members into the receiving PC's
    copy (#3)."""
    from desktop.config import Paths
    from desktop.opening import open_database
    from desktop.sync import importer

    shutil.copytree(template, folder)
    db = open_database(Paths(folder))
    start, cpu = time.perf_counter(), time.process_time()
    importer.import_file(db, package)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return wall, cpu


def _generate(folder: Path, n: int) -> tuple[float, float]:
    """``demo.fill_demo`` of ``n`` members (#2; its figure is 1M in ≤ 60 s)."""
    from desktop.config import resolve_paths
    from desktop.demo import generate as demo
    from desktop.opening import open_database

    db = open_database(resolve_paths(folder))
    start, cpu = time.perf_counter(), time.process_time()
    demo.fill_demo(db, members=n, seed=0, today=date(2026, 11, 21))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return wall, cpu


def _outcome(folder: Path) -> list[int]:
    """What the run left, the same with every switch: members, search documents, change
    records, summary rows differing from a recount (0), indexes on members."""
    from desktop.config import resolve_paths
    from desktop.opening import open_database
    from desktop.services.figures import summary

    db = open_database(resolve_paths(folder))
    with db.connect(write=False) as conn:
        counts = [
            int(conn.exec_driver_sql(sql).scalar_one())
            for sql in (
                "SELECT count(*) FROM members",
                "SELECT count(*) FROM member_search",
                "SELECT count(*) FROM sync_change",
                "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'members'",
            )
        ]
        counts.append(summary.summary_differences(conn))
    db.close()
    return counts


def _child(args: argparse.Namespace) -> None:
    _switch_off(args.off)
    folder = Path(args.folder)
    if args.child == "bulk_insert":
        result = _bulk_insert(folder, Path(args.template), Path(args.package))
    elif args.child == "generate":
        os.environ.setdefault("UNIONDESK_DEMO_PRODUCER", "always")
        result = _generate(folder, args.generate)
    elif args.child == "sync_apply":
        result = _sync_apply(folder, Path(args.template), Path(args.package))
    else:
        raise SystemExit(f"unknown figure {args.child}")
    print(json.dumps([*result, _outcome(folder)]))


# ---- the parent: data, loads, rounds ------------------------------------------------------


def _sync_setup(root: Path, n: int) -> tuple[Path, Path]:
    """A receiving PC's data dir (enrolled with the sender) and a full package of ``n``
    members for it, as ``benchmarks.sync_export`` builds them."""
    from sqlalchemy import insert

    from benchmarks.sync_export import _id_number, enrol
    from desktop.config import Paths
    from desktop.models import Federation, Member, Union
    from desktop.models.base import new_id
    from desktop.opening import open_database
    from desktop.sync import export as ex

    a = open_database(Paths(root / "a"))
    b = open_database(Paths(root / "b"))
    enrol(a, b, root)
    enrol(b, a, root)
    fid, uid = new_id(), new_id()
    rows = [
        {
            "id": new_id(),
            "union_id": uid,
            "name": f"会员{i:06d}",
            "id_number": _id_number(i % 10000),
            "phone": f"138{i:08d}",
            "membership_status": "active",
            "employer": "某某科技有限公司",
            "sort_key": "",
        }
        for i in range(n)
    ]
    with a.connect() as conn:
        conn.execute(insert(Federation), [{"id": fid, "name": "联合会", "card_prefix": "T"}])
        conn.execute(
            insert(Union), [{"id": uid, "federation_id": fid, "name": "甲", "sort_key": ""}]
        )
        for i in range(0, len(rows), 10_000):
            conn.execute(insert(Member), rows[i : i + 10_000])
    package = root / "full.udsync"
    ex.export(a, package, full=True)
    a.close()
    b.close()
    return root / "b", package


def _run(
    cmd: list[str], pin: bool, outcomes: dict[str, list[int]], figure: str
) -> tuple[float, float]:
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall, cpu, outcome = json.loads(out.strip().splitlines()[-1])
    if outcomes.setdefault(figure, outcome) != outcome:
        raise SystemExit(f"{figure}: {cmd} left {outcome}, not {outcomes[figure]}")
    return float(wall), float(cpu)


@contextmanager
def _load(kind: str) -> Iterator[bool]:
    """Yields whether to pin the benchmark to core 0; "busy" keeps core 1 spinning."""
    if kind == "idle":
        yield False
        return
    spinner = subprocess.Popen(["taskset", "-c", "1", sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        yield True
    finally:
        spinner.kill()
        spinner.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.machinery")
    parser.add_argument("--members", type=int, default=100_000, help="bulk insert, sync apply")
    parser.add_argument("--generate", type=int, default=200_000, help="demo members")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loads", default="idle,busy")
    parser.add_argument("--only", default="", help="comma-separated mechanisms")
    parser.add_argument(
        "--together",
        default="",
        help="mechanisms also switched off all at once, joined by + (e.g. the removed ones)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--off", default="", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--template", help=argparse.SUPPRESS)
    parser.add_argument("--package", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # a stopped run still stops its busy loop (``_load``'s finally)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.child:
        _child(args)
        return

    chosen = [m for m in MECHANISMS if not args.only or m in args.only.split(",")]
    gone = [m for m in chosen if not _present(m)]
    if gone:
        print(
            f"# not in this code any more, not measured: {', '.join(gone)} (run this "
            "script from a checkout that has them: see docs/benchmarks.md)"
        )
    chosen = [m for m in chosen if m not in gone]
    figures = sorted({f for m in chosen for f in MECHANISMS[m]})
    loads = args.loads.split(",")
    # (figure, load, variant) → [(wall, cpu), ...]; variant "" is everything on
    results: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="uniondesk-machinery-") as tmp:
        root = Path(tmp)
        extra: dict[str, list[str]] = {
            "generate": ["--generate", str(args.generate)],
        }
        if "bulk_insert" in figures:
            template, pickled = _bulk_setup(root / "bulk", args.members)
            extra["bulk_insert"] = ["--template", str(template), "--package", str(pickled)]
        if "sync_apply" in figures:
            template, package = _sync_setup(root / "sync", args.members)
            extra["sync_apply"] = ["--template", str(template), "--package", str(package)]
        runs = 0
        outcomes: dict[str, list[int]] = {}
        for load in loads:
            for figure in figures:
                variants = ["", *(m for m in chosen if figure in MECHANISMS[m])]
                if args.together and any(figure in MECHANISMS[m] for m in args.together.split("+")):
                    variants.append(args.together)
                with _load(load) as pin:
                    # one untimed run first: the first of a series reads its template and
                    # package from disk and was up to 4x slower (page cache)
                    warm = root / "warm"
                    cmd = [
                        sys.executable, "-m", "benchmarks.machinery", "--child", figure,
                        "--folder", str(warm), *extra[figure],
                    ]  # fmt: skip
                    _run(cmd, pin, outcomes, figure)
                    shutil.rmtree(warm, ignore_errors=True)
                    for round_ in range(args.rounds):
                        # rotate the order each round: no variant always runs first
                        shift = round_ % len(variants)
                        for variant in variants[shift:] + variants[:shift]:
                            runs += 1
                            folder = root / f"run{runs}"
                            cmd = [
                                sys.executable, "-m", "benchmarks.machinery",
                                "--child", figure, "--off", variant,
                                "--folder", str(folder), *extra[figure],
                            ]  # fmt: skip
                            got = _run(cmd, pin, outcomes, figure)
                            results.setdefault((figure, load, variant), []).append(got)
                            print(
                                f"# round {round_ + 1} {load} {figure} "
                                f"{variant or 'all on'}: {got[0]:.3f} s (CPU {got[1]:.3f} s)",
                                flush=True,
                            )
                            shutil.rmtree(folder, ignore_errors=True)
    _report(chosen, figures, loads, results, args)


def _report(
    chosen: list[str],
    figures: list[str],
    loads: list[str],
    results: dict[tuple[str, str, str], list[tuple[float, float]]],
    args: argparse.Namespace,
) -> None:
    def median(figure: str, load: str, variant: str) -> float:
        return statistics.median(w for w, _ in results[(figure, load, variant)])

    def rounds(figure: str, load: str, variant: str) -> str:
        return " ".join(f"{w:.2f}" for w, _ in results[(figure, load, variant)])

    def cpu(figure: str, load: str, variant: str) -> float:
        """CPU seconds of the process (every thread): less skewed by other load, blind
        to what a second thread overlaps."""
        return statistics.median(c for _, c in results[(figure, load, variant)])

    decide = "busy" if "busy" in loads else loads[0]
    print(
        f"# {args.members} members (bulk insert, sync apply), {args.generate} (generate), "
        f"{args.rounds} rounds "
        f"alternating; load average {os.getloadavg()[0]:.1f}"
    )
    for mechanism in chosen:
        best: tuple[float, float, float, str] | None = None
        for figure in MECHANISMS[mechanism]:
            for load in loads:
                on, off = median(figure, load, ""), median(figure, load, mechanism)
                print(
                    f"# {mechanism} {figure} {load}: with {on:.3f} s ({rounds(figure, load, '')}), "
                    f"without {off:.3f} s ({rounds(figure, load, mechanism)}), "
                    f"speed-up {off / on:.3f}; CPU with {cpu(figure, load, ''):.3f} s, "
                    f"without {cpu(figure, load, mechanism):.3f} s"
                )
                if load == decide and (best is None or off / on > best[2]):
                    best = (on, off, off / on, figure)
        assert best is not None
        on, off, ratio, figure = best
        verdict = "KEPT" if ratio >= GOAL or mechanism in KEEPERS else "REMOVED"
        print(
            f"BENCH machinery.{mechanism} project={on:.4f} baseline={off:.4f} "
            f"ratio={ratio:.4f} goal={GOAL} {verdict}"
        )
    together = args.together
    for figure in figures:
        for load in loads:
            if together and (figure, load, together) in results:
                on, off = median(figure, load, ""), median(figure, load, together)
                print(
                    f"# all of {together} off, {figure} {load}: with {on:.3f} s, without "
                    f"{off:.3f} s ({rounds(figure, load, together)}), speed-up {off / on:.3f}; "
                    f"CPU without {cpu(figure, load, together):.3f} s"
                )


if __name__ == "__main__":
    main(sys.argv[1:])
