"""Package intake at the PostgreSQL hub (issue #25 item 4): ordinary SQLite offices made
through the CLI send their ``.udsync`` packages to a hub, which imports them with the
same checks and merge rules as a SQLite district importing the same packages.

One throw-away database per module holds the hub as ``init`` left it (the template);
each test works on its own copy (``CREATE DATABASE … TEMPLATE``), so one test's imports
never reach another's. The offices (eight parks, a SQLite district) are built once per
module through the real CLI (``init``, ``unions add``, ``members add``, ``sync
id/trust/export``), as ``tests/hub_offices.py`` builds its three.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing as mp
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from desktop import clock
from desktop.cli import main
from desktop.config import resolve_paths
from desktop.errors import UnionDeskError
from desktop.models.base import synced_tables
from desktop.opening import open_database
from desktop.sync import office
from tests.conftest import TEST_TODAY
from tests.hub_offices import run
from tests.pg_server import PostgresServer
from tests.unit.sync.helpers import valid_id

pytestmark = pytest.mark.postgres

DISTRICT = "城关区总工会"
#: park federation → its unions → member tokens (a token's ID number is ``valid_id``'s)
PARKS: dict[str, dict[str, tuple[str, ...]]] = {
    "甲园区工会联合会": {"甲一公司工会": ("a1", "a2", "a3"), "甲二公司工会": ("a4",)},
    "乙园区工会联合会": {"乙一公司工会": ("b1", "b2")},
    "丙园区工会联合会": {"丙一公司工会": ("c1", "c2", "c3")},
    "丁园区工会联合会": {"丁一公司工会": ("d1", "d2")},
    "戊园区工会联合会": {"戊一公司工会": ("e1",)},
    "己园区工会联合会": {"己一公司工会": ("f1", "f2")},
    "庚园区工会联合会": {"庚一公司工会": ("g1",)},
    "辛园区工会联合会": {"辛一公司工会": ("h1", "h2")},
}
#: some members carry a phone, so the hub's phone-fragment search is exercised too
PHONES = {"a1": "13912345678", "b2": "13800001111", "d1": "13712340000", "h1": "13566667777"}
#: the member whose office erases the person (a later package of the last park)
ERASED = "h1"


def cli(data: Path, *argv: str, url: str | None = None) -> tuple[int, str]:
    """One CLI command on an office (or, with ``url``, the hub): exit code, all output."""
    out = io.StringIO()
    hub = ["--database-url", url] if url is not None else []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--data-dir", str(data), *hub, *argv])
    return code, out.getvalue()


def _admin(server: PostgresServer, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Intake:
    server: PostgresServer
    template: str  # the hub database as ``init`` and ``sync trust`` left it
    hub_data: Path  # the hub clerk's data dir (log, exports)
    district: Path  # a SQLite district with the same federation, trusting the same parks
    #: each park's packages in the order made (the first park sends a second, after an edit)
    packages: dict[str, list[Path]]

    def clone(self) -> str:
        """A fresh copy of the template hub; its URL."""
        name = f"hub_{uuid.uuid4().hex[:12]}"
        _admin(
            self.server,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.template}' AND pid <> pg_backend_pid()",
        )
        _admin(self.server, f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.server.url(name)

    def all_packages(self) -> list[Path]:
        return [p for packages in self.packages.values() for p in packages]


def _key_card(data: Path, card: Path, url: str | None = None) -> str:
    code, out = cli(data, "sync", "id", "--json", "--export-key", str(card), url=url)
    assert code == 0, out
    return str(json.loads(out)["fingerprint"])


def _build(server: PostgresServer, folder: Path) -> Intake:
    template = f"hub_{uuid.uuid4().hex[:12]}"
    # collated for Chinese (ICU zh), as a hub may well be: lists must still order as SQLite
    _admin(
        server,
        f"CREATE DATABASE \"{template}\" LOCALE_PROVIDER icu ICU_LOCALE 'zh' LOCALE 'C' "
        "TEMPLATE template0",
    )
    url = server.url(template)
    hub_data, district = folder / "hub", folder / "district"
    assert cli(hub_data, "init", "--federation", DISTRICT, "--card-prefix", "GH", url=url)[0] == 0
    run(district, "init", "--federation", DISTRICT, "--card-prefix", "GH")
    hub_fp = _key_card(hub_data, folder / "hub.udkey", url)
    district_fp = _key_card(district, folder / "district.udkey")
    parks: list[Path] = []
    cards: list[tuple[Path, str]] = []
    for n, (federation, unions) in enumerate(PARKS.items()):
        park = folder / f"park{n}"
        parks.append(park)
        run(park, "init", "--federation", federation, "--card-prefix", "GH")
        for union, tokens in unions.items():
            run(park, "unions", "add", union)
            for token in tokens:
                phone = ["--phone", PHONES[token]] if token in PHONES else []
                run(park, "members", "add", "--name", f"会员{token}", "--id-number",
                    valid_id(token), "--union", union, *phone)  # fmt: skip
        card = folder / f"park{n}.udkey"
        fp = _key_card(park, card)
        cards.append((card, fp))
        code, out = cli(hub_data, "sync", "trust", str(card), "--fingerprint", fp, url=url)
        assert code == 0, out
        run(district, "sync", "trust", str(card), "--fingerprint", fp)
        run(park, "sync", "trust", str(folder / "hub.udkey"), "--fingerprint", hub_fp)
        run(park, "sync", "trust", str(folder / "district.udkey"), "--fingerprint", district_fp)
    # the first two parks also exchange with each other: the second relays the first's
    # members to the hub, so two packages at the hub carry the same rows
    run(parks[0], "sync", "trust", str(cards[1][0]), "--fingerprint", cards[1][1])
    run(parks[1], "sync", "trust", str(cards[0][0]), "--fingerprint", cards[0][1])
    packages: dict[str, list[Path]] = {}
    for n, (federation, park) in enumerate(zip(PARKS, parks, strict=True)):
        if n == 1:
            run(park, "sync", "import", str(packages[next(iter(PARKS))][0]), "--yes")
        first = folder / f"park{n}-1.udsync"
        run(park, "sync", "export", str(first))
        packages[federation] = [first]
    # a later package of the first office: an edit on top of its first
    found = json.loads(run(parks[0], "members", "find", "会员a2", "--json"))
    run(parks[0], "members", "update", str(found[0]["id"]), "--phone", "13655556666")
    second = folder / "park0-2.udsync"
    run(parks[0], "sync", "export", str(second))
    packages[next(iter(PARKS))].append(second)
    # the last office erases a member's personal information at the person's request
    # (个人信息删除) and sends that on too: the hub must carry it out as an office does
    found = json.loads(run(parks[-1], "members", "find", f"会员{ERASED}", "--json"))
    run(parks[-1], "members", "erase", str(found[0]["id"]), "--reason", "request", "--yes")
    erased = folder / f"park{len(parks) - 1}-2.udsync"
    run(parks[-1], "sync", "export", str(erased))
    packages[list(PARKS)[-1]].append(erased)
    return Intake(server, template, hub_data, district, packages)


@pytest.fixture(scope="module")
def intake(
    pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory, installation_state: Path
) -> Intake:
    previous = clock.use(clock.FixedClock.on(TEST_TODAY))
    try:
        return _build(pg_server, tmp_path_factory.mktemp("intake"))
    finally:
        clock.use(previous)


@pytest.fixture
def district(intake: Intake, tmp_path: Path) -> Path:
    """A copy of the SQLite district's data dir for one test."""
    copy = tmp_path / "district"
    shutil.copytree(intake.district, copy)
    return copy


def _import(data: Path, package: Path, url: str | None = None) -> tuple[int, str]:
    return cli(data, "sync", "import", str(package), "--yes", url=url)


# ---- what the hub holds, canonically -------------------------------------------------


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The hub's synced data, its change log and search terms, independent of the order
    rows arrived in: the local ``rowid``/``version`` keys left out, terms by member id,
    every table sorted."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    state: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(conninfo) as conn:
        for table in sorted(synced_tables()):
            columns = [
                str(r[0])
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND column_name NOT IN ('rowid', 'version') ORDER BY column_name",
                    (table,),
                )
            ]
            if columns:
                quoted = ", ".join(f'"{c}"' for c in columns)
                rows = conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall()  # type: ignore[arg-type]
                state[table] = sorted(rows, key=repr)
        state["sync_change"] = sorted(
            (r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))
            for r in conn.execute(
                "SELECT node_id, counter, hlc, ctx, tbl, row_id, fields FROM sync_change"
            )
        )
        for table, sql in (
            ("sync_knowledge", "SELECT node_id, contiguous FROM sync_knowledge"),
            ("sync_ack", "SELECT peer, origin, counter FROM sync_ack"),
            ("sync_pending", "SELECT tbl, row_id, missing_tbl, missing_id FROM sync_pending"),
            ("sync_conflict", "SELECT tbl, row_id, field, win_node, win_counter, lose_node, "
                              "lose_counter, resolved_at IS NULL FROM sync_conflict"),
            ("dashboard_counts", "SELECT * FROM dashboard_counts WHERE n <> 0"),
            ("member_terms", "SELECT m.id, t.term FROM member_terms t "
                             "JOIN members m ON m.rowid = t.member_id"),
            ("receipts", "SELECT package_id, direction, peer FROM sync_receipt"),
        ):  # fmt: skip
            state[table] = sorted(conn.execute(sql).fetchall(), key=repr)  # type: ignore[arg-type]
    return state


def _listing(data: Path, url: str | None = None) -> tuple[list[Any], list[Any]]:
    """What a clerk sees: every union with its federation and count, every member."""
    code, out = cli(data, "unions", "list", "--json", url=url)
    assert code == 0, out
    unions = sorted(
        (u["name"], u["federation_name"], u["member_count"], u["id"]) for u in json.loads(out)
    )
    code, out = cli(data, "members", "list", "--json", "--limit", "1000", url=url)
    assert code == 0, out
    members = [
        (m["id"], m["name"], m["union_name"], m["card_no"], m["phone"], m["membership_status"])
        for m in json.loads(out)
    ]
    return unions, members


# ---- the tests ------------------------------------------------------------------------


def test_hub_lists_what_a_sqlite_district_lists(intake: Intake, district: Path) -> None:
    url = intake.clone()
    for package in intake.all_packages():
        code, out = _import(intake.hub_data, package, url)
        assert code == 0, out
        assert "pg_dump" in out  # the hub says where its backup is, not a file
        assert _import(district, package)[0] == 0
    hub_unions, hub_members = _listing(intake.hub_data, url)
    sqlite_unions, sqlite_members = _listing(district)
    assert hub_unions == sqlite_unions
    assert hub_members == sqlite_members
    # every member sent, less the one erased (its record stays, blanked and deleted)
    assert len(hub_members) == sum(len(t) for u in PARKS.values() for t in u.values()) - 1
    # received members are in the hub's search index, found as on SQLite
    for query in ("会员a", "hya", valid_id("c2")[-4:]):  # name, initials, ID tail
        found = [
            [m["id"] for m in json.loads(cli(d, "members", "find", query, "--json", url=u)[1])]
            for d, u in ((intake.hub_data, url), (district, None))
        ]
        assert found[0] == found[1] and found[0], query
    # counted as on SQLite (the dashboard summary the counting triggers keep)
    hub_stats = json.loads(cli(intake.hub_data, "stats", "--json", url=url)[1])
    sqlite_stats = json.loads(cli(district, "stats", "--json")[1])
    assert hub_stats == sqlite_stats


def test_the_same_package_twice_is_a_no_op(intake: Intake) -> None:
    url = intake.clone()
    package = intake.all_packages()[1]
    assert _import(intake.hub_data, package, url)[0] == 0
    before = dump(url)
    code, out = _import(intake.hub_data, package, url)
    assert code == 0 and "已是最新" in out, out
    assert dump(url) == before


def test_a_tampered_package_is_refused_as_on_sqlite(
    intake: Intake, district: Path, tmp_path: Path
) -> None:
    url = intake.clone()
    before = dump(url)
    original = intake.all_packages()[0].read_bytes()
    tampered = tmp_path / "tampered.udsync"
    middle = len(original) // 2
    tampered.write_bytes(
        original[:middle] + bytes([original[middle] ^ 0x01]) + original[middle + 1 :]
    )
    hub_code, hub_out = _import(intake.hub_data, tampered, url)
    sqlite_code, sqlite_out = _import(district, tampered)
    assert hub_code == sqlite_code != 0
    assert hub_out == sqlite_out and "Traceback" not in hub_out
    assert "未做任何改动" in hub_out or "未导入" in hub_out, hub_out
    assert dump(url) == before


def test_a_connection_lost_mid_import_leaves_the_hub_as_before(intake: Intake) -> None:
    url = intake.clone()
    before = dump(url)
    name = make_url(url).database

    def cut(step: str) -> None:
        if step == "rows-applied":  # members written, bookkeeping not yet: the line drops
            _admin(
                intake.server,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
            )

    db = open_database(resolve_paths(intake.hub_data, url))
    try:
        with pytest.raises(UnionDeskError):
            office.import_package(db, intake.all_packages()[0], cut)
    finally:
        db.close()
    assert dump(url) == before
    # and the package goes in afterwards as if nothing had happened
    assert _import(intake.hub_data, intake.all_packages()[0], url)[0] == 0


def test_an_error_mid_import_leaves_the_hub_as_before(intake: Intake) -> None:
    url = intake.clone()
    before = dump(url)

    def fail(step: str) -> None:
        if step == "before-commit":
            raise UnionDeskError("测试：提交前出错")

    db = open_database(resolve_paths(intake.hub_data, url))
    try:
        with pytest.raises(UnionDeskError, match="提交前出错"):
            office.import_package(db, intake.all_packages()[0], fail)
    finally:
        db.close()
    assert dump(url) == before


def _import_in_child(data: str, url: str, package: str, queue: Any) -> None:
    """A separate process importing one package through the CLI (its own engine)."""
    previous = clock.use(clock.FixedClock.on(TEST_TODAY))
    try:
        started = time.monotonic()
        code, out = cli(Path(data), "sync", "import", package, "--yes", url=url)
        queue.put((package, code, out, time.monotonic() - started))
    finally:
        clock.use(previous)


def test_parallel_intake_then_another_order_gives_the_same_hub(intake: Intake) -> None:
    parallel, sequential = intake.clone(), intake.clone()
    # one process per office (8, as the issue asks), each importing its office's first
    # package, all at once; then the first office's later package
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    groups = list(intake.packages.values())
    workers = [
        ctx.Process(
            target=_import_in_child,
            args=(str(intake.hub_data), parallel, str(packages[0]), queue),
        )
        for packages in groups
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    for package, code, out, _seconds in results:
        assert code == 0, (package, out)
        assert "deadlock" not in out.lower()
    for packages in groups:  # the later packages (an edit, an erasure)
        for later in packages[1:]:
            assert _import(intake.hub_data, later, parallel)[0] == 0
    # the same packages one by one, in the opposite order: the later package first
    for package in reversed(intake.all_packages()):
        code, out = _import(intake.hub_data, package, sequential)
        assert code == 0, out
    first, second = dump(parallel), dump(sequential)
    # what a sender declares it holds is its latest package's word, by design (a package
    # delivered late declares less: docs/SYNC.md, "Re-delivery after loss"): order-bound
    first.pop("sync_ack"), second.pop("sync_ack")
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
    assert len(first["members"]) == sum(len(t) for u in PARKS.values() for t in u.values())


def test_a_clerk_saves_while_a_package_is_being_applied(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import switches capture off for its own transaction only, and does not hold the
    shared clock row while it writes rows: a clerk's save of another member goes through
    at once (within a 3 s lock timeout) while the package's rows are written."""
    url = intake.clone()
    assert cli(intake.hub_data, "unions", "add", "区机关工会", url=url)[0] == 0
    code, out = cli(intake.hub_data, "members", "add", "--name", "区会员", "--id-number",
                    valid_id("z1"), "--union", "区机关工会", url=url)  # fmt: skip
    assert code == 0, out
    member = out.strip().splitlines()[-1].split()[0]
    saved: list[tuple[int, str]] = []

    def clerk(step: str) -> None:
        if step == "rows-applied":
            with monkeypatch.context() as env:
                env.setenv("PGOPTIONS", "-c lock_timeout=3000")
                saved.append(
                    cli(
                        intake.hub_data,
                        "members",
                        "update",
                        member,
                        "--phone",
                        "13511112222",
                        url=url,
                    )  # fmt: skip
                )

    db = open_database(resolve_paths(intake.hub_data, url))
    try:
        result = office.import_package(db, intake.all_packages()[0], clerk)
    finally:
        db.close()
    assert saved and saved[0][0] == 0, saved
    assert not result.up_to_date
    listed = json.loads(cli(intake.hub_data, "members", "list", "--json", url=url)[1])
    assert len(listed) == 1 + sum(len(t) for t in PARKS["甲园区工会联合会"].values())
    state = dump(url)
    # the clerk's save was captured as the hub's own change; none of the package's rows was
    own = {r[0] for r in state["sync_change"] if r[5] == member}
    assert len(own) == 1
    shown = json.loads(cli(intake.hub_data, "members", "show", member, "--json", url=url)[1])
    assert shown["phone"].endswith("2222")


def test_the_hub_sends_a_package_back_down(intake: Intake, tmp_path: Path) -> None:
    """``sync export`` on the hub: an office imports it as any package — the hub's own
    member arrives, and the other parks' members (relayed; this office never allowed the
    hub to introduce offices) are skipped with the reason, as on SQLite."""
    url = intake.clone()
    assert cli(intake.hub_data, "unions", "add", "区机关工会", url=url)[0] == 0
    code, out = cli(intake.hub_data, "members", "add", "--name", "区会员", "--id-number",
                    valid_id("z1"), "--union", "区机关工会", url=url)  # fmt: skip
    assert code == 0, out
    for package in intake.all_packages():
        assert _import(intake.hub_data, package, url)[0] == 0
    down = tmp_path / "down.udsync"
    code, out = cli(intake.hub_data, "sync", "export", str(down), url=url)
    assert code == 0, out
    park = tmp_path / "park3"
    shutil.copytree(intake.district.parent / "park3", park)
    code, out = _import(park, down)
    assert code == 0, out
    assert "跳过未登记单位" in out  # the other parks' members, relayed, not taken here
    found = json.loads(cli(park, "members", "find", "区会员", "--json")[1])
    assert [m["name"] for m in found] == ["区会员"]
    assert "已是最新" in _import(park, down)[1]  # and the same package again


def test_an_erasure_sent_by_an_office_is_carried_out_at_the_hub(intake: Intake) -> None:
    """The person's name, ID number and phone are left nowhere at the hub — rows, change
    log, search terms — and the hub lists the erasure, as an office does."""
    url = intake.clone()
    for package in intake.all_packages():
        code, out = _import(intake.hub_data, package, url)
        assert code == 0, out
    held = json.dumps(dump(url), ensure_ascii=False, default=str)
    for secret in (f"会员{ERASED}", valid_id(ERASED), PHONES[ERASED]):
        assert secret not in held
    assert "会员h2" in held  # the office's other member is untouched
    code, out = cli(intake.hub_data, "erasures", "list", url=url)
    assert code == 0 and "本人申请" in out, out
    for query in (PHONES[ERASED], valid_id(ERASED)[-6:]):  # found before the erasure
        code, out = cli(intake.hub_data, "members", "find", query, "--json", url=url)
        assert code == 0 and json.loads(out) == [], (query, out)
