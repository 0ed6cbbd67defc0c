"""``uniondesk users …`` and the command's sign-in: passwords from stdin or getpass,
never arguments; with accounts in place every command needs ``--user``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop import acting
from desktop.cli import main
from desktop.services import audit
from desktop.storage.database import Database
from tests.unit.accounts.conftest import ADMIN_PASSWORD, STAFF_PASSWORD
from tests.unit.test_cli_members import GOOD_ID, UNION

ADMIN = ("--user", "admin", "--password-stdin")


class _Terminal(io.StringIO):
    """Standard input that is a terminal (getpass is replaced where it is read)."""

    def isatty(self) -> bool:
        return True


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    *args: str,
    stdin: str = "",
    terminal: bool = False,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", (_Terminal if terminal else io.StringIO)(stdin))
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    assert not acting.current().signed_in  # the command's actor ends with it
    return code, out, err


@pytest.fixture
def office(
    db: Database,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A registry with one member and, made by ``users add``, its first administrator."""
    assert run(capsys, monkeypatch, data_dir, "init", "--federation", "测试工会联合会")[0] == 0
    assert run(capsys, monkeypatch, data_dir, "unions", "add", UNION)[0] == 0
    code, out, err = run(
        capsys, monkeypatch, data_dir, "members", "add", "--name", "张三",
        "--id-number", GOOD_ID, "--union", UNION,
    )  # fmt: skip
    assert code == 0, err
    member_id = out.strip()
    code, out, err = run(
        capsys, monkeypatch, data_dir, "--password-stdin", "users", "add", "admin",
        "--name", "王管理", stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    assert "第一个账号「admin」（管理员" in out
    return member_id


@pytest.mark.both_engines  # the hub has no registry file: its accounts are asked for too
def test_with_accounts_every_command_needs_a_user(
    office: str,
    db: Database,
    data_dir: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    code, _out, err = run(capsys, monkeypatch, data_dir, "members", "show", office)
    assert code == 2 and "请用 --user 用户名" in err
    code, _out, err = run(
        capsys, monkeypatch, data_dir, *ADMIN, "members", "show", office, stdin="wrong-one\n"
    )
    assert code == 2 and "登录失败：用户名或密码不正确" in err
    code, out, err = run(
        capsys, monkeypatch, data_dir, *ADMIN, "members", "show", office,
        stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0 and "张三" in out, err
    monkeypatch.setenv("UNIONDESK_USER", "admin")
    code, out, err = run(
        capsys, monkeypatch, data_dir, "--password-stdin", "members", "show", office,
        stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    failed = [r.detail for r in audit.recent(db) if r.action == audit.LOGIN_FAILED]
    assert failed == ["账号 admin：密码错误", "命令行：未指定账号"]
    assert [r.detail for r in audit.recent(db) if r.action == audit.LOGIN][:1] == [
        "账号 admin 登录"
    ]


@pytest.fixture
def as_admin(office: str, data_dir: Path, capsys, monkeypatch) -> Any:  # type: ignore[no-untyped-def]
    """Run a command as the administrator (its password first on stdin)."""

    def admin(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return run(
            capsys, monkeypatch, data_dir, *ADMIN, *args, stdin=ADMIN_PASSWORD + "\n" + stdin
        )

    return admin


def test_users_add_role_list(as_admin: Any) -> None:
    code, out, err = as_admin("users", "add", "clerk", "--name", "张办事", stdin=STAFF_PASSWORD)
    assert code == 0 and "已创建账号「clerk」（工作人员）" in out, err
    code, _out, err = as_admin("users", "add", "weak", "--name", "弱", stdin="12345678901\n")
    assert code == 1 and "不能全是数字" in err
    assert as_admin("users", "role", "clerk", "只读", "--sensitive")[0] == 0
    code, out, _err = as_admin("users", "list", "--json")
    listed = {a["username"]: a for a in json.loads(out)}
    assert set(listed) == {"admin", "clerk"}
    assert listed["clerk"]["role"] == acting.READONLY and listed["clerk"]["sensitive"]
    assert "password_hash" not in listed["clerk"]
    code, out, _err = as_admin("users", "list")
    assert "clerk\t张办事\t只读，可查看敏感信息\n" in out


def test_users_passwd_disable_enable(
    as_admin: Any,
    data_dir: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    def clerk(*args: str, stdin: str) -> tuple[int, str, str]:
        return run(
            capsys, monkeypatch, data_dir, "--user", "clerk", "--password-stdin", *args,
            stdin=stdin,
        )  # fmt: skip

    assert as_admin("users", "add", "clerk", "--name", "张办事", stdin=STAFF_PASSWORD)[0] == 0
    # own password: the first line signs in (and is the old one), the second is the new one
    code, out, err = clerk("users", "passwd", stdin=f"{STAFF_PASSWORD}\nClerk-new-22\n")
    assert code == 0 and "密码已修改" in out, err
    code, _out, err = clerk("users", "list", stdin="Clerk-new-22\n")
    assert code == 1 and "没有「管理账号和设置」的权限" in err
    assert as_admin("users", "passwd", "clerk", stdin="Clerk-reset-3\n")[0] == 0
    assert as_admin("users", "disable", "clerk")[0] == 0
    code, _out, err = clerk("users", "list", stdin="Clerk-reset-3\n")
    assert code == 2 and "已停用" in err
    code, _out, err = as_admin("users", "disable", "admin")
    assert code == 1 and "最后一个可用的管理员" in err
    assert as_admin("users", "enable", "clerk")[0] == 0
    assert clerk("users", "passwd", stdin="Clerk-reset-3\nClerk-own-44\n")[0] == 0


def test_passwords_are_prompted_twice_and_never_arguments(
    db: Database,
    data_dir: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    answers: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": answers.pop(0))
    answers[:] = [ADMIN_PASSWORD, "Something-else-1"]
    add = ("users", "add", "admin", "--name", "王")
    code, _out, err = run(capsys, monkeypatch, data_dir, *add, terminal=True)
    assert code == 1 and "两次输入的密码不一致" in err
    answers[:] = [ADMIN_PASSWORD, ADMIN_PASSWORD]
    assert run(capsys, monkeypatch, data_dir, *add, terminal=True)[0] == 0
    answers[:] = [ADMIN_PASSWORD]
    code, out, _err = run(
        capsys, monkeypatch, data_dir, "--user", "admin", "users", "list", terminal=True
    )
    assert code == 0 and "admin\t王\t管理员" in out
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data_dir), "users", "add", "x", "--name", "x", "--password", "p"])
    assert exc.value.code == 2


def test_read_only_account_cannot_edit_a_member_from_the_command_line(
    office: str,
    db: Database,
    data_dir: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    code, _out, err = run(
        capsys, monkeypatch, data_dir, *ADMIN, "users", "add", "reader", "--name", "只读员",
        "--role", "readonly", stdin=f"{ADMIN_PASSWORD}\n{STAFF_PASSWORD}\n",
    )  # fmt: skip
    assert code == 0, err

    def state() -> tuple[object, ...]:
        with db.connect(write=False) as conn:
            return (
                conn.execute(text("SELECT name, phone, deleted FROM members")).all(),
                conn.execute(text("SELECT count(*) FROM sync_change")).scalar_one(),
            )

    before = state()
    for verb in (["update", office, "--phone", "13800138000"], ["delete", office]):
        code, _out, err = run(
            capsys, monkeypatch, data_dir, "--user", "reader", "--password-stdin", "members",
            *verb, stdin=STAFF_PASSWORD + "\n",
        )  # fmt: skip
        assert code == 1
        assert "账号「只读员」（只读）没有「修改数据」的权限" in err
    assert state() == before


def test_demo_folder_has_no_account_and_asks_nothing(
    db: Database,
    data_dir: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """``uniondesk demo`` makes no account: the demo opens without a log-in, as before."""
    code, _out, err = run(capsys, monkeypatch, data_dir, "demo", "--members", "20")
    assert code == 0, err
    code, out, err = run(capsys, monkeypatch, data_dir, "stats", "--json")
    assert code == 0 and json.loads(out)["members_total"] == 20, err


def test_a_password_prompt_without_a_terminal_is_refused_in_chinese(
    office: str,
    data_dir: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """QA D5: a scheduled task (stdin not a terminal, no --password-stdin) got getpass's
    English warnings, then 「程序内部错误（EOFError…）」; a password piped in without
    --password-stdin printed the warnings too."""
    import warnings

    for stdin in ("", ADMIN_PASSWORD + "\n"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a GetPassWarning fails the test
            code, out, err = run(
                capsys, monkeypatch, data_dir, "--user", "admin", "stats", stdin=stdin
            )
        assert code == 2 and out == ""
        assert "没有可以输入密码的终端" in err and "--password-stdin" in err
        assert "EOFError" not in err and "Warning" not in err


def test_a_forgotten_administrator_password_is_reset_with_the_recovery_key(
    office: str,
    db: Database,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The only administrator forgot the password: nobody could sign in any more (the
    recovery key in the safe unlocked the database on a new PC, but no account). Now the
    recovery key proves the right to set a new administrator password."""
    from desktop.storage import keys

    code = keys.new_recovery_key(db.paths, keys.database_key(db.paths))
    new = "Brand-new-pass-1"
    wrong = run(capsys, monkeypatch, data_dir, "--password-stdin", "users", "recover", "admin",
                stdin=f"AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\n{new}\n{new}\n")  # fmt: skip
    assert wrong[0] == 1 and "恢复密钥不对" in wrong[2]
    done = run(capsys, monkeypatch, data_dir, "--password-stdin", "users", "recover", "admin",
               stdin=f"{code.lower()}\n{new}\n{new}\n")  # fmt: skip
    assert done[0] == 0, done[2]
    assert "已用恢复密钥重置" in done[1]
    ok = run(capsys, monkeypatch, data_dir, "--user", "admin", "--password-stdin", "audit",
             "list", stdin=f"{new}\n")  # fmt: skip
    assert ok[0] == 0 and "用恢复密钥重置了密码" in ok[1]
    assert code not in ok[1]
    # the administrator's key slot follows: the new password unlocks a moved folder too
    assert "admin" in keys.password_users(db.paths)
    keys.unlock_with_password(db.paths, "admin", new)
