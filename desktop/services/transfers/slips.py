"""转接单号 and the slip's signed QR.

A slip number is ``{card prefix}ZJ{year}{issuer}{seq:04}``: ``issuer`` is this PC's
node code (the one card numbers carry, derived from its signing key), so two PCs that
never talk issue disjoint series, and ``seq`` counts this PC's slips of the year. The
counter is the highest number this PC has issued, read from ``transfers`` itself: a
PC holds every row it wrote (nothing is removed, a deleted row is a tombstone), and a
restored backup gets a new node identity, hence a new issuer, before it can issue again.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from desktop.cards import signing, transfer_qr
from desktop.services.members import card_numbers
from desktop.services.transfers.queries import TransferRecord
from desktop.services.unions import federations
from desktop.storage.database import Database

MARK = "ZJ"  # 转接: keeps slip numbers apart from card numbers of the same series
SEQ_WIDTH = 4


def _issuer(conn: Connection) -> str:
    return str(
        conn.execute(
            text(
                "SELECT n.issuer_code FROM sync_clock c JOIN sync_node n "
                "ON n.node_id = c.node_id WHERE c.id = 1"
            )
        ).scalar_one()
    )


def issue(conn: Connection, on: date) -> str:
    """A new slip number, in the caller's transaction (the transfer row that carries it
    is written in the same transaction, which is what reserves it)."""
    prefix = card_numbers.federation_prefix(conn, federations.require_current_id(conn))
    head = f"{prefix}{MARK}{on.year:04d}{_issuer(conn)}"
    last = conn.execute(
        text(
            "SELECT max(CAST(substr(slip_no, :n) AS INTEGER)) FROM transfers "
            "WHERE substr(slip_no, 1, :len) = :head AND length(slip_no) = :full"
        ),
        {"n": len(head) + 1, "len": len(head), "head": head, "full": len(head) + SEQ_WIDTH},
    ).scalar_one_or_none()
    return f"{head}{int(last or 0) + 1:0{SEQ_WIDTH}d}"


def content(record: TransferRecord, joined_on: date | None) -> transfer_qr.SlipContent:
    return transfer_qr.SlipContent(
        slip_no=record.slip_no or "",
        name=record.member_name,
        card_no=record.card_no or "",
        from_union=record.from_union,
        to_union=record.to_union,
        transferred_on=record.transferred_on,
        joined_on=joined_on,
        reason=record.reason or "",
    )


def payload_in(conn: Connection, record: TransferRecord) -> str:
    """The signed QR text printed on ``record``'s slip."""
    joined = conn.execute(
        text("SELECT joined_on FROM members WHERE id = :m"), {"m": record.member_id}
    ).scalar_one_or_none()
    joined_on = None if joined is None else date.fromisoformat(str(joined))
    return transfer_qr.payload(signing.self_signer(conn), content(record, joined_on))


def read(db: Database, scanned: str) -> transfer_qr.SlipReading:
    """A scanned slip QR, checked against the keys this PC trusts (see ``transfer_qr``)."""
    with db.connect(write=False) as conn:
        return transfer_qr.read(conn, scanned)
