"""Which federations a roll-up covers: every one held here, this office's own, or one.

An upper office (a district union) receives its sub-federations' federations, unions and
members through sync (relays, docs/SYNC.md). Its lists, figures, reports and exports show
them all by default and can be narrowed to one federation (docs/HUB.md, "Roll-ups").
A scope is a federation id, or None for every federation held; "本会" is this office's
own. Filters compose ``union_ids_sql`` (plain ANSI SQL, the same on SQLite and
PostgreSQL) into their WHERE clause: members, sites and figures reach a federation
through their union.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, UnionDeskError
from desktop.services.unions import federations
from desktop.services.unions.sort_keys import union_sort_key
from desktop.storage.database import Database

#: The word a clerk types (or picks) for this office's own federation.
OWN_WORD = "本会"
#: The word for every federation held in this registry (the default).
ALL_WORD = "全部"


@dataclass(frozen=True)
class FederationChoice:
    """A federation held here, as the filters offer it: own first, then by name."""

    id: str
    name: str
    own: bool
    unions: int


def union_ids_sql(param: str = "scope_federation") -> str:
    """The ids of one federation's unions (live or not), for ``… IN (…)``."""
    return f"SELECT id FROM unions WHERE federation_id = :{param}"


def held_in(conn: Connection) -> list[FederationChoice]:
    """Every live federation of this registry with its live unions counted; own first."""
    own = federations.current_id(conn)
    rows = conn.execute(
        text(
            "SELECT f.id AS id, f.name AS name, "
            "(SELECT count(*) FROM unions u WHERE u.federation_id = f.id AND u.deleted = 0) "
            "AS unions FROM federations f WHERE f.deleted = 0"
        )
    ).all()
    choices = [
        FederationChoice(str(r.id), str(r.name), str(r.id) == own, int(r.unions)) for r in rows
    ]
    if len(choices) < 2:  # an office's own federation alone: no pinyin on the cold start
        return choices
    # in pinyin order, as unions are listed (tens of federations: sorted here)
    return sorted(choices, key=lambda c: (not c.own, union_sort_key(c.name), c.id))


def held(db: Database) -> list[FederationChoice]:
    """``held_in`` in its own read transaction (the filters' combo boxes, the CLI)."""
    with db.connect(write=False) as conn:
        return held_in(conn)


def names_in(conn: Connection) -> dict[str, str]:
    """Federation id → name, deleted ones included (a union's federation by name)."""
    return {
        str(r.id): str(r.name) for r in conn.execute(text("SELECT id, name FROM federations")).all()
    }


def repeated_names(choices: list[FederationChoice]) -> set[str]:
    """The names more than one federation held here bears (a city hub's offices may
    share one): those are shown with their number, which names each apart."""
    counted = Counter(c.name for c in choices)
    return {name for name, n in counted.items() if n > 1}


def resolve(db: Database, name: str | None) -> str | None:
    """The federation id a clerk names (``--federation NAME``): None for 全部 or nothing,
    this office's own for 本会, else the federation of that exact name or number (the
    number tells apart federations of one name)."""
    wanted = (name or "").strip()
    if not wanted or wanted == ALL_WORD:
        return None
    with db.connect(write=False) as conn:
        if wanted == OWN_WORD:
            return federations.require_current_id(conn)
        choices = held_in(conn)
    by_id = [c for c in choices if c.id == wanted]
    if by_id:
        return by_id[0].id
    found = [c for c in choices if c.name == wanted]
    if len(found) == 1:
        return found[0].id
    if found:
        numbers = "；".join(f"编号 {c.id}（工会 {c.unions} 个）" for c in found)
        raise UnionDeskError(
            f"本库有 {len(found)} 个名为「{wanted}」的联合会，按名称无法区分：{numbers}。"
            "请改填其中一个的编号。"
        )
    known = "、".join(c.name for c in choices) or "（无）"
    raise NotFoundError(
        f"找不到名为「{wanted}」的联合会。本库登记的联合会有：{known}；"
        f"请填其中一个名称，或填「{OWN_WORD}」「{ALL_WORD}」",
        field="federation",
    )


def name_of(db: Database, federation_id: str | None) -> str:
    """What a scope is called on a report or an export's audit entry."""
    if federation_id is None:
        return "全部联合会"
    with db.connect(write=False) as conn:
        return names_in(conn).get(federation_id, "（已删除的联合会）")
