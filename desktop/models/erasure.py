"""个人信息删除 (PIPL Art. 47): the synced tombstone of an erased person, and which
fields of which tables hold personal values and what they read once erased.

Why a synced table: an erasure must happen on every office, and a package made before
an office heard of it must never bring the values back. The row names the erased member
record by id, when, and a reason code — no personal value — and each office that
receives it erases the same person through the same service code
(``desktop.services.erasure``). ``erased_rows`` (synced too) lists every row an erasure
blanked, so a stale change to one of them is blanked again at apply time on every office.

``PERSONAL`` is the one list of what erasure blanks: the erase service writes these
values, the sync apply blanks incoming changes of erased rows with them, and the change
log is rewritten with them. Every value passes ``models.values`` (the ID number's erased
form, an empty string, is accepted there as the erased marker), so the blanked changes
travel and merge like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Synced
from desktop.models.codes import CodeList

ERASED_NAME = "（已删除）"
ERASED_ID_NUMBER = ""
"""An erased ID number: the column is NOT NULL; ``values`` accepts exactly this blank."""
ERASED_FILE_NAME = ""
ERASED_SHA256 = ""
"""An erased case document's name and content hash (both NOT NULL): it names no file."""

ERASURE_REASON = CodeList(
    "erasure_reason",
    "删除原因",
    (
        ("request", "本人申请"),
        ("expired", "退会且超过保存期限"),
        ("other", "其他"),
    ),
)

_PROFILE: dict[str, Any] = {
    "ethnicity": None,
    "political_status": None,
    "education": None,
    "hukou_type": None,
}

# table → field → the value it holds once erased. Fields not named here (union, dates of
# membership, status, amounts, codes of the hardship level) stay: without the person's
# identity they are anonymous figures the office's statistics still count.
PERSONAL: dict[str, dict[str, Any]] = {
    "members": {
        "name": ERASED_NAME,
        "id_number": ERASED_ID_NUMBER,
        "gender": None,
        "birth_date": None,
        **_PROFILE,
        "phone": None,
        "employer": None,
        "position": None,
        "card_no": None,
        "leave_reason": None,
        "photo": None,
        "notes": None,
    },
    "applications": {
        "name": ERASED_NAME,
        "id_number": ERASED_ID_NUMBER,
        "phone": None,
        "employer": None,
        "position": None,
        **_PROFILE,
        "review_note": None,
        "reject_reason": None,
        "notes": None,
    },
    "hardship_cases": {
        "cause": None,
        "household_size": None,
        "monthly_income_per_capita": None,
        "disability_grade": None,
        "health_notes": None,
        "close_reason": None,
        "notes": None,
    },
    # the hardship file is erased by the care area's own purge (``erase_in``), which
    # also tombstones it: these are the fields that purge blanks
    "hardship_household": {
        "name": None,
        "id_number": None,
        "age": None,
        "health": None,
        "work_place": None,
        "monthly_income": None,
    },
    "hardship_assistance": {"handler": None, "notes": None},
    "hardship_reviews": {"reviewer": None, "notes": None},
    "hardship_consents": {"recorded_by": None, "notes": None},
    # a case's free text describes the person (what happened, where they work, what
    # they said); the case type, dates, status and amounts stay as anonymous figures
    "legal_cases": {
        "applicant_name": None,
        "applicant_phone": None,
        "summary": None,
        "employer": None,
        "notes": None,
    },
    # the documents filed with an erased case go altogether: the writer tombstones the
    # link row and the file's bytes leave ``attachments`` once nothing names them
    "legal_case_documents": {"file_name": ERASED_FILE_NAME, "sha256": ERASED_SHA256},
    "honours": {"notes": None},
    "attendances": {"guest_name": None},
    "member_status_changes": {"reason": None},
    "transfers": {"reason": None, "notes": None},
}


def blanked(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` of a change to an erased row of ``table``, personal values erased."""
    blanks = PERSONAL.get(table)
    if not blanks or blanks.keys().isdisjoint(fields):
        return fields
    return {k: (blanks[k] if k in blanks else v) for k, v in fields.items()}


class Erasure(Synced, Base):
    """One erased person: the member record's id, when (UTC), why (``ERASURE_REASON``)."""

    __tablename__ = "erasures"

    member_id: Mapped[str] = mapped_column(String(36), index=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(16))


class ErasedRow(Synced, Base):
    """A row an erasure blanked (table, row id, the erased member record): synced, so
    an office that found the person's rows by other means than this one (a guest name,
    an ID number on an application) tells every other office which of its rows are
    erased; their later and earlier changes are blanked everywhere alike."""

    __tablename__ = "erased_rows"

    tbl: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)


class DroppedSegment(Base):
    """Another office's signed segment this PC dropped because it held erased values
    (local). Its changes are still held here, blanked; the range is asked for again
    (the manifest's ``wanted``) so this PC can relay it once a clean copy — the origin's
    own, sealed again after it erased the person — arrives."""

    __tablename__ = "sync_dropped_segment"

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    first: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class PeerWant(Base):
    """A range an office asked for again in its latest package (``DroppedSegment`` there):
    sent to it whenever this PC holds a segment for it, acknowledged or not (local)."""

    __tablename__ = "sync_peer_want"

    peer: Mapped[str] = mapped_column(String(32), primary_key=True)
    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    first: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, primary_key=True)
