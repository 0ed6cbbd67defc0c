"""The 设置 page: grouped forms saved per group through the settings service, messages
under their fields without moving the fields, read-only for non-administrators."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from stdnum.cn import uscc

from desktop import acting
from desktop.services import audit
from desktop.services.care import settings as care_settings
from desktop.services.settings import office
from desktop.sync import office as sync_office
from desktop.views.context import AppContext
from desktop.views.first_run_dialog import FirstRunDialog
from desktop.views.settings.page import SAVED, SettingsPage
from tests.gui.conftest import Boxes

CODE = "91110000600037341" + uscc.calc_check_digit("91110000600037341")


@pytest.fixture
def page(ctx: AppContext, qtbot) -> SettingsPage:  # type: ignore[no-untyped-def]
    widget = SettingsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(800, 1400)
    widget.show()
    return widget


def test_page_shows_the_current_settings(page: SettingsPage, ctx: AppContext) -> None:
    assert page.name.text() == "测试街道总工会"
    assert page.card_prefix.text() == "CS"
    assert page.backup_keep.value() == 30
    assert page.idle_lock.value() == 10
    assert page.income_threshold.text() == ""
    assert page.fingerprint.text() == sync_office.this_office(ctx.db).fingerprint
    assert page.read_only_note.isHidden()


def test_federation_group_refuses_with_messages_under_fields_then_saves(
    page: SettingsPage,
    ctx: AppContext,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    group = page.federation
    below = page.address.mapTo(page, page.address.rect().topLeft())
    page.credit_code.setText(CODE[:-1] + ("0" if CODE[-1] != "0" else "1"))
    page.contact_phone.setText("打电话")
    page.address.setText("某路 1 号")
    qtbot.mouseClick(group.save_button, Qt.MouseButton.LeftButton)
    assert group.errors["credit_code"].is_error
    assert group.errors["contact_phone"].is_error
    assert not group.errors["name"].is_error
    # the message line was there all along: the field below did not move
    assert page.address.mapTo(page, page.address.rect().topLeft()) == below
    fed = office.read(ctx.db).federation
    assert fed is not None and fed.address is None  # nothing written
    page.credit_code.setText(CODE)
    page.contact_phone.setText("0755-12345678")
    qtbot.mouseClick(group.save_button, Qt.MouseButton.LeftButton)
    assert group.message.text() == SAVED
    fed = office.read(ctx.db).federation
    assert fed is not None
    assert (fed.credit_code, fed.address, fed.contact_phone) == (CODE, "某路 1 号", "0755-12345678")
    assert any(r.action == audit.SETTINGS_CHANGE for r in audit.recent(ctx.db))


def test_the_other_groups_save_through_their_owners(
    page: SettingsPage,
    ctx: AppContext,
    tmp_path: Path,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    page.card_prefix.setText("sz")
    qtbot.mouseClick(page.card.save_button, Qt.MouseButton.LeftButton)
    assert page.card_prefix.text() == "SZ"  # shown as stored
    page.backup_keep.setValue(60)
    page.second_copy.setText(str(tmp_path / "missing"))
    qtbot.mouseClick(page.backups.save_button, Qt.MouseButton.LeftButton)
    assert page.backups.errors["backup_second_copy_dir"].is_error
    assert office.read(ctx.db).backup_keep == 30  # the group is refused as a whole
    page.second_copy.setText(str(tmp_path))
    qtbot.mouseClick(page.backups.save_button, Qt.MouseButton.LeftButton)
    page.idle_lock.setValue(0)
    assert page.idle_lock.text() == "从不锁屏"
    qtbot.mouseClick(page.security.save_button, Qt.MouseButton.LeftButton)
    page.income_threshold.setText("0")
    qtbot.mouseClick(page.hardship.save_button, Qt.MouseButton.LeftButton)
    assert page.hardship.errors["income_threshold"].is_error
    page.income_threshold.setText("1500")
    qtbot.mouseClick(page.hardship.save_button, Qt.MouseButton.LeftButton)
    seen = office.read(ctx.db)
    assert (seen.card_prefix, seen.backup_keep, seen.backup_second_copy_dir) == ("SZ", 60, tmp_path)
    assert seen.idle_lock_minutes == 0
    assert care_settings.income_threshold(ctx.db) == 1500


def test_read_only_for_an_account_that_is_not_an_administrator(
    ctx: AppContext,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    with acting.acting_as(acting.Actor("clerk", "王会计", acting.STAFF, account_id=2)):
        widget = SettingsPage(ctx)
        qtbot.addWidget(widget)
        widget.show()
        assert widget.read_only_note.isVisible()
        assert widget.name.isReadOnly() and widget.idle_lock.isReadOnly()
        assert not any(g.save_button.isVisible() for g in widget.groups)
        assert widget.export_card_button.isEnabled()  # the public key card is for everyone


def test_export_key_card_uses_the_sync_dialog(
    page: SettingsPage, ctx: AppContext, tmp_path: Path, boxes: Boxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from desktop.views.sync import files

    target = tmp_path / "card.udkey"
    monkeypatch.setattr(files, "save_card_path", lambda _parent, _name: target)
    page.export_card_button.click()
    assert target.read_bytes() == sync_office.key_card(ctx.db)
    assert boxes.kinds() == ["inform"]
    assert page.fingerprint.text() in boxes.shown[0][2]


def test_the_page_covers_what_the_first_run_dialog_collected(
    page: SettingsPage,
    ctx: AppContext,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    """「以后可以在设置中修改」: the name and card prefix of the first run are here."""
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    assert "设置" in dialog.findChild(QLabel).text()
    assert dialog.name.maxLength() == page.name.maxLength() or "name" in page.federation.editors
    assert "card_prefix" in page.card.editors
    assert dialog.prefix.maxLength() == page.card_prefix.maxLength()
    page.name.setText("改名后的街道总工会")
    qtbot.mouseClick(page.federation.save_button, Qt.MouseButton.LeftButton)
    assert sync_office.this_office(ctx.db).name == "改名后的街道总工会"
    assert page.office_name.text() == "改名后的街道总工会"
