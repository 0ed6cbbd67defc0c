"""Opening a damaged database in the window: a message naming the last good backup.

The window opens without waiting for the integrity check (it runs in the background), so
the refusal comes from that check while the window is up: the same question, then the
restore in the running window, or quit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop.config import Paths
from desktop.opening import open_database
from desktop.storage import health as db_health
from desktop.views import app as gui_app
from desktop.views.main_window import MainWindow
from desktop.views.widgets import messages
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


@pytest.fixture(autouse=True)
def _no_window_left(qapp: QApplication) -> Iterator[None]:
    """``run_gui`` runs here in the test process: the window it showed outlives its event
    loop, and a later test's window could not become the active one. Closed and deleted."""
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _window_shown() -> bool:
    return any(isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_a_damaged_database_gives_a_message_naming_the_last_good_backup(
    db_template: Path, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, good, before = _damaged_after_a_backup(db_template, tmp_path)
    monkeypatch.setattr(db_health, "START_DELAY", 0)  # a timed wait hangs under faketime
    boxes.answer = False  # 退出 rather than restore now
    asked_over_the_window: list[bool] = []
    record = messages.confirm

    def confirm(parent: object, title: str, text: str, **buttons: str | None) -> bool:
        asked_over_the_window.append(_window_shown())
        return record(parent, title, text, **buttons)

    monkeypatch.setattr(messages, "confirm", confirm)
    assert gui_app.run_gui(["--data-dir", str(data)]) == 1
    assert asked_over_the_window == [True]  # the window did not wait for the check
    assert boxes.kinds() == ["confirm"]
    assert boxes.buttons == [{"yes": "用这份备份恢复", "no": "退出"}]
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
    restored = offer_restore(Paths(data), refused.value)
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


def test_damage_found_while_the_window_is_open_is_restored_in_that_window(
    db_template: Path, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk says 用这份备份恢复: the window carries on, on the restored registry."""
    from desktop.services.figures import summary

    data, good, before = _damaged_after_a_backup(db_template, tmp_path)
    monkeypatch.setattr(db_health, "START_DELAY", 0)  # a timed wait hangs under faketime
    record = messages.inform

    def inform(parent: object, title: str, text: str) -> None:
        record(parent, title, text)
        if title == "已恢复备份":  # the restored window is up: the clerk's day goes on
            assert _window_shown()
            QApplication.instance().quit()  # type: ignore[union-attr]

    monkeypatch.setattr(messages, "inform", inform)
    assert gui_app.run_gui(["--data-dir", str(data)]) == 0
    assert boxes.kinds() == ["confirm", "inform"]
    assert good.name in boxes.shown[0][2] and "已恢复到" in boxes.shown[1][2]
    (moved,) = data.glob("backups/replaced-*/uniondesk.db")
    assert digest(moved) == before  # the damaged file kept, not deleted
    db = open_database(Paths(data))
    try:
        assert summary.registry_stats(db).members_total == 1200
    finally:
        db.close()


def test_damage_found_in_the_window_with_no_good_backup_says_so_and_quits(
    db_template: Path, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = filled_registry(db_template, tmp_path / "data", members=1200)
    for backup in data.glob("backups/uniondesk-*"):
        backup.unlink()  # none to offer
    damage(data / "uniondesk.db")
    before = digest(data / "uniondesk.db")
    monkeypatch.setattr(db_health, "START_DELAY", 0)  # a timed wait hangs under faketime
    assert gui_app.run_gui(["--data-dir", str(data)]) == 1
    assert boxes.kinds() == ["error"]
    _kind, title, message = boxes.shown[0]
    assert title == "数据库已损坏" and "没有完好的备份" in message
    assert digest(data / "uniondesk.db") == before


def _registry_gone_after_a_backup(db_template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A registry with one good backup, then its file deleted (key and backups left)."""
    data = filled_registry(db_template, tmp_path / "data", members=1200)
    db = open_database(Paths(data))
    good = db.backup("manual")
    db.close()
    for suffix in ("", "-wal", "-shm"):
        (data / f"uniondesk.db{suffix}").unlink(missing_ok=True)
    return data, good


def test_a_registry_file_gone_is_not_replaced_by_an_empty_one_and_is_offered_its_backup(
    db_template: Path, tmp_path: Path, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk first says 退出 (nothing made), then starts again and restores."""
    from desktop.opening import open_for_window
    from desktop.services.figures import summary
    from desktop.storage.presence import RegistryMissingError
    from desktop.views.backups.at_start import offer_restore

    data, good = _registry_gone_after_a_backup(db_template, tmp_path)
    monkeypatch.setattr(db_health, "START_DELAY", 0)  # a timed wait hangs under faketime
    boxes.answer = False

    def no_window(*_args: object, **_kwargs: object) -> None:
        pytest.fail("a window (its first-run dialog) opened on a new, empty registry")

    with monkeypatch.context() as patch:
        patch.setattr(gui_app, "launch", no_window)
        assert gui_app.run_gui(["--data-dir", str(data)]) == 1
    assert boxes.kinds() == ["confirm"]
    assert boxes.buttons == [{"yes": "用这份备份恢复", "no": "退出"}]
    _kind, title, message = boxes.shown[0]
    assert title == "登记库文件不见了" and "不见了" in message and str(good) in message
    assert not (data / "uniondesk.db").exists()  # no new, empty registry

    boxes.answer = True  # started again: 用这份备份恢复
    boxes.shown.clear()
    with pytest.raises(RegistryMissingError) as refused:
        open_for_window(Paths(data))
    restored = offer_restore(Paths(data), refused.value)
    assert restored is not None
    restored.close()
    assert boxes.kinds() == ["confirm", "inform"] and "已恢复到" in boxes.shown[1][2]
    db = open_database(Paths(data))
    try:
        assert summary.registry_stats(db).members_total == 1200
    finally:
        db.close()
