"""Random multi-PC sync scenarios: the property test and the soak benchmark share them."""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.db import Database
from desktop.errors import UnionDeskError
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync import helpers

NAMES = ["张三", "李四", "王五", "赵六"]
PHONES = ["13800000001", "13800000002", None]


@dataclass
class Outcome:
    ok: bool
    detail: str = ""


def run(seed: int, template: Path, nodes: int, steps: int, folder: Path | None = None) -> Outcome:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        from tests.conftest import make_db

        dbs = [make_db(template, root / f"n{i}") for i in range(nodes)]
        try:
            return _run(rng, dbs, root, steps)
        finally:
            for db in dbs:
                db.close()


def _members(db: Database) -> list[str]:
    with db.connect(write=False) as conn:
        return [str(r[0]) for r in conn.execute(text("SELECT id FROM members ORDER BY id"))]


def _deliver(src: Database, dst: Database, root: Path, n: int, twice: bool = False) -> None:
    path = root / f"p{n}.udsync"
    ex.export(src, path, to=[helpers.node_of(dst)])
    for _ in range(2 if twice else 1):
        try:
            importer.import_file(dst, path)
        except UnionDeskError:
            pass  # duplicate or nothing new


def _run(rng: random.Random, dbs: list[Database], root: Path, steps: int) -> Outcome:
    helpers.mesh(dbs, root)
    uid = helpers.add_union(dbs[0], helpers.add_federation(dbs[0]))
    counter = 0
    for i in range(1, len(dbs)):
        counter += 1
        _deliver(dbs[0], dbs[i], root, counter)
    stash: list[tuple[int, int, Path]] = []
    for _ in range(steps):
        op = rng.choice(["create", "edit", "edit", "delete", "undelete", "send", "send", "stash"])
        i = rng.randrange(len(dbs))
        db = dbs[i]
        members = _members(db)
        if op == "create" or not members:
            helpers.add_member(db, uid, rng.choice(NAMES), f"ID{rng.randrange(5)}")
        elif op == "edit":
            field = rng.choice(["name", "phone"])
            value = rng.choice(NAMES if field == "name" else PHONES)
            helpers.set_field(db, "members", rng.choice(members), field, value)
        elif op in ("delete", "undelete"):
            helpers.set_field(db, "members", rng.choice(members), "deleted", int(op == "delete"))
        elif op == "send":
            j = rng.choice([k for k in range(len(dbs)) if k != i])
            counter += 1
            if rng.random() < 0.2:  # relay through a third PC
                k = rng.choice([x for x in range(len(dbs)) if x not in (i, j)] or [j])
                _deliver(db, dbs[k], root, counter)
                counter += 1
                _deliver(dbs[k], dbs[j], root, counter)
            elif rng.random() < 0.2:
                ex.export(db, root / f"drop{counter}.udsync", to=[helpers.node_of(dbs[j])])
            else:
                _deliver(db, dbs[j], root, counter, twice=rng.random() < 0.2)
        else:  # stash a package to deliver later, out of order
            j = rng.choice([k for k in range(len(dbs)) if k != i])
            counter += 1
            path = root / f"s{counter}.udsync"
            ex.export(db, path, to=[helpers.node_of(dbs[j])])
            stash.append((i, j, path))
    rng.shuffle(stash)
    for _i, j, path in stash:
        try:
            importer.import_file(dbs[j], path)
        except UnionDeskError:
            pass
    n = len(dbs)
    for _round in range(2):
        for i in range(n):
            counter += 1
            _deliver(dbs[i], dbs[(i + 1) % n], root, counter)
    return check(dbs)


def _log(db: Database) -> list[tuple[Any, ...]]:
    with db.connect(write=False) as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT node_id, counter, hlc, ctx, tbl, row_id, fields FROM sync_change "
                "ORDER BY node_id, counter"
            ).all()
        ]


def check(dbs: list[Database]) -> Outcome:
    hashes = {helpers.state_hash(db) for db in dbs}
    if len(hashes) != 1:
        return Outcome(False, "state hashes differ")
    conflict_sets = [helpers.open_conflicts(db) for db in dbs]
    if any(c != conflict_sets[0] for c in conflict_sets):
        return Outcome(False, "conflict logs differ")
    logs = [[r[:2] for r in _log(db)] for db in dbs]
    if any(sorted(lg) != sorted(logs[0]) for lg in logs):
        return Outcome(False, "change logs differ")
    lost = lost_values(dbs[0])
    if lost:
        return Outcome(False, f"values silently lost: {lost[:3]}")
    return Outcome(True)


def lost_values(db: Database) -> list[tuple[str, str, str, int]]:
    """Writes that are neither current, nor seen by a later write, nor in the conflict log."""
    with db.connect(write=False) as conn:
        contexts = {
            (str(n), int(c)): json.loads(v)
            for n, c, v in conn.exec_driver_sql("SELECT node_id, ctx, vv FROM sync_context")
        }
        conflicted = {
            (str(r), str(f), str(n), int(c))
            for r, f, n, c in conn.exec_driver_sql(
                "SELECT row_id, field, lose_node, lose_counter FROM sync_conflict "
                "WHERE resolved_at IS NULL"
            )
        }
        rows = {
            str(r[0]): r
            for r in conn.exec_driver_sql("SELECT id, name, phone, deleted FROM members")
        }
    writes: dict[tuple[str, str], list[tuple[int, str, int, int, Any]]] = {}
    for node, counter, hlc, ctx, tbl, row_id, fields in _log(db):
        if tbl != "members":
            continue
        for field, value in json.loads(fields).items():
            writes.setdefault((row_id, field), []).append((hlc, node, counter, ctx, value))

    def seen(w: tuple[int, str, int, int, Any], x: tuple[int, str, int, int, Any]) -> bool:
        if w[1] == x[1]:
            return x[2] < w[2]
        return int(contexts.get((w[1], w[3]), {}).get(x[1], 0)) >= x[2]

    lost = []
    cols = {"name": 1, "phone": 2, "deleted": 3}
    for (row_id, field), ws in writes.items():
        best = max(ws, key=lambda w: (w[0], w[1], w[2]))
        if field in cols and rows[row_id][cols[field]] != best[4]:
            lost.append((row_id, field, "table differs from winner", 0))
        deleter = max(writes.get((row_id, "deleted"), []), key=lambda w: (w[0], w[1], w[2]))
        for w in ws:
            if w is best or any(seen(o, w) for o in ws if o is not w):
                continue
            if (row_id, field, w[1], w[2]) in conflicted:
                continue
            lost.append((row_id, field, w[1], w[2]))
        if deleter[4] and field != "deleted":
            for w in ws:
                if seen(deleter, w) or seen(w, deleter) or w is deleter:
                    continue
                if any(seen(o, w) for o in ws if o is not w):
                    continue
                if (row_id, field, w[1], w[2]) not in conflicted:
                    lost.append((row_id, field, "edit hidden by delete", w[2]))
    return lost
