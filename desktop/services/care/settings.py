"""The local income threshold (当地困难职工认定标准, yuan per head per month).

The office sets it; a file's income per head is shown against it. Kept in the local
``app_settings`` table (each office sets its own, it does not travel). It is changed only
through ``services.settings.office.set_income_threshold`` (administrators, audited) — the
settings page, ``settings set``, ``hardship threshold`` and the care page alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import ValidationError
from desktop.services.activities.inputs import as_count
from desktop.storage.database import Database

SETTING_KEY = "hardship_income_threshold"


def threshold_in(conn: Connection) -> int | None:
    value = conn.execute(
        text("SELECT value FROM app_settings WHERE key = :k"), {"k": SETTING_KEY}
    ).scalar()
    return int(value) if value not in (None, "") else None


def income_threshold(db: Database) -> int | None:
    with db.connect(write=False) as conn:
        return threshold_in(conn)


def check_threshold(yuan: Any) -> int:
    """Whole yuan, more than 0 (the settings page and ``hardship threshold`` alike)."""
    amount = as_count(yuan, "income_threshold", "困难认定收入标准（元/人·月）")
    assert amount is not None
    if amount == 0:
        raise ValidationError("困难认定收入标准应大于 0 元", field="income_threshold")
    return amount


def set_threshold_in(conn: Connection, amount: int | None) -> None:
    """Store a checked amount inside the caller's transaction (the settings page audits
    the change in the same transaction); None clears it (no line is shown)."""
    if amount is None:
        conn.execute(text("DELETE FROM app_settings WHERE key = :k"), {"k": SETTING_KEY})
        return
    conn.execute(
        text(
            "INSERT INTO app_settings (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": SETTING_KEY, "v": str(amount)},
    )
