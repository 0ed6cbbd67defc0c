"""Receipts: the history of packages sent and received."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from desktop import clock


@dataclass(frozen=True)
class Receipt:
    package_id: str
    direction: str
    peer: str
    at: datetime
    file_name: str
    summary: dict[str, Any]


def record(
    conn: Connection,
    package_id: str,
    direction: str,
    peer: str,
    file_name: str,
    summary: dict[str, Any],
) -> None:
    conn.exec_driver_sql(
        "INSERT INTO sync_receipt (package_id, direction, peer, at, file_name, summary) "
        "VALUES (:p, :d, :peer, :at, :f, :s)",
        {
            "p": package_id,
            "d": direction,
            "peer": peer,
            "at": clock.current().utcnow(),
            "f": file_name[:260],
            "s": json.dumps(summary, ensure_ascii=False, sort_keys=True),
        },
    )


def seen_package(conn: Connection, package_id: str) -> bool:
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM sync_receipt WHERE package_id = :p AND direction = 'in'",
            {"p": package_id},
        ).first()
        is not None
    )


def receipts(conn: Connection, limit: int = 200) -> list[Receipt]:
    rows = conn.exec_driver_sql(
        "SELECT package_id, direction, peer, at, file_name, summary FROM sync_receipt "
        "ORDER BY id DESC LIMIT :n",
        {"n": limit},
    ).all()
    return [
        Receipt(
            package_id=str(r.package_id),
            direction=str(r.direction),
            peer=str(r.peer),
            at=r.at if isinstance(r.at, datetime) else datetime.fromisoformat(str(r.at)),
            file_name=str(r.file_name),
            summary=json.loads(r.summary),
        )
        for r in rows
    ]
