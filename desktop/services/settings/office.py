"""The settings page's view of this office, and its setters (administrators only, audited).

Each setter checks every field of its group first and refuses them all together (a
``ValidationError`` whose ``problems`` maps each field to its message, so the page puts
each message under its field), then writes through the value's owner and records
``audit.SETTINGS_CHANGE`` in the same transaction. The audit detail names the settings
changed, never a value: a contact person's name or phone is personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from desktop import acting
from desktop.errors import UnionDeskError, ValidationError
from desktop.services import audit
from desktop.services.care import settings as care_settings
from desktop.services.members import card_numbers
from desktop.services.settings import local
from desktop.services.unions import federations
from desktop.storage import settings_store
from desktop.storage.database import HUB_BACKUP_REFUSED, Database


@dataclass(frozen=True)
class OfficeSettings:
    """Everything the 设置 page shows (the sync identity aside: ``sync.office``)."""

    federation: federations.FederationDetails | None
    card_pattern: str
    backup_keep: int
    backup_second_copy_dir: Path | None
    idle_lock_minutes: int
    income_threshold: int | None

    @property
    def card_prefix(self) -> str:
        return self.federation.card_prefix if self.federation is not None else ""


def read(db: Database) -> OfficeSettings:
    with db.connect(write=False) as conn:
        return OfficeSettings(
            federation=federations.details_in(conn),
            card_pattern=card_numbers.current_pattern(conn),
            backup_keep=local.backup_keep_in(conn),
            backup_second_copy_dir=local.backup_second_copy_dir_in(conn),
            idle_lock_minutes=local.idle_lock_minutes_in(conn),
            income_threshold=care_settings.threshold_in(conn),
        )


def may_change() -> bool:
    """Whether the signed-in account may change settings (the page shows read-only else)."""
    return acting.current().may(acting.ADMINISTER)


# -- checks ----------------------------------------------------------------------------

#: The federation's fields: label, longest length, required.
FEDERATION_FIELDS: dict[str, tuple[str, int, bool]] = {
    "name": ("本会名称", 100, True),
    "credit_code": ("统一社会信用代码", 18, False),
    "address": ("地址", 200, False),
    "contact_person": ("负责人（主席或联系人）", 50, False),
    "contact_phone": ("联系电话", 20, False),
}
_OFFICE_PHONE = re.compile(r"^\+?[0-9][0-9\-() ]{5,18}[0-9]$")


def _check_office_phone(raw: str) -> str:
    """A mobile or a landline with area code and extension (an office's number is often
    0755-12345678-801): digits, hyphens, brackets, blanks. The message never quotes it."""
    from desktop.textnorm import normalise_text

    phone = normalise_text(raw)
    if not _OFFICE_PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7:
        raise ValidationError(
            "联系电话只能包含数字、“-”和括号，7 到 20 位（如 0755-12345678 或 13800138000）",
            field="contact_phone",
        )
    return phone


def _check_federation_field(field: str, raw: Any) -> str | None:
    from desktop.models.validation import check_credit_code, check_no_control_chars

    label, longest, required = FEDERATION_FIELDS[field]
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            raise ValidationError(f"{label}不能为空", field=field)
        return None
    if field == "credit_code":
        return check_credit_code(text)
    if len(text) > longest:
        raise ValidationError(f"{label}不能超过 {longest} 个字", field=field)
    check_no_control_chars(text, field, label)
    if field == "contact_phone":
        return _check_office_phone(text)
    return text


def _checked(checks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run every field's check; refuse them together, each message under its field."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValidationError as exc:
            problems[exc.field or field] = exc.message
    if problems:
        only = next(iter(problems)) if len(problems) == 1 else None
        raise ValidationError("；".join(problems.values()), field=only, problems=problems)
    return values


def _audit(conn: Connection, group: str, labels: list[str]) -> None:
    if labels:
        audit.record_in(conn, audit.SETTINGS_CHANGE, f"{group}：{'、'.join(labels)}")


# -- setters, one per group of the page ---------------------------------------------------


def set_federation(db: Database, changes: Mapping[str, Any]) -> list[str]:
    """本会信息: any of ``FEDERATION_FIELDS``; returns the fields that changed."""
    acting.require(acting.ADMINISTER)
    unknown = set(changes) - set(FEDERATION_FIELDS)
    if unknown:
        raise UnionDeskError(f"不认识的本会信息字段：{'、'.join(sorted(unknown))}")
    values = _checked({f: partial(_check_federation_field, f, changes[f]) for f in changes})
    with db.connect() as conn:
        changed = federations.update_own(conn, values)
        _audit(conn, "本会信息", [FEDERATION_FIELDS[c][0] for c in changed])
    return changed


def set_card_prefix(db: Database, prefix: Any) -> str:
    """会员证: the prefix of card numbers issued from now on (issued ones keep theirs)."""
    acting.require(acting.ADMINISTER)
    value = _checked({"card_prefix": lambda: card_numbers.check_prefix(str(prefix or ""))})
    with db.connect() as conn:
        changed = federations.update_own(conn, {"card_prefix": value["card_prefix"]})
        _audit(conn, "会员证", ["卡号前缀"] if changed else [])
    return str(value["card_prefix"])


def set_backups(
    db: Database, *, keep: Any = None, second_copy_dir: Any = None, clear_dir: bool = False
) -> None:
    """备份: how many to keep, and the second-copy folder (``clear_dir`` stops the copy;
    a ``None`` leaves that value as it is). The hub keeps no file backups: refused."""
    if not db.takes_file_backups:
        raise UnionDeskError(HUB_BACKUP_REFUSED)
    acting.require(acting.ADMINISTER)
    checks: dict[str, Callable[[], Any]] = {}
    if keep is not None:
        checks["backup_keep"] = lambda: local.check_backup_keep(keep)
    if second_copy_dir is not None and not clear_dir:
        checks["backup_second_copy_dir"] = lambda: local.check_second_copy_dir(second_copy_dir)
    values = _checked(checks)
    with db.connect() as conn:
        labels = []
        if "backup_keep" in values and values["backup_keep"] != local.backup_keep_in(conn):
            settings_store.write(conn, settings_store.BACKUP_KEEP, str(values["backup_keep"]))
            labels.append("保留备份份数")
        if clear_dir or "backup_second_copy_dir" in values:
            folder = None if clear_dir else values["backup_second_copy_dir"]
            if folder != local.backup_second_copy_dir_in(conn):
                stored = None if folder is None else str(folder)
                settings_store.write(conn, settings_store.BACKUP_SECOND_COPY_DIR, stored)
                labels.append("第二份备份的文件夹")
        _audit(conn, "备份", labels)


def set_idle_lock_minutes(db: Database, minutes: Any) -> int:
    """安全: minutes without input before the window locks (0 = never)."""
    acting.require(acting.ADMINISTER)
    value = int(
        _checked({"idle_lock_minutes": lambda: local.check_idle_lock_minutes(minutes)})[
            "idle_lock_minutes"
        ]
    )
    with db.connect() as conn:
        if value != local.idle_lock_minutes_in(conn) or (
            settings_store.read(conn, settings_store.IDLE_LOCK_MINUTES) is None
        ):
            settings_store.write(conn, settings_store.IDLE_LOCK_MINUTES, str(value))
            _audit(conn, "安全", ["闲置锁屏时间"])
    return value


def set_income_threshold(db: Database, yuan: Any) -> int | None:
    """困难帮扶: the local income line (blank clears it). Stays local to this PC."""
    acting.require(acting.ADMINISTER)
    blank = yuan is None or str(yuan).strip() == ""
    amount: int | None = None
    if not blank:
        amount = int(
            _checked({"income_threshold": lambda: care_settings.check_threshold(yuan)})[
                "income_threshold"
            ]
        )
    with db.connect() as conn:
        if amount != care_settings.threshold_in(conn):
            care_settings.set_threshold_in(conn, amount)
            _audit(conn, "困难帮扶", ["困难认定收入标准"])
    return amount


# -- the CLI's key catalogue ---------------------------------------------------------------


@dataclass(frozen=True)
class SettingKey:
    """One key of ``uniondesk settings set KEY VALUE``: its group and what it means."""

    key: str
    group: str
    label: str
    meaning: str


KEYS: tuple[SettingKey, ...] = (
    SettingKey("name", "本会信息", "本会名称", "工会联合会的全称，也是本机同步身份的名称"),
    SettingKey("credit_code", "本会信息", "统一社会信用代码", "18 位，按国家标准校验"),
    SettingKey("address", "本会信息", "地址", "办公地址"),
    SettingKey("contact_person", "本会信息", "负责人", "主席或联系人姓名"),
    SettingKey("contact_phone", "本会信息", "联系电话", "手机或座机（如 0755-12345678）"),
    SettingKey(
        "card_prefix", "会员证", "卡号前缀", "以后发出的会员证号的开头，12 位以内字母或数字"
    ),
    SettingKey("backup_keep", "备份", "保留备份份数", "保留最近多少份备份，1–365，默认 30"),
    SettingKey(
        "backup_second_copy_dir",
        "备份",
        "第二份备份的文件夹",
        "每次备份再复制一份到这里（U 盘或另一块磁盘），须已存在且可写；填空字符串表示不复制",
    ),
    SettingKey(
        "idle_lock_minutes", "安全", "闲置锁屏时间", "无操作多少分钟后锁定窗口，1–240，0 表示从不"
    ),
    SettingKey(
        "income_threshold",
        "困难帮扶",
        "困难认定收入标准",
        "当地困难职工认定标准（元/人·月），只保存在本机；填空字符串表示清除",
    ),
)
KEY_NAMES = {k.key: k for k in KEYS}


def set_value(db: Database, key: str, value: str) -> None:
    """Set one key from its text (the CLI): the same checks and audit as the page."""
    if key not in KEY_NAMES:
        raise ValidationError(
            f"没有名为「{key}」的设置。可用的设置：{'、'.join(KEY_NAMES)}"
            "（运行 uniondesk settings set --help 查看含义）",
            field="key",
        )
    if key in FEDERATION_FIELDS:
        set_federation(db, {key: value})
    elif key == "card_prefix":
        set_card_prefix(db, value)
    elif key == "backup_keep":
        set_backups(db, keep=value)
    elif key == "backup_second_copy_dir":
        set_backups(db, second_copy_dir=value, clear_dir=not value.strip())
    elif key == "idle_lock_minutes":
        set_idle_lock_minutes(db, value)
    else:
        set_income_threshold(db, value)
