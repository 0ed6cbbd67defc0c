"""The CLI's y/N questions (erase, restore, sync import) in a script, a GUI wrapper or a
terminal whose input ended: never an internal error, never a write — the command asks
for a terminal or ``--yes`` and exits 1 (QA report C1)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.storage.database import Database
from tests.unit.sync.helpers import add_federation, add_member, add_union, mesh, node_of
from tests.unit.test_cli_members import add_member as cli_add_member
from tests.unit.test_cli_members import ready, run  # noqa: F401

NEEDS = "需要确认：请在终端中运行，或加 --yes"


class Terminal(io.StringIO):
    """What the clerk types at a terminal (``isatty``); empty: the input has ended."""

    def isatty(self) -> bool:
        return True


def _no_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin as a script or a GUI wrapper leaves it: not a terminal, nothing to read."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def _ended_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal whose input has ended (Ctrl-D, or a closed pipe that says it is a tty)."""
    monkeypatch.setattr("sys.stdin", Terminal(""))


def _member_count(db: Database) -> int:
    with db.connect(write=False) as conn:
        found = conn.exec_driver_sql("SELECT count(*) FROM members WHERE name = '张三'")
        return int(found.scalar_one())


@pytest.mark.parametrize("stdin", [_no_input, _ended_terminal])
def test_erase_without_yes_and_without_a_terminal_is_refused(
    ready: Path,  # noqa: F811
    db: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: object,
) -> None:
    member = cli_add_member(capsys, ready)
    stdin(monkeypatch)  # type: ignore[operator]
    code, _out, err = run(capsys, ready, "members", "erase", member, "--reason", "request")
    assert code == 1
    assert NEEDS in err and "程序内部错误" not in err and "EOFError" not in err
    assert _member_count(db) == 1  # nothing erased


def test_erase_at_a_terminal_asks_and_takes_no_for_no(
    ready: Path,  # noqa: F811
    db: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = cli_add_member(capsys, ready)
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, _err = run(capsys, ready, "members", "erase", member, "--reason", "request")
    assert code == 1 and "已取消" in out and _member_count(db) == 1
    monkeypatch.setattr("sys.stdin", Terminal("是\n"))
    code, out, err = run(capsys, ready, "members", "erase", member, "--reason", "request")
    assert code == 0, err
    assert _member_count(db) == 0


def test_restore_at_a_terminal_whose_input_ended_is_refused(
    ready: Path,  # noqa: F811
    db: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = db.backup("manual")
    cli_add_member(capsys, ready)  # after the backup: a restore would lose it
    _ended_terminal(monkeypatch)
    code, _out, err = run(capsys, ready, "backup", "restore", backup.name)
    assert code == 1
    assert NEEDS in err and "程序内部错误" not in err
    assert _member_count(db) == 1


def test_sync_import_at_a_terminal_whose_input_ended_is_refused(
    db_factory,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop.sync import export

    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    add_member(a, add_union(a, add_federation(a)), "张三", "A1")
    package = tmp_path / "1.udsync"
    export.export(a, package, to=[node_of(b)])
    _ended_terminal(monkeypatch)
    capsys.readouterr()
    code = main(["--data-dir", str(b.paths.data_dir), "sync", "import", str(package)])
    err = capsys.readouterr().err
    assert code == 1
    assert NEEDS in err and "程序内部错误" not in err
    assert _member_count(b) == 0
    assert main(["--data-dir", str(b.paths.data_dir), "sync", "import", str(package), "--yes"]) == 0
    assert _member_count(b) == 1
