"""Pairs of live member records that are probably the same person.

Three signs, strongest first: the same ID number (after two offices registered one
person before syncing; the registry refuses it locally, sync keeps both and flags the
pair), the same name and birth date, the same phone. A pair is listed once, under its
strongest sign. Lists show ID numbers and phones masked (PIPL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from desktop.models.masking import mask_id_number, mask_phone
from desktop.storage import engines
from desktop.storage.database import Database

SAME_ID = "same_id"
SAME_NAME_BIRTH = "same_name_birth"
SAME_PHONE = "same_phone"
REASON_LABELS = {
    SAME_ID: "身份证号相同",
    SAME_NAME_BIRTH: "姓名和出生日期相同",
    SAME_PHONE: "手机号相同",
}


@dataclass(frozen=True)
class RecordBrief:
    """One side of a pair, as a list shows it: ID number and phone masked, and beside
    them only the birth year (docs/PRIVACY.md: the full date gives back 8 hidden digits)."""

    id: str
    name: str
    id_number_masked: str
    phone_masked: str
    union_name: str
    card_no: str | None
    birth_year: int | None


@dataclass(frozen=True)
class DuplicatePair:
    reason: str
    reason_label: str
    first: RecordBrief
    second: RecordBrief


_BRIEF_SQL = (
    "SELECT m.id, m.name, m.id_number, m.phone, u.name AS union_name, m.card_no, "
    "m.birth_date FROM members m JOIN unions u ON u.id = m.union_id WHERE m.id IN ({marks})"
)
# Groups of live records sharing a sign: the signs' columns, and which of them must be set.
_GROUPS = {
    SAME_ID: ("id_number", "id_number IS NOT NULL AND id_number != ''"),
    SAME_NAME_BIRTH: ("name, birth_date", "birth_date IS NOT NULL"),
    SAME_PHONE: ("phone", "phone IS NOT NULL AND phone != ''"),
}


def _group_sql(conn: Connection, columns: str, present: str) -> str:
    """The ids of each group of live members sharing ``columns``, comma-joined."""
    ids = engines.group_concat(conn, "id", ",")
    return (
        f"SELECT {ids} AS ids FROM members WHERE deleted = 0 AND {present} "
        f"GROUP BY {columns} HAVING count(*) > 1"
    )


def find_pairs_in(conn: Connection) -> list[DuplicatePair]:
    """Every likely duplicate pair, strongest sign first, each pair once."""
    found: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for reason, (columns, present) in _GROUPS.items():
        for (ids_text,) in conn.execute(text(_group_sql(conn, columns, present))).all():
            ids = sorted(str(ids_text).split(","))
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    if (a, b) not in seen:
                        seen.add((a, b))
                        found.append((reason, a, b))
    briefs = _briefs(conn, sorted({x for _r, a, b in found for x in (a, b)}))
    pairs = [
        DuplicatePair(reason, REASON_LABELS[reason], briefs[a], briefs[b]) for reason, a, b in found
    ]
    order = list(_GROUPS)
    pairs.sort(key=lambda p: (order.index(p.reason), p.first.name, p.first.id))
    return pairs


def find_pairs(db: Database) -> list[DuplicatePair]:
    with db.connect(write=False) as conn:
        return find_pairs_in(conn)


def _briefs(conn: Connection, ids: list[str]) -> dict[str, RecordBrief]:
    out: dict[str, RecordBrief] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        rows = conn.execute(
            text(_BRIEF_SQL.format(marks=", ".join(f":{k}" for k in params))), params
        ).all()
        for r in rows:
            out[str(r.id)] = RecordBrief(
                id=str(r.id),
                name=str(r.name),
                id_number_masked=mask_id_number(r.id_number),
                phone_masked=mask_phone(r.phone),
                union_name=str(r.union_name),
                card_no=r.card_no,
                birth_year=_year(r.birth_date),
            )
    return out


def _year(value: object) -> int | None:
    if not value:
        return None
    return value.year if isinstance(value, date) else date.fromisoformat(str(value)[:10]).year
