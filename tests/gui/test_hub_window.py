"""The window on the federation hub (PostgreSQL, issue #25): it starts on a hub database,
lists its members and searches them through the hub's index."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.config import resolve_paths
from desktop.opening import open_database
from desktop.services.members import registry as members
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import HubDatabase
from desktop.views.context import AppContext
from desktop.views.tasks import SyncTaskRunner
from tests.pg_server import PostgresServer

from .conftest import Boxes, valid_id
from .test_main_window import members_page, names, open_window

pytestmark = pytest.mark.postgres


@pytest.fixture
def hub_ctx(
    pg_server: PostgresServer, tmp_path: Path, qapp: Any, boxes: Boxes
) -> Iterator[AppContext]:
    name = f"hub_{uuid.uuid4().hex[:12]}"
    pg_server.create_database(name)
    db = open_database(resolve_paths(tmp_path, pg_server.url(name)))
    assert isinstance(db, HubDatabase)
    federations.create(db, "测试街道总工会", card_prefix="CS")
    union = unions.add(db, "甲公司工会").id
    for person, id17 in (("张三", "44030419900101123"), ("李四", "44030419850615234")):
        members.add(db, {"name": person, "id_number": valid_id(id17), "union_id": union})
    context = AppContext(db, SyncTaskRunner())
    yield context
    context.deleteLater()
    db.close()


def test_the_window_lists_and_searches_the_hub(qtbot: QtBot, hub_ctx: AppContext) -> None:
    page = members_page(open_window(qtbot, hub_ctx))
    qtbot.waitUntil(lambda: sorted(names(page)) == ["张三", "李四"])
    page.search.setText("zs")
    qtbot.waitUntil(lambda: names(page) == ["张三"])


def test_the_backup_page_on_the_hub_says_who_backs_it_up(
    qtbot: QtBot, hub_ctx: AppContext, tmp_path: Path
) -> None:
    """The page promised 「每次导入、升级和同步之前也会自动备份」, listed this PC's folder
    (an office's backups) and offered to restore one over the hub."""
    from desktop.views.backups.page import BackupsPage

    office = open_database(resolve_paths(tmp_path / "office"))
    try:
        made = office.backup("manual")
    finally:
        office.close()
    folder = hub_ctx.db.paths.backups
    folder.mkdir(parents=True, exist_ok=True)
    (folder / made.name).write_bytes(made.read_bytes())
    page = BackupsPage(hub_ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    assert "pg_dump" in page.table.empty_text and "自动备份" not in page.table.empty_text
    for button in (
        page.backup_button,
        page.verify_button,
        page.restore_button,
        page.other_button,
        page.folder_button,
        page.keep_button,
        page.choose_button,
        page.clear_button,
    ):
        assert not button.isEnabled(), button.text()


def test_the_settings_page_on_the_hub_has_no_file_backup_settings(
    qtbot: QtBot, hub_ctx: AppContext
) -> None:
    """「保留最近备份」 and 「第二份备份的文件夹」 set what the hub never does."""
    from desktop.views.settings.page import SettingsPage

    page = SettingsPage(hub_ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.backups.isVisible()
    assert page.security.isVisible() and page.identity.isVisible()


def test_the_import_wizard_on_the_hub_promises_no_file_backup(
    qtbot: QtBot,
    hub_ctx: AppContext,
    make_pc: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    """The confirmation said 「导入前会自动备份数据库」 and the progress 「正在备份数据库并
    导入…」 on the hub, which takes no file backup (one transaction a package)."""
    from desktop.sync import export
    from desktop.views.sync.import_wizard import RESULT
    from tests.unit.sync.helpers import mesh

    from .test_sync_page import add_people, import_through_wizard, open_page

    office = make_pc("a", "甲街道总工会")
    add_people(office)
    (tmp_path / "cards").mkdir()
    mesh([office.db, hub_ctx.db], tmp_path / "cards")
    package = tmp_path / "甲.udsync"
    export.export(office.db, package)
    said: list[str] = []
    original = hub_ctx.runner.run

    def run(work: Any, **kwargs: Any) -> Any:
        def watched(progress: Any, cancel: Any) -> Any:
            def told(done: int, total: int, text: str) -> None:
                said.append(text)
                progress(done, total, text)

            return work(told, cancel)

        return original(watched, **kwargs)

    monkeypatch.setattr(hub_ctx.runner, "run", run)
    wizard = import_through_wizard(qtbot, open_page(qtbot, hub_ctx), package, monkeypatch)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert wizard.stack.currentIndex() == RESULT, boxes.shown
    kind, _title, question = boxes.shown[-1]
    assert kind == "confirm" and "自动备份" not in question and "pg_dump" in question
    assert said and not any("备份" in text for text in said), said
    assert "总库不做文件备份" in wizard.result_page.label.text()


def test_the_login_on_the_hub_offers_no_recovery_key(qtbot: QtBot, hub_ctx: AppContext) -> None:
    """忘记密码… asked for a recovery key, which the hub has not (this PC's belongs to an
    office): the service refuses it, and the login no longer offers it."""
    from desktop.views.accounts.login_dialog import LoginDialog

    dialog = LoginDialog(hub_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.forgot_button.isVisible()
