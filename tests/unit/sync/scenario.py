"""Random multi-PC sync scenarios: the property test and the soak benchmark share them."""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.storage import hlc as hlc_mod
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync import helpers

NAMES = ["张三", "李四", "王五", "赵六"]
PHONES = ["13800000001", "13800000002", None]
DAY = 86_400_000
YEAR = 365 * DAY
SKEWS = [0, 0, 10 * YEAR, -10 * YEAR, 10 * DAY, -25 * DAY, -400 * DAY]
"""How far off a PC's date may be set (the ``clock`` step): ±10 years, days ahead,
weeks and a year behind; a later ``clock`` step on the same PC steps it back or on."""


@dataclass
class Outcome:
    ok: bool
    detail: str = ""


def run(
    seed: int,
    template: Path,
    nodes: int,
    steps: int,
    folder: Path | None = None,
    clocks: bool = False,
) -> Outcome:
    """``clocks``: PCs' dates are also set wrong and corrected at random (``SKEWS``)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        from tests.conftest import make_db

        dbs = [make_db(template, root / f"n{i}") for i in range(nodes)]
        try:
            return _run(rng, dbs, root, steps, clocks)
        finally:
            for db in dbs:
                db.close()


def _members(db: Database) -> list[str]:
    with db.connect(write=False) as conn:
        return [str(r[0]) for r in conn.execute(text("SELECT id FROM members ORDER BY id"))]


class Skewed:
    """Each PC's date offset: imports read it through ``hlc.physical_offset``; a local
    write gets the stamp its capture trigger would make on a PC so dated (SQLite reads
    the real clock, so the stamp is set after the write, with the trigger's own rule)."""

    def __init__(self, dbs: list[Database]) -> None:
        self.offset = {id(db): 0 for db in dbs}
        self.refused: list[str] = []

    def importing(self, db: Database, path: Path) -> None:
        """Every package of a scenario is genuine: none may be refused (old, duplicate,
        relayed twice, or from a PC with a wrong date are all successes)."""
        with hlc_mod.physical_offset(self.offset[id(db)]):
            try:
                importer.import_file(db, path)
            except UnionDeskError as exc:
                self.refused.append(exc.message)

    def write(self, db: Database, action: Any, *args: Any) -> None:
        skew = self.offset[id(db)]
        with db.connect(write=False) as conn:
            row = conn.exec_driver_sql("SELECT hlc, counter FROM sync_clock").one()
        before, first = int(row.hlc), int(row.counter) + 1
        action(db, *args)
        if not skew:
            return
        now = hlc_mod.pack(hlc_mod.physical_ms() + skew)
        ahead = hlc_mod.MAX_AHEAD_MS << hlc_mod.LOGICAL_BITS
        stamp = now if before > now + ahead else max(before + 1, now)
        with db.connect() as conn:
            last = int(conn.exec_driver_sql("SELECT counter FROM sync_clock").scalar_one())
            if last < first:
                return  # the action wrote nothing (a no-op edit): no stamp to set
            # only the changes this action made, each one tick after the one before, as
            # the trigger would have stamped them: a change made (and maybe sent) earlier
            # is never touched
            conn.exec_driver_sql(
                "UPDATE sync_change SET hlc = ? + counter - ? WHERE node_id = (SELECT node_id "
                "FROM sync_clock) AND counter BETWEEN ? AND ?",
                (stamp, first, first, last),
            )
            conn.exec_driver_sql("UPDATE sync_clock SET hlc = ?", (stamp + last - first,))


def _merge(db: Database, keep: str, other: str, take: list[str]) -> None:
    """Merge two records through the duplicates service (a deleted one: nothing done)."""
    from desktop.services.duplicates import merging

    try:
        merging.merge(db, keep, other, take=take, confirm_different_ids=True)
    except UnionDeskError:
        pass


def hardship_action(db: Database, member: str, pick: int) -> None:
    """A write through the care services (issue 22): open a hardship file for the
    member with a household and a consent, or assist (0), review (1) or close (2) the
    open one. A refused action (a member deleted on this PC) writes nothing."""
    from desktop.services.care import assistance, consent, hardship, reviews

    today = db.clock.today()
    opened = today - timedelta(days=400)
    case = hardship.file_of_member(db, member)
    try:
        if case is None or case not in {f.id for f in hardship.list_files(db, today=today)}:
            hardship.add_file(
                db, member, level="相对困难", causes="患病", opened_on=opened, today=today,
                monthly_income_per_capita=600,
                household_members=[{"name": "家属", "relation": "配偶", "health": "慢性病"}],
                consent=consent.clean(opened, "书面", "干事", today=today),
            )  # fmt: skip
        elif pick == 0:
            assistance.assist(
                db, case, given_on=today, kind="送温暖", amount="500", fund_source="本级工会经费",
                today=today,
            )  # fmt: skip
        elif pick == 1:
            reviews.review(
                db, case, reviewed_on=today, result="继续帮扶", reviewer="李", today=today
            )
        else:
            hardship.close_file(db, case, today, "再就业", today=today)
    except UnionDeskError:
        pass


def _deliver(
    src: Database, dst: Database, root: Path, n: int, clocks: Skewed, twice: bool = False
) -> None:
    path = root / f"p{n}.udsync"
    ex.export(src, path, to=[helpers.node_of(dst)])
    for _ in range(2 if twice else 1):
        clocks.importing(dst, path)


def _run(rng: random.Random, dbs: list[Database], root: Path, steps: int, skew: bool) -> Outcome:
    clocks = Skewed(dbs)
    helpers.mesh(dbs, root)
    uid = helpers.add_union(dbs[0], helpers.add_federation(dbs[0]))
    counter = 0
    for i in range(1, len(dbs)):
        counter += 1
        _deliver(dbs[0], dbs[i], root, counter, clocks)
    stash: list[tuple[int, int, Path]] = []
    for _ in range(steps):
        ops = ["create", "edit", "edit", "delete", "undelete", "send", "send", "stash", "apply"]
        ops.append("merge")  # issue #21: a duplicate merge (member_merges)
        ops += ["legal", "honour", "hardship"]  # care records (issue 22), through their services
        ops.append("transfer")  # issue #21: 会籍转接 out or in, through the transfers service
        op = rng.choice(ops + ["clock"] if skew else ops)
        i = rng.randrange(len(dbs))
        db = dbs[i]
        members = _members(db)
        if op == "clock":
            clocks.offset[id(db)] = rng.choice(SKEWS)
        elif op == "apply":  # issue #21: an application reviewed through its service
            name, token = rng.choice(NAMES), f"ID{rng.randrange(5)}"
            clocks.write(db, apply_and_review, uid, name, token)
        elif op == "create" or not members:
            name, token = rng.choice(NAMES), f"ID{rng.randrange(5)}"
            clocks.write(db, helpers.add_member, uid, name, token)
        elif op == "edit":
            field = rng.choice(["name", "phone"])
            value = rng.choice(NAMES if field == "name" else PHONES)
            row = rng.choice(members)
            clocks.write(db, helpers.set_field, "members", row, field, value)
        elif op == "legal":
            clocks.write(db, legal_action, rng.random(), rng.choice(members))
        elif op == "honour":
            clocks.write(db, honour_action, rng.random(), rng.choice(members))
        elif op == "hardship":
            clocks.write(db, hardship_action, rng.choice(members), rng.randrange(3))
        elif op == "transfer":
            token = f"ID{rng.randrange(5)}"
            clocks.write(db, transfer_action, uid, rng.choice(members), rng.random(), token)
        elif op in ("delete", "undelete"):
            row, gone = rng.choice(members), int(op == "delete")
            clocks.write(db, helpers.set_field, "members", row, "deleted", gone)
        elif op == "send":
            j = rng.choice([k for k in range(len(dbs)) if k != i])
            counter += 1
            if rng.random() < 0.2:  # relay through a third PC
                k = rng.choice([x for x in range(len(dbs)) if x not in (i, j)] or [j])
                _deliver(db, dbs[k], root, counter, clocks)
                counter += 1
                _deliver(dbs[k], dbs[j], root, counter, clocks)
            elif rng.random() < 0.2:
                ex.export(db, root / f"drop{counter}.udsync", to=[helpers.node_of(dbs[j])])
            else:
                _deliver(db, dbs[j], root, counter, clocks, twice=rng.random() < 0.2)
        elif op == "merge":
            if len(members) > 1:
                keep, other = rng.sample(members, 2)
                take = rng.sample(["name", "phone"], rng.randrange(3))
                clocks.write(db, _merge, keep, other, take)
        else:  # stash a package to deliver later, out of order
            j = rng.choice([k for k in range(len(dbs)) if k != i])
            counter += 1
            path = root / f"s{counter}.udsync"
            ex.export(db, path, to=[helpers.node_of(dbs[j])])
            stash.append((i, j, path))
    rng.shuffle(stash)
    for _i, j, path in stash:
        clocks.importing(dbs[j], path)
    n = len(dbs)
    # Two rounds of a ring carry every change to every PC. A recorded merge adds two:
    # carrying an unseen edit of a merged-away record over to its survivor is a new
    # local change made while importing (docs/merging.md), so it needs exchanges of its
    # own before the offices agree (soak scenario 1060: two such edits carried in
    # different orders on two PCs agreed only after them). Carry-overs never cascade.
    for _round in range(4 if _any_merge(dbs) else 2):
        for i in range(n):
            counter += 1
            _deliver(dbs[i], dbs[(i + 1) % n], root, counter, clocks)
    if clocks.refused:
        return Outcome(False, f"{len(clocks.refused)} packages refused: {clocks.refused[:2]}")
    return check(dbs)


def _any_merge(dbs: list[Database]) -> bool:
    for db in dbs:
        with db.connect(write=False) as conn:
            if conn.exec_driver_sql("SELECT 1 FROM member_merges LIMIT 1").first():
                return True
    return False


def legal_action(db: Database, roll: float, member_id: str) -> None:
    """Take in a case (for a member or a named non-member), move one to a stage, or
    close one, through the legal-aid service. A refusal (the member was deleted, the
    case already closed) writes nothing, as it would for a clerk."""
    from desktop.services.legal import cases

    open_cases = cases.list_cases(db, open_only=True)
    try:
        if roll < 0.4 or not open_cases:
            applicant = {"member_id": member_id} if roll < 0.2 else {"applicant_name": "赵六"}
            cases.add_case(db, {**applicant, "case_type": "wage_arrears", "handler": "陈"})
        elif roll < 0.8:
            stage = ("mediation", "arbitration", "litigation")[int(roll * 100) % 3]
            cases.update_case(
                db, open_cases[0].id, {"handler": NAMES[int(roll * 10) % 4]}, status=stage
            )
        else:
            cases.close_case(db, open_cases[-1].id, outcome="mediated", amount_recovered="100")
    except UnionDeskError:
        pass


def honour_action(db: Database, roll: float, member_id: str) -> None:
    """Give a member an honour, or a team the 工人先锋号, or remove one, through the
    honours service (refused for a deleted member: nothing written)."""
    from desktop.services.honours import records

    try:
        if roll < 0.5:
            records.add_honour(
                db, {"member_id": member_id, "title": "劳动模范", "level": "市", "year": 2025}
            )
        elif roll < 0.8:
            records.add_honour(
                db, {"team_name": "焊装三班", "title": "工人先锋号", "level": "区", "year": 2026}
            )
        elif held := records.list_honours(db):
            records.remove_honour(db, held[0].id)
    except UnionDeskError:
        pass


def apply_and_review(db: Database, union_id: str, name: str, token: str) -> None:
    """入会申请 through the applications service, then approved — a member with a card
    number and a status-history row — or, when the ID number is already a current
    member's (the approval is refused), rejected with a reason."""
    from desktop.services.applications import records
    from desktop.services.unions import federations

    today = db.clock.today()
    with db.connect() as conn:
        if federations.current_id(conn) is None:  # this PC's own federation: a local setting
            conn.execute(
                text("INSERT INTO app_settings (key, value) SELECT :k, id FROM federations"),
                {"k": federations.SETTING_KEY},
            )
        values = {"name": name, "id_number": helpers.valid_id(token), "union_id": union_id}
        application = records.add_in(conn, {**values, "channel": "qr"}, today)
        try:
            records.approve_in(conn, application, today, approver="审批人")
        except UnionDeskError:
            records.reject_in(conn, application, "已是在会会员", today, reviewer="审批人")


def transfer_action(db: Database, union_id: str, member_id: str, roll: float, token: str) -> None:
    """会籍转接 through the transfers service: a member out of the federation (a slip, 已转出),
    or a person in from elsewhere by ID number (an earlier record linked and made current,
    else a plain join). A refusal (not current, already current, deleted) writes nothing."""
    from desktop.services.transfers import records
    from desktop.services.unions import federations

    with db.connect() as conn:
        if federations.current_id(conn) is None:  # this PC's own federation: a local setting
            conn.execute(
                text("INSERT INTO app_settings (key, value) SELECT :k, id FROM federations"),
                {"k": federations.SETTING_KEY},
            )
    try:
        if roll < 0.5:
            records.transfer_out(db, member_id, to_union_name="外区总工会", reason="调动")
        else:
            person = {"name": "钱七", "id_number": helpers.valid_id(token), "union_id": union_id}
            records.transfer_in(db, person, slip_no=f"WQ{token}", from_union_name="外区总工会")
    except UnionDeskError:
        pass


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

    def winner(ws: list[tuple[int, str, int, int, Any]]) -> tuple[int, str, int, int, Any]:
        """The greatest clock among the writes no other write had seen."""
        tops = [w for w in ws if not any(seen(o, w) for o in ws if o is not w)]
        return max(tops or ws, key=lambda w: (w[0], w[1], w[2]))

    for (row_id, field), ws in writes.items():
        best = winner(ws)
        if field in cols and rows[row_id][cols[field]] != best[4]:
            lost.append((row_id, field, "table differs from winner", 0))
        deleter = winner(writes.get((row_id, "deleted"), []))
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
