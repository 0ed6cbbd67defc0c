"""A full disk, a read-only database, a writer that waits too long, a bad path: each a
Chinese message on stderr, exit 1, nothing written, and no personal data or traceback.

The database is made "full" for real with SQLite's ``PRAGMA max_page_count`` (SQLITE_FULL,
the code a full disk gives; portable, no root). File outputs get a real ENOSPC from a tiny
tmpfs when this process may mount one (root on Linux), else those tests are skipped.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import Pool

from desktop.cli import main
from desktop.errors import DatabaseBusyError
from desktop.services.members import registry as members
from desktop.services.unions import registry as unions
from desktop.storage import database as db_module
from desktop.storage import rawconn
from desktop.storage.database import Database, make_engine
from desktop.sync import export as sync_export
from tests.unit.spreadsheets.helpers import make_id, setup_registry, write_csv
from tests.unit.sync.helpers import mesh, node_of

UNION = "甲公司工会"
# Test data a leak would show: names, an ID number, an address.
NAMES = ("欧阳泄露", "司马泄露", "诸葛泄露")
ADDRESS = "泄露路88号"
FULL = "磁盘空间不足"


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def count(db: Database, table: str = "members") -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def assert_clean(err: str, *secrets: str) -> None:
    assert "Traceback" not in err and "[parameters" not in err and "INSERT" not in err
    for secret in secrets:
        assert secret not in err, secret


@contextmanager
def database_full(extra_pages: int = 0) -> Iterator[None]:
    """Every new connection (the CLI's engine included) may not grow the file more than
    ``extra_pages``: writes past that fail with SQLITE_FULL, as on a full disk."""

    def limit(dbapi_conn: rawconn.Connection, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    event.listen(Pool, "connect", limit)
    try:
        yield
    finally:
        event.remove(Pool, "connect", limit)


@pytest.fixture
def registry(db: Database) -> Database:
    setup_registry(db, UNION)
    return db


# --- 1. disk full -----------------------------------------------------------------------


def test_members_add_on_a_full_database(
    registry: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    id_number = make_id(seq=11)
    with database_full():  # the notes take more than the free space of any page
        code, _, err = run(
            capsys, data_dir, "members", "add", "--name", NAMES[0], "--id-number", id_number,
            "--union", UNION, "--employer", ADDRESS, "--notes", ADDRESS * 300,
        )  # fmt: skip
    assert code == 1
    assert FULL in err and "未写入任何数据" in err and "请清理磁盘后重试" in err
    assert_clean(err, NAMES[0], id_number, ADDRESS)
    assert count(registry) == 0


def test_roster_import_on_a_full_database(
    registry: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["姓名", "身份证号", "所属工会", "工作单位"]]
    rows += [[f"{NAMES[i % 3]}{i}", make_id(seq=i), UNION, ADDRESS] for i in range(1, 300)]
    roster = write_csv(tmp_path / "r.csv", rows, "utf-8")
    with database_full():
        code, _, err = run(capsys, data_dir, "roster", "import", str(roster))
    assert code == 1 and FULL in err
    assert_clean(err, *NAMES, ADDRESS, make_id(seq=1))
    assert count(registry) == 0


def test_sync_import_on_a_full_database_prints_no_package_rows(
    db_factory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    """The reported leak: SQLAlchemy's error text carried the decrypted rows."""
    sender, receiver = db_factory("sender"), db_factory("receiver")
    mesh([sender, receiver], tmp_path)
    ids = setup_registry(sender, UNION)
    unions.update(sender, ids[UNION], address=ADDRESS)
    for i in range(60):
        members.add(sender, {"name": f"{NAMES[i % 3]}{i}", "id_number": make_id(seq=i),
                             "union_id": ids[UNION], "employer": ADDRESS})  # fmt: skip
    package = tmp_path / "p.udsync"
    sync_export.export(sender, package, [node_of(receiver)], True)
    before = count(receiver, "sync_change")
    with database_full():
        code, _, err = run(capsys, receiver.paths.data_dir, "sync", "import", str(package), "--yes")
    assert code == 1 and FULL in err
    assert_clean(err, *NAMES, ADDRESS, make_id(seq=1))
    assert count(receiver) == 0 and count(receiver, "sync_change") == before


def test_statement_errors_never_carry_their_parameters(registry: Database) -> None:
    """``hide_parameters``: a unique-constraint error does not quote the ID number."""
    union_id = unions.list_all(registry)[0].id
    members.add(registry, {"name": NAMES[0], "id_number": make_id(seq=5), "union_id": union_id})
    with pytest.raises(IntegrityError) as caught, registry.connect() as conn:
        conn.execute(
            text("INSERT INTO unions (id, federation_id, name, sort_key) SELECT id, "
                 "federation_id, :n, '' FROM unions"),
            {"n": ADDRESS},
        )  # fmt: skip
    assert ADDRESS not in str(caught.value)


def _can_mount_tmpfs(folder: Path) -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture
def full_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a 64 KB tmpfs filled to the last byte: writes there get ENOSPC."""
    folder = tmp_path / "full"
    folder.mkdir()
    if not _can_mount_tmpfs(folder):
        pytest.skip("needs root to mount a tiny tmpfs (a real ENOSPC)")
    try:
        with (folder / "filler").open("wb", buffering=0) as fh, pytest.raises(OSError):
            while True:
                fh.write(b"\0" * 4096)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)  # -l: even while busy


def test_print_cards_to_a_full_disk(
    registry: Database, data_dir: Path, full_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    union_id = unions.list_all(registry)[0].id
    members.add(registry, {"name": NAMES[0], "id_number": make_id(seq=5), "union_id": union_id})
    target = full_folder / "cards.pdf"
    code, _, err = run(capsys, data_dir, "print", "cards", str(target), "--union", UNION)
    assert code == 1 and FULL in err and str(target) in err
    assert_clean(err, NAMES[0])
    assert sorted(p.name for p in full_folder.iterdir()) == ["filler"]


def test_roster_export_to_a_full_disk(
    registry: Database, data_dir: Path, full_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    union_id = unions.list_all(registry)[0].id
    for i in range(50):
        members.add(registry, {"name": f"{NAMES[0]}{i}", "id_number": make_id(seq=i),
                               "union_id": union_id})  # fmt: skip
    target = full_folder / "roster.xlsx"
    code, _, err = run(capsys, data_dir, "roster", "export", str(target))
    assert code == 1 and FULL in err and str(target) in err
    assert_clean(err, NAMES[0], "Exception ignored")
    assert sorted(p.name for p in full_folder.iterdir()) == ["filler"]


# --- 2. a read-only database file in a writable folder ---------------------------------


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file read-only for this process: mode 0444, or, for root (who ignores modes),
    the immutable attribute (``chattr +i``, which binds root too)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("running as root on a file system without chattr +i")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_database_refuses_writes_with_a_message(
    registry: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry.close()
    id_number = make_id(seq=21)
    with read_only(data_dir / "uniondesk.db"):
        code, _, err = run(
            capsys, data_dir, "members", "add", "--name", NAMES[1], "--id-number", id_number,
            "--union", UNION,
        )  # fmt: skip
        assert code == 1 and "只读" in err and str(data_dir / "uniondesk.db") in err
        assert_clean(err, NAMES[1], id_number)
        code, out, err = run(capsys, data_dir, "stats")  # reading still works
        assert code == 0, err
    assert count(registry) == 0


# --- 3. another writer holds the database ----------------------------------------------


@contextmanager
def another_writer(path: Path) -> Iterator[None]:
    """A second connection in a write transaction, as another window mid-import."""
    other = rawconn.connect(path, autocommit=True)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_command_that_meets_another_writer_says_so_and_ctrl_c_cancels(
    registry: Database,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CLI waits for the other writer (``cli.waiting``) instead of failing after the
    busy timeout; the clerk's Ctrl+C (played on the third round) stops it, nothing written."""
    from desktop.cli.waiting import WAITING_MESSAGE, CliWaitPolicy

    rounds: list[float] = []
    keep_waiting = CliWaitPolicy.keep_waiting

    def ctrl_c_on_the_third_round(self: CliWaitPolicy, waited: float) -> bool:
        rounds.append(waited)
        if len(rounds) == 3:
            raise KeyboardInterrupt
        return keep_waiting(self, waited)

    monkeypatch.setattr(CliWaitPolicy, "keep_waiting", ctrl_c_on_the_third_round)
    id_number = make_id(seq=31)
    started = time.monotonic()
    with another_writer(data_dir / "uniondesk.db"):
        code, _, err = run(
            capsys, data_dir, "members", "add", "--name", NAMES[2], "--id-number", id_number,
            "--union", UNION,
        )  # fmt: skip
    assert time.monotonic() - started < 5
    assert code == 130 and err.count(WAITING_MESSAGE) == 1 and "已中断" in err
    assert_clean(err, NAMES[2], id_number)
    assert count(registry) == 0


def test_the_engine_waits_the_busy_timeout_then_raises_the_domain_error(
    registry: Database, data_dir: Path
) -> None:
    """Mid-command (the database already open): the service call raises the domain
    error after the engine's timeout; the default is ten seconds."""
    assert db_module.BUSY_TIMEOUT == 10
    quick = Database(registry.paths, make_engine(registry.paths.database, busy_timeout=0.3))
    union_id = unions.list_all(quick)[0].id
    try:
        with another_writer(registry.paths.database):
            started = time.monotonic()
            with pytest.raises(DatabaseBusyError, match="另一个窗口或命令正在写入") as caught:
                members.add(quick, {"name": NAMES[0], "id_number": make_id(seq=3),
                                    "union_id": union_id})  # fmt: skip
            assert 0.25 < time.monotonic() - started < 3
        assert NAMES[0] not in str(caught.value)
        assert count(quick) == 0
    finally:
        quick.close()


# --- bad paths --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["roster", "import", "{missing}/r.xlsx"], "找不到"),
        (["roster", "export", "{missing}/x.xlsx"], "不存在"),
        (["print", "cards", "{missing}/c.pdf", "--union", UNION], "找不到「{missing}/c.pdf」"),
        (["print", "cards", "{folder}", "--union", UNION], "「{folder}」是一个文件夹"),
        (["print", "form", "registration", "{missing}/f.pdf", "--blank"], "找不到「{missing}"),
        (["sync", "import", "{missing}/p.udsync", "--yes"], "找不到「{missing}/p.udsync」"),
    ],
)
def test_bad_paths_get_a_message_with_the_path(
    registry: Database,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    union_id = unions.list_all(registry)[0].id
    members.add(registry, {"name": NAMES[0], "id_number": make_id(seq=5), "union_id": union_id})
    places = {"missing": str(tmp_path / "nope"), "folder": str(tmp_path)}
    code, _, err = run(capsys, data_dir, *(a.format(**places) for a in argv))
    assert code == 1 and err.startswith("错误：")
    assert expected.format(**places) in err
    assert "No such file" not in err and "Is a directory" not in err  # the OS's English
    assert_clean(err, NAMES[0])


def test_an_unexpected_error_is_named_without_its_text(
    registry: Database,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug's message may quote a name: only its type and place are printed."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError(f"{NAMES[0]} cannot be used in worksheets.")

    monkeypatch.setattr("desktop.services.rosters.export.export_members", broken)
    code, _, err = run(capsys, data_dir, "roster", "export", str(data_dir / "x.xlsx"))
    assert code == 1 and "程序内部错误（ValueError" in err
    assert_clean(err, NAMES[0])


def test_a_data_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_folder = tmp_path / "roster.xlsx"
    not_a_folder.write_bytes(b"PK")
    code, _, err = run(capsys, not_a_folder, "stats")
    assert code == 1 and f"数据目录「{not_a_folder}」是一个文件" in err
    assert not_a_folder.read_bytes() == b"PK"
