"""A restored office keeps the trust of offices it reaches only through a relay (issue 18,
item 2), through the CLI on real data dirs.

Office A is restored from a backup and takes a fresh identity A'. A' sends only to B;
B relays A''s changes to C. C trusted A's old key: B's package carries A's succession
statement (signed by A's old key) with the relayed changes, and C accepts A' on it. When
C cannot (it never enrolled A, it revoked A, or the statement was altered on the way) C
says plainly why, and A''s changes are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.config import ENV_STATE_DIR
from desktop.storage import rawconn
from tests.unit.sync.test_copies_and_restores import (
    UNION,
    Office,
    enrol_both,
)


@pytest.fixture
def offices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[str], Office]:
    """Office PCs by name: a data dir and an installation state dir each."""

    def make(name: str) -> Office:
        return Office(name, tmp_path / name, tmp_path / f"{name}-pc", monkeypatch, capsys)

    return make


def setup(
    make_office, tmp_path: Path, c_knows_a: bool = True, more: tuple[str, ...] = ()
) -> tuple[Office, Office, Office, str]:  # type: ignore[no-untyped-def]
    """A (federation, one union), B and C; A–B and B–C enrolled, A–C too if ``c_knows_a``.
    A's setup reaches C through B. Then A is restored from a backup: a fresh identity
    (A's former node id is returned with the offices)."""
    a, b, c = make_office("a"), make_office("b"), make_office("c")
    a.ok("init", "--federation", "测试联合会", "--card-prefix", "GH")
    a.ok("unions", "add", UNION, "--industry", "C")
    b.first_start()
    c.first_start()
    enrol_both(a, b, tmp_path)
    enrol_both(b, c, tmp_path)
    if c_knows_a:
        enrol_both(a, c, tmp_path)
    for name in more:  # offices that enrolled A and C (A's former key)
        office = make_office(name)
        office.first_start()
        enrol_both(a, office, tmp_path)
        enrol_both(c, office, tmp_path)
    a.send(b, tmp_path, "setup")
    b.send(c, tmp_path, "setup")
    backup = a.backup()
    a.add_member("lost")
    old = a.node()
    a.restore(backup)
    assert a.node() != old  # restored: a fresh identity before its next write
    return a, b, c, old


def relayed_package(a: Office, b: Office, tmp_path: Path, member: str) -> tuple[str, Path]:
    """A' writes a member and sends only to B; B exports to C."""
    new_member = a.add_member(member)
    a.send(b, tmp_path, member)  # B accepts A' on its own succession statement
    pkg = tmp_path / f"b-to-c-{member}.udsync"
    b.ok("sync", "export", str(pkg))
    return new_member, pkg


def fingerprint(office: Office) -> str:
    return str(json.loads(office.ok("sync", "id", "--json"))["fingerprint"])


def test_relayed_successor_of_a_trusted_office_is_accepted(offices, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b, c, _old = setup(offices, tmp_path)
    new_member, pkg = relayed_package(a, b, tmp_path, "after")

    preview = c.ok("sync", "import", str(pkg), "--dry-run")
    assert "换了新身份" in preview and fingerprint(a) in preview
    assert "跳过未登记单位" not in preview
    code, out, _err = c.run("sync", "import", str(pkg), "--dry-run", "--json")
    origins = json.loads(out)["origins"]
    assert [(o["node_id"], o["vouched"]) for o in origins] == [(a.node(), "succession")]
    assert origins[0]["name"]  # the name C has for A, the office it succeeds

    c.ok("sync", "import", str(pkg), "--yes")
    assert c.member(new_member) is not None
    # C now trusts A' itself: A''s own next package is accepted directly, no enrolment
    later = a.add_member("direct")
    a.send(c, tmp_path, "direct")
    assert c.member(later) is not None


def test_relayed_statement_travels_on_through_a_second_relay(offices, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """C keeps the statement it accepted and passes it on to D, which trusted A too."""
    a, b, c, _old = setup(offices, tmp_path, more=("d",))
    d = offices("d")
    new_member, pkg = relayed_package(a, b, tmp_path, "after")
    c.ok("sync", "import", str(pkg), "--yes")
    c.send(d, tmp_path, "on")
    assert d.member(new_member) is not None


def test_relayed_successor_of_an_office_never_enrolled_is_skipped_saying_why(  # type: ignore[no-untyped-def]
    offices, tmp_path
) -> None:
    a, b, c, _old = setup(offices, tmp_path, c_knows_a=False)
    new_member, pkg = relayed_package(a, b, tmp_path, "after")
    code, out, err = c.run("sync", "import", str(pkg), "--yes")
    assert code == 0, out + err
    assert "跳过未登记单位" in out and fingerprint(a) in out
    assert "声明接替节点" in out and "本机也没有登记原节点" in out
    assert "并非已是最新" in out and "已是最新：" not in out  # A''s changes are not held here
    assert c.member(new_member) is None


def test_relayed_successor_of_a_revoked_office_is_refused_even_from_an_introducer(  # type: ignore[no-untyped-def]
    offices, tmp_path
) -> None:
    a, b, c, old = setup(offices, tmp_path)
    c.ok("sync", "revoke", old[:12])
    c.ok("sync", "introducer", b.node()[:12])  # B may introduce others, but not A's successor
    new_member, pkg = relayed_package(a, b, tmp_path, "after")
    code, out, err = c.run("sync", "import", str(pkg), "--yes", "--json")
    assert code == 0, out + err
    result = json.loads(out)
    assert [o["vouched"] for o in result["origins"]] == ["refused"]
    assert "已被本机撤销信任" in result["origins"][0]["text"]
    assert c.member(new_member) is None


def test_altered_relayed_statement_is_not_believed(offices, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b, c, _old = setup(offices, tmp_path)
    new_member = a.add_member("after")
    a.send(b, tmp_path, "after")
    b.mp.setenv(ENV_STATE_DIR, str(b.state))  # the relay's PC holds its database key
    with rawconn.connect(b.data / "uniondesk.db") as conn:  # the relay's copy is altered
        key, value = conn.execute(
            "SELECT key, value FROM app_settings WHERE key LIKE 'sync_succession:%'"
        ).fetchone()
        statement = json.loads(value)
        statement["sig"] = ("0" if statement["sig"][0] != "0" else "1") + statement["sig"][1:]
        conn.execute(
            "UPDATE app_settings SET value = ? WHERE key = ?", (json.dumps(statement), key)
        )
    pkg = tmp_path / "b-to-c.udsync"
    b.ok("sync", "export", str(pkg))
    out = c.ok("sync", "import", str(pkg), "--yes")
    assert "接替声明的签名无效" in out
    assert c.member(new_member) is None


def test_revoking_the_old_key_later_keeps_the_successor(offices, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The old PC is gone: once C trusts A', C may revoke A's old key (docs/SYNC.md);
    A''s changes relayed afterwards still arrive."""
    a, b, c, old = setup(offices, tmp_path)
    _member, pkg = relayed_package(a, b, tmp_path, "after")
    c.ok("sync", "import", str(pkg), "--yes")
    c.ok("sync", "revoke", old[:12])
    later, pkg = relayed_package(a, b, tmp_path, "later")
    out = c.ok("sync", "import", str(pkg), "--yes")
    assert "跳过" not in out
    assert c.member(later) is not None
