"""转接单号 and the slip's signed QR.

A slip number is ``{card prefix}ZJ{year}{issuer}{seq:04}``: ``issuer`` is this PC's
node code (the one card numbers carry, derived from its signing key), so two PCs that
never talk issue disjoint series, and ``seq`` counts this PC's slips of the year. A
restored backup gets a new node identity, hence a new issuer, before it can issue again.

The counter is a row of ``slip_sequences`` (issuer, year), moved with one ``UPDATE …
SET last_seq = last_seq + 1 RETURNING last_seq`` in the transaction that writes the
transfer (issue #25: several clerks on one hub). Why a counter row and not, as before,
the highest number in ``transfers`` plus one: that read is safe on SQLite, where the
write transaction holds the file's write lock from its ``BEGIN IMMEDIATE``, but two
PostgreSQL transactions would both read the same highest number and issue the same
slip (nor can a UNIQUE index on ``slip_no`` catch it: a transfer-in row carries the
number of the slip it received, so the column legitimately repeats). The UPDATE takes
the row's lock until commit: a second issuer waits a moment, then reads the moved
counter. The year's first slip creates the row, seeded from the highest number this
PC already holds in ``transfers`` (slips issued before the counter existed), with
``ON CONFLICT DO UPDATE`` so two first issuers still get consecutive numbers.
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
    issuer = _issuer(conn)
    head = f"{prefix}{MARK}{on.year:04d}{issuer}"
    return f"{head}{next_seq(conn, issuer, on.year, head):0{SEQ_WIDTH}d}"


def next_seq(conn: Connection, issuer: str, year: int, head: str) -> int:
    """Move the (issuer, year) counter on by one and return it (module docstring: one
    statement, the row's lock held to commit). ``head``: the slips' common start, for
    seeding the year's row from the slips already held."""
    key = {"i": issuer, "y": year}
    seq = conn.execute(
        text(
            "UPDATE slip_sequences SET last_seq = last_seq + 1 "
            "WHERE issuer_code = :i AND year = :y RETURNING last_seq"
        ),
        key,
    ).scalar_one_or_none()
    return int(seq) if seq is not None else _first_of_year(conn, head, key)


def _first_of_year(conn: Connection, head: str, key: dict[str, object]) -> int:
    """The counter row made for the year's first slip, from the slips already held."""
    last = conn.execute(
        text(
            "SELECT max(CAST(substr(slip_no, :n) AS INTEGER)) FROM transfers "
            "WHERE substr(slip_no, 1, :len) = :head AND length(slip_no) = :full"
        ),
        {"n": len(head) + 1, "len": len(head), "head": head, "full": len(head) + SEQ_WIDTH},
    ).scalar_one_or_none()
    return int(
        conn.execute(
            text(
                "INSERT INTO slip_sequences (issuer_code, year, last_seq) VALUES (:i, :y, :s) "
                "ON CONFLICT (issuer_code, year) "
                "DO UPDATE SET last_seq = slip_sequences.last_seq + 1 RETURNING last_seq"
            ),
            {**key, "s": int(last or 0) + 1},
        ).scalar_one()
    )


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
