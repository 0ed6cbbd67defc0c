"""The federation that runs this installation: created once, on first start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from desktop.errors import UnionDeskError
from desktop.models.ids import new_id
from desktop.services.members import card_numbers
from desktop.storage.database import Database

SETTING_KEY = "federation_id"


@dataclass(frozen=True)
class FederationRecord:
    id: str
    name: str
    card_prefix: str
    address: str | None


def current_id(conn: Connection) -> str | None:
    value = conn.execute(
        text("SELECT value FROM app_settings WHERE key = :k"), {"k": SETTING_KEY}
    ).scalar_one_or_none()
    return str(value) if value else None


def require_current_id(conn: Connection) -> str:
    fed = current_id(conn)
    if fed is None:
        raise UnionDeskError(
            "尚未创建本单位（工会联合会）。请先运行 uniondesk init --federation 名称"
        )
    return fed


def current(db: Database) -> FederationRecord | None:
    with db.connect(write=False) as conn:
        fed = current_id(conn)
        if fed is None:
            return None
        row = conn.execute(
            text("SELECT id, name, card_prefix, address FROM federations WHERE id = :id"),
            {"id": fed},
        ).one()
    return FederationRecord(row.id, row.name, row.card_prefix, row.address)


def create(
    db: Database,
    name: str,
    *,
    card_prefix: str = "",
    address: str | None = None,
    card_pattern: str | None = None,
) -> FederationRecord:
    """Create this installation's federation; refused if one exists already."""
    clean_name, prefix = check_new(name, card_prefix)
    with db.connect() as conn:
        if current_id(conn) is not None:
            raise UnionDeskError("本机已创建工会联合会，不能重复创建")
        if card_pattern:
            card_numbers.set_pattern(conn, card_pattern)
        fed_id = new_id()
        insert_own(conn, fed_id, clean_name, prefix, address)
    return FederationRecord(fed_id, clean_name, prefix, address)


def check_new(name: str, card_prefix: str = "") -> tuple[str, str]:
    """The name and card-number prefix a new federation would be created with, or the
    ``ValidationError`` ``create`` would raise — nothing written (the first-run dialog
    checks its own fields before it makes the office's first account)."""
    # Imported here: every GUI start reads the federation (``current``) before its first
    # paint, but only a first start creates one, and validation loads python-stdnum.
    from desktop.models.validation import require_text

    clean_name = require_text(name, "name", "工会联合会名称", 100)
    return clean_name, card_numbers.check_prefix(card_prefix)


def insert_own(
    conn: Connection,
    fed_id: str,
    name: str,
    prefix: str,
    address: str | None,
    founded_on: date | None = None,
) -> None:
    """Write this installation's federation (values already checked) and make it this
    office's: its id in the settings, its name on the office's sync identity."""
    conn.execute(
        text(
            "INSERT INTO federations (id, name, card_prefix, address, founded_on) "
            "VALUES (:id, :name, :prefix, :address, :founded)"
        ),
        {
            "id": fed_id,
            "name": name,
            "prefix": prefix,
            "address": address,
            "founded": founded_on.isoformat() if founded_on else None,
        },
    )
    conn.execute(
        text("INSERT INTO app_settings (key, value) VALUES (:k, :v)"),
        {"k": SETTING_KEY, "v": fed_id},
    )
    conn.execute(text("UPDATE sync_node SET name = :n WHERE is_self = 1"), {"n": name})


@dataclass(frozen=True)
class FederationDetails:
    """Everything the settings page shows and edits of this installation's federation."""

    id: str
    name: str
    card_prefix: str
    credit_code: str | None
    address: str | None
    contact_person: str | None
    contact_phone: str | None


#: The columns ``update_own`` may change (values already checked by the caller).
DETAIL_COLUMNS = (
    "name",
    "card_prefix",
    "credit_code",
    "address",
    "contact_person",
    "contact_phone",
)


def details_in(conn: Connection) -> FederationDetails | None:
    """This installation's federation with its contact details, or None before first run."""
    fed = current_id(conn)
    if fed is None:
        return None
    row = conn.execute(
        text(
            "SELECT id, name, card_prefix, credit_code, address, contact_person, contact_phone "
            "FROM federations WHERE id = :id"
        ),
        {"id": fed},
    ).one()
    return FederationDetails(
        id=str(row.id),
        name=str(row.name),
        card_prefix=str(row.card_prefix or ""),
        credit_code=row.credit_code,
        address=row.address,
        contact_person=row.contact_person,
        contact_phone=row.contact_phone,
    )


def update_own(conn: Connection, changes: dict[str, str | None]) -> list[str]:
    """Write checked ``changes`` (column → value) to this installation's federation,
    inside the caller's transaction; returns the columns that really changed.

    A new name is also the office's name on its sync identity (as ``insert_own`` sets
    it), so key cards and packages made afterwards carry it."""
    unknown = set(changes) - set(DETAIL_COLUMNS)
    if unknown:
        raise ValueError(f"not a federation detail: {sorted(unknown)}")
    before = details_in(conn)
    if before is None:
        raise UnionDeskError(
            "尚未创建本单位（工会联合会）。请先运行 uniondesk init --federation 名称"
        )
    changed = [c for c in DETAIL_COLUMNS if c in changes and getattr(before, c) != changes[c]]
    if not changed:
        return []
    sets = ", ".join(f"{c} = :{c}" for c in changed)
    conn.execute(
        text(f"UPDATE federations SET {sets} WHERE id = :id"),  # noqa: S608 - fixed names
        {"id": before.id, **{c: changes[c] for c in changed}},
    )
    if "name" in changed:
        conn.execute(
            text("UPDATE sync_node SET name = :n WHERE is_self = 1"), {"n": changes["name"]}
        )
    return changed
