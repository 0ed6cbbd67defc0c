"""A process killed in the middle of an apply leaves the database as it was."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from desktop.config import Paths
from desktop.opening import open_database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import add_federation, add_member, add_union, file_hash, mesh


def _die_mid_apply(data_dir: str, package: str, stage: str) -> None:
    db = open_database(Paths(Path(data_dir)))

    def hook(name: str) -> None:
        if name == stage:
            os._exit(17)

    importer.import_file(db, Path(package), hook=hook)
    os._exit(0)


@pytest.mark.parametrize("stage", ["rows-applied", "before-commit"])
def test_killed_mid_apply_changes_nothing(db_factory, tmp_path, stage) -> None:  # type: ignore[no-untyped-def]
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    uid = add_union(a, add_federation(a))
    for i in range(20):
        add_member(a, uid, f"会员{i}", f"K{i}")
    path = tmp_path / "p.udsync"
    ex.export(a, path)
    b.close()
    # hashed as the close left it: a close brings the planner's statistics up to date
    # (storage/planner_stats.py); an opening and close that change nothing write nothing
    settled = open_database(Paths(b.paths.data_dir))
    before = file_hash(settled)
    settled.close()
    proc = multiprocessing.get_context("spawn").Process(
        target=_die_mid_apply, args=(str(b.paths.data_dir), str(path), stage)
    )
    proc.start()
    proc.join(60)
    assert proc.exitcode == 17
    reopened = open_database(Paths(b.paths.data_dir))
    try:
        assert file_hash(reopened) == before
        result = importer.import_file(reopened, path)  # and it still applies afterwards
        assert result.counts["new"] == 22
    finally:
        reopened.close()
