"""Every synced table and column has a Chinese name (``models.labels``): the audit trail
and the sync page's conflicts show them, and a name missing there reached the clerk as
``joined_on`` or ``attendances``."""

from __future__ import annotations

from desktop.models.base import Base, synced_tables
from desktop.models.labels import FIELDS, TABLES, field_label, table_label

CJK = range(0x4E00, 0xA000)


def _chinese(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


def test_every_synced_table_and_column_has_a_chinese_name() -> None:
    missing = []
    for table, local in synced_tables().items():
        if not _chinese(table_label(table)):
            missing.append(table)
        for column in Base.metadata.tables[table].columns:
            if column.name not in local and not _chinese(field_label(table, column.name)):
                missing.append(f"{table}.{column.name}")
    assert missing == []


def test_a_members_column_reads_as_on_the_member_form() -> None:
    assert field_label("members", "phone") == "手机号"
    assert field_label("members", "name") == "姓名"
    assert field_label("unions", "name") == "工会名称"
    assert field_label("service_records", "people") == "人次"


def test_an_unknown_name_is_shown_as_it_is() -> None:
    """A table or column from a newer version (received in a package) is not hidden."""
    assert table_label("future_table") == "future_table"
    assert field_label("members", "future_field") == "future_field"
    assert "future_field" not in FIELDS and "future_table" not in TABLES
