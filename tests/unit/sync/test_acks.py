"""Acknowledgement-only packages (回执): a PC with nothing new can still say what it has."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.errors import UnionDeskError
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import history, importer
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    file_hash,
    mesh,
    node_of,
    state_hash,
)


@pytest.fixture
def pair(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    dbs = [db_factory(n) for n in ("a", "b")]
    mesh(dbs, tmp_path)
    return dbs


def _acks(db: Database, peer: str) -> dict[str, int]:
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text("SELECT origin, counter FROM sync_ack WHERE peer = :p"), {"p": peer}
        ).all()
    return {str(o): int(c) for o, c in rows}


def _a_sends_to_b(a: Database, b: Database, tmp_path: Path) -> None:
    uid = add_union(a, add_federation(a))
    add_member(a, uid)
    path = tmp_path / "data.udsync"
    ex.export(a, path, to=[node_of(b)])
    importer.import_file(b, path)


def test_nothing_new_exports_an_ack_that_stops_resending(pair, tmp_path) -> None:
    a, b = pair
    _a_sends_to_b(a, b, tmp_path)
    before = ex.export(a, tmp_path / "again.udsync", to=[node_of(b)])
    assert before.changes > 0 and not before.ack_only  # A does not know B has it yet

    ack = ex.export(b, tmp_path / "ack.udsync", to=[node_of(a)])
    assert ack.ack_only and ack.changes == 0 and ack.segments == 0
    data_before, file_before = state_hash(a), file_hash(a)

    dry = importer.preview(a, Path(ack.path))
    assert dry.ack_only and not dry.nothing_new and not any(dry.counts.values())
    assert file_hash(a) == file_before  # the dry run wrote nothing

    result = importer.import_file(a, Path(ack.path))
    assert result.ack_only and result.backup is None
    assert state_hash(a) == data_before  # no data changed
    assert _acks(a, node_of(b))[node_of(a)] >= before.changes
    with a.connect(write=False) as conn:
        got = history.receipts(conn)[0]
    assert got.direction == "in" and got.summary["ack_only"] is True

    after = ex.export(a, tmp_path / "after.udsync", to=[node_of(b)])
    assert after.changes == 0 and after.ack_only  # no more re-sending


def test_ack_is_signed_encrypted_and_second_import_writes_nothing(pair, tmp_path) -> None:
    a, b = pair
    _a_sends_to_b(a, b, tmp_path)
    ack = ex.export(b, tmp_path / "ack.udsync", to=[node_of(a)])
    raw = Path(ack.path).read_bytes()
    assert b"manifest.json" not in raw and b'"vv"' not in raw  # the zip inside is sealed
    importer.import_file(a, Path(ack.path))
    before = file_hash(a)
    again = importer.import_file(a, Path(ack.path))
    assert again.up_to_date and file_hash(a) == before

    tampered = tmp_path / "tampered.udsync"
    flipped = bytearray(raw)
    flipped[-5] ^= 0x01
    tampered.write_bytes(bytes(flipped))
    with pytest.raises(UnionDeskError):
        importer.import_file(a, tampered)


def test_stale_data_package_is_up_to_date_not_a_receipt(pair, tmp_path) -> None:
    """Only a package without changes is a receipt; old changes are 已是最新."""
    a, b = pair
    _a_sends_to_b(a, b, tmp_path)
    stale = tmp_path / "stale.udsync"
    ex.export(a, stale, to=[node_of(b)], full=True)
    before = state_hash(b)
    result = importer.import_file(b, stale)
    assert result.up_to_date and not result.ack_only and state_hash(b) == before


def test_cli_says_the_package_is_only_a_receipt(pair, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    _a_sends_to_b(a, b, tmp_path)
    out_file = tmp_path / "cli-ack.udsync"
    code = main(["--data-dir", str(b.paths.data_dir), "sync", "export", str(out_file),
                 "--to", node_of(a)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "回执包" in out and "不含任何数据" in out
    data_before = state_hash(a)
    code = main(["--data-dir", str(a.paths.data_dir), "sync", "import", str(out_file), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and "回执包" in out and "试运行" in out
    assert not _acks(a, node_of(b))
    code = main(["--data-dir", str(a.paths.data_dir), "sync", "import", str(out_file)])
    out = capsys.readouterr().out
    assert code == 0 and "已记录对方的回执" in out
    assert _acks(a, node_of(b)) and state_hash(a) == data_before


def test_sync_history_and_the_audit_entry_say_what_was_sent_in_chinese(  # type: ignore[no-untyped-def]
    pair, tmp_path, capsys
) -> None:
    """``sync history`` printed the stored summary as a Python dict with English keys
    (``{'counts': {'new': 3, …}}``) and one recipient of several; the audit entry of an
    import named its counts ``new 3，changes 3``."""
    from desktop.services import audit
    from desktop.sync import office

    a, b = pair
    add_member(a, add_union(a, add_federation(a)))
    ex.export(a, tmp_path / "data.udsync", to=[node_of(b)])
    office.import_package(b, tmp_path / "data.udsync")  # what the window and the CLI call
    assert main(["--data-dir", str(b.paths.data_dir), "sync", "history"]) == 0
    received = capsys.readouterr().out
    assert "收到 data.udsync，来自" in received and "新增记录 3" in received
    assert main(["--data-dir", str(a.paths.data_dir), "sync", "history"]) == 0
    sent = capsys.readouterr().out
    assert "发出 data.udsync，发给" in sent and "增量，" in sent and "条修改" in sent
    for out in (received, sent):
        assert "{" not in out and "counts" not in out and "changes" not in out
    [entry] = audit.entries(b, audit.AuditFilter(action=audit.SYNC_IMPORT))
    assert "新增记录 3" in entry.detail and "new" not in entry.detail


def test_cli_import_names_the_sender_as_enrolled_not_by_node_id(  # type: ignore[no-untyped-def]
    pair, tmp_path, capsys
) -> None:
    """QA: the import preview said 「发送单位 35c9c8…」 of an office enrolled by name."""
    from desktop.sync import office

    a, b = pair
    add_member(a, add_union(a, add_federation(a)))
    package = tmp_path / "a-to-b.udsync"
    ex.export(a, package, to=[node_of(b)])
    enrolled = office.NodeNames(b)(node_of(a))  # its enrolled name, else 「节点 …」 short
    code = main(["--data-dir", str(b.paths.data_dir), "sync", "import", str(package), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and f"发送单位 {enrolled}" in out and node_of(a) not in out
