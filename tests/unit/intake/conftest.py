from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync import trust
from tests.unit.intake.helpers import UNION, Office, cli


@pytest.fixture
def office(db: Database, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Office:
    """A set-up office (federation, one union) and its box key pair."""
    code, _, err = cli(capsys, data_dir, "init", "--federation", "测试园区工会联合会")
    assert code == 0, err
    code, _, err = cli(capsys, data_dir, "unions", "add", UNION, "--industry", "C")
    assert code == 0, err
    with db.connect(write=False) as conn:
        keys = trust.self_keys(conn)
    (union,) = unions.list_all(db)
    return Office(
        data_dir, keys.node_id, keys.office_name, keys.box_public, keys.box_private, union.id
    )
