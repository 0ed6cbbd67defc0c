"""Sync figures: full export of 100k members, its size, applying it, incremental 1k.

python -m benchmarks.sync_export [--members N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import zstandard
from sqlalchemy import insert, text

from benchmarks import bare_executemany
from desktop.config import Paths
from desktop.models import Federation, Member, Union
from desktop.models.base import new_id
from desktop.opening import open_database
from desktop.sync import export as ex
from desktop.sync import importer, trust
from desktop.sync.identity import fingerprint


def line(figure: str, project: float, baseline: float, goal: float) -> None:
    ratio = project / baseline if baseline else float("inf")
    ok = "MET" if ratio <= goal else "MISSED"
    print(
        f"BENCH {figure} project={project:.3f} baseline={baseline:.3f} "
        f"ratio={ratio:.3f} goal=≤{goal} {ok}"
    )


def enrol(db, other, folder: Path) -> None:  # type: ignore[no-untyped-def]
    with other.connect(write=False) as conn:
        card = trust.key_card(conn)
        fp = fingerprint(trust.self_keys(conn)[1])
    path = folder / f"{id(other)}.udkey"
    path.write_bytes(card)
    with db.connect() as conn:
        trust.enrol(conn, path, fp)


def _id_number(n: int) -> str:
    """A valid ID number (received values are checked: invalid ones are quarantined)."""
    body = f"110101{1990 + n // 1000 % 10}0307{n % 1000:03d}"
    checksum = (1 - 2 * int(body, 13)) % 11
    return body + ("X" if checksum == 10 else str(checksum))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
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
            for i in range(args.members)
        ]
        with a.connect() as conn:
            conn.execute(insert(Federation), [{"id": fid, "name": "联合会", "card_prefix": "T"}])
            conn.execute(
                insert(Union), [{"id": uid, "federation_id": fid, "name": "甲", "sort_key": ""}]
            )
            for i in range(0, len(rows), 10_000):
                conn.execute(insert(Member), rows[i : i + 10_000])
        # each commit's WAL checkpoint runs after it on a thread of its own: let the setup's
        # finish, so it never runs inside a timed window
        a.checkpoints.flush()
        pkg = root / "full.udsync"
        t0 = time.perf_counter()
        ex.export(a, pkg, full=True)
        export_s = time.perf_counter() - t0
        # baseline: the same rows as JSON, zstd-compressed
        with a.connect(write=False) as conn:
            data = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM members"))]
            raw_rows = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM members")]
            ddl = [
                str(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND "
                    "tbl_name IN ('federations', 'unions', 'members') "
                    "AND type IN ('table', 'index') "
                    "ORDER BY type = 'index', rowid"
                )
            ]
            parents = [
                (f"INSERT INTO {t} VALUES ({', '.join('?' for _ in row)})", tuple(row))
                for t in ("federations", "unions")
                for row in conn.exec_driver_sql(f"SELECT * FROM {t}")
            ]
        t0 = time.perf_counter()
        blob = zstandard.ZstdCompressor(level=3).compress(
            json.dumps(data, ensure_ascii=False, default=str).encode()
        )
        base_s = time.perf_counter() - t0
        line("sync_full_export_100k_seconds_vs_3s", export_s, 3.0, 1.0)
        print(f"  (zstd JSON baseline took {base_s:.3f}s)")
        line("sync_package_size_vs_zstd_json", pkg.stat().st_size, len(blob), 1.1)
        c0 = time.process_time()  # diagnostics: CPU, as the machine may be shared
        t0 = time.perf_counter()
        importer.import_file(b, pkg)
        apply_s = time.perf_counter() - t0
        apply_cpu = time.process_time() - c0
        t0 = time.perf_counter()
        b.checkpoints.flush()
        checkpoint_s = time.perf_counter() - t0
        # baseline: the same member rows (already fetched) into an equivalent table, i.e. the
        # same DDL with its indexes and foreign key, same pragmas, one transaction
        marks = ", ".join("?" for _ in raw_rows[0])

        def raw_insert(name: str, *, encrypted: bool, stock: bool = True) -> tuple[float, float]:
            return bare_executemany(
                root / name,
                [*ddl, *parents],
                f"INSERT INTO members VALUES ({marks})",
                raw_rows,
                ["foreign_keys = ON", "temp_store = MEMORY", "cache_size = -65536"],
                encrypted=encrypted,
                stock_binding=stock,
            )

        raw_s, raw_cpu = raw_insert("raw.db", encrypted=True)
        plain_s, _plain_cpu = raw_insert("plain.db", encrypted=False)
        fast_s, _fast_cpu = raw_insert("fast.db", encrypted=True, stock=False)
        line("sync_apply_100k_vs_executemany", apply_s, raw_s, 5.0)
        print(
            f"  (the executemany writes an encrypted file, as the registry is written; "
            f"into plain SQLite {plain_s:.3f}s, ratio {apply_s / plain_s:.3f}; binding None "
            f"as the project does {fast_s:.3f}s, ratio {apply_s / fast_s:.3f})"
        )
        print(
            f"  (CPU of this process: apply {apply_cpu:.3f}s, executemany {raw_cpu:.3f}s, "
            f"ratio {apply_cpu / raw_cpu if raw_cpu else float('inf'):.3f}); the background "
            f"WAL checkpoint after the apply {checkpoint_s:.3f}s more (ratio with it "
            f"{(apply_s + checkpoint_s) / raw_s:.3f})"
        )
        # incremental: B first acknowledges what it received with a receipt (an
        # acknowledgement-only package), then 1k edits on A, export + import
        back = root / "back.udsync"
        if not ex.export(b, back).ack_only:
            raise SystemExit("B had nothing new: its package should be a receipt")
        importer.import_file(a, back)
        with a.connect() as conn:
            for r in rows[:1000]:
                conn.execute(
                    text("UPDATE members SET phone = '13999999999' WHERE id = :i"), {"i": r["id"]}
                )
        inc = root / "inc.udsync"
        a.checkpoints.flush()
        b.checkpoints.flush()
        # the import's verified backup (before every import, required) timed on its own
        backup_s = [0.0]
        unwrapped = b.backup

        def timed_backup(reason: str) -> Path:
            began = time.perf_counter()
            try:
                return unwrapped(reason)
            finally:
                backup_s[0] += time.perf_counter() - began

        b.backup = timed_backup  # type: ignore[method-assign]
        t0 = time.perf_counter()
        sent = ex.export(a, inc, to=None)
        got = importer.import_file(b, inc)
        inc_s = time.perf_counter() - t0
        b.backup = unwrapped  # type: ignore[method-assign]
        if sent.changes != 1000 or got.counts["updated"] != 1000:
            raise SystemExit(
                f"incremental package is not 1k changes: {sent.changes} sent, {got.counts}"
            )
        registry_mb = b.paths.database.stat().st_size / 1e6
        print(
            f"  (incremental package: {sent.changes} changes, {sent.size} bytes; of the "
            f"{inc_s:.3f}s, the receiver's verified backup before the import {backup_s[0]:.3f}s "
            f"(a {registry_mb:.0f} MB registry checked, copied, compressed, encrypted and "
            f"read back), export and import without it {inc_s - backup_s[0]:.3f}s)"
        )
        line("sync_incremental_1k_export_import_vs_1s", inc_s, 1.0, 1.0)
        a.close()
        b.close()


if __name__ == "__main__":
    main()
