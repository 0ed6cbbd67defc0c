"""The registry on PostgreSQL (the federation hub, issue #25): the engine switch, the
Alembic chain on a fresh database, the CLI's first vertical slice (init, unions, members
add/find/show) and the clear refusals when the hub cannot be used.

One fresh database per module (``CREATE DATABASE`` on the session's throw-away server);
the refusal tests make their own databases and roles, so each starts from a known state.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from stdnum.cn import ric

from desktop.cli import main
from desktop.config import resolve_paths
from desktop.errors import DatabaseError
from desktop.opening import open_database
from desktop.services.members import queries
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage import pg_search
from desktop.storage.database import Database, HubDatabase
from desktop.storage.migrations import head_revision
from tests.pg_server import PostgresServer

pytestmark = pytest.mark.postgres

SECRET = "S3cret-pass"


def _id(serial: int) -> str:
    body = f"44030419900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _new_database(server: PostgresServer, *, icu: str | None = None) -> str:
    """A fresh database; ``icu``: with that ICU collation as its default (a hub set up
    for Chinese text sorts unlike SQLite's bytewise order unless we say otherwise)."""
    name = f"hub_{uuid.uuid4().hex[:12]}"
    if icu is None:
        server.create_database(name)
    else:
        _superuser(
            server,
            f"CREATE DATABASE \"{name}\" LOCALE_PROVIDER icu ICU_LOCALE '{icu}' LOCALE 'C' "
            "TEMPLATE template0",
        )
    return name


def _superuser(server: PostgresServer, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _cli(
    capsys: pytest.CaptureFixture[str], data_dir: Path, url: str, *args: str
) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def hub_url(pg_server: PostgresServer) -> str:
    """A fresh, empty database for this module, on the session's server, collated for
    Chinese (ICU ``zh``) as a hub may well be."""
    return pg_server.url(_new_database(pg_server, icu="zh"))


def test_the_whole_chain_runs_on_a_fresh_database(hub_url: str, tmp_path: Path) -> None:
    db = open_database(resolve_paths(tmp_path, hub_url))
    try:
        assert isinstance(db, HubDatabase)
        with db.connect(write=False) as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
                head_revision()
            )
            tables = set(
                conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).scalars()
            )
            identity = conn.exec_driver_sql(
                "SELECT is_identity FROM information_schema.columns "
                "WHERE table_name = 'members' AND column_name = 'rowid'"
            ).scalar()
        assert {"members", "unions", "member_terms", "member_search_docs", "audit_log"} <= tables
        assert "member_search" not in tables  # SQLite's FTS5 table has no place here
        assert identity == "YES"
    finally:
        db.close()


def test_cli_slice_init_unions_members_on_the_hub(
    hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert _cli(capsys, data, hub_url, "init", "--federation", "甲区总工会")[0] == 0
    code, out, _ = _cli(capsys, data, hub_url, "unions", "add", "第一机械厂工会")
    assert code == 0
    code, out, _ = _cli(capsys, data, hub_url, "unions", "list", "--json")
    assert [u["name"] for u in json.loads(out)] == ["第一机械厂工会"]
    people = [("张三丰", _id(1), "13912345678"), ("李四", _id(2), None), ("张伟", _id(3), None)]
    ids = {}
    for name, id_number, phone in people:
        args = ["members", "add", "--name", name, "--id-number", id_number]
        args += ["--union", "第一机械厂工会"] + (["--phone", phone] if phone else [])
        code, out, err = _cli(capsys, data, hub_url, *args)
        assert code == 0, err
        ids[name] = out.strip()

    def found(query: str) -> list[str]:
        code, out, err = _cli(capsys, data, hub_url, "members", "find", query, "--json")
        assert code == 0, err
        return [m["name"] for m in json.loads(out)]

    assert found("张") == ["张三丰", "张伟"]
    assert found("zsf") == ["张三丰"]  # pinyin initials
    assert found(_id(2)[-4:]) == ["李四"]  # ID tail
    assert found("2345") == ["张三丰"]  # phone fragment
    assert found("王") == []
    code, out, _ = _cli(capsys, data, hub_url, "unions", "list", "--json")
    assert json.loads(out)[0]["member_count"] == 3
    code, out, err = _cli(capsys, data, hub_url, "members", "show", ids["李四"], "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["name"] == "李四" and shown["union_name"] == "第一机械厂工会"


def test_member_list_and_search_agree_with_sqlite(
    hub_url: str, tmp_path: Path, db: Database
) -> None:
    """The same members typed into a SQLite registry and into the hub: the list pages and
    the searches give the same members in the same order."""
    from tests.unit.test_pg_search import NAMES, PHONES

    sqlite_db = db
    hub = open_database(resolve_paths(tmp_path, hub_url))
    try:
        union_of: dict[int, str] = {}
        for registry in (sqlite_db, hub):
            if federations.current(registry) is None:
                federations.create(registry, "联合会", card_prefix="GH")
            union = union_of[id(registry)] = unions.add(registry, "二号工会").id
            for i, name in enumerate(NAMES):
                members.add(
                    registry,
                    {
                        "name": name,
                        "id_number": _id(100 + i),
                        "union_id": union,
                        "phone": PHONES.get(name),
                    },
                )

        def listing(registry: Database, search: str | None) -> list[str]:
            flt = queries.MemberFilter(union_id=union_of[id(registry)], search=search)
            return [r.name for r in queries.read_page(registry, flt, limit=500)]

        for search in (None, "张", "zhang", "zs", "lv", "5678", "138001", "欧阳"):
            assert listing(hub, search) == listing(sqlite_db, search), search
        assert listing(hub, "张")  # not vacuous
    finally:
        hub.close()


def test_a_deleted_member_leaves_the_hub_search(hub_url: str, tmp_path: Path) -> None:
    hub = open_database(resolve_paths(tmp_path, hub_url))
    try:
        if federations.current(hub) is None:
            federations.create(hub, "联合会", card_prefix="GH")
        union = unions.add(hub, "三号工会").id
        member, _ = members.add(hub, {"name": "诸葛孔明", "id_number": _id(300), "union_id": union})
        with hub.connect(write=False) as conn:
            assert len(pg_search.search(conn, "诸葛孔")) == 1
        members.delete(hub, member.id)
        with hub.connect(write=False) as conn:
            assert pg_search.search(conn, "诸葛孔") == []
    finally:
        hub.close()


def test_backup_is_refused_on_the_hub(hub_url: str, tmp_path: Path) -> None:
    hub = open_database(resolve_paths(tmp_path, hub_url))
    try:
        with pytest.raises(DatabaseError, match="pg_dump"):
            hub.backup("manual")
        assert not (tmp_path / "backups").exists()
    finally:
        hub.close()


def test_file_backups_restore_and_keys_are_refused_on_the_hub(
    hub_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What only an office's file has: the hub refuses it and says who keeps the hub
    (an office's backup in this PC's folder restored "successfully" into a local file,
    the hub unchanged, and re-anchored the hub's audit trail)."""
    from desktop.services import audit
    from desktop.services.backups import restoring

    office = open_database(resolve_paths(tmp_path / "office"))
    try:
        backup = office.backup("manual")
    finally:
        office.close()
    data = tmp_path / "data"
    (data / "backups").mkdir(parents=True)
    copied = data / "backups" / backup.name
    copied.write_bytes(backup.read_bytes())
    for command in (
        ("backup", "list"),
        ("backup", "verify", backup.name),
        ("backup", "restore", backup.name, "--yes"),
        ("backup", "restore", str(backup), "--yes"),
        ("backup", "settings", "--keep", "5"),
        ("unlock",),
        ("recovery-key",),
    ):
        code, out, err = _cli(capsys, data, hub_url, *command)
        assert code == 1, (command, out, err)
        assert "总库" in err and "数据库管理员" in err and "未做任何改动" in err, (command, err)
        assert "Traceback" not in err
    assert not (data / "uniondesk.db").exists()
    hub = open_database(resolve_paths(data, hub_url))
    try:
        with pytest.raises(DatabaseError, match="pg_dump"):
            restoring.restore(hub, copied, open_database)
        with pytest.raises(DatabaseError, match="pg_dump"):
            restoring.restore_unopenable(hub.paths, hub.clock, copied, open_database)
        assert not (data / "uniondesk.db").exists()
        assert audit.RESTORE not in {entry.action for entry in audit.recent(hub)}
    finally:
        hub.close()


def test_an_office_and_the_hub_on_one_data_dir_keep_their_own_audit_anchors(
    hub_url: str, tmp_path: Path
) -> None:
    """The district's PC keeps its own office registry and reaches the hub with the same
    data dir (``--database-url``): the anchor of each trail was kept under the data dir's
    file name, so a save at the hub made the office's ``audit verify`` report its newest
    entries cut off (and the other way round)."""
    from desktop.services import audit
    from desktop.services.audit import verifying

    data = tmp_path / "data"
    office = open_database(resolve_paths(data))
    try:
        audit.record(office, audit.LOGIN, "本单位")
    finally:
        office.close()
    hub = open_database(resolve_paths(data, hub_url))
    try:
        for _ in range(3):
            audit.record(hub, audit.LOGIN, "总库")
        assert verifying.verify(hub).ok
    finally:
        hub.close()
    office = open_database(resolve_paths(data))
    try:
        verdict = verifying.verify(office)
        assert verdict.ok and verdict.anchored, verdict.message
        audit.record(office, audit.LOGIN, "本单位")
    finally:
        office.close()
    hub = open_database(resolve_paths(data, hub_url))
    try:
        verdict = verifying.verify(hub)
        assert verdict.ok and verdict.anchored, verdict.message
    finally:
        hub.close()


def test_backup_settings_are_not_offered_on_the_hub(
    pg_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`settings show` listed 【备份】 (保留备份份数 30 份) and `settings set backup_keep`
    saved a value nothing on the hub reads."""
    data = tmp_path / "data"
    hub_url = pg_server.url(_new_database(pg_server))
    assert _cli(capsys, data, hub_url, "init", "--federation", "甲区总工会")[0] == 0
    code, out, err = _cli(capsys, data, hub_url, "settings", "show")
    assert code == 0, err
    assert "【备份】" not in out and "backup_keep" not in out and "【安全】" in out
    for key, value in (("backup_keep", "5"), ("backup_second_copy_dir", str(tmp_path))):
        code, out, err = _cli(capsys, data, hub_url, "settings", "set", key, value)
        assert code == 1 and "pg_dump" in err and "未做任何改动" in err, (key, out, err)


def test_an_offices_recovery_key_cannot_reset_the_hubs_administrator(
    pg_server: PostgresServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`users recover` checked the recovery key against the data dir's keys.json: anyone
    allowed onto the hub made an office of their own (`init` prints its recovery key) and
    reset the hub's administrator's password with it."""
    import io

    from desktop.errors import UnionDeskError
    from desktop.services.accounts import records, signin

    data = tmp_path / "data"
    office = open_database(resolve_paths(data))
    code = office.recovery_code
    office.close()
    assert code
    hub_url = pg_server.url(_new_database(pg_server))
    hub = open_database(resolve_paths(data, hub_url))
    try:
        records.create_first_admin(hub, "admin", "总库管理员", "Hub-admin-pass-1")
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{code}\nTaken-over-1\nTaken-over-1\n"))
        exit_code, out, err = _cli(
            capsys, data, hub_url, "--password-stdin", "users", "recover", "admin"
        )
        assert exit_code == 1, (out, err)
        assert "总库" in err and "未做任何改动" in err
        with pytest.raises(UnionDeskError, match="总库"):
            records.reset_with_recovery_key(hub, "admin", code, "Taken-over-1")
        signin.authenticate(hub, "admin", "Hub-admin-pass-1")  # unchanged
    finally:
        hub.close()


# -- refusals: a clear Chinese message, exit 1, no traceback, no password, nothing written


def _refused(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    url: str,
    expected: str,
    command: tuple[str, ...] = ("unions", "list"),
) -> str:
    code, out, err = _cli(capsys, tmp_path / "data", url, *command)
    assert code == 1, (out, err)
    assert expected in err, err
    assert "Traceback" not in err and SECRET not in err + out
    return err


def test_malformed_url_is_refused_without_quoting_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _refused(capsys, tmp_path, f"postgresql+psycopg://u:{SECRET}@host:port/db", "无法识别")
    _refused(capsys, tmp_path, f"mysql://u:{SECRET}@host/db", "不是 PostgreSQL")
    _refused(capsys, tmp_path, f"postgresql://u:{SECRET}@host", "没有写数据库名")


def test_server_down_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_server: PostgresServer
) -> None:
    url = f"postgresql+psycopg://clerk:{SECRET}@/hub?host={tmp_path}&port=5432"
    err = _refused(capsys, tmp_path, url, "服务器未启动")
    assert "clerk:***@" in err  # the URL named, masked


def test_wrong_password_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_server: PostgresServer
) -> None:
    role = f"pw_{uuid.uuid4().hex[:8]}"
    _superuser(pg_server, f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
    hba = pg_server.data_dir / "pg_hba.conf"
    rules = hba.read_text()
    hba.write_text(f"local all {role} scram-sha-256\n" + rules)
    _superuser(pg_server, "SELECT pg_reload_conf()")
    name = _new_database(pg_server)
    good = f"postgresql+psycopg://{role}:{SECRET}@/{name}?host={pg_server.socket_dir}&port=5432"
    bad = good.replace(SECRET, "wrong-pass")
    deadline = time.monotonic() + 10  # the reload is signalled, not awaited
    probe = create_engine(bad)
    while time.monotonic() < deadline:
        try:
            probe.connect().close()
        except Exception:  # noqa: BLE001 - refused: the new rule is in force
            break
        time.sleep(0.1)
    probe.dispose()
    _refused(capsys, tmp_path, bad, "用户名或密码错误")


def test_a_role_without_rights_is_refused_and_nothing_is_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_server: PostgresServer
) -> None:
    role = f"ro_{uuid.uuid4().hex[:8]}"
    name = _new_database(pg_server)
    _superuser(pg_server, f"CREATE ROLE {role} LOGIN")
    _superuser(pg_server, f'GRANT CONNECT ON DATABASE "{name}" TO {role}')
    # PostgreSQL 15 gives PUBLIC no CREATE on schema public: say so for older servers too
    engine = create_engine(pg_server.url(name))
    with engine.begin() as conn:
        conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    url = f"postgresql+psycopg://{role}@/{name}?host={pg_server.socket_dir}&port=5432"
    _refused(capsys, tmp_path, url, "没有所需的权限", ("init", "--federation", "甲区总工会"))
    with engine.connect() as conn:
        count = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).scalar()
    engine.dispose()
    assert count == 0


def _public_tables(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_a_read_command_on_an_empty_database_makes_no_hub(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_server: PostgresServer
) -> None:
    """A mistyped database name that exists (``postgres``, an empty one made for
    something else) is not turned into a hub by ``stats``: as a mistyped --data-dir."""
    url = pg_server.url(_new_database(pg_server))
    for command in (("stats",), ("members", "find", "张"), ("sync", "id")):
        err = _refused(capsys, tmp_path, url, "空数据库", command)
        assert "init --federation" in err
        assert _public_tables(url) == 0
    code, _out, err = _cli(capsys, tmp_path / "data", url, "init", "--federation", "甲区总工会")
    assert code == 0, err
    assert _public_tables(url) > 0


def test_a_newer_hub_is_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_server: PostgresServer
) -> None:
    url = pg_server.url(_new_database(pg_server))
    open_database(resolve_paths(tmp_path / "first", url)).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        before = conn.exec_driver_sql("SELECT count(*) FROM sync_node").scalar()
    err = _refused(capsys, tmp_path, url, "更新版本")
    assert "9999" in err
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "9999"
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_node").scalar() == before
    engine.dispose()


def test_a_database_of_another_application_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pg_server: PostgresServer
) -> None:
    url = pg_server.url(_new_database(pg_server))
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE payroll (id int)")
    _refused(capsys, tmp_path, url, "不是工会桌面通的数据库")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None
    engine.dispose()


def _changes(registry: Database) -> list[tuple[str, dict[str, object], int, int]]:
    with registry.connect(write=False) as conn:
        return [
            (str(r.tbl), json.loads(r.fields), int(r.counter), int(r.hlc))
            for r in conn.exec_driver_sql(
                "SELECT tbl, fields, counter, hlc FROM sync_change ORDER BY counter"
            )
        ]


def test_capture_writes_the_change_log_as_on_sqlite(
    pg_server: PostgresServer, tmp_path: Path, db: Database
) -> None:
    hub = open_database(resolve_paths(tmp_path, pg_server.url(_new_database(pg_server))))
    try:
        for registry in (db, hub):
            federations.create(registry, "联合会", card_prefix="GH")
            union = unions.add(registry, "四号工会").id
            member, _ = members.add(
                registry, {"name": "张三", "id_number": _id(400), "union_id": union}
            )
            members.update(registry, member.id, {"phone": "13800138000"})
            members.update(registry, member.id, {"phone": "13800138000"})  # no change
            members.delete(registry, member.id)
        on_sqlite, on_hub = _changes(db), _changes(hub)
        # the same changes: tables, the fields each carries, their values where the two
        # registries agree (ids, card numbers and sort keys are their own)
        assert [(t, sorted(f)) for t, f, _, _ in on_hub] == [
            (t, sorted(f)) for t, f, _, _ in on_sqlite
        ]
        own = {"union_id", "federation_id", "card_no", "sort_key"}
        for (_, hub_fields, _, _), (_, lite_fields, _, _) in zip(on_hub, on_sqlite, strict=True):
            assert {k: v for k, v in hub_fields.items() if k not in own} == {
                k: v for k, v in lite_fields.items() if k not in own
            }
        assert [c for _, _, c, _ in on_hub] == list(range(1, len(on_hub) + 1))
        clocks = [h for _, _, _, h in on_hub]
        assert clocks == sorted(set(clocks))
        with pytest.raises(Exception, match="never deleted"), hub.connect() as conn:
            conn.exec_driver_sql("DELETE FROM members")
    finally:
        hub.close()


def test_two_clerks_adding_at_once_take_turns(pg_server: PostgresServer, tmp_path: Path) -> None:
    """A member added while another clerk's add is still open waits for it, then takes
    the next key (without the turn: the same ``rowid``, refused at the second commit)."""
    import threading

    from desktop.services.members import writer

    url = pg_server.url(_new_database(pg_server))
    first = open_database(resolve_paths(tmp_path / "a", url))
    second = open_database(resolve_paths(tmp_path / "b", url))
    try:
        federations.create(first, "联合会", card_prefix="GH")
        union = unions.add(first, "五号工会").id
        holding = threading.Event()

        def slow_add() -> None:
            with first.connect() as conn:
                row = {"name": "王甲", "id_number": _id(501), "union_id": union, "card_no": "A1"}
                writer.insert_one(conn, row)
                holding.set()
                time.sleep(0.6)  # the first clerk's transaction is still open

        clerk = threading.Thread(target=slow_add)
        clerk.start()
        assert holding.wait(10)
        members.add(
            second, {"name": "王乙", "id_number": _id(502), "union_id": union, "card_no": "B1"}
        )
        clerk.join()
        with second.connect(write=False) as conn:
            rows = conn.exec_driver_sql("SELECT name, rowid FROM members ORDER BY rowid").all()
        assert [(r.name, r.rowid) for r in rows] == [("王甲", 1), ("王乙", 2)]
    finally:
        first.close()
        second.close()


def _fill_for_figures(registry: Database) -> None:
    """Members who join, leave and are deleted, an activity they attend: what the
    dashboard's counting triggers follow."""
    from datetime import datetime

    from desktop.services.activities import attendance, records

    federations.create(registry, "联合会", card_prefix="GH")
    union = unions.add(registry, "六号工会").id
    added = [
        members.add(
            registry,
            {
                "name": name,
                "id_number": _id(600 + i),
                "union_id": union,
                "is_migrant_worker": i % 2 == 0,
                "joined_on": "2026-03-0" + str(i + 1),
            },
        )[0]
        for i, name in enumerate(("赵一", "钱二", "孙三", "李四"))
    ]
    activity = records.add(
        registry,
        {"title": "读书会", "category": "career", "starts_at": datetime(2026, 5, 1, 9, 0)},
    )
    for member in added[:2]:
        attendance.attend_member(registry, activity.id, member.id)
    members.mark_left(registry, added[1].id, "withdrawn", on=date(2026, 10, 1))
    members.update(registry, added[2].id, {"union_id": union, "phone": "13912345678"})
    members.delete(registry, added[3].id)


def test_dashboard_counts_follow_the_hub_as_on_sqlite(
    pg_server: PostgresServer, tmp_path: Path, db: Database
) -> None:
    from desktop.services.figures import dashboard
    from desktop.services.figures import summary as stats

    hub = open_database(resolve_paths(tmp_path, pg_server.url(_new_database(pg_server))))
    try:
        for registry in (db, hub):
            _fill_for_figures(registry)

        def figures(registry: Database) -> tuple[object, ...]:
            with registry.connect(write=False) as conn:
                people = dashboard.member_figures(conn, date(2026, 11, 21), date(2026, 11, 1))
                activity = dashboard.activity_figures(conn, 2026, date(2026, 11, 21))
            people = replace(
                people, by_union=tuple(replace(r, union_id="") for r in people.by_union)
            )
            return stats.registry_stats(registry), people, activity

        on_hub = figures(hub)
        assert on_hub == figures(db)
        assert on_hub[0].members_total == 3 and on_hub[0].migrant_workers == 2  # type: ignore[attr-defined]
    finally:
        hub.close()


def test_lists_history_and_reports_run_on_the_hub(
    pg_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beyond the slice: what SQLite's implicit rowid orders (``engines.add_rowids``), a
    flag summed as CASE, and the monthly and annual report workbooks."""
    url = pg_server.url(_new_database(pg_server))
    data = tmp_path / "data"
    assert _cli(capsys, data, url, "init", "--federation", "甲区总工会")[0] == 0
    assert _cli(capsys, data, url, "unions", "add", "一厂工会")[0] == 0
    args = ("members", "add", "--name", "周五", "--id-number", _id(700), "--union", "一厂工会")
    code, out, err = _cli(capsys, data, url, *args)
    assert code == 0, err
    member = out.strip()
    assert _cli(capsys, data, url, "members", "leave", member, "--status", "retained")[0] == 0
    code, out, err = _cli(capsys, data, url, "members", "history", member)
    assert code == 0 and "保留会籍" in out, err
    for command in (
        ("legal", "list"),
        ("honours", "list"),
        ("transfers", "list"),
        ("report", "monthly", "--year", "2026", "--month", "11", str(tmp_path / "m.xlsx")),
        ("report", "annual", "--year", "2026", str(tmp_path / "a.xlsx")),
    ):
        code, out, err = _cli(capsys, data, url, *command)
        assert code == 0, (command, err)
    assert (tmp_path / "m.xlsx").exists() and (tmp_path / "a.xlsx").exists()
