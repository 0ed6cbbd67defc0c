"""Opening a damaged database in the window: a message naming the last good backup."""

from __future__ import annotations

from pathlib import Path

from desktop.config import Paths
from desktop.opening import open_database
from desktop.views import app as gui_app
from tests.unit.corruption import damage, digest, filled_registry

from .conftest import Boxes


def test_a_damaged_database_gives_a_message_naming_the_last_good_backup(
    db_template: Path, tmp_path: Path, boxes: Boxes
) -> None:
    data = filled_registry(db_template, tmp_path / "data", members=1200)
    db = open_database(Paths(data))
    good = db.backup("manual")
    db.close()
    damage(data / "uniondesk.db")
    before = digest(data / "uniondesk.db")
    assert gui_app.run_gui(["--data-dir", str(data)]) == 1
    assert boxes.kinds() == ["error"]
    _kind, title, message = boxes.shown[0]
    assert title == "数据库已损坏"
    assert "已损坏" in message and str(good) in message and "Traceback" not in message
    assert digest(data / "uniondesk.db") == before
