"""Export reports progress and honours cancel: a cancelled export leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.errors import UnionDeskError
from desktop.progress import Cancelled, CancelToken
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import add_federation, add_member, add_union, mesh, node_of


@pytest.fixture
def pair(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    dbs = [db_factory(n) for n in ("a", "b")]
    mesh(dbs, tmp_path)
    uid = add_union(dbs[0], add_federation(dbs[0]))
    for i in range(3):
        add_member(dbs[0], uid, "张三", f"X{i}")
    return dbs


def _rows(db: Database, table: str) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_progress_runs_through_every_step(pair, tmp_path) -> None:
    a, b = pair
    seen: list[tuple[int, int, str]] = []
    result = ex.export(a, tmp_path / "p.udsync", [node_of(b)], progress=lambda *s: seen.append(s))
    assert Path(result.path).is_file()
    dones = [d for d, _t, _x in seen]
    assert dones == sorted(dones) and dones[0] == 0 and seen[-1][:2] == (6, 6)
    assert all(total == 6 and text for _d, total, text in seen)


@pytest.mark.parametrize("step", range(6))
def test_cancel_at_any_step_leaves_no_file_and_no_history(pair, tmp_path, step) -> None:
    a, b = pair
    out = tmp_path / "usb" / "p.udsync"
    out.parent.mkdir()
    out.write_bytes(b"an older package the clerk chose to overwrite")
    token = CancelToken()
    segments_before = _rows(a, "sync_segment")

    def progress(done: int, _total: int, _text: str) -> None:
        if done == step:
            token.cancel()

    with pytest.raises(Cancelled):
        ex.export(a, out, [node_of(b)], progress=progress, cancel=token)
    assert sorted(p.name for p in out.parent.iterdir()) == ["p.udsync"]  # no .tmp left
    assert out.read_bytes().startswith(b"an older package")  # not replaced
    assert _rows(a, "sync_receipt") == 0
    assert _rows(a, "sync_segment") == segments_before  # sealing rolled back too

    done = ex.export(a, out, [node_of(b)])  # and a later export works normally
    assert importer.import_file(b, Path(done.path)).counts["new"] == 5


def test_failed_read_back_leaves_no_file_and_no_history(pair, tmp_path, monkeypatch) -> None:
    a, b = pair

    def corrupt(_conn, path: Path, materialize: bool = True):  # type: ignore[no-untyped-def]
        raise UnionDeskError(f"同步包 {path.name} 已损坏")

    monkeypatch.setattr(importer, "decrypt_and_verify", corrupt)
    out = tmp_path / "p.udsync"
    with pytest.raises(UnionDeskError, match="回读校验失败"):
        ex.export(a, out, [node_of(b)])
    assert list(tmp_path.glob("p.udsync*")) == []
    assert _rows(a, "sync_receipt") == 0
