"""Copied and restored offices, through the CLI on real data dirs (issue 18, items 1-2).

Each "PC" is a data dir plus its own installation state dir (``UNIONDESK_STATE_DIR``):
a folder copied to a new PC brings the data dir along but not the state dir, so the new
PC unlocks the encrypted database once with the recovery key (docs/SECURITY.md).
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.config import ENV_STATE_DIR, Paths
from desktop.opening import open_database
from desktop.storage import keys
from tests.older_copy import put_back
from tests.unit.sync.helpers import valid_id

UNION = "甲工会"


@dataclass
class Office:
    """One office PC driven through the CLI: its data dir and its installation state."""

    name: str
    data: Path
    state: Path
    mp: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def run(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        self.mp.setenv(ENV_STATE_DIR, str(self.state))
        code = main(["--data-dir", str(self.data), *argv])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self.run(*argv)
        assert code == 0, f"{self.name} {argv}: {out}{err}"
        return out

    def first_start(self) -> None:
        """A new office's registry, as the window's first start makes it (commands other
        than ``init`` and ``demo`` make none): no federation, which its setup brings."""
        self.mp.setenv(ENV_STATE_DIR, str(self.state))
        open_database(Paths(self.data)).close()

    def node(self) -> str:
        return str(json.loads(self.ok("sync", "id", "--json"))["node_id"])

    def add_member(self, token: str, union: str = UNION) -> str:
        out = self.ok(
            "members", "add", "--name", f"会员{token}", "--id-number", valid_id(token),
            "--union", union,
        )  # fmt: skip
        return out.strip()

    def member(self, member_id: str) -> dict[str, object] | None:
        code, out, _err = self.run("members", "show", member_id, "--json")
        return json.loads(out) if code == 0 else None

    def send(self, to: Office, folder: Path, tag: str) -> Path:
        """Export to every trusted office; ``to`` imports it (asserting success)."""
        pkg = folder / f"{self.name}-{tag}.udsync"
        self.ok("sync", "export", str(pkg))
        to.ok("sync", "import", str(pkg), "--yes")
        return pkg

    def backup(self) -> Path:
        self.mp.setenv(ENV_STATE_DIR, str(self.state))
        db = open_database(Paths(self.data))
        try:
            return db.backup("manual")
        finally:
            db.close()

    def unlock_from(self, original: Office) -> None:
        """A copy on another PC asks once for the key: the original's administrator makes
        a recovery key (into the copy's keys.json) and the new PC enters it."""
        self.mp.setenv(ENV_STATE_DIR, str(original.state))
        key = keys.database_key(Paths(original.data))
        code = keys.new_recovery_key(Paths(self.data), key)
        self.mp.setattr("sys.stdin", io.StringIO(code + "\n"))
        self.ok("unlock", "--stdin")

    def restore(self, backup: Path) -> None:
        """Put an older copy of the database file back, as a technician would."""
        self.mp.setenv(ENV_STATE_DIR, str(self.state))
        put_back(backup, self.data / "uniondesk.db")


@pytest.fixture
def make_office(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[object]:
    def make(name: str, data: Path | None = None) -> Office:
        return Office(name, data or tmp_path / name, tmp_path / f"{name}-pc", monkeypatch, capsys)

    yield make


def enrol_both(a: Office, b: Office, folder: Path) -> None:
    for one, other in ((a, b), (b, a)):
        card = folder / f"{one.name}.udkey"
        fp = json.loads(one.ok("sync", "id", "--json", "--export-key", str(card)))["fingerprint"]
        other.ok("sync", "trust", str(card), "--fingerprint", fp)


@pytest.fixture
def pair(make_office, tmp_path: Path) -> tuple[Office, Office]:  # type: ignore[no-untyped-def]
    """Office A (federation, one union) and office B, enrolled both ways, B holding A's setup."""
    a, b = make_office("a"), make_office("b")
    a.ok("init", "--federation", "测试联合会", "--card-prefix", "GH")
    a.ok("unions", "add", UNION, "--industry", "C")
    b.first_start()
    enrol_both(a, b, tmp_path)
    a.send(b, tmp_path, "setup")
    return a, b


def card(office: Office, member_id: str) -> str:
    shown = office.member(member_id)
    assert shown is not None
    return str(shown["card_no"])


def test_whole_folder_copied_to_a_new_pc_takes_a_new_identity(pair, make_office, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    copy = make_office("a2")
    shutil.copytree(a.data, copy.data)  # IT moves the folder; the new PC has its own state
    copy.unlock_from(a)
    assert copy.node() != a.node()

    on_a = a.add_member("on-a")
    on_copy = copy.add_member("on-copy")
    assert card(a, on_a) != card(copy, on_copy)  # a fresh identity, a fresh issuer code

    copy.send(b, tmp_path, "1")  # B trusts the copy: the original's key signed its succession
    a.send(b, tmp_path, "1")
    copy.send(a, tmp_path, "2")  # the original takes its copy's changes
    a.send(copy, tmp_path, "2")  # and the copy the original's (not "its own" any more)
    for office in (a, b, copy):
        assert office.member(on_a) is not None, office.name
        assert office.member(on_copy) is not None, office.name
        assert card(office, on_a) != card(office, on_copy)


def test_folder_copied_on_the_same_pc_to_another_folder(pair, make_office) -> None:  # type: ignore[no-untyped-def]
    a, _b = pair
    elsewhere = make_office("a-moved")
    elsewhere.state = a.state  # the same installation, another folder
    shutil.copytree(a.data, elsewhere.data)
    assert elsewhere.node() != a.node()
    node = a.node()
    a.add_member("again")
    assert a.node() == node  # the original, reopened where it was, keeps its identity


def test_database_file_alone_copied_to_another_pc(pair, make_office, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    copy = make_office("a2")
    copy.data.mkdir()
    shutil.copyfile(a.data / "uniondesk.db", copy.data / "uniondesk.db")
    shutil.copyfile(a.data / "keys.json", copy.data / "keys.json")  # the file needs its keys
    copy.unlock_from(a)
    assert copy.node() != a.node()
    on_a = a.add_member("on-a")
    on_copy = copy.add_member("on-copy")
    assert card(a, on_a) != card(copy, on_copy)

    copy.send(b, tmp_path, "1")
    copy.send(a, tmp_path, "2")  # the original trusts its copy: its own key signed for it
    a.send(copy, tmp_path, "1")  # the original's package is someone else's to the copy
    for office in (a, b, copy):
        assert office.member(on_copy) is not None, office.name
    assert copy.member(on_a) is not None


def test_receiver_restored_from_an_older_backup_gets_everything_again(pair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    first = a.add_member("first")
    a.send(b, tmp_path, "1")
    backup = b.backup()
    later = a.add_member("later")
    a.send(b, tmp_path, "2")
    b.send(a, tmp_path, "ack")  # B acknowledges holding `later`
    b.restore(backup)
    assert b.member(later) is None  # lost with the restore

    b.send(a, tmp_path, "3")  # B declares what it holds now
    a.send(b, tmp_path, "3")  # A re-sends what that declaration does not cover
    assert b.member(first) is not None and b.member(later) is not None


def test_sender_restored_from_a_backup_gets_its_lost_changes_back(pair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    kept = a.add_member("kept")
    a.send(b, tmp_path, "1")
    backup = a.backup()
    lost = a.add_member("lost")
    lost_card = card(a, lost)
    a.send(b, tmp_path, "2")
    old_node = a.node()
    a.restore(backup)
    assert a.node() != old_node  # behind its marker: a fresh identity before any write
    assert a.member(lost) is None

    a.send(b, tmp_path, "3")  # B accepts the restored office on its succession statement
    b.send(a, tmp_path, "3")  # and sends back what A's former identity wrote after the backup
    assert a.member(kept) is not None and a.member(lost) is not None
    a.ok("members", "update", lost, "--phone", "13900139000")  # no pending reference
    fresh = a.add_member("fresh")
    assert card(a, fresh) != lost_card
    a.send(b, tmp_path, "4")
    shown = b.member(lost)
    assert shown is not None and shown["phone"] == "139****9000"
    assert b.member(fresh) is not None


def test_succession_of_a_revoked_office_is_refused_saying_why(pair, make_office, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    b.ok("sync", "revoke", a.node()[:12])
    copy = make_office("a2")
    shutil.copytree(a.data, copy.data)
    copy.unlock_from(a)
    copy.add_member("x")
    pkg = tmp_path / "copy.udsync"
    copy.ok("sync", "export", str(pkg))
    code, out, err = b.run("sync", "import", str(pkg), "--yes")
    assert code == 1
    assert "声明它接替节点" in out + err and "撤销信任" in out + err


def test_copy_sends_what_the_retired_pc_wrote_but_never_sent(pair, make_office, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    unsent = a.add_member("unsent")  # written on the old PC, never exported from it
    copy = make_office("a2")
    shutil.copytree(a.data, copy.data)  # the old PC is then retired
    copy.unlock_from(a)
    copy.add_member("new-pc")
    copy.send(b, tmp_path, "1")  # sealed with the former identity's key, still held here
    assert b.member(unsent) is not None


def test_restored_writer_opens_packages_sealed_for_its_former_id(pair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    b.ok("init", "--federation", "乙联合会", "--card-prefix", "YB")
    b.ok("unions", "add", "乙工会", "--industry", "C")
    b.add_member("b-kept", "乙工会")
    b.send(a, tmp_path, "1")
    backup = b.backup()
    b_lost = b.add_member("b-lost", "乙工会")
    b.send(a, tmp_path, "2")
    a_new = a.add_member("a-new")
    in_transit = tmp_path / "in-transit.udsync"
    a.ok("sync", "export", str(in_transit))  # sealed for B's identity of the time
    old_node = b.node()
    b.restore(backup)
    assert b.node() != old_node  # it had written past the backup: a fresh identity

    b.ok("sync", "import", str(in_transit), "--yes")  # opened with the former key
    assert b.member(a_new) is not None
    b.send(a, tmp_path, "3")
    a.send(b, tmp_path, "3")  # B's own lost member comes back as its former self's change
    assert b.member(b_lost) is not None
    b.add_member("b-after", "乙工会")  # the restored office writes on, under its new identity
    b.send(a, tmp_path, "4")


def test_a_former_identity_gone_for_good_does_not_hold_back_acks(pair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    a.add_member("kept")
    backup = a.backup()
    a.add_member("lost-pc")
    a.restore(backup)  # a fresh identity; the former one never sends again
    a.add_member("one")
    a.send(b, tmp_path, "1")
    b.send(a, tmp_path, "1")  # B acknowledges everything A sent
    a.add_member("two")
    out = a.ok("sync", "export", str(tmp_path / "a-2.udsync"))
    assert "：1 条修改" in out  # only the new member: not everything since the restore


def test_sync_export_adds_the_suffix_and_never_overwrites_unasked(pair, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """QA D11: a name without .udsync was written as it was, an existing file overwritten."""
    a, b = pair
    a.add_member("before")
    a.ok("sync", "export", str(tmp_path / "给乙"))
    made = tmp_path / "给乙.udsync"
    assert made.exists() and not (tmp_path / "给乙").exists()
    before = made.read_bytes()
    code, out, err = a.run("sync", "export", str(made))
    assert code == 1 and out == "" and "已存在" in err and "--force" in err
    assert made.read_bytes() == before
    a.ok("sync", "export", str(made), "--force")
    assert made.read_bytes() != before
    b.ok("sync", "import", str(made), "--yes")
