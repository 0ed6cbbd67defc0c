"""Two processes on one data dir: the real CLI waits for another writer, says so once,
and then succeeds (``uniondesk settings set`` while this process holds the lock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli.waiting import WAITING_MESSAGE
from desktop.services.settings import office
from desktop.services.unions import federations
from desktop.storage import rawconn
from desktop.storage.database import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # a second Python process starts (~2-5 s)
def test_the_cli_waits_for_the_other_writer_then_succeeds(db: Database, data_dir: Path) -> None:
    federations.create(db, "测试街道总工会")
    other = rawconn.connect(db.paths.database, autocommit=True)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO app_settings (key, value) VALUES ('other_writer', 'x')")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "settings", "set",
         "backup_keep", "40"],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # blocks until the command meets the lock
        assert first.strip() == WAITING_MESSAGE
        other.execute("COMMIT")  # the other writer is done: the command goes on
        out, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        other.close()
    assert proc.returncode == 0, rest
    assert WAITING_MESSAGE not in rest  # said once
    assert "保留备份份数" in out
    assert office.read(db).backup_keep == 40
