"""Phone applications, the key-holding side: the office key for the application page, and
a scanned application opened with the office's private key and checked by the
registry's rules.

It sits in sync because this office's key pair lives here (``trust.self_keys``); the
format and its crypto are ``desktop.cards.application_qr`` (no key, no database). The
presentation reaches it through ``desktop.sync.office`` (``application_page_key``,
``read_application_scan``).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.cards import application_qr
from desktop.cards.application_qr import ApplicationDraft
from desktop.errors import ValidationError
from desktop.models.dates import sixteenth_birthday
from desktop.services.members import registry
from desktop.storage.database import Database
from desktop.sync import trust

UNDER_SIXTEEN = (
    "申请人未满 16 周岁（按身份证号中的出生日期）：申请已登记，但年满 16 周岁后才能批准入会"
)
#: Messages of these fields quote the value typed; a scan's refusal must name no data.
_QUOTING_FIELDS = {"phone": "手机号格式不正确（应为以 1 开头的 11 位数字）"}


@dataclass(frozen=True)
class PageKey:
    """What the application page embeds: the office and its public box key, nothing secret."""

    node_id: str
    office_name: str
    box_public: bytes


@dataclass(frozen=True)
class ScannedApplication:
    """A scanned application, decrypted and checked: ``values`` are the registry's cleaned
    fields (birth date and gender derived from the ID number), ready to file."""

    draft: ApplicationDraft
    values: dict[str, Any]
    warnings: tuple[str, ...]


def page_key(db: Database) -> PageKey:
    with db.connect(write=False) as conn:
        keys = trust.self_keys(conn)
    return PageKey(keys.node_id, keys.office_name, keys.box_public)


def read_scan(db: Database, text: str, seen: Container[str] = frozenset()) -> ScannedApplication:
    """Open ``text`` (what the scanner typed) with this office's key and check it with the
    member dialog's rules (``registry.validate``, duplicates left to the review queue,
    which flags them). ``seen`` holds the payload ids already filed (replays)."""
    with db.connect(write=False) as conn:
        keys = trust.self_keys(conn)
        draft = application_qr.open_application(
            text, node_id=keys.node_id, box_private=keys.box_private, seen=seen
        )
        values = dict(draft.member_values(), membership_status="applicant")
        try:
            checked = registry.validate(conn, values, check_duplicates=False)
        except ValidationError as exc:
            problems = {f: _QUOTING_FIELDS.get(f, m) for f, m in exc.problems.items()}
            raise ValidationError(
                "入会申请内容未通过登记规则，未做任何记录："
                + "；".join(problems.values())
                + "。请申请人改正后重新生成二维码。",
                problems=problems,
            ) from None
    born = checked.values.get("birth_date")
    too_young = isinstance(born, date) and db.clock.today() < sixteenth_birthday(born)
    said = (UNDER_SIXTEEN,) if too_young else ()
    return ScannedApplication(draft, checked.values, (*checked.warnings, *said))
