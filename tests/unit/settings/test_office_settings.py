"""The settings view reads and writes through each value's owner; admin only; audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from stdnum.cn import uscc

from desktop import acting
from desktop.errors import PermissionDeniedError, ValidationError
from desktop.services import audit
from desktop.services.care import settings as care_settings
from desktop.services.members import card_numbers
from desktop.services.settings import local, office
from desktop.services.unions import federations
from desktop.storage import backups, settings_store
from desktop.storage.database import Database
from desktop.sync import office as sync_office

CODE = "91110000600037341" + uscc.calc_check_digit("91110000600037341")
STAFF = acting.Actor("clerk", "王会计", acting.STAFF, account_id=2)
ADMIN = acting.Actor("boss", "李主席", acting.ADMIN, account_id=1)


@pytest.fixture
def fed_db(db: Database) -> Database:
    federations.create(db, "测试街道总工会", card_prefix="CS")
    return db


def _settings_audit(db: Database) -> list[str]:
    return [r.detail for r in audit.recent(db) if r.action == audit.SETTINGS_CHANGE]


def test_defaults_before_anything_is_set(fed_db: Database) -> None:
    seen = office.read(fed_db)
    assert seen.backup_keep == 30
    assert seen.backup_second_copy_dir is None
    assert seen.idle_lock_minutes == 10
    assert seen.income_threshold is None
    assert seen.card_prefix == "CS"
    assert seen.federation is not None and seen.federation.name == "测试街道总工会"


def test_federation_details_written_through_the_federation_writer(fed_db: Database) -> None:
    changed = office.set_federation(
        fed_db,
        {
            "name": "新名称街道总工会",
            "credit_code": CODE.lower(),
            "address": "某路 1 号",
            "contact_person": "张主席",
            "contact_phone": "0755-12345678",
        },
    )
    assert set(changed) == {"name", "credit_code", "address", "contact_person", "contact_phone"}
    fed = office.read(fed_db).federation
    assert fed is not None
    assert (fed.name, fed.credit_code, fed.contact_phone) == (
        "新名称街道总工会",
        CODE,
        "0755-12345678",
    )
    # the office's sync identity carries the new name (key cards, packages)
    assert sync_office.this_office(fed_db).name == "新名称街道总工会"
    details = _settings_audit(fed_db)
    assert details and "本会名称" in details[0]
    assert "张主席" not in details[0] and "12345678" not in details[0]


def test_every_bad_field_is_named_and_nothing_is_written(fed_db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        office.set_federation(
            fed_db,
            {"name": " ", "credit_code": CODE[:-1] + "0", "contact_phone": "电话", "address": "x"},
        )
    assert set(caught.value.problems) == {"name", "credit_code", "contact_phone"}
    fed = office.read(fed_db).federation
    assert fed is not None and fed.address is None and fed.name == "测试街道总工会"
    assert _settings_audit(fed_db) == []


def test_card_prefix_through_card_numbers_check(fed_db: Database) -> None:
    assert office.set_card_prefix(fed_db, "sz01") == "SZ01"
    with fed_db.connect(write=False) as conn:
        fed = federations.require_current_id(conn)
        assert card_numbers.federation_prefix(conn, fed) == "SZ01"
    with pytest.raises(ValidationError) as caught:
        office.set_card_prefix(fed_db, "SZ-01")
    assert caught.value.field == "card_prefix"
    assert office.read(fed_db).card_prefix == "SZ01"


def test_backup_keep_range_and_second_copy_folder(fed_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    office.set_backups(fed_db, keep="45", second_copy_dir=str(folder))
    seen = office.read(fed_db)
    assert (seen.backup_keep, seen.backup_second_copy_dir) == (45, folder)
    for bad in ("0", "366", "三十"):
        with pytest.raises(ValidationError) as caught:
            office.set_backups(fed_db, keep=bad)
        assert caught.value.field == "backup_keep"
    with pytest.raises(ValidationError) as missing:
        office.set_backups(fed_db, second_copy_dir=str(tmp_path / "nowhere"))
    assert missing.value.field == "backup_second_copy_dir"
    office.set_backups(fed_db, clear_dir=True)
    assert office.read(fed_db).backup_second_copy_dir is None
    assert office.read(fed_db).backup_keep == 45


def test_unwritable_second_copy_folder_is_refused(
    fed_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe file cannot be made (a read-only stick; root ignores chmod, so the OS's
    refusal is played by the probe itself)."""

    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(backups, "create_private", refuse)
    with pytest.raises(ValidationError) as caught:
        office.set_backups(fed_db, second_copy_dir=str(tmp_path))
    assert caught.value.field == "backup_second_copy_dir"
    assert office.read(fed_db).backup_second_copy_dir is None


def test_idle_lock_minutes(fed_db: Database) -> None:
    assert office.set_idle_lock_minutes(fed_db, "0") == 0
    assert office.read(fed_db).idle_lock_minutes == 0
    assert office.set_idle_lock_minutes(fed_db, 240) == 240
    for bad in ("241", "-1", "abc"):
        with pytest.raises(ValidationError) as caught:
            office.set_idle_lock_minutes(fed_db, bad)
        assert caught.value.field == "idle_lock_minutes"
    assert office.read(fed_db).idle_lock_minutes == 240


def test_a_hand_edited_value_reads_as_the_default(fed_db: Database) -> None:
    with fed_db.connect() as conn:
        settings_store.write(conn, settings_store.IDLE_LOCK_MINUTES, "999")
        settings_store.write(conn, settings_store.BACKUP_KEEP, "many")
    with fed_db.connect(write=False) as conn:
        assert local.idle_lock_minutes_in(conn) == local.IDLE_LOCK_DEFAULT
        assert local.backup_keep_in(conn) == backups.DEFAULT_KEEP


def test_income_threshold_stays_with_care_settings(fed_db: Database) -> None:
    assert office.set_income_threshold(fed_db, "1200") == 1200
    assert care_settings.income_threshold(fed_db) == 1200
    with pytest.raises(ValidationError) as caught:
        office.set_income_threshold(fed_db, "0")
    assert caught.value.field == "income_threshold"
    assert office.set_income_threshold(fed_db, "") is None
    assert care_settings.income_threshold(fed_db) is None


def test_only_administrators_change_settings(fed_db: Database) -> None:
    with acting.acting_as(STAFF):
        assert not office.may_change()
        with pytest.raises(PermissionDeniedError):
            office.set_idle_lock_minutes(fed_db, 5)
        with pytest.raises(PermissionDeniedError):
            office.set_federation(fed_db, {"address": "别处"})
        office.read(fed_db)  # reading stays open
    with acting.acting_as(ADMIN):
        assert office.may_change()
        office.set_idle_lock_minutes(fed_db, 5)
    assert office.read(fed_db).idle_lock_minutes == 5


def test_set_value_by_key_and_unknown_key(fed_db: Database) -> None:
    office.set_value(fed_db, "contact_phone", "13800138000")
    office.set_value(fed_db, "backup_keep", "12")
    seen = office.read(fed_db)
    assert seen.federation is not None and seen.federation.contact_phone == "13800138000"
    assert seen.backup_keep == 12
    with pytest.raises(ValidationError) as caught:
        office.set_value(fed_db, "colour", "red")
    assert "backup_keep" in caught.value.message
    assert len(_settings_audit(fed_db)) == 2


def test_an_unchanged_value_is_not_audited(fed_db: Database) -> None:
    office.set_value(fed_db, "address", "某路 1 号")
    office.set_value(fed_db, "address", "某路 1 号")
    assert len(_settings_audit(fed_db)) == 1
