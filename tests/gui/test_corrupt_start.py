"""Opening a damaged database in the window: a message naming the last good backup."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.config import Paths
from desktop.opening import open_database
from desktop.views import app as gui_app
from tests.unit.corruption import damage, digest, filled_registry

from .conftest import Boxes


def _damaged_after_a_backup(db_template: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """A registry with one good backup, then damaged: (data dir, backup, damaged digest)."""
    data = filled_registry(db_template, tmp_path / "data", members=1200)
    db = open_database(Paths(data))
    good = db.backup("manual")
    db.close()
    damage(data / "uniondesk.db")
    return data, good, digest(data / "uniondesk.db")


def test_a_damaged_database_gives_a_message_naming_the_last_good_backup(
    db_template: Path, tmp_path: Path, boxes: Boxes
) -> None:
    data, good, before = _damaged_after_a_backup(db_template, tmp_path)
    boxes.answer = False  # 退出 rather than restore now
    assert gui_app.run_gui(["--data-dir", str(data)]) == 1
    assert boxes.kinds() == ["confirm"]
    _kind, title, message = boxes.shown[0]
    assert title == "数据库已损坏"
    assert "已损坏" in message and str(good) in message and "Traceback" not in message
    assert digest(data / "uniondesk.db") == before


def test_a_damaged_database_can_be_restored_from_the_last_good_backup_at_start(
    db_template: Path, tmp_path: Path, boxes: Boxes
) -> None:
    from desktop.services.figures import summary
    from desktop.storage.health import CorruptDatabaseError
    from desktop.views.backups.at_start import offer_restore

    data, good, before = _damaged_after_a_backup(db_template, tmp_path)
    with pytest.raises(CorruptDatabaseError) as refused:
        open_database(Paths(data))
    restored = offer_restore(Paths(data), refused.value.message)
    assert restored is not None
    try:
        assert summary.registry_stats(restored).members_total == 1200
        assert boxes.kinds() == ["confirm", "inform"]
        assert good.name in boxes.shown[0][2] and "不会删除" in boxes.shown[0][2]
        assert "已恢复到" in boxes.shown[1][2]
        (moved,) = data.glob("backups/replaced-*/uniondesk.db")
        assert digest(moved) == before
    finally:
        restored.close()
