"""``uniondesk members erase`` and ``erasures list`` in-process: confirm or --yes, the
backups still holding the person, a second erasure and a bad reason refused (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.storage.database import Database
from tests.unit.test_cli_confirmations import Terminal
from tests.unit.test_cli_members import GOOD_ID, add_member, ready, run  # noqa: F401


def test_erase_by_id_number_lists_the_backups(
    ready: Path,  # noqa: F811
    db: Database,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = add_member(capsys, ready)
    older = db.backup("manual")
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))  # asked at a terminal: no
    code, out, _err = run(capsys, ready, "members", "erase", GOOD_ID, "--reason", "本人申请")
    assert code == 1 and "已取消" in out
    code, out, err = run(capsys, ready, "members", "erase", GOOD_ID, "--reason", "request", "--yes")
    assert code == 0, err
    assert member in out and older.name in out and "最迟" in out
    assert "张三" not in out + err and GOOD_ID not in out + err
    code, out, err = run(capsys, ready, "members", "show", member)
    assert code == 1  # gone from the registry
    code, out, err = run(capsys, ready, "check")
    assert code == 0, out + err  # an erased record breaks no stored-value rule
    code, _out, err = run(capsys, ready, "members", "erase", member, "--reason", "other", "--yes")
    assert code == 1 and "已经删除过" in err
    code, out, _err = run(capsys, ready, "erasures", "list", "--json")
    assert code == 0
    entries = json.loads(out)
    assert [(e["member_id"], e["reason_label"]) for e in entries] == [(member, "本人申请")]


def test_bad_reason_is_refused(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    member = add_member(capsys, ready)
    code, _out, err = run(capsys, ready, "members", "erase", member, "--reason", "随便", "--yes")
    assert code == 1 and "删除原因" in err
    code, out, _err = run(capsys, ready, "members", "show", member)
    assert code == 0 and "张三" in out


def test_erase_says_how_many_audit_reasons_the_trail_keeps(
    ready: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The hash-chained trail is never rewritten: the clerk is told what it keeps."""
    member = add_member(capsys, ready)
    code, _out, err = run(
        capsys, ready, "members", "show", member, "--unmasked", "--reason", "欧阳秘密本人来核对"
    )
    assert code == 0, err
    code, out, err = run(capsys, ready, "members", "erase", member, "--reason", "request", "--yes")
    assert code == 0, err
    assert "操作日志中有 1 条关于该记录的操作附有经办人填写的原因" in out, out
    assert "欧阳秘密" not in out
