"""What the print page and ``uniondesk print`` read, each in its own read transaction.

The loaders in ``records`` and ``forms.data`` take a connection so they can share one
transaction; the CLI and the views call these instead, so they never hold a connection.
Nothing here imports reportlab: a screen can list unions without loading the renderer.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

from desktop.printing.forms import data as fd
from desktop.printing.records import CardBatch, load_cards
from desktop.storage.database import Database

#: The filled-in values of one form (``forms.render.FormData``, without reportlab).
FormValues = fd.MemberFormData | fd.HardshipFormData | fd.TransferFormData | fd.AttendanceFormData


def union_names(db: Database) -> list[str]:
    """Every union's name in list order, for the print page's union choice."""
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text("SELECT name FROM unions WHERE deleted = 0 ORDER BY sort_key, name")
        ).scalars()
        return [str(name) for name in rows]


def card_batch(
    db: Database,
    *,
    union_name: str | None = None,
    member_ids: Sequence[str] | None = None,
) -> CardBatch:
    """Members to print cards for (``records.load_cards``), read in one transaction."""
    with db.connect(write=False) as conn:
        return load_cards(conn, union_name=union_name, member_ids=member_ids)


def form_values(
    db: Database,
    kind: str,
    subject: str,
    *,
    unmasked: bool = False,
    sensitive_reason: str | None = None,
) -> FormValues:
    """One form's values: the activity's for a sign-in sheet ("attendance"), else the
    member's (hardship, transfer, or the member forms). ``sensitive_reason``: print the
    hardship file's health, disability and income values, for this (audited) reason."""
    if kind == "hardship" and sensitive_reason is not None:
        from desktop.services.care.sensitive import checked_reason

        why = checked_reason(sensitive_reason)
        with db.connect() as conn:  # the audit entry commits with the read
            case = subject if _is_hardship_file(conn, subject) else None
            return fd.load_hardship(
                conn, subject, unmasked=unmasked, sensitive_reason=why, case_id=case
            )
    with db.connect(write=False) as conn:
        if kind == "attendance":
            return fd.load_attendance(conn, subject, unmasked=unmasked)
        if kind == "hardship":  # a file's id: that file; a member's: their open file
            case = subject if _is_hardship_file(conn, subject) else None
            return fd.load_hardship(conn, subject, unmasked=unmasked, case_id=case)
        if kind == "transfer":
            if _is_transfer(conn, subject):  # a transfer's id: that slip
                return fd.load_transfer_record(conn, subject, unmasked=unmasked)
            return fd.load_transfer(conn, subject, unmasked=unmasked)
        if kind == "application" and _is_application(conn, subject):
            return fd.load_application(conn, subject, unmasked=unmasked)
        return fd.load_member(conn, subject, unmasked=unmasked)


def _is_application(conn: Connection, subject: str) -> bool:
    """The 入会申请书 is filled from an application when given one's id (else a member's)."""
    found = conn.execute(
        text("SELECT 1 FROM applications WHERE id = :id AND deleted = 0"), {"id": subject}
    ).first()
    return found is not None


def _is_transfer(conn: Connection, subject: str) -> bool:
    """The 会籍转接单 is filled from one transfer when given its id (else a member's latest)."""
    found = conn.execute(
        text("SELECT 1 FROM transfers WHERE id = :id AND deleted = 0"), {"id": subject}
    ).first()
    return found is not None


def _is_hardship_file(conn: Connection, subject: str) -> bool:
    """The 困难职工登记表 is filled from one file when given its id (else the member's)."""
    found = conn.execute(
        text("SELECT 1 FROM hardship_cases WHERE id = :id AND deleted = 0"), {"id": subject}
    ).first()
    return found is not None
